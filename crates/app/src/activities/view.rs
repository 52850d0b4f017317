//! Reading activities: one activity as the actor may see it (their own part, the list and the
//! leave requests for the office and the approver, the changes after publishing, what the actor
//! may do now), the check-in code on the venue screen, and the leave queue.

use eline_domain::activity::{self, Attendance, LeaveStatus, Standing, Status, Step, transition, window_ends, window_of};
use eline_domain::{Access, Actor, RecordKind, RecordRef};
use eline_storage::activities::{self as store, Activity, Attempt, ChangeRow, Invitee, LeaveRow, Listed};
use eline_storage::timeline::{self, Event};
use serde::Serialize;

use super::{Loaded, code_of, member_of};
use crate::{App, AppError, AppResult};

/// The most leave requests a queue lists (and counts): the approver's own, and the office's.
pub const LEAVE_QUEUE_MAX: i64 = 500;

/// The actor's own part in an activity.
#[derive(Debug, Clone, Serialize)]
pub struct MyPart {
    pub row: Invitee,
    /// Asking leave now is late (after the deadline).
    pub leave_late_now: bool,
}

/// An invitee as the office or the approver sees them (the leave reason included).
#[derive(Debug, Clone, Serialize)]
pub struct InviteeView {
    #[serde(flatten)]
    pub listed: Listed,
}

/// How the list stands.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActivityCounts {
    /// Holding a place (invited or signed up).
    pub invited: i64,
    pub waiting: i64,
    pub attending: i64,
    pub leave_requested: i64,
    pub leave_approved: i64,
    pub checked_in: i64,
    pub checked_out: i64,
    pub present: i64,
    pub late: i64,
    pub excused: i64,
    pub absent: i64,
    /// Person-times (人次): present or late.
    pub person_times: i64,
}

impl ActivityCounts {
    pub fn of(list: &[Listed]) -> ActivityCounts {
        let mut c = ActivityCounts::default();
        for l in list {
            let i = &l.invitee;
            if i.waiting {
                c.waiting += 1;
                continue;
            }
            c.invited += 1;
            c.attending += i64::from(*i.rsvp == Some(activity::Rsvp::Yes));
            c.leave_requested += i64::from(*i.leave_status == Some(LeaveStatus::Requested));
            c.leave_approved += i64::from(*i.leave_status == Some(LeaveStatus::Approved));
            c.checked_in += i64::from(i.checked_in_at.is_some());
            c.checked_out += i64::from(i.checked_out_at.is_some());
            match *i.attendance {
                Some(Attendance::Present) => c.present += 1,
                Some(Attendance::Late) => c.late += 1,
                Some(Attendance::Excused) => c.excused += 1,
                Some(Attendance::Absent) => c.absent += 1,
                None => {}
            }
        }
        c.person_times = c.present + c.late;
        c
    }
}

/// An activity as the actor sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityView {
    pub a: Activity,
    pub access: Access,
    /// What the actor is to the activity (pages choose what to show by it).
    pub standing: Standing,
    pub mine: Option<MyPart>,
    /// The list (the office and the approver; the approver for the leave requests).
    pub invitees: Vec<InviteeView>,
    pub counts: ActivityCounts,
    pub changes: Vec<ChangeRow>,
    /// Refused check-ins (the office).
    pub attempts: Vec<Attempt>,
    /// The timeline (the office).
    pub events: Vec<Event>,
    /// The actions the actor may take now (names of `activity_actions!`).
    pub actions: Vec<&'static str>,
    pub special_committee: Option<String>,
    pub approver: Option<String>,
}

/// The code on the venue screen now.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeNow {
    /// The 6 digits (also in the QR link).
    pub code: String,
    /// When the next code replaces it (RFC 3339, Beijing).
    pub expires_at: String,
    /// Seconds until then.
    pub seconds_left: i64,
    /// The link the QR code holds: the check-in page with the code.
    pub url: String,
}

/// A leave request in the approver's queue.
pub type LeaveItem = LeaveRow;

