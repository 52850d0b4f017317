//! Notifications (migration 0016): the inbox rows, the deliveries per channel, the messages the
//! dispatcher sends, people's preferences, the committee's webhook, and the scheduled runs'
//! periods. See docs/notifications.md.

use serde::Serialize;

use crate::{Arg, Ex, Query, Result, all, now_micros, opt, run, scalar};

/// Someone a notification may be for, before it is known which accounts that is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    User(i64),
    /// The active member accounts of a member.
    Member(i64),
    /// The active accounts of a handling unit.
    Unit(i64),
    /// The committee office's active staff accounts.
    Staff,
    /// The member accounts of everyone holding a place on an activity's list.
    Activity(i64),
}

/// An active account a notification goes to, with its roles (for the default preferences).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Recipient {
    pub id: i64,
    pub roles: String,
}

/// The active accounts of `parties` in the committee, each once, by id.
pub async fn recipients(ex: &mut Ex<'_>, committee_id: i64, parties: &[Party]) -> Result<Vec<Recipient>> {
    if parties.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::new("SELECT id, roles FROM users WHERE active = TRUE AND ");
    q.arg(Arg::I64(committee_id)).sql(" = committee_id AND (");
    for (i, p) in parties.iter().enumerate() {
        if i > 0 {
            q.sql(" OR ");
        }
        match p {
            Party::User(id) => q.sql("id = ").arg(Arg::I64(*id)),
            Party::Member(id) => q.sql("(member_id = ").arg(Arg::I64(*id)).sql(" AND roles LIKE '%member%')"),
            Party::Unit(id) => q.sql("(unit_id = ").arg(Arg::I64(*id)).sql(" AND roles LIKE '%unit%')"),
            Party::Staff => q.sql("roles LIKE '%staff%'"),
            Party::Activity(id) => q
                .sql("(roles LIKE '%member%' AND member_id IN (SELECT i.member_id FROM activity_invitees i WHERE i.waiting = FALSE AND i.activity_id = ")
                .arg(Arg::I64(*id))
                .sql("))"),
        };
    }
    q.sql(") ORDER BY id");
    Ok(q.fetch_all::<Recipient>(ex).await?)
}

pub struct NewNotification<'a> {
    pub committee_id: i64,
    pub user_id: i64,
    pub kind: &'a str,
    pub record_type: &'a str,
    pub record_id: i64,
    pub title: &'a str,
    pub message: &'a str,
    /// A reminder's key: a second row with the same key for the same person is not written.
    pub once_key: Option<&'a str>,
}

/// Writes the inbox row; None when a row with the same `once_key` exists for the person.
pub async fn insert(ex: &mut Ex<'_>, n: &NewNotification<'_>) -> Result<Option<i64>> {
    Ok(scalar!(
        ex,
        Option<i64>,
        "INSERT INTO notifications (committee_id, user_id, kind, record_type, record_id, title, message, once_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (user_id, once_key) DO NOTHING RETURNING id",
        n.committee_id,
        n.user_id,
        n.kind,
        n.record_type,
        n.record_id,
        n.title,
        n.message,
        n.once_key,
        now_micros()
    )
    .or_else(|e| if matches!(e, sqlx::Error::RowNotFound) { Ok(None) } else { Err(e) })?)
}

/// A new message on a channel, due now (immediate) or gathered by a digest run.
pub async fn new_message(ex: &mut Ex<'_>, committee_id: i64, user_id: i64, channel: &str, mode: &str) -> Result<i64> {
    let now = now_micros();
    Ok(scalar!(
        ex,
        i64,
        "INSERT INTO notification_messages (committee_id, user_id, channel, mode, state, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, 'pending', $5, $5) RETURNING id",
        committee_id,
        user_id,
        channel,
        mode,
        now
    )?)
}

/// A notification to go out on a channel: in `message_id` at once, or waiting for its digest.
pub async fn add_delivery(
    ex: &mut Ex<'_>,
    committee_id: i64,
    notification_id: i64,
    user_id: i64,
    channel: &str,
    mode: &str,
    message_id: Option<i64>,
) -> Result<()> {
    run!(
        ex,
        "INSERT INTO notification_deliveries (committee_id, notification_id, user_id, channel, mode, message_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        committee_id,
        notification_id,
        user_id,
        channel,
        mode,
        message_id,
        now_micros()
    )?;
    Ok(())
}

// ---- preferences ----

