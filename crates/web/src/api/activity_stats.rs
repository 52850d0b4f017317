//! Activity statistics (office and leaders), their workbook, and a member's attendance list of a
//! year (office, leaders and the member).

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use eline_app::activity_stats::{ActivityStats, AttendedLine, DEFINITIONS, GroupLine, Line, MemberYear, StatsYear, Tally};
use eline_domain::activity::{Attendance, CheckinMethod, Kind, LeaveStatus, Status};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::ts;
use super::proposal_stats::DefinitionOut;
use super::{Id, Params};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stats)).routes(routes!(stats_xlsx)).routes(routes!(member_year))
}

/// Places on closed activities by final attendance. `attended` (人次) = present + late; `rate` =
/// attended / places (null without places); excused places stay in the base.
#[derive(Serialize, ToSchema)]
pub struct TallyOut {
    pub places: i64,
    pub present: i64,
    pub late: i64,
    pub excused: i64,
    pub absent: i64,
    pub attended: i64,
    pub rate: Option<f64>,
}

impl From<Tally> for TallyOut {
    fn from(t: Tally) -> Self {
        TallyOut { places: t.places, present: t.present, late: t.late, excused: t.excused, absent: t.absent, attended: t.attended(), rate: t.rate() }
    }
}

/// Activities per status (`held` = all but the cancelled) and the attendance of the closed ones.
#[derive(Serialize, ToSchema)]
pub struct LineOut {
    pub held: i64,
    pub planned: i64,
    pub published: i64,
    pub checkin_open: i64,
    pub closed: i64,
    pub cancelled: i64,
    pub attendance: TallyOut,
}

