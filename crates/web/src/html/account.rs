//! The user's own account: password change (forced at first login) and API tokens.

use super::PagePath;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use eline_storage::users::Token;

use super::{Errors, F, FormData, Layout, flash, form_errors, render, render_invalid};
use crate::AppState;
use crate::auth::{PageUser, clear_must_change};
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(account))
        .route("/account/password", get(password_page).post(change_password))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    l: Layout,
    tokens: Vec<Token>,
    new_secret: Option<String>,
    errors: Errors,
    forced: bool,
    now: i64,
    ttl_days: i64,
    own_tokens: bool,
}

async fn page(state: &AppState, user: &PageUser, path: &str, new_secret: Option<String>, errors: Errors) -> Result<AccountPage, PageError> {
    let forced = user.session.get::<bool>("must_change_password").await.ok().flatten().unwrap_or(false);
    let title = if path == "/account/password" { "修改密码" } else { "我的账号" };
    let l = Layout::page(state, user, path, title, &[]).await?;
    let tokens = if forced { vec![] } else { state.app.list_tokens(&user.actor).await? };
    Ok(AccountPage { l, tokens, new_secret, errors, forced, now: eline_storage::now_micros(), ttl_days: state.app.settings.token_ttl_days, own_tokens: true })
}

async fn account(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(render(&page(&state, &user, "/account", None, Errors::default()).await?))
}

async fn password_page(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(render(&page(&state, &user, "/account/password", None, Errors::default()).await?))
}

async fn change_password(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    match state.app.change_password(&user.actor, f.get("current_password"), f.get("password"), f.get("confirm_password"), None).await {
        Ok(()) => {
            // Other sessions were ended; this one continues under a fresh id.
            crate::auth::start_session(&user.session, user.actor.user_id, false).await?;
            clear_must_change(&user.session).await;
            flash(&user.session, "密码已修改").await;
            Ok(Redirect::to("/").into_response())
        }
        Err(e) => Ok(render_invalid(&page(&state, &user, "/account/password", None, form_errors(e)?).await?)),
    }
}

async fn create_token(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    match state.app.create_token(&user.actor, f.get("name")).await {
        Ok((_, secret)) => Ok(render(&page(&state, &user, "/account", Some(secret), Errors::default()).await?)),
        Err(e) => Ok(render_invalid(&page(&state, &user, "/account", None, form_errors(e)?).await?)),
    }
}

async fn revoke_token(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    state.app.revoke_token(&user.actor, id).await?;
    flash(&user.session, "令牌已吊销").await;
    Ok(Redirect::to("/account").into_response())
}
