//! A handling unit's reply templates (答复模板).

use super::PagePath;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use eline_storage::reply_templates::ReplyTemplate;

use super::{Errors, FormData, Layout, flash, form_errors, render, render_invalid};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new().route("/unit/templates", get(list).post(create)).route("/unit/templates/{id}/archive", post(archive))
}

#[derive(Template)]
#[template(path = "reply_templates.html")]
struct ListPage {
    l: Layout,
    templates: Vec<ReplyTemplate>,
    f: FormData,
    errors: Errors,
}

async fn page(state: &AppState, user: &PageUser, f: FormData, errors: Errors) -> Result<ListPage, PageError> {
    let templates = state.app.reply_templates(&user.actor).await?;
    let l = Layout::page(state, user, "/unit/templates", "答复模板", &[("提案", "/proposals")]).await?;
    Ok(ListPage { l, templates, f, errors })
}

async fn list(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(render(&page(&state, &user, FormData::default(), Errors::default()).await?))
}

async fn create(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    match state.app.create_reply_template(&user.actor, f.get("name"), f.get("text")).await {
        Ok(t) => {
            flash(&user.session, &format!("已保存模板“{}”", t.name)).await;
            Ok(Redirect::to("/unit/templates").into_response())
        }
        Err(e) => Ok(render_invalid(&page(&state, &user, f, form_errors(e)?).await?)),
    }
}

async fn archive(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let t = state.app.archive_reply_template(&user.actor, id).await?;
    flash(&user.session, &format!("已归档模板“{}”", t.name)).await;
    Ok(Redirect::to("/unit/templates").into_response())
}
