//! The audit log page (admins).

use super::PageQuery;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use eline_app::Page;
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

/// Chinese names of the recorded actions.
pub fn action_label(a: &str) -> &str {
    match a {
        "create" => "新建",
        "update" => "修改",
        "archive" => "归档",
        "restore" => "恢复",
        "import" => "导入",
        "login" => "登录",
        "login_failed" => "登录失败",
        "password_changed" => "修改密码",
        "password_reset" => "重置密码",
        "token_created" => "创建令牌",
        "token_revoked" => "吊销令牌",
        "tokens_revoked" => "吊销全部令牌",
        "permission_denied" => "越权被拒",
        "demo_loaded" => "加载演示数据",
        "calendar_set" => "调整工作日历",
        "calendar_cleared" => "撤销日历调整",
        "settings_changed" => "修改设置",
        other => eline_domain::proposal::Act::parse(other).map(|a| a.label()).unwrap_or(other),
    }
}

const ACTIONS: [&str; 17] = [
    "create",
    "update",
    "archive",
    "restore",
    "import",
    "login",
    "login_failed",
    "password_changed",
    "password_reset",
    "token_created",
    "token_revoked",
    "tokens_revoked",
    "permission_denied",
    "demo_loaded",
    "calendar_set",
    "calendar_cleared",
    "settings_changed",
];

#[derive(Template)]
#[template(path = "audit_list.html")]
struct AuditPage {
    l: Layout,
    page: Page<Entry>,
    action: String,
    target_type: String,
    actor: String,
    actions: Vec<(&'static str, &'static str)>,
    qs: String,
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
    Ok(render(&AuditPage {
        l,
        page,
        action: filter.action.unwrap_or_default(),
        target_type: filter.target_type.unwrap_or_default(),
        actor: filter.actor.unwrap_or_default(),
        actions: ACTIONS.iter().map(|a| (*a, action_label(a))).collect(),
        qs: serde_urlencoded::to_string(pairs).unwrap_or_default(),
    }))
}
