//! Reference data: /api/v1/{sectors|committees|organizations|units|work-stations} and /api/v1/sessions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use eline_app::AppError;
use eline_app::directory::{DirectoryInput, SessionInput};
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource, can};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{DirectoryCategory, DirectoryOut, DirectoryPage, ListParams, SessionOut, SessionPage, VersionIn};
use super::{Body, Id, Params, from_json, merge_patch, version_of};
use crate::AppState;
use crate::auth::{Allowed, ApiUser, ManageDirectory};
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sessions, create_session))
        .routes(routes!(get_session, patch_session))
        .routes(routes!(archive_session))
        .routes(routes!(restore_session))
        .routes(routes!(list, create))
        .routes(routes!(get_one, patch))
        .routes(routes!(archive))
        .routes(routes!(restore))
}

fn kind_of(slug: &str) -> Result<DirectoryKind, ApiError> {
    DirectoryKind::from_slug(slug).ok_or(ApiError(AppError::NotFound))
}

/// The path's `{kind}`, known — checked before the caller's role and the body are, so that a
/// request to a collection that does not exist is 404 whoever sends it and whatever it carries.
pub struct KnownKind(pub DirectoryKind);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for KnownKind {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state).await.map_err(|_| ApiError(AppError::NotFound))?;
        params.iter().find(|(k, _)| k == "kind").and_then(|(_, v)| DirectoryKind::from_slug(v)).map(KnownKind).ok_or(ApiError(AppError::NotFound))
    }
}

fn manager(a: &eline_domain::Actor) -> bool {
    can(a, Action::ManageDirectory, Resource::Any)
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"name": "清河市民政局", "category": "government", "note": "0512-12345678", "sort_order": 10}))]
pub struct DirectoryIn {
    pub name: String,
    /// organizations: party | people | other; units: government | judicial | enterprise | other
    /// (required for those two kinds; the others have none).
    #[schema(value_type = Option<DirectoryCategory>)]
    pub category: Option<String>,
    /// work-stations: town; units: phone
    pub note: Option<String>,
    pub sort_order: Option<i64>,
}

/// List reference records of a kind in display order.
#[utoipa::path(get, path = "/api/v1/{kind}", tag = "directory",
    params(("kind" = String, Path, description = "sectors | committees | organizations | units | work-stations"), ListParams),
    responses((status = 200, body = DirectoryPage), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Path(slug): Path<String>,
    Params(p): Params<ListParams>,
) -> Result<Json<DirectoryPage>, ApiError> {
    let kind = kind_of(&slug)?;
    let page = state.app.list_directory(&a, kind, p.include_archived, p.cursor.as_deref(), eline_app::limit(p.limit)?).await?;
    let m = manager(&a);
    Ok(Json(DirectoryPage { items: page.items.iter().map(|e| DirectoryOut::from(kind, e, m)).collect(), next_cursor: page.next_cursor }))
}

/// Create a reference record (office staff).
#[utoipa::path(post, path = "/api/v1/{kind}", tag = "directory",
    params(("kind" = String, Path, description = "sectors | committees | organizations | units | work-stations")), request_body = DirectoryIn,
    responses((status = 201, body = DirectoryOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(
    State(state): State<AppState>,
    KnownKind(kind): KnownKind,
    Allowed(a, _): Allowed<ManageDirectory>,
    Body(b): Body<DirectoryIn>,
) -> Result<(StatusCode, Json<DirectoryOut>), ApiError> {
    let input = DirectoryInput { name: b.name, category: b.category, note: b.note, sort_order: b.sort_order, version: None };
    let e = state.app.create_directory(&a, kind, &input).await?;
    Ok((StatusCode::CREATED, Json(DirectoryOut::from(kind, &e, true))))
}

/// One reference record.
#[utoipa::path(get, path = "/api/v1/{kind}/{id}", tag = "directory",
    params(("kind" = String, Path, description = "sectors | committees | organizations | units | work-stations"), ("id" = i64, Path)),
    responses((status = 200, body = DirectoryOut), (status = 404, body = Problem)))]
async fn get_one(State(state): State<AppState>, ApiUser(a): ApiUser, Path((slug, id)): Path<(String, String)>) -> Result<Json<DirectoryOut>, ApiError> {
    let kind = kind_of(&slug)?;
    let id: i64 = id.parse().map_err(|_| ApiError(AppError::NotFound))?;
    let e = state.app.get_directory(&a, kind, id).await?;
    Ok(Json(DirectoryOut::from(kind, &e, manager(&a))))
}

