//! The search quality harness: real published proposal titles (../shared/data, copied into
//! `quality.jsonl` and `assignments.jsonl`) imported as a committee's history, then
//! - the test queries of `quality.jsonl` (key terms, phrases, traditional-character variants)
//!   with every title each must find → recall@10 and MRR;
//! - similar proposals at a range of relevance floors against titles judged to share a subject
//!   (`floor.rs`, `similar.jsonl`) → precision and recall per floor;
//! - leave-one-out handling-unit suggestion: for every imported proposal, the units suggested
//!   from the *other* proposals, against the unit it was assigned → top-1 / top-3 accuracy,
//!   beside the baseline of always suggesting the unit that led most of the other proposals.
//!
//! The lead units of `assignments.jsonl` were given by hand from the title, as an office clerk
//! would (the published sources name the unit for only 11 of the 150 titles); see docs/search.md.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::demo::{PastRow, history_workbook};
use crate::members::ImportOutcome;
use crate::{App, AppError, AppResult, demo_data};

#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub query: String,
    pub kind: String,
    pub expect: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Assignment {
    title: String,
    lead_unit: String,
}

pub fn cases() -> Vec<Case> {
    include_str!("quality.jsonl").lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("quality.jsonl is valid")).collect()
}

fn assignments() -> Vec<Assignment> {
    include_str!("assignments.jsonl").lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("assignments.jsonl is valid")).collect()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub queries: usize,
    pub recall_at_10: f64,
    pub mrr: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub records: usize,
    pub all: Figures,
    /// By kind of query: term, phrase, traditional.
    pub by_kind: Vec<(String, Figures)>,
    /// Queries that missed some expected title in their first ten: (query, missed titles).
    pub misses: Vec<(String, Vec<String>)>,
    /// Proposals whose unit suggestion was measured.
    pub assigned: usize,
    pub unit_top1: f64,
    pub unit_top3: f64,
    /// Share of proposals that got any suggestion (the others were unlike every past one).
    pub unit_answered: f64,
    /// Always the unit that led most of the other proposals.
    pub unit_baseline_top1: f64,
    /// Unit suggestion by floor (the chosen one, `SIMILAR_FLOOR`, gives the figures above).
    pub units: Vec<UnitRow>,
    /// Similar proposals: precision and recall by floor.
    pub similar: super::floor::Curve,
}

/// Leave-one-out unit suggestion at one floor: shares of all measured proposals.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UnitRow {
    pub floor: f32,
    pub top1: f64,
    pub top3: f64,
    /// Got any suggestion.
    pub answered: f64,
}

/// The unit-suggestion floors tabulated.
const UNIT_FLOORS: &[f32] = &[0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4];

fn figures(rows: &[(f64, f64)]) -> Figures {
    let n = rows.len().max(1) as f64;
    Figures { queries: rows.len(), recall_at_10: rows.iter().map(|r| r.0).sum::<f64>() / n, mrr: rows.iter().map(|r| r.1).sum::<f64>() / n }
}

