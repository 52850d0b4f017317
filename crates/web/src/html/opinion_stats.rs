//! 社情民意 statistics (信息统计) for the office and leaders, with its workbook, and the report
//! list's export: each figure links to the list of the reports it counts.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use eline_app::opinions::OpinionFilter;
use eline_app::opinions_stats::{DEFINITIONS, GroupStats, LevelOutcomes, OpinionStats, RankRow, StatsPeriod};
use eline_app::proposals::percent;
use eline_domain::opinion::{self, Channel, Level, OutcomeKind, Scope, ScopeRule, Status};
use serde::Deserialize;

use super::{Layout, PageQuery, render, workbook};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new().route("/opinions/stats", get(stats)).route("/opinions/stats.xlsx", get(stats_xlsx)).route("/opinions/export.xlsx", get(export))
}

/// The link of a report list (the list page of `/opinions`).
pub fn opinions_href(f: &OpinionFilter) -> String {
    match serde_urlencoded::to_string(f).unwrap_or_default() {
        qs if qs.is_empty() => "/opinions".into(),
        qs => format!("/opinions?{qs}"),
    }
}

/// A code the template hands over by value or behind one or two references (loop variables).
trait Code<T: Copy> {
    fn code(&self) -> T;
}

impl<T: Copy> Code<T> for T {
    fn code(&self) -> T {
        *self
    }
}

impl<T: Copy> Code<T> for &T {
    fn code(&self) -> T {
        **self
    }
}

impl<T: Copy> Code<T> for &&T {
    fn code(&self) -> T {
        ***self
    }
}

/// The page's form: `year` is a year, `all` (every year) or empty (the current year).
#[derive(Deserialize, Default)]
struct Params {
    year: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl Params {
    fn period(&self) -> Result<StatsPeriod, PageError> {
        let year = self.year.as_deref().map(str::trim).unwrap_or("");
        let (year, all_years) = match year {
            "" => (None, false),
            "all" => (None, true),
            y => (Some(y.parse::<i64>().map_err(|_| PageError(eline_app::AppError::field("year", format!("年度“{y}”无效"))))?), false),
        };
        Ok(StatsPeriod { year, all_years, from: self.from.clone(), to: self.to.clone() })
    }
}

/// (anchor, heading, first column, rows, the list filter of a row).
type GroupTable<'a> = (&'static str, &'static str, &'static str, &'a [GroupStats], fn(i64) -> OpinionFilter);

#[derive(Template)]
#[template(path = "opinion_stats.html")]
struct StatsPage {
    l: Layout,
    s: OpinionStats,
    /// What the viewer's list of all reports holds (the office: all but drafts; leaders: adopted).
    all: Option<ScopeRule>,
}

impl StatsPage {
    fn pct(&self, rate: &Option<f64>) -> String {
        percent(*rate)
    }

    fn definitions(&self) -> &'static [(&'static str, &'static str)] {
        &DEFINITIONS
    }

    /// The query of the workbook: this period.
    fn qs(&self) -> String {
        serde_urlencoded::to_string(self.form_period()).unwrap_or_default()
    }

    fn form_period(&self) -> Vec<(&'static str, String)> {
        let p = &self.s.period;
        let mut v = vec![("year", p.year.map(|y| y.to_string()).unwrap_or_else(|| "all".into()))];
        v.extend(p.from.clone().map(|d| ("from", d)));
        v.extend(p.to.clone().map(|d| ("to", d)));
        v
    }

    fn year_selected(&self, y: &i64) -> bool {
        self.s.period.year == Some(*y)
    }

    /// The years to choose from: those with reports, and the one shown.
    fn years(&self) -> Vec<i64> {
        let mut v = self.s.years.clone();
        if let Some(y) = self.s.period.year
            && !v.contains(&y)
        {
            v.push(y);
            v.sort_by(|a, b| b.cmp(a));
        }
        v
    }

    fn from(&self) -> &str {
        self.s.period.from.as_deref().unwrap_or("")
    }

    fn to(&self) -> &str {
        self.s.period.to.as_deref().unwrap_or("")
    }

    /// The list of all reports in this period, narrowed by `f`.
    fn period_filter(&self, f: OpinionFilter) -> OpinionFilter {
        let p = &self.s.period;
        OpinionFilter { scope: Some(Scope::All), year: p.year, from: p.from.clone(), to: p.to.clone(), ..f }
    }

    /// The link when the viewer's list holds every report `f` picks (a status, or adopted only).
    fn link(&self, status: Option<Status>, f: OpinionFilter) -> String {
        let holds = matches!((self.all, status), (Some(ScopeRule::AllButDrafts), _) | (Some(ScopeRule::Adopted), Some(Status::Adopted)));
        if holds { opinions_href(&self.period_filter(OpinionFilter { status, ..f })) } else { String::new() }
    }

    fn all_href(&self) -> String {
        self.link(None, OpinionFilter::default())
    }

    fn status_href(&self, status: impl Code<Status>) -> String {
        self.link(Some(status.code()), OpinionFilter::default())
    }

    /// 资政之声 reports (of a status: adopted, kept; else all).
    fn direct_href(&self, status: &str) -> String {
        self.link(Status::parse(status), OpinionFilter { channel: Some(Channel::Direct), ..OpinionFilter::default() })
    }

    fn below_href(&self) -> String {
        self.link(None, OpinionFilter { from_below: true, ..OpinionFilter::default() })
    }

