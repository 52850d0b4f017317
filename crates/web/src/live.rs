//! The live unread badge's event stream (`GET /notifications/stream` for pages,
//! `GET /api/v1/notifications/stream` for API clients): `event: unread` with `{"unread": N}` at
//! once and whenever the count changed, a comment every 15 s to keep proxies and the client's
//! connection check alive.
//!
//! The answer leaves the middleware as soon as its head is made, so it holds no place among the
//! requests in flight (`admission`) and the request timeout does not apply to its body;
//! compression leaves `text/event-stream` alone. The stream ends when the client goes away (the
//! body is dropped: the task sees its channel closed), when the server shuts down
//! (`AppState::stopping`), and after `MAX_AGE`, when the browser reconnects with its session
//! checked again.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use eline_domain::Actor;
use http_body::Frame;
use tokio::sync::{broadcast, mpsc};

use crate::AppState;

/// Between two keep-alive comments.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// A stream's longest life; the browser's EventSource reconnects by itself.
pub const MAX_AGE: Duration = Duration::from_secs(30 * 60);
/// How long the browser waits before reconnecting (the `retry:` field), in milliseconds.
const RETRY_MS: u32 = 5000;

/// The event of a count.
pub fn unread_event(n: i64) -> String {
    format!("event: unread\ndata: {{\"unread\":{n}}}\n\n")
}

/// The actor's stream of unread counts.
pub fn unread_stream(state: AppState, actor: Actor) -> Response {
    let (tx, rx) = mpsc::channel::<Bytes>(8);
    let changes = state.app.unread_changes();
    tokio::spawn(feed(state, actor, tx, changes));
    let mut res = Response::new(Body::new(Events(rx)));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // nginx and the like would otherwise hold the events back in their buffers.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    res
}

async fn feed(state: AppState, actor: Actor, tx: mpsc::Sender<Bytes>, mut changes: broadcast::Receiver<i64>) {
    let mut stopping = state.stopping.subscribe();
    let mut keep_alive = tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE, KEEP_ALIVE);
    let end = tokio::time::sleep(MAX_AGE);
    tokio::pin!(end);
    let mut sent: Option<i64> = None;
    let first = format!("retry: {RETRY_MS}\n");
    if tx.send(Bytes::from(first)).await.is_err() {
        return;
    }
    if send_count(&state, &actor, &tx, &mut sent).await.is_err() {
        return;
    }
    loop {
        let told = tokio::select! {
            () = tx.closed() => return,
            () = async { drop(stopping.wait_for(|s| *s).await) } => return,
            () = &mut end => return,
            _ = keep_alive.tick() => {
                if tx.send(Bytes::from_static(b": keep-alive\n\n")).await.is_err() {
                    return;
                }
                continue;
            }
            r = changes.recv() => r,
        };
        let mine = match told {
            Ok(user_id) => user_id == actor.user_id,
            // Fell behind: whatever happened may concern this person.
            Err(broadcast::error::RecvError::Lagged(_)) => true,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if mine && send_count(&state, &actor, &tx, &mut sent).await.is_err() {
            return;
        }
    }
}

/// Sends the count when it differs from the last one sent; Err when the client is gone.
async fn send_count(state: &AppState, actor: &Actor, tx: &mpsc::Sender<Bytes>, sent: &mut Option<i64>) -> Result<(), ()> {
    match state.app.unread_count(actor).await {
        Ok(n) if *sent != Some(n) => {
            *sent = Some(n);
            tx.send(Bytes::from(unread_event(n))).await.map_err(|_| ())
        }
        Ok(_) => Ok(()),
        Err(e) => {
            // The database is away for a moment: the next change or reconnect tries again.
            tracing::warn!(error = %e, user = actor.user_id, "unread count for the live badge failed");
            Ok(())
        }
    }
}

/// The body of a stream: what the feeding task sends, until it stops (or the body is dropped,
/// which closes the channel and stops the task).
struct Events(mpsc::Receiver<Bytes>);

impl http_body::Body for Events {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|chunk| chunk.map(|b| Ok(Frame::data(b))))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_unread_event_names_its_type_and_carries_json() {
        assert_eq!(super::unread_event(3), "event: unread\ndata: {\"unread\":3}\n\n");
        let data = super::unread_event(120).lines().nth(1).unwrap().strip_prefix("data: ").unwrap().to_string();
        assert_eq!(serde_json::from_str::<serde_json::Value>(&data).unwrap()["unread"], 120);
    }
}