impl App {
    /// An activity as the actor may see it.
    pub async fn activity(&self, actor: &Actor, id: i64) -> AppResult<ActivityView> {
        let mut tx = self.db.begin().await?;
        let l = Loaded::load(&mut tx.ex(), actor, id).await?;
        let access = l.access(actor);
        if access == Access::None {
            return Err(AppError::NotFound);
        }
        let standing = l.standing(actor);
        let facts = l.facts();
        let now = self.clock.now();
        let mut actions: Vec<&'static str> = Step::ALL.into_iter().filter(|s| transition(&facts, &standing, *s).is_ok()).map(Step::name).collect();
        // What depends on the actor's own row.
        let mine = l.mine.clone();
        actions.retain(|name| match *name {
            "check_in" => mine.as_ref().is_some_and(|m| !m.waiting && m.checked_in_at.is_none()),
            "check_out" => mine.as_ref().is_some_and(|m| m.checked_in_at.is_some() && m.checked_out_at.is_none()),
            "request_leave" => mine.as_ref().is_some_and(|m| m.checked_in_at.is_none() && matches!(*m.leave_status, None | Some(LeaveStatus::Denied))),
            _ => true,
        });
        let whole_list = standing.office || standing.approver;
        let list = if whole_list || access == Access::Full { store::invitees(&mut tx.ex(), id).await? } else { Vec::new() };
        let counts = ActivityCounts::of(&list);
        let invitees = if standing.office {
            list.into_iter().map(|listed| InviteeView { listed }).collect()
        } else if standing.approver {
            // The approver sees the leave requests (and decides them), not the check-ins.
            list.into_iter().filter(|l| l.invitee.leave_status.is_some()).map(|listed| InviteeView { listed }).collect()
        } else {
            Vec::new()
        };
        let (attempts, events) = if standing.office {
            (store::attempts(&mut tx.ex(), id).await?, timeline::list(&mut tx.ex(), RecordRef::new(RecordKind::ACTIVITY, id)).await?)
        } else {
            (Vec::new(), Vec::new())
        };
        let special_committee = match l.a.special_committee_id {
            Some(sc) => {
                eline_storage::directory::get(&mut tx.ex(), eline_domain::org::DirectoryKind::SpecialCommittee, actor.committee_id, sc).await?.map(|e| e.name)
            }
            None => None,
        };
        let approver = match l.a.approver_id {
            Some(u) => eline_storage::users::get(&mut tx.ex(), actor.committee_id, u).await?.map(|u| u.display_name),
            None => None,
        };
        let changes = store::changes(&mut tx.ex(), id).await?;
        let a = l.a.clone();
        let counts = if access == Access::Full || standing.office { counts } else { ActivityCounts::default() };
        Ok(ActivityView {
            mine: mine.map(|row| MyPart { leave_late_now: now > a.leave_deadline_at, row }),
            a,
            access,
            standing,
            invitees,
            counts,
            changes,
            attempts,
            events,
            actions,
            special_committee,
            approver,
        })
    }

    /// The code on the venue screen now (the office, while check-in is open).
    pub async fn activity_code(&self, actor: &Actor, id: i64) -> AppResult<CodeNow> {
        let mut tx = self.db.begin().await?;
        let l = Loaded::load(&mut tx.ex(), actor, id).await?;
        if l.access(actor) == Access::None {
            return Err(AppError::NotFound);
        }
        if !l.standing(actor).office {
            return Err(AppError::Forbidden);
        }
        if l.a.status != Status::CheckinOpen {
            return Err(AppError::InvalidTransition("签到尚未开始或已经结束".into()));
        }
        let now = self.clock.now();
        let window = window_of(now);
        let code = code_of(&l.a.checkin_secret, id, window);
        let ends = window_ends(window);
        let base = self.settings.public_url.trim_end_matches('/');
        Ok(CodeNow {
            url: format!("{base}/activities/{id}/check-in?code={code}"),
            code,
            expires_at: super::rfc3339(ends),
            seconds_left: ((ends - now) / 1_000_000).max(1),
        })
    }

    /// Leave requests waiting for the actor's decision: as an approver named on activities, and
    /// (the office) those of activities without one.
    pub async fn leave_queue(&self, actor: &Actor) -> AppResult<Vec<LeaveItem>> {
        // Approvers are leaders and the office (`create::check_approver`); members have no queue.
        self.require(actor, eline_domain::policy::Action::ViewActivityStats, eline_domain::policy::Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        let mut out = store::leave_queue(&mut c.ex(), actor.committee_id, Some(actor.user_id), LEAVE_QUEUE_MAX).await?;
        if actor.has(eline_domain::Role::Staff) {
            out.extend(store::leave_queue(&mut c.ex(), actor.committee_id, None, LEAVE_QUEUE_MAX).await?);
        }
        out.sort_by_key(|r| (r.starts_at, r.activity_id));
        Ok(out)
    }

    /// The size of `leave_queue`, counted (up to [`LEAVE_QUEUE_MAX`] a queue, as it lists)
    /// without reading the requests: what the home page and the activities list show.
    pub async fn leave_waiting(&self, actor: &Actor) -> AppResult<i64> {
        self.require(actor, eline_domain::policy::Action::ViewActivityStats, eline_domain::policy::Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        let mut n = store::leave_count(&mut c.ex(), actor.committee_id, Some(actor.user_id), LEAVE_QUEUE_MAX).await?;
        if actor.has(eline_domain::Role::Staff) {
            n += store::leave_count(&mut c.ex(), actor.committee_id, None, LEAVE_QUEUE_MAX).await?;
        }
        Ok(n)
    }

    /// The activities of the series `id` belongs to, in order of time (the office: the others
    /// learn of each activity as it is published); empty for an activity that stands alone.
    pub async fn activity_series(&self, actor: &Actor, id: i64) -> AppResult<Vec<i64>> {
        if !eline_domain::policy::can(actor, eline_domain::policy::Action::ManageActivities, eline_domain::policy::Resource::Any) {
            return Ok(Vec::new());
        }
        let mut c = self.db.acquire().await?;
        let a = store::get(&mut c.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let ids = store::series(&mut c.ex(), actor.committee_id, a.series_id.unwrap_or(a.id)).await?;
        Ok(if ids.len() > 1 { ids } else { Vec::new() })
    }

    /// The actor's member id, when the actor is a member (pages choose the member's view).
    pub fn activity_member(actor: &Actor) -> Option<i64> {
        member_of(actor)
    }
}