    /// Reports with any outcome at the level. Outcomes are on adopted reports: every viewer's list
    /// holds them.
    fn level_href(&self, level: impl Code<Level>) -> String {
        self.link(Some(Status::Adopted), OpinionFilter { outcome_level: Some(level.code()), ..OpinionFilter::default() })
    }

    fn outcome_href(&self, level: impl Code<Level>, kind: impl Code<OutcomeKind>) -> String {
        let f = OpinionFilter { outcome_level: Some(level.code()), outcome_kind: Some(kind.code()), ..OpinionFilter::default() };
        self.link(Some(Status::Adopted), f)
    }

    /// (kind's label, reports, link unless none) of each kind of outcome of a level.
    fn kind_cells(&self, l: &LevelOutcomes) -> Vec<(&'static str, i64, String)> {
        l.kinds.iter().map(|(kind, n)| (kind.label(), *n, if *n == 0 { String::new() } else { self.outcome_href(l.level, *kind) })).collect()
    }

    /// The issued bulletin issues of the series in this year (the 期刊 list, `BulletinFilter`).
    fn bulletins_href(&self, series: impl Code<Channel>) -> String {
        let year = self.s.period.year.map(|y| format!("&year={y}")).unwrap_or_default();
        format!("/bulletins?series={}&status=issued{year}", series.code().as_str())
    }

    /// (column head, count, link to the instructions) of a rank's cells, then its total.
    fn rank_cells(&self, r: &RankRow) -> Vec<(&'static str, i64, String)> {
        let href = |kind: Option<&str>| {
            let mut q = vec![("rank", r.rank.as_str().to_string())];
            q.extend(self.s.period.year.map(|y| ("year", y.to_string())));
            q.extend(kind.map(|k| ("record_kind", k.to_string())));
            format!("/instructions?{}", serde_urlencoded::to_string(q).unwrap_or_default())
        };
        let mut cells: Vec<(&'static str, i64, String)> =
            self.s.instructions.kinds.iter().zip(&r.counts).map(|((k, label), n)| (*label, *n, href(Some(k)))).collect();
        cells.push(("合计", r.total, href(None)));
        cells
    }

    fn group_tables(&self) -> [GroupTable<'_>; 4] {
        [
            ("h-members", "各委员报送情况", "委员", &self.s.members, |id| OpinionFilter { member_id: Some(id), ..OpinionFilter::default() }),
            ("h-sectors", "各界别报送情况（信息所属界别，未填写时为委员的界别）", "界别", &self.s.sectors, |id| OpinionFilter {
                sector_id: Some(id),
                ..OpinionFilter::default()
            }),
            ("h-orgs", "党派团体报送情况", "党派团体", &self.s.organizations, |id| OpinionFilter {
                organization_id: Some(id),
                ..OpinionFilter::default()
            }),
            ("h-committees", "专委会报送情况", "专委会", &self.s.special_committees, |id| OpinionFilter {
                special_committee_id: Some(id),
                ..OpinionFilter::default()
            }),
        ]
    }

    /// A group's cell link: its reports (of a status, a channel, with an outcome at a level).
    fn group_href(&self, of: &fn(i64) -> OpinionFilter, id: &i64, what: &str) -> String {
        let f = of(*id);
        match what {
            "adopted" => self.link(Some(Status::Adopted), f),
            "kept" => self.link(Some(Status::Kept), f),
            "direct" => self.link(None, OpinionFilter { channel: Some(Channel::Direct), ..f }),
            "direct_adopted" => self.link(Some(Status::Adopted), OpinionFilter { channel: Some(Channel::Direct), ..f }),
            "city" | "province" | "national" => self.link(Some(Status::Adopted), OpinionFilter { outcome_level: Level::parse(what), ..f }),
            _ => self.link(None, f),
        }
    }

    /// (key, column head, the group's figure) of the linked columns of a group table.
    fn group_cells(&self, g: &GroupStats) -> [(&'static str, &'static str, i64); 8] {
        [
            ("all", "报送", g.submitted),
            ("adopted", "录用", g.adopted),
            ("kept", "留存", g.kept),
            ("direct", "资政之声报送", g.direct_submitted),
            ("direct_adopted", "资政之声录用", g.direct_adopted),
            ("city", "市级采用情况", g.city),
            ("province", "省级采用情况", g.province),
            ("national", "全国采用情况", g.national),
        ]
    }
}

async fn stats(State(state): State<AppState>, user: PageUser, PageQuery(p): PageQuery<Params>) -> Result<Response, PageError> {
    let s = state.app.opinion_stats(&user.actor, &p.period()?).await?;
    let l = Layout::page(&state, &user, "/opinions/stats", "社情民意统计", &[("社情民意", "/opinions")]).await?;
    Ok(render(&StatsPage { l, s, all: opinion::scope_rule(&user.actor, Scope::All) }))
}

async fn stats_xlsx(State(state): State<AppState>, user: PageUser, PageQuery(p): PageQuery<Params>) -> Result<Response, PageError> {
    Ok(workbook(state.app.opinion_stats_xlsx(&user.actor, &p.period()?).await?))
}

/// The list the filter picks (the list page's "导出Excel").
async fn export(State(state): State<AppState>, user: PageUser, PageQuery(f): PageQuery<OpinionFilter>) -> Result<Response, PageError> {
    Ok(workbook(state.app.export_opinions(&user.actor, &f).await?))
}
