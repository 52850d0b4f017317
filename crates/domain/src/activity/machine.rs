//! The facts that decide what may happen next to an activity, the steps actions ask for, and the
//! one `transition` (the table is in the module's doc comment). What depends on one invitee's
//! row (the code, the leave deadline, a check-out after a check-in) the action checks itself.

use super::{Participation, Standing, Status};
pub use crate::record::Refusal;

/// The facts of an activity that decide what may happen next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub status: Status,
    pub participation: Participation,
    /// Members check out as well as in.
    pub checkout: bool,
}

/// What an action asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Publish,
    Edit,
    Invite,
    SignUp,
    Rsvp,
    RequestLeave,
    DecideLeave,
    OpenCheckin,
    CheckIn,
    CheckInByHand,
    CheckOut,
    Close,
    Cancel,
}

impl Step {
    /// Every step, in the order the actions are listed.
    pub const ALL: [Step; 13] = [
        Step::Publish,
        Step::Edit,
        Step::Invite,
        Step::SignUp,
        Step::Rsvp,
        Step::RequestLeave,
        Step::DecideLeave,
        Step::OpenCheckin,
        Step::CheckIn,
        Step::CheckInByHand,
        Step::CheckOut,
        Step::Close,
        Step::Cancel,
    ];

    /// The action's name (`activity_actions!`, the API's `{action}`).
    pub fn name(self) -> &'static str {
        match self {
            Step::Publish => "publish",
            Step::Edit => "edit",
            Step::Invite => "invite",
            Step::SignUp => "sign_up",
            Step::Rsvp => "rsvp",
            Step::RequestLeave => "request_leave",
            Step::DecideLeave => "approve_leave",
            Step::OpenCheckin => "open_checkin",
            Step::CheckIn => "check_in",
            Step::CheckInByHand => "check_in_by_hand",
            Step::CheckOut => "check_out",
            Step::Close => "close",
            Step::Cancel => "cancel",
        }
    }
}