/// The choices `user_ids` made: (user, kind, channel, mode).
pub async fn prefs_of(ex: &mut Ex<'_>, user_ids: &[i64]) -> Result<Vec<(i64, String, String, String)>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::new("SELECT user_id, kind, channel, mode FROM notification_prefs WHERE user_id");
    q.in_ids(user_ids);
    Ok(q.fetch_all::<(i64, String, String, String)>(ex).await?)
}

pub async fn set_pref(ex: &mut Ex<'_>, user_id: i64, kind: &str, channel: &str, mode: &str) -> Result<()> {
    run!(
        ex,
        "INSERT INTO notification_prefs (user_id, kind, channel, mode, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, kind, channel) DO UPDATE SET mode = EXCLUDED.mode, updated_at = EXCLUDED.updated_at",
        user_id,
        kind,
        channel,
        mode,
        now_micros()
    )?;
    Ok(())
}

/// Forgets the person's choices (back to the defaults of their role).
pub async fn reset_prefs(ex: &mut Ex<'_>, user_id: i64) -> Result<u64> {
    Ok(run!(ex, "DELETE FROM notification_prefs WHERE user_id = $1", user_id)?)
}

/// The address email goes to: the account's own, else its member's.
pub async fn email_of(ex: &mut Ex<'_>, user_id: i64) -> Result<Option<String>> {
    Ok(scalar!(
        ex,
        Option<String>,
        "SELECT COALESCE(NULLIF(u.email, ''), NULLIF(m.email, '')) FROM users u LEFT JOIN members m ON m.id = u.member_id WHERE u.id = $1",
        user_id
    )
    .or_else(|e| if matches!(e, sqlx::Error::RowNotFound) { Ok(None) } else { Err(e) })?)
}

/// Which of these accounts have an address email can go to (their own or their member's).
pub async fn with_email(ex: &mut Ex<'_>, user_ids: &[i64]) -> Result<Vec<i64>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::new(
        "SELECT u.id FROM users u LEFT JOIN members m ON m.id = u.member_id
         WHERE COALESCE(NULLIF(u.email, ''), NULLIF(m.email, '')) IS NOT NULL AND u.id",
    );
    q.in_ids(user_ids);
    Ok(q.fetch_all::<(i64,)>(ex).await?.into_iter().map(|(id,)| id).collect())
}

/// The account's own address (None: not set).
pub async fn own_email(ex: &mut Ex<'_>, user_id: i64) -> Result<Option<String>> {
    Ok(opt!(ex, (Option<String>,), "SELECT email FROM users WHERE id = $1", user_id)?.and_then(|(e,)| e))
}

pub async fn set_email(ex: &mut Ex<'_>, user_id: i64, email: Option<&str>) -> Result<()> {
    run!(ex, "UPDATE users SET email = $1, updated_at = $2 WHERE id = $3", email, now_micros(), user_id)?;
    Ok(())
}

/// Who a message is for, as the webhook body names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Addressee {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

pub async fn addressee(ex: &mut Ex<'_>, user_id: i64) -> Result<Option<Addressee>> {
    Ok(opt!(
        ex,
        Addressee,
        "SELECT u.id AS user_id, u.username, u.display_name, m.phone, COALESCE(NULLIF(u.email, ''), NULLIF(m.email, '')) AS email
         FROM users u LEFT JOIN members m ON m.id = u.member_id WHERE u.id = $1",
        user_id
    )?)
}

// ---- the inbox ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub record_type: String,
    pub record_id: i64,
    pub title: String,
    pub message: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

const COLUMNS: &str = "SELECT id, kind, record_type, record_id, title, message, created_at, read_at FROM notifications WHERE user_id = ";

/// The person's notifications, newest first, below `before` (an id; the cursor), of kinds that
/// start with one of `kind_prefixes` (`proposal.`; none: every kind), unread ones only when asked.
pub async fn inbox(ex: &mut Ex<'_>, user_id: i64, kind_prefixes: &[String], unread_only: bool, before: Option<i64>, limit: i64) -> Result<Vec<Notification>> {
    let mut q = Query::new(COLUMNS);
    q.arg(Arg::I64(user_id));
    for (i, p) in kind_prefixes.iter().enumerate() {
        q.sql(if i == 0 { " AND (kind LIKE " } else { " OR kind LIKE " }).arg(Arg::Text(format!("{p}%")));
    }
    if !kind_prefixes.is_empty() {
        q.sql(")");
    }
    if unread_only {
        q.sql(" AND read_at IS NULL");
    }
    if let Some(b) = before {
        q.sql(" AND id < ").arg(Arg::I64(b));
    }
    q.sql(" ORDER BY id DESC LIMIT ").arg(Arg::I64(limit));
    Ok(q.fetch_all::<Notification>(ex).await?)
}

