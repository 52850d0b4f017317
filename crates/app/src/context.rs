//! What every use case receives: the database and who is acting.

use eline_domain::Actor;
use eline_domain::policy::{Action, Resource, can};
use eline_storage::audit::{self, NewEntry};
use eline_storage::{Db, Tx};

use crate::{AppError, AppResult};

/// The application: a database handle plus settings that do not change while running.
#[derive(Clone, Debug)]
pub struct App {
    pub db: Db,
    /// Shared: the app is cloned into every request's handler state.
    pub settings: std::sync::Arc<Settings>,
    pub files: crate::files::FileStore,
    /// The search index of this server (none when `Settings::search_dir` is not set).
    pub search: Option<std::sync::Arc<crate::search::Search>>,
    /// Proposal list pages (see `cache.rs`).
    pub lists: std::sync::Arc<crate::cache::ReadCache<Vec<eline_storage::proposals::Row>>>,
    /// 社情民意 list pages (the same rule: keyed by the filter after the viewer's rights).
    pub opinion_lists: std::sync::Arc<crate::cache::ReadCache<Vec<eline_storage::opinions::Row>>>,
    /// The directory's pickers (units, organisations, sectors…).
    pub choices: std::sync::Arc<crate::cache::ReadCache<Vec<eline_storage::directory::Entry>>>,
    /// The committee's leader accounts, offered as supervising leaders on the office's proposal
    /// pages (matched by role among every account of the committee: 7 ms at 10,000 accounts).
    pub leaders: std::sync::Arc<crate::cache::ReadCache<Vec<(i64, String)>>>,
    /// The names of units and sectors that search results and similar panels show.
    pub(crate) search_names: std::sync::Arc<crate::cache::ReadCache<crate::search::Names>>,
    /// The office's and units' proposal figures (home pages and the leader's overview).
    pub proposal_queues: std::sync::Arc<crate::cache::ReadCache<eline_storage::proposals::Queues>>,
    /// The information office's queue sizes (its home page and the tabs of every list page).
    pub opinion_queues: std::sync::Arc<crate::cache::ReadCache<eline_storage::opinions::Queues>>,
    /// Committees' short names for every page's header: set when a committee is created and
    /// never changed, so kept for the life of the process (one query less on every page).
    pub short_names: std::sync::Arc<std::sync::RwLock<std::collections::HashMap<i64, String>>>,
    /// The record kinds of the modules (`crate::records`).
    pub records: crate::records::Registry,
    /// Notifications: the dispatcher's wake-up, the live badges, the senders (`crate::notify`).
    pub hub: std::sync::Arc<crate::notify::Hub>,
    /// The time the activities module works with (check-in windows, leave deadlines, attendance);
    /// tests move it.
    pub clock: std::sync::Arc<Clock>,
}

/// The system time, moved by an offset in tests (a check-in 20 minutes after the start, a code
/// that expired).
#[derive(Debug, Default)]
pub struct Clock {
    offset_micros: std::sync::atomic::AtomicI64,
}

