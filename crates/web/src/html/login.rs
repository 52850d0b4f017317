//! Login, logout and the text-size switch.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use eline_app::AppError;
use eline_app::demo::{DEMO_ACCOUNTS, DEMO_PASSWORD};
use serde::Deserialize;
use tower_sessions::Session;

use super::{Layout, TEXT_COOKIE, large_text, render, render_invalid};
use crate::AppState;
use crate::auth::{FormToken, end_session, start_session};
use crate::error::{PageError, error_page};

pub fn router() -> Router<AppState> {
    Router::new().route("/login", get(login_page).post(login_submit)).route("/logout", post(logout)).route("/prefs/text-size", post(toggle_text_size))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    username: String,
    error: String,
    /// The page to return to after logging in (a safe local path, or empty).
    next: String,
    demo: Vec<(&'static str, &'static str)>,
    demo_password: &'static str,
}

async fn page(state: &AppState, form: &FormToken, headers: &HeaderMap, username: String, error: String, next: &str) -> Result<LoginPage, PageError> {
    let committee = match state.app.db.acquire().await {
        Ok(mut c) => eline_storage::committees::first(&mut c.ex()).await?.map(|c| c.short_name).unwrap_or_default(),
        Err(e) => return Err(PageError(e.into())),
    };
    let csrf = form.token.clone();
    let demo = if state.app.settings.demo { DEMO_ACCOUNTS.iter().map(|(u, d, _)| (*u, *d)).collect() } else { vec![] };
    let next = crate::auth::safe_next(next).unwrap_or("").to_string();
    Ok(LoginPage { l: Layout::public("登录", committee, csrf, large_text(headers)), username, error, next, demo, demo_password: DEMO_PASSWORD })
}

#[derive(Deserialize)]
struct NextParam {
    #[serde(default)]
    next: String,
}

async fn login_page(
    State(state): State<AppState>,
    form: FormToken,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<NextParam>,
) -> Result<Response, PageError> {
    Ok(form.apply(render(&page(&state, &form, &headers, String::new(), String::new(), &q.next).await?)))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login_submit(
    State(state): State<AppState>,
    crate::auth::ClientIp(client): crate::auth::ClientIp,
    session: Session,
    token: FormToken,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    match state.app.login(&form.username, &form.password, &client).await {
        Ok(done) => {
            start_session(&session, done.user.id, done.user.must_change_password).await?;
            let back = crate::auth::safe_next(&form.next).unwrap_or("/");
            let target = if done.user.must_change_password { "/account/password" } else { back };
            Ok(Redirect::to(target).into_response())
        }
        Err(AppError::Validation(errors)) => {
            let msg = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；");
            Ok(token.apply(render_invalid(&page(&state, &token, &headers, form.username, msg, &form.next).await?)))
        }
        Err(AppError::RateLimited { retry_after_secs }) => {
            let mins = retry_after_secs.div_ceil(60);
            let mut res = error_page(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                "登录尝试次数过多",
                &format!("为保护账号安全，登录已暂时锁定，请约{mins}分钟后再试。如忘记密码，请联系系统管理员重置。"),
            );
            res.headers_mut().insert(header::RETRY_AFTER, retry_after_secs.into());
            Ok(res)
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn logout(session: Session) -> Redirect {
    end_session(&session).await;
    Redirect::to("/login")
}

async fn toggle_text_size(headers: HeaderMap) -> Response {
    let now_large = large_text(&headers);
    let value = if now_large { "normal" } else { "large" };
    let cookie = format!("{TEXT_COOKIE}={value}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly");
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string())))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}
