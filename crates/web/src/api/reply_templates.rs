//! A handling unit's reply templates.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Body, Id};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(archive))
}

#[derive(Serialize, ToSchema)]
pub struct TemplateOut {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct TemplateList {
    pub items: Vec<TemplateOut>,
}

fn out(t: eline_storage::reply_templates::ReplyTemplate) -> TemplateOut {
    TemplateOut { id: t.id, version: t.version, name: t.name, text: t.text }
}

/// The caller's unit's reply templates.
#[utoipa::path(get, path = "/api/v1/reply-templates", tag = "proposals", operation_id = "reply_templates.list", responses((status = 200, body = TemplateList), (status = 403, body = Problem)))]
async fn list(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<TemplateList>, ApiError> {
    Ok(Json(TemplateList { items: state.app.reply_templates(&a).await?.into_iter().map(out).collect() }))
}

#[derive(Deserialize, ToSchema)]
pub struct TemplateIn {
    pub name: String,
    pub text: String,
}

/// Save a reply template for the caller's unit.
#[utoipa::path(post, path = "/api/v1/reply-templates", tag = "proposals", operation_id = "reply_templates.create", request_body = TemplateIn,
    responses((status = 201, body = TemplateOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(State(state): State<AppState>, ApiUser(a): ApiUser, Body(b): Body<TemplateIn>) -> Result<(StatusCode, Json<TemplateOut>), ApiError> {
    Ok((StatusCode::CREATED, Json(out(state.app.create_reply_template(&a, &b.name, &b.text).await?))))
}

/// Archive one of the unit's templates.
#[utoipa::path(post, path = "/api/v1/reply-templates/{id}/archive", tag = "proposals", operation_id = "reply_templates.archive", params(("id" = i64, Path)),
    responses((status = 200, body = TemplateOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn archive(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<TemplateOut>, ApiError> {
    Ok(Json(out(state.app.archive_reply_template(&a, id).await?)))
}
