//! Configuration (admins): the working-day calendar and the proposal time limits.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Datelike;
use eline_domain::calendar::{DayKind, DeadlineRules};
use eline_domain::proposal::ProposalRules;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Body, Params};
use crate::AppState;
use crate::auth::{Allowed, ApiUser, ManageSettings};
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(calendar))
        .routes(routes!(set_day, clear_day))
        .routes(routes!(get_deadlines, put_deadlines))
        .routes(routes!(get_rules, put_rules))
        .routes(routes!(get_committee_name, put_committee_name))
}

/// The committee's full official name, as letter headings print it (答复函: "关于<full name>
/// <session>第N号提案的答复").
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"full_name": "中国人民政治协商会议清河市委员会"}))]
pub struct CommitteeNameIo {
    /// Empty or null when written: the heading spells out the committee's name (政协… →
    /// 中国人民政治协商会议…). When read: the name in use.
    pub full_name: Option<String>,
    /// When read: whether it was set (false: spelled out from the name).
    #[serde(default)]
    pub set: bool,
}

/// The committee's full name for letter headings (admins).
#[utoipa::path(get, path = "/api/v1/settings/committee-name", tag = "settings",
    responses((status = 200, body = CommitteeNameIo), (status = 403, body = Problem)))]
async fn get_committee_name(State(state): State<AppState>, Allowed(a, _): Allowed<ManageSettings>) -> Result<Json<CommitteeNameIo>, ApiError> {
    let (in_use, set) = state.app.committee_full_name(&a).await?;
    Ok(Json(CommitteeNameIo { full_name: Some(in_use), set: set.is_some() }))
}

/// Sets the committee's full name for letter headings (admins); at most 60 characters.
#[utoipa::path(put, path = "/api/v1/settings/committee-name", tag = "settings", request_body = CommitteeNameIo,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn put_committee_name(
    State(state): State<AppState>,
    Allowed(a, _): Allowed<ManageSettings>,
    Body(b): Body<CommitteeNameIo>,
) -> Result<StatusCode, ApiError> {
    state.app.set_committee_full_name(&a, b.full_name.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// Default: this year.
    pub year: Option<i32>,
}

fn year(p: &YearParams) -> i32 {
    p.year.unwrap_or_else(|| eline_app::proposals::today().year())
}

#[derive(Serialize, ToSchema)]
pub struct CalendarOut {
    pub year: i32,
    /// Days that differ from Monday–Friday (放假 on a weekday, 调休上班 on a weekend), in date order.
    pub days: Vec<SpecialDayOut>,
    /// The national schedule of this year is derived, not yet checked against the State
    /// Council's notice (国务院办公厅通知).
    pub provisional: bool,
    /// No national schedule is known for this year: only weekends and this committee's changes count.
    pub missing: bool,
}

/// One day of the calendar that differs from the Monday–Friday rule.
// Fields in alphabetical order: the JSON keys' order from before this type, when the days went
// through `serde_json::Value`.
#[derive(Serialize, ToSchema)]
pub struct SpecialDayOut {
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub date: String,
    #[schema(value_type = DayKind)]
    pub kind: &'static str,
    /// Set by this committee (else from the national schedule).
    pub local: bool,
    /// e.g. 春节, 春节调休
    pub name: String,
}

impl From<eline_app::settings::SpecialDay> for SpecialDayOut {
    fn from(d: eline_app::settings::SpecialDay) -> Self {
        SpecialDayOut { date: d.date, kind: d.kind, local: d.local, name: d.name }
    }
}

/// A year's holidays and make-up working days (national schedule plus this committee's changes).
#[utoipa::path(get, path = "/api/v1/calendar", tag = "settings", params(YearParams),
    responses((status = 200, body = CalendarOut), (status = 403, body = Problem)))]
