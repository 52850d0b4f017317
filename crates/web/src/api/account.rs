//! Login, logout, the caller's own account and API tokens.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use eline_app::AppError;
use eline_app::auth::Quota;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{TokenOut, UserOut};
use super::{Body, Id};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(first_login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"username": "member", "password": "eline-demo", "device": "张三的 iPhone"}))]
pub struct LoginIn {
    /// 用户名，或委员档案中的手机号（the username, or the member's phone number）.
    pub username: String,
    pub password: String,
    /// 设备名称（a phone app's device name, ≤ 60 characters）: one session per device — a new login
    /// on the same device ends the earlier one. Without it each login is a session of its own.
    #[serde(default)]
    pub device: Option<String>,
}

/// A device session's tokens. Send the access token as `Authorization: Bearer <access_token>`;
/// when it expires (401), exchange the refresh token at POST /api/v1/auth/refresh for a new pair.
#[derive(Serialize, ToSchema)]
pub struct LoginOut {
    /// 同 access_token（kept for clients written before device sessions; use access_token）.
    #[schema(deprecated)]
    pub token: String,
    /// 访问令牌（short-lived: `expires_in` seconds）.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds the access token works.
    pub expires_in: i64,
    /// When the access token stops working (RFC 3339, Beijing time).
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// 刷新令牌: one use only — each refresh returns a new one; a refresh token used twice ends
    /// the session.
    pub refresh_token: String,
    /// The session ends then unless refreshed before (each refresh moves it on).
    #[schema(format = DateTime)]
    pub session_expires_at: String,
    /// The session (listed by GET /api/v1/tokens; end it with POST /api/v1/tokens/{id}/revoke or logout).
    pub session_id: i64,
    pub device: String,
    pub user: UserOut,
}

/// `LoginOut.token` is deprecated (docs/api.md "Deprecations"): answers carrying it say so.
const DEPRECATION: [(&str, &str); 2] = [("deprecation", "@1796083200"), ("sunset", "Tue, 01 Jun 2027 00:00:00 GMT")];

type Issued = ([(&'static str, &'static str); 2], Json<LoginOut>);

fn issued(state: &AppState, done: eline_app::device_sessions::Issued) -> Issued {
    (DEPRECATION, Json(login_out(state, done)))
}

fn login_out(state: &AppState, done: eline_app::device_sessions::Issued) -> LoginOut {
    let manage = eline_domain::policy::can(&done.actor, eline_domain::policy::Action::ManageUsers, eline_domain::policy::Resource::Any);
    let user = UserOut::from(&done.user, manage);
    let s = &done.session;
    LoginOut {
        token: done.access_token.clone(),
        access_token: done.access_token,
        token_type: "Bearer".into(),
        expires_in: state.app.settings.access_token_minutes.max(1) * 60,
        expires_at: super::dto::ts(s.expires_at),
        refresh_token: done.refresh_token,
        session_expires_at: super::dto::ts(s.ends_at()),
        session_id: s.id,
        device: s.device.clone().unwrap_or_default(),
        user,
    }
}

/// Log in with a username (or phone number) and password; opens a device session.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()), request_body = LoginIn,
    responses((status = 200, body = LoginOut, headers(("Deprecation" = String, description = "LoginOut.token 已弃用（见 docs/api.md）"), ("Sunset" = String))),
        (status = 422, body = Problem, description = "用户名（或手机号）或密码错误；须先修改初始密码的账号见 /api/v1/auth/first-login"),
        (status = 429, body = Problem)))]
async fn login(State(state): State<AppState>, crate::auth::ClientIp(client): crate::auth::ClientIp, Body(body): Body<LoginIn>) -> Response {
    let answer = log_in(&state, &body, &client).await.into_response();
    with_rate_limit(answer, state.app.login_quota(&body.username, &client).await)
}

