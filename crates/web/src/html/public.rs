//! Pages for the public, without an account: published proposals and their replies.

use super::PagePath;
use super::PageQuery;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use eline_app::Page;
use eline_app::proposals::PublicProposal;
use eline_storage::proposals::Row;
use serde::Deserialize;

use super::proposals::P;
use super::{F, Layout, large_text, render};
use crate::AppState;
use crate::auth::FormToken;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new().route("/public/proposals", get(list)).route("/public/proposals/{id}", get(detail))
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "public_list.html")]
struct ListPage {
    l: Layout,
    page: Page<Row>,
    q: String,
}

async fn layout(state: &AppState, form: &FormToken, headers: &HeaderMap, title: &str) -> Result<(Layout, i64), PageError> {
    let (cid, name) = state.app.public_committee().await?;
    let mut l = Layout::public(title, name, form.token.clone(), large_text(headers));
    l.crumbs = vec![("公开的提案".into(), "/public/proposals".into())];
    Ok((l, cid))
}

async fn list(State(state): State<AppState>, form: FormToken, headers: HeaderMap, PageQuery(q): PageQuery<ListQuery>) -> Result<Response, PageError> {
    let (l, cid) = layout(&state, &form, &headers, "公开的提案").await?;
    let text = q.q.clone().filter(|s| !s.trim().is_empty());
    let page = state.app.public_proposals(cid, text.clone(), q.cursor.as_deref(), 50).await?;
    Ok(form.apply(render(&ListPage { l, page, q: text.unwrap_or_default() })))
}

#[derive(Template)]
#[template(path = "public_detail.html")]
struct DetailPage {
    l: Layout,
    p: PublicProposal,
}

async fn detail(State(state): State<AppState>, form: FormToken, headers: HeaderMap, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let (mut l, cid) = layout(&state, &form, &headers, "提案").await?;
    let p = state.app.public_proposal(cid, id).await?;
    l.title = p.title.clone();
    l.crumbs.push((p.title.clone(), String::new()));
    Ok(form.apply(render(&DetailPage { l, p })))
}