/// Change a reference record; carries `version` (or If-Match).
#[utoipa::path(patch, path = "/api/v1/{kind}/{id}", tag = "directory",
    params(("kind" = String, Path, description = "sectors | committees | organizations | units | work-stations"), ("id" = i64, Path)), request_body = DirectoryIn,
    responses((status = 200, body = DirectoryOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch(
    State(state): State<AppState>,
    KnownKind(kind): KnownKind,
    Allowed(a, _): Allowed<ManageDirectory>,
    Path((_slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    Body(b): Body<serde_json::Value>,
) -> Result<Json<DirectoryOut>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError(AppError::NotFound))?;
    let version = version_of(&headers, b.get("version").and_then(|v| v.as_i64()))?;
    let cur = state.app.get_directory(&a, kind, id).await?;
    let base = serde_json::json!({"name": cur.name, "category": cur.category, "note": cur.note, "sort_order": cur.sort_order});
    let mut merged = merge_patch(base, &b, &["name", "category", "note", "sort_order"])?;
    merged["version"] = version.into();
    let input: DirectoryInput = from_json(merged)?;
    let e = state.app.update_directory(&a, kind, id, &input).await?;
    Ok(Json(DirectoryOut::from(kind, &e, true)))
}

async fn set_archived(
    state: AppState,
    a: eline_domain::Actor,
    slug: String,
    id: String,
    headers: HeaderMap,
    body_version: Option<i64>,
    archived: bool,
) -> Result<Json<DirectoryOut>, ApiError> {
    let kind = kind_of(&slug)?;
    let id: i64 = id.parse().map_err(|_| ApiError(AppError::NotFound))?;
    let version = version_of(&headers, body_version)?;
    let e = state.app.archive_directory(&a, kind, id, Some(version), archived).await?;
    Ok(Json(DirectoryOut::from(kind, &e, true)))
}

/// Archive a reference record (it stays in history; restore brings it back).
#[utoipa::path(post, path = "/api/v1/{kind}/{id}/archive", tag = "directory",
    params(("kind" = String, Path), ("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = DirectoryOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn archive(
    State(state): State<AppState>,
    KnownKind(_kind): KnownKind,
    ApiUser(a): ApiUser,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<DirectoryOut>, ApiError> {
    set_archived(state, a, slug, id, headers, super::optional_version(&body)?, true).await
}

/// Restore an archived reference record.
#[utoipa::path(post, path = "/api/v1/{kind}/{id}/restore", tag = "directory",
    params(("kind" = String, Path), ("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = DirectoryOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn restore(
    State(state): State<AppState>,
    KnownKind(_kind): KnownKind,
    ApiUser(a): ApiUser,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<DirectoryOut>, ApiError> {
    set_archived(state, a, slug, id, headers, super::optional_version(&body)?, false).await
}

// ---- sessions ----

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"term_number": 13, "session_number": 5, "year": 2027, "opens_on": "2027-01-12"}))]
pub struct SessionIn {
    pub term_number: i64,
    pub session_number: i64,
    pub year: i64,
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub opens_on: Option<String>,
}

/// Sessions (届次会议), newest first.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "directory", params(ListParams), responses((status = 200, body = SessionPage), (status = 401, body = Problem)))]
async fn list_sessions(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<ListParams>) -> Result<Json<SessionPage>, ApiError> {
    let page = state.app.list_sessions(&a, p.include_archived, p.cursor.as_deref(), eline_app::limit(p.limit)?).await?;
    let m = manager(&a);
    Ok(Json(SessionPage { items: page.items.iter().map(|s| SessionOut::from(s, m)).collect(), next_cursor: page.next_cursor }))
}

/// Create a session.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "directory", request_body = SessionIn,
    responses((status = 201, body = SessionOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_session(
    State(state): State<AppState>,
    Allowed(a, _): Allowed<ManageDirectory>,
    Body(b): Body<SessionIn>,
) -> Result<(StatusCode, Json<SessionOut>), ApiError> {
    let input =
        SessionInput { term_number: Some(b.term_number), session_number: Some(b.session_number), year: Some(b.year), opens_on: b.opens_on, version: None };
    let s = state.app.create_session(&a, &input).await?;
    Ok((StatusCode::CREATED, Json(SessionOut::from(&s, true))))
}

/// One session.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "directory", params(("id" = i64, Path)), responses((status = 200, body = SessionOut), (status = 404, body = Problem)))]
async fn get_session(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<SessionOut>, ApiError> {
    Ok(Json(SessionOut::from(&state.app.get_session(&a, id).await?, manager(&a))))
}

/// Change a session; carries `version` (or If-Match).
#[utoipa::path(patch, path = "/api/v1/sessions/{id}", tag = "directory", params(("id" = i64, Path)), request_body = SessionIn,
    responses((status = 200, body = SessionOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_session(
    State(state): State<AppState>,
    Allowed(a, _): Allowed<ManageDirectory>,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<serde_json::Value>,
) -> Result<Json<SessionOut>, ApiError> {
    let version = version_of(&headers, b.get("version").and_then(|v| v.as_i64()))?;
    let cur = state.app.get_session(&a, id).await?;
    let base = serde_json::json!({"term_number": cur.term_number, "session_number": cur.session_number, "year": cur.year, "opens_on": cur.opens_on});
    let mut merged = merge_patch(base, &b, &["term_number", "session_number", "year", "opens_on"])?;
    merged["version"] = version.into();
    let input: SessionInput = from_json(merged)?;
    Ok(Json(SessionOut::from(&state.app.update_session(&a, id, &input).await?, true)))
}

/// Archive a session.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/archive", tag = "directory", params(("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = SessionOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn archive_session(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<SessionOut>, ApiError> {
    let version = version_of(&headers, super::optional_version(&body)?)?;
    Ok(Json(SessionOut::from(&state.app.archive_session(&a, id, Some(version), true).await?, true)))
}

/// Restore an archived session.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/restore", tag = "directory", params(("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = SessionOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn restore_session(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<SessionOut>, ApiError> {
    let version = version_of(&headers, super::optional_version(&body)?)?;
    Ok(Json(SessionOut::from(&state.app.archive_session(&a, id, Some(version), false).await?, true)))
}
