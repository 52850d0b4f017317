//! Check-in at the venue. The office's full-screen page for the big screen: the QR code of the
//! check-in link with the code of this 30-second window, the same 6 digits in huge type and the
//! counts; it reloads itself when the code changes (a meta refresh, no script needed). The
//! check-in page the QR opens: a member sees the activity and one big 确认签到 button (a member
//! not logged in logs in and comes back here); a refused code says why and what to do. The
//! printable sign-in sheet (签到表) for the file and for signatures on paper.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use eline_app::AppError;
use eline_app::activities::{ActivityAction, ActivityView, CodeInput, CodeNow};
use eline_domain::activity::{CheckinRefusal, LeaveStatus, Status};
use eline_storage::activities::Listed;
use serde::Deserialize;

use super::P;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::{FormData, Layout, PagePath, PageQuery, flash, render, render_invalid};

/// A QR code of `text` as an SVG element, large for a screen across a meeting room.
fn qr_svg(text: &str) -> Result<String, PageError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| PageError(AppError::Internal(format!("qr: {e}"))))?;
    Ok(code.render::<qrcode::render::svg::Color>().min_dimensions(480, 480).quiet_zone(true).build())
}

#[derive(Template)]
#[template(path = "activity_screen.html")]
struct ScreenPage {
    title: String,
    committee: String,
    span: String,
    code: CodeNow,
    qr: String,
    checked_in: i64,
    expected: i64,
}

impl ScreenPage {
    /// "402 917": the digits in two groups, easier to read from the back of the room.
    fn spaced(&self) -> String {
        let c = &self.code.code;
        if c.len() == 6 { format!("{} {}", &c[..3], &c[3..]) } else { c.clone() }
    }
}

/// 签到屏幕 (the office): the code now, as QR and digits.
pub(super) async fn screen(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let code = state.app.activity_code(&user.actor, id).await?;
    let v = state.app.activity(&user.actor, id).await?;
    let committee = state.app.committee_name(user.actor.committee_id).await?;
    let qr = qr_svg(&code.url)?;
    let expected = v.counts.invited - v.counts.leave_approved;
    let page =
        ScreenPage { title: v.a.title.clone(), committee, span: P::span(&v.a.starts_at, &v.a.ends_at), code, qr, checked_in: v.counts.checked_in, expected };
    let mut res = render(&page);
    res.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(res)
}

#[derive(Deserialize)]
pub(super) struct CodeQuery {
    code: Option<String>,
}

#[derive(Template)]
#[template(path = "activity_checkin.html")]
struct CheckinPage {
    l: Layout,
    v: ActivityView,
    /// The code from the QR link (hidden in the form), or empty: the member types it.
    code: String,
    /// Why the last try was refused, and what to do.
    refused: Option<(String, &'static str)>,
}

impl CheckinPage {
    fn checked_in_at(&self) -> Option<i64> {
        self.v.mine.as_ref().and_then(|m| m.row.checked_in_at)
    }
    fn on_leave(&self) -> bool {
        self.v.mine.as_ref().is_some_and(|m| *m.row.leave_status == Some(LeaveStatus::Approved))
    }
    fn open(&self) -> bool {
        self.v.a.status == Status::CheckinOpen
    }
    /// May try (again) with a code: on the list, not yet checked in, check-in open.
    fn may_try(&self) -> bool {
        self.v.actions.contains(&"check_in") && !matches!(&self.refused, Some((_, advice)) if *advice == NOT_INVITED_ADVICE)
    }
}

const NOT_INVITED_ADVICE: &str = "如您应当参加本次活动，请找现场工作人员核对名单后代为签到。";

/// What a member should do after a refusal.
fn advice(r: Option<CheckinRefusal>) -> &'static str {
    match r {
        Some(CheckinRefusal::Expired | CheckinRefusal::Replayed) => "请重新扫描现场屏幕上的二维码，或在下面输入屏幕上正在显示的6位数字。",
        Some(CheckinRefusal::Foreign) => "请确认扫描的是本次活动现场屏幕上的二维码，或输入屏幕上的6位数字。",
        Some(CheckinRefusal::OutsideWindow) => "请在活动开始前后的签到时间内签到；如有疑问，请联系现场工作人员。",
        Some(CheckinRefusal::NotInvited) => NOT_INVITED_ADVICE,
        None => "请稍后再试，或联系现场工作人员。",
    }
}

