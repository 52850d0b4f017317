//! `Idempotency-Key` (docs/api.md "Idempotency-Key"): a POST or PATCH under /api/v1 sent with
//! the header runs once; a retry with the same key — same account, same method and path, same
//! body — gets the first answer again with `Idempotent-Replayed: true` and changes nothing.
//!
//! - The key is reserved in the database before the request runs (`eline_app::idempotency`; a
//!   unique index per account and key, so two servers cannot both run it). A retry that arrives
//!   while the first request runs gets 409 `idempotency_in_progress` with `Retry-After: 1`; the
//!   same key with another method, path or body gets 422 `idempotency_key_reused`.
//! - The request runs in a task of its own: a client that drops the connection (a phone losing
//!   its network) does not cut it off half-way, and its answer is stored for the retry.
//! - The answer's status, body and its `Content-Type`, `Location` and `ETag` are kept for 24
//!   hours, except answers that ask for a retry (5xx, 408, 429): then the reservation is given up
//!   and a retry runs again.
//! - Not taking part (the header is ignored there): routes open without login (the login: there
//!   is no account to scope the key to), callers that are not authenticated (they get their 401
//!   as usual), bodies that are not JSON — multipart uploads and the pieces of a resumable upload
//!   (not held in memory to be hashed; a piece carries its own `Upload-Offset`) — and the
//!   operations in `WITH_SECRETS`, whose body holds a password or whose answer holds a token's
//!   secret or initial passwords: a key's row would keep a fast hash of the password (open to
//!   guessing, where the account keeps only an argon2id hash) or the secret itself (where only its
//!   hash is kept).

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::{Body, HttpBody};
use axum::extract::{FromRequestParts, MatchedPath, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use eline_app::idempotency::{KeyedRequest, Reservation, StoredAnswer, Ticket};
use eline_app::{App, AppError};
use sha2::{Digest, Sha256};
use tracing::Instrument;

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, problem_response};

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Operations that do not take part because a password or a secret passes through them
/// (method, path template as in the OpenAPI document, which leaves `Idempotency-Key` off them).
pub const WITH_SECRETS: [(&str, &str); 5] = [
    ("POST", "/api/v1/me/password"),
    ("POST", "/api/v1/users"),
    ("POST", "/api/v1/users/{id}/reset-password"),
    ("POST", "/api/v1/tokens"),
    ("POST", "/api/v1/members/accounts"),
];

/// Answers larger than this are not kept (none of the API's writes comes near it).
const MAX_KEPT: usize = 1024 * 1024;

/// The middleware's state: the app, and the operations open without login (method, path
/// template as in the OpenAPI document), which do not take part.
#[derive(Clone)]
pub struct Keys {
    pub state: AppState,
    pub open: Arc<HashSet<(Method, String)>>,
}

