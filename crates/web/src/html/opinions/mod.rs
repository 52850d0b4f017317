//! 社情民意 pages for every role: the lists and the office's queues as tabs (`list`), writing and
//! editing a report — for oneself, or by the office for a submitter (`form`) —, the report's
//! page with its fate at every level, the action forms, the revision history with the diff of
//! each revision and the office's editor, files (`detail`).

mod detail;
mod form;
mod list;

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use eline_domain::opinion::{Act, Channel, Level, OutcomeKind, Status};
use eline_domain::{RecordKind, RecordRef};

use super::{PagePath, PageQuery, record_files};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub(crate) use list::opinions_href;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/opinions", get(list::list).post(form::create))
        .route("/opinions/new", get(form::new_form))
        .route("/opinions/{id}", get(detail::detail))
        .route("/opinions/{id}/edit", get(form::edit_form).post(form::update))
        .route("/opinions/{id}/delete", post(form::delete))
        .route("/opinions/{id}/convert", post(form::convert))
        .route("/opinions/{id}/act/{action}", post(detail::act))
        .route("/opinions/{id}/revisions", get(detail::revisions))
        .route("/opinions/{id}/files", post(upload))
        .route("/opinions/{id}/files/{file}", get(download))
}

fn record(id: i64) -> RecordRef {
    RecordRef::new(RecordKind::OPINION, id)
}

/// Labels callable from the report templates as `P::…` (the shared `timeline.html` calls
/// `P::action`).
pub struct P;

impl P {
    pub fn status(s: &Status) -> &'static str {
        s.label()
    }
    pub fn channel(c: &Channel) -> &'static str {
        c.label()
    }
    pub fn level(l: &Level) -> &'static str {
        l.label()
    }
    pub fn outcome(k: &OutcomeKind) -> &'static str {
        k.label()
    }
    pub fn action(a: &str) -> &'static str {
        Act::parse(a).map(|a| a.label()).or_else(|| eline_app::records::shared_action_label(a)).unwrap_or("")
    }
    /// 还剩3个工作日 / 已超期2天 for a report waiting for the office, else nothing.
    pub fn days(due: &Option<String>, status: &Status) -> String {
        match due.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) {
            Some(d) if status.awaits_office() => eline_domain::calendar::days_left_label(eline_app::proposals::today(), d),
            _ => String::new(),
        }
    }
    pub fn overdue(due: &Option<String>, status: &Status) -> bool {
        status.awaits_office()
            && due.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).is_some_and(|d| d < eline_app::proposals::today())
    }
    /// The file purpose's name (附件材料).
    pub fn purpose(p: &str) -> &'static str {
        eline_app::opinions::record::PURPOSES.iter().find(|(k, _)| *k == p).map(|(_, l)| *l).unwrap_or("附件")
    }
    pub fn size(n: &i64) -> String {
        super::proposals::Pf::size(n)
    }
    pub fn chars(text: &str) -> usize {
        text.trim().chars().count()
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
    record_files::attach(&state, &user, record(id), q, multipart, format!("/opinions/{id}"), page).await
}

async fn download(State(state): State<AppState>, user: PageUser, PagePath((id, file)): PagePath<(i64, i64)>) -> Result<Response, PageError> {
    record_files::download(&state, &user, record(id), file).await
}

#[cfg(test)]
mod tests {
    use super::P;
    use eline_domain::opinion::Status;

    #[test]
    fn a_waiting_report_past_its_target_is_overdue_and_a_decided_one_never_is() {
        let past = Some("2020-01-06".to_string());
        assert!(P::overdue(&past, &Status::Submitted) && P::overdue(&past, &Status::Editing));
        assert!(P::days(&past, &Status::Editing).starts_with("已超期"), "{}", P::days(&past, &Status::Editing));
        assert!(!P::overdue(&past, &Status::Adopted) && P::days(&past, &Status::Adopted).is_empty());
        let later = Some("2099-01-05".to_string());
        assert!(!P::overdue(&later, &Status::Submitted));
    }
}
