//! The report lists as tabs: the office's queues (社情民意待处理 and 资政之声待处理 oldest target
//! first, 待编发, 下级报送) and its whole list; an author's own reports and, for members, the
//! published ones; leaders' adopted reports, 资政之声 first. The filter form is the same
//! `OpinionFilter` the API takes.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use eline_app::Page;
use eline_app::opinions::OpinionFilter;
use eline_domain::opinion::{self, Channel, Queue, Scope, Status};
use eline_domain::{Actor, Role};
use eline_storage::opinions::Row;

use super::P;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::{Layout, PageQuery, render};

/// A link to a report list (home page, tabs, pager).
pub fn opinions_href(f: &OpinionFilter) -> String {
    match serde_urlencoded::to_string(f).unwrap_or_default() {
        qs if qs.is_empty() => "/opinions".into(),
        qs => format!("/opinions?{qs}"),
    }
}

/// A tab of the list page.
pub struct Tab {
    pub label: String,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "opinions_list.html")]
struct ListPage {
    l: Layout,
    page: Page<Row>,
    f: OpinionFilter,
    tabs: Vec<Tab>,
    can_write: bool,
    office: bool,
    /// The list is a queue read oldest target first (days left shown).
    by_due: bool,
    /// May read the statistics (the office, leaders) and import past years (the office).
    stats: bool,
    import: bool,
}

impl ListPage {
    /// This list (as filtered) as XLSX.
    fn export_href(&self) -> String {
        opinions_href(&self.f.first_page()).replacen("/opinions", "/opinions/export.xlsx", 1)
    }
    fn next(&self, cursor: &str) -> String {
        opinions_href(&OpinionFilter { cursor: Some(cursor.into()), ..self.f.clone() })
    }
    fn statuses(&self) -> &'static [Status] {
        Status::ALL
    }
    fn status_is(&self, s: &Status) -> bool {
        self.f.status == Some(*s)
    }
    fn channels(&self) -> &'static [Channel] {
        Channel::ALL
    }
    fn channel_is(&self, c: &Channel) -> bool {
        self.f.channel == Some(*c)
    }
    fn text(&self) -> &str {
        self.f.q.as_deref().unwrap_or("")
    }
    fn year_text(&self) -> String {
        self.f.year.map(|y| y.to_string()).unwrap_or_default()
    }
    /// What narrows the list beyond its tab, as the filter box's summary says it.
    fn filter_summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(q) = self.f.q.as_deref().filter(|q| !q.trim().is_empty()) {
            parts.push(format!("标题含“{}”", q.trim()));
        }
        if let Some(s) = self.f.status {
            parts.push(s.label().to_string());
        }
        if let Some(y) = self.f.year {
            parts.push(format!("{y}年"));
        }
        parts.join(" · ")
    }
    fn empty_text(&self) -> &'static str {
        match (self.f.queue, self.f.scope) {
            (Some(Queue::Opinion | Queue::Direct), _) => "没有等待处理的信息。",
            (Some(Queue::ToCompile), _) => "没有待编发的已录用信息。",
            (_, Some(Scope::Mine)) if self.can_write => "您还没有报送信息。点击“撰写信息”反映社情民意，一事一报。",
            (_, Some(Scope::Published)) => "还没有刊发的信息。",
            _ => "没有符合条件的信息。",
        }
    }
}

/// The tabs the actor may open, each a filter; the office's queues first.
fn tabs(actor: &Actor, f: &OpinionFilter, counts: Option<&eline_storage::opinions::Queues>) -> Vec<Tab> {
    let mut out: Vec<(String, OpinionFilter)> = Vec::new();
    if actor.has(Role::Staff) {
        let n = |k: Option<i64>| k.filter(|n| *n > 0).map(|n| format!("（{n}）")).unwrap_or_default();
        out.push((format!("{}{}", Queue::Opinion.label(), n(counts.map(|c| c.opinion))), OpinionFilter::queue(Queue::Opinion)));
        out.push((format!("{}{}", Queue::Direct.label(), n(counts.map(|c| c.direct))), OpinionFilter::queue(Queue::Direct)));
        out.push((format!("{}{}", Queue::ToCompile.label(), n(counts.map(|c| c.to_compile))), OpinionFilter::queue(Queue::ToCompile)));
        let below = OpinionFilter { from_below: true, ..OpinionFilter::scope(Scope::All) };
        out.push((format!("下级报送{}", n(counts.map(|c| c.from_below))), below));
    } else if actor.has(Role::Leader) {
        for c in [Channel::Direct, Channel::Opinion] {
            out.push((format!("已录用的{}", c.label()), OpinionFilter { channel: Some(c), ..OpinionFilter::scope(Scope::All) }));
        }
    }
    for (scope, label) in opinion::scopes(actor) {
        if actor.has(Role::Leader) && !actor.has(Role::Staff) && scope == Scope::All {
            continue;
        }
        out.push((label.to_string(), OpinionFilter::scope(scope)));
    }
    let key = |g: &OpinionFilter| (g.scope, g.queue, g.from_below, g.channel);
    let here = key(f);
    out.into_iter().map(|(label, g)| Tab { current: key(&g) == here, href: opinions_href(&g), label }).collect()
}

/// The list an actor opens without choosing: the office's 社情民意 queue, a leader's adopted
/// 资政之声, an author's own reports.
fn first_list(actor: &Actor) -> OpinionFilter {
    if actor.has(Role::Staff) {
        OpinionFilter::queue(Queue::Opinion)
    } else if actor.has(Role::Leader) {
        OpinionFilter { channel: Some(Channel::Direct), ..OpinionFilter::scope(Scope::All) }
    } else {
        OpinionFilter { scope: opinion::default_scope(actor), ..OpinionFilter::default() }
    }
}

pub(super) async fn list(State(state): State<AppState>, user: PageUser, PageQuery(mut f): PageQuery<OpinionFilter>) -> Result<Response, PageError> {
    let actor = &user.actor;
    if f == OpinionFilter::default() {
        f = first_list(actor);
    }
    // The page always shows 50; the tab shown is marked.
    f.limit = None;
    if f.scope.is_none() {
        f.scope = opinion::default_scope(actor);
    }
    let page = state.app.list_opinions(actor, &f).await?;
    let office = actor.has(Role::Staff);
    let counts = if office { state.app.opinion_home(actor).await?.queues } else { None };
    let l = Layout::page(&state, &user, "/opinions", "社情民意", &[]).await?;
    Ok(render(&ListPage {
        l,
        page,
        tabs: tabs(actor, &f, counts.as_ref()),
        can_write: opinion::may_write(actor),
        office,
        by_due: f.by_due(),
        stats: eline_domain::policy::can(actor, eline_domain::policy::Action::ViewOpinionStats, eline_domain::policy::Resource::Any),
        import: eline_domain::policy::can(actor, eline_domain::policy::Action::ImportOpinions, eline_domain::policy::Resource::Any),
        f,
    }))
}