async fn calendar(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<YearParams>) -> Result<Json<CalendarOut>, ApiError> {
    let c = state.app.calendar_year(&a, year(&p)).await?;
    Ok(Json(CalendarOut { year: c.year, days: c.days.into_iter().map(SpecialDayOut::from).collect(), provisional: c.provisional, missing: c.missing }))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"kind": "holiday", "name": "春节"}))]
pub struct DayIn {
    /// holiday (放假) | workday (上班)
    #[schema(value_type = DayKind)]
    pub kind: String,
    /// e.g. 春节, 春节调休
    pub name: String,
}

/// Make a day a holiday or a working day for this committee.
#[utoipa::path(put, path = "/api/v1/calendar/{date}", tag = "settings", params(("date" = String, Path, format = Date, description = "YYYY-MM-DD")), request_body = DayIn,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn set_day(
    State(state): State<AppState>,
    Allowed(a, _): Allowed<ManageSettings>,
    Path(date): Path<String>,
    Body(b): Body<DayIn>,
) -> Result<StatusCode, ApiError> {
    state.app.set_calendar_day(&a, &date, &b.kind, &b.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove this committee's change for a day.
#[utoipa::path(delete, path = "/api/v1/calendar/{date}", tag = "settings", params(("date" = String, Path, format = Date, description = "YYYY-MM-DD")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn clear_day(State(state): State<AppState>, ApiUser(a): ApiUser, Path(date): Path<String>) -> Result<StatusCode, ApiError> {
    state.app.clear_calendar_day(&a, &date).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The proposal time limits in force for a year: each `{unit: working_days|calendar_days|months, n}`.
#[utoipa::path(get, path = "/api/v1/settings/proposal-deadlines", tag = "settings", params(YearParams),
    responses((status = 200, body = DeadlineRules), (status = 403, body = Problem)))]
async fn get_deadlines(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<YearParams>) -> Result<Json<DeadlineRules>, ApiError> {
    Ok(Json(state.app.deadline_rules(&a, year(&p)).await?))
}

/// Set the time limits that apply from a year on (fields left out keep their defaults).
#[utoipa::path(put, path = "/api/v1/settings/proposal-deadlines", tag = "settings", params(YearParams),
    request_body(content = DeadlineRules, example = json!({
        "cosign_window": {"unit": "calendar_days", "n": 3},
        "objection_window": {"unit": "working_days", "n": 7},
        "reply": {"unit": "months", "n": 3},
        "extended_reply": {"unit": "months", "n": 6},
        "co_opinion": {"unit": "months", "n": 1},
        "evaluation_window": {"unit": "working_days", "n": 15},
        "rehandling": {"unit": "months", "n": 3}
    })),
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn put_deadlines(
    State(state): State<AppState>,
    Allowed(a, _): Allowed<ManageSettings>,
    Params(p): Params<YearParams>,
    Body(b): Body<DeadlineRules>,
) -> Result<StatusCode, ApiError> {
    state.app.set_deadline_rules(&a, year(&p), &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The proposal rules in force for a year: reply classes, rejection reasons, text limits.
#[utoipa::path(get, path = "/api/v1/settings/proposal-rules", tag = "settings", params(YearParams),
    responses((status = 200, body = ProposalRules), (status = 403, body = Problem)))]
async fn get_rules(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<YearParams>) -> Result<Json<ProposalRules>, ApiError> {
    Ok(Json(state.app.proposal_rules(&a, year(&p)).await?))
}

/// Set the proposal rules that apply from a year on (2–6 reply classes with codes like A, B, C;
/// 1–30 rejection reasons; title and body limits).
#[utoipa::path(put, path = "/api/v1/settings/proposal-rules", tag = "settings", params(YearParams), request_body = ProposalRules,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn put_rules(
    State(state): State<AppState>,
    Allowed(a, _): Allowed<ManageSettings>,
    Params(p): Params<YearParams>,
    Body(b): Body<ProposalRules>,
) -> Result<StatusCode, ApiError> {
    state.app.set_proposal_rules(&a, year(&p), &b).await?;
    Ok(StatusCode::NO_CONTENT)
}
