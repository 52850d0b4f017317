//! An activity as the API shows it (`ActivityOut`) and its parts: the caller's own row, the list
//! (the office; the approver only those who asked for leave), the counts, the changes after
//! publishing, refused check-ins; the list rows and the leave queue. Times are RFC 3339 in
//! Beijing time (`super::dto::ts`).

use eline_app::activities::{ActivityCounts, ActivityView, LeaveItem, MyPart};
use eline_domain::Access;
use eline_domain::activity::{Attendance, CheckinMethod, CheckinRefusal, Kind, LeaveStatus, Organiser, Participation, Rsvp, Source, Status};
use eline_storage::activities::{Attempt, ChangeRow, Invitee, Listed, Row};
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::ts;
use super::proposal_dto::{ProposalAccess, TimelineEventOut};
use super::proposals::AttachmentOut;

/// An activity (会议或履职活动) as the caller sees it.
#[derive(Serialize, ToSchema)]
pub struct ActivityOut {
    pub id: i64,
    /// 版本号: send it back with an edit or an action (or as If-Match).
    pub version: i64,
    pub status: Status,
    /// 状态名称, e.g. 已发布.
    pub status_label: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    /// 活动类型, e.g. 全体会议.
    pub type_label: String,
    pub title: String,
    /// 活动通知正文.
    pub description: String,
    pub place: String,
    #[schema(format = DateTime)]
    pub starts_at: String,
    #[schema(format = DateTime)]
    pub ends_at: String,
    /// The Beijing date it starts on.
    #[schema(format = Date)]
    pub starts_on: String,
    pub year: i64,
    /// office (政协办公室) | special_committee (专委会).
    pub organiser: Organiser,
    /// 主办: the office, or the special committee's name.
    pub organiser_label: String,
    pub special_committee_id: Option<i64>,
    /// invited (指定参加) | signup (自愿报名, with `capacity` places and a waiting list).
    pub participation: Participation,
    pub participation_label: String,
    pub capacity: Option<i64>,
    /// The account that decides leave (none: the office).
    pub approver_id: Option<i64>,
    pub approver_name: Option<String>,
    /// Leave asked after this is marked late (逾期请假).
    #[schema(format = DateTime)]
    pub leave_deadline: String,
    /// Check-in is accepted from …
    #[schema(format = DateTime)]
    pub checkin_from: String,
    /// … until (a check-in after the start plus `late_after_minutes` is late).
    #[schema(format = DateTime)]
    pub checkin_until: String,
    pub late_after_minutes: i64,
    /// Members check out as well (a stay under `min_share_percent` of the meeting is absent).
    pub checkout: bool,
    pub min_share_percent: i64,
    /// 政情通报: the briefing leader and post.
    pub briefing_leader: Option<String>,
    /// The first activity of the series this one belongs to (none: the first, or no series).
    pub series_id: Option<i64>,
    /// The office: every activity of the series, in order of time (empty: not a series).
    pub series_ids: Vec<i64>,
    /// 会议材料: the notice's files (download at …/attachments/{file_id}).
    pub materials: Vec<AttachmentOut>,
    /// Changes of time or place after publishing, oldest first (shown to the invitees).
    pub changes: Vec<ChangeOut>,
    /// 取消原因 (a cancelled activity).
    pub cancel_reason: Option<String>,
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
    #[schema(format = DateTime)]
    pub closed_at: Option<String>,
    /// What the caller may do now: the `{action}` of POST /api/v1/activities/{id}/{action}
    /// (`edit` is also PATCH).
    pub allowed_actions: Vec<String>,
    /// full: on the list, the approver or the office; public: another member or a leader reading
    /// the notice (no list, no counts).
    pub access: ProposalAccess,
    /// The caller's own row on the list (a member invited, signed up or waiting).
    pub mine: Option<MineOut>,
    /// How the list stands (those who see the activity whole).
    pub counts: CountsOut,
    /// The list: the office every invitee; the approver those who asked for leave; others none.
    pub invitees: Vec<InviteeOut>,
    /// Refused check-ins, newest first (the office).
    pub refused_checkins: Vec<RefusedOut>,
    /// 活动记录, oldest first (the office).
    pub timeline: Vec<TimelineEventOut>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A change of time or place after publishing.
#[derive(Serialize, ToSchema)]
pub struct ChangeOut {
    /// time | place
    pub field: String,
    pub before: String,
    pub after: String,
    #[schema(format = DateTime)]
    pub at: String,
}

/// The caller's own part in an activity.
#[derive(Serialize, ToSchema)]
pub struct MineOut {
    pub source: Source,
    /// On the waiting list (候补) of a sign-up activity.
    pub waiting: bool,
    pub rsvp: Option<Rsvp>,
    pub leave_status: Option<LeaveStatus>,
    pub leave_status_label: Option<String>,
    /// The caller's own reason (nobody else's is ever shown to a member).
    pub leave_reason: Option<String>,
    #[schema(format = DateTime)]
    pub leave_requested_at: Option<String>,
    /// The request came after the deadline.
    pub leave_late: bool,
    /// Asking for leave now would be late.
    pub leave_late_now: bool,
    /// The approver's note with the decision.
    pub leave_note: Option<String>,
    #[schema(format = DateTime)]
    pub leave_decided_at: Option<String>,
    #[schema(format = DateTime)]
    pub checked_in_at: Option<String>,
    pub checkin_method: Option<CheckinMethod>,
    #[schema(format = DateTime)]
    pub checked_out_at: Option<String>,
    /// Final at close: present | late | excused | absent.
    pub attendance: Option<Attendance>,
    pub attendance_label: Option<String>,
}

/// A member on the list as the office (or, for leave, the approver) sees them.
#[derive(Serialize, ToSchema)]
pub struct InviteeOut {
    pub member_id: i64,
    pub name: String,
    /// 界别
    pub sector: String,
    pub source: Source,
    pub waiting: bool,
    pub rsvp: Option<Rsvp>,
    pub leave_status: Option<LeaveStatus>,
    pub leave_reason: Option<String>,
    #[schema(format = DateTime)]
    pub leave_requested_at: Option<String>,
    pub leave_late: bool,
    pub leave_note: Option<String>,
    #[schema(format = DateTime)]
    pub leave_decided_at: Option<String>,
    #[schema(format = DateTime)]
    pub checked_in_at: Option<String>,
    pub checkin_method: Option<CheckinMethod>,
    /// 代签到原因 (checked in by hand).
    pub checkin_reason: Option<String>,
    #[schema(format = DateTime)]
    pub checked_out_at: Option<String>,
    pub attendance: Option<Attendance>,
}

/// How the list stands.
#[derive(Serialize, ToSchema)]
pub struct CountsOut {
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
    /// 人次: present or late.
    pub person_times: i64,
}

/// A refused check-in or check-out (recorded for the office).
#[derive(Serialize, ToSchema)]
pub struct RefusedOut {
    pub member_id: Option<i64>,
    /// The account's name.
    pub name: String,
    /// The digits presented.
    pub code: String,
    /// expired | replayed | foreign | outside_window | not_invited
    pub outcome: CheckinRefusal,
    /// The message the member saw.
    pub outcome_label: String,
    #[schema(format = DateTime)]
    pub at: String,
}

/// An activity in a list, with the caller's own row when the list is a member's.
#[derive(Serialize, ToSchema)]
pub struct ActivityRowOut {
    pub id: i64,
    pub version: i64,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub type_label: String,
    pub title: String,
    pub place: String,
    #[schema(format = DateTime)]
    pub starts_at: String,
    #[schema(format = DateTime)]
    pub ends_at: String,
    pub status: Status,
    pub participation: Participation,
    /// Changes of time or place after publishing.
    pub changes: i64,
    /// The caller is on its list (a member's list).
    pub on_list: bool,
    pub rsvp: Option<Rsvp>,
    pub leave_status: Option<LeaveStatus>,
    #[schema(format = DateTime)]
    pub checked_in_at: Option<String>,
    pub attendance: Option<Attendance>,
}

#[derive(Serialize, ToSchema)]
pub struct ActivityPage {
    pub items: Vec<ActivityRowOut>,
    pub next_cursor: Option<String>,
}

/// A leave request waiting for the caller's decision (`approve_leave` on the activity).
#[derive(Serialize, ToSchema)]
pub struct LeaveRequestOut {
    pub activity_id: i64,
    /// The activity's version (for `approve_leave`).
    pub version: i64,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    #[schema(format = DateTime)]
    pub starts_at: String,
    pub member_id: i64,
    pub name: String,
    pub reason: Option<String>,
    #[schema(format = DateTime)]
    pub requested_at: Option<String>,
    /// Asked after the deadline.
    pub late: bool,
}

#[derive(Serialize, ToSchema)]
pub struct LeaveQueueOut {
    pub items: Vec<LeaveRequestOut>,
}

fn at(t: Option<i64>) -> Option<String> {
    t.map(ts)
}

impl From<ActivityCounts> for CountsOut {
    fn from(c: ActivityCounts) -> Self {
        CountsOut {
            invited: c.invited,
            waiting: c.waiting,
            attending: c.attending,
            leave_requested: c.leave_requested,
            leave_approved: c.leave_approved,
            checked_in: c.checked_in,
            checked_out: c.checked_out,
            present: c.present,
            late: c.late,
            excused: c.excused,
            absent: c.absent,
            person_times: c.person_times,
        }
    }
}

impl From<MyPart> for MineOut {
    fn from(m: MyPart) -> Self {
        let i: Invitee = m.row;
        MineOut {
            source: i.source,
            waiting: i.waiting,
            rsvp: *i.rsvp,
            leave_status: *i.leave_status,
            leave_status_label: i.leave_status.map(|l| l.label().to_string()),
            leave_reason: i.leave_reason,
            leave_requested_at: at(i.leave_requested_at),
            leave_late: i.leave_late,
            leave_late_now: m.leave_late_now,
            leave_note: i.leave_note,
            leave_decided_at: at(i.leave_decided_at),
            checked_in_at: at(i.checked_in_at),
            checkin_method: *i.checkin_method,
            checked_out_at: at(i.checked_out_at),
            attendance: *i.attendance,
            attendance_label: i.attendance.map(|a| a.label().to_string()),
        }
    }
}

impl From<Listed> for InviteeOut {
    fn from(l: Listed) -> Self {
        let i = l.invitee;
        InviteeOut {
            member_id: i.member_id,
            name: l.name,
            sector: l.sector,
            source: i.source,
            waiting: i.waiting,
            rsvp: *i.rsvp,
            leave_status: *i.leave_status,
            leave_reason: i.leave_reason,
            leave_requested_at: at(i.leave_requested_at),
            leave_late: i.leave_late,
            leave_note: i.leave_note,
            leave_decided_at: at(i.leave_decided_at),
            checked_in_at: at(i.checked_in_at),
            checkin_method: *i.checkin_method,
            checkin_reason: i.checkin_reason,
            checked_out_at: at(i.checked_out_at),
            attendance: *i.attendance,
        }
    }
}

impl From<ChangeRow> for ChangeOut {
    fn from(c: ChangeRow) -> Self {
        ChangeOut { field: c.field, before: c.before_value, after: c.after_value, at: ts(c.at) }
    }
}

impl RefusedOut {
    /// `None` for an outcome this build does not know (never shown as something else).
    fn of(a: Attempt) -> Option<RefusedOut> {
        let outcome = CheckinRefusal::parse(&a.outcome)?;
        Some(RefusedOut { member_id: a.member_id, name: a.name, code: a.code, outcome, outcome_label: outcome.label().into(), at: ts(a.at) })
    }
}

impl From<Row> for ActivityRowOut {
    fn from(r: Row) -> Self {
        ActivityRowOut {
            id: r.id,
            version: r.version,
            kind: r.kind,
            type_label: r.kind.label().into(),
            title: r.title,
            place: r.place,
            starts_at: ts(r.starts_at),
            ends_at: ts(r.ends_at),
            status: r.status,
            participation: r.participation,
            changes: r.changes,
            on_list: r.invited.is_some(),
            rsvp: *r.rsvp,
            leave_status: *r.leave_status,
            checked_in_at: at(r.checked_in_at),
            attendance: *r.attendance,
        }
    }
}

impl From<LeaveItem> for LeaveRequestOut {
    fn from(l: LeaveItem) -> Self {
        LeaveRequestOut {
            activity_id: l.activity_id,
            version: l.version,
            title: l.title,
            kind: l.kind,
            starts_at: ts(l.starts_at),
            member_id: l.member_id,
            name: l.name,
            reason: l.leave_reason,
            requested_at: at(l.leave_requested_at),
            late: l.leave_late,
        }
    }
}

impl ActivityOut {
    /// The view as the API shows it, with the series the office sees (`App::activity_series`).
    pub fn of(v: ActivityView, series_ids: Vec<i64>, materials: Vec<AttachmentOut>) -> ActivityOut {
        let a = v.a;
        let organiser_label = match (&v.special_committee, a.organiser_kind) {
            (Some(name), Organiser::SpecialCommittee) => name.clone(),
            _ => a.organiser_kind.label().to_string(),
        };
        ActivityOut {
            id: a.id,
            version: a.version,
            status: a.status,
            status_label: a.status.label().into(),
            kind: a.kind,
            type_label: a.kind.label().into(),
            title: a.title,
            description: a.description,
            place: a.place,
            starts_at: ts(a.starts_at),
            ends_at: ts(a.ends_at),
            starts_on: a.starts_on,
            year: a.year,
            organiser: a.organiser_kind,
            organiser_label,
            special_committee_id: a.special_committee_id,
            participation: a.participation,
            participation_label: a.participation.label().into(),
            capacity: a.capacity,
            approver_id: a.approver_id,
            approver_name: v.approver,
            leave_deadline: ts(a.leave_deadline_at),
            checkin_from: ts(a.checkin_from),
            checkin_until: ts(a.checkin_until),
            late_after_minutes: a.late_after_minutes,
            checkout: a.checkout,
            min_share_percent: a.min_share_percent,
            briefing_leader: a.briefing_leader,
            series_id: a.series_id,
            series_ids,
            materials,
            changes: v.changes.into_iter().map(Into::into).collect(),
            cancel_reason: a.cancel_reason,
            published_at: at(a.published_at),
            closed_at: at(a.closed_at),
            allowed_actions: v.actions.iter().map(|s| s.to_string()).collect(),
            access: if v.access == Access::Full { ProposalAccess::Full } else { ProposalAccess::Public },
            mine: v.mine.map(Into::into),
            counts: v.counts.into(),
            invitees: v.invitees.into_iter().map(|i| i.listed.into()).collect(),
            refused_checkins: v.attempts.into_iter().filter_map(RefusedOut::of).collect(),
            timeline: v.events.into_iter().map(Into::into).collect(),
            created_at: ts(a.created_at),
            updated_at: ts(a.updated_at),
        }
    }
}
