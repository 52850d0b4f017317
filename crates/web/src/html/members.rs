//! Member pages: list with filters, file, create/edit/archive, import and export.

use super::PagePath;
use super::PageQuery;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use eline_app::members::{ImportOutcome, LISTED_ERRORS, MemberFilter, RowError};
use eline_app::{AppError, Page};
use eline_domain::member::{GENDERS, MemberInput, MemberStatus, PARTIES, POSITIONS, gender_label, position_label};
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource, can};
use eline_storage::directory::Entry;
use eline_storage::members::{Member, MemberRow};

use super::{Errors, FormData, Layout, flash, form_errors, render, render_invalid};
use crate::AppState;
use crate::auth::{ManageMembers, PageAllowed, PageUser};
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/members", get(list).post(create))
        .route("/members/new", get(new_form))
        .route("/members/import", get(import_page).post(import_submit))
        .route("/members/import/template.xlsx", get(template))
        .route("/members/export.xlsx", get(export))
        .route("/members/{id}", get(detail))
        .route("/members/{id}/edit", get(edit_form).post(update))
        .route("/members/{id}/archive", post(archive))
        .route("/members/{id}/restore", post(restore))
}

/// Names of the choices a member form and filter offer.
struct Choices {
    sectors: Vec<Entry>,
    stations: Vec<Entry>,
    committees: Vec<Entry>,
}

async fn choices(state: &AppState, user: &PageUser) -> Result<Choices, PageError> {
    Ok(Choices {
        sectors: state.app.directory_choices(&user.actor, DirectoryKind::Sector).await?,
        stations: state.app.directory_choices(&user.actor, DirectoryKind::WorkStation).await?,
        committees: state.app.directory_choices(&user.actor, DirectoryKind::SpecialCommittee).await?,
    })
}

#[derive(Template)]
#[template(path = "members_list.html")]
struct ListPage {
    l: Layout,
    page: Page<MemberRow>,
    q: MemberFilter,
    qs: String,
    ch: Choices,
    can_manage: bool,
}

impl ListPage {
    fn sector_is(&self, id: &i64) -> bool {
        self.q.sector_id == Some(*id)
    }
    fn station_is(&self, id: &i64) -> bool {
        self.q.work_station_id == Some(*id)
    }
    fn committee_is(&self, id: &i64) -> bool {
        self.q.committee_id == Some(*id)
    }
}

/// The filter's query string from the first page (paging and export links).
fn query_string(q: &MemberFilter) -> String {
    serde_urlencoded::to_string(MemberFilter { cursor: None, limit: None, ..q.clone() }).unwrap_or_default()
}

fn positions_text(roles: &str) -> String {
    roles.split(',').filter(|r| *r != "member").map(position_label).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("、")
}

async fn list(State(state): State<AppState>, user: PageUser, PageQuery(q): PageQuery<MemberFilter>) -> Result<Response, PageError> {
    let page = state.app.list_members(&user.actor, &q).await?;
    let ch = choices(&state, &user).await?;
    let l = Layout::page(&state, &user, "/members", "委员", &[]).await?;
    let can_manage = can(&user.actor, Action::ManageMembers, Resource::Any);
    let qs = query_string(&q);
    Ok(render(&ListPage { l, page, q, qs, ch, can_manage }))
}

#[derive(Template)]
#[template(path = "member_detail.html")]
struct DetailPage {
    l: Layout,
    m: Member,
    sector: String,
    station: String,
    committees: Vec<String>,
    can_manage: bool,
}

async fn detail(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let (m, committee_ids) = state.app.get_member(&user.actor, id).await?;
    let ch = choices(&state, &user).await?;
    let name_of = |list: &[Entry], id: Option<i64>| list.iter().find(|e| Some(e.id) == id).map(|e| e.name.clone()).unwrap_or_default();
    let sector = state.app.get_directory(&user.actor, DirectoryKind::Sector, m.sector_id).await.map(|e| e.name).unwrap_or_default();
    let station = name_of(&ch.stations, m.work_station_id);
    let committees = committee_ids.iter().map(|id| name_of(&ch.committees, Some(*id))).filter(|n| !n.is_empty()).collect();
    let office = can(&user.actor, Action::ManageMembers, Resource::Any);
    let crumbs: &[(&str, &str)] = if can(&user.actor, Action::ViewMember, Resource::Any) { &[("委员", "/members")] } else { &[] };
    let l = Layout::page(&state, &user, &format!("/members/{id}"), format!("委员档案：{}", m.name), crumbs).await?;
    Ok(render(&DetailPage { l, m, sector, station, committees, can_manage: office }))
}

#[derive(Template)]
#[template(path = "member_form.html")]
struct FormPage {
    l: Layout,
    id: Option<i64>,
    f: FormData,
    ch: Choices,
    errors: Errors,
    archived: bool,
}

impl FormPage {
    fn is(&self, key: &str, value: &str) -> bool {
        self.f.get(key) == value
    }
    fn has(&self, key: &str, value: &str) -> bool {
        self.f.all(key).iter().any(|v| v == value)
    }
}