impl Clock {
    /// Microseconds since the epoch.
    pub fn now(&self) -> i64 {
        eline_storage::now_micros() + self.offset_micros.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Moves the clock by `micros` (tests).
    pub fn advance(&self, micros: i64) {
        self.offset_micros.fetch_add(micros, std::sync::atomic::Ordering::Relaxed);
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// Demo mode: demo accounts are shown on the login page and need no password change.
    pub demo: bool,
    /// Failed logins per account from one client address within the window before that
    /// address may not try the account again for the rest of the window (also: failed checks
    /// of the current password when changing it).
    pub max_failures_per_account: i64,
    /// Failed logins per client address (any account) within the window.
    pub max_failures_per_ip: i64,
    /// Failed logins of an account from all unknown addresses within the window after which
    /// each further attempt from an address the account never logged in from must wait
    /// `account_backoff_secs` after the previous one (the owner's known addresses are not slowed).
    pub account_backoff_after: i64,
    pub account_backoff_secs: i64,
    /// Throttle window in seconds.
    pub throttle_window_secs: i64,
    /// An API token stops working after this many days without use (each use moves it on); a
    /// device session after this many days without a refresh.
    pub token_ttl_days: i64,
    /// Minutes a device session's access token works (then the app refreshes it).
    pub access_token_minutes: i64,
    /// Proxies whose `X-Forwarded-For` names the client (else the connection's address is the client).
    pub trusted_proxies: Vec<crate::net::Cidr>,
    /// `/metrics` needs `Authorization: Bearer <this>` (None: not served on the main address).
    pub metrics_token: Option<String>,
    /// A request body must arrive within this many seconds (plus one second per 64 KB of its
    /// declared length): a slow sender cannot hold a request open.
    pub body_timeout_secs: u64,
    /// Mark the session cookie `Secure` (set when served over HTTPS, e.g. behind a TLS proxy).
    pub secure_cookies: bool,
    /// Where uploaded files are kept (`files/` inside it); may be shared by several servers.
    pub data_dir: std::path::PathBuf,
    /// Where this server keeps its search index (one per server; not shared). None: no search.
    pub search_dir: Option<std::path::PathBuf>,
    /// Requests handled at once; more are refused at once with 503 + Retry-After instead of
    /// queueing without bound (memory stays flat under overload).
    pub max_in_flight: usize,
    /// How long a cached list page or picker may be served (0: no cache); see `cache.rs`.
    pub read_cache_ms: u64,
    /// Web origins whose pages may call the API from a browser (CORS; none: CORS is off).
    pub cors_origins: Vec<crate::net::Origin>,
    /// Where email goes out (ELINE_SMTP_URL: `smtp://host:587?tls=required` for STARTTLS,
    /// `smtps://host:465` for TLS, `smtp://host:25` plain on a trusted network); None: no email.
    pub smtp_url: Option<String>,
    /// The sender of notification emails (ELINE_MAIL_FROM).
    pub mail_from: String,
    /// The address people reach this service at, for links in emails and webhook bodies
    /// (ELINE_PUBLIC_URL).
    pub public_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            demo: false,
            max_failures_per_account: 5,
            max_failures_per_ip: 30,
            account_backoff_after: 20,
            account_backoff_secs: 10,
            throttle_window_secs: 15 * 60,
            token_ttl_days: 90,
            access_token_minutes: 60,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            body_timeout_secs: 10,
            secure_cookies: false,
            data_dir: "eline-data".into(),
            search_dir: None,
            max_in_flight: 256,
            read_cache_ms: 1000,
            cors_origins: Vec::new(),
            smtp_url: None,
            mail_from: "委员e线通 <eline@localhost>".into(),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

impl App {
    pub fn new(db: Db, settings: Settings) -> App {
        App::with_records(db, settings, crate::records::Registry::standard())
    }

    /// An app with the given record kinds (tests register kinds of their own).
    pub fn with_records(db: Db, settings: Settings, records: crate::records::Registry) -> App {
        let files = crate::files::FileStore::new(settings.data_dir.join("files"));
        // An index that cannot even be created (disk, permissions) leaves search off, logged;
        // the rest of the service runs.
        let search = settings.search_dir.as_ref().and_then(|dir| match crate::search::Search::open(dir, records.clone()) {
            Ok(s) => Some(std::sync::Arc::new(s)),
            Err(e) => {
                tracing::error!(error = %e, dir = %dir.display(), "search index cannot be opened; search is off");
                None
            }
        });
        let ttl = std::time::Duration::from_millis(settings.read_cache_ms);
        App {
            db,
            settings: std::sync::Arc::new(settings),
            files,
            search,
            lists: std::sync::Arc::new(crate::cache::ReadCache::new(ttl)),
            opinion_lists: std::sync::Arc::new(crate::cache::ReadCache::new(ttl)),
            choices: std::sync::Arc::new(crate::cache::ReadCache::new(ttl)),
            leaders: std::sync::Arc::new(crate::cache::ReadCache::new(ttl)),
            search_names: std::sync::Arc::new(crate::cache::ReadCache::new(ttl)),
            proposal_queues: std::sync::Arc::new(crate::cache::ReadCache::new(ttl)),
            opinion_queues: std::sync::Arc::new(crate::cache::ReadCache::new(ttl)),
            short_names: Default::default(),
            records,
            hub: std::sync::Arc::new(crate::notify::Hub::default()),
            clock: std::sync::Arc::new(Clock::default()),
        }
    }

    /// Asks the policy; a refused write is audited (in its own transaction) before `Forbidden`.
    pub async fn require(&self, actor: &Actor, action: Action, resource: Resource) -> AppResult<()> {
        if can(actor, action, resource) {
            return Ok(());
        }
        let is_write = matches!(action, Action::ManageDirectory | Action::ManageMembers | Action::ManageUsers | Action::ManageSettings);
        if is_write {
            let mut tx = self.db.begin().await?;
            audit_write(&mut tx, Some(actor), "permission_denied", "permission", None, format!("拒绝：{action:?}"), None, None).await?;
            tx.commit().await?;
        }
        Err(AppError::Forbidden)
    }

    /// Removes expired browser sessions, old failed-login records and old outbox rows. Runs on
    /// one server at a time (a cluster-wide lock on PostgreSQL); returns false when another
    /// server was already running it.
    pub async fn sweep(&self) -> AppResult<bool> {
        use tower_sessions::session_store::ExpiredDeletion;
        let mut lock = self.db.acquire().await?;
        if !eline_storage::jobs::try_lock(&mut lock, eline_storage::jobs::SWEEP).await? {
            return Ok(false);
        }
        let result = async {
            eline_storage::sessions::DbSessionStore::new(self.db.clone()).delete_expired().await.map_err(|e| AppError::Internal(e.to_string()))?;
            let mut c = self.db.acquire().await?;
            let now = eline_storage::now_micros();
            let before = now - 2 * self.settings.throttle_window_secs * 1_000_000;
            eline_storage::users::prune_throttle(&mut c.ex(), before, now - crate::auth::KNOWN_ADDRESS_MICROS).await?;
            let old = eline_storage::now_micros() - crate::search::RETENTION_MICROS;
            eline_storage::outbox::prune(&mut c.ex(), eline_storage::outbox::SEARCH, old).await?;
            Ok::<(), AppError>(())
        }
        .await;
        eline_storage::jobs::unlock(&mut lock, eline_storage::jobs::SWEEP).await?;
        result.map(|()| true)
    }

    /// Like `require`, for reads: answers NotFound so that a record's existence is not revealed.
    pub fn require_visible(&self, actor: &Actor, action: Action, resource: Resource) -> AppResult<()> {
        if can(actor, action, resource) { Ok(()) } else { Err(AppError::NotFound) }
    }
}

/// Writes an audit entry for an actor (None = the system, e.g. the command line) about something
/// that is not a record's change (a login, a token, the calendar, a refusal); a record's change
/// goes through `change::record`, which also writes its timeline and outbox rows.
#[allow(clippy::too_many_arguments)]
pub async fn audit_write(
    tx: &mut Tx,
    actor: Option<&Actor>,
    action: &str,
    target_type: &str,
    target_id: Option<i64>,
    summary: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AppResult<i64> {
    let name = actor.map(crate::change::actor_name).unwrap_or_else(|| "系统".to_string());
    Ok(audit::record(
        tx,
        NewEntry {
            committee_id: actor.map(|a| a.committee_id),
            actor_user_id: actor.map(|a| a.user_id),
            actor_name: &name,
            action,
            target_type,
            target_id,
            summary,
            before,
            after,
        },
    )
    .await?)
}

/// Serialises a record for an audit digest.
pub fn snapshot<T: serde::Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}