async fn log_in(state: &AppState, body: &LoginIn, client: &str) -> Result<Issued, ApiError> {
    let device = eline_app::device_sessions::device_name(body.device.as_deref(), &crate::html::datetime(eline_storage::now_micros()))?;
    let done = state.app.login(&body.username, &body.password, client).await?;
    if done.user.must_change_password {
        return Err(ApiError(AppError::field("password", "该账号须先修改初始密码：请用 POST /api/v1/auth/first-login 提交初始密码和新密码")));
    }
    let issued_now = state.app.open_device_session(&done.actor, &device).await?;
    Ok(issued(state, issued_now))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"refresh_token": "eline_r_…"}))]
pub struct RefreshIn {
    pub refresh_token: String,
}

/// Exchange a refresh token for a new access token and refresh token (the old refresh token stops
/// working). 401 when it is unknown, expired or ended; a refresh token used a second time ends its
/// device's session (log in again).
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", security(()), request_body = RefreshIn,
    responses((status = 200, body = LoginOut, headers(("Deprecation" = String, description = "LoginOut.token 已弃用（见 docs/api.md）"), ("Sunset" = String))),
        (status = 401, body = Problem, description = "刷新令牌无效、已过期、已用过或会话已结束")))]
async fn refresh(State(state): State<AppState>, Body(body): Body<RefreshIn>) -> Result<Issued, ApiError> {
    let done = state.app.refresh_device_session(&body.refresh_token).await?;
    Ok(issued(&state, done))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"username": "13800000001", "password": "初始密码", "new_password": "newpass2026", "device": "张三的 iPhone"}))]
pub struct FirstLoginIn {
    /// 用户名或手机号.
    pub username: String,
    /// The initial password (from the account letter or an administrator's reset).
    pub password: String,
    /// The new password: at least 8 characters, letters and digits.
    pub new_password: String,
    #[serde(default)]
    pub device: Option<String>,
}