fn form_of(m: &Member, committee_ids: &[i64]) -> FormData {
    let mut pairs = vec![
        ("name".to_string(), m.name.clone()),
        ("gender".into(), m.gender.clone().unwrap_or_default()),
        ("birth_year".into(), m.birth_year.map(|y| y.to_string()).unwrap_or_default()),
        ("party".into(), m.party.clone().unwrap_or_default()),
        ("sector_id".into(), m.sector_id.to_string()),
        ("work_station_id".into(), m.work_station_id.map(|v| v.to_string()).unwrap_or_default()),
        ("term_number".into(), m.term_number.map(|v| v.to_string()).unwrap_or_default()),
        ("phone".into(), m.phone.clone().unwrap_or_default()),
        ("email".into(), m.email.clone().unwrap_or_default()),
        ("address".into(), m.address.clone().unwrap_or_default()),
        ("status".into(), m.status.clone()),
        ("version".into(), m.version.to_string()),
    ];
    if m.hk_macao {
        pairs.push(("hk_macao".into(), "on".into()));
    }
    pairs.extend(m.roles.split(',').map(|r| ("roles".to_string(), r.to_string())));
    pairs.extend(committee_ids.iter().map(|c| ("committee_ids".to_string(), c.to_string())));
    FormData(pairs)
}

fn input_of(f: &FormData, errors: &mut Vec<eline_domain::FieldError>) -> MemberInput {
    MemberInput {
        name: f.get("name").to_string(),
        gender: f.opt("gender"),
        birth_year: f.int("birth_year", "出生年份", errors),
        party: f.opt("party"),
        sector_id: f.int("sector_id", "界别", errors),
        work_station_id: f.int("work_station_id", "委员工作站", errors),
        committee_ids: f.ints("committee_ids"),
        roles: f.all("roles"),
        term_number: f.int("term_number", "届别", errors),
        phone: f.opt("phone"),
        email: f.opt("email"),
        address: f.opt("address"),
        hk_macao: f.checked("hk_macao"),
        status: f.opt("status"),
    }
}

async fn form_page(state: &AppState, user: &PageUser, id: Option<i64>, f: FormData, errors: Errors, archived: bool) -> Result<FormPage, PageError> {
    let title = if id.is_some() { format!("编辑委员：{}", f.get("name")) } else { "新增委员".to_string() };
    let path = id.map(|i| format!("/members/{i}/edit")).unwrap_or_else(|| "/members/new".into());
    let l = Layout::page(state, user, &path, title, &[("委员", "/members")]).await?;
    Ok(FormPage { l, id, f, ch: choices(state, user).await?, errors, archived })
}

async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    state.app.require(&user.actor, Action::ManageMembers, Resource::Any).await?;
    let f = FormData(vec![("roles".into(), "member".into()), ("status".into(), "active".into())]);
    Ok(render(&form_page(&state, &user, None, f, Errors::default(), false).await?))
}

async fn create(State(state): State<AppState>, PageAllowed(user, _): PageAllowed<ManageMembers>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let mut errs = Vec::new();
    let input = input_of(&f, &mut errs);
    let result = if errs.is_empty() { state.app.create_member(&user.actor, &input).await } else { Err(AppError::Validation(errs)) };
    match result {
        Ok(m) => {
            flash(&user.session, &format!("已新增委员“{}”", m.name)).await;
            Ok(Redirect::to(&format!("/members/{}", m.id)).into_response())
        }
        Err(e) => Ok(render_invalid(&form_page(&state, &user, None, f, form_errors(e)?, false).await?)),
    }
}

async fn edit_form(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    state.app.require(&user.actor, Action::ManageMembers, Resource::Any).await?;
    let (m, cids) = state.app.get_member(&user.actor, id).await?;
    Ok(render(&form_page(&state, &user, Some(id), form_of(&m, &cids), Errors::default(), m.archived).await?))
}

async fn update(
    State(state): State<AppState>,
    PageAllowed(user, _): PageAllowed<ManageMembers>,
    PagePath(id): PagePath<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let mut errs = Vec::new();
    let input = input_of(&f, &mut errs);
    let version = f.get("version").parse().ok();
    let result = if errs.is_empty() { state.app.update_member(&user.actor, id, &input, version).await } else { Err(AppError::Validation(errs)) };
    match result {
        Ok(m) => {
            flash(&user.session, &format!("已保存委员“{}”的档案", m.name)).await;
            Ok(Redirect::to(&format!("/members/{id}")).into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            let (m, _) = state.app.get_member(&user.actor, id).await?;
            Ok(render_invalid(&form_page(&state, &user, Some(id), f, errors, m.archived).await?))
        }
    }
}

async fn set_archived(state: AppState, user: PageUser, id: i64, body: Bytes, archived: bool) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    match state.app.archive_member(&user.actor, id, f.get("version").parse().ok(), archived).await {
        Ok(m) => flash(&user.session, &format!("已{}委员“{}”", if archived { "归档" } else { "恢复" }, m.name)).await,
        Err(AppError::VersionConflict) => flash(&user.session, "记录已被他人修改，请查看最新内容后再操作").await,
        Err(e) => return Err(PageError(e)),
    }
    Ok(Redirect::to(&format!("/members/{id}")).into_response())
}

