//! 社情民意 statistics (社情民意信息统计) of a committee for a year, a range of dates, or both.
//!
//! Definitions (shown on the page, the API and the workbook, see [`DEFINITIONS`]):
//! - submitted (报送): reports with a submission (`submitted_at`), drafts never; the reports of a
//!   committee below count here once they arrive;
//! - adopted (录用) and kept (留存): by status; decided = adopted + kept; adoption rate (录用率) =
//!   adopted / decided;
//! - 资政之声: the same counts among reports of the direct channel;
//! - outcomes (采用情况): per level and kind, the reports with at least one such outcome, recorded
//!   here or copied down from the committee above;
//! - bulletin issues (期刊): per series, issued ones by form, and drafts;
//! - instructions (领导批示): per rank and the kind of record instructed on, by the day given.
//!
//! A year counts the reports of that year (`opinions.year`), bulletin issues numbered in it and
//! instructions given in it; a range counts reports submitted, issues issued and instructions
//! given within it. Groups: the member credited; the sector (the report's own, else its
//! member's); the organisation and the special committee the report was written for.

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;
use eline_domain::Actor;
use eline_domain::opinion::{Channel, Level, OutcomeKind, Status};
use eline_domain::policy::{Action, Resource, can};
use eline_storage::opinion_stats::{self as q, CountRow, Period};
use serde::{Deserialize, Serialize};

use crate::params::{blank, flag, is_false};
use crate::proposals::rate;
use crate::{App, AppError, AppResult};

/// (figure, how it is counted), as the page, the API and the workbook show them.
pub const DEFINITIONS: [(&str, &str); 7] = [
    ("报送", "已提交的信息篇数（不含草稿）；下级政协报送来的信息到达本会即计入"),
    ("录用率", "录用篇数 ÷ 已处理篇数（录用 + 留存）"),
    ("资政之声", "渠道为资政之声的信息，计数方法同上"),
    ("采用情况", "按级别和类型，有该项采用情况的信息篇数（本会登记或上级政协反馈）；同一篇同类只计一次"),
    ("界别", "信息所属界别；未填写时为报送委员的界别"),
    ("期刊", "按刊物统计的期数：年度按期号年份，日期范围按印发日期"),
    ("领导批示", "按批示领导级别和批示对象类型统计的次数，按批示日期"),
];

/// Which period the statistics count: one year (by default the current one), every year, or a
/// range of submission dates (alone or within a year). The API's query and the page's form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct StatsPeriod {
    /// The year counted; by default the current year (unless `all_years` or a range is given).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    /// true: every year (全部年度).
    #[serde(default, with = "flag", skip_serializing_if = "is_false")]
    pub all_years: bool,
    /// Submitted on or after this day (YYYY-MM-DD).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Submitted on or before this day (YYYY-MM-DD).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl StatsPeriod {
    pub fn year(year: i64) -> StatsPeriod {
        StatsPeriod { year: Some(year), ..StatsPeriod::default() }
    }

    /// The period with its defaults filled in and its dates checked.
    fn resolve(&self) -> AppResult<StatsPeriod> {
        if self.all_years && self.year.is_some() {
            return Err(AppError::field("all_years", "年度与“全部年度”只能选一个"));
        }
        let from = crate::dates::form_day("from", &self.from)?;
        let to = crate::dates::form_day("to", &self.to)?;
        if let (Some(f), Some(t)) = (&from, &to)
            && f > t
        {
            return Err(AppError::field("to", "结束日期不能早于开始日期"));
        }
        if let Some(y) = self.year
            && !(1949..=9999).contains(&y)
        {
            return Err(AppError::field("year", format!("年度“{y}”无效")));
        }
        let ranged = from.is_some() || to.is_some();
        let year = match self.year {
            None if !self.all_years && !ranged => Some(i64::from(crate::proposals::today().year())),
            y => y,
        };
        Ok(StatsPeriod { year, all_years: year.is_none(), from, to })
    }

    fn storage(&self) -> Period {
        Period { year: self.year, from: self.from.clone(), to: self.to.clone() }
    }

    /// "2026年", "全部年度", "2026年（2026-03-01至2026-06-30）", "2026-03-01起".
    pub fn name(&self) -> String {
        let range = match (&self.from, &self.to) {
            (Some(f), Some(t)) => Some(format!("{f}至{t}")),
            (Some(f), None) => Some(format!("{f}起")),
            (None, Some(t)) => Some(format!("截至{t}")),
            (None, None) => None,
        };
        match (self.year, range) {
            (Some(y), Some(r)) => format!("{y}年（{r}）"),
            (Some(y), None) => format!("{y}年"),
            (None, Some(r)) => r,
            (None, None) => "全部年度".into(),
        }
    }
}