/// Runs a keyed write once (see the module's documentation).
pub async fn idempotent(keys: &Keys, req: Request, next: Next) -> Response {
    if req.method() != Method::POST && req.method() != Method::PATCH {
        return next.run(req).await;
    }
    let Some(raw) = req.headers().get(IDEMPOTENCY_KEY).cloned() else { return next.run(req).await };
    let left_out = req
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|p| keys.open.contains(&(req.method().clone(), p.as_str().to_string())) || WITH_SECRETS.contains(&(req.method().as_str(), p.as_str())));
    if left_out || !json_or_none(req.headers()) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let user_id = match ApiUser::from_request_parts(&mut parts, &keys.state).await {
        Ok(ApiUser(actor)) => actor.user_id,
        // Not authenticated: the route answers for itself (401), nothing is reserved.
        Err(_) => return next.run(Request::from_parts(parts, body)).await,
    };
    let key = match valid_key(&raw) {
        Ok(k) => k.to_string(),
        Err(e) => return ApiError(e).into_response(),
    };
    let bytes = match axum::body::to_bytes(body, crate::BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return ApiError(AppError::PayloadTooLarge).into_response(),
    };
    let request = format!("{} {}", parts.method, parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or(parts.uri.path()));
    let body_sha256 = hex::encode(Sha256::digest(&bytes));
    let keyed = KeyedRequest { user_id, key: &key, request: &request, body_sha256: &body_sha256 };
    let ticket = match keys.state.app.reserve_idempotency(&keyed).await {
        Ok(Reservation::Run(ticket)) => ticket,
        Ok(Reservation::Replay(answer)) => return replay(answer),
        Ok(Reservation::InProgress) => return in_progress(),
        Ok(Reservation::Reused) => return reused(),
        Err(e) => return ApiError(e).into_response(),
    };
    let app = keys.state.app.clone();
    let req = Request::from_parts(parts, Body::from(bytes));
    let run = async move {
        let mut guard = Reserved { app: app.clone(), ticket, armed: true };
        let res = next.run(req).await;
        guard.armed = false;
        keep(&app, ticket, res).await
    };
    match tokio::spawn(run.instrument(tracing::Span::current())).await {
        Ok(res) => res,
        Err(e) => {
            tracing::error!(error = %e, "an idempotent request's task failed");
            ApiError(AppError::Internal(e.to_string())).into_response()
        }
    }
}

/// Whether an answer is kept for replays: not one that asks the client to try again (a server
/// error or unavailability, 408 Request Timeout, 429 Too Many Requests) — a retry runs again.
pub fn keeps(status: StatusCode) -> bool {
    !(status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT || status == StatusCode::TOO_MANY_REQUESTS)
}

/// An `Idempotency-Key` value: 1 to 255 visible ASCII characters.
pub fn valid_key(raw: &HeaderValue) -> Result<&str, AppError> {
    let bytes = raw.as_bytes();
    if bytes.is_empty() || bytes.len() > 255 || !bytes.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Err(AppError::field("Idempotency-Key", "Idempotency-Key 应为 1 至 255 个可见 ASCII 字符（字母、数字或符号，不含空格和中文）"));
    }
    raw.to_str().map_err(|_| AppError::field("Idempotency-Key", "Idempotency-Key 无法读取"))
}

/// Whether the request's body is JSON, or it has no `Content-Type` (an action without a body).
fn json_or_none(headers: &HeaderMap) -> bool {
    match headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap_or("")) {
        None => true,
        Some(ct) => {
            let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            essence == "application/json" || essence.ends_with("+json")
        }
    }
}

/// Stores the answer when it is to be kept, else gives the reservation up; the answer goes on.
async fn keep(app: &App, ticket: Ticket, res: Response) -> Response {
    let status = res.status();
    if !keeps(status) || res.body().size_hint().exact().is_none_or(|n| n > MAX_KEPT as u64) {
        release(app, ticket).await;
        return res;
    }
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_KEPT).await {
        Ok(b) => b,
        Err(e) => {
            release(app, ticket).await;
            return ApiError(AppError::Internal(format!("reading the answer to keep it: {e}"))).into_response();
        }
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        release(app, ticket).await;
        return Response::from_parts(parts, Body::from(bytes));
    };
    let header = |name: HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let answer = StoredAnswer {
        status: status.as_u16(),
        content_type: header(header::CONTENT_TYPE),
        location: header(header::LOCATION),
        etag: header(header::ETAG),
        body: text.to_string(),
    };
    // The request has done its work: a failure to store its answer leaves the reservation
    // pending (retries get 409 until it counts as abandoned) rather than inviting a second run.
    if let Err(e) = app.finish_idempotent(ticket, Some(&answer)).await {
        tracing::error!(error = %e, "storing an idempotent answer failed");
    }
    Response::from_parts(parts, Body::from(bytes))
}

async fn release(app: &App, ticket: Ticket) {
    if let Err(e) = app.finish_idempotent(ticket, None).await {
        tracing::error!(error = %e, "giving up an idempotency reservation failed");
    }
}

