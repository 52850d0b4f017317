//! A member's attendance list of a year: every activity the member held a place on, with its
//! final attendance and the leave — what the member's figures in the statistics count.

use eline_domain::Actor;
use eline_domain::activity::{Attendance, CheckinMethod, Kind, LeaveStatus, Status};
use eline_domain::policy::{Action, Resource, can};
use eline_storage::{activity_stats as q, members};
use serde::Serialize;

use super::stats::{StatsYear, Tally};
use crate::{App, AppError, AppResult};

/// One activity on a member's list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttendedLine {
    pub activity_id: i64,
    pub kind: Kind,
    pub title: String,
    /// Microseconds since the epoch.
    pub starts_at: i64,
    pub status: Status,
    /// Final once the activity is closed.
    pub attendance: Option<Attendance>,
    pub leave_status: Option<LeaveStatus>,
    pub leave_late: bool,
    pub checked_in_at: Option<i64>,
    pub checkin_method: Option<CheckinMethod>,
}

/// A member's activities of a year, with the figures of the closed ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberYear {
    pub year: i64,
    pub member_id: i64,
    pub name: String,
    pub items: Vec<AttendedLine>,
    /// Over the closed activities only (the statistics' figures).
    pub attendance: Tally,
}

impl App {
    /// The member's attendance list of a year: the office and leaders, and the member.
    pub async fn member_activity_year(&self, actor: &Actor, member_id: i64, year: &StatsYear) -> AppResult<MemberYear> {
        let own = super::super::activities::member_of(actor) == Some(member_id);
        if !own && !can(actor, Action::ViewActivityStats, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let year = year.resolve()?;
        let mut c = self.db.acquire().await?;
        let member = members::get(&mut c.ex(), actor.committee_id, member_id).await?.ok_or(AppError::NotFound)?;
        let rows = q::member_year(&mut c.ex(), actor.committee_id, member_id, year).await?;
        let mut attendance = Tally::default();
        let items = rows
            .into_iter()
            .map(|r| {
                let status = Status::parse(&r.status).unwrap_or(Status::Planned);
                if status == Status::Closed {
                    attendance.count(r.attendance.as_deref());
                }
                AttendedLine {
                    activity_id: r.activity_id,
                    kind: Kind::parse(&r.kind).unwrap_or(Kind::Other),
                    title: r.title,
                    starts_at: r.starts_at,
                    status,
                    attendance: r.attendance.as_deref().and_then(Attendance::parse),
                    leave_status: r.leave_status.as_deref().and_then(LeaveStatus::parse),
                    leave_late: r.leave_late,
                    checked_in_at: r.checked_in_at,
                    checkin_method: r.checkin_method.as_deref().and_then(CheckinMethod::parse),
                }
            })
            .collect();
        Ok(MemberYear { year, member_id, name: member.name, items, attendance })
    }
}
