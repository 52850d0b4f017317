//! An activity's page, the notice: kind, title, time, place, organiser, text, materials, the
//! changes after publishing and the cancellation. An invitee answers (参加/不参加), asks for
//! leave (told when it is late), sees the decision, checks in with the 6 digits and out; the
//! approver decides leave; the office publishes, edits, invites, opens check-in, checks in by
//! hand, closes or cancels, and reads the list, the counts, the refused codes and the timeline.
//! Every form posts the action's typed input to `/activities/{id}/act/{name}`.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use eline_app::AppError;
use eline_app::activities::{ActivityAction, ActivityView, InviteeView};
use eline_domain::FieldError;
use eline_domain::activity::{CheckinRefusal, LeaveStatus, Participation, Rsvp, Status};
use eline_storage::attachments::Attachment;

use super::{P, record};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::{Errors, F, FormData, Layout, PagePath, flash, form_errors, render, render_invalid};

#[derive(Template)]
#[template(path = "activity_detail.html")]
pub(super) struct DetailPage {
    l: Layout,
    v: ActivityView,
    files: Vec<Attachment>,
    /// The file purposes the actor may attach now, with their names.
    can_attach: Vec<(&'static str, &'static str)>,
    errors: Errors,
    failed_action: String,
}

impl DetailPage {
    fn can(&self, action: &str) -> bool {
        self.v.actions.contains(&action)
    }
    fn office(&self) -> bool {
        self.v.standing.office
    }
    /// Check-in is open and the actor is on the list: their part leads the page.
    fn checkin_now(&self) -> bool {
        self.v.a.status == Status::CheckinOpen && self.v.mine.is_some()
    }
    fn cancelled(&self) -> bool {
        self.v.a.status == Status::Cancelled
    }
    /// A member with no place on an invitation-only activity, reading its notice: told so, so
    /// that nobody wonders whether to come, answer or ask for leave.
    fn not_invited(&self) -> bool {
        self.v.standing.member && !self.office() && self.v.mine.is_none() && self.v.a.participation == Participation::Invited && !self.cancelled()
    }
    /// The member's own standing in words (待回复, 参加, 请假待批 …).
    fn mine_label(&self) -> &'static str {
        match &self.v.mine {
            Some(m) if m.row.waiting => "候补中",
            Some(m) => P::mine(*m.row.rsvp, *m.row.leave_status, m.row.checked_in_at, *m.row.attendance),
            None => "",
        }
    }
    fn replied(&self, yes: bool) -> bool {
        self.v.mine.as_ref().is_some_and(|m| *m.row.rsvp == Some(if yes { Rsvp::Yes } else { Rsvp::No }))
    }
    fn my_leave(&self) -> Option<LeaveStatus> {
        self.v.mine.as_ref().and_then(|m| *m.row.leave_status)
    }
    fn organiser(&self) -> String {
        self.v.special_committee.clone().unwrap_or_else(|| "政协办公室".into())
    }
    /// The change's field in words (时间, 地点).
    fn field_label(&self, field: &str) -> &'static str {
        match field {
            "time" => "时间",
            "place" => "地点",
            _ => "内容",
        }
    }
    /// Those who may still be checked in by hand (on the list with a place, not yet checked in).
    fn hand_choices(&self) -> Vec<&InviteeView> {
        self.v.invitees.iter().filter(|i| !i.listed.invitee.waiting && i.listed.invitee.checked_in_at.is_none()).collect()
    }
    /// Leave requests (the approver's and the office's view of the list).
    fn leave_rows(&self) -> Vec<&InviteeView> {
        self.v.invitees.iter().filter(|i| i.listed.invitee.leave_status.is_some()).collect()
    }
    fn waiting_decision(&self, i: &InviteeView) -> bool {
        *i.listed.invitee.leave_status == Some(LeaveStatus::Requested)
    }
    fn refusal(&self, outcome: &str) -> &'static str {
        CheckinRefusal::parse(outcome).map(|r| r.label()).unwrap_or("签到被拒绝")
    }
    fn source(&self, i: &InviteeView) -> &'static str {
        i.listed.invitee.source.label()
    }
    /// The share of the list checked in, for the counts ("已签到 12 / 应到 30").
    fn expected(&self) -> i64 {
        self.v.counts.invited - self.v.counts.leave_approved
    }
}

pub(super) async fn detail_page(state: &AppState, user: &PageUser, id: i64, errors: Errors, failed_action: String) -> Result<DetailPage, PageError> {
    let v = state.app.activity(&user.actor, id).await?;
    let seen = state.app.see(&user.actor, record(id)).await?;
    let can_attach = eline_app::activities::record::PURPOSES.iter().filter(|(p, _)| seen.purposes.contains(p)).copied().collect();
    let files = state.app.files_of(&user.actor, record(id)).await?;
    let l = Layout::page(state, user, &format!("/activities/{id}"), v.a.title.clone(), &[("活动", "/activities")]).await?;
    Ok(DetailPage { l, v, files, can_attach, errors, failed_action })
}

pub(super) async fn detail(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    Ok(render(&detail_page(&state, &user, id, Errors::default(), String::new()).await?))
}

/// The action form posted as the action's typed input (the struct the API takes).
pub(super) fn form_input(action: &str, f: &FormData) -> Result<ActivityAction, AppError> {
    macro_rules! typed {
        ($($name:ident: $act:ident => $input:ident,)*) => {
            match action {
                $(stringify!($name) => Ok(ActivityAction::$act(crate::form::parse::<eline_app::activities::$input>(&f.0)?)),)*
                _ => Err(AppError::NotFound),
            }
        };
    }
    eline_app::activity_actions!(typed)
}

/// What the member is told after an action went through.
fn done(action: &str, f: &FormData) -> String {
    match action {
        "rsvp" if f.checked("attending") => "已回复：参加".into(),
        "rsvp" => "已回复：不参加".into(),
        "request_leave" => "请假申请已提交，审批结果会通知您".into(),
        "approve_leave" if f.checked("approved") => "已准假，委员会收到通知".into(),
        "approve_leave" => "已不准假，委员会收到通知".into(),
        "check_in" => "签到成功".into(),
        "check_out" => "签退成功".into(),
        "publish" => "通知已发布，受邀委员会收到通知".into(),
        "open_checkin" => "签到已开始：请在现场大屏打开签到屏幕".into(),
        "close" => "活动已结束，出席情况已确定".into(),
        "cancel" => "活动已取消，名单上的委员会收到通知".into(),
        other => format!("已{}", P::action(other)),
    }
}

pub(super) async fn act(
    State(state): State<AppState>,
    user: PageUser,
    PagePath((id, action)): PagePath<(i64, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let version = f.get("version").parse().ok();
    let result = match form_input(&action, &f) {
        Ok(input) => state.app.activity_act(&user.actor, id, version, input).await,
        Err(e) => Err(e),
    };
    // The leave queue's forms come back to the queue.
    let back_to_queue = f.get("back") == "leave";
    match result {
        Ok(_) => {
            flash(&user.session, &done(&action, &f)).await;
            let to = if back_to_queue { "/activities/leave".to_string() } else { format!("/activities/{id}") };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let errors = match e {
                AppError::InvalidTransition(m) => Errors::from_list(&[FieldError::new("action", m)]),
                e => form_errors(e)?,
            };
            if back_to_queue {
                return Ok(render_invalid(&super::calendar::leave_page(&state, &user, errors).await?));
            }
            Ok(render_invalid(&detail_page(&state, &user, id, errors, action).await?))
        }
    }
}