/// Runs the harness on an app whose database is empty and migrated, with a search directory.
pub async fn run(app: &App) -> AppResult<Report> {
    let search = app.search.clone().ok_or_else(|| AppError::Unavailable("搜索未配置".into()))?;
    app.load_demo().await?;
    let staff = {
        let mut c = app.db.acquire().await?;
        let user = eline_storage::users::get_by_username(&mut c.ex(), "staff").await?.ok_or(AppError::NotFound)?;
        crate::auth::actor_of(&user)
    };
    let assignments = assignments();
    let session = crate::demo::session_name(0)?;
    let rows: Vec<PastRow> = assignments
        .iter()
        .enumerate()
        .map(|(i, a)| PastRow {
            session: session.clone(),
            number: i + 1,
            title: a.title.clone(),
            proposer: demo_data::member(i % demo_data::MEMBER_COUNT).name,
            lead_unit: a.lead_unit.clone(),
            class: "A",
            satisfaction: "满意",
        })
        .collect();
    let xlsx = history_workbook(&rows)?;
    match app.import_proposal_history(&staff, "real-proposals.xlsx", &xlsx).await? {
        ImportOutcome::Imported(_) => {}
        ImportOutcome::Rejected(errors) => return Err(AppError::Internal(format!("导入真实标题失败：{errors:?}"))),
    }
    search.rebuild(&app.db).await?;

    let mut per_kind: HashMap<String, Vec<(f64, f64)>> = HashMap::new();
    let mut all = Vec::new();
    let mut misses = Vec::new();
    for case in cases() {
        let q = super::SearchQuery { q: case.query.clone(), kind: Some(super::PROPOSAL.into()), ..Default::default() };
        let page = app.search(&staff, &q, 10).await?;
        let found: Vec<String> = page.items.iter().map(|i| i.title.text.clone()).collect();
        let hits = case.expect.iter().filter(|t| found.contains(t)).count();
        let recall = hits as f64 / case.expect.len().max(1) as f64;
        let rr = found.iter().position(|t| case.expect.contains(t)).map(|p| 1.0 / (p + 1) as f64).unwrap_or(0.0);
        if hits < case.expect.len() {
            misses.push((case.query.clone(), case.expect.iter().filter(|t| !found.contains(t)).cloned().collect()));
        }
        per_kind.entry(case.kind.clone()).or_default().push((recall, rr));
        all.push((recall, rr));
    }
    let mut by_kind: Vec<(String, Figures)> = per_kind.into_iter().map(|(k, rows)| (k, figures(&rows))).collect();
    by_kind.sort_by(|a, b| a.0.cmp(&b.0));

    let every = eline_storage::proposals::Filter { scope: Some(eline_domain::policy::ScopeRule::AllButDrafts), ..Default::default() };
    let list = app.list_rows(staff.committee_id, &every, 1000).await?;
    let ids: HashMap<String, i64> = list.iter().map(|p| (p.title.clone(), p.id)).collect();
    let similar = super::floor::measure(&search.index, &app.similar_request(&staff), &ids)?;

    // Leave-one-out: each proposal's suggestions come from the others (it is excluded).
    let lead_of: HashMap<&str, &str> = assignments.iter().map(|a| (a.title.as_str(), a.lead_unit.as_str())).collect();
    let measured: Vec<(i64, &str)> = list.iter().filter_map(|p| Some((p.id, *lead_of.get(p.title.as_str())?))).collect();
    let n = measured.len();
    let share = |k: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let mut units = Vec::new();
    for &floor in UNIT_FLOORS {
        let (mut top1, mut top3, mut answered) = (0usize, 0usize, 0usize);
        for &(id, lead) in &measured {
            let suggested = app.suggest_units_at(&staff, id, floor).await?;
            answered += usize::from(!suggested.is_empty());
            top1 += usize::from(suggested.first().is_some_and(|s| s.name == lead));
            top3 += usize::from(suggested.iter().any(|s| s.name == lead));
        }
        units.push(UnitRow { floor, top1: share(top1), top3: share(top3), answered: share(answered) });
    }
    let baseline = list.iter().filter(|p| lead_of.get(p.title.as_str()).is_some_and(|&lead| most_frequent_other(&assignments, &p.title) == Some(lead))).count();
    let chosen = units.iter().find(|r| (r.floor - super::SIMILAR_FLOOR).abs() < 1e-6).cloned().unwrap_or_default();
    Ok(Report {
        records: assignments.len(),
        all: figures(&all),
        by_kind,
        misses,
        assigned: n,
        unit_top1: chosen.top1,
        unit_top3: chosen.top3,
        unit_answered: chosen.answered,
        unit_baseline_top1: share(baseline),
        units,
        similar,
    })
}

/// The unit that led most of the proposals other than `title` (ties: the first by name).
fn most_frequent_other<'a>(assignments: &'a [Assignment], title: &str) -> Option<&'a str> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for a in assignments.iter().filter(|a| a.title != title) {
        *counts.entry(a.lead_unit.as_str()).or_default() += 1;
    }
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0))).map(|(u, _)| u)
}

impl Report {
    /// The report as the command prints it (and docs/search.md quotes).
    pub fn table(&self) -> String {
        let mut out =
            format!("真实提案标题 {} 条；查询 {} 个\n\n| 查询类型 | 个数 | recall@10 | MRR |\n|---|---:|---:|---:|\n", self.records, self.all.queries);
        for (k, f) in self.by_kind.iter().chain(std::iter::once(&("全部".to_string(), self.all.clone()))) {
            out += &format!("| {k} | {} | {:.3} | {:.3} |\n", f.queries, f.recall_at_10, f.mrr);
        }
        out += &format!("\n{}", self.similar.table());
        out += &format!(
            "\n承办单位建议（留一法，{} 件）；总是建议主办最多的单位：top-1 {:.1}%\n\n| 门槛 | top-1 | top-3 | 有建议 |\n|---:|---:|---:|---:|\n",
            self.assigned,
            self.unit_baseline_top1 * 100.0
        );
        for r in &self.units {
            out += &format!("| {:.2} | {:.1}% | {:.1}% | {:.1}% |\n", r.floor, r.top1 * 100.0, r.top3 * 100.0, r.answered * 100.0);
        }
        for (q, missed) in &self.misses {
            out += &format!("未在前十：{q} → {}\n", missed.join("；"));
        }
        out
    }
}
