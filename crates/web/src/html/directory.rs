//! Pages for reference data (组织机构): sectors, special committees, organisations, units, work
//! stations, and sessions (届次).

use super::PagePath;
use super::PageQuery;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use eline_app::directory::{DirectoryInput, SessionInput};
use eline_app::{AppError, Page};
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource, can};
use eline_storage::directory::{Entry, Session};
use serde::Deserialize;

use super::{Errors, FormData, Layout, flash, form_errors, render, render_invalid};
use crate::AppState;
use crate::auth::{ManageDirectory, PageAllowed, PageUser};
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/directory", get(index))
        .route("/directory/sessions", get(session_list).post(session_create))
        .route("/directory/sessions/new", get(session_new))
        .route("/directory/sessions/{id}", get(session_edit).post(session_update))
        .route("/directory/sessions/{id}/archive", post(session_archive))
        .route("/directory/sessions/{id}/restore", post(session_restore))
        .route("/directory/{kind}", get(list).post(create))
        .route("/directory/{kind}/new", get(new_form))
        .route("/directory/{kind}/{id}", get(edit_form).post(update))
        .route("/directory/{kind}/{id}/archive", post(archive))
        .route("/directory/{kind}/{id}/restore", post(restore))
}

fn kind_of(slug: &str) -> Result<DirectoryKind, PageError> {
    DirectoryKind::from_slug(slug).ok_or(PageError(AppError::NotFound))
}

#[derive(Template)]
#[template(path = "directory_index.html")]
struct IndexPage {
    l: Layout,
    kinds: Vec<(&'static str, &'static str, i64)>,
    sessions: i64,
}

async fn index(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let c = state.app.home_counts(&user.actor).await?;
    let kinds = vec![
        ("界别", "sectors", c.sectors),
        ("专委会", "committees", c.special_committees),
        ("党派团体", "organizations", c.organizations),
        ("承办单位", "units", c.units),
        ("委员工作站", "work-stations", c.work_stations),
    ];
    let l = Layout::page(&state, &user, "/directory", "组织机构", &[]).await?;
    Ok(render(&IndexPage { l, kinds, sessions: c.sessions }))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    archived: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "directory_list.html")]
struct ListPage {
    l: Layout,
    kind: DirectoryKind,
    page: Page<Entry>,
    include_archived: bool,
    can_manage: bool,
}

async fn list(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(slug): PagePath<String>,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let kind = kind_of(&slug)?;
    let include_archived = q.archived.is_some();
    let page = state.app.list_directory(&user.actor, kind, include_archived, q.cursor.as_deref(), 100).await?;
    let l = Layout::page(&state, &user, "/directory", kind.label(), &[("组织机构", "/directory")]).await?;
    let can_manage = can(&user.actor, Action::ManageDirectory, Resource::Any);
    Ok(render(&ListPage { l, kind, page, include_archived, can_manage }))
}

#[derive(Template)]
#[template(path = "directory_form.html")]
struct FormPage {
    l: Layout,
    kind: DirectoryKind,
    entry: Option<Entry>,
    name: String,
    category: String,
    note: String,
    sort_order: String,
    version: i64,
    errors: Errors,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.entry {
            Some(e) => format!("/directory/{}/{}", self.kind.slug(), e.id),
            None => format!("/directory/{}", self.kind.slug()),
        }
    }
}

async fn form_page(
    state: &AppState,
    user: &PageUser,
    kind: DirectoryKind,
    entry: Option<Entry>,
    form: Option<&FormData>,
    errors: Errors,
) -> Result<FormPage, PageError> {
    let title = match &entry {
        Some(e) => format!("编辑{}：{}", kind.label(), e.name),
        None => format!("新建{}", kind.label()),
    };
    let list_href = format!("/directory/{}", kind.slug());
    let l = Layout::page(state, user, "/directory", title, &[("组织机构", "/directory"), (kind.label(), &list_href)]).await?;
    let (name, category, note, sort_order, version) = match (form, &entry) {
        (Some(f), _) => {
            (f.get("name").into(), f.get("category").into(), f.get("note").into(), f.get("sort_order").into(), f.get("version").parse().unwrap_or(0))
        }
        (None, Some(e)) => (e.name.clone(), e.category.clone().unwrap_or_default(), e.note.clone().unwrap_or_default(), e.sort_order.to_string(), e.version),
        (None, None) => (String::new(), String::new(), String::new(), "0".into(), 0),
    };
    Ok(FormPage { l, kind, entry, name, category, note, sort_order, version, errors })
}

