//! The activity statistics of a year, added up from the grouped rows of
//! `eline_storage::activity_stats`:
//! - activities by kind and by month of the start (Beijing), per status; cancelled ones are shown
//!   but never counted as activities held;
//! - 政情通报 (briefings) counted separately, each with its leader and person-times;
//! - attendance of closed activities: invited places (the waiting list never counts), present,
//!   late, excused (approved leave), absent; person-times (人次) = present + late; the attendance
//!   rate = person-times ÷ places (excused places stay in the base and are shown apart);
//! - the same per member, per sector (the member's) and per special committee (its members; and
//!   the activities it organised);
//! - each closed activity's leave and absence list.

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;
use eline_domain::Actor;
use eline_domain::activity::{Attendance, Kind, LeaveStatus, Status};
use eline_domain::policy::{Action, Resource, can};
use eline_storage::activity_stats as q;
use serde::{Deserialize, Serialize};

use crate::params::blank;
use crate::proposals::rate;
use crate::{App, AppError, AppResult};

/// Rows of the leave and absence list the page and the API carry (the workbook has them all, up
/// to `ABSENCES_CAP`).
pub const ABSENCES_SHOWN: i64 = 2_000;
/// Rows of the leave and absence list a workbook holds at most.
pub const ABSENCES_CAP: i64 = 200_000;

/// (figure, how it is counted), as the page, the API and the workbook show them.
pub const DEFINITIONS: [(&str, &str); 7] = [
    ("活动场次", "本年度开始的活动（按北京时间的开始日期），已取消的不计；各状态另列"),
    ("政情通报", "类型为政情通报的活动，单独统计（也计入活动场次）"),
    ("应出席", "已结束活动参加名单上的委员人次（报名候补不计）"),
    ("参与人次", "已结束活动中出席和迟到的人次"),
    ("出勤率", "参与人次 ÷ 应出席人次；请假（已准假）人次另列，不从应出席中扣除"),
    ("缺席", "已结束活动中既未请准假又未签到，或在场时间不足规定比例的人次"),
    ("专委会", "该专委会委员的出勤（一位委员可属于几个专委会）；组织活动为该专委会主办的活动场次"),
];

/// Which year the statistics count: by default the current one. The API's query and the page's
/// form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct StatsYear {
    /// The year counted (by the Beijing date an activity starts on); by default the current year.
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
}

impl StatsYear {
    pub fn of(year: i64) -> StatsYear {
        StatsYear { year: Some(year) }
    }

    /// The year, the current one when none is given; checked.
    pub fn resolve(&self) -> AppResult<i64> {
        match self.year {
            Some(y) if !(1949..=9999).contains(&y) => Err(AppError::field("year", format!("年度“{y}”无效"))),
            Some(y) => Ok(y),
            None => Ok(i64::from(crate::proposals::today().year())),
        }
    }
}

/// Activities per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub planned: i64,
    pub published: i64,
    pub checkin_open: i64,
    pub closed: i64,
    pub cancelled: i64,
}

impl StatusCounts {
    fn add(&mut self, status: &str, n: i64) {
        match Status::parse(status) {
            Some(Status::Planned) => self.planned += n,
            Some(Status::Published) => self.published += n,
            Some(Status::CheckinOpen) => self.checkin_open += n,
            Some(Status::Closed) => self.closed += n,
            Some(Status::Cancelled) => self.cancelled += n,
            None => {}
        }
    }

    /// Activities held or to be held (cancelled ones not counted).
    pub fn held(&self) -> i64 {
        self.planned + self.published + self.checkin_open + self.closed
    }

    /// (status, count) in the order of the states.
    pub fn each(&self) -> [(Status, i64); 5] {
        [
            (Status::Planned, self.planned),
            (Status::Published, self.published),
            (Status::CheckinOpen, self.checkin_open),
            (Status::Closed, self.closed),
            (Status::Cancelled, self.cancelled),
        ]
    }
}

/// Places on closed activities by final attendance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Invited places (present + late + excused + absent).
    pub places: i64,
    pub present: i64,
    pub late: i64,
    pub excused: i64,
    pub absent: i64,
}

impl Tally {
    fn add(&mut self, attendance: Option<&str>, n: i64) {
        self.places += n;
        match attendance.and_then(Attendance::parse) {
            Some(Attendance::Present) => self.present += n,
            Some(Attendance::Late) => self.late += n,
            Some(Attendance::Excused) => self.excused += n,
            Some(Attendance::Absent) | None => self.absent += n,
        }
    }

    /// One place of the attendance given.
    pub(crate) fn count(&mut self, attendance: Option<&str>) {
        self.add(attendance, 1);
    }

    fn plus(&mut self, o: &Tally) {
        self.places += o.places;
        self.present += o.present;
        self.late += o.late;
        self.excused += o.excused;
        self.absent += o.absent;
    }

