//! Leaders' instructions (领导批示): the office's and leaders' list with its counts and Excel
//! file, one instruction with its follow-ups, and the forms that record them. A record's page
//! shows its instructions through `templates/record_instructions.html`; its forms post here, and
//! a form with errors comes back on its own page (any kind of record, no per-kind page code).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use eline_app::instructions::{InstructionCounts, InstructionFilter, InstructionFollowUpInput, InstructionInput, InstructionView};
use eline_domain::opinion::Level;
use eline_domain::{Access, RecordRef};
use serde::Deserialize;

use super::{Errors, F, FormData, Layout, PagePath, PageQuery, flash, form_errors, render, render_invalid, workbook};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/instructions", get(list))
        .route("/instructions/export.xlsx", get(export))
        .route("/instructions/new", get(new_form).post(create))
        .route("/instructions/{id}", get(detail))
        .route("/instructions/{id}/followups", axum::routing::post(follow_up))
}

/// Helpers of the instruction templates (`I::rank(..)`).
pub struct I;

impl I {
    pub fn rank(l: &Level) -> &'static str {
        l.label()
    }
    pub fn ranks() -> Vec<(&'static str, &'static str)> {
        Level::choices()
    }
}

#[derive(Template)]
#[template(path = "instructions_list.html")]
struct ListPage {
    l: Layout,
    f: InstructionFilter,
    counts: InstructionCounts,
    items: Vec<InstructionView>,
    next_cursor: Option<String>,
    kinds: Vec<(&'static str, &'static str)>,
}

impl ListPage {
    /// The filter as a query string (no cursor).
    fn qs(&self) -> String {
        serde_urlencoded::to_string(self.f.first_page()).unwrap_or_default()
    }
    fn year_is(&self, y: &i64) -> bool {
        self.f.year.map(i64::from) == Some(*y)
    }
    fn rank_is(&self, r: &str) -> bool {
        self.f.rank.is_some_and(|x| x.as_str() == r)
    }
    fn kind_is(&self, k: &str) -> bool {
        self.f.record_kind.as_deref() == Some(k)
    }
    /// The list narrowed to one rank or one kind (the counts' links).
    fn with_rank(&self, r: &Level) -> String {
        serde_urlencoded::to_string(InstructionFilter { rank: Some(*r), ..self.f.first_page() }).unwrap_or_default()
    }
    fn with_kind(&self, k: &str) -> String {
        serde_urlencoded::to_string(InstructionFilter { record_kind: Some(k.to_string()), ..self.f.first_page() }).unwrap_or_default()
    }
    fn scope(&self) -> String {
        match self.f.year {
            Some(y) => format!("{y}年"),
            None => "历年".into(),
        }
    }
}

async fn list(State(state): State<AppState>, user: PageUser, PageQuery(f): PageQuery<InstructionFilter>) -> Result<Response, PageError> {
    let counts = state.app.instruction_counts(&user.actor, &f).await?;
    let page = state.app.list_instructions(&user.actor, &f).await?;
    let kinds = state.app.records.kinds().into_iter().filter(|(k, _)| *k != "instruction" && *k != "member").collect();
    let l = Layout::page(&state, &user, "/instructions", "领导批示", &[]).await?;
    Ok(render(&ListPage { l, f, counts, items: page.items, next_cursor: page.next_cursor, kinds }))
}

async fn export(State(state): State<AppState>, user: PageUser, PageQuery(f): PageQuery<InstructionFilter>) -> Result<Response, PageError> {
    Ok(workbook(state.app.export_instructions(&user.actor, &f).await?))
}

#[derive(Deserialize)]
struct RecordQuery {
    /// `proposal:12`
    #[serde(default)]
    record: String,
}

impl RecordQuery {
    fn record(&self, state: &AppState) -> Result<RecordRef, PageError> {
        let (kind, id) = self.record.split_once(':').ok_or(PageError(eline_app::AppError::NotFound))?;
        let id = id.parse().map_err(|_| PageError(eline_app::AppError::NotFound))?;
        state.app.record_ref("record", kind, id).map_err(|_| PageError(eline_app::AppError::NotFound))
    }
}

#[derive(Template)]
#[template(path = "instruction_form.html")]
struct FormPage {
    l: Layout,
    record: String,
    record_title: String,
    record_url: String,
    f: InstructionInput,
    errors: Errors,
    today: String,
}