async fn new_form(State(state): State<AppState>, user: PageUser, PagePath(slug): PagePath<String>) -> Result<Response, PageError> {
    let kind = kind_of(&slug)?;
    state.app.require(&user.actor, Action::ManageDirectory, Resource::Any).await?;
    Ok(render(&form_page(&state, &user, kind, None, None, Errors::default()).await?))
}

fn input_of(f: &FormData, errors: &mut Vec<eline_domain::FieldError>) -> DirectoryInput {
    DirectoryInput {
        name: f.get("name").to_string(),
        category: f.opt("category"),
        note: f.opt("note"),
        sort_order: f.int("sort_order", "排序号", errors),
        version: f.get("version").parse().ok(),
    }
}

async fn create(
    State(state): State<AppState>,
    PageAllowed(user, _): PageAllowed<ManageDirectory>,
    PagePath(slug): PagePath<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let kind = kind_of(&slug)?;
    let f = FormData::parse(&body);
    let mut errs = Vec::new();
    let input = input_of(&f, &mut errs);
    let result = if errs.is_empty() { state.app.create_directory(&user.actor, kind, &input).await } else { Err(AppError::Validation(errs)) };
    match result {
        Ok(e) => {
            flash(&user.session, &format!("已新建{}“{}”", kind.label(), e.name)).await;
            Ok(Redirect::to(&format!("/directory/{}", kind.slug())).into_response())
        }
        Err(e) => Ok(render_invalid(&form_page(&state, &user, kind, None, Some(&f), form_errors(e)?).await?)),
    }
}

async fn edit_form(State(state): State<AppState>, user: PageUser, PagePath((slug, id)): PagePath<(String, i64)>) -> Result<Response, PageError> {
    let kind = kind_of(&slug)?;
    let entry = state.app.get_directory(&user.actor, kind, id).await?;
    state.app.require(&user.actor, Action::ManageDirectory, Resource::Any).await?;
    Ok(render(&form_page(&state, &user, kind, Some(entry), None, Errors::default()).await?))
}

