//! Activity statistics (活动统计) for the office and leaders, with its workbook, and a member's
//! attendance list of a year: each figure links to the list of what it counts (the activity list
//! by type, month and status, or the member's attendance list).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use eline_app::activities::{ActivityFilter, fmt_at};
use eline_app::activity_stats::{ActivityStats, DEFINITIONS, GroupLine, KindLine, Line, MemberLine, MemberYear, MonthLine, StatsYear, Tally};
use eline_app::proposals::percent;
use eline_domain::activity::{Kind, Status};
use serde::Deserialize;

use super::{Layout, PagePath, PageQuery, render, workbook};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/activities/stats", get(stats))
        .route("/activities/stats.xlsx", get(stats_xlsx))
        .route("/activities/stats/members/{id}", get(member_year))
}

/// The link of an activity list (the list page of `/activities`).
pub fn activities_href(f: &ActivityFilter) -> String {
    match serde_urlencoded::to_string(f).unwrap_or_default() {
        qs if qs.is_empty() => "/activities".into(),
        qs => format!("/activities?{qs}"),
    }
}

/// The page's form: the year, and optionally the sector or special committee whose members the
/// member table shows.
#[derive(Deserialize, Default)]
struct Params {
    year: Option<String>,
    sector_id: Option<String>,
    special_committee_id: Option<String>,
}

fn number(field: &str, label: &str, raw: &Option<String>) -> Result<Option<i64>, PageError> {
    match raw.as_deref().map(str::trim).unwrap_or("") {
        "" => Ok(None),
        v => v.parse::<i64>().map(Some).map_err(|_| PageError(eline_app::AppError::field(field, format!("{label}“{v}”无效")))),
    }
}

impl Params {
    fn year(&self) -> Result<StatsYear, PageError> {
        Ok(StatsYear { year: number("year", "年度", &self.year)? })
    }
}

/// The status columns, in the order of the states.
const STATUSES: [Status; 5] = [Status::Planned, Status::Published, Status::CheckinOpen, Status::Closed, Status::Cancelled];

#[derive(Template)]
#[template(path = "activity_stats.html")]
struct StatsPage {
    l: Layout,
    s: ActivityStats,
    /// The member table narrowed to a sector or a special committee: (heading, members).
    narrowed: Option<String>,
    members: Vec<MemberLine>,
}

impl StatsPage {
    fn pct(&self, t: &Tally) -> String {
        percent(t.rate())
    }

    fn definitions(&self) -> &'static [(&'static str, &'static str)] {
        &DEFINITIONS
    }

    fn statuses(&self) -> [Status; 5] {
        STATUSES
    }

    /// The years to choose from: those with activities, and the one shown.
    fn years(&self) -> Vec<i64> {
        let mut v = self.s.years.clone();
        if !v.contains(&self.s.year) {
            v.push(self.s.year);
            v.sort_by(|a, b| b.cmp(a));
        }
        v
    }

    fn list(&self, kind: Option<Kind>, month: Option<u32>, status: Option<Status>) -> String {
        activities_href(&ActivityFilter { kind, month, status, year: Some(self.s.year), ..ActivityFilter::default() })
    }

    /// (column head, count, link) of a line's cells: held, each status, then the places and
    /// person-times of the closed ones.
    fn line_cells(&self, line: &Line, kind: Option<Kind>, month: Option<u32>) -> Vec<(&'static str, i64, String)> {
        let mut v = vec![("活动场次", line.activities.held(), self.list(kind, month, None))];
        v.extend(line.activities.each().iter().map(|(status, n)| (status.label(), *n, self.list(kind, month, Some(*status)))));
        v.push(("应出席", line.attendance.places, self.list(kind, month, Some(Status::Closed))));
        v.push(("参与人次", line.attendance.attended(), self.list(kind, month, Some(Status::Closed))));
        v
    }

    fn kind_cells(&self, k: &KindLine) -> Vec<(&'static str, i64, String)> {
        self.line_cells(&k.line, Some(k.kind), None)
    }

    fn month_cells(&self, m: &MonthLine) -> Vec<(&'static str, i64, String)> {
        self.line_cells(&m.line, None, Some(m.month))
    }

    fn year_selected(&self, y: &i64) -> bool {
        *y == self.s.year
    }

    fn member_href(&self, id: &i64) -> String {
        format!("/activities/stats/members/{id}?year={}", self.s.year)
    }

    fn sector_href(&self, id: &i64) -> String {
        format!("/activities/stats?year={}&sector_id={id}#h-members", self.s.year)
    }

    fn committee_href(&self, id: &i64) -> String {
        format!("/activities/stats?year={}&special_committee_id={id}#h-members", self.s.year)
    }

    /// (anchor, heading, first column, rows, link of a row).
    fn group_tables(&self) -> [(&'static str, &'static str, &'static str, &[GroupLine], String); 2] {
        [
            ("h-sectors", "各界别委员出勤", "界别", &self.s.sectors, "sector".into()),
            ("h-committees", "各专委会委员出勤及组织活动", "专委会", &self.s.special_committees, "committee".into()),
        ]
    }

    fn group_href(&self, which: &str, id: &i64) -> String {
        if which == "sector" { self.sector_href(id) } else { self.committee_href(id) }
    }

    fn more_absences(&self) -> i64 {
        self.s.absences_total - self.s.absences.len() as i64
    }

    fn leave_text(&self, a: &eline_app::activity_stats::AbsenceLine) -> String {
        let status = a.leave_status.map(|l| l.label()).unwrap_or("未请假");
        if a.leave_late { format!("{status}（逾期请假）") } else { status.to_string() }
    }
}

