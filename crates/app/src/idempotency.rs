//! Idempotency keys (docs/api.md "Idempotency-Key"): a write sent again with the key it was first
//! sent with gets the first answer instead of running again. Which requests take part and what of
//! an answer is kept is the web layer's (`eline_web::api::idempotency`); this is the bookkeeping.

use std::sync::atomic::{AtomicI64, Ordering};

use eline_storage::idempotency::{self, Answer};
use eline_storage::now_micros;

pub use eline_storage::idempotency::Ticket;

use crate::{App, AppResult};

/// How long a key is remembered (µs): 24 hours.
pub const TTL_MICROS: i64 = 24 * 3600 * 1_000_000;
/// A reservation still pending after this long (µs) was left by a server that stopped while
/// running the request; a retry may take it over. Far longer than any JSON write takes.
pub const ABANDONED_MICROS: i64 = 10 * 60 * 1_000_000;
/// Expired keys are pruned at most this often (µs) by each server, as requests come.
const PRUNE_EVERY_MICROS: i64 = 60 * 1_000_000;

static LAST_PRUNE: AtomicI64 = AtomicI64::new(0);

/// A write carrying an idempotency key.
#[derive(Debug, Clone, Copy)]
pub struct KeyedRequest<'a> {
    /// The account the key belongs to (keys of different accounts never meet).
    pub user_id: i64,
    pub key: &'a str,
    /// Method and path with its query, e.g. `POST /api/v1/proposals`.
    pub request: &'a str,
    /// SHA-256 (hex) of the body.
    pub body_sha256: &'a str,
}

/// An answer as kept for replays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: String,
}

/// What to do with a keyed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// The key is this request's: run it, then `finish_idempotent` with the ticket.
    Run(Ticket),
    /// The same request was answered before: send this answer again.
    Replay(StoredAnswer),
    /// The same key's request is running now.
    InProgress,
    /// The key was used for a different request (method, path or body).
    Reused,
}

impl App {
    /// Reserves the key for this request, or says why not.
    pub async fn reserve_idempotency(&self, r: &KeyedRequest<'_>) -> AppResult<Reservation> {
        let mut c = self.db.acquire().await?;
        let now = now_micros();
        let last = LAST_PRUNE.load(Ordering::Relaxed);
        if now - last > PRUNE_EVERY_MICROS
            && LAST_PRUNE.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok()
            && let Err(e) = idempotency::prune(&mut c.ex(), now).await
        {
            tracing::warn!(error = %e, "pruning expired idempotency keys failed");
        }
        // A reservation released between the two statements leaves nothing to read: try again.
        for _ in 0..3 {
            let now = now_micros();
            if let Some(ticket) =
                idempotency::reserve(&mut c.ex(), r.user_id, r.key, r.request, r.body_sha256, now, now + TTL_MICROS, now - ABANDONED_MICROS).await?
            {
                return Ok(Reservation::Run(ticket));
            }
            let Some(held) = idempotency::find(&mut c.ex(), r.user_id, r.key).await? else { continue };
            if held.request != r.request || held.body_sha256 != r.body_sha256 {
                return Ok(Reservation::Reused);
            }
            return Ok(match (held.state.as_str(), held.status) {
                ("done", Some(status)) => Reservation::Replay(StoredAnswer {
                    status: u16::try_from(status).unwrap_or(500),
                    content_type: held.content_type,
                    location: held.location,
                    etag: held.etag,
                    body: held.body.unwrap_or_default(),
                }),
                _ => Reservation::InProgress,
            });
        }
        Ok(Reservation::InProgress)
    }

    /// Ends a reservation: keeps the answer for replays, or (None) gives the key up so that a
    /// retry runs again.
    pub async fn finish_idempotent(&self, ticket: Ticket, answer: Option<&StoredAnswer>) -> AppResult<()> {
        let mut c = self.db.acquire().await?;
        match answer {
            Some(a) => {
                let kept = Answer {
                    status: i64::from(a.status),
                    content_type: a.content_type.as_deref(),
                    location: a.location.as_deref(),
                    etag: a.etag.as_deref(),
                    body: &a.body,
                };
                if !idempotency::complete(&mut c.ex(), ticket, &kept).await? {
                    tracing::warn!(id = ticket.id, "an idempotency reservation was taken over before its answer was stored");
                }
            }
            None => idempotency::release(&mut c.ex(), ticket).await?,
        }
        Ok(())
    }
}
