//! Bulletin issues (期刊《社情民意》《资政之声》): list by year and series, compile a draft (create,
//! edit, add and remove reports, order and credits), issue it (印发) and record its sends.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use eline_app::AppError;
use eline_app::bulletins::{AddItemInput, BulletinEdit, BulletinFilter, BulletinInput, BulletinView, SendInput};
use eline_domain::opinion::{BulletinForm, BulletinStatus, Channel, RecipientKind};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::ts;
use super::{Body, Id, Params, header_version, version_of};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

/// An issue in a list.
#[derive(Serialize, ToSchema)]
pub struct BulletinRowOut {
    pub id: i64,
    pub version: i64,
    pub series: Channel,
    pub year: i64,
    /// 第N期 once issued; 0 while a draft.
    pub number: i64,
    /// 《社情民意》2026年第3期
    pub label: String,
    pub form: BulletinForm,
    pub status: BulletinStatus,
    pub title: String,
    #[schema(format = Date)]
    pub issued_on: Option<String>,
    /// How many reports it draws on.
    pub items: i64,
}

#[derive(Serialize, ToSchema)]
pub struct BulletinPage {
    pub items: Vec<BulletinRowOut>,
    pub next_cursor: Option<String>,
}

/// A report in an issue, in order, with its credit.
#[derive(Serialize, ToSchema)]
pub struct BulletinItemOut {
    pub opinion_id: i64,
    pub position: i64,
    /// 署名
    pub credit: String,
    pub title: String,
    pub author_name: String,
}

/// A record of the issue sent to a recipient.
#[derive(Serialize, ToSchema)]
pub struct BulletinSendOut {
    pub recipient_kind: RecipientKind,
    pub recipient: String,
    #[schema(format = Date)]
    pub sent_on: String,
    #[schema(format = DateTime)]
    pub recorded_at: String,
}

/// An issue with its reports; for the office also its sends, what is missing to issue it and the
/// number it would get.
#[derive(Serialize, ToSchema)]
pub struct BulletinOut {
    pub id: i64,
    pub version: i64,
    pub series: Channel,
    pub year: i64,
    pub number: i64,
    pub label: String,
    pub form: BulletinForm,
    pub status: BulletinStatus,
    pub title: String,
    pub body: String,
    /// 编发单位
    pub editor_unit: String,
    /// 签发人
    pub signed_off_by: Option<String>,
    #[schema(format = Date)]
    pub issued_on: Option<String>,
    /// 报送
    pub report_to: Option<String>,
    /// 抄送
    pub copy_to: Option<String>,
    pub items: Vec<BulletinItemOut>,
    pub sends: Vec<BulletinSendOut>,
    /// update | add_item | remove_item | issue | send
    pub allowed_actions: Vec<String>,
    /// A draft: the number it gets if issued today.
    pub next_number: Option<i64>,
    /// A draft: what is still missing before it may be issued (field and Chinese message).
    pub missing: Vec<MissingOut>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct MissingOut {
    pub field: String,
    pub message: String,
}

impl From<BulletinView> for BulletinOut {
    fn from(v: BulletinView) -> Self {
        let b = v.b;
        BulletinOut {
            id: b.id,
            version: b.version,
            series: b.series,
            year: b.year,
            number: b.number,
            label: v.label,
            form: b.form,
            status: b.status,
            title: b.title,
            body: b.body,
            editor_unit: b.editor_unit,
            signed_off_by: b.signed_off_by,
            issued_on: b.issued_on,
            report_to: b.report_to,
            copy_to: b.copy_to,
            items: v
                .items
                .into_iter()
                .map(|i| BulletinItemOut { opinion_id: i.opinion_id, position: i.position, credit: i.credit, title: i.title, author_name: i.author_name })
                .collect(),
            sends: v
                .sends
                .into_iter()
                .map(|s| BulletinSendOut { recipient_kind: s.recipient_kind, recipient: s.recipient, sent_on: s.sent_on, recorded_at: ts(s.recorded_at) })
                .collect(),
            allowed_actions: v.actions.iter().map(|a| a.to_string()).collect(),
            next_number: v.next_number,
            missing: v.missing.into_iter().map(|e| MissingOut { field: e.field, message: e.message }).collect(),
            created_at: ts(b.created_at),
            updated_at: ts(b.updated_at),
        }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, patch))
        .routes(routes!(add_item))
        .routes(routes!(remove_item))
        .routes(routes!(issue))
        .routes(routes!(send))
}

