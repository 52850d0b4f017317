//! Leaders' instructions (领导批示) on records of any kind: the list with its filters, one
//! instruction, recording one, its follow-ups, the XLSX export (`eline_app::instructions`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use eline_app::instructions::{InstructionFilter, InstructionFollowUpInput, InstructionInput, InstructionView};
use eline_domain::opinion::Level;
use eline_storage::instructions::FollowUpRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::ts;
use super::{Body, Id, Params};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(export)).routes(routes!(get_one)).routes(routes!(follow_up))
}

/// 记录领导批示: the record instructed on and the instruction.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"record_kind": "proposal", "record_id": 12, "leader_name": "张明", "leader_post": "市长", "rank": "city",
    "given_on": "2026-11-20", "gist": "请市住建局牵头研究，抓好落实。"}))]
pub struct InstructionIn {
    /// The kind of record: proposal | opinion | bulletin | … (the registered kinds).
    pub record_kind: String,
    pub record_id: i64,
    #[serde(flatten)]
    pub fields: InstructionInput,
}

/// What an instruction set in motion.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpOut {
    pub id: i64,
    /// YYYY-MM-DD
    pub done_on: String,
    pub by_whom: String,
    pub what: String,
    #[schema(format = DateTime)]
    pub recorded_at: String,
}

impl From<FollowUpRow> for FollowUpOut {
    fn from(f: FollowUpRow) -> Self {
        FollowUpOut { id: f.id, done_on: f.done_on, by_whom: f.by_whom, what: f.what, recorded_at: ts(f.recorded_at) }
    }
}

/// An instruction with the record it is on and its follow-ups.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstructionOut {
    pub id: i64,
    pub version: i64,
    pub record_kind: String,
    pub record_id: i64,
    /// The record's kind label (提案), title and page.
    pub record_label: &'static str,
    pub record_title: String,
    pub record_url: Option<String>,
    /// On a bulletin issue: the report of the issue it singles out, and its title.
    pub item_opinion_id: Option<i64>,
    pub item_title: Option<String>,
    pub leader_name: String,
    pub leader_post: String,
    pub rank: Level,
    /// YYYY-MM-DD
    pub given_on: String,
    pub gist: String,
    pub followups: Vec<FollowUpOut>,
    /// What the caller may do: follow_up.
    pub allowed_actions: Vec<&'static str>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<InstructionView> for InstructionOut {
    fn from(v: InstructionView) -> Self {
        let i = v.instruction;
        InstructionOut {
            id: i.id,
            version: i.version,
            record_kind: i.record_kind,
            record_id: i.record_id,
            record_label: v.record_label,
            record_title: v.record_title,
            record_url: v.record_url,
            item_opinion_id: i.item_opinion_id,
            item_title: i.item_title,
            leader_name: i.leader_name,
            leader_post: i.leader_post,
            rank: i.rank,
            given_on: i.given_on,
            gist: i.gist,
            followups: v.followups.into_iter().map(FollowUpOut::from).collect(),
            allowed_actions: if v.may_follow_up { vec!["follow_up"] } else { vec![] },
            created_at: ts(i.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InstructionPage {
    pub items: Vec<InstructionOut>,
    pub next_cursor: Option<String>,
}

/// Instructions, newest first: all of them for the office and leaders (filters: year, rank,
/// record kind); one record's (`record=proposal:12`) for whoever sees that record whole.
#[utoipa::path(get, path = "/api/v1/instructions", tag = "instructions", params(InstructionFilter),
    responses((status = 200, body = InstructionPage), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
async fn list(State(state): State<AppState>, ApiUser(a): ApiUser, Params(f): Params<InstructionFilter>) -> Result<Json<InstructionPage>, ApiError> {
    let page = state.app.list_instructions(&a, &f).await?;
    Ok(Json(InstructionPage { items: page.items.into_iter().map(InstructionOut::from).collect(), next_cursor: page.next_cursor }))
}

/// Record a leader's instruction on a record the caller sees whole (the office, leaders); it
/// shows on the record's page and timeline and on its submitters' home pages.
#[utoipa::path(post, path = "/api/v1/instructions", tag = "instructions", request_body = InstructionIn,
    responses((status = 201, body = InstructionOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
async fn create(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Body(b): Body<InstructionIn>,
) -> Result<(StatusCode, HeaderMap, Json<InstructionOut>), ApiError> {
    let record = state.app.record_ref("record_kind", &b.record_kind, b.record_id)?;
    let v = state.app.record_instruction(&a, record, &b.fields).await?;
    let mut headers = HeaderMap::new();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/instructions/{}", v.instruction.id)) {
        headers.insert(header::LOCATION, location);
    }
    Ok((StatusCode::CREATED, headers, Json(v.into())))
}

/// The list the filter picks (every page) as an XLSX file: the office and leaders.
#[utoipa::path(get, path = "/api/v1/instructions/export", tag = "instructions", params(InstructionFilter),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "XLSX"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn export(State(state): State<AppState>, ApiUser(a): ApiUser, Params(f): Params<InstructionFilter>) -> Result<axum::response::Response, ApiError> {
    Ok(crate::html::workbook(state.app.export_instructions(&a, &f).await?))
}

/// One instruction, for whoever sees its record whole.
#[utoipa::path(get, path = "/api/v1/instructions/{id}", tag = "instructions", params(("id" = i64, Path)),
    responses((status = 200, body = InstructionOut), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_one(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<InstructionOut>, ApiError> {
    Ok(Json(state.app.get_instruction(&a, id).await?.into()))
}

/// Add what the instruction set in motion (the office, leaders); `version` is checked when given.
#[utoipa::path(post, path = "/api/v1/instructions/{id}/followups", tag = "instructions", params(("id" = i64, Path)), request_body = InstructionFollowUpInput,
    responses((status = 201, body = FollowUpOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn follow_up(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    Body(mut b): Body<InstructionFollowUpInput>,
) -> Result<(StatusCode, Json<FollowUpOut>), ApiError> {
    b.version = super::header_version(&headers)?.or(b.version);
    Ok((StatusCode::CREATED, Json(state.app.add_followup(&a, id, &b).await?.into())))
}