async fn update(
    State(state): State<AppState>,
    PageAllowed(user, _): PageAllowed<ManageDirectory>,
    PagePath((slug, id)): PagePath<(String, i64)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let kind = kind_of(&slug)?;
    let f = FormData::parse(&body);
    let mut errs = Vec::new();
    let input = input_of(&f, &mut errs);
    let result = if errs.is_empty() { state.app.update_directory(&user.actor, kind, id, &input).await } else { Err(AppError::Validation(errs)) };
    match result {
        Ok(e) => {
            flash(&user.session, &format!("已保存{}“{}”", kind.label(), e.name)).await;
            Ok(Redirect::to(&format!("/directory/{}", kind.slug())).into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            let entry = state.app.get_directory(&user.actor, kind, id).await?;
            Ok(render_invalid(&form_page(&state, &user, kind, Some(entry), Some(&f), errors).await?))
        }
    }
}

async fn set_archived(state: AppState, user: PageUser, slug: String, id: i64, body: Bytes, archived: bool) -> Result<Response, PageError> {
    let kind = kind_of(&slug)?;
    let f = FormData::parse(&body);
    match state.app.archive_directory(&user.actor, kind, id, f.get("version").parse().ok(), archived).await {
        Ok(e) => flash(&user.session, &format!("已{}{}“{}”", if archived { "归档" } else { "恢复" }, kind.label(), e.name)).await,
        Err(AppError::VersionConflict) => flash(&user.session, "记录已被他人修改，请查看最新内容后再操作").await,
        Err(e) => return Err(PageError(e)),
    }
    Ok(Redirect::to(&format!("/directory/{}?archived=1", kind.slug())).into_response())
}

async fn archive(State(state): State<AppState>, user: PageUser, PagePath((slug, id)): PagePath<(String, i64)>, body: Bytes) -> Result<Response, PageError> {
    set_archived(state, user, slug, id, body, true).await
}

async fn restore(State(state): State<AppState>, user: PageUser, PagePath((slug, id)): PagePath<(String, i64)>, body: Bytes) -> Result<Response, PageError> {
    set_archived(state, user, slug, id, body, false).await
}

// ---- sessions (届次) ----

#[derive(Template)]
#[template(path = "sessions_list.html")]
struct SessionListPage {
    l: Layout,
    page: Page<Session>,
    include_archived: bool,
    can_manage: bool,
}

async fn session_list(State(state): State<AppState>, user: PageUser, PageQuery(q): PageQuery<ListQuery>) -> Result<Response, PageError> {
    let include_archived = q.archived.is_some();
    let page = state.app.list_sessions(&user.actor, include_archived, q.cursor.as_deref(), 100).await?;
    let l = Layout::page(&state, &user, "/directory", "届次会议", &[("组织机构", "/directory")]).await?;
    let can_manage = can(&user.actor, Action::ManageDirectory, Resource::Any);
    Ok(render(&SessionListPage { l, page, include_archived, can_manage }))
}

#[derive(Template)]
#[template(path = "session_form.html")]
struct SessionFormPage {
    l: Layout,
    session: Option<Session>,
    term_number: String,
    session_number: String,
    year: String,
    opens_on: String,
    version: i64,
    errors: Errors,
}

async fn session_form(
    state: &AppState,
    user: &PageUser,
    session: Option<Session>,
    form: Option<&FormData>,
    errors: Errors,
) -> Result<SessionFormPage, PageError> {
    let title = match &session {
        Some(s) => format!("编辑届次：{}", s.name()),
        None => "新建届次会议".to_string(),
    };
    let l = Layout::page(state, user, "/directory", title, &[("组织机构", "/directory"), ("届次会议", "/directory/sessions")]).await?;
    let (term_number, session_number, year, opens_on, version) = match (form, &session) {
        (Some(f), _) => {
            (f.get("term_number").into(), f.get("session_number").into(), f.get("year").into(), f.get("opens_on").into(), f.get("version").parse().unwrap_or(0))
        }
        (None, Some(s)) => (s.term_number.to_string(), s.session_number.to_string(), s.year.to_string(), s.opens_on.clone().unwrap_or_default(), s.version),
        (None, None) => (String::new(), String::new(), String::new(), String::new(), 0),
    };
    Ok(SessionFormPage { l, session, term_number, session_number, year, opens_on, version, errors })
}

fn session_input(f: &FormData, errors: &mut Vec<eline_domain::FieldError>) -> SessionInput {
    SessionInput {
        term_number: f.int("term_number", "届别", errors),
        session_number: f.int("session_number", "会议次数", errors),
        year: f.int("year", "年份", errors),
        opens_on: f.opt("opens_on"),
        version: f.get("version").parse().ok(),
    }
}

async fn session_new(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    state.app.require(&user.actor, Action::ManageDirectory, Resource::Any).await?;
    Ok(render(&session_form(&state, &user, None, None, Errors::default()).await?))
}

async fn session_create(State(state): State<AppState>, PageAllowed(user, _): PageAllowed<ManageDirectory>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let mut errs = Vec::new();
    let input = session_input(&f, &mut errs);
    let result = if errs.is_empty() { state.app.create_session(&user.actor, &input).await } else { Err(AppError::Validation(errs)) };
    match result {
        Ok(s) => {
            flash(&user.session, &format!("已新建“{}”", s.name())).await;
            Ok(Redirect::to("/directory/sessions").into_response())
        }
        Err(e) => Ok(render_invalid(&session_form(&state, &user, None, Some(&f), form_errors(e)?).await?)),
    }
}

async fn session_edit(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let s = state.app.get_session(&user.actor, id).await?;
    state.app.require(&user.actor, Action::ManageDirectory, Resource::Any).await?;
    Ok(render(&session_form(&state, &user, Some(s), None, Errors::default()).await?))
}

async fn session_update(
    State(state): State<AppState>,
    PageAllowed(user, _): PageAllowed<ManageDirectory>,
    PagePath(id): PagePath<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let mut errs = Vec::new();
    let input = session_input(&f, &mut errs);
    let result = if errs.is_empty() { state.app.update_session(&user.actor, id, &input).await } else { Err(AppError::Validation(errs)) };
    match result {
        Ok(s) => {
            flash(&user.session, &format!("已保存“{}”", s.name())).await;
            Ok(Redirect::to("/directory/sessions").into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            let s = state.app.get_session(&user.actor, id).await?;
            Ok(render_invalid(&session_form(&state, &user, Some(s), Some(&f), errors).await?))
        }
    }
}

async fn session_set_archived(state: AppState, user: PageUser, id: i64, body: Bytes, archived: bool) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    match state.app.archive_session(&user.actor, id, f.get("version").parse().ok(), archived).await {
        Ok(s) => flash(&user.session, &format!("已{}“{}”", if archived { "归档" } else { "恢复" }, s.name())).await,
        Err(AppError::VersionConflict) => flash(&user.session, "记录已被他人修改，请查看最新内容后再操作").await,
        Err(e) => return Err(PageError(e)),
    }
    Ok(Redirect::to("/directory/sessions?archived=1").into_response())
}

async fn session_archive(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    session_set_archived(state, user, id, body, true).await
}

async fn session_restore(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    session_set_archived(state, user, id, body, false).await
}
