//! Members (委员): list, file, create, edit, archive; import and export.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use eline_app::AppError;
use eline_app::members::{ImportOutcome, LISTED_ERRORS, MemberFilter};
use eline_domain::member::MemberInput;
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource, can};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{MemberIn, MemberOut, MemberPage, VersionIn};
use super::{Body, Id, Params, from_json, merge_patch, optional_version, version_of};
use crate::AppState;
use crate::auth::{Allowed, ApiUser, ManageDirectory, ManageMembers};
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(export))
        .routes(routes!(get_one, patch))
        .routes(routes!(archive))
        .routes(routes!(restore))
        .routes(routes!(template))
        .routes(routes!(import))
        .routes(routes!(history_template))
        .routes(routes!(history_import))
}

fn manager(a: &eline_domain::Actor) -> bool {
    can(a, Action::ManageMembers, Resource::Any)
}

/// Members of the committee (office, leaders).
#[utoipa::path(get, path = "/api/v1/members", tag = "members", params(MemberFilter),
    responses((status = 200, body = MemberPage), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn list(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<MemberFilter>) -> Result<Json<MemberPage>, ApiError> {
    let page = state.app.list_members(&a, &p).await?;
    let m = manager(&a);
    Ok(Json(MemberPage { items: page.items.iter().map(|r| MemberOut::from_row(r, m)).collect(), next_cursor: page.next_cursor }))
}

fn input_of(b: MemberIn) -> MemberInput {
    MemberInput {
        name: b.name,
        gender: b.gender,
        birth_year: b.birth_year,
        party: b.party,
        sector_id: b.sector_id,
        work_station_id: b.work_station_id,
        committee_ids: b.committee_ids.unwrap_or_default(),
        roles: b.roles.unwrap_or_default(),
        term_number: b.term_number,
        phone: b.phone,
        email: b.email,
        address: b.address,
        hk_macao: b.hk_macao.unwrap_or(false),
        status: b.status,
    }
}

async fn out(state: &AppState, a: &eline_domain::Actor, id: i64) -> Result<MemberOut, ApiError> {
    let (m, cids) = state.app.get_member(a, id).await?;
    let sector = state.app.get_directory(a, DirectoryKind::Sector, m.sector_id).await.ok().map(|e| e.name);
    Ok(MemberOut::from(&m, cids, sector, manager(a)))
}

/// Add a member (office).
#[utoipa::path(post, path = "/api/v1/members", tag = "members", request_body = MemberIn,
    responses((status = 201, body = MemberOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(
    State(state): State<AppState>,
    Allowed(a, _): Allowed<ManageMembers>,
    Body(b): Body<MemberIn>,
) -> Result<(StatusCode, Json<MemberOut>), ApiError> {
    let m = state.app.create_member(&a, &input_of(b)).await?;
    Ok((StatusCode::CREATED, Json(out(&state, &a, m.id).await?)))
}

/// A member's file (office and leaders: any; a member: their own).
#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "members", params(("id" = i64, Path)),
    responses((status = 200, body = MemberOut), (status = 404, body = Problem)))]
async fn get_one(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<MemberOut>, ApiError> {
    Ok(Json(out(&state, &a, id).await?))
}

const EDITABLE: [&str; 14] = [
    "name",
    "gender",
    "birth_year",
    "party",
    "sector_id",
    "work_station_id",
    "committee_ids",
    "roles",
    "term_number",
    "phone",
    "email",
    "address",
    "hk_macao",
    "status",
];

/// Change a member's file; carries `version` (or If-Match).
#[utoipa::path(patch, path = "/api/v1/members/{id}", tag = "members", params(("id" = i64, Path)), request_body = MemberIn,
    responses((status = 200, body = MemberOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch(
    State(state): State<AppState>,
    Allowed(a, _): Allowed<ManageMembers>,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<serde_json::Value>,
) -> Result<Json<MemberOut>, ApiError> {
    let version = version_of(&headers, b.get("version").and_then(|v| v.as_i64()))?;
    let current = serde_json::to_value(out(&state, &a, id).await?).map_err(|e| AppError::Internal(e.to_string()))?;
    let base =
        serde_json::Value::Object(current.as_object().cloned().unwrap_or_default().into_iter().filter(|(k, _)| EDITABLE.contains(&k.as_str())).collect());
    let merged = merge_patch(base, &b, &EDITABLE)?;
    let input = input_of(from_json::<MemberIn>(merged)?);
    state.app.update_member(&a, id, &input, Some(version)).await?;
    Ok(Json(out(&state, &a, id).await?))
}

/// Archive a member's file (kept for the record).
#[utoipa::path(post, path = "/api/v1/members/{id}/archive", tag = "members", params(("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = MemberOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn archive(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<MemberOut>, ApiError> {
    let version = version_of(&headers, optional_version(&body)?)?;
    state.app.archive_member(&a, id, Some(version), true).await?;
    Ok(Json(out(&state, &a, id).await?))
}

/// Restore an archived member.
#[utoipa::path(post, path = "/api/v1/members/{id}/restore", tag = "members", params(("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = MemberOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn restore(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<MemberOut>, ApiError> {
    let version = version_of(&headers, optional_version(&body)?)?;
    state.app.archive_member(&a, id, Some(version), false).await?;
    Ok(Json(out(&state, &a, id).await?))
}

/// The members matching the filters as an XLSX file: 编号 (the member id), then the import
/// template's columns; imported back, rows with a 编号 update those members.
#[utoipa::path(get, path = "/api/v1/members/export", tag = "members", params(MemberFilter),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "XLSX"), (status = 403, body = Problem)))]
async fn export(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<MemberFilter>) -> Result<Response, ApiError> {
    Ok(crate::html::workbook(state.app.export_members(&a, &p).await?))
}

/// The member import template (XLSX with instructions).
#[utoipa::path(get, path = "/api/v1/imports/members/template", tag = "members",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "XLSX"), (status = 403, body = Problem)))]
async fn template(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Response, ApiError> {
    state.app.require(&a, Action::ManageMembers, Resource::Any).await?;
    Ok(crate::html::members_xlsx("委员导入模板.xlsx", state.app.member_template()?))
}

#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    pub imported: usize,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportUpload {
    /// An .xlsx or UTF-8 .csv file in the template's columns.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
}

/// Import members from an XLSX or CSV file: any bad row imports nothing and the answer lists
/// every problem (`errors[].row`, `errors[].column`, `errors[].message`).
#[utoipa::path(post, path = "/api/v1/imports/members", tag = "members", request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = ImportOut), (status = 422, body = Problem), (status = 403, body = Problem)))]
async fn import(State(state): State<AppState>, Allowed(a, _): Allowed<ManageMembers>, multipart: crate::html::Upload) -> Result<Response, ApiError> {
    let (name, bytes) = crate::html::read_upload(multipart).await?;
    let outcome = state.app.import_members(&a, &name, &bytes).await?;
    import_response(outcome, "委员").await
}

/// 201 {imported} or a 422 problem listing the row errors (the first `LISTED_ERRORS` of them,
/// `total_errors` counting all), with row and column as fields too.
pub(crate) async fn import_response(outcome: ImportOutcome, what: &str) -> Result<Response, ApiError> {
    match outcome {
        ImportOutcome::Imported(n) => Ok((StatusCode::CREATED, Json(ImportOut { imported: n })).into_response()),
        ImportOutcome::Rejected(rows) => {
            let listed = &rows[..rows.len().min(LISTED_ERRORS)];
            let mut detail = format!("文件中有{}处问题，没有导入任何{what}", rows.len());
            if listed.len() < rows.len() {
                detail.push_str(&format!("；以下列出前{}处，请修改后重新上传", listed.len()));
            }
            let errors: Vec<serde_json::Value> = listed
                .iter()
                .map(|r| serde_json::json!({"field": format!("第{}行·{}", r.row, r.column), "message": r.message, "row": r.row, "column": r.column}))
                .collect();
            let body = serde_json::json!({
                "type": "https://eline.invalid/problems/validation_failed",
                "title": "输入有误",
                "status": 422,
                "detail": detail,
                "code": "validation_failed",
                "errors": errors,
                "total_errors": rows.len(),
            });
            Ok((StatusCode::UNPROCESSABLE_ENTITY, [(axum::http::header::CONTENT_TYPE, "application/problem+json")], body.to_string()).into_response())
        }
    }
}

/// The template for importing past sessions' proposals (XLSX with instructions).
#[utoipa::path(get, path = "/api/v1/imports/proposals/template", tag = "proposals",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "XLSX"), (status = 403, body = Problem)))]
async fn history_template(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Response, ApiError> {
    Ok(crate::html::members_xlsx("历史提案导入模板.xlsx", state.app.proposal_history_template(&a)?))
}

/// Import past sessions' proposals from an XLSX or CSV file (office staff): any bad row imports
/// nothing and the answer lists every problem (`errors[].row`, `errors[].column`, `errors[].message`).
#[utoipa::path(post, path = "/api/v1/imports/proposals", tag = "proposals", request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = ImportOut), (status = 422, body = Problem), (status = 403, body = Problem)))]
async fn history_import(State(state): State<AppState>, Allowed(a, _): Allowed<ManageDirectory>, multipart: crate::html::Upload) -> Result<Response, ApiError> {
    let (name, bytes) = crate::html::read_upload(multipart).await?;
    let outcome = state.app.import_proposal_history(&a, &name, &bytes).await?;
    import_response(outcome, "提案").await
}