impl From<Line> for LineOut {
    fn from(l: Line) -> Self {
        let a = l.activities;
        LineOut {
            held: a.held(),
            planned: a.planned,
            published: a.published,
            checkin_open: a.checkin_open,
            closed: a.closed,
            cancelled: a.cancelled,
            attendance: l.attendance.into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct KindLineOut {
    #[serde(rename = "type")]
    pub kind: Kind,
    pub label: String,
    #[serde(flatten)]
    pub line: LineOut,
}

#[derive(Serialize, ToSchema)]
pub struct MonthLineOut {
    /// 1 … 12
    pub month: u32,
    #[serde(flatten)]
    pub line: LineOut,
}

/// A 政情通报 (not cancelled) with its leader and person-times.
#[derive(Serialize, ToSchema)]
pub struct BriefingOut {
    pub id: i64,
    pub title: String,
    /// YYYY-MM-DD (Beijing)
    pub starts_on: String,
    pub leader: Option<String>,
    pub status: Status,
    pub attended: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MemberAttendanceOut {
    pub id: i64,
    pub name: String,
    pub sector_id: Option<i64>,
    pub sector: String,
    pub special_committee_ids: Vec<i64>,
    pub attendance: TallyOut,
}

/// A sector's or special committee's members' attendance; `organised` (special committees only):
/// the activities it organised, cancelled ones not counted.
#[derive(Serialize, ToSchema)]
pub struct GroupAttendanceOut {
    pub id: i64,
    pub name: String,
    pub members: i64,
    pub organised: Option<i64>,
    pub attendance: TallyOut,
}

fn groups(v: Vec<GroupLine>) -> Vec<GroupAttendanceOut> {
    v.into_iter().map(|g| GroupAttendanceOut { id: g.id, name: g.name, members: g.members, organised: g.organised, attendance: g.attendance.into() }).collect()
}

/// An invitee of a closed activity who was excused or absent, with the leave.
#[derive(Serialize, ToSchema)]
pub struct AbsenceOut {
    pub activity_id: i64,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub title: String,
    pub starts_on: String,
    pub member_id: i64,
    pub name: String,
    pub sector: String,
    pub attendance: Attendance,
    pub leave_status: Option<LeaveStatus>,
    pub leave_late: bool,
    pub leave_reason: Option<String>,
}

/// The statistics of a year.
#[derive(Serialize, ToSchema)]
pub struct ActivityStatsOut {
    pub year: i64,
    pub definitions: Vec<DefinitionOut>,
    pub totals: LineOut,
    /// 政情通报 held or to be held, and their person-times.
    pub briefings: i64,
    pub briefing_attended: i64,
    /// Every type, zeros included.
    pub by_type: Vec<KindLineOut>,
    /// Months 1 to 12 (of the start, Beijing).
    pub by_month: Vec<MonthLineOut>,
    pub briefing_list: Vec<BriefingOut>,
    pub members: Vec<MemberAttendanceOut>,
    pub sectors: Vec<GroupAttendanceOut>,
    pub special_committees: Vec<GroupAttendanceOut>,
    /// The first 2,000 rows of the leave and absence lists (the workbook has them all).
    pub absences: Vec<AbsenceOut>,
    pub absences_total: i64,
    /// Years with activities, newest first.
    pub years: Vec<i64>,
}

impl From<ActivityStats> for ActivityStatsOut {
    fn from(s: ActivityStats) -> Self {
        ActivityStatsOut {
            year: s.year,
            definitions: DEFINITIONS.iter().map(|(f, d)| DefinitionOut { figure: f.to_string(), definition: d.to_string() }).collect(),
            totals: s.totals.into(),
            briefings: s.briefings,
            briefing_attended: s.briefing_attended,
            by_type: s.by_kind.into_iter().map(|k| KindLineOut { kind: k.kind, label: k.kind.label().into(), line: k.line.into() }).collect(),
            by_month: s.by_month.into_iter().map(|m| MonthLineOut { month: m.month, line: m.line.into() }).collect(),
            briefing_list: s
                .briefing_list
                .into_iter()
                .map(|b| BriefingOut { id: b.id, title: b.title, starts_on: b.starts_on, leader: b.leader, status: b.status, attended: b.attended })
                .collect(),
            members: s
                .members
                .into_iter()
                .map(|m| MemberAttendanceOut {
                    id: m.id,
                    name: m.name,
                    sector_id: m.sector_id,
                    sector: m.sector,
                    special_committee_ids: m.special_committee_ids,
                    attendance: m.attendance.into(),
                })
                .collect(),
            sectors: groups(s.sectors),
            special_committees: groups(s.special_committees),
            absences: s
                .absences
                .into_iter()
                .map(|a| AbsenceOut {
                    activity_id: a.activity_id,
                    kind: a.kind,
                    title: a.title,
                    starts_on: a.starts_on,
                    member_id: a.member_id,
                    name: a.name,
                    sector: a.sector,
                    attendance: a.attendance,
                    leave_status: a.leave_status,
                    leave_late: a.leave_late,
                    leave_reason: a.leave_reason,
                })
                .collect(),
            absences_total: s.absences_total,
            years: s.years,
        }
    }
}

/// One activity on a member's list of the year.
#[derive(Serialize, ToSchema)]
pub struct AttendedOut {
    pub activity_id: i64,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub title: String,
    /// RFC 3339
    pub starts_at: String,
    pub status: Status,
    /// Final once the activity is closed.
    pub attendance: Option<Attendance>,
    pub leave_status: Option<LeaveStatus>,
    pub leave_late: bool,
    pub checked_in_at: Option<String>,
    pub checkin_method: Option<CheckinMethod>,
}

/// A member's activities of a year; `attendance` counts the closed ones.
#[derive(Serialize, ToSchema)]
pub struct MemberYearOut {
    pub year: i64,
    pub member_id: i64,
    pub name: String,
    pub attendance: TallyOut,
    pub items: Vec<AttendedOut>,
}

fn attended(i: AttendedLine) -> AttendedOut {
    AttendedOut {
        activity_id: i.activity_id,
        kind: i.kind,
        title: i.title,
        starts_at: ts(i.starts_at),
        status: i.status,
        attendance: i.attendance,
        leave_status: i.leave_status,
        leave_late: i.leave_late,
        checked_in_at: i.checked_in_at.map(ts),
        checkin_method: i.checkin_method,
    }
}

impl From<MemberYear> for MemberYearOut {
    fn from(m: MemberYear) -> Self {
        MemberYearOut {
            year: m.year,
            member_id: m.member_id,
            name: m.name,
            attendance: m.attendance.into(),
            items: m.items.into_iter().map(attended).collect(),
        }
    }
}

/// Activity statistics of the committee for a year (office staff and leaders; the current year
/// unless `year` names another): activities by type and month per status, 政情通报 apart,
/// person-times and attendance rates per member, sector and special committee, and the leave and
/// absence lists of the closed activities.
#[utoipa::path(get, path = "/api/v1/activities/stats", tag = "activities", params(StatsYear),
    responses((status = 200, body = ActivityStatsOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn stats(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<StatsYear>) -> Result<Json<ActivityStatsOut>, ApiError> {
    Ok(Json(state.app.activity_stats(&a, &p).await?.into()))
}

/// The same statistics as an XLSX workbook: sheets 按类型, 按月份, 政情通报, 委员出勤, 界别, 专委会,
/// 请假缺席名单 (every row) and 指标说明; counts as numbers, rates formatted 0.0%.
#[utoipa::path(get, path = "/api/v1/activities/stats.xlsx", tag = "activities", params(StatsYear),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "XLSX"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn stats_xlsx(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<StatsYear>) -> Result<Response, ApiError> {
    Ok(crate::html::workbook(state.app.activity_stats_xlsx(&a, &p).await?))
}

/// A member's attendance list of a year (office staff, leaders, and the member): every activity
/// the member held a place on, with the final attendance and the leave.
#[utoipa::path(get, path = "/api/v1/activities/stats/members/{id}", tag = "activities", params(("id" = i64, Path), StatsYear),
    responses((status = 200, body = MemberYearOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
async fn member_year(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id, Params(p): Params<StatsYear>) -> Result<Json<MemberYearOut>, ApiError> {
    Ok(Json(state.app.member_activity_year(&a, id, &p).await?.into()))
}
