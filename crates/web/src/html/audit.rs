//! The audit log page (admins).

use super::PageQuery;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use eline_app::Page;
use eline_app::records::{Registry, SHARED_ACTIONS};
use eline_storage::audit::{Entry, Filter};
use serde::Deserialize;

use super::{F, Layout, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    action: Option<String>,
    target_type: Option<String>,
    actor: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "audit_list.html")]
struct AuditPage {
    l: Layout,
    page: Page<Entry>,
    /// Per entry of the page: the action's label and the record's (kind label, title link).
    rows: Vec<Row>,
    action: String,
    target_type: String,
    actor: String,
    actions: Vec<(&'static str, &'static str)>,
    qs: String,
}

/// How an entry's action and record read on the page.
struct Row {
    action: String,
    target: String,
    url: Option<String>,
}

fn row(records: &Registry, e: &Entry) -> Row {
    let kind = e.target_type.as_str();
    let target = match (records.get(kind), e.target_id) {
        (Some(m), Some(id)) => format!("{} #{id}", m.label()),
        (_, Some(id)) => format!("{kind} #{id}"),
        (_, None) => kind.to_string(),
    };
    let url = e.target_id.and_then(|id| records.get(kind).map(|m| m.url(id)));
    Row { action: records.action_label(kind, &e.action).to_string(), target, url }
}

async fn list(State(state): State<AppState>, user: PageUser, PageQuery(q): PageQuery<AuditQuery>) -> Result<Response, PageError> {
    let clean = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let filter = Filter { action: clean(&q.action), target_type: clean(&q.target_type), actor: clean(&q.actor), before_id: None };
    let page = state.app.list_audit(&user.actor, filter.clone(), q.cursor.as_deref(), 50).await?;
    let l = Layout::page(&state, &user, "/audit", "审计日志", &[]).await?;
    let pairs: Vec<(&str, String)> = [("action", filter.action.clone()), ("target_type", filter.target_type.clone()), ("actor", filter.actor.clone())]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    let rows = page.items.iter().map(|e| row(&state.app.records, e)).collect();
    Ok(render(&AuditPage {
        l,
        page,
        rows,
        action: filter.action.unwrap_or_default(),
        target_type: filter.target_type.unwrap_or_default(),
        actor: filter.actor.unwrap_or_default(),
        actions: SHARED_ACTIONS.to_vec(),
        qs: serde_urlencoded::to_string(pairs).unwrap_or_default(),
    }))
}