pub async fn get(ex: &mut Ex<'_>, user_id: i64, id: i64) -> Result<Option<Notification>> {
    Ok(opt!(
        ex,
        Notification,
        "SELECT id, kind, record_type, record_id, title, message, created_at, read_at FROM notifications WHERE user_id = $1 AND id = $2",
        user_id,
        id
    )?)
}

pub async fn unread_count(ex: &mut Ex<'_>, user_id: i64) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", user_id)?)
}

/// The unread count up to `cap` (the header's badge shows "99+" above 99): counting an office
/// account's 200,000 unread reminders on every page took 12 ms.
pub async fn unread_count_upto(ex: &mut Ex<'_>, user_id: i64, cap: i64) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE user_id = $1 AND read_at IS NULL LIMIT $2) unread", user_id, cap)?)
}

/// Marks one read; false when it is not the person's (or was read already).
pub async fn mark_read(ex: &mut Ex<'_>, user_id: i64, id: i64) -> Result<bool> {
    Ok(run!(ex, "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL", now_micros(), user_id, id)? > 0)
}

/// Marks every unread one (of kinds starting with `kind_prefix`) read; returns how many.
pub async fn mark_all_read(ex: &mut Ex<'_>, user_id: i64, kind_prefix: Option<&str>) -> Result<u64> {
    let now = now_micros();
    Ok(match kind_prefix {
        Some(p) => run!(ex, "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL AND kind LIKE $3", now, user_id, format!("{p}%"))?,
        None => run!(ex, "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL", now, user_id)?,
    })
}

/// The highest notification id (the live badge's watermark).
pub async fn head(ex: &mut Ex<'_>) -> Result<i64> {
    Ok(scalar!(ex, Option<i64>, "SELECT MAX(id) FROM notifications")?.unwrap_or(0))
}

/// People who got notifications after `after` (up to the id `upto`).
pub async fn told_since(ex: &mut Ex<'_>, after: i64, upto: i64) -> Result<Vec<i64>> {
    Ok(all!(ex, (i64,), "SELECT DISTINCT user_id FROM notifications WHERE id > $1 AND id <= $2", after, upto)?.into_iter().map(|(u,)| u).collect())
}

// ---- messages (the dispatcher's queue) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Message {
    pub id: i64,
    pub committee_id: i64,
    pub user_id: i64,
    pub channel: String,
    pub mode: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<i64>,
    pub sent_at: Option<i64>,
    pub created_at: i64,
}

const MESSAGE_COLUMNS: &str = "id, committee_id, user_id, channel, mode, state, attempts, next_attempt_at, last_error, last_attempt_at, sent_at, created_at";

/// Takes up to `limit` messages due by `now` that no dispatcher holds, for `lease_micros`:
/// another server's dispatcher skips them until then (a dispatcher that died lets them go).
pub async fn claim(ex: &mut Ex<'_>, now: i64, lease_micros: i64, limit: i64) -> Result<Vec<Message>> {
    let sql = format!(
        "UPDATE notification_messages SET claimed_until = $1
         WHERE id IN (SELECT id FROM notification_messages WHERE state = 'pending' AND next_attempt_at <= $2 AND claimed_until < $2 ORDER BY next_attempt_at, id LIMIT $3)
           AND claimed_until < $2
         RETURNING {MESSAGE_COLUMNS}"
    );
    let mut rows = match ex {
        Ex::Sqlite(c) => sqlx::query_as::<_, Message>(sqlx::AssertSqlSafe(sql)).bind(now + lease_micros).bind(now).bind(limit).fetch_all(&mut **c).await?,
        Ex::Postgres(c) => sqlx::query_as::<_, Message>(sqlx::AssertSqlSafe(sql)).bind(now + lease_micros).bind(now).bind(limit).fetch_all(&mut **c).await?,
    };
    rows.sort_by_key(|m| m.id);
    Ok(rows)
}