/// Gives the reservation up if the request's task ends without an answer (a panic).
struct Reserved {
    app: App,
    ticket: Ticket,
    armed: bool,
}

impl Drop for Reserved {
    fn drop(&mut self) {
        if self.armed
            && let Ok(handle) = tokio::runtime::Handle::try_current()
        {
            let (app, ticket) = (self.app.clone(), self.ticket);
            handle.spawn(async move { release(&app, ticket).await });
        }
    }
}

fn replay(a: StoredAnswer) -> Response {
    let mut res = Response::new(Body::from(a.body));
    *res.status_mut() = StatusCode::from_u16(a.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = res.headers_mut();
    for (name, value) in [(header::CONTENT_TYPE, a.content_type), (header::LOCATION, a.location), (header::ETAG, a.etag)] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            h.insert(name, v);
        }
    }
    h.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    res
}

fn in_progress() -> Response {
    let detail = "使用同一 Idempotency-Key 的请求正在处理中，请稍后用同一个键重试以取得它的结果".to_string();
    let mut res = problem_response(StatusCode::CONFLICT, "idempotency_in_progress", "请求正在处理", detail, None);
    res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    res
}

fn reused() -> Response {
    let detail = "这个 Idempotency-Key 已用于另一个请求（方法、路径或内容不同）；新的请求请使用新的键".to_string();
    problem_response(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused", "幂等键已被使用", detail, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_that_ask_for_a_retry_are_not_kept() {
        for s in [200, 201, 204, 400, 401, 403, 404, 409, 413, 422] {
            assert!(keeps(StatusCode::from_u16(s).unwrap()), "{s} is kept");
        }
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(!keeps(StatusCode::from_u16(s).unwrap()), "{s} is not kept");
        }
    }

    #[test]
    fn a_key_is_one_to_255_visible_ascii_characters() {
        for good in ["a", "3f2c9a1e-7b1d-4c55-9a0e-6f1f0d3b8c11", "!~", &"k".repeat(255)] {
            assert_eq!(valid_key(&HeaderValue::from_str(good).unwrap()).unwrap(), good);
        }
        let long = "k".repeat(256);
        let bad: Vec<HeaderValue> = vec![
            HeaderValue::from_static(""),
            HeaderValue::from_str(&long).unwrap(),
            HeaderValue::from_static("two words"),
            HeaderValue::from_bytes("键".as_bytes()).unwrap(),
            HeaderValue::from_bytes(b"tab\there").unwrap(),
        ];
        for b in bad {
            let Err(AppError::Validation(errors)) = valid_key(&b) else { panic!("{b:?} should be refused") };
            assert_eq!(errors[0].field, "Idempotency-Key");
            assert!(errors[0].message.contains("可见"), "{}", errors[0].message);
        }
    }

    #[test]
    fn only_json_bodies_and_empty_ones_take_part() {
        let mut h = HeaderMap::new();
        assert!(json_or_none(&h), "an action without a body");
        for (ct, takes_part) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("application/merge-patch+json", true),
            ("multipart/form-data; boundary=x", false),
            ("application/octet-stream", false),
            ("application/offset+octet-stream", false),
            ("text/plain", false),
        ] {
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
            assert_eq!(json_or_none(&h), takes_part, "{ct}");
        }
    }

    #[test]
    fn a_replay_carries_the_stored_status_headers_and_body() {
        let res = replay(StoredAnswer {
            status: 201,
            content_type: Some("application/json".into()),
            location: Some("/api/v1/proposals/9".into()),
            etag: None,
            body: "{\"id\":9}".into(),
        });
        assert_eq!(res.status(), StatusCode::CREATED);
        assert_eq!(res.headers()[IDEMPOTENT_REPLAYED], "true");
        assert_eq!(res.headers()[header::LOCATION], "/api/v1/proposals/9");
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
        assert!(!res.headers().contains_key(header::ETAG));
    }
}
