//! Who is asking: extractors for the current user (browser session or API bearer token), and
//! CSRF protection for every unsafe request that rides on the session cookie.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use eline_app::AppError;
use eline_domain::Actor;
use tower_sessions::Session;

use crate::AppState;
use crate::error::{ApiError, PageError, error_page, problem_response};

pub const SESSION_COOKIE: &str = "eline_session";
const USER_KEY: &str = "user_id";
const CSRF_KEY: &str = "csrf";
const MUST_CHANGE_KEY: &str = "must_change_password";
/// When the session was last written back (Unix seconds).
const SEEN_KEY: &str = "seen";
/// A session is written back (its 8-hour inactivity expiry moved on) at most this often; reading a
/// page writes nothing in between.
pub const SESSION_TOUCH_SECS: i64 = 600;

/// The cookie holding a visitor's form token before they log in (double submit: a form posted
/// without a session must carry the same value in its `_csrf` field). Anonymous page views so
/// write nothing to the database.
pub const FORM_COOKIE: &str = "eline_form";

fn random_token() -> String {
    let mut bytes = [0u8; 24];
    rand::fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The CSRF token of a logged-in session, created on first use.
pub async fn csrf_token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(CSRF_KEY).await {
        return t;
    }
    let t = random_token();
    let _ = session.insert(CSRF_KEY, &t).await;
    t
}

fn cookie_value<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .find_map(|p| p.trim().strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
}

/// The form token of a page anyone may see (login, public pages): the session's when logged in,
/// else the visitor's form cookie (set on the answer when new) — no session is stored for a
/// visitor who only looks.
pub struct FormToken {
    pub token: String,
    set_cookie: Option<String>,
}

impl FormToken {
    /// Adds the form cookie to the answer when it was made for this request.
    pub fn apply(&self, mut res: Response) -> Response {
        if let Some(c) = &self.set_cookie
            && let Ok(v) = axum::http::HeaderValue::from_str(c)
        {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
        res
    }
}

impl FromRequestParts<AppState> for FormToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(session) = parts.extensions.get::<Session>().cloned()
            && let Ok(Some(_)) = session.get::<i64>(USER_KEY).await
        {
            return Ok(FormToken { token: csrf_token(&session).await, set_cookie: None });
        }
        if let Some(t) =
            cookie_value(&parts.headers, FORM_COOKIE).filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        {
            return Ok(FormToken { token: t.to_string(), set_cookie: None });
        }
        let token = random_token();
        let secure = if state.app.settings.secure_cookies { "; Secure" } else { "" };
        let set_cookie = Some(format!("{FORM_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"));
        Ok(FormToken { token, set_cookie })
    }
}

/// Starts an authenticated session (new id against fixation; a fresh CSRF token).
pub async fn start_session(session: &Session, user_id: i64, must_change: bool) -> Result<(), AppError> {
    let internal = |e: tower_sessions::session::Error| AppError::Internal(e.to_string());
    session.cycle_id().await.map_err(internal)?;
    session.remove_value(CSRF_KEY).await.map_err(internal)?;
    session.insert(USER_KEY, user_id).await.map_err(internal)?;
    session.insert(MUST_CHANGE_KEY, must_change).await.map_err(internal)?;
    session.insert(SEEN_KEY, time::OffsetDateTime::now_utc().unix_timestamp()).await.map_err(internal)?;
    Ok(())
}

pub async fn clear_must_change(session: &Session) {
    let _ = session.insert(MUST_CHANGE_KEY, false).await;
}

pub async fn end_session(session: &Session) {
    let _ = session.flush().await;
}

/// Moves a session's inactivity expiry on, at most once per [`SESSION_TOUCH_SECS`]: the session
/// layer writes a session back only when it changed, so an unchanged session would expire 8 hours
/// after login however busy its user; a changed one costs a database write, so not on every page.
async fn touch(session: &Session) {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let seen = session.get::<i64>(SEEN_KEY).await.ok().flatten().unwrap_or(0);
    if now - seen >= SESSION_TOUCH_SECS {
        let _ = session.insert(SEEN_KEY, now).await;
    }
}