async fn archive(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    set_archived(state, user, id, body, true).await
}

async fn restore(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    set_archived(state, user, id, body, false).await
}

#[derive(Template)]
#[template(path = "members_import.html")]
struct ImportPage {
    l: Layout,
    errors: Vec<RowError>,
    message: String,
}

async fn import_page(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    state.app.require(&user.actor, Action::ManageMembers, Resource::Any).await?;
    let l = Layout::page(&state, &user, "/members/import", "批量导入委员", &[("委员", "/members")]).await?;
    Ok(render(&ImportPage { l, errors: vec![], message: String::new() }))
}

/// An upload as the handlers take it: a request that is not `multipart/form-data` is answered
/// by `read_upload` (422 in Chinese), not by the extractor's plain-text 400.
pub type Upload = Result<Multipart, axum::extract::multipart::MultipartRejection>;

/// Reads the `file` field of an upload.
pub async fn read_upload(multipart: Upload) -> Result<(String, Vec<u8>), AppError> {
    let mut multipart = multipart.map_err(|_| AppError::field("file", "请以 multipart/form-data 格式上传文件（字段名 file）"))?;
    let too_large = |e: &axum::extract::multipart::MultipartError| e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| if too_large(&e) { AppError::PayloadTooLarge } else { AppError::field("file", "上传的文件不完整，请重新上传") })?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| if too_large(&e) { AppError::PayloadTooLarge } else { AppError::field("file", "上传的文件不完整，请重新上传") })?;
            if bytes.is_empty() {
                return Err(AppError::field("file", "请选择要上传的文件"));
            }
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(AppError::field("file", "请选择要上传的文件"))
}

async fn import_submit(State(state): State<AppState>, user: PageUser, multipart: Upload) -> Result<Response, PageError> {
    state.app.require(&user.actor, Action::ManageMembers, Resource::Any).await?;
    let l = Layout::page(&state, &user, "/members/import", "批量导入委员", &[("委员", "/members")]).await?;
    let outcome = match read_upload(multipart).await {
        Ok((name, bytes)) => state.app.import_members(&user.actor, &name, &bytes).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(ImportOutcome::Imported(n)) => {
            flash(&user.session, &format!("已导入{n}名委员（有编号的行更新该委员，无编号的行新增）")).await;
            Ok(Redirect::to("/members").into_response())
        }
        Ok(ImportOutcome::Rejected(errors)) => {
            let message = if errors.len() > LISTED_ERRORS {
                format!("文件中有{}处问题，本次没有导入任何委员。下表列出前{LISTED_ERRORS}处，请修改后重新上传。", errors.len())
            } else {
                format!("文件中有{}处问题，本次没有导入任何委员。请按下表修改后重新上传。", errors.len())
            };
            let mut errors = errors;
            errors.truncate(LISTED_ERRORS);
            Ok(render_invalid(&ImportPage { l, errors, message }))
        }
        Err(AppError::Validation(list)) => {
            let message = list.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；");
            Ok(render_invalid(&ImportPage { l, errors: vec![], message }))
        }
        Err(e) => Err(PageError(e)),
    }
}

/// A workbook as a download under its own file name.
pub fn workbook(w: eline_app::spreadsheet::Workbook) -> Response {
    xlsx(&w.file_name, w.bytes)
}

pub fn xlsx(name: &str, bytes: Vec<u8>) -> Response {
    let disposition = super::attachment_disposition(name);
    (
        [(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        bytes,
    )
        .into_response()
}

async fn template(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    state.app.require(&user.actor, Action::ManageMembers, Resource::Any).await?;
    Ok(xlsx("委员导入模板.xlsx", state.app.member_template()?))
}

async fn export(State(state): State<AppState>, user: PageUser, PageQuery(q): PageQuery<MemberFilter>) -> Result<Response, PageError> {
    Ok(workbook(state.app.export_members(&user.actor, &q).await?))
}

/// Labels for templates.
pub struct Labels;

impl Labels {
    pub fn gender(v: &Option<String>) -> &'static str {
        gender_label(v.as_deref().unwrap_or(""))
    }
    pub fn status(v: &str) -> &'static str {
        MemberStatus::parse(v).map(|s| s.label()).unwrap_or("")
    }
    pub fn positions(roles: &str) -> String {
        positions_text(roles)
    }
    pub fn genders() -> &'static [(&'static str, &'static str)] {
        &GENDERS
    }
    pub fn parties() -> &'static [&'static str] {
        &PARTIES
    }
    pub fn all_positions() -> &'static [(&'static str, &'static str)] {
        &POSITIONS
    }
}