    /// Person-times (人次): present + late.
    pub fn attended(&self) -> i64 {
        self.present + self.late
    }

    /// Person-times ÷ places (`None` without places).
    pub fn rate(&self) -> Option<f64> {
        rate(self.attended(), self.places)
    }
}

/// The activities and attendance of one kind, one month or the whole year.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Line {
    pub activities: StatusCounts,
    pub attendance: Tally,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindLine {
    pub kind: Kind,
    #[serde(flatten)]
    pub line: Line,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthLine {
    /// 1 … 12
    pub month: u32,
    #[serde(flatten)]
    pub line: Line,
}

/// A member's attendance over the year's closed activities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberLine {
    pub id: i64,
    pub name: String,
    pub sector_id: Option<i64>,
    pub sector: String,
    /// The special committees the member belongs to.
    pub special_committee_ids: Vec<i64>,
    pub attendance: Tally,
}

/// A sector's or special committee's members' attendance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupLine {
    pub id: i64,
    pub name: String,
    /// Members with a place on a closed activity of the year.
    pub members: i64,
    pub attendance: Tally,
    /// Activities it organised (special committees; cancelled ones not counted).
    pub organised: Option<i64>,
}

/// A briefing (政情通报) of the year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BriefingLine {
    pub id: i64,
    pub title: String,
    pub starts_on: String,
    pub leader: Option<String>,
    pub status: Status,
    pub attended: i64,
}

/// An invitee of a closed activity who was excused or absent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbsenceLine {
    pub activity_id: i64,
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

/// The activity statistics of a committee for a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityStats {
    pub year: i64,
    pub totals: Line,
    /// Briefings held or to be held (not cancelled), and their person-times.
    pub briefings: i64,
    pub briefing_attended: i64,
    /// Every kind, in the order of `Kind::ALL` (zeros included).
    pub by_kind: Vec<KindLine>,
    /// Months 1 to 12.
    pub by_month: Vec<MonthLine>,
    pub briefing_list: Vec<BriefingLine>,
    /// Most places first, then by rate, then by name.
    pub members: Vec<MemberLine>,
    pub sectors: Vec<GroupLine>,
    pub special_committees: Vec<GroupLine>,
    /// The first `ABSENCES_SHOWN` (or, in the workbook, `ABSENCES_CAP`) rows of the leave and
    /// absence lists, meeting by meeting.
    pub absences: Vec<AbsenceLine>,
    /// How many rows the lists hold in all.
    pub absences_total: i64,
    /// Years with activities, newest first (the page's choices).
    pub years: Vec<i64>,
}

fn month_of(text: &str) -> usize {
    text.parse::<usize>().ok().filter(|m| (1..=12).contains(m)).unwrap_or(1)
}

fn group_lines(groups: BTreeMap<i64, (String, i64, Tally)>, organised: &HashMap<i64, i64>, with_organised: bool) -> Vec<GroupLine> {
    let mut v: Vec<GroupLine> = groups
        .into_iter()
        .map(|(id, (name, members, attendance))| GroupLine {
            id,
            name,
            members,
            attendance,
            organised: with_organised.then(|| organised.get(&id).copied().unwrap_or(0)),
        })
        .collect();
    v.sort_by(|a, b| b.attendance.places.cmp(&a.attendance.places).then_with(|| a.name.cmp(&b.name)));
    v
}

impl App {
    /// The activity statistics of the actor's committee for a year (the office and leaders).
    pub async fn activity_stats(&self, actor: &Actor, year: &StatsYear) -> AppResult<ActivityStats> {
        self.activity_stats_with(actor, year, ABSENCES_SHOWN).await
    }

