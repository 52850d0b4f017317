//! Who gets served: a request's body must arrive in time, and at most `--max-in-flight`
//! requests are handled at once across the whole server (one count for every route).
//!
//! A small body (a form, a JSON document: up to `BUFFERED`) is received in full before the
//! request counts as in flight, within `Settings::body_timeout_secs`: a client that sends it a
//! byte at a time holds a connection, never a place among the requests being handled, and is cut
//! off with 408 when its time is up. A larger body (an upload) is streamed to its handler while
//! the request counts, with a deadline that grows with its declared length (`MIN_RATE`).

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Semaphore;

use crate::AppState;
use crate::error::problem_response;

/// Bodies up to this size are received before the request counts as in flight.
pub const BUFFERED: usize = 1024 * 1024;
/// The slowest upload rate a large body is given time for (bytes per second).
pub const MIN_RATE: u64 = 64 * 1024;

/// The server-wide count of requests being handled.
pub struct Admission {
    permits: Arc<Semaphore>,
    max: usize,
    shed: AtomicU64,
    last_shed_micros: AtomicI64,
}

impl Admission {
    pub fn new(max_in_flight: usize) -> Admission {
        let max = max_in_flight.max(1);
        Admission { permits: Arc::new(Semaphore::new(max)), max, shed: AtomicU64::new(0), last_shed_micros: AtomicI64::new(0) }
    }

    /// Requests being handled now.
    pub fn in_flight(&self) -> usize {
        self.max - self.permits.available_permits()
    }

    /// Requests refused since start.
    pub fn shed_total(&self) -> u64 {
        self.shed.load(Ordering::Relaxed)
    }

    /// Whether a request was refused within the last `secs` seconds.
    pub fn shed_within(&self, secs: i64) -> bool {
        let last = self.last_shed_micros.load(Ordering::Relaxed);
        last > 0 && eline_storage::now_micros() - last < secs * 1_000_000
    }

    fn refuse(&self) -> Response {
        self.shed.fetch_add(1, Ordering::Relaxed);
        self.last_shed_micros.store(eline_storage::now_micros(), Ordering::Relaxed);
        overloaded()
    }
}

/// The answer to a request over the in-flight limit: come back in a second.
pub fn overloaded() -> Response {
    let mut res = problem_response(StatusCode::SERVICE_UNAVAILABLE, "overloaded", "服务繁忙", "当前访问人数较多，请稍后重试".to_string(), None);
    res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    res
}

fn too_slow(path: &str) -> Response {
    let detail = "请求内容在规定时间内没有传完，请检查网络后重试".to_string();
    if path.starts_with("/api/") {
        problem_response(StatusCode::REQUEST_TIMEOUT, "request_timeout", "请求超时", detail, None)
    } else {
        crate::error::error_page(StatusCode::REQUEST_TIMEOUT, "请求超时", &detail)
    }
}

fn too_large(path: &str) -> Response {
    let detail = format!("提交的内容超过上限（{}MB），请减小后重试", crate::BODY_LIMIT / 1024 / 1024);
    if path.starts_with("/api/") {
        problem_response(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "内容过大", detail, None)
    } else {
        crate::error::error_page(StatusCode::PAYLOAD_TOO_LARGE, "提交的内容过大", &detail)
    }
}

/// The time a body of `length` bytes is given to arrive.
pub fn body_deadline(base_secs: u64, length: Option<u64>) -> Duration {
    Duration::from_secs(base_secs) + Duration::from_secs(length.unwrap_or(0) / MIN_RATE)
}

/// Receives small bodies, puts a deadline on large ones, then admits the request if a place
/// among the requests in flight is free (else 503 at once).
pub async fn admit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let length = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|n| n > crate::BODY_LIMIT as u64) {
        return too_large(&path);
    }
    let deadline = body_deadline(state.app.settings.body_timeout_secs, length);
    let (parts, body) = req.into_parts();
    let body = if body.is_end_stream() {
        // No body (most GETs): nothing to wait for.
        body
    } else if length.is_none_or(|n| n <= BUFFERED as u64) {
        // A body without a declared length is buffered too (and limited to BUFFERED).
        match tokio::time::timeout(deadline, axum::body::to_bytes(body, BUFFERED)).await {
            Ok(Ok(bytes)) => Body::from(bytes),
            // Longer than declared or than BUFFERED without a declared length, or cut off.
            Ok(Err(_)) => return too_large(&path),
            Err(_) => {
                tracing::info!(path = %path, "request body did not arrive in time");
                return too_slow(&path);
            }
        }
    } else {
        Body::new(Deadline { inner: body, sleep: Box::pin(tokio::time::sleep(deadline)) })
    };
    let Ok(permit) = state.admission.permits.clone().try_acquire_owned() else {
        return state.admission.refuse();
    };
    let res = next.run(Request::from_parts(parts, body)).await;
    drop(permit);
    res
}

/// A body that fails once its deadline has passed.
struct Deadline {
    inner: Body,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        if self.sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(axum::Error::new(std::io::Error::new(std::io::ErrorKind::TimedOut, "request body too slow")))));
        }
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_body_gets_time_for_its_length_at_the_slowest_rate() {
        assert_eq!(body_deadline(10, None), Duration::from_secs(10));
        assert_eq!(body_deadline(10, Some(1000)), Duration::from_secs(10));
        assert_eq!(body_deadline(10, Some(25 * 1024 * 1024)), Duration::from_secs(10 + 400));
    }

    #[test]
    fn shedding_is_counted_and_remembered() {
        let a = Admission::new(2);
        assert_eq!(a.in_flight(), 0);
        assert!(!a.shed_within(10));
        let res = a.refuse();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(a.shed_total(), 1);
        assert!(a.shed_within(10));
    }
}
