//! The proposal lists: the tabs an actor may open (`policy::proposal_scopes`), the filter form
//! (the same `ProposalFilter` the API takes), bulk assignment for the office.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use eline_app::proposals::{AssignInput, ProposalFilter, StatusTally};
use eline_app::{AppError, Page};
use eline_domain::FieldError;
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{self, Action, Resource, Scope, can};
use eline_domain::proposal::{Kind, ListSort, Queue, Status};
use eline_storage::directory::{Entry, Session};
use eline_storage::proposals::Row;

use super::{P, office};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::{Errors, FormData, Layout, PageQuery, flash, form_errors, render, render_invalid};

/// A link to a proposal list (home pages, statistics, the pager).
pub fn proposals_href(f: &ProposalFilter) -> String {
    match serde_urlencoded::to_string(f).unwrap_or_default() {
        qs if qs.is_empty() => "/proposals".into(),
        qs => format!("/proposals?{qs}"),
    }
}

#[derive(Template)]
#[template(path = "proposals_list.html")]
struct ListPage {
    l: Layout,
    page: Page<Row>,
    f: ProposalFilter,
    scopes: Vec<(Scope, &'static str)>,
    sessions: Vec<Session>,
    /// The handling units and sectors the filter offers.
    units: Vec<Entry>,
    sectors: Vec<Entry>,
    /// The committee's 提案分类.
    categories: Vec<String>,
    office: bool,
    /// The session's proposals by status (the office, a session chosen): one line above the table.
    tally: Vec<StatusTally>,
    stats: bool,
    can_write: bool,
    errors: Errors,
}

impl ListPage {
    fn tab(&self, scope: &Scope) -> String {
        proposals_href(&ProposalFilter::scope(*scope))
    }
    fn current(&self, scope: &Scope) -> bool {
        self.f.scope == Some(*scope)
    }
    fn next(&self, cursor: &str) -> String {
        proposals_href(&ProposalFilter { cursor: Some(cursor.into()), ..self.f.clone() })
    }
    fn queue_label(&self) -> Option<&'static str> {
        self.f.queue.map(Queue::label)
    }
    fn statuses(&self) -> &'static [Status] {
        Status::ALL
    }
    fn status_is(&self, s: &Status) -> bool {
        self.f.status == Some(*s)
    }
    fn session_is(&self, id: &i64) -> bool {
        self.f.session_id == Some(*id)
    }
    fn due_is(&self, days: i64) -> bool {
        self.f.due_within_days == Some(days)
    }
    /// The export of this list as filtered (every page, not only this one).
    fn export_href(&self) -> String {
        let f = ProposalFilter { cursor: None, limit: None, ..self.f.clone() };
        match serde_urlencoded::to_string(&f).unwrap_or_default() {
            qs if qs.is_empty() => "/proposals/export.xlsx".into(),
            qs => format!("/proposals/export.xlsx?{qs}"),
        }
    }
    fn unit_is(&self, id: &i64) -> bool {
        self.f.unit_id == Some(*id)
    }
    fn sector_is(&self, id: &i64) -> bool {
        self.f.sector_id == Some(*id)
    }
    fn category_is(&self, c: &str) -> bool {
        self.f.category.as_deref() == Some(c)
    }
    fn sorts(&self) -> &'static [ListSort] {
        ListSort::ALL
    }
    fn sort_is(&self, s: &ListSort) -> bool {
        self.f.order() == *s
    }
    /// The same list in another order, from its first page.
    fn sorted(&self, s: &ListSort) -> String {
        proposals_href(&ProposalFilter { sort: Some(*s), ..self.f.first_page() })
    }
    /// What narrows the list, as the closed filter box's summary says it ("届次：十三届五次会议 · 重点提案").
    /// The list narrowed to one status (the tally's links).
    fn with_status(&self, s: &Status) -> String {
        proposals_href(&ProposalFilter { status: Some(*s), ..self.f.first_page() })
    }
    fn tally_total(&self) -> i64 {
        self.tally.iter().map(|t| t.count).sum()
    }
    fn filter_summary(&self) -> String {
        let f = &self.f;
        let name = |list: &[Entry], id: Option<i64>| id.and_then(|id| list.iter().find(|e| e.id == id)).map(|e| e.name.clone());
        let mut parts = Vec::new();
        if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
            parts.push(format!("标题含“{}”", q.trim()));
        }
        if let Some(s) = f.status {
            parts.push(s.label().to_string());
        }
        if let Some(s) = f.session_id.and_then(|id| self.sessions.iter().find(|s| s.id == id)) {
            parts.push(s.name());
        }
        if let Some(u) = name(&self.units, f.unit_id) {
            parts.push(u);
        }
        if let Some(s) = name(&self.sectors, f.sector_id) {
            parts.push(s);
        }
        if let Some(c) = &f.category {
            parts.push(c.clone());
        }
        if let Some(d) = f.due_within_days {
            parts.push(if d <= 0 { "已超期".to_string() } else { format!("{d}天内到期") });
        }
        if f.key_only {
            parts.push("重点提案".into());
        }
        parts.join(" · ")
    }
    fn text(&self) -> &str {
        self.f.q.as_deref().unwrap_or("")
    }
}

