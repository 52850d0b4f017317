//! The person's side of notifications: the inbox (read, mark read), their preferences and email
//! address; and the administrator's: the committee's webhook, reminder rules, and the messages
//! that failed to go out (with retry).

use chrono::Datelike;
use eline_domain::Actor;
use eline_domain::notice::{self, Channel, Mode, ReminderRules};
use eline_domain::policy::{Action, Resource};
use eline_storage::notifications as store;
use serde::{Deserialize, Serialize};

use crate::context::audit_write;
use crate::{App, AppError, AppResult, Page};

/// The settings key of the reminder rules.
pub const RULES_KEY: &str = "notification_rules";

/// Which notifications a list shows (also the page's query string).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct InboxFilter {
    /// A module: proposal | opinion | instruction (the part of the kind before the dot; `modules()`
    /// lists them). A module takes in the kinds of others under the same label (社情民意: the
    /// reports' and the bulletins'). Empty: every kind.
    #[serde(default, with = "crate::params::blank", skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// Unread ones only (`true`, `on`, `1`; empty or absent: all).
    #[serde(default, with = "crate::params::flag", skip_serializing_if = "crate::params::is_false")]
    pub unread: bool,
}

impl InboxFilter {
    /// The module chosen, if any (an empty one is none).
    pub fn module(&self) -> Option<&str> {
        self.module.as_deref().map(str::trim).filter(|m| !m.is_empty())
    }

    /// The kind prefixes of the module chosen (`["opinion.", "bulletin."]`; empty: every kind).
    fn prefixes(&self) -> AppResult<Vec<String>> {
        let Some(m) = self.module() else { return Ok(Vec::new()) };
        let label = notice::KINDS.iter().find(|k| k.module_key() == m).map(|k| k.module).ok_or_else(|| AppError::field("module", "没有这类通知"))?;
        let mut out: Vec<String> = Vec::new();
        for k in notice::KINDS.iter().filter(|k| k.module == label) {
            let p = format!("{}.", k.module_key());
            if !out.contains(&p) {
                out.push(p);
            }
        }
        Ok(out)
    }
}

/// One notification as the inbox shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxItem {
    pub id: i64,
    /// The kind's key (`proposal.replied`).
    pub kind: String,
    pub kind_label: String,
    /// The module's label (提案, 社情民意, 批示).
    pub module: String,
    /// The record's title.
    pub title: String,
    /// What happened.
    pub message: String,
    pub target_type: String,
    pub target_id: i64,
    /// The record's page.
    pub url: String,
    /// UTC microseconds.
    pub created_at: i64,
    pub read: bool,
}

/// The modules of the inbox filter: (module key, label), one per label (提案, 社情民意, 批示).
pub fn modules() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = Vec::new();
    for k in notice::KINDS {
        if !out.iter().any(|(_, label)| *label == k.module) {
            out.push((k.module_key(), k.module));
        }
    }
    out
}

/// One kind's choice on the preferences page.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrefRow {
    pub kind: &'static str,
    pub module: &'static str,
    pub label: &'static str,
    pub email: Mode,
    pub webhook: Mode,
    /// The role's defaults (what "恢复默认" gives back).
    pub email_default: Mode,
    pub webhook_default: Mode,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrefsView {
    /// The account's own email address (None: not set).
    pub email: Option<String>,
    /// Where email goes: the account's address, else its member record's.
    pub effective_email: Option<String>,
    /// The committee has a webhook (SMS/WeChat) switched on.
    pub webhook_on: bool,
    pub kinds: Vec<PrefRow>,
}

/// One changed choice.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrefChoice {
    pub kind: String,
    pub channel: Channel,
    pub mode: Mode,
}

/// Changes to a person's preferences: the choices given, and the email address when present
/// (an empty string removes it).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PrefsInput {
    pub email: Option<String>,
    pub choices: Vec<PrefChoice>,
    /// Forget every choice first (back to the role's defaults).
    pub reset: bool,
}