/// First login of an account that must change its initial password: checks the initial password
/// (throttled like logins), sets the new one and opens a device session.
#[utoipa::path(post, path = "/api/v1/auth/first-login", tag = "auth", security(()), request_body = FirstLoginIn,
    responses((status = 200, body = LoginOut, headers(("Deprecation" = String, description = "LoginOut.token 已弃用（见 docs/api.md）"), ("Sunset" = String))),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn first_login(State(state): State<AppState>, crate::auth::ClientIp(client): crate::auth::ClientIp, Body(body): Body<FirstLoginIn>) -> Response {
    let answer = first_log_in(&state, &body, &client).await.into_response();
    with_rate_limit(answer, state.app.login_quota(&body.username, &client).await)
}

async fn first_log_in(state: &AppState, body: &FirstLoginIn, client: &str) -> Result<Issued, ApiError> {
    let device = eline_app::device_sessions::device_name(body.device.as_deref(), &crate::html::datetime(eline_storage::now_micros()))?;
    eline_app::auth::check_new_password(&body.new_password).map_err(|e| match e {
        AppError::Validation(errs) => AppError::Validation(errs.into_iter().map(|e| eline_domain::FieldError::new("new_password", e.message)).collect()),
        other => other,
    })?;
    let done = state.app.login(&body.username, &body.password, client).await?;
    if !done.user.must_change_password {
        return Err(ApiError(AppError::field("username", "该账号无须修改初始密码，请直接登录（POST /api/v1/auth/login）")));
    }
    state.app.change_password(&done.actor, &body.password, &body.new_password, &body.new_password, None).await?;
    let issued_now = state.app.open_device_session(&done.actor, &device).await?;
    Ok(issued(state, issued_now))
}

/// Revoke the bearer token this request carries.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204), (status = 401, body = Problem)))]
async fn logout(State(state): State<AppState>, headers: HeaderMap, ApiUser(actor): ApiUser) -> Result<StatusCode, ApiError> {
    let secret = crate::auth::bearer_secret(&headers).ok_or_else(|| ApiError(AppError::field("authorization", "退出登录需要携带 Bearer 令牌")))?;
    let (_, token) = state.app.actor_for_token(secret).await?.ok_or(ApiError(AppError::Unauthenticated))?;
    state.app.revoke_token(&actor, token.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    #[schema(value_type = Vec<eline_domain::Role>)]
    pub roles: Vec<String>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub committee_id: i64,
}

/// Who the caller is.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = MeOut), (status = 401, body = Problem)))]
async fn me(ApiUser(a): ApiUser) -> Json<MeOut> {
    Json(MeOut {
        user_id: a.user_id,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        roles: a.roles.iter().map(|r| r.as_str().to_string()).collect(),
        member_id: a.member_id,
        unit_id: a.unit_id,
        committee_id: a.committee_id,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordIn {
    pub current_password: String,
    pub password: String,
    pub confirm_password: String,
}

/// Change the caller's own password: ends their browser sessions and revokes their other API
/// tokens (the token of this request stays valid). Wrong current passwords are throttled like
/// logins (429).
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", request_body = PasswordIn,
    responses((status = 204), (status = 401, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn change_password(State(state): State<AppState>, headers: HeaderMap, ApiUser(a): ApiUser, Body(b): Body<PasswordIn>) -> Response {
    let answer = async {
        let keep = match crate::auth::bearer_secret(&headers) {
            Some(secret) => state.app.actor_for_token(secret).await?.map(|(_, t)| t.id),
            None => None,
        };
        state.app.change_password(&a, &b.current_password, &b.password, &b.confirm_password, keep).await?;
        Ok::<_, ApiError>(StatusCode::NO_CONTENT)
    }
    .await
    .into_response();
    with_rate_limit(answer, state.app.password_quota(&a).await)
}

/// Adds `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds) to a throttled
/// operation's answer (docs/api.md "Rate limits"). A 429 may come from another of the login's
/// limits (the address's, the account's back-off): it says nothing is left until `Retry-After`.
fn with_rate_limit(mut res: Response, quota: Result<Quota, AppError>) -> Response {
    let quota = match quota {
        Ok(q) => q,
        Err(e) => {
            tracing::warn!(error = %e, "reading the rate limit for its headers failed");
            return res;
        }
    };
    let (mut remaining, mut reset) = (quota.remaining, quota.reset_secs);
    if res.status() == StatusCode::TOO_MANY_REQUESTS {
        let retry_after = res.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
        (remaining, reset) = (0, reset.max(retry_after));
    }
    let h = res.headers_mut();
    for (name, value) in [("ratelimit-limit", quota.limit), ("ratelimit-remaining", remaining), ("ratelimit-reset", reset)] {
        h.insert(HeaderName::from_static(name), HeaderValue::from(value.max(0)));
    }
    res
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    pub items: Vec<TokenOut>,
}

/// The caller's API tokens (secrets are never shown again).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "auth", responses((status = 200, body = TokenList), (status = 401, body = Problem)))]
async fn list_tokens(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<TokenList>, ApiError> {
    let items = state.app.list_tokens(&a).await?.iter().map(TokenOut::from).collect();
    Ok(Json(TokenList { items }))
}

#[derive(Deserialize, ToSchema)]
pub struct TokenIn {
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenCreated {
    pub token: TokenOut,
    /// Shown once.
    pub secret: String,
}

/// Create an API token for the caller.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "auth", request_body = TokenIn,
    responses((status = 201, body = TokenCreated), (status = 422, body = Problem)))]
async fn create_token(State(state): State<AppState>, ApiUser(a): ApiUser, Body(b): Body<TokenIn>) -> Result<(StatusCode, Json<TokenCreated>), ApiError> {
    let (t, secret) = state.app.create_token(&a, &b.name).await?;
    Ok((StatusCode::CREATED, Json(TokenCreated { token: TokenOut::from(&t), secret })))
}

/// Revoke one of the caller's tokens.
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "auth", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn revoke_token(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    state.app.revoke_token(&a, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
