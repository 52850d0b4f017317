//! 活动 pages (issue 15): a member's lists (upcoming with their own status and a 签到 button, open
//! sign-ups, past with attendance) and the office's filtered list (`list`); the create form with
//! the member picker, editing and inviting (`form`); the notice with the member's replies, leave,
//! check-in and check-out, the office's panels and the approver's decisions (`detail`); the venue
//! screen with the rotating QR code, the check-in page the QR opens and the printable sign-in
//! sheet (`checkin`); the leave queue, the calendar feed page, the public feed and the .ics
//! download (`calendar`). Every action goes through `App::activity_act`.

mod calendar;
mod checkin;
mod detail;
mod form;
mod list;

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use eline_domain::activity::{Attendance, CheckinMethod, Kind, LeaveStatus, Rsvp, Status};
use eline_domain::{RecordKind, RecordRef};

use super::{PagePath, PageQuery, record_files};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/activities", get(list::list).post(form::create))
        .route("/activities/new", get(form::new_form))
        .route("/activities/leave", get(calendar::leave_queue))
        .route("/activities/calendar", get(calendar::calendar_page).post(calendar::calendar_change))
        .route("/activities/{id}", get(detail::detail))
        .route("/activities/{id}/act/{action}", post(detail::act))
        .route("/activities/{id}/edit", get(form::edit_form).post(form::update))
        .route("/activities/{id}/invite", get(form::invite_form).post(form::invite))
        .route("/activities/{id}/screen", get(checkin::screen))
        .route("/activities/{id}/check-in", get(checkin::check_in_page).post(checkin::check_in))
        .route("/activities/{id}/sheet", get(checkin::sheet))
        .route("/activities/{id}/ics", get(calendar::ics))
        .route("/activities/{id}/files", post(upload))
        .route("/activities/{id}/files/{file}", get(download))
        .route("/calendar/{file}", get(calendar::feed))
}

fn record(id: i64) -> RecordRef {
    RecordRef::new(RecordKind::ACTIVITY, id)
}

/// Labels callable from the activity templates as `P::…` (the shared `timeline.html` calls
/// `P::action`, `record_files.html` `P::purpose` and `P::size`).
pub struct P;

impl P {
    pub fn kind(k: &Kind) -> &'static str {
        k.label()
    }
    pub fn status(s: &Status) -> &'static str {
        s.label()
    }
    pub fn action(a: &str) -> &'static str {
        use eline_app::records::RecordModule;
        eline_app::activities::record::Activities.action_label(a).or_else(|| eline_app::records::shared_action_label(a)).unwrap_or("")
    }
    pub fn purpose(p: &str) -> &'static str {
        eline_app::activities::record::PURPOSES.iter().find(|(k, _)| *k == p).map(|(_, l)| *l).unwrap_or("附件")
    }
    pub fn size(n: &i64) -> String {
        super::proposals::Pf::size(n)
    }
    /// "2027-01-10 09:00—12:00".
    pub fn span(starts_at: &i64, ends_at: &i64) -> String {
        eline_app::activities::span(*starts_at, *ends_at)
    }
    pub fn at(t: &i64) -> String {
        eline_app::activities::fmt_at(*t)
    }
    /// "09:05" of a moment (the sign-in sheet's times), "" when none.
    pub fn clock(t: &Option<i64>) -> String {
        t.map(|t| eline_app::activities::fmt_at(t)[11..].to_string()).unwrap_or_default()
    }
    /// 扫码 / 代签 (the sign-in sheet).
    pub fn method(m: &Option<CheckinMethod>) -> &'static str {
        match m {
            Some(CheckinMethod::Code) => "扫码",
            Some(CheckinMethod::Hand) => "代签",
            None => "",
        }
    }
    pub fn attendance(a: &Option<Attendance>) -> &'static str {
        a.map(|a| a.label()).unwrap_or("")
    }
    pub fn leave(l: &Option<LeaveStatus>) -> &'static str {
        l.map(|l| l.label()).unwrap_or("")
    }
    pub fn rsvp(r: &Option<Rsvp>) -> &'static str {
        r.map(|r| r.label()).unwrap_or("待回复")
    }
    /// A member's own standing in one activity, in plain words: 待回复, 参加, 不参加, 请假待批,
    /// 已准假, 未准假, 已签到, and at the end the attendance (出席, 迟到, 请假, 缺席).
    pub fn mine(rsvp: Option<Rsvp>, leave: Option<LeaveStatus>, checked_in: Option<i64>, attendance: Option<Attendance>) -> &'static str {
        if let Some(a) = attendance {
            return a.label();
        }
        if checked_in.is_some() {
            return "已签到";
        }
        match leave {
            Some(LeaveStatus::Requested) => return "请假待批",
            Some(LeaveStatus::Approved) => return "已准假",
            Some(LeaveStatus::Denied) if rsvp.is_none() => return "未准假",
            _ => {}
        }
        match rsvp {
            Some(Rsvp::Yes) => "参加",
            Some(Rsvp::No) => "不参加",
            None => "待回复",
        }
    }
    /// The tag class of a member's standing: warn while an answer is due, ok once settled.
    pub fn mine_class(label: &str) -> &'static str {
        match label {
            "待回复" | "请假待批" | "未准假" | "缺席" => "tag warn",
            "已签到" | "出席" | "参加" | "已准假" => "tag ok",
            _ => "tag",
        }
    }
}

async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<record_files::UploadQuery>,
    multipart: crate::html::Upload,
) -> Result<Response, PageError> {
    let page = |errors| detail::detail_page(&state, &user, id, errors, String::new());
    record_files::attach(&state, &user, record(id), q, multipart, format!("/activities/{id}"), page).await
}

async fn download(State(state): State<AppState>, user: PageUser, PagePath((id, file)): PagePath<(i64, i64)>) -> Result<Response, PageError> {
    record_files::download(&state, &user, record(id), file).await
}

#[cfg(test)]
mod tests {
    use super::P;
    use eline_domain::activity::{Attendance, LeaveStatus, Rsvp};

    #[test]
    fn a_members_standing_reads_in_the_order_things_happen() {
        assert_eq!(P::mine(None, None, None, None), "待回复");
        assert_eq!(P::mine(Some(Rsvp::Yes), None, None, None), "参加");
        assert_eq!(P::mine(Some(Rsvp::Yes), Some(LeaveStatus::Requested), None, None), "请假待批");
        assert_eq!(P::mine(None, Some(LeaveStatus::Approved), None, None), "已准假");
        assert_eq!(P::mine(Some(Rsvp::Yes), None, Some(1), None), "已签到");
        assert_eq!(P::mine(Some(Rsvp::Yes), None, Some(1), Some(Attendance::Late)), "迟到");
        assert_eq!(P::clock(&None), "");
    }
}