async fn session_actor(state: &AppState, parts: &mut Parts) -> Result<Option<(Actor, bool, Session)>, AppError> {
    let Some(session) = parts.extensions.get::<Session>().cloned() else { return Ok(None) };
    let Ok(Some(user_id)) = session.get::<i64>(USER_KEY).await else { return Ok(None) };
    match state.app.user_for_session(user_id).await? {
        Some(user) => {
            touch(&session).await;
            let must_change = session.get::<bool>(MUST_CHANGE_KEY).await.ok().flatten().unwrap_or(false);
            Ok(Some((eline_app::auth::actor_of(&user), must_change, session)))
        }
        None => {
            end_session(&session).await;
            Ok(None)
        }
    }
}

/// The secret of an `Authorization: Bearer …` header.
pub fn bearer_secret(headers: &axum::http::HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")).map(str::trim)
}

fn bearer(parts: &Parts) -> Option<&str> {
    bearer_secret(&parts.headers)
}

/// The user of an API request: bearer token first, else the browser session.
pub struct ApiUser(pub Actor);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(secret) = bearer(parts) {
            return match state.app.actor_for_token(secret).await? {
                Some((actor, _)) => Ok(ApiUser(actor)),
                None => Err(ApiError(AppError::Unauthenticated)),
            };
        }
        match session_actor(state, parts).await? {
            Some((_, true, _)) => Err(ApiError(AppError::Forbidden)),
            Some((actor, _, _)) => Ok(ApiUser(actor)),
            None => Err(ApiError(AppError::Unauthenticated)),
        }
    }
}

/// The user of a page: redirected to the login page when absent, and to the password page while
/// a password change is required.
pub struct PageUser {
    pub actor: Actor,
    pub session: Session,
    pub csrf: String,
    pub large_text: bool,
}

pub enum PageRejection {
    Error(PageError),
    Redirect(Redirect),
}

impl IntoResponse for PageRejection {
    fn into_response(self) -> Response {
        match self {
            PageRejection::Error(e) => e.into_response(),
            PageRejection::Redirect(r) => r.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match session_actor(state, parts).await.map_err(|e| PageRejection::Error(PageError(e)))? {
            Some((actor, must_change, session)) => {
                let path = parts.uri.path();
                if must_change && path != "/account/password" && path != "/logout" {
                    return Err(PageRejection::Redirect(Redirect::to("/account/password")));
                }
                let csrf = csrf_token(&session).await;
                let large_text = crate::html::large_text(&parts.headers);
                Ok(PageUser { actor, session, csrf, large_text })
            }
            None => Err(PageRejection::Redirect(Redirect::to(&login_url(parts)))),
        }
    }
}

/// The login page, returning to the page asked for (`?next=`) when it was a page to read.
fn login_url(parts: &Parts) -> String {
    let wanted = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    match safe_next(wanted) {
        Some(next) if parts.method == axum::http::Method::GET && next != "/" => {
            format!("/login?{}", serde_urlencoded::to_string([("next", next)]).unwrap_or_default())
        }
        _ => "/login".to_string(),
    }
}

/// A place to return to after logging in: a path on this site (never another host, never the
/// login page itself), else None.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 2000
        && !next.chars().any(|c| c.is_control() || c == '\\')
        && !next.starts_with("/login")
        && !next.starts_with("/logout");
    ok.then_some(next)
}