    pub(crate) async fn activity_stats_with(&self, actor: &Actor, year: &StatsYear, absences_limit: i64) -> AppResult<ActivityStats> {
        if !can(actor, Action::ViewActivityStats, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let year = year.resolve()?;
        let cid = actor.committee_id;
        let mut c = self.db.acquire().await?;
        let activity_rows = q::activities(&mut c.ex(), cid, year).await?;
        let place_rows = q::places(&mut c.ex(), cid, year).await?;
        let member_rows = q::members(&mut c.ex(), cid, year).await?;
        let committee_rows = q::committee_members(&mut c.ex(), cid).await?;
        let organised_rows = q::organised(&mut c.ex(), cid, year).await?;
        let briefing_rows = q::briefings(&mut c.ex(), cid, year).await?;
        let absence_rows = q::absences(&mut c.ex(), cid, year, absences_limit).await?;
        let absences_total = q::absences_total(&mut c.ex(), cid, year).await?;
        let years = q::years(&mut c.ex(), cid).await?;
        drop(c);

        let mut totals = Line::default();
        let mut kinds: Vec<Line> = vec![Line::default(); Kind::ALL.len()];
        let mut months: Vec<Line> = vec![Line::default(); 12];
        let kind_index = |k: &str| Kind::ALL.iter().position(|x| x.as_str() == k);
        for r in &activity_rows {
            totals.activities.add(&r.status, r.n);
            months[month_of(&r.month) - 1].activities.add(&r.status, r.n);
            if let Some(i) = kind_index(&r.kind) {
                kinds[i].activities.add(&r.status, r.n);
            }
        }
        for r in &place_rows {
            totals.attendance.add(r.attendance.as_deref(), r.n);
            months[month_of(&r.month) - 1].attendance.add(r.attendance.as_deref(), r.n);
            if let Some(i) = kind_index(&r.kind) {
                kinds[i].attendance.add(r.attendance.as_deref(), r.n);
            }
        }

        // Members, then their sectors and special committees.
        let mut committees_of: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut committee_names: HashMap<i64, String> = HashMap::new();
        for (member, sc, name) in committee_rows {
            committees_of.entry(member).or_default().push(sc);
            committee_names.entry(sc).or_insert(name);
        }
        let mut members: Vec<MemberLine> = Vec::new();
        for r in &member_rows {
            if members.last().is_none_or(|m| m.id != r.member_id) {
                members.push(MemberLine {
                    id: r.member_id,
                    name: r.name.clone(),
                    sector_id: r.sector_id,
                    sector: r.sector_name.clone().unwrap_or_default(),
                    special_committee_ids: committees_of.get(&r.member_id).cloned().unwrap_or_default(),
                    attendance: Tally::default(),
                });
            }
            if let Some(m) = members.last_mut() {
                m.attendance.add(r.attendance.as_deref(), r.n);
            }
        }
        let (mut sectors, mut committees) = (BTreeMap::new(), BTreeMap::new());
        for m in &members {
            if let Some(s) = m.sector_id {
                let e = sectors.entry(s).or_insert_with(|| (m.sector.clone(), 0, Tally::default()));
                e.1 += 1;
                e.2.plus(&m.attendance);
            }
            for sc in &m.special_committee_ids {
                let e = committees.entry(*sc).or_insert_with(|| (committee_names.get(sc).cloned().unwrap_or_default(), 0, Tally::default()));
                e.1 += 1;
                e.2.plus(&m.attendance);
            }
        }
        let mut organised: HashMap<i64, i64> = HashMap::new();
        for (sc, status, n) in &organised_rows {
            if status != Status::Cancelled.as_str() {
                *organised.entry(*sc).or_default() += n;
            }
            // A special committee that organised activities is listed even when none of its
            // members had a place yet.
            committees.entry(*sc).or_insert_with(|| (committee_names.get(sc).cloned().unwrap_or_default(), 0, Tally::default()));
        }
        members.sort_by(|a, b| {
            b.attendance.places.cmp(&a.attendance.places).then_with(|| b.attendance.attended().cmp(&a.attendance.attended())).then_with(|| a.name.cmp(&b.name))
        });

        let briefing_list: Vec<BriefingLine> = briefing_rows
            .into_iter()
            .map(|b| BriefingLine {
                id: b.id,
                title: b.title,
                starts_on: b.starts_on,
                leader: b.briefing_leader,
                status: Status::parse(&b.status).unwrap_or(Status::Planned),
                attended: b.attended,
            })
            .collect();
        let absences = absence_rows
            .into_iter()
            .map(|r| AbsenceLine {
                activity_id: r.activity_id,
                kind: Kind::parse(&r.kind).unwrap_or(Kind::Other),
                title: r.title,
                starts_on: r.starts_on,
                member_id: r.member_id,
                name: r.name,
                sector: r.sector.unwrap_or_default(),
                attendance: r.attendance.as_deref().and_then(Attendance::parse).unwrap_or(Attendance::Absent),
                leave_status: r.leave_status.as_deref().and_then(LeaveStatus::parse),
                leave_late: r.leave_late,
                leave_reason: r.leave_reason,
            })
            .collect();
        Ok(ActivityStats {
            year,
            briefings: briefing_list.len() as i64,
            briefing_attended: kinds[kind_index(Kind::Briefing.as_str()).unwrap_or(0)].attendance.attended(),
            totals,
            by_kind: Kind::ALL.iter().zip(kinds).map(|(kind, line)| KindLine { kind: *kind, line }).collect(),
            by_month: months.into_iter().enumerate().map(|(i, line)| MonthLine { month: i as u32 + 1, line }).collect(),
            briefing_list,
            members,
            sectors: group_lines(sectors, &organised, false),
            special_committees: group_lines(committees, &organised, true),
            absences,
            absences_total,
            years,
        })
    }
}
