//! The approver's leave queue (approve or deny in the row), the member's calendar-feed page
//! (the secret link shown once when made, in https and webcal form; made again, the old one stops;
//! revoked), the feed itself at `/calendar/{token}.ics` (no session: calendar apps fetch it) and
//! one activity's .ics download.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use eline_app::AppError;
use eline_storage::activities::LeaveRow;

use super::P;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::{Errors, F, FormData, Layout, PagePath, attachment_disposition, flash, render};

#[derive(Template)]
#[template(path = "activity_leave.html")]
pub(super) struct LeavePage {
    l: Layout,
    rows: Vec<LeaveRow>,
    errors: Errors,
}

pub(super) async fn leave_page(state: &AppState, user: &PageUser, errors: Errors) -> Result<LeavePage, PageError> {
    let rows = state.app.leave_queue(&user.actor).await?;
    let l = Layout::page(state, user, "/activities/leave", "请假审批", &[("活动", "/activities")]).await?;
    Ok(LeavePage { l, rows, errors })
}

/// 请假审批: the requests waiting for the actor's decision, soonest activity first.
pub(super) async fn leave_queue(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(render(&leave_page(&state, &user, Errors::default()).await?))
}

#[derive(Template)]
#[template(path = "activity_calendar.html")]
struct CalendarPage {
    l: Layout,
    /// Since when the actor has a feed link (it is shown only when made).
    since: Option<i64>,
    /// The link just made: (https, webcal).
    made: Option<(String, String)>,
}

/// The webcal:// form of a feed link (calendar apps subscribe to it with one tap).
fn webcal(url: &str) -> String {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or(url);
    format!("webcal://{rest}")
}

async fn calendar_render(state: &AppState, user: &PageUser, made: Option<String>) -> Result<Response, PageError> {
    let since = state.app.calendar_feed_since(&user.actor).await?;
    let l = Layout::page(state, user, "/activities/calendar", "订阅到手机日历", &[("活动", "/activities")]).await?;
    let made = made.map(|u| (u.clone(), webcal(&u)));
    let mut res = render(&CalendarPage { l, since, made });
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

pub(super) async fn calendar_page(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    calendar_render(&state, &user, None).await
}

/// 生成 / 重新生成 (the old link stops working) or 停用.
pub(super) async fn calendar_change(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    match f.get("do") {
        "regenerate" => {
            let url = state.app.regenerate_calendar_feed(&user.actor).await?;
            calendar_render(&state, &user, Some(url)).await
        }
        "revoke" => {
            let gone = state.app.revoke_calendar_feed(&user.actor).await?;
            flash(&user.session, if gone { "订阅链接已停用：日历应用将不再更新活动" } else { "您还没有订阅链接" }).await;
            Ok(Redirect::to("/activities/calendar").into_response())
        }
        _ => Err(PageError(AppError::field("do", "未知的操作"))),
    }
}

fn calendar_response(body: String, download: Option<&str>) -> Response {
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Some(v) = download.and_then(|name| HeaderValue::from_str(&attachment_disposition(name)).ok()) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /calendar/{token}.ics`: the member's feed, no session (404 for an unknown or revoked link).
pub(super) async fn feed(State(state): State<AppState>, axum::extract::Path(file): axum::extract::Path<String>) -> Result<Response, PageError> {
    let not_found = || (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "订阅链接不存在或已停用").into_response();
    let Some(token) = file.strip_suffix(".ics").filter(|t| !t.is_empty() && t.len() <= 200) else {
        return Ok(not_found());
    };
    match state.app.calendar_feed(token).await? {
        Some(body) => Ok(calendar_response(body, None)),
        None => Ok(not_found()),
    }
}

/// `GET /activities/{id}/ics`: one activity for the phone's calendar.
pub(super) async fn ics(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let file = state.app.activity_ics(&user.actor, id).await?;
    let name: String = file.title.chars().filter(|c| !"/\\:*?\"<>|".contains(*c)).take(60).collect();
    Ok(calendar_response(file.body, Some(&format!("{name}.ics"))))
}

impl LeavePage {
    fn kind(&self, r: &LeaveRow) -> &'static str {
        P::kind(&r.kind)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_feed_link_is_offered_as_webcal_too() {
        assert_eq!(super::webcal("https://e.example.cn/calendar/cal_x.ics"), "webcal://e.example.cn/calendar/cal_x.ics");
        assert_eq!(super::webcal("http://127.0.0.1:8080/calendar/cal_x.ics"), "webcal://127.0.0.1:8080/calendar/cal_x.ics");
    }
}
