//! Importing past years' 社情民意 reports (the information office).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use eline_app::AppError;
use eline_app::members::{ImportOutcome, LISTED_ERRORS, RowError};
use eline_domain::policy::{Action, Resource, can};

use super::{Layout, flash, render, render_invalid};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new().route("/opinions/import", get(page).post(submit)).route("/opinions/import/template.xlsx", get(template))
}

#[derive(Template)]
#[template(path = "opinions_import.html")]
struct ImportPage {
    l: Layout,
    errors: Vec<RowError>,
    message: String,
}

async fn layout(state: &AppState, user: &PageUser) -> Result<Layout, PageError> {
    Layout::page(state, user, "/opinions/import", "导入历史社情民意信息", &[("社情民意", "/opinions")]).await
}

async fn page(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    if !can(&user.actor, Action::ImportOpinions, Resource::Any) {
        return Err(PageError(AppError::Forbidden));
    }
    Ok(render(&ImportPage { l: layout(&state, &user).await?, errors: vec![], message: String::new() }))
}

async fn submit(State(state): State<AppState>, user: PageUser, multipart: crate::html::Upload) -> Result<Response, PageError> {
    let outcome = match super::read_upload(multipart).await {
        Ok((name, bytes)) => state.app.import_opinion_history(&user.actor, &name, &bytes).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(ImportOutcome::Imported(n)) => {
            flash(&user.session, &format!("已导入{n}篇历史社情民意信息")).await;
            Ok(Redirect::to("/opinions/stats?year=all").into_response())
        }
        Ok(ImportOutcome::Rejected(mut errors)) => {
            let message = if errors.len() > LISTED_ERRORS {
                format!("文件中有{}处问题，本次没有导入任何信息。下表列出前{LISTED_ERRORS}处，请修改后重新上传。", errors.len())
            } else {
                format!("文件中有{}处问题，本次没有导入任何信息。请按下表修改后重新上传。", errors.len())
            };
            errors.truncate(LISTED_ERRORS);
            Ok(render_invalid(&ImportPage { l: layout(&state, &user).await?, errors, message }))
        }
        Err(AppError::Validation(list)) => {
            let message = list.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；");
            Ok(render_invalid(&ImportPage { l: layout(&state, &user).await?, errors: vec![], message }))
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn template(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(super::members_xlsx("历史社情民意信息导入模板.xlsx", state.app.opinion_history_template(&user.actor)?))
}