pub async fn message(ex: &mut Ex<'_>, id: i64) -> Result<Option<Message>> {
    let sql = format!("SELECT {MESSAGE_COLUMNS} FROM notification_messages WHERE id = $1");
    Ok(match ex {
        Ex::Sqlite(c) => sqlx::query_as::<_, Message>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await?,
        Ex::Postgres(c) => sqlx::query_as::<_, Message>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await?,
    })
}

/// The notifications a message carries, oldest first.
pub async fn message_items(ex: &mut Ex<'_>, message_id: i64) -> Result<Vec<Notification>> {
    Ok(all!(
        ex,
        Notification,
        "SELECT n.id, n.kind, n.record_type, n.record_id, n.title, n.message, n.created_at, n.read_at
         FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE d.message_id = $1 ORDER BY n.id",
        message_id
    )?)
}

pub async fn mark_sent(ex: &mut Ex<'_>, id: i64) -> Result<()> {
    let now = now_micros();
    run!(
        ex,
        "UPDATE notification_messages SET state = 'sent', sent_at = $1, last_attempt_at = $1, attempts = attempts + 1, claimed_until = 0 WHERE id = $2",
        now,
        id
    )?;
    Ok(())
}

/// A failed attempt: the error kept, the next attempt at `next_attempt_at`.
pub async fn mark_failed(ex: &mut Ex<'_>, id: i64, error: &str, next_attempt_at: i64) -> Result<()> {
    run!(
        ex,
        "UPDATE notification_messages SET attempts = attempts + 1, last_error = $1, last_attempt_at = $2, next_attempt_at = $3, claimed_until = 0 WHERE id = $4",
        error,
        now_micros(),
        next_attempt_at,
        id
    )?;
    Ok(())
}

/// Messages of the committee that failed at least once and are not sent yet, newest first.
pub async fn failing(ex: &mut Ex<'_>, committee_id: i64, limit: i64) -> Result<Vec<Message>> {
    let sql =
        format!("SELECT {MESSAGE_COLUMNS} FROM notification_messages WHERE committee_id = $1 AND state = 'pending' AND attempts > 0 ORDER BY id DESC LIMIT $2");
    Ok(match ex {
        Ex::Sqlite(c) => sqlx::query_as::<_, Message>(sqlx::AssertSqlSafe(sql)).bind(committee_id).bind(limit).fetch_all(&mut **c).await?,
        Ex::Postgres(c) => sqlx::query_as::<_, Message>(sqlx::AssertSqlSafe(sql)).bind(committee_id).bind(limit).fetch_all(&mut **c).await?,
    })
}

/// Counts of the committee's messages: (pending, failing, sent).
pub async fn message_counts(ex: &mut Ex<'_>, committee_id: i64) -> Result<(i64, i64, i64)> {
    let pending = scalar!(ex, i64, "SELECT COUNT(*) FROM notification_messages WHERE committee_id = $1 AND state = 'pending'", committee_id)?;
    let failing = scalar!(ex, i64, "SELECT COUNT(*) FROM notification_messages WHERE committee_id = $1 AND state = 'pending' AND attempts > 0", committee_id)?;
    let sent = scalar!(ex, i64, "SELECT COUNT(*) FROM notification_messages WHERE committee_id = $1 AND state = 'sent'", committee_id)?;
    Ok((pending, failing, sent))
}

