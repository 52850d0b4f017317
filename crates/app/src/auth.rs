//! Accounts: password hashing (argon2id, off the async threads), login with throttling, API
//! tokens (random, stored as SHA-256), password changes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use eline_domain::{Actor, Role};
use eline_storage::users::{self, Token, User};
use eline_storage::{now_micros, sessions};
use sha2::{Digest, Sha256};

use crate::context::{audit_write, snapshot};
use crate::{App, AppError, AppResult};

pub const MIN_PASSWORD_CHARS: usize = 8;

/// A turn to hash a password: at most one hash per core at a time. Each takes 19 MiB
/// (argon2id's defaults) and a core's work, so more at once only adds memory: 300 members logging
/// in together for a plenary's check-in ran 300 at once and left the server holding 1 GB.
async fn hashing_turn() -> AppResult<tokio::sync::SemaphorePermit<'static>> {
    static TURNS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let turns = TURNS.get_or_init(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));
    turns.acquire().await.map_err(|e| AppError::Internal(e.to_string()))
}

/// Hashes a password with argon2id on a blocking thread.
pub async fn hash_password(password: String) -> AppResult<String> {
    let turn = hashing_turn().await?;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        Argon2::default().hash_password(password.as_bytes()).map(|h: PasswordHash| h.to_string()).map_err(|e| AppError::Internal(format!("hash: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

async fn verify_password(password: String, hash: String) -> bool {
    let Ok(turn) = hashing_turn().await else { return false };
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        match PasswordHash::new(&hash) {
            Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
            Err(_) => false,
        }
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random password nobody knows, to spend the same time on unknown usernames.
async fn dummy_verify(password: String) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = match DUMMY.get() {
        Some(h) => h.clone(),
        None => {
            let h = hash_password("不存在的用户-dummy".into()).await.unwrap_or_default();
            DUMMY.get_or_init(|| h).clone()
        }
    };
    let _ = verify_password(password, hash).await;
}

pub fn check_new_password(password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(AppError::field("password", format!("密码至少需要{MIN_PASSWORD_CHARS}位")));
    }
    if n > 128 {
        return Err(AppError::field("password", "密码不能超过128位"));
    }
    let has_letter = password.chars().any(|c| c.is_alphabetic());
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !(has_letter && has_digit) {
        return Err(AppError::field("password", "密码需同时包含字母和数字"));
    }
    Ok(())
}

/// The actor a user account acts as.
pub fn actor_of(user: &User) -> Actor {
    Actor {
        user_id: user.id,
        committee_id: user.committee_id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        roles: Role::parse_list(&user.roles).unwrap_or_default(),
        member_id: user.member_id,
        unit_id: user.unit_id,
        organization_id: user.organization_id,
    }
}

/// The system acting for the command line.
pub fn system_actor(committee_id: i64) -> Actor {
    Actor {
        user_id: 0,
        committee_id,
        username: "cli".into(),
        display_name: "命令行".into(),
        roles: vec![Role::Admin],
        member_id: None,
        unit_id: None,
        organization_id: None,
    }
}

/// Result of a successful login.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    pub user: User,
    pub actor: Actor,
}

const BAD_LOGIN: &str = "用户名（或手机号）或密码错误";

/// A login name that is a phone number: digits, optionally with spaces or dashes and a leading
/// +86 / 0086, 7 to 15 digits; returned as the bare digits members' numbers are kept in.
pub fn phone_number(login: &str) -> Option<String> {
    let t = login.trim();
    let t = t.strip_prefix("+86").or_else(|| t.strip_prefix("0086")).unwrap_or(t);
    if !t.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-') {
        return None;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    (7..=15).contains(&digits.len()).then_some(digits)
}

/// How long an address an account logged in from stays known (µs): 90 days.
pub const KNOWN_ADDRESS_MICROS: i64 = 90 * 24 * 3600 * 1_000_000;

/// The throttle key of an account (lower-cased username) from one client address.
fn pair_key(account: &str, client_ip: &str) -> String {
    format!("pair:{account}|{client_ip}")
}

/// The throttle key of checks of an account's current password.
fn password_key(user_id: i64) -> String {
    format!("password:{user_id}")
}

/// What is left of a throttled action's allowance, for the `RateLimit-*` response headers: the
/// attempts allowed in a window, those left in the current one, and the seconds until it ends
/// (0 when no window is running).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub limit: i64,
    pub remaining: i64,
    pub reset_secs: i64,
}

/// The throttle keys one login attempt is counted against (see `Settings`).
struct LoginKeys {
    pair: String,
    address: String,
    /// None when the address is known to the account: its back-off does not apply.
    account: Option<String>,
}

impl App {
    /// Checks a username and password. Each attempt is first counted against its limits — the
    /// account from this address, this address, and (from addresses the account never logged
    /// in from) the account's back-off — in the database, one statement per limit, so that
    /// concurrent attempts cannot slip past a limit and several servers share the counts. Only
    /// an attempt within every limit is checked; a success gives its counts back. Failures are
    /// audited.
    pub async fn login(&self, username: &str, password: &str, client_ip: &str) -> AppResult<LoggedIn> {
        let username = username.trim();
        if username.is_empty() || password.is_empty() {
            let mut errors = Vec::new();
            if username.is_empty() {
                errors.push(eline_domain::FieldError::new("username", "请输入用户名"));
            }
            if password.is_empty() {
                errors.push(eline_domain::FieldError::new("password", "请输入密码"));
            }
            return Err(AppError::Validation(errors));
        }
        if username.chars().count() > 100 || password.chars().count() > 128 {
            return Err(AppError::Validation(vec![eline_domain::FieldError::new("password", BAD_LOGIN)]));
        }
        let (user, account) = self.login_account(username).await?;
        let known = match &user {
            Some(u) => {
                let mut c = self.db.acquire().await?;
                users::is_known_address(&mut c.ex(), u.id, client_ip, now_micros() - KNOWN_ADDRESS_MICROS).await?
            }
            None => false,
        };
        let keys =
            LoginKeys { pair: pair_key(&account, client_ip), address: format!("ip:{client_ip}"), account: (!known).then(|| format!("account:{account}")) };
        self.count_login_attempt(&keys).await?;

        let ok = match &user {
            Some(u) if u.active => verify_password(password.to_string(), u.password_hash.clone()).await,
            _ => {
                dummy_verify(password.to_string()).await;
                false
            }
        };
        let mut tx = self.db.begin().await?;
        match user {
            Some(u) if ok => {
                users::clear_attempts(&mut tx.ex(), &keys.pair).await?;
                users::refund_attempt(&mut tx.ex(), &keys.address).await?;
                if let Some(k) = &keys.account {
                    users::refund_attempt(&mut tx.ex(), k).await?;
                }
                users::remember_address(&mut tx.ex(), u.id, client_ip).await?;
                users::touch_login(&mut tx.ex(), u.id).await?;
                let actor = actor_of(&u);
                audit_write(&mut tx, Some(&actor), "login", "user", Some(u.id), "登录成功".into(), None, None).await?;
                tx.commit().await?;
                Ok(LoggedIn { user: u, actor })
            }
            other => {
                let (committee, target) = other.as_ref().map(|u| (Some(u.committee_id), Some(u.id))).unwrap_or((None, None));
                eline_storage::audit::record(
                    &mut tx,
                    eline_storage::audit::NewEntry {
                        committee_id: committee,
                        actor_user_id: None,
                        actor_name: &format!("{username}（来自 {client_ip}）"),
                        action: "login_failed",
                        target_type: "user",
                        target_id: target,
                        summary: "登录失败：用户名或密码错误".into(),
                        before: None,
                        after: None,
                    },
                )
                .await?;
                tx.commit().await?;
                Err(AppError::Validation(vec![eline_domain::FieldError::new("password", BAD_LOGIN)]))
            }
        }
    }

    /// Counts one login attempt against each limit (committed at once, whatever follows);
    /// `RateLimited` when one of them is used up.
    async fn count_login_attempt(&self, keys: &LoginKeys) -> AppResult<()> {
        let s = &self.settings;
        let window = s.throttle_window_secs * 1_000_000;
        let now = now_micros();
        let mut tx = self.db.begin().await?;
        let mut refused = None;
        for (key, max) in [(&keys.pair, s.max_failures_per_account), (&keys.address, s.max_failures_per_ip)] {
            let a = users::count_attempt(&mut tx.ex(), key, window).await?;
            if a.attempts > max {
                refused = Some(a.window_start + window - now);
                break;
            }
        }
        if let (None, Some(key)) = (refused, &keys.account) {
            let a = users::count_attempt(&mut tx.ex(), key, window).await?;
            let backoff = s.account_backoff_secs * 1_000_000;
            if a.attempts > s.account_backoff_after
                && let Some(previous) = a.previous_at
                && now - previous < backoff
            {
                refused = Some(previous + backoff - now);
            }
        }
        tx.commit().await?;
        match refused {
            Some(micros) => Err(AppError::RateLimited { retry_after_secs: (micros.max(0) as u64).div_ceil(1_000_000).max(1) }),
            None => Ok(()),
        }
    }

    /// The account a login names (by username, else by a member's phone number) and the name
    /// its attempts are counted under: throttled per account, however it was named.
    async fn login_account(&self, username: &str) -> AppResult<(Option<User>, String)> {
        let mut c = self.db.acquire().await?;
        let user = match users::get_by_username(&mut c.ex(), username).await? {
            Some(u) => Some(u),
            None => match phone_number(username) {
                Some(phone) => users::get_by_member_phone(&mut c.ex(), &phone).await?,
                None => None,
            },
        };
        let account = user.as_ref().map(|u| u.username.to_lowercase()).unwrap_or_else(|| username.to_lowercase());
        Ok((user, account))
    }

    /// The allowance of logins to `username` (or a phone number) from `client_ip` (the
    /// per-account limit, which is the one a user meets first), read from the same counts the
    /// login checks.
    pub async fn login_quota(&self, username: &str, client_ip: &str) -> AppResult<Quota> {
        let (_, account) = self.login_account(username.trim()).await?;
        self.quota(&pair_key(&account, client_ip), self.settings.max_failures_per_account).await
    }

    /// The allowance of current-password checks when the actor changes their password.
    pub async fn password_quota(&self, actor: &Actor) -> AppResult<Quota> {
        self.quota(&password_key(actor.user_id), self.settings.max_failures_per_account).await
    }

    async fn quota(&self, key: &str, limit: i64) -> AppResult<Quota> {
        let window = self.settings.throttle_window_secs * 1_000_000;
        let mut c = self.db.acquire().await?;
        Ok(match users::attempts(&mut c.ex(), key, window).await? {
            Some(a) => Quota {
                limit,
                remaining: (limit - a.attempts).max(0),
                reset_secs: ((a.window_start + window - now_micros()).max(0) as u64).div_ceil(1_000_000) as i64,
            },
            None => Quota { limit, remaining: limit, reset_secs: 0 },
        })
    }

    /// The active user behind a session's user id.
    pub async fn user_for_session(&self, user_id: i64) -> AppResult<Option<User>> {
        let mut c = self.db.acquire().await?;
        Ok(users::get_by_id(&mut c.ex(), user_id).await?.filter(|u| u.active))
    }

    pub(crate) fn token_expiry(&self) -> i64 {
        now_micros() + self.settings.token_ttl_days.max(1) * 24 * 3600 * 1_000_000
    }

    /// Issues a new API token for the user; the secret is returned once and stored hashed.
    pub async fn create_token(&self, actor: &Actor, name: &str) -> AppResult<(Token, String)> {
        let name = eline_domain::text::required("name", "令牌名称", name, 60).map_err(|e| AppError::Validation(vec![e]))?;
        let secret = crate::device_sessions::secret("eline_");
        let mut tx = self.db.begin().await?;
        let token = users::create_token(&mut tx.ex(), actor.user_id, &name, &token_hash(&secret), self.token_expiry()).await?;
        audit_write(&mut tx, Some(actor), "token_created", "api_token", Some(token.id), format!("创建接口令牌“{name}”"), None, snapshot(&token)).await?;
        tx.commit().await?;
        Ok((token, secret))
    }

    /// The actor behind a bearer token, if the token is live and its user active. A use moves
    /// the token's expiry on (recorded at most once a minute).
    pub async fn actor_for_token(&self, secret: &str) -> AppResult<Option<(Actor, Token)>> {
        if secret.len() > 200 {
            return Ok(None);
        }
        let mut c = self.db.acquire().await?;
        let Some(token) = users::token_by_hash(&mut c.ex(), &token_hash(secret)).await? else { return Ok(None) };
        let Some(user) = users::get_by_id(&mut c.ex(), token.user_id).await?.filter(|u| u.active && !u.must_change_password) else { return Ok(None) };
        if token.last_used_at.is_none_or(|t| now_micros() - t > 60_000_000) {
            users::touch_token(&mut c.ex(), token.id, self.token_expiry()).await?;
        }
        Ok(Some((actor_of(&user), token)))
    }

    /// The actor's live tokens, and those ended in the last 30 days.
    pub async fn list_tokens(&self, actor: &Actor) -> AppResult<Vec<Token>> {
        let mut c = self.db.acquire().await?;
        Ok(users::list_tokens(&mut c.ex(), actor.user_id, now_micros() - 30 * 24 * 3600 * 1_000_000).await?)
    }

    /// Revokes one of the actor's own tokens.
    pub async fn revoke_token(&self, actor: &Actor, token_id: i64) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        if !users::revoke_token(&mut tx.ex(), actor.user_id, token_id).await? {
            return Err(AppError::NotFound);
        }
        audit_write(&mut tx, Some(actor), "token_revoked", "api_token", Some(token_id), "吊销接口令牌".into(), None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the actor's own password after checking the current one (checks are throttled
    /// like logins); ends the account's browser sessions and revokes its API tokens but `keep_token`
    /// (the token the change was made with, if any).
    pub async fn change_password(&self, actor: &Actor, current: &str, new: &str, confirm: &str, keep_token: Option<i64>) -> AppResult<()> {
        let user = {
            let mut c = self.db.acquire().await?;
            users::get_by_id(&mut c.ex(), actor.user_id).await?.ok_or(AppError::NotFound)?
        };
        check_new_password(new)?;
        if new != confirm {
            return Err(AppError::field("confirm_password", "两次输入的新密码不一致"));
        }
        if new == current {
            return Err(AppError::field("password", "新密码不能与当前密码相同"));
        }
        let key = password_key(user.id);
        {
            let window = self.settings.throttle_window_secs * 1_000_000;
            let mut tx = self.db.begin().await?;
            let a = users::count_attempt(&mut tx.ex(), &key, window).await?;
            tx.commit().await?;
            if a.attempts > self.settings.max_failures_per_account {
                let micros = a.window_start + window - now_micros();
                return Err(AppError::RateLimited { retry_after_secs: (micros.max(0) as u64).div_ceil(1_000_000).max(1) });
            }
        }
        if current.chars().count() > 128 || !verify_password(current.to_string(), user.password_hash.clone()).await {
            return Err(AppError::field("current_password", "当前密码不正确"));
        }
        let hash = hash_password(new.to_string()).await?;
        let mut tx = self.db.begin().await?;
        users::clear_attempts(&mut tx.ex(), &key).await?;
        users::set_password(&mut tx.ex(), user.id, &hash, false).await?;
        sessions::delete_for_user(&mut tx.ex(), user.id).await?;
        let revoked = users::revoke_tokens(&mut tx.ex(), user.id, keep_token).await?;
        let summary = if revoked > 0 { format!("修改本人密码（吊销其他接口令牌{revoked}个）") } else { "修改本人密码".to_string() };
        audit_write(&mut tx, Some(actor), "password_changed", "user", Some(user.id), summary, None, None).await?;
        tx.commit().await?;
        Ok(())
    }
}

pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_more_hashes_run_at_once_than_there_are_cores() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut held = Vec::new();
        for _ in 0..cores {
            held.push(hashing_turn().await.expect("a turn"));
        }
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(100), hashing_turn()).await;
        assert!(waiting.is_err(), "one more hash waits while every core hashes");
        held.pop();
        let next = tokio::time::timeout(std::time::Duration::from_secs(5), hashing_turn()).await;
        assert!(next.is_ok(), "and runs when one finishes");
        // Hashing and verifying still work through the turns.
        drop(held);
        drop(next);
        let h = hash_password("正确的密码-123".into()).await.expect("hash");
        assert!(verify_password("正确的密码-123".into(), h.clone()).await);
        assert!(!verify_password("错误的密码-123".into(), h).await);
    }
}