/// The state after `step`, or why it is refused.
pub fn transition(f: &Facts, who: &Standing, step: Step) -> Result<Status, Refusal> {
    let not_now = |why: &str| Err(Refusal::NotNow(why.to_string()));
    let s = f.status;
    match step {
        Step::Publish | Step::Edit | Step::Invite | Step::OpenCheckin | Step::CheckInByHand | Step::Close | Step::Cancel if !who.office => {
            Err(Refusal::Forbidden)
        }
        Step::Publish => {
            if s == Status::Planned {
                Ok(Status::Published)
            } else {
                not_now("活动已经发布")
            }
        }
        Step::Edit | Step::Invite => {
            if s.is_open() {
                Ok(s)
            } else {
                not_now("活动已结束或已取消，不能再修改")
            }
        }
        Step::Cancel => {
            if s.is_open() {
                Ok(Status::Cancelled)
            } else {
                not_now("活动已结束或已取消")
            }
        }
        Step::OpenCheckin => {
            if s == Status::Published {
                Ok(Status::CheckinOpen)
            } else {
                not_now("只有已发布的活动可以开始签到")
            }
        }
        Step::Close => {
            if s.is_running() {
                Ok(Status::Closed)
            } else {
                not_now("只有已发布或签到中的活动可以结束")
            }
        }
        Step::CheckInByHand => {
            if s == Status::CheckinOpen {
                Ok(s)
            } else {
                not_now("签到尚未开始或已经结束")
            }
        }
        Step::SignUp => {
            if !who.member {
                Err(Refusal::Forbidden)
            } else if f.participation != Participation::Signup {
                not_now("本活动按名单指定参加，不接受报名")
            } else if who.invitee || who.waiting {
                not_now("您已报名")
            } else if s.is_running() {
                Ok(s)
            } else {
                not_now("活动不在报名期间")
            }
        }
        Step::Rsvp | Step::RequestLeave => {
            if !(who.invitee || (who.waiting && step == Step::Rsvp)) {
                Err(Refusal::Forbidden)
            } else if who.checked_in {
                not_now(if step == Step::Rsvp { "您已签到，无需再回复" } else { "您已签到，不能再请假" })
            } else if s.is_running() {
                Ok(s)
            } else {
                not_now("活动已结束或已取消")
            }
        }
        Step::DecideLeave => {
            if !who.approver {
                Err(Refusal::Forbidden)
            } else if s.is_running() {
                Ok(s)
            } else {
                not_now("活动已结束或已取消，请假不能再审批")
            }
        }
        // Any member may present a code: a non-invitee is refused by name (and recorded).
        Step::CheckIn | Step::CheckOut => {
            if !who.member {
                Err(Refusal::Forbidden)
            } else if s != Status::CheckinOpen {
                not_now("签到尚未开始或已经结束")
            } else if step == Step::CheckOut && !f.checkout {
                not_now("本活动无需签退")
            } else if step == Step::CheckIn && who.checked_in {
                not_now("您已签到")
            } else if step == Step::CheckOut && who.invitee && !who.checked_in {
                not_now("您还没有签到，不能签退")
            } else if step == Step::CheckOut && who.checked_out {
                not_now("您已签退")
            } else {
                Ok(s)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFICE: Standing =
        Standing { office: true, member: false, invitee: false, waiting: false, approver: true, leader: false, checked_in: false, checked_out: false };
    const INVITEE: Standing =
        Standing { office: false, member: true, invitee: true, waiting: false, approver: false, leader: false, checked_in: false, checked_out: false };
    const PRESENT: Standing = Standing { checked_in: true, ..INVITEE };
    const MEMBER: Standing = Standing { invitee: false, ..INVITEE };

    fn facts(status: Status) -> Facts {
        Facts { status, participation: Participation::Invited, checkout: true }
    }

    #[test]
    fn an_activity_goes_from_planned_through_check_in_to_closed() {
        assert_eq!(transition(&facts(Status::Planned), &OFFICE, Step::Publish), Ok(Status::Published));
        assert_eq!(transition(&facts(Status::Published), &INVITEE, Step::RequestLeave), Ok(Status::Published));
        assert_eq!(transition(&facts(Status::Published), &OFFICE, Step::DecideLeave), Ok(Status::Published));
        assert_eq!(transition(&facts(Status::Published), &OFFICE, Step::OpenCheckin), Ok(Status::CheckinOpen));
        assert_eq!(transition(&facts(Status::CheckinOpen), &INVITEE, Step::CheckIn), Ok(Status::CheckinOpen));
        assert_eq!(transition(&facts(Status::CheckinOpen), &PRESENT, Step::CheckOut), Ok(Status::CheckinOpen));
        assert_eq!(transition(&facts(Status::CheckinOpen), &OFFICE, Step::Close), Ok(Status::Closed));
        assert_eq!(transition(&facts(Status::Published), &OFFICE, Step::Cancel), Ok(Status::Cancelled));
    }

    #[test]
    fn members_cannot_run_the_meeting_and_the_office_cannot_check_in_by_code() {
        for step in [Step::Publish, Step::OpenCheckin, Step::Close, Step::Cancel, Step::CheckInByHand, Step::Invite] {
            assert_eq!(transition(&facts(Status::Published), &INVITEE, step), Err(Refusal::Forbidden), "{step:?}");
        }
        assert_eq!(transition(&facts(Status::Published), &INVITEE, Step::DecideLeave), Err(Refusal::Forbidden));
        assert_eq!(transition(&facts(Status::Published), &MEMBER, Step::RequestLeave), Err(Refusal::Forbidden));
        assert_eq!(transition(&facts(Status::CheckinOpen), &OFFICE, Step::CheckIn), Err(Refusal::Forbidden));
        // A member not on the list presents a code: refused by the action, by name.
        assert_eq!(transition(&facts(Status::CheckinOpen), &MEMBER, Step::CheckIn), Ok(Status::CheckinOpen));
    }

    #[test]
    fn nothing_happens_to_a_closed_or_cancelled_activity() {
        for s in [Status::Closed, Status::Cancelled] {
            for step in [Step::Publish, Step::Edit, Step::Close, Step::Cancel, Step::OpenCheckin] {
                assert!(matches!(transition(&facts(s), &OFFICE, step), Err(Refusal::NotNow(_))), "{s:?} {step:?}");
            }
            assert!(matches!(transition(&facts(s), &INVITEE, Step::CheckIn), Err(Refusal::NotNow(_))));
        }
        let signup = Facts { participation: Participation::Signup, ..facts(Status::Published) };
        assert_eq!(transition(&signup, &MEMBER, Step::SignUp), Ok(Status::Published));
        assert!(matches!(transition(&signup, &INVITEE, Step::SignUp), Err(Refusal::NotNow(_))));
        assert!(matches!(transition(&facts(Status::Published), &MEMBER, Step::SignUp), Err(Refusal::NotNow(_))));
    }

    #[test]
    fn once_checked_in_a_member_no_longer_replies_asks_leave_or_checks_in_again() {
        let open = facts(Status::CheckinOpen);
        let refused = |who: &Standing, step| matches!(transition(&open, who, step), Err(Refusal::NotNow(_)));
        for step in [Step::Rsvp, Step::RequestLeave, Step::CheckIn] {
            assert!(refused(&PRESENT, step), "{step:?}");
            assert!(!refused(&INVITEE, step), "{step:?}");
        }
        // Check-out only after check-in, and once.
        assert!(refused(&INVITEE, Step::CheckOut));
        assert!(refused(&Standing { checked_out: true, ..PRESENT }, Step::CheckOut));
        // Someone not on the list is refused by the action, by name (and recorded).
        assert_eq!(transition(&open, &MEMBER, Step::CheckOut), Ok(Status::CheckinOpen));
    }
}
