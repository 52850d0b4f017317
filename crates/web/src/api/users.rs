//! User accounts (admins) and the audit log.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use eline_app::users::{UserInput, UserUpdate};
use eline_domain::Role;
use eline_storage::audit::Filter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{AuditOut, AuditPage, ListParams, UserOut, UserPage};
use super::{Body, Id, Params, from_json, merge_patch, version_of};
use crate::AppState;
use crate::auth::{Allowed, ApiUser, ManageUsers};
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, patch_user))
        .routes(routes!(reset_password))
        .routes(routes!(revoke_tokens))
        .routes(routes!(list_audit))
}

#[derive(Deserialize, ToSchema)]
pub struct UserIn {
    pub username: String,
    /// At least 8 characters with letters and digits; the user must change it at first login.
    pub password: String,
    pub display_name: String,
    #[schema(value_type = Vec<Role>)]
    pub roles: Vec<String>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// Authorise the account to submit collective proposals for this organisation (党派团体).
    pub organization_id: Option<i64>,
}

/// List the committee's accounts.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(ListParams),
    responses((status = 200, body = UserPage), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn list_users(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<ListParams>) -> Result<Json<UserPage>, ApiError> {
    let page = state.app.list_users(&a, p.cursor.as_deref(), eline_app::limit(p.limit)?).await?;
    Ok(Json(UserPage { items: page.items.iter().map(|u| UserOut::from(u, true)).collect(), next_cursor: page.next_cursor }))
}

/// Create an account.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserIn,
    responses((status = 201, body = UserOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_user(
    State(state): State<AppState>,
    Allowed(a, _): Allowed<ManageUsers>,
    Body(b): Body<UserIn>,
) -> Result<(StatusCode, Json<UserOut>), ApiError> {
    let input = UserInput {
        username: b.username,
        password: b.password,
        display_name: b.display_name,
        roles: b.roles,
        member_id: b.member_id,
        unit_id: b.unit_id,
        organization_id: b.organization_id,
    };
    let u = state.app.create_user(&a, &input, true).await?;
    Ok((StatusCode::CREATED, Json(UserOut::from(&u, true))))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = UserOut), (status = 404, body = Problem)))]
async fn get_user(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<UserOut>, ApiError> {
    Ok(Json(UserOut::from(&state.app.get_user(&a, id).await?, true)))
}

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct UserPatch {
    pub display_name: Option<String>,
    #[schema(value_type = Option<Vec<Role>>)]
    pub roles: Option<Vec<String>>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub active: Option<bool>,
    pub version: Option<i64>,
}

/// Change an account's name, roles, links or active flag. Carries `version` (or If-Match).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserPatch,
    responses((status = 200, body = UserOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_user(
    State(state): State<AppState>,
    Allowed(a, _): Allowed<ManageUsers>,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<serde_json::Value>,
) -> Result<Json<UserOut>, ApiError> {
    let version = version_of(&headers, b.get("version").and_then(|v| v.as_i64()))?;
    let current = state.app.get_user(&a, id).await?;
    let base = serde_json::json!({
        "display_name": current.display_name,
        "roles": eline_domain::Role::parse_list(&current.roles).unwrap_or_default().iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "member_id": current.member_id,
        "unit_id": current.unit_id,
        "organization_id": current.organization_id,
        "active": current.active,
    });
    let mut merged = merge_patch(base, &b, &["display_name", "roles", "member_id", "unit_id", "organization_id", "active"])?;
    merged["version"] = version.into();
    let input: UserUpdate = from_json(merged)?;
    Ok(Json(UserOut::from(&state.app.update_user(&a, id, &input).await?, true)))
}

#[derive(Deserialize, ToSchema)]
pub struct ResetIn {
    pub password: String,
}

/// Set a temporary password; the user must change it at next login.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "users", params(("id" = i64, Path)), request_body = ResetIn,
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn reset_password(
    State(state): State<AppState>,
    Allowed(a, _): Allowed<ManageUsers>,
    Id(id): Id,
    Body(b): Body<ResetIn>,
) -> Result<StatusCode, ApiError> {
    state.app.reset_password(&a, id, &b.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct RevokedOut {
    /// How many live tokens were revoked.
    pub revoked: u64,
}

/// Revoke every API token of a user (e.g. a lost phone). Their browser sessions are not ended
/// (reset the password for that).
#[utoipa::path(post, path = "/api/v1/users/{id}/revoke-tokens", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = RevokedOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn revoke_tokens(State(state): State<AppState>, Allowed(a, _): Allowed<ManageUsers>, Id(id): Id) -> Result<Json<RevokedOut>, ApiError> {
    Ok(Json(RevokedOut { revoked: state.app.revoke_user_tokens(&a, id).await? }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// e.g. create, update, archive, login_failed, permission_denied
    pub action: Option<String>,
    /// e.g. member, user, sectors
    pub target_type: Option<String>,
    pub actor: Option<String>,
}

/// The committee's audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = AuditPage), (status = 404, body = Problem)))]
async fn list_audit(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<AuditParams>) -> Result<Json<AuditPage>, ApiError> {
    let filter = Filter { action: p.action, target_type: p.target_type, actor: p.actor, before_id: None };
    let page = state.app.list_audit(&a, filter, p.cursor.as_deref(), eline_app::limit(p.limit)?).await?;
    Ok(Json(AuditPage { items: page.items.iter().map(AuditOut::from).collect(), next_cursor: page.next_cursor }))
}
