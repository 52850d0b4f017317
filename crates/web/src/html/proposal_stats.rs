//! Proposal statistics (提案统计) and the session's proposal catalogue (提案目录): pages for the
//! office and leaders, each with its spreadsheet.

use super::PageQuery;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use eline_app::proposals::{Catalogue, GroupStats, ProposalFilter, ProposalStats, STATS_DEFINITIONS, percent};
use eline_domain::policy::{self, Scope, ScopeRule};
use eline_domain::proposal::Status;
use eline_storage::directory::Session;
use serde::Deserialize;

use super::proposals::proposals_href;
use super::{Layout, render, workbook};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/proposals/stats", get(stats))
        .route("/proposals/stats.xlsx", get(stats_xlsx))
        .route("/proposals/catalogue", get(catalogue))
        .route("/proposals/catalogue.xlsx", get(catalogue_xlsx))
}

#[derive(Deserialize, Default)]
struct Params {
    session_id: Option<String>,
}

impl Params {
    /// Empty or not a number: all sessions (statistics) or the latest (catalogue).
    fn session_id(&self) -> Option<i64> {
        self.session_id.as_deref().and_then(|s| s.trim().parse().ok())
    }

    /// The statistics' scope: `all` is every session, a number that session, nothing (or
    /// anything else) the current session.
    async fn stats_session(&self, state: &AppState, user: &PageUser) -> Result<Option<i64>, PageError> {
        match self.session_id.as_deref().map(str::trim) {
            Some("all") => Ok(None),
            _ => match self.session_id() {
                Some(id) => Ok(Some(id)),
                None => Ok(state.app.current_session_id(&user.actor).await?),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "proposal_stats.html")]
struct StatsPage {
    l: Layout,
    s: ProposalStats,
    sessions: Vec<Session>,
    /// The viewer's list of all proposals (the office's holds them before filing; leaders' only
    /// filed ones).
    all: Option<ScopeRule>,
}

impl StatsPage {
    fn pct(&self, rate: &Option<f64>) -> String {
        percent(*rate)
    }

    /// `session_id=…` for links to the spreadsheet and the catalogue, or nothing.
    fn qs(&self) -> String {
        format!("session_id={}", self.s.session_id.map(|id| id.to_string()).unwrap_or_else(|| "all".into()))
    }

    /// The catalogue is of one session: the one shown, else the latest.
    fn catalogue_qs(&self) -> String {
        self.s.session_id.map(|id| format!("?session_id={id}")).unwrap_or_default()
    }

    fn definitions(&self) -> &'static [(&'static str, &'static str)] {
        &STATS_DEFINITIONS
    }

    /// The list of the category's proposals (this session).
    fn category_href(&self, name: &str) -> String {
        match self.all {
            Some(_) if name != "未分类" => {
                proposals_href(&ProposalFilter { category: Some(name.to_string()), session_id: self.s.session_id, ..ProposalFilter::scope(Scope::All) })
            }
            _ => String::new(),
        }
    }

    /// The viewer's list of proposals in `status` (this session), when that list holds them.
    fn status_href(&self, status: &str) -> String {
        match (self.all, Status::parse(status)) {
            (Some(rule), Some(status)) if rule.holds_status(status) => {
                proposals_href(&ProposalFilter { status: Some(status), session_id: self.s.session_id, ..ProposalFilter::scope(Scope::All) })
            }
            _ => String::new(),
        }
    }

    fn key_href(&self) -> String {
        proposals_href(&ProposalFilter { key_only: true, session_id: self.s.session_id, ..ProposalFilter::scope(Scope::All) })
    }

    /// (anchor, heading, first column, rows) of the sector and organisation tables.
    fn group_tables(&self) -> [(&'static str, &'static str, &'static str, &[GroupStats]); 3] {
        [
            ("h-categories", "各类提案（按提案分类）", "提案分类", &self.s.categories),
            ("h-sectors", "各界别提案（按第一提案人界别）", "界别", &self.s.sectors),
            ("h-orgs", "党派团体集体提案", "党派团体", &self.s.organizations),
        ]
    }

    fn selected(&self, id: &i64) -> bool {
        self.s.session_id == Some(*id)
    }
}

async fn stats(State(state): State<AppState>, user: PageUser, PageQuery(p): PageQuery<Params>) -> Result<Response, PageError> {
    let s = state.app.proposal_stats(&user.actor, p.stats_session(&state, &user).await?).await?;
    let sessions = state.app.list_sessions(&user.actor, false, None, 50).await?.items;
    let l = Layout::page(&state, &user, "/proposals/stats", "提案统计", &[("提案", "/proposals")]).await?;
    Ok(render(&StatsPage { l, s, sessions, all: policy::proposal_scope(&user.actor, Scope::All) }))
}

async fn stats_xlsx(State(state): State<AppState>, user: PageUser, PageQuery(p): PageQuery<Params>) -> Result<Response, PageError> {
    Ok(workbook(state.app.proposal_stats_xlsx(&user.actor, p.stats_session(&state, &user).await?).await?))
}

#[derive(Template)]
#[template(path = "proposal_catalogue.html")]
struct CataloguePage {
    l: Layout,
    c: Catalogue,
    sessions: Vec<Session>,
}

async fn catalogue(State(state): State<AppState>, user: PageUser, PageQuery(p): PageQuery<Params>) -> Result<Response, PageError> {
    let c = state.app.proposal_catalogue(&user.actor, p.session_id()).await?;
    let sessions = state.app.list_sessions(&user.actor, false, None, 50).await?.items;
    let l = Layout::page(&state, &user, "/proposals/catalogue", format!("{}提案目录", c.session_name), &[("提案", "/proposals")]).await?;
    Ok(render(&CataloguePage { l, c, sessions }))
}

async fn catalogue_xlsx(State(state): State<AppState>, user: PageUser, PageQuery(p): PageQuery<Params>) -> Result<Response, PageError> {
    Ok(workbook(state.app.proposal_catalogue_xlsx(&user.actor, p.session_id()).await?))
}