/// A message that did not go out yet, for the administrator.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub id: i64,
    pub user_id: i64,
    pub user_name: String,
    pub channel: Channel,
    pub mode: Mode,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<i64>,
    pub next_attempt_at: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxView {
    pub pending: i64,
    pub failing: i64,
    pub sent: i64,
    pub failures: Vec<MessageView>,
    /// Email can be sent (ELINE_SMTP_URL is set).
    pub smtp_configured: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookView {
    pub url: Option<String>,
    /// The signing secret (administrators configure the receiver with it).
    pub secret: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct WebhookInput {
    /// http(s) address of the receiver; empty removes the webhook.
    pub url: String,
    pub active: bool,
    /// Make a new signing secret (the receiver must be given it).
    pub new_secret: bool,
}

/// An email address as a person types it: empty is none; else it must look like one.
pub fn check_email(raw: &str) -> AppResult<Option<String>> {
    let e = raw.trim();
    if e.is_empty() {
        return Ok(None);
    }
    let ok = e.len() <= 200
        && !e.contains(char::is_whitespace)
        && e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'));
    if ok { Ok(Some(e.to_string())) } else { Err(AppError::field("email", "电子邮件地址格式不正确，如 wangfang@example.cn")) }
}

fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The largest number the header's badge shows; above it the badge says "99+" (the page hands
/// it to `static/app.js`, which updates the badge live, as `data-max`).
pub const BADGE_MAX: i64 = 99;

impl App {
    /// The actor's notifications, newest first.
    pub async fn inbox(&self, actor: &Actor, filter: &InboxFilter, cursor: Option<&str>, limit: Option<i64>) -> AppResult<Page<InboxItem>> {
        let limit = crate::limit(limit)?;
        let before = crate::parse_cursor(cursor)?;
        let prefixes = filter.prefixes()?;
        let mut c = self.db.acquire().await?;
        let rows = store::inbox(&mut c.ex(), actor.user_id, &prefixes, filter.unread, before, limit + 1).await?;
        let mut items: Vec<InboxItem> = rows.into_iter().map(|n| self.inbox_item(n)).collect();
        Ok(Page::from_overfetch(&mut items, limit, |i| i.id.to_string()))
    }

    fn inbox_item(&self, n: store::Notification) -> InboxItem {
        let kind = notice::kind(&n.kind);
        let url = self.records.get(&n.record_type).map(|m| m.url(n.record_id)).unwrap_or_else(|| "/".into());
        InboxItem {
            id: n.id,
            kind_label: kind.map(|k| k.label).unwrap_or("通知").to_string(),
            module: kind.map(|k| k.module).unwrap_or("").to_string(),
            kind: n.kind,
            title: n.title,
            message: n.message,
            url,
            target_type: n.record_type,
            target_id: n.record_id,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        }
    }

    pub async fn unread_count(&self, actor: &Actor) -> AppResult<i64> {
        let mut c = self.db.acquire().await?;
        Ok(store::unread_count(&mut c.ex(), actor.user_id).await?)
    }

    /// The unread count for the header's badge: exact up to [`BADGE_MAX`], then one more
    /// ("99+").
    pub async fn unread_badge(&self, actor: &Actor) -> AppResult<i64> {
        let mut c = self.db.acquire().await?;
        Ok(store::unread_count_upto(&mut c.ex(), actor.user_id, BADGE_MAX + 1).await?)
    }

    /// Marks one of the actor's notifications read and returns it (its record's page is where
    /// the inbox link leads); another person's is "not found".
    pub async fn open_notification(&self, actor: &Actor, id: i64) -> AppResult<InboxItem> {
        let mut c = self.db.acquire().await?;
        if store::mark_read(&mut c.ex(), actor.user_id, id).await? {
            self.count_changed(actor.user_id);
        }
        let n = store::get(&mut c.ex(), actor.user_id, id).await?.ok_or(AppError::NotFound)?;
        Ok(self.inbox_item(n))
    }

    /// Marks every unread notification (of the filter's module) read; returns how many.
    pub async fn mark_all_read(&self, actor: &Actor, filter: &InboxFilter) -> AppResult<u64> {
        let prefixes = filter.prefixes()?;
        let mut tx = self.db.begin().await?;
        let mut n = 0;
        if prefixes.is_empty() {
            n = store::mark_all_read(&mut tx.ex(), actor.user_id, None).await?;
        }
        for p in &prefixes {
            n += store::mark_all_read(&mut tx.ex(), actor.user_id, Some(p)).await?;
        }
        tx.commit().await?;
        if n > 0 {
            self.count_changed(actor.user_id);
        }
        Ok(n)
    }

    pub async fn notification_prefs(&self, actor: &Actor) -> AppResult<PrefsView> {
        let mut c = self.db.acquire().await?;
        let prefs = super::Prefs::load(&mut c.ex(), &[actor.user_id]).await?;
        let kinds = notice::KINDS
            .iter()
            .filter(|k| k.concerns(&actor.roles))
            .map(|k| PrefRow {
                kind: k.key,
                module: k.module,
                label: k.label,
                email: prefs.mode(actor.user_id, &actor.roles, *k, Channel::Email),
                webhook: prefs.mode(actor.user_id, &actor.roles, *k, Channel::Webhook),
                email_default: notice::default_mode(&actor.roles, *k, Channel::Email),
                webhook_default: notice::default_mode(&actor.roles, *k, Channel::Webhook),
            })
            .collect();
        Ok(PrefsView {
            email: store::own_email(&mut c.ex(), actor.user_id).await?,
            effective_email: store::email_of(&mut c.ex(), actor.user_id).await?,
            webhook_on: store::webhook(&mut c.ex(), actor.committee_id).await?.is_some_and(|w| w.active),
            kinds,
        })
    }

    /// Stores the actor's choices (all or none: an unknown kind or a mode the channel does not
    /// offer refuses the whole change).
    pub async fn set_notification_prefs(&self, actor: &Actor, input: &PrefsInput) -> AppResult<PrefsView> {
        let mut errors = crate::Checks::default();
        for (i, ch) in input.choices.iter().enumerate() {
            if notice::kind(&ch.kind).is_none() {
                errors.push(&format!("choices[{i}].kind"), format!("没有“{}”这类通知", ch.kind));
            } else if !Mode::offered(ch.channel).contains(&ch.mode) {
                errors.push(&format!("choices[{i}].mode"), format!("{}不能选“{}”", ch.channel.label(), ch.mode.label()));
            }
        }
        let email = match &input.email {
            Some(raw) => errors.take(check_email(raw))?,
            None => None,
        };
        if !errors.is_empty() {
            return Err(errors.error());
        }
        let mut tx = self.db.begin().await?;
        if input.reset {
            store::reset_prefs(&mut tx.ex(), actor.user_id).await?;
        }
        for ch in &input.choices {
            store::set_pref(&mut tx.ex(), actor.user_id, &ch.kind, ch.channel.as_str(), ch.mode.as_str()).await?;
        }
        if let Some(email) = &email {
            store::set_email(&mut tx.ex(), actor.user_id, email.as_deref()).await?;
        }
        tx.commit().await?;
        self.notification_prefs(actor).await
    }

    /// The messages waiting and failing (administrators).
    pub async fn notification_outbox(&self, actor: &Actor) -> AppResult<OutboxView> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        let (pending, failing, sent) = store::message_counts(&mut c.ex(), actor.committee_id).await?;
        let rows = store::failing(&mut c.ex(), actor.committee_id, 200).await?;
        let mut failures = Vec::with_capacity(rows.len());
        for m in rows {
            let user_name = eline_storage::users::get(&mut c.ex(), actor.committee_id, m.user_id)
                .await?
                .map(|u| format!("{}（{}）", u.display_name, u.username))
                .unwrap_or_default();
            failures.push(MessageView {
                id: m.id,
                user_id: m.user_id,
                user_name,
                channel: Channel::parse(&m.channel).unwrap_or(Channel::Email),
                mode: Mode::parse(&m.mode).unwrap_or(Mode::Immediate),
                attempts: m.attempts,
                last_error: m.last_error,
                last_attempt_at: m.last_attempt_at,
                next_attempt_at: m.next_attempt_at,
                created_at: m.created_at,
            });
        }
        Ok(OutboxView { pending, failing, sent, failures, smtp_configured: self.settings.smtp_url.is_some() })
    }

    /// Sends a waiting message (or, with None, every failing one) now; returns how many.
    pub async fn retry_messages(&self, actor: &Actor, id: Option<i64>) -> AppResult<u64> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        let mut tx = self.db.begin().await?;
        let n = match id {
            Some(id) => u64::from(store::retry_now(&mut tx.ex(), actor.committee_id, id).await?),
            None => store::retry_all(&mut tx.ex(), actor.committee_id).await?,
        };
        if id.is_some() && n == 0 {
            return Err(AppError::NotFound);
        }
        audit_write(&mut tx, Some(actor), "settings_changed", "notification_message", id, format!("立即重发{n}条未发出的通知"), None, None).await?;
        tx.commit().await?;
        self.hub.wake.notify_one();
        Ok(n)
    }

    pub async fn webhook_settings(&self, actor: &Actor) -> AppResult<WebhookView> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        let w = store::webhook(&mut c.ex(), actor.committee_id).await?;
        Ok(WebhookView { url: w.as_ref().map(|w| w.url.clone()), secret: w.as_ref().map(|w| w.secret.clone()), active: w.is_some_and(|w| w.active) })
    }

    /// Sets (or, with an empty address, removes) the committee's webhook.
    pub async fn set_webhook(&self, actor: &Actor, input: &WebhookInput) -> AppResult<WebhookView> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        let url = input.url.trim();
        let mut tx = self.db.begin().await?;
        if url.is_empty() {
            store::remove_webhook(&mut tx.ex(), actor.committee_id).await?;
            audit_write(&mut tx, Some(actor), "settings_changed", "settings", None, "删除通知webhook".into(), None, None).await?;
        } else {
            let parsed = reqwest::Url::parse(url).map_err(|_| AppError::field("url", "地址格式不正确，如 https://sms.example.cn/eline"))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() || url.len() > 500 {
                return Err(AppError::field("url", "地址应以 http:// 或 https:// 开头"));
            }
            let current = store::webhook(&mut tx.ex(), actor.committee_id).await?;
            let secret = match current {
                Some(w) if !input.new_secret => w.secret,
                _ => new_secret(),
            };
            store::set_webhook(&mut tx.ex(), actor.committee_id, url, &secret, input.active).await?;
            let summary = format!("设置通知webhook：{url}（{}）", if input.active { "启用" } else { "停用" });
            audit_write(&mut tx, Some(actor), "settings_changed", "settings", None, summary, None, None).await?;
        }
        tx.commit().await?;
        self.webhook_settings(actor).await
    }

    /// The reminder rules in force (administrators).
    pub async fn reminder_rules(&self, actor: &Actor) -> AppResult<ReminderRules> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        reminder_rules_in_force(&mut c.ex(), actor.committee_id).await
    }

    pub async fn set_reminder_rules(&self, actor: &Actor, rules: &ReminderRules) -> AppResult<()> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        rules.validate()?;
        let mut rules = rules.clone();
        for list in [
            &mut rules.before_due,
            &mut rules.cosign_before,
            &mut rules.objection_before,
            &mut rules.evaluation_before,
            &mut rules.opinion_before,
            &mut rules.leave_before,
        ] {
            list.sort_unstable_by(|a, b| b.cmp(a));
            list.dedup();
        }
        let value = serde_json::to_string(&rules).map_err(|e| AppError::Internal(e.to_string()))?;
        let year = crate::proposals::today().year();
        let mut tx = self.db.begin().await?;
        eline_storage::settings::put(&mut tx.ex(), actor.committee_id, RULES_KEY, i64::from(year), &value).await?;
        audit_write(&mut tx, Some(actor), "settings_changed", "settings", None, "修改截止提醒与督办规则".into(), None, serde_json::from_str(&value).ok())
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The committee's reminder rules in force this year.
pub async fn reminder_rules_in_force(ex: &mut eline_storage::Ex<'_>, committee_id: i64) -> AppResult<ReminderRules> {
    let year = crate::proposals::today().year();
    let stored = eline_storage::settings::in_force(ex, committee_id, i64::from(year)).await?;
    crate::settings::stored(&stored, RULES_KEY)
}
