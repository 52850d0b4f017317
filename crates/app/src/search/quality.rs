//! The search quality harness: real published proposal titles (../shared/data, copied into
//! `quality.jsonl` and `assignments.jsonl`) imported as a committee's history, then
//! - the test queries of `quality.jsonl` (key terms, phrases, traditional-character variants)
//!   with every title each must find → recall@10 and MRR;
//! - leave-one-out handling-unit suggestion: for every imported proposal, the units suggested
//!   from the *other* proposals, against the unit it was assigned → top-1 / top-3 accuracy.
//!
//! The lead units of `assignments.jsonl` were given by hand from the title, as an office clerk
//! would (the published sources name the unit for only 11 of the 150 titles); see docs/search.md.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::members::ImportOutcome;
use crate::proposals::HISTORY_COLUMNS;
use crate::spreadsheet::{Sheet, write_xlsx};
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
}

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
    let (term, session, _) = demo_data::SESSIONS[0];
    let session_name = eline_domain::org::SessionFields::parse(Some(term.into()), Some(session.into()), Some(2022), None)?.name();
    let rows: Vec<Vec<String>> = assignments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let member = demo_data::member(i % demo_data::MEMBER_COUNT).name;
            let number = (i + 1).to_string();
            let cells: [(&str, &str); 8] = [
                ("届次*", &session_name),
                ("编号", &number),
                ("标题*", &a.title),
                ("类型*", "个人"),
                ("提案者*", &member),
                ("主办单位", &a.lead_unit),
                ("答复类别", "A"),
                ("满意度", "满意"),
            ];
            HISTORY_COLUMNS.iter().map(|c| cells.iter().find(|(k, _)| k == c).map(|(_, v)| v.to_string()).unwrap_or_default()).collect()
        })
        .collect();
    let xlsx = write_xlsx(&[Sheet::text("导入", HISTORY_COLUMNS.iter().map(|c| c.to_string()).collect(), rows)])?;
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

    // Leave-one-out: each proposal's suggestions come from the others (it is excluded).
    let every = eline_storage::proposals::Filter { scope: Some(eline_domain::policy::ScopeRule::AllButDrafts), ..Default::default() };
    let list = app.list_rows(staff.committee_id, &every, 1000).await?;
    let lead_of: HashMap<&str, &str> = assignments.iter().map(|a| (a.title.as_str(), a.lead_unit.as_str())).collect();
    let (mut n, mut top1, mut top3) = (0usize, 0usize, 0usize);
    for p in &list {
        let Some(lead) = lead_of.get(p.title.as_str()) else { continue };
        let suggested = app.suggest_units(&staff, p.id).await?;
        n += 1;
        if suggested.first().is_some_and(|s| s.name == *lead) {
            top1 += 1;
        }
        if suggested.iter().any(|s| s.name == *lead) {
            top3 += 1;
        }
    }
    let share = |k: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    Ok(Report { records: assignments.len(), all: figures(&all), by_kind, misses, assigned: n, unit_top1: share(top1), unit_top3: share(top3) })
}

impl Report {
    /// The report as the command prints it (and docs/search.md quotes).
    pub fn table(&self) -> String {
        let mut out =
            format!("真实提案标题 {} 条；查询 {} 个\n\n| 查询类型 | 个数 | recall@10 | MRR |\n|---|---:|---:|---:|\n", self.records, self.all.queries);
        for (k, f) in self.by_kind.iter().chain(std::iter::once(&("全部".to_string(), self.all.clone()))) {
            out += &format!("| {k} | {} | {:.3} | {:.3} |\n", f.queries, f.recall_at_10, f.mrr);
        }
        out += &format!("\n承办单位建议（留一法，{} 件）：top-1 {:.1}%，top-3 {:.1}%\n", self.assigned, self.unit_top1 * 100.0, self.unit_top3 * 100.0);
        for (q, missed) in &self.misses {
            out += &format!("未在前十：{q} → {}\n", missed.join("；"));
        }
        out
    }
}
