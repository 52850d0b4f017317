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
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginIn {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginOut {
    /// Send as `Authorization: Bearer <token>`; revoke with POST /api/v1/auth/logout.
    pub token: String,
    pub user: UserOut,
}

/// Log in with a username and password; returns a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()), request_body = LoginIn,
    responses((status = 200, body = LoginOut), (status = 422, body = Problem, description = "用户名或密码错误"), (status = 429, body = Problem)))]
async fn login(State(state): State<AppState>, crate::auth::ClientIp(client): crate::auth::ClientIp, Body(body): Body<LoginIn>) -> Response {
    let answer = log_in(&state, &body, &client).await.into_response();
    with_rate_limit(answer, state.app.login_quota(&body.username, &client).await)
}

async fn log_in(state: &AppState, body: &LoginIn, client: &str) -> Result<Json<LoginOut>, ApiError> {
    let done = state.app.login(&body.username, &body.password, client).await?;
    if done.user.must_change_password {
        return Err(ApiError(AppError::field("password", "该账号须先在网页上修改初始密码，之后才能使用接口")));
    }
    let stamp = crate::html::datetime(eline_storage::now_micros());
    let (_, secret) = state.app.create_token(&done.actor, &format!("接口登录 {stamp}")).await?;
    Ok(Json(LoginOut {
        token: secret,
        user: UserOut::from(&done.user, eline_domain::policy::can(&done.actor, eline_domain::policy::Action::ManageUsers, eline_domain::policy::Resource::Any)),
    }))
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