async fn stats(State(state): State<AppState>, user: PageUser, PageQuery(p): PageQuery<Params>) -> Result<Response, PageError> {
    let s = state.app.activity_stats(&user.actor, &p.year()?).await?;
    let sector = number("sector_id", "界别", &p.sector_id)?;
    let committee = number("special_committee_id", "专委会", &p.special_committee_id)?;
    let (narrowed, members) = match (sector, committee) {
        (Some(id), _) => {
            let name = s.sectors.iter().find(|g| g.id == id).map(|g| g.name.clone()).unwrap_or_default();
            (Some(format!("界别：{name}")), s.members.iter().filter(|m| m.sector_id == Some(id)).cloned().collect())
        }
        (None, Some(id)) => {
            let name = s.special_committees.iter().find(|g| g.id == id).map(|g| g.name.clone()).unwrap_or_default();
            (Some(format!("专委会：{name}")), s.members.iter().filter(|m| m.special_committee_ids.contains(&id)).cloned().collect())
        }
        (None, None) => (None, s.members.clone()),
    };
    let l = Layout::page(&state, &user, "/activities/stats", "活动统计", &[("履职活动", "/activities")]).await?;
    Ok(render(&StatsPage { l, s, narrowed, members }))
}

async fn stats_xlsx(State(state): State<AppState>, user: PageUser, PageQuery(p): PageQuery<Params>) -> Result<Response, PageError> {
    Ok(workbook(state.app.activity_stats_xlsx(&user.actor, &p.year()?).await?))
}

#[derive(Template)]
#[template(path = "activity_member_year.html")]
struct MemberPage {
    l: Layout,
    my: MemberYear,
}

impl MemberPage {
    fn pct(&self) -> String {
        percent(self.my.attendance.rate())
    }

    fn when(&self, micros: &i64) -> String {
        fmt_at(*micros)
    }

    fn checked_in(&self, i: &eline_app::activity_stats::AttendedLine) -> String {
        match (i.checked_in_at, i.checkin_method) {
            (Some(at), Some(m)) => format!("{}（{}）", fmt_at(at), m.label()),
            (Some(at), None) => fmt_at(at),
            _ => "—".into(),
        }
    }

    fn leave(&self, i: &eline_app::activity_stats::AttendedLine) -> String {
        match i.leave_status {
            Some(l) if i.leave_late => format!("{}（逾期请假）", l.label()),
            Some(l) => l.label().to_string(),
            None => "—".into(),
        }
    }
}

async fn member_year(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(p): PageQuery<Params>,
) -> Result<Response, PageError> {
    let my = state.app.member_activity_year(&user.actor, id, &p.year()?).await?;
    let back = format!("/activities/stats?year={}", my.year);
    let title = format!("{}的{}年活动出勤", my.name, my.year);
    let mut crumbs = vec![("履职活动", "/activities")];
    if eline_domain::policy::can(&user.actor, eline_domain::policy::Action::ViewActivityStats, eline_domain::policy::Resource::Any) {
        crumbs.push(("活动统计", &back));
    }
    let l = Layout::page(&state, &user, "/activities/stats", title, &crumbs).await?;
    Ok(render(&MemberPage { l, my }))
}
