//! An issue's page: for a draft, the compiler (the reports in order with their credits, the
//! 待编发 picking list, the text and lines, 印发); for an issued issue, its text, reports and
//! sends (the office records them); and the A4 print view.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use eline_app::AppError;
use eline_app::bulletins::{AddItemInput, BulletinEdit, BulletinPrint, BulletinView, SendInput};
use eline_domain::FieldError;
use eline_domain::opinion::{BulletinForm, RecipientKind};
use eline_storage::bulletins::Candidate;

use super::B;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::{Errors, F, FormData, Layout, PagePath, flash, form_errors, render, render_invalid};

#[derive(Template)]
#[template(path = "bulletin_detail.html")]
pub(super) struct DetailPage {
    l: Layout,
    v: BulletinView,
    errors: Errors,
    /// The form that failed ("edit", "items", "arrange", "issue", "send"): its fields as posted.
    failed: String,
    f: FormData,
    candidates: Vec<Candidate>,
}

impl DetailPage {
    /// A field of the text form: as posted when that form failed, else as stored.
    fn val(&self, key: &str) -> String {
        if self.failed == "edit" {
            return self.f.get(key).to_string();
        }
        let b = &self.v.b;
        match key {
            "title" => b.title.clone(),
            "body" => b.body.clone(),
            "editor_unit" => b.editor_unit.clone(),
            "signed_off_by" => b.signed_off_by.clone().unwrap_or_default(),
            "report_to" => b.report_to.clone().unwrap_or_default(),
            "copy_to" => b.copy_to.clone().unwrap_or_default(),
            "form" => b.form.as_str().to_string(),
            _ => String::new(),
        }
    }
    /// The credit of the i-th report: as posted when the arrangement failed, else as stored.
    fn credit(&self, i: &usize, stored: &str) -> String {
        if self.failed == "arrange" { self.f.get(&format!("items[{i}][credit]")).to_string() } else { stored.to_string() }
    }
    fn credit_error(&self, i: &usize) -> String {
        self.errors.get(&format!("items[{i}][credit]")).to_string()
    }
    fn send_val(&self, key: &str) -> String {
        if self.failed == "send" { self.f.get(key).to_string() } else { String::new() }
    }
    fn recipients(&self) -> Vec<(&'static str, &'static str)> {
        RecipientKind::choices()
    }
    fn full(&self) -> bool {
        self.v.access == eline_domain::Access::Full
    }
    fn paragraphs(&self) -> Vec<&str> {
        self.v.b.body.lines().map(str::trim).filter(|p| !p.is_empty()).collect()
    }
    /// The single issue holds its report already: no more to add.
    fn full_single(&self) -> bool {
        !self.v.may("add_item") && self.v.may("update")
    }
}

async fn page(state: &AppState, user: &PageUser, id: i64, errors: Errors, failed: &str, f: FormData) -> Result<DetailPage, PageError> {
    let v = state.app.get_bulletin(&user.actor, id).await?;
    let candidates = if v.may("add_item") { state.app.bulletin_candidates(&user.actor, id).await? } else { Vec::new() };
    let title = if v.b.number > 0 { format!("{} {}", v.label, v.b.title) } else { v.b.title.clone() };
    let l = Layout::page(state, user, &format!("/bulletins/{id}"), title, &[("期刊", "/bulletins")]).await?;
    Ok(DetailPage { l, v, errors, failed: failed.to_string(), f, candidates })
}

pub(super) async fn detail(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    Ok(render(&page(&state, &user, id, Errors::default(), "", FormData::default()).await?))
}

/// After a form of the page: back to the page with what was done, or the page again with every
/// error of the form.
async fn done(state: &AppState, user: &PageUser, id: i64, form: &str, f: FormData, result: Result<String, AppError>) -> Result<Response, PageError> {
    match result {
        Ok(message) => {
            flash(&user.session, &message).await;
            Ok(Redirect::to(&format!("/bulletins/{id}")).into_response())
        }
        Err(AppError::InvalidTransition(m)) => {
            let errors = Errors::from_list(&[FieldError::new("action", m)]);
            Ok(render_invalid(&page(state, user, id, errors, form, f).await?))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            Ok(render_invalid(&page(state, user, id, errors, form, f).await?))
        }
    }
}