/// Refuses unsafe requests that carry the session cookie but not the session's CSRF token (in
/// the `x-csrf-token` header, the `_csrf` form field, or the `_csrf` query parameter for uploads).
/// Requests with a bearer token or without a session cookie carry no ambient authority.
pub async fn csrf_guard(State(_state): State<AppState>, session: Session, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let has_cookie =
        req.headers().get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).any(|c| c.split(';').any(|p| p.trim_start().starts_with(SESSION_COOKIE)));
    let is_api = req.uri().path().starts_with("/api/");
    let has_bearer =
        is_api && req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("Bearer ") || v.starts_with("bearer "));
    // API calls without a session cookie carry no ambient authority; forms always need the token
    // (the login form too, against login CSRF: every form page sets the session cookie).
    if !unsafe_method || has_bearer || (!has_cookie && is_api) {
        return next.run(req).await;
    }
    // A logged-in session's token; before login, the visitor's form cookie (double submit).
    let expected = match session.get::<String>(CSRF_KEY).await.ok().flatten() {
        Some(t) => Some(t),
        None => cookie_value(req.headers(), FORM_COOKIE).map(str::to_string),
    };
    let (parts, body) = req.into_parts();
    let mut given = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(String::from);
    if given.is_none() {
        given = parts.uri.query().and_then(|q| form_value(q.as_bytes(), "_csrf"));
    }
    let is_form = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let body = if given.is_none() && is_form {
        match to_bytes(body, 2 * 1024 * 1024).await {
            Ok(bytes) => {
                given = form_value(&bytes, "_csrf");
                Body::from(bytes)
            }
            Err(_) => return error_page(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "提交的内容过大", "请减少内容后重试。"),
        }
    } else {
        body
    };
    match (expected, given) {
        (Some(e), Some(g)) if !e.is_empty() && constant_eq(e.as_bytes(), g.as_bytes()) => next.run(Request::from_parts(parts, body)).await,
        _ => {
            tracing::warn!(path = %parts.uri.path(), "csrf check failed");
            if parts.uri.path().starts_with("/api/") {
                problem_response(axum::http::StatusCode::FORBIDDEN, "forbidden", "请求校验失败", "请求缺少有效的CSRF令牌，请刷新页面后重试".into(), None)
            } else {
                error_page(axum::http::StatusCode::FORBIDDEN, "页面已过期", "为保护您的账号，表单需要有效的校验令牌。请返回上一页，刷新后重新提交。")
            }
        }
    }
}

fn form_value(bytes: &[u8], key: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).ok()?.into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The client's address: the connection's, or the one a trusted proxy forwarded
/// (`eline_app::net::client_address`).
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        let forwarded: Vec<&str> = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        Ok(ClientIp(eline_app::net::client_address(peer, &forwarded, &state.app.settings.trusted_proxies).to_string()))
    }
}

/// A permission the policy grants by role alone (no particular record): checked before the
/// request body is read, so that a caller who may not act gets 403 — never a 422 about a body
/// they had no business sending. The use case asks the same policy again.
pub trait Gate {
    const ACTION: eline_domain::policy::Action;
}

macro_rules! gates {
    ($($name:ident),*) => {$(
        #[doc = concat!("The policy's `", stringify!($name), "`.")]
        pub struct $name;
        impl Gate for $name {
            const ACTION: eline_domain::policy::Action = eline_domain::policy::Action::$name;
        }
    )*};
}
gates!(ManageUsers, ManageMembers, ManageDirectory, ManageSettings, OpenMemberAccounts);

/// The API caller, allowed by the policy to take `G`'s action at all (else 403, audited).
pub struct Allowed<G>(pub Actor, pub std::marker::PhantomData<G>);

impl<G: Gate> FromRequestParts<AppState> for Allowed<G> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ApiUser(actor) = ApiUser::from_request_parts(parts, state).await?;
        state.app.require(&actor, G::ACTION, eline_domain::policy::Resource::Any).await?;
        Ok(Allowed(actor, std::marker::PhantomData))
    }
}

/// The page user, allowed by the policy to take `G`'s action at all (else the 403 page,
/// audited) — checked before the form is read, like `Allowed` for the API.
pub struct PageAllowed<G>(pub PageUser, pub std::marker::PhantomData<G>);

impl<G: Gate> FromRequestParts<AppState> for PageAllowed<G> {
    type Rejection = PageRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = PageUser::from_request_parts(parts, state).await?;
        state.app.require(&user.actor, G::ACTION, eline_domain::policy::Resource::Any).await.map_err(|e| PageRejection::Error(PageError(e)))?;
        Ok(PageAllowed(user, std::marker::PhantomData))
    }
}