/// The statistics of a committee for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpinionStats {
    /// The period counted, defaults filled in.
    pub period: StatsPeriod,
    pub scope_name: String,
    pub totals: Figures,
    /// Count per status (drafts left out), for links to the list.
    pub by_status: Vec<(Status, i64)>,
    /// Every level with every kind of outcome it has (0 where none).
    pub outcomes: Vec<LevelOutcomes>,
    pub bulletins: Vec<SeriesCount>,
    pub instructions: InstructionTable,
    pub members: Vec<GroupStats>,
    pub sectors: Vec<GroupStats>,
    pub organizations: Vec<GroupStats>,
    pub special_committees: Vec<GroupStats>,
    /// Years with reports, newest first (the page's choices).
    pub years: Vec<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub submitted: i64,
    /// Waiting for the office (submitted or editing).
    pub pending: i64,
    /// With the author after a return.
    pub returned: i64,
    pub adopted: i64,
    pub kept: i64,
    /// adopted + kept
    pub decided: i64,
    /// adopted / decided
    pub adoption_rate: Option<f64>,
    pub direct_submitted: i64,
    pub direct_adopted: i64,
    pub direct_kept: i64,
    pub direct_adoption_rate: Option<f64>,
    /// Arrived from committees below.
    pub from_below: i64,
    /// Adopted here and reported up to the parent committee.
    pub reported_up: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelOutcomes {
    pub level: Level,
    /// Reports with any outcome at this level.
    pub reports: i64,
    pub kinds: Vec<(OutcomeKind, i64)>,
}

/// A bulletin series' issues (《社情民意》, 《资政之声》).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesCount {
    pub series: Channel,
    pub issued: i64,
    /// Issued single-report issues (单篇) and digests (综合).
    pub single: i64,
    pub digest: i64,
    /// Still being compiled.
    pub drafts: i64,
}

/// Instructions by rank (rows) and the kind of record instructed on (columns).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InstructionTable {
    /// (record kind, its label), in the order of the registry, then any other.
    pub kinds: Vec<(String, &'static str)>,
    pub rows: Vec<RankRow>,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankRow {
    pub rank: Level,
    /// Same order as `InstructionTable::kinds`.
    pub counts: Vec<i64>,
    pub total: i64,
}

/// A member's, sector's, organisation's or special committee's reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GroupStats {
    pub id: i64,
    pub name: String,
    pub submitted: i64,
    pub adopted: i64,
    pub kept: i64,
    pub adoption_rate: Option<f64>,
    pub direct_submitted: i64,
    pub direct_adopted: i64,
    /// Reports with an outcome at the city, province, national level.
    pub city: i64,
    pub province: i64,
    pub national: i64,
}

/// Counts of reports, added up from grouped rows.
#[derive(Debug, Clone, Default)]
struct Tally {
    submitted: i64,
    pending: i64,
    returned: i64,
    adopted: i64,
    kept: i64,
    direct: [i64; 3],
    from_below: i64,
    reported_up: i64,
    levels: [i64; 3],
}

impl Tally {
    fn add(&mut self, r: &CountRow) {
        let Some(status) = Status::parse(&r.status) else { return };
        if r.submitted == 1 {
            self.submitted += r.n;
        }
        let direct = r.channel == Channel::Direct.as_str();
        match status {
            Status::Submitted | Status::Editing => self.pending += r.n,
            Status::Returned => self.returned += r.n,
            Status::Adopted => self.adopted += r.n,
            Status::Kept => self.kept += r.n,
            Status::Draft => {}
        }
        if direct {
            self.direct[0] += if r.submitted == 1 { r.n } else { 0 };
            self.direct[1] += if status == Status::Adopted { r.n } else { 0 };
            self.direct[2] += if status == Status::Kept { r.n } else { 0 };
        }
        self.from_below += r.from_below * r.n;
        self.reported_up += r.reported_up * r.n;
        self.levels[0] += r.city * r.n;
        self.levels[1] += r.province * r.n;
        self.levels[2] += r.national * r.n;
    }

    fn group(&self, id: i64, name: String) -> GroupStats {
        GroupStats {
            id,
            name,
            submitted: self.submitted,
            adopted: self.adopted,
            kept: self.kept,
            adoption_rate: rate(self.adopted, self.adopted + self.kept),
            direct_submitted: self.direct[0],
            direct_adopted: self.direct[1],
            city: self.levels[0],
            province: self.levels[1],
            national: self.levels[2],
        }
    }

    fn figures(&self) -> Figures {
        Figures {
            submitted: self.submitted,
            pending: self.pending,
            returned: self.returned,
            adopted: self.adopted,
            kept: self.kept,
            decided: self.adopted + self.kept,
            adoption_rate: rate(self.adopted, self.adopted + self.kept),
            direct_submitted: self.direct[0],
            direct_adopted: self.direct[1],
            direct_kept: self.direct[2],
            direct_adoption_rate: rate(self.direct[1], self.direct[1] + self.direct[2]),
            from_below: self.from_below,
            reported_up: self.reported_up,
        }
    }
}

type Groups = BTreeMap<(i64, String), Tally>;

fn add_to(groups: &mut Groups, id: Option<i64>, name: &Option<String>, r: &CountRow) {
    if let (Some(id), Some(name)) = (id, name) {
        groups.entry((id, name.clone())).or_default().add(r);
    }
}