async fn checkin_page(state: &AppState, user: &PageUser, id: i64, code: String, refused: Option<(String, &'static str)>) -> Result<CheckinPage, PageError> {
    let v = state.app.activity(&user.actor, id).await?;
    let back = format!("/activities/{id}");
    let l = Layout::page(state, user, &format!("{back}/check-in"), "签到", &[("活动", "/activities"), (v.a.title.as_str(), back.as_str())]).await?;
    // Not on the list: said at once, before any button.
    let refused = refused
        .or_else(|| (v.mine.is_none() && v.a.status == Status::CheckinOpen).then(|| (CheckinRefusal::NotInvited.label().to_string(), NOT_INVITED_ADVICE)));
    Ok(CheckinPage { l, v, code, refused })
}

/// The page the QR code opens (or the member's 签到 button): one big button.
pub(super) async fn check_in_page(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<CodeQuery>,
) -> Result<Response, PageError> {
    let code: String = q.code.unwrap_or_default().chars().filter(char::is_ascii_digit).take(6).collect();
    Ok(render(&checkin_page(&state, &user, id, code, None).await?))
}

/// 确认签到: the code checked by `activity_act` (a refusal is recorded for the office).
pub(super) async fn check_in(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let result = match crate::form::parse::<CodeInput>(&f.0) {
        Ok(input) => state.app.activity_act(&user.actor, id, None, ActivityAction::CheckIn(input)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(a) => {
            flash(&user.session, &format!("签到成功：{}", a.title)).await;
            Ok(Redirect::to(&format!("/activities/{id}")).into_response())
        }
        Err(AppError::InvalidTransition(m)) => {
            let advice = advice(CheckinRefusal::from_message(&m));
            Ok(render_invalid(&checkin_page(&state, &user, id, String::new(), Some((m, advice))).await?))
        }
        Err(AppError::Validation(list)) => {
            let m = list.first().map(|e| e.message.clone()).unwrap_or_else(|| "请输入6位签到码".into());
            Ok(render_invalid(&checkin_page(&state, &user, id, String::new(), Some((m, "请输入现场屏幕上的6位数字。"))).await?))
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Template)]
#[template(path = "activity_sheet.html")]
struct SheetPage {
    l: Layout,
    v: ActivityView,
    committee: String,
    rows: Vec<Listed>,
    printed: String,
}

impl SheetPage {
    fn organiser(&self) -> String {
        self.v.special_committee.clone().unwrap_or_else(|| "政协办公室".into())
    }
    fn closed(&self) -> bool {
        self.v.a.status == Status::Closed
    }
    fn expected(&self) -> i64 {
        self.v.counts.invited - self.v.counts.leave_approved
    }
}

/// 签到表 (the office): A4, printable.
pub(super) async fn sheet(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let v = state.app.activity(&user.actor, id).await?;
    if !v.standing.office {
        return Err(PageError(AppError::Forbidden));
    }
    let committee = {
        let mut c = state.app.db.acquire().await.map_err(|e| PageError(e.into()))?;
        eline_storage::committees::get(&mut c.ex(), user.actor.committee_id).await.map_err(|e| PageError(e.into()))?.map(|c| c.name).unwrap_or_default()
    };
    let rows = v.invitees.iter().filter(|i| !i.listed.invitee.waiting).map(|i| i.listed.clone()).collect();
    let back = format!("/activities/{id}");
    let l = Layout::page(&state, &user, &format!("{back}/sheet"), "签到表", &[("活动", "/activities"), (v.a.title.as_str(), back.as_str())]).await?;
    let printed = eline_app::activities::fmt_at(chrono::Utc::now().timestamp_micros());
    Ok(render(&SheetPage { l, v, committee, rows, printed }))
}
