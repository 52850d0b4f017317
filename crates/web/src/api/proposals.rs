//! Proposals (提案): list, write, read, edit drafts, every workflow action, bulk assignment.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use eline_app::AppError;
use eline_app::proposals::{AssignInput, DraftInput, ProposalFilter};
use eline_domain::proposal::{Kind, Status};
use eline_domain::{RecordKind, RecordRef};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::proposal_dto::ProposalOut;
use super::{Body, Id, Params, version_of};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

#[derive(Serialize, ToSchema)]
pub struct ProposalRowOut {
    pub id: i64,
    pub version: i64,
    pub number: Option<i64>,
    pub session_id: i64,
    pub title: String,
    pub kind: Kind,
    pub status: Status,
    pub is_key: bool,
    /// 答复期限
    #[schema(format = Date)]
    pub due_on: Option<String>,
    pub proposer_name: Option<String>,
    pub organization_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProposalPage {
    pub items: Vec<ProposalRowOut>,
    pub next_cursor: Option<String>,
}

pub fn router() -> OpenApiRouter<AppState> {
    let r = OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(export))
        .routes(routes!(assign_many))
        .routes(routes!(get_one, patch, delete_draft))
        .routes(routes!(upload))
        .routes(routes!(download));
    actions::routes(r)
}