/// Makes a pending message of the committee due now (retry by hand); false when there is none.
pub async fn retry_now(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> Result<bool> {
    Ok(run!(
        ex,
        "UPDATE notification_messages SET next_attempt_at = $1, claimed_until = 0 WHERE committee_id = $2 AND id = $3 AND state = 'pending'",
        now_micros(),
        committee_id,
        id
    )? > 0)
}

/// Makes every failing message of the committee due now; returns how many.
pub async fn retry_all(ex: &mut Ex<'_>, committee_id: i64) -> Result<u64> {
    Ok(run!(
        ex,
        "UPDATE notification_messages SET next_attempt_at = $1, claimed_until = 0 WHERE committee_id = $2 AND state = 'pending' AND attempts > 0",
        now_micros(),
        committee_id
    )?)
}

// ---- digests ----

/// People with deliveries waiting for a `mode` digest: (committee, user, channel), the first
/// `limit` by user (each one gathered leaves the list: the run reads from the top again).
pub async fn waiting(ex: &mut Ex<'_>, committee_id: i64, mode: &str, limit: i64) -> Result<Vec<(i64, i64, String)>> {
    Ok(all!(
        ex,
        (i64, i64, String),
        "SELECT DISTINCT committee_id, user_id, channel FROM notification_deliveries
         WHERE mode = $1 AND message_id IS NULL AND committee_id = $2 ORDER BY user_id, channel LIMIT $3",
        mode,
        committee_id,
        limit
    )?)
}

/// How many deliveries wait for a `mode` digest (all committees; the operators' command).
pub async fn waiting_count(ex: &mut Ex<'_>, mode: &str) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT COUNT(*) FROM notification_deliveries WHERE message_id IS NULL AND mode = $1", mode)?)
}

/// How many notifications are in messages not sent yet (all committees; the operators' command).
pub async fn unsent_count(ex: &mut Ex<'_>) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT COUNT(*) FROM notification_deliveries d JOIN notification_messages m ON m.id = d.message_id WHERE m.state = 'pending'")?)
}

/// Puts the person's waiting `mode` deliveries on `channel` into `message_id`; returns how many.
pub async fn gather(ex: &mut Ex<'_>, user_id: i64, channel: &str, mode: &str, message_id: i64) -> Result<u64> {
    Ok(run!(
        ex,
        "UPDATE notification_deliveries SET message_id = $1 WHERE user_id = $2 AND channel = $3 AND mode = $4 AND message_id IS NULL",
        message_id,
        user_id,
        channel,
        mode
    )?)
}

// ---- the committee's webhook ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Webhook {
    pub committee_id: i64,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    pub active: bool,
    pub updated_at: i64,
}

pub async fn webhook(ex: &mut Ex<'_>, committee_id: i64) -> Result<Option<Webhook>> {
    Ok(opt!(ex, Webhook, "SELECT committee_id, url, secret, active, updated_at FROM notification_webhooks WHERE committee_id = $1", committee_id)?)
}

pub async fn set_webhook(ex: &mut Ex<'_>, committee_id: i64, url: &str, secret: &str, active: bool) -> Result<()> {
    run!(
        ex,
        "INSERT INTO notification_webhooks (committee_id, url, secret, active, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (committee_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, active = EXCLUDED.active, updated_at = EXCLUDED.updated_at",
        committee_id,
        url,
        secret,
        active,
        now_micros()
    )?;
    Ok(())
}

pub async fn remove_webhook(ex: &mut Ex<'_>, committee_id: i64) -> Result<bool> {
    Ok(run!(ex, "DELETE FROM notification_webhooks WHERE committee_id = $1", committee_id)? > 0)
}

// ---- scheduled runs ----

/// Claims `period` of `job` (e.g. the daily digest of "2026-12-01"): true for the first caller
/// whose period is later than the one recorded, false for every other (another server, a rerun).
pub async fn claim_period(ex: &mut Ex<'_>, job: &str, period: &str) -> Result<bool> {
    Ok(run!(
        ex,
        "INSERT INTO job_runs (job, period, ran_at) VALUES ($1, $2, $3)
         ON CONFLICT (job) DO UPDATE SET period = EXCLUDED.period, ran_at = EXCLUDED.ran_at WHERE job_runs.period < EXCLUDED.period",
        job,
        period,
        now_micros()
    )? > 0)
}

/// The last period claimed for `job`.
pub async fn last_period(ex: &mut Ex<'_>, job: &str) -> Result<Option<String>> {
    Ok(opt!(ex, (String,), "SELECT period FROM job_runs WHERE job = $1", job)?.map(|(p,)| p))
}

/// Who was told what about a record: (user, kind, message), oldest first (tests, support).
pub async fn about_record(ex: &mut Ex<'_>, record_type: &str, record_id: i64) -> Result<Vec<(i64, String, String)>> {
    Ok(all!(
        ex,
        (i64, String, String),
        "SELECT user_id, kind, message FROM notifications WHERE record_type = $1 AND record_id = $2 ORDER BY id",
        record_type,
        record_id
    )?)
}

/// The deliveries of a person's notifications of `kind`: (channel, mode, in a message yet).
pub async fn deliveries_of(ex: &mut Ex<'_>, user_id: i64, kind: &str) -> Result<Vec<(String, String, bool)>> {
    Ok(all!(
        ex,
        (String, String, bool),
        "SELECT d.channel, d.mode, d.message_id IS NOT NULL FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
         WHERE d.user_id = $1 AND n.kind = $2 ORDER BY d.id",
        user_id,
        kind
    )?)
}
