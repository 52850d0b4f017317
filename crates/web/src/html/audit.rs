//! The audit log page (admins): filters by action, record type, account and days (pickers, not
//! free text), logins hidden on request, and the hash chain checked on the spot.

use super::PageQuery;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use eline_app::audit::{AuditChoices, day_range, target_label};
use eline_app::records::Registry;
use eline_app::{AppError, Page};
use eline_storage::audit::{Entry, Filter};
use serde::{Deserialize, Serialize};

use super::{F, Layout, flash, render, render_invalid};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list)).route("/audit/verify", post(verify))
}

/// The page's query: what the filter form sends (and the pager carries on).
#[derive(Deserialize, Serialize, Default, Clone)]
struct AuditQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    action: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    target_type: String,
    /// An account (id) from the picker.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    user: String,
    /// First and last day, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    from: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    to: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    hide_logins: String,
    #[serde(default, skip_serializing)]
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "audit_list.html")]
struct AuditPage {
    l: Layout,
    page: Page<Entry>,
    /// Per entry of the page: the action's label and the record's (kind label, title link).
    rows: Vec<Row>,
    q: AuditQuery,
    choices: AuditChoices,
    error: String,
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
    let label = target_label(records, kind);
    let target = match e.target_id {
        Some(id) => format!("{label} #{id}"),
        None => label,
    };
    let url = e.target_id.and_then(|id| records.get(kind).map(|m| m.url(id)));
    Row { action: records.action_label(kind, &e.action).to_string(), target, url }
}

fn filter_of(q: &AuditQuery) -> Result<Filter, AppError> {
    let some = |v: &str| Some(v.trim().to_string()).filter(|s| !s.is_empty());
    let (from, until) = day_range(Some(&q.from), Some(&q.to))?;
    let actor_user_id = match some(&q.user) {
        Some(u) => Some(u.parse::<i64>().map_err(|_| AppError::field("user", "请从列表中选择操作人"))?),
        None => None,
    };
    Ok(Filter {
        action: some(&q.action),
        target_type: some(&q.target_type),
        actor_user_id,
        from,
        until,
        hide_logins: !q.hide_logins.is_empty(),
        ..Filter::default()
    })
}

async fn list(State(state): State<AppState>, user: PageUser, PageQuery(q): PageQuery<AuditQuery>) -> Result<Response, PageError> {
    let choices = state.app.audit_choices(&user.actor).await?;
    let l = Layout::page(&state, &user, "/audit", "审计日志", &[]).await?;
    let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
    let (page, error) = match filter_of(&q) {
        Ok(filter) => (state.app.list_audit(&user.actor, filter, q.cursor.as_deref(), 50).await?, String::new()),
        Err(AppError::Validation(errors)) => {
            (Page { items: vec![], next_cursor: None }, errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"))
        }
        Err(e) => return Err(PageError(e)),
    };
    let rows = page.items.iter().map(|e| row(&state.app.records, e)).collect();
    let invalid = !error.is_empty();
    let p = AuditPage { l, page, rows, q, choices, error, qs };
    Ok(if invalid { render_invalid(&p) } else { render(&p) })
}

/// Checks the whole hash chain now and says what it found.
async fn verify(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let message = match state.app.verify_audit_as(&user.actor).await? {
        Ok(n) => format!("哈希链完整：共{n}条记录，逐条核对无误。"),
        Err(b) => format!("哈希链在第{}条记录处断开：{}。请立即报告并保留数据库备份。", b.entry_id, b.reason),
    };
    flash(&user.session, &message).await;
    Ok(Redirect::to("/audit").into_response())
}
