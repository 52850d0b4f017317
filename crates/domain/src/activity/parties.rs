//! What an actor is to an activity, and how much of it they may see.

use super::Status;
use crate::{Access, Actor, Role};

/// What an actor is to an activity (the invitation is the actor's own row, when any).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Standing {
    /// The committee office (机关工作人员).
    pub office: bool,
    /// A member with a member record.
    pub member: bool,
    /// On the activity's list (invited or signed up with a place).
    pub invitee: bool,
    /// On the waiting list of a sign-up activity.
    pub waiting: bool,
    /// Decides leave requests: the activity's approver, or the office when it has none.
    pub approver: bool,
    pub leader: bool,
    /// The actor's own place: checked in, and checked out.
    pub checked_in: bool,
    pub checked_out: bool,
}

impl Standing {
    /// `invitation`: the actor's row on the list (`Some(waiting)`), `approver_id`: the activity's.
    pub fn of(actor: &Actor, invitation: Option<bool>, approver_id: Option<i64>) -> Standing {
        let office = actor.has(Role::Staff);
        Standing {
            office,
            member: actor.has(Role::Member) && actor.member_id.is_some(),
            invitee: invitation == Some(false),
            waiting: invitation == Some(true),
            approver: match approver_id {
                Some(id) => id == actor.user_id,
                None => office,
            },
            leader: actor.has(Role::Leader),
            checked_in: false,
            checked_out: false,
        }
    }

    /// With the actor's own check-in and check-out (from their place on the list).
    pub fn with_attendance(self, checked_in: bool, checked_out: bool) -> Standing {
        Standing { checked_in, checked_out, ..self }
    }
}

/// How much of an activity an actor may see. The office sees everything; a planned activity is
/// the office's alone. Once published, those on its list and its approver see it whole (their own
/// rows; the approver the leave requests); other members and leaders see the notice (time, place,
/// description, materials), never the list or anyone's leave reason.
pub fn access(status: Status, who: &Standing) -> Access {
    if who.office {
        Access::Full
    } else if status == Status::Planned {
        Access::None
    } else if who.invitee || who.waiting || who.approver {
        Access::Full
    } else if who.member || who.leader {
        Access::Public
    } else {
        Access::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: &[Role], member_id: Option<i64>) -> Actor {
        Actor {
            user_id: 7,
            committee_id: 1,
            username: "u".into(),
            display_name: "u".into(),
            roles: roles.to_vec(),
            member_id,
            unit_id: None,
            organization_id: None,
        }
    }

    #[test]
    fn a_planned_activity_is_the_offices_and_a_published_one_is_read_by_members() {
        let staff = Standing::of(&actor(&[Role::Staff], None), None, None);
        let member = Standing::of(&actor(&[Role::Member], Some(3)), None, None);
        let invitee = Standing::of(&actor(&[Role::Member], Some(3)), Some(false), None);
        let unit = Standing::of(&actor(&[Role::Unit], None), None, None);
        assert_eq!(access(Status::Planned, &staff), Access::Full);
        assert_eq!(access(Status::Planned, &invitee), Access::None);
        assert_eq!(access(Status::Published, &invitee), Access::Full);
        assert_eq!(access(Status::Published, &member), Access::Public);
        assert_eq!(access(Status::Closed, &unit), Access::None);
    }

    #[test]
    fn the_approver_decides_leave_and_the_office_only_when_there_is_none() {
        let staff = actor(&[Role::Staff], None);
        let leader = actor(&[Role::Leader], None);
        assert!(Standing::of(&staff, None, None).approver);
        assert!(!Standing::of(&staff, None, Some(99)).approver);
        assert!(Standing::of(&leader, None, Some(7)).approver);
        assert!(!Standing::of(&actor(&[Role::Member], Some(3)), Some(false), None).approver);
    }
}