fn version(f: &FormData) -> Option<i64> {
    f.get("version").trim().parse().ok()
}

/// The timeline's last note says what was just done ("编入信息“……”（王芳）").
async fn last_note(state: &AppState, user: &PageUser, id: i64, fallback: &str) -> String {
    let v = state.app.get_bulletin(&user.actor, id).await.ok();
    v.and_then(|v| v.events.last().map(|e| format!("已{}", e.note.trim_start_matches('已')))).unwrap_or_else(|| fallback.to_string())
}

/// The text form as an edit: every field of the form is given, so an emptied line is cleared
/// (the JSON API leaves out what it keeps).
fn text_edit(f: &FormData) -> Result<BulletinEdit, AppError> {
    let form = match f.get("form").trim() {
        "" => None,
        s => Some(BulletinForm::parse(s).ok_or_else(|| AppError::field("form", "形式应为单篇或综合"))?),
    };
    let text = |key: &str| Some(f.get(key).to_string());
    Ok(BulletinEdit {
        form,
        title: text("title"),
        body: text("body"),
        editor_unit: text("editor_unit"),
        signed_off_by: text("signed_off_by"),
        report_to: text("report_to"),
        copy_to: text("copy_to"),
        items: None,
        version: version(f),
    })
}

pub(super) async fn edit(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let result = match text_edit(&f) {
        Ok(input) => state.app.update_bulletin(&user.actor, id, version(&f), &input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    let result = match result {
        Ok(()) => Ok(last_note(&state, &user, id, "已保存").await),
        Err(e) => Err(e),
    };
    done(&state, &user, id, "edit", f, result).await
}

pub(super) async fn add_item(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let result = match crate::form::parse::<AddItemInput>(&f.0) {
        Ok(input) => state.app.add_bulletin_item(&user.actor, id, version(&f), &input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    let result = match result {
        Ok(()) => Ok(last_note(&state, &user, id, "已编入").await),
        Err(e) => Err(e),
    };
    done(&state, &user, id, "items", f, result).await
}

/// The order and credits of the issue's reports (the one form of the list of reports).
pub(super) async fn arrange(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let result = match crate::form::parse::<BulletinEdit>(&f.0) {
        Ok(input) if input.items.is_some() => state.app.update_bulletin(&user.actor, id, version(&f), &input).await.map(|_| ()),
        Ok(_) => Err(AppError::field("items", "本期还没有编入信息")),
        Err(e) => Err(e),
    };
    let result = match result {
        Ok(()) => Ok("已保存信息的顺序和署名".to_string()),
        Err(e) => Err(e),
    };
    done(&state, &user, id, "arrange", f, result).await
}

pub(super) async fn remove_item(
    State(state): State<AppState>,
    user: PageUser,
    PagePath((id, opinion_id)): PagePath<(i64, i64)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let result = match state.app.remove_bulletin_item(&user.actor, id, version(&f), opinion_id).await {
        Ok(_) => Ok(last_note(&state, &user, id, "已移出").await),
        Err(e) => Err(e),
    };
    done(&state, &user, id, "arrange", FormData::default(), result).await
}

pub(super) async fn issue(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let result = match state.app.issue_bulletin(&user.actor, id, version(&f)).await {
        Ok(b) => Ok(format!("已印发：{}，所编信息已向委员刊发", eline_domain::bulletin::issue_label(b.series, b.year, b.number))),
        Err(e) => Err(e),
    };
    done(&state, &user, id, "issue", f, result).await
}

pub(super) async fn send(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let result = match crate::form::parse::<SendInput>(&f.0) {
        Ok(input) => state.app.record_bulletin_send(&user.actor, id, version(&f), &input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    let result = match result {
        Ok(()) => Ok(last_note(&state, &user, id, "已登记报送").await),
        Err(e) => Err(e),
    };
    done(&state, &user, id, "send", f, result).await
}

#[derive(Template)]
#[template(path = "bulletin_print.html")]
struct PrintPage {
    p: BulletinPrint,
}

/// The issue in its official A4 layout (版头, 期号, 编发单位 and date, text, credits, 报送/抄送, 签发).
pub(super) async fn print(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    Ok(render(&PrintPage { p: state.app.bulletin_print(&user.actor, id).await? }))
}