fn today() -> String {
    chrono::Utc::now().with_timezone(&eline_app::dates::beijing()).date_naive().to_string()
}

async fn form_page(state: &AppState, user: &PageUser, record: RecordRef, f: InstructionInput, errors: Errors) -> Result<FormPage, PageError> {
    let seen = state.app.see(&user.actor, record).await?;
    if seen.access != Access::Full {
        return Err(PageError(eline_app::AppError::NotFound));
    }
    let record_url = state.app.records.url(record).unwrap_or_default();
    let label = state.app.records.kind_label(record.kind.as_str());
    let crumb = (label, record_url.as_str());
    let l = Layout::page(state, user, "/instructions/new", "记录领导批示", &[crumb]).await?;
    Ok(FormPage { l, record: eline_app::instructions::record_param(record), record_title: seen.title, record_url, f, errors, today: today() })
}

async fn new_form(State(state): State<AppState>, user: PageUser, PageQuery(q): PageQuery<RecordQuery>) -> Result<Response, PageError> {
    let record = q.record(&state)?;
    let f = InstructionInput { given_on: today(), rank: "city".into(), ..Default::default() };
    Ok(render(&form_page(&state, &user, record, f, Errors::default()).await?))
}

async fn create(State(state): State<AppState>, user: PageUser, PageQuery(q): PageQuery<RecordQuery>, body: Bytes) -> Result<Response, PageError> {
    let record = q.record(&state)?;
    let form = FormData::parse(&body);
    let input: InstructionInput = crate::form::parse(&form.0).map_err(PageError)?;
    match state.app.record_instruction(&user.actor, record, &input).await {
        Ok(v) => {
            flash(&user.session, &format!("已记录{}批示", v.instruction.leader_name)).await;
            let back = v.record_url.unwrap_or_else(|| format!("/instructions/{}", v.instruction.id));
            Ok(Redirect::to(&format!("{back}#instructions")).into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            Ok(render_invalid(&form_page(&state, &user, record, input, errors).await?))
        }
    }
}

#[derive(Template)]
#[template(path = "instruction_detail.html")]
struct DetailPage {
    l: Layout,
    v: InstructionView,
    f: InstructionFollowUpInput,
    errors: Errors,
    today: String,
}

async fn detail_page(state: &AppState, user: &PageUser, id: i64, f: InstructionFollowUpInput, errors: Errors) -> Result<DetailPage, PageError> {
    let v = state.app.get_instruction(&user.actor, id).await?;
    let title = eline_app::instructions::record::title(&v.instruction.leader_name, &v.instruction.leader_post);
    let l = Layout::page(state, user, &format!("/instructions/{id}"), title, &[("领导批示", "/instructions")]).await?;
    Ok(DetailPage { l, v, f, errors, today: today() })
}

async fn detail(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let f = InstructionFollowUpInput { done_on: today(), ..Default::default() };
    Ok(render(&detail_page(&state, &user, id, f, Errors::default()).await?))
}

async fn follow_up(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let form = FormData::parse(&body);
    let input: InstructionFollowUpInput = crate::form::parse(&form.0).map_err(PageError)?;
    match state.app.add_followup(&user.actor, id, &input).await {
        Ok(_) => {
            flash(&user.session, "已记录批示落实情况").await;
            Ok(Redirect::to(&format!("/instructions/{id}")).into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            Ok(render_invalid(&detail_page(&state, &user, id, input, errors).await?))
        }
    }
}

/// The instructions part of a record's page (`templates/record_instructions.html`): empty for
/// those who do not see the record whole.
pub async fn of_record(state: &AppState, user: &PageUser, record: RecordRef) -> Result<RecordInstructionsPart, PageError> {
    let ins = match state.app.instructions_of(&user.actor, record).await {
        Ok(i) => i,
        Err(eline_app::AppError::NotFound) => Default::default(),
        Err(e) => return Err(PageError(e)),
    };
    Ok(RecordInstructionsPart { ins, record: eline_app::instructions::record_param(record), today: today(), ranks: Level::choices() })
}

/// What `record_instructions.html` reads (as `ri`).
#[derive(Debug, Clone, Default)]
pub struct RecordInstructionsPart {
    pub ins: eline_app::instructions::RecordInstructions,
    /// `proposal:12`: where the form posts.
    pub record: String,
    pub today: String,
    /// The ranks' (value, label) for the form.
    pub ranks: Vec<(&'static str, &'static str)>,
}
