//! 社情民意 reports and 资政之声 (docs/api.md "社情民意"): list, write, read, edit and delete the
//! author's drafts, every workflow action (one route per name of `eline_app::opinion_actions!`,
//! each with its typed body), the revisions with their diffs, turning a report into a proposal
//! draft, files.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use eline_app::AppError;
use eline_app::opinions::{OpinionDraft, OpinionFilter};
use eline_domain::{RecordKind, RecordRef};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::opinion_dto::{OpinionOut, OpinionPage, RevisionList, RevisionOut, diff_out};
use super::proposals::{ActionBody, AttachmentOut, FileUpload};
use super::{Body, Id, Params, version_of};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    let r = OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, patch, delete_draft))
        .routes(routes!(revisions))
        .routes(routes!(convert_to_proposal))
        .routes(routes!(upload))
        .routes(routes!(download));
    actions::routes(r)
}

/// Reports the caller's list holds (`scope`: all for the office and leaders, mine for authors,
/// published for members), newest first; the office's queues (`queue=opinion|direct`) oldest
/// target first.
#[utoipa::path(get, path = "/api/v1/opinions", tag = "opinions", operation_id = "opinions.list", params(OpinionFilter),
    responses((status = 200, body = OpinionPage), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list(State(state): State<AppState>, ApiUser(a): ApiUser, Params(f): Params<OpinionFilter>) -> Result<Json<OpinionPage>, ApiError> {
    let page = state.app.list_opinions(&a, &f).await?;
    Ok(Json(OpinionPage { items: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}

/// Save a new draft report: members, organisations' accounts and informants as themselves; the
/// information office for a submitter (`submitter_kind`, `submitter_id` or `author_name`).
#[utoipa::path(post, path = "/api/v1/opinions", tag = "opinions", operation_id = "opinions.create", request_body = OpinionDraft,
    responses((status = 201, body = OpinionOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(State(state): State<AppState>, ApiUser(a): ApiUser, Body(b): Body<OpinionDraft>) -> Result<(StatusCode, Json<OpinionOut>), ApiError> {
    let o = state.app.create_opinion(&a, &b).await?;
    Ok((StatusCode::CREATED, Json(state.app.get_opinion(&a, o.id).await?.into())))
}

/// One report with its outcomes at every level, its timeline and the caller's allowed actions.
#[utoipa::path(get, path = "/api/v1/opinions/{id}", tag = "opinions", operation_id = "opinions.get", params(("id" = i64, Path)),
    responses((status = 200, body = OpinionOut), (status = 404, body = Problem)))]
async fn get_one(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<OpinionOut>, ApiError> {
    Ok(Json(state.app.get_opinion(&a, id).await?.into()))
}

/// Edit a draft or a returned report (its author): `title`, `body`, `direct` — only the fields
/// to change, with `version` (or If-Match).
#[utoipa::path(patch, path = "/api/v1/opinions/{id}", tag = "opinions", operation_id = "opinions.patch", params(("id" = i64, Path)),
    request_body = OpinionDraft,
    responses((status = 200, body = OpinionOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
async fn patch(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<serde_json::Value>,
) -> Result<Json<OpinionOut>, ApiError> {
    let version = version_of(&headers, b.get("version").and_then(|v| v.as_i64()))?;
    let cur = state.app.get_opinion(&a, id).await?;
    let base = serde_json::json!({
        "title": cur.o.title,
        "body": cur.o.body,
        "direct": cur.o.channel == eline_domain::opinion::Channel::Direct,
    });
    let merged = super::merge_patch(base, &b, &["title", "body", "direct"])?;
    let input: OpinionDraft = super::from_json(merged)?;
    state.app.update_opinion(&a, id, Some(version), &input).await?;
    Ok(Json(state.app.get_opinion(&a, id).await?.into()))
}

/// Delete one of the caller's own drafts (删除草稿) with its files; the audit log keeps its last
/// text. `If-Match` guards against deleting a draft changed elsewhere.
#[utoipa::path(delete, path = "/api/v1/opinions/{id}", tag = "opinions", operation_id = "opinions.delete", params(("id" = i64, Path)),
    responses((status = 204, description = "删除了"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn delete_draft(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id, headers: HeaderMap) -> Result<StatusCode, ApiError> {
    let version = super::header_version(&headers)?;
    state.app.delete_opinion(&a, id, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The kept revisions of a report's title and text, oldest first, each with its inline diff
/// against the one before (for those who see the whole report).
#[utoipa::path(get, path = "/api/v1/opinions/{id}/revisions", tag = "opinions", operation_id = "opinions.revisions", params(("id" = i64, Path)),
    responses((status = 200, body = RevisionList), (status = 404, body = Problem)))]
async fn revisions(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<RevisionList>, ApiError> {
    let v = state.app.get_opinion(&a, id).await?;
    if v.access != eline_domain::Access::Full {
        return Err(AppError::NotFound.into());
    }
    let items = v
        .revisions
        .into_iter()
        .map(|r| RevisionOut {
            number: r.r.number,
            title: r.r.title,
            body: r.r.body,
            editor_name: r.r.editor_name,
            note: r.r.note,
            at: super::dto::ts(r.r.at),
            title_diff: diff_out(r.title_diff),
            body_diff: diff_out(r.body_diff),
        })
        .collect();
    Ok(Json(RevisionList { items }))
}

/// The proposal draft a report became.
#[derive(Serialize, ToSchema)]
pub struct ConvertedOut {
    pub proposal_id: i64,
    /// e.g. /api/v1/proposals/42
    pub url: String,
}

/// Turn the caller's own report into a proposal draft (a member's report, once): both records
/// show the link ("转为" / "转自").
#[utoipa::path(post, path = "/api/v1/opinions/{id}/convert_to_proposal", tag = "opinions", operation_id = "opinions.convert_to_proposal",
    params(("id" = i64, Path)),
    responses((status = 201, body = ConvertedOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn convert_to_proposal(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<(StatusCode, Json<ConvertedOut>), ApiError> {
    let p = state.app.convert_opinion_to_proposal(&a, id).await?;
    Ok((StatusCode::CREATED, Json(ConvertedOut { proposal_id: p.id, url: format!("/api/v1/proposals/{}", p.id) })))
}

mod actions {
    //! One documented route per report action, each with its typed request body (the list is
    //! `eline_app::opinion_actions!`). The handlers are named after their input types, as
    //! `return` cannot name a function.
    use axum::extract::State;
    use axum::http::HeaderMap;
    use eline_app::opinions::*;

    use super::*;

    macro_rules! action_routes {
        ($($name:ident: $act:ident => $input:ident,)*) => {
            $(
                #[utoipa::path(post, path = concat!("/api/v1/opinions/{id}/", stringify!($name)), tag = "opinions",
                    operation_id = concat!("opinions.", stringify!($name)), params(("id" = i64, Path)),
                    request_body = $input,
                    responses((status = 200, body = OpinionOut, description = "the report after the action"),
                        (status = 403, body = Problem), (status = 404, body = Problem),
                        (status = 409, body = Problem, description = "invalid_transition or version_conflict"),
                        (status = 422, body = Problem)))]
                #[allow(non_snake_case)]
                async fn $input(
                    State(state): State<AppState>,
                    ApiUser(a): ApiUser,
                    Id(id): Id,
                    headers: HeaderMap,
                    ActionBody(input): ActionBody<$input>,
                ) -> Result<Json<OpinionOut>, ApiError> {
                    let version = if super::super::header_version(&headers)?.is_some() || input.version.is_some() {
                        Some(version_of(&headers, input.version)?)
                    } else {
                        None
                    };
                    state.app.opinion_act(&a, id, version, OpinionAction::$act(input)).await?;
                    Ok(Json(state.app.get_opinion(&a, id).await?.into()))
                }
            )*
            pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
                r $( .routes(routes!($input)) )*
            }
        };
    }

    eline_app::opinion_actions!(action_routes);
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MaterialParams {
    /// material (附件材料: the author, while the report is a draft or returned)
    pub purpose: String,
}

/// Attach a file to a report (`purpose=material`: the author, while the report is theirs to edit).
#[utoipa::path(post, path = "/api/v1/opinions/{id}/attachments", tag = "opinions", operation_id = "opinions.upload",
    params(("id" = i64, Path), MaterialParams),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = AttachmentOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 422, body = Problem)))]
async fn upload(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    Params(p): Params<MaterialParams>,
    multipart: crate::html::Upload,
) -> Result<(StatusCode, Json<AttachmentOut>), ApiError> {
    super::record_files::upload(&state, &a, RecordRef::new(RecordKind::OPINION, id), &p.purpose, multipart).await
}

/// Download a report's file (those who see the whole report).
#[utoipa::path(get, path = "/api/v1/opinions/{id}/attachments/{file_id}", tag = "opinions", operation_id = "opinions.download",
    params(("id" = i64, Path), ("file_id" = i64, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 404, body = Problem)))]
async fn download(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    axum::extract::Path(ids): axum::extract::Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    super::record_files::download(&state, &a, RecordKind::OPINION, ids).await
}