async fn list_page(state: &AppState, user: &PageUser, mut f: ProposalFilter, errors: Errors) -> Result<ListPage, PageError> {
    let actor = &user.actor;
    // The page always shows 50; the tab of the list shown is marked.
    f.limit = None;
    f.scope = Some(f.scope.unwrap_or_else(|| policy::default_scope(actor)));
    let page = state.app.list_proposals(actor, &f).await?;
    let office = office(actor);
    let units = state.app.directory_choices(actor, DirectoryKind::Unit).await?;
    let sectors = state.app.directory_choices(actor, DirectoryKind::Sector).await?;
    let categories = state.app.current_proposal_rules(actor).await?.categories;
    let stats = can(actor, Action::ViewProposalStats, Resource::Any);
    // The office's whole list of a session (leaders' lists leave out what is not filed).
    let tally = match f.session_id {
        Some(s) if office && f.scope == Some(Scope::All) => state.app.session_tally(actor, s).await?,
        _ => vec![],
    };
    let sessions = state.app.list_sessions(actor, false, None, 50).await?.items;
    let l = Layout::page(state, user, "/proposals", "提案", &[]).await?;
    Ok(ListPage {
        l,
        page,
        scopes: policy::proposal_scopes(actor),
        sessions,
        units,
        sectors,
        categories,
        office,
        tally,
        stats,
        can_write: Kind::ALL.iter().any(|k| can(actor, Action::WriteProposal(*k), Resource::Any)),
        errors,
        f,
    })
}

pub(super) async fn list(State(state): State<AppState>, user: PageUser, PageQuery(f): PageQuery<ProposalFilter>) -> Result<Response, PageError> {
    Ok(render(&list_page(&state, &user, f, Errors::default()).await?))
}

/// The list as filtered, as an Excel file (导出Excel).
pub(super) async fn export(State(state): State<AppState>, user: PageUser, PageQuery(f): PageQuery<ProposalFilter>) -> Result<Response, PageError> {
    Ok(crate::html::workbook(state.app.export_proposals(&user.actor, &f).await?))
}

pub(super) async fn bulk_assign(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let mut errs = Vec::new();
    let items: Vec<(i64, Option<i64>)> = f.ints("ids").into_iter().map(|id| (id, None)).collect();
    let input = AssignInput {
        lead_unit_id: f.int("lead_unit_id", "主办单位", &mut errs),
        co_unit_ids: f.ints("co_unit_ids"),
        split_unit_ids: vec![],
        comment: f.opt("comment"),
        version: None,
    };
    let result = if errs.is_empty() { state.app.assign_many(&user.actor, &items, &input).await } else { Err(AppError::Validation(errs)) };
    let filed = ProposalFilter { status: Some(Status::Filed), ..ProposalFilter::default() };
    match result {
        Ok(n) => {
            flash(&user.session, &format!("已交办{n}件提案")).await;
            Ok(Redirect::to(&proposals_href(&ProposalFilter { status: Some(Status::Assigned), ..ProposalFilter::default() })).into_response())
        }
        Err(AppError::InvalidTransition(m)) => {
            let errors = Errors::from_list(&[FieldError::new("ids", m)]);
            Ok(render_invalid(&list_page(&state, &user, filed, errors).await?))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            Ok(render_invalid(&list_page(&state, &user, filed, errors).await?))
        }
    }
}
