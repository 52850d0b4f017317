//! Idempotency keys of the JSON API: a reservation per (account, key), then the stored answer.
//! The HTTP side (which requests take part, what is stored) is `eline_web::api::idempotency`.

use crate::{Ex, Result, opt, run};

/// A reservation taken by this request: the row and the time it was taken (a stale reservation
/// taken over by another request gets a new time, so the first one can no longer finish it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Ticket {
    pub id: i64,
    pub created_at: i64,
}

/// What a key holds: the request it was first used for and, once done, the answer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub request: String,
    pub body_sha256: String,
    /// pending | done
    pub state: String,
    pub status: Option<i64>,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// The answer kept for replays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer<'a> {
    pub status: i64,
    pub content_type: Option<&'a str>,
    pub location: Option<&'a str>,
    pub etag: Option<&'a str>,
    pub body: &'a str,
}

/// Reserves `key` for the user in one statement: a new row, or the existing one when it has
/// expired (`expires_at <= now`) or was left pending since before `stale_before` (the server
/// that took it stopped). None: the key is held (pending or done) — read it with `find`.
#[allow(clippy::too_many_arguments)]
pub async fn reserve(
    ex: &mut Ex<'_>,
    user_id: i64,
    key: &str,
    request: &str,
    body_sha256: &str,
    now: i64,
    expires_at: i64,
    stale_before: i64,
) -> Result<Option<Ticket>> {
    Ok(opt!(
        ex,
        Ticket,
        "INSERT INTO idempotency_keys (user_id, idem_key, request, body_sha256, state, created_at, expires_at)
         VALUES ($1, $2, $3, $4, 'pending', $5, $6)
         ON CONFLICT (user_id, idem_key) DO UPDATE SET
            request = excluded.request, body_sha256 = excluded.body_sha256, state = 'pending',
            status = NULL, content_type = NULL, location = NULL, etag = NULL, body = NULL,
            created_at = excluded.created_at, expires_at = excluded.expires_at
         WHERE idempotency_keys.expires_at <= $5
            OR (idempotency_keys.state = 'pending' AND idempotency_keys.created_at < $7)
         RETURNING id, created_at",
        user_id,
        key,
        request,
        body_sha256,
        now,
        expires_at,
        stale_before
    )?)
}

/// The user's key, whatever its state.
pub async fn find(ex: &mut Ex<'_>, user_id: i64, key: &str) -> Result<Option<Entry>> {
    Ok(opt!(
        ex,
        Entry,
        "SELECT id, request, body_sha256, state, status, content_type, location, etag, body, created_at, expires_at
         FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2",
        user_id,
        key
    )?)
}

/// Stores the answer of the reservation; false when the reservation is no longer this one's.
pub async fn complete(ex: &mut Ex<'_>, ticket: Ticket, answer: &Answer<'_>) -> Result<bool> {
    let n = run!(
        ex,
        "UPDATE idempotency_keys SET state = 'done', status = $3, content_type = $4, location = $5, etag = $6, body = $7
         WHERE id = $1 AND created_at = $2 AND state = 'pending'",
        ticket.id,
        ticket.created_at,
        answer.status,
        answer.content_type,
        answer.location,
        answer.etag,
        answer.body
    )?;
    Ok(n == 1)
}

/// Gives the reservation up (the request's answer is not kept: a retry runs again).
pub async fn release(ex: &mut Ex<'_>, ticket: Ticket) -> Result<()> {
    run!(ex, "DELETE FROM idempotency_keys WHERE id = $1 AND created_at = $2 AND state = 'pending'", ticket.id, ticket.created_at)?;
    Ok(())
}

/// Drops keys expired before `now`.
pub async fn prune(ex: &mut Ex<'_>, now: i64) -> Result<u64> {
    Ok(run!(ex, "DELETE FROM idempotency_keys WHERE expires_at < $1", now)?)
}