/// Most reports first, then by name.
fn sorted(groups: Groups) -> Vec<GroupStats> {
    let mut v: Vec<GroupStats> = groups.into_iter().map(|((id, name), t)| t.group(id, name)).collect();
    v.sort_by(|a, b| b.submitted.cmp(&a.submitted).then_with(|| b.adopted.cmp(&a.adopted)).then_with(|| a.name.cmp(&b.name)));
    v
}

impl App {
    /// The 社情民意 statistics of the actor's committee for a period (office and leaders).
    pub async fn opinion_stats(&self, actor: &Actor, period: &StatsPeriod) -> AppResult<OpinionStats> {
        if !can(actor, Action::ViewOpinionStats, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let period = period.resolve()?;
        let (cid, p) = (actor.committee_id, period.storage());
        let mut c = self.db.acquire().await?;
        let rows = q::counts(&mut c.ex(), cid, &p).await?;
        let outcome_rows = q::outcomes(&mut c.ex(), cid, &p).await?;
        let bulletin_rows = q::bulletins(&mut c.ex(), cid, &p).await?;
        let instruction_rows = q::instructions(&mut c.ex(), cid, &p).await?;
        let years = q::years(&mut c.ex(), cid).await?;
        drop(c);

        let mut total = Tally::default();
        let mut statuses: HashMap<String, i64> = HashMap::new();
        let (mut members, mut sectors, mut organizations, mut special_committees) = (Groups::new(), Groups::new(), Groups::new(), Groups::new());
        for r in &rows {
            total.add(r);
            *statuses.entry(r.status.clone()).or_default() += r.n;
            add_to(&mut members, r.member_id, &r.member_name, r);
            add_to(&mut sectors, r.sector_id, &r.sector_name, r);
            add_to(&mut organizations, r.organization_id, &r.organization_name, r);
            add_to(&mut special_committees, r.special_committee_id, &r.special_committee_name, r);
        }
        let by_status = Status::ALL.iter().filter(|s| **s != Status::Draft).map(|s| (*s, statuses.get(s.as_str()).copied().unwrap_or(0))).collect();
        let outcomes = Level::ALL
            .iter()
            .enumerate()
            .map(|(i, level)| LevelOutcomes {
                level: *level,
                reports: total.levels[i],
                kinds: level
                    .outcome_kinds()
                    .iter()
                    .map(|k| {
                        let n = outcome_rows.iter().find(|(l, kind, _)| l == level.as_str() && kind == k.as_str()).map(|r| r.2).unwrap_or(0);
                        (*k, n)
                    })
                    .collect(),
            })
            .collect();
        Ok(OpinionStats {
            scope_name: period.name(),
            period,
            totals: total.figures(),
            by_status,
            outcomes,
            bulletins: series_counts(&bulletin_rows),
            instructions: self.instruction_table(&instruction_rows),
            members: sorted(members),
            sectors: sorted(sectors),
            organizations: sorted(organizations),
            special_committees: sorted(special_committees),
            years,
        })
    }

    fn instruction_table(&self, rows: &[(String, String, i64)]) -> InstructionTable {
        // Instructions are given on outcomes (proposals, reports, bulletin issues, …): not on members'
        // files or on instructions.
        let not_outcomes = [eline_domain::RecordKind::MEMBER.as_str(), eline_domain::RecordKind::INSTRUCTION.as_str()];
        let mut kinds: Vec<(String, &'static str)> =
            self.records.kinds().into_iter().filter(|(k, _)| !not_outcomes.contains(k)).map(|(k, l)| (k.to_string(), l)).collect();
        for (_, kind, _) in rows {
            if !kinds.iter().any(|(k, _)| k == kind) {
                kinds.push((kind.clone(), self.records.kind_label(kind)));
            }
        }
        let rows: Vec<RankRow> = Level::ALL
            .iter()
            .map(|rank| {
                let counts: Vec<i64> =
                    kinds.iter().map(|(k, _)| rows.iter().filter(|(r, kind, _)| r == rank.as_str() && kind == k).map(|x| x.2).sum()).collect();
                RankRow { rank: *rank, total: counts.iter().sum(), counts }
            })
            .collect();
        InstructionTable { total: rows.iter().map(|r| r.total).sum(), kinds, rows }
    }
}

fn series_counts(rows: &[(String, String, String, i64)]) -> Vec<SeriesCount> {
    Channel::ALL
        .iter()
        .map(|series| {
            let mut s = SeriesCount { series: *series, issued: 0, single: 0, digest: 0, drafts: 0 };
            for (_, form, status, n) in rows.iter().filter(|r| r.0 == series.as_str()) {
                match (status.as_str(), form.as_str()) {
                    ("issued", "digest") => s.digest += n,
                    ("issued", _) => s.single += n,
                    _ => s.drafts += n,
                }
            }
            s.issued = s.single + s.digest;
            s
        })
        .collect()
}
