//! Proposal pages for every role: lists with deadlines (`list`), writing (`form`), the detail
//! page with the timeline and a form for each action the user may take, and the reply letter
//! (`detail`), files.

mod detail;
mod form;
mod list;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use eline_domain::policy::{Action, Resource, can};
use eline_domain::proposal::{Kind, Status};
use eline_domain::{Actor, RecordRef};

use super::{PagePath, PageQuery, record_files};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub(crate) use list::proposals_href;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/proposals", get(list::list).post(form::create))
        .route("/proposals/new", get(form::new_form))
        .route("/proposals/export.xlsx", get(list::export))
        .route("/proposals/assign", post(list::bulk_assign))
        .route("/proposals/{id}", get(detail::detail))
        .route("/proposals/{id}/edit", get(form::edit_form).post(form::update))
        .route("/proposals/{id}/delete", post(form::delete))
        .route("/proposals/{id}/act/{action}", post(detail::act))
        .route("/proposals/{id}/letter", get(detail::letter))
        .route("/proposals/{id}/files", post(upload))
        .route("/proposals/{id}/files/{file}", get(download))
}

/// The office's tools on proposal pages (unit and leader pickers, bulk assignment, merging).
fn office(actor: &Actor) -> bool {
    can(actor, Action::ProposalOffice, Resource::Any)
}

/// File labels callable from templates as `Pf::…`.
pub struct Pf;

impl Pf {
    pub fn purpose(p: &str) -> &'static str {
        eline_app::proposals::purpose_label(p)
    }
    pub fn size(n: &i64) -> String {
        match *n {
            n if n >= 1024 * 1024 => format!("{:.1}MB", n as f64 / 1048576.0),
            n if n >= 1024 => format!("{}KB", n / 1024),
            n => format!("{n}B"),
        }
    }
}

/// Labels callable from templates as `P::…`.
pub struct P;

impl P {
    pub fn status(s: &Status) -> &'static str {
        s.label()
    }
    pub fn kind(k: &Kind) -> &'static str {
        k.label()
    }
    pub fn number(n: &Option<i64>) -> String {
        n.map(|n| format!("第{n:04}号")).unwrap_or_default()
    }
    pub fn satisfaction(s: &eline_domain::proposal::Satisfaction) -> &'static str {
        s.label()
    }
    pub fn role(r: &eline_domain::proposal::UnitRole) -> &'static str {
        r.label()
    }
    pub fn cosign(s: &eline_domain::proposal::CosignStatus) -> &'static str {
        s.label()
    }
    pub fn action(a: &str) -> &'static str {
        eline_domain::proposal::action_label(a).or_else(|| eline_app::records::shared_action_label(a)).unwrap_or("")
    }
    pub fn days(due: &Option<String>) -> String {
        let Some(d) = due.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) else { return String::new() };
        eline_domain::calendar::days_left_label(eline_app::proposals::today(), d)
    }
    pub fn overdue(due: &Option<String>, status: &Status) -> bool {
        status.awaits_reply()
            && due.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).is_some_and(|d| d < eline_app::proposals::today())
    }
    pub fn awaiting(status: &Status) -> bool {
        status.awaits_reply()
    }
    /// The Chinese name of a stored satisfaction, or “未评价”.
    pub fn rated(s: &Option<String>) -> &'static str {
        s.as_deref().and_then(eline_domain::proposal::Satisfaction::parse).map(|s| s.label()).unwrap_or("未评价")
    }
    /// A time as its Beijing date (YYYY-MM-DD), or nothing.
    pub fn day(t: &Option<i64>) -> String {
        t.map(|t| crate::html::datetime(t).chars().take(10).collect()).unwrap_or_default()
    }
    /// An evaluation's 测评表 in one line, or nothing when it was rated without one.
    pub fn survey(e: &eline_storage::proposals::Evaluation) -> String {
        use eline_domain::proposal::{ContactWay, Satisfaction};
        let way = |v: &Option<String>| v.as_deref().and_then(ContactWay::parse).map(ContactWay::label);
        let rating = |v: &Option<String>| v.as_deref().and_then(Satisfaction::parse).map(Satisfaction::label);
        match (way(&e.contact_before), way(&e.contact_during), rating(&e.attitude), rating(&e.result)) {
            (Some(b), Some(d), Some(a), Some(r)) => format!("办前沟通：{b}；办中沟通：{d}；办理态度：{a}；办理结果：{r}"),
            _ => String::new(),
        }
    }
}

async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<record_files::UploadQuery>,
    multipart: crate::html::Upload,
) -> Result<Response, PageError> {
    let page = |errors| detail::detail_page(&state, &user, id, errors, String::new());
    record_files::attach(&state, &user, RecordRef::proposal(id), q, multipart, format!("/proposals/{id}"), page).await
}

/// Serves a stored file as a download (never rendered inline).
pub fn file_response(a: &eline_storage::attachments::Attachment, bytes: Vec<u8>) -> Response {
    let disposition = super::attachment_disposition(&a.file_name);
    (
        [
            (axum::http::header::CONTENT_TYPE, a.content_type.clone()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
            (axum::http::header::CACHE_CONTROL, "private, max-age=300".to_string()),
        ],
        bytes,
    )
        .into_response()
}

async fn download(State(state): State<AppState>, user: PageUser, PagePath((id, file)): PagePath<(i64, i64)>) -> Result<Response, PageError> {
    record_files::download(&state, &user, RecordRef::proposal(id), file).await
}