/// The list the filter picks (the same rows `GET /api/v1/proposals` pages through, every page)
/// as an XLSX file: numbers and dates as Excel numbers and dates, the header frozen; named after
/// the session when the filter names one. More than 50,000 rows: 422, narrow the filter.
#[utoipa::path(get, path = "/api/v1/proposals/export", tag = "proposals", params(ProposalFilter),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "XLSX"),
        (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn export(State(state): State<AppState>, ApiUser(a): ApiUser, Params(f): Params<ProposalFilter>) -> Result<axum::response::Response, ApiError> {
    Ok(crate::html::workbook(state.app.export_proposals(&a, &f).await?))
}

/// Proposals the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "proposals", params(ProposalFilter),
    responses((status = 200, body = ProposalPage), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn list(State(state): State<AppState>, ApiUser(a): ApiUser, Params(f): Params<ProposalFilter>) -> Result<Json<ProposalPage>, ApiError> {
    let page = state.app.list_proposals(&a, &f).await?;
    Ok(Json(ProposalPage {
        items: page
            .items
            .into_iter()
            .map(|r| ProposalRowOut {
                id: r.id,
                version: r.version,
                number: r.number,
                session_id: r.session_id,
                title: r.title,
                kind: r.kind,
                status: r.status,
                is_key: r.is_key,
                due_on: r.due_on,
                proposer_name: r.proposer_name,
                organization_name: r.organization_name,
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// A draft as written (POST) or changed (PATCH: only the fields to change, with `version`).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "title": "关于加强社区养老服务设施建设的提案",
    "body": "近年来我市老龄化程度不断加深，社区养老服务设施供给不足、分布不均。\n为此建议：一是统筹规划社区养老服务用房；二是加大财政投入；三是鼓励社会力量参与运营。",
    "kind": "joint",
    "cosigner_ids": [12, 17],
    "category": "社会建设",
    "occasion": "plenary",
    "suggested_unit_ids": [3],
    "publish_consent": true
}))]
pub struct ProposalIn {
    /// 案由 (the committee's rules limit its length).
    pub title: String,
    /// 正文
    pub body: String,
    /// individual (default) | joint | collective
    #[schema(value_type = Option<Kind>)]
    pub kind: Option<String>,
    /// Joint: the co-signing members.
    pub cosigner_ids: Option<Vec<i64>>,
    /// Collective (office staff): the submitting organisation.
    pub organization_id: Option<i64>,
    /// Defaults to the latest session.
    pub session_id: Option<i64>,
    /// 提案分类: one of the committee's categories (default 经济建设, 政治建设, 文化建设, 社会建设,
    /// 生态文明建设, 其他).
    pub category: Option<String>,
    /// plenary (大会提案) | regular (平时提案)
    #[schema(value_type = Option<eline_domain::proposal::Occasion>)]
    pub occasion: Option<String>,
    /// 建议承办单位: up to 5 units of the directory.
    pub suggested_unit_ids: Option<Vec<i64>>,
    /// 公开意愿: whether the proposer agrees to publication.
    pub publish_consent: Option<bool>,
    /// PATCH only (or If-Match).
    pub version: Option<i64>,
}

impl From<ProposalIn> for DraftInput {
    fn from(b: ProposalIn) -> Self {
        DraftInput {
            title: b.title,
            body: b.body,
            kind: b.kind,
            cosigner_ids: b.cosigner_ids.unwrap_or_default(),
            organization_id: b.organization_id,
            session_id: b.session_id,
            category: b.category,
            occasion: b.occasion,
            suggested_unit_ids: b.suggested_unit_ids.unwrap_or_default(),
            publish_consent: b.publish_consent,
        }
    }
}

/// Save a new draft (members: individual/joint; office: collective).
#[utoipa::path(post, path = "/api/v1/proposals", tag = "proposals", request_body = ProposalIn,
    responses((status = 201, body = ProposalOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(State(state): State<AppState>, ApiUser(a): ApiUser, Body(b): Body<ProposalIn>) -> Result<(StatusCode, Json<ProposalOut>), ApiError> {
    let p = state.app.create_proposal(&a, &b.into()).await?;
    Ok((StatusCode::CREATED, Json(state.app.get_proposal(&a, p.id).await?.into())))
}

/// One proposal with its timeline and the caller's allowed actions.
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "proposals", params(("id" = i64, Path)),
    responses((status = 200, body = ProposalOut), (status = 404, body = Problem)))]
async fn get_one(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<ProposalOut>, ApiError> {
    Ok(Json(state.app.get_proposal(&a, id).await?.into()))
}

/// Edit a draft (its proposer); carries `version` (or If-Match).
#[utoipa::path(patch, path = "/api/v1/proposals/{id}", tag = "proposals", params(("id" = i64, Path)), request_body = ProposalIn,
    responses((status = 200, body = ProposalOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<serde_json::Value>,
) -> Result<Json<ProposalOut>, ApiError> {
    let version = version_of(&headers, b.get("version").and_then(|v| v.as_i64()))?;
    let cur = state.app.get_proposal(&a, id).await?;
    let base = serde_json::json!({
        "title": cur.proposal.title,
        "body": cur.proposal.body,
        "cosigner_ids": cur.cosigners.iter().map(|c| c.member_id).collect::<Vec<_>>(),
        "organization_id": cur.proposal.organization_id,
        "category": cur.proposal.category,
        "occasion": cur.proposal.occasion,
        "suggested_unit_ids": cur.suggested_units.iter().map(|(u, _)| *u).collect::<Vec<_>>(),
        "publish_consent": cur.proposal.publish_consent,
    });
    let fields = ["title", "body", "cosigner_ids", "organization_id", "category", "occasion", "suggested_unit_ids", "publish_consent"];
    let merged = super::merge_patch(base, &b, &fields)?;
    let input: ProposalIn = super::from_json(merged)?;
    state.app.update_draft(&a, id, version, &input.into()).await?;
    Ok(Json(state.app.get_proposal(&a, id).await?.into()))
}

/// Delete one of the caller's own drafts (删除草稿): with its files and co-signer invitations;
/// the audit log keeps its last text. A submitted proposal is withdrawn instead. `If-Match`
/// (the version or ETag read) guards against deleting a draft changed elsewhere.
#[utoipa::path(delete, path = "/api/v1/proposals/{id}", tag = "proposals", params(("id" = i64, Path)),
    responses((status = 204, description = "删除了"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn delete_draft(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id, headers: HeaderMap) -> Result<StatusCode, ApiError> {
    let version = super::header_version(&headers)?;
    state.app.delete_draft(&a, id, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct BulkAssignIn {
    /// The proposals to assign (each must be filed); optional versions in the same order.
    pub ids: Vec<i64>,
    pub versions: Option<Vec<i64>>,
    pub lead_unit_id: Option<i64>,
    pub co_unit_ids: Option<Vec<i64>>,
    pub split_unit_ids: Option<Vec<i64>>,
    pub comment: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BulkAssignOut {
    pub assigned: usize,
}

/// Assign many filed proposals the same way in one transaction: all or none.
#[utoipa::path(post, path = "/api/v1/proposals/assign", tag = "proposals", request_body = BulkAssignIn,
    responses((status = 200, body = BulkAssignOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn assign_many(State(state): State<AppState>, ApiUser(a): ApiUser, Body(b): Body<BulkAssignIn>) -> Result<Json<BulkAssignOut>, ApiError> {
    if let Some(v) = &b.versions
        && v.len() != b.ids.len()
    {
        return Err(AppError::field("versions", "versions 的个数应与 ids 相同").into());
    }
    let items: Vec<(i64, Option<i64>)> = b.ids.iter().enumerate().map(|(i, id)| (*id, b.versions.as_ref().map(|v| v[i]))).collect();
    let input = AssignInput {
        lead_unit_id: b.lead_unit_id,
        co_unit_ids: b.co_unit_ids.unwrap_or_default(),
        split_unit_ids: b.split_unit_ids.unwrap_or_default(),
        comment: b.comment,
        version: None,
    };
    let n = state.app.assign_many(&a, &items, &input).await?;
    Ok(Json(BulkAssignOut { assigned: n }))
}

mod actions {
    //! One documented route per workflow action, each with its typed request body (the list is
    //! `eline_app::proposal_actions!`).
    use axum::extract::State;
    use axum::http::HeaderMap;
    use eline_app::proposals::*;

    use super::*;

    macro_rules! action_routes {
        ($($name:ident: $act:ident => $input:ident,)*) => {
            $(
                #[utoipa::path(post, path = concat!("/api/v1/proposals/{id}/", stringify!($name)), tag = "proposals", params(("id" = i64, Path)),
                    request_body = $input,
                    responses((status = 200, body = ProposalOut, description = "the proposal after the action"),
                        (status = 409, body = Problem, description = "invalid_transition or version_conflict")))]
                async fn $name(
                    State(state): State<AppState>,
                    ApiUser(a): ApiUser,
                    Id(id): Id,
                    headers: HeaderMap,
                    ActionBody(input): ActionBody<$input>,
                ) -> Result<Json<ProposalOut>, ApiError> {
                    let version = action_version(&headers, input.version())?;
                    state.app.act(&a, id, version, ActionInput::$act(input)).await?;
                    Ok(Json(state.app.proposal_after_action(&a, id).await?.into()))
                }
            )*
            pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
                r $( .routes(routes!($name)) )*
            }
        };
    }

    eline_app::proposal_actions!(action_routes);
}

/// The version an action must find: `If-Match`, else the body's `version`; none: not checked.
fn action_version(headers: &HeaderMap, body: Option<i64>) -> Result<Option<i64>, ApiError> {
    if super::header_version(headers)?.is_some() || body.is_some() { Ok(Some(version_of(headers, body)?)) } else { Ok(None) }
}

/// An action's JSON body as its typed input; an empty body is the input's defaults (`submit`
/// needs nothing).
pub struct ActionBody<T>(pub T);

impl<T: serde::de::DeserializeOwned + Default, S: Send + Sync> axum::extract::FromRequest<S> for ActionBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = <axum::body::Bytes as axum::extract::FromRequest<S>>::from_request(req, state).await.map_err(|_| ApiError(AppError::PayloadTooLarge))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(ActionBody(T::default()));
        }
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| super::body_error(&e.to_string()))?;
        if !value.is_object() {
            return Err(AppError::field("body", "请求体应为 JSON 对象，如 {\"version\": 3}").into());
        }
        Ok(ActionBody(super::from_json(value)?))
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PurposeParams {
    /// proposal (proposer, before filing) | reply (an assigned unit) | evaluation (proposer, co-signers, while rating)
    pub purpose: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FileUpload {
    /// PDF, Word, Excel, PNG, JPG or GIF (type checked from the content), at most 20 MB.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: i64,
    pub purpose: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

impl From<eline_storage::attachments::Attachment> for AttachmentOut {
    fn from(f: eline_storage::attachments::Attachment) -> Self {
        AttachmentOut { id: f.id, purpose: f.purpose, file_name: f.file_name, content_type: f.content_type, size: f.size, sha256: f.sha256 }
    }
}

/// Attach a file to a proposal (in one request; phone apps on weak networks may send it in
/// pieces instead: POST /api/v1/uploads, then …/attachments/from-upload).
#[utoipa::path(post, path = "/api/v1/proposals/{id}/attachments", tag = "proposals", params(("id" = i64, Path), PurposeParams),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = AttachmentOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn upload(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    Params(p): Params<PurposeParams>,
    multipart: crate::html::Upload,
) -> Result<(StatusCode, Json<AttachmentOut>), ApiError> {
    super::record_files::upload(&state, &a, RecordRef::proposal(id), &p.purpose, multipart).await
}

/// Download a proposal's file.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/attachments/{file_id}", tag = "proposals", params(("id" = i64, Path), ("file_id" = i64, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 404, body = Problem)))]
async fn download(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    axum::extract::Path(ids): axum::extract::Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    super::record_files::download(&state, &a, RecordKind::PROPOSAL, ids).await
}