/// Issues the caller may read, newest first (year, then number): the office sees drafts too;
/// leaders and members the issued ones; others 403.
#[utoipa::path(get, path = "/api/v1/bulletins", tag = "bulletins", params(BulletinFilter),
    responses((status = 200, body = BulletinPage), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list(State(state): State<AppState>, ApiUser(a): ApiUser, Params(f): Params<BulletinFilter>) -> Result<Json<BulletinPage>, ApiError> {
    let page = state.app.list_bulletins(&a, &f).await?;
    Ok(Json(BulletinPage {
        items: page
            .items
            .into_iter()
            .map(|r| BulletinRowOut {
                id: r.id,
                version: r.version,
                label: eline_domain::bulletin::issue_label(r.series, r.year, r.number),
                series: r.series,
                year: r.year,
                number: r.number,
                form: r.form,
                status: r.status,
                title: r.title,
                issued_on: r.issued_on,
                items: r.items,
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// A new draft issue (the information office). A single issue may name its report
/// (`opinion_id`): its title and edited text are taken when left empty.
#[utoipa::path(post, path = "/api/v1/bulletins", tag = "bulletins", request_body = BulletinInput,
    responses((status = 201, body = BulletinOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(State(state): State<AppState>, ApiUser(a): ApiUser, Body(b): Body<BulletinInput>) -> Result<(StatusCode, Json<BulletinOut>), ApiError> {
    let created = state.app.create_bulletin(&a, &b).await?;
    Ok((StatusCode::CREATED, Json(state.app.get_bulletin(&a, created.id).await?.into())))
}

/// One issue with its reports and the caller's allowed actions.
#[utoipa::path(get, path = "/api/v1/bulletins/{id}", tag = "bulletins", params(("id" = i64, Path)),
    responses((status = 200, body = BulletinOut), (status = 404, body = Problem)))]
async fn get_one(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<BulletinOut>, ApiError> {
    Ok(Json(state.app.get_bulletin(&a, id).await?.into()))
}

/// Change a draft issue: the fields given (an empty text clears an optional line) and, with
/// `items`, the order and credits of all its reports. Carries `version` (or If-Match).
#[utoipa::path(patch, path = "/api/v1/bulletins/{id}", tag = "bulletins", params(("id" = i64, Path)), request_body = BulletinEdit,
    responses((status = 200, body = BulletinOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
async fn patch(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<BulletinEdit>,
) -> Result<Json<BulletinOut>, ApiError> {
    let version = version_of(&headers, b.version)?;
    state.app.update_bulletin(&a, id, Some(version), &b).await?;
    Ok(Json(state.app.get_bulletin(&a, id).await?.into()))
}

/// The version a write must find when it names one: `If-Match`, else the body's; none: not checked.
fn optional_version(headers: &HeaderMap, body: Option<i64>) -> Result<Option<i64>, ApiError> {
    if header_version(headers)?.is_some() || body.is_some() { Ok(Some(version_of(headers, body)?)) } else { Ok(None) }
}

/// Compile an adopted report of the issue's series, in no issue yet, into a draft issue (编入);
/// its credit defaults to the report's author.
#[utoipa::path(post, path = "/api/v1/bulletins/{id}/items", tag = "bulletins", params(("id" = i64, Path)), request_body = AddItemInput,
    responses((status = 200, body = BulletinOut, description = "the issue after the report was added"), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn add_item(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<AddItemInput>,
) -> Result<Json<BulletinOut>, ApiError> {
    let version = optional_version(&headers, b.version)?;
    state.app.add_bulletin_item(&a, id, version, &b).await?;
    Ok(Json(state.app.get_bulletin(&a, id).await?.into()))
}

/// Take a report out of a draft issue (移出; it returns to the picking list). `If-Match`, when
/// given, must name the issue's version.
#[utoipa::path(delete, path = "/api/v1/bulletins/{id}/items/{opinion_id}", tag = "bulletins", params(("id" = i64, Path), ("opinion_id" = i64, Path)),
    responses((status = 200, body = BulletinOut, description = "the issue after the report was removed"), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn remove_item(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    headers: HeaderMap,
    axum::extract::Path((id, opinion_id)): axum::extract::Path<(String, String)>,
) -> Result<Json<BulletinOut>, ApiError> {
    let (Ok(id), Ok(opinion_id)) = (id.parse::<i64>(), opinion_id.parse::<i64>()) else { return Err(ApiError(AppError::NotFound)) };
    let version = header_version(&headers)?;
    state.app.remove_bulletin_item(&a, id, version, opinion_id).await?;
    Ok(Json(state.app.get_bulletin(&a, id).await?.into()))
}

/// Issue a draft (印发): it takes the next number of its series and year (第N期), its reports
/// are published (members may read them) and each report's timeline says where it was printed.
/// Everything missing (text, 签发人, 报送, the reports) is listed at once (422).
#[utoipa::path(post, path = "/api/v1/bulletins/{id}/issue", tag = "bulletins", params(("id" = i64, Path)), request_body = eline_app::bulletins::IssueInput,
    responses((status = 200, body = BulletinOut, description = "the issued issue"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn issue(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    super::proposals::ActionBody(b): super::proposals::ActionBody<eline_app::bulletins::IssueInput>,
) -> Result<Json<BulletinOut>, ApiError> {
    let version = optional_version(&headers, b.version)?;
    state.app.issue_bulletin(&a, id, version).await?;
    Ok(Json(state.app.get_bulletin(&a, id).await?.into()))
}

/// Record that an issued issue was sent to a recipient (party committee, government, parent
/// CPPCC, a department) on a day (default today).
#[utoipa::path(post, path = "/api/v1/bulletins/{id}/sends", tag = "bulletins", params(("id" = i64, Path)), request_body = SendInput,
    responses((status = 201, body = BulletinOut, description = "the issue with the send recorded"), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn send(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<SendInput>,
) -> Result<(StatusCode, Json<BulletinOut>), ApiError> {
    let version = optional_version(&headers, b.version)?;
    state.app.record_bulletin_send(&a, id, version, &b).await?;
    Ok((StatusCode::CREATED, Json(state.app.get_bulletin(&a, id).await?.into())))
}
