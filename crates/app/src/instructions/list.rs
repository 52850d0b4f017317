//! The list of instructions (the office's and leaders' page, the API), their counts by year,
//! rank and record kind ("对政协履职成果作出批示N次"), and its XLSX export. A row is listed
//! only when the actor sees its record whole (each record asked once per page).

use std::collections::HashMap;

use eline_domain::opinion::Level;
use eline_domain::policy::{Action, Resource, can};
use eline_domain::{Access, Actor, RecordRef};
use eline_storage::Ex;
use eline_storage::instructions::{self, FollowUpRow, Instruction};
use serde::{Deserialize, Serialize};

use super::InstructionView;
use crate::params::blank;
use crate::spreadsheet::{Cell, Sheet, Workbook, write_xlsx};
use crate::{App, AppError, AppResult, Page, limit, parse_cursor};

/// Most rows one export holds.
pub const EXPORT_CAP: usize = 10_000;

/// Which instructions a list shows, and which page: the API's query parameters, the page's
/// filter form and its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct InstructionFilter {
    /// Given in this year.
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// city (市级) | province (省级) | national (全国).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub rank: Option<Level>,
    /// The kind of record instructed on: proposal | opinion | bulletin | …
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub record_kind: Option<String>,
    /// One record, as `kind:id` (`proposal:12`): its instructions, for whoever sees it whole.
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// Where the previous page ended (`next_cursor`).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

impl InstructionFilter {
    /// The same list from its first page (links, the form's state).
    pub fn first_page(&self) -> InstructionFilter {
        InstructionFilter { cursor: None, ..self.clone() }
    }
}

/// Counts of the instructions a filter selects.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InstructionCounts {
    pub total: i64,
    /// Every rank, in order (0 where none).
    pub by_rank: Vec<(Level, i64)>,
    /// (record kind, its label, count), largest first.
    pub by_kind: Vec<(String, &'static str, i64)>,
    /// (year, count), newest first.
    pub by_year: Vec<(i64, i64)>,
    /// Years with instructions (the filter's choices), newest first.
    pub years: Vec<i64>,
}

impl App {
    /// The storage filter of `f`, after checking who may read it: one record's instructions for
    /// whoever sees the record whole, all of them for the office and leaders.
    async fn instruction_rows(&self, ex: &mut Ex<'_>, actor: &Actor, f: &InstructionFilter) -> AppResult<instructions::Filter> {
        let record = match f.record.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => {
                let bad = || AppError::field("record", format!("记录“{r}”的写法应为“类型:编号”，如 proposal:12"));
                let (kind, id) = r.split_once(':').ok_or_else(bad)?;
                let id: i64 = id.trim().parse().map_err(|_| bad())?;
                let record = self.record_ref("record", kind, id)?;
                self.see_whole(ex, actor, record).await?;
                Some(record)
            }
            None => {
                if !can(actor, Action::ViewInstructions, Resource::Any) {
                    return Err(AppError::Forbidden);
                }
                None
            }
        };
        if let Some(k) = &f.record_kind {
            self.record_ref("record_kind", k, 0)?;
        }
        Ok(instructions::Filter { year: f.year, rank: f.rank, record_kind: f.record_kind.clone(), record, before_id: parse_cursor(f.cursor.as_deref())? })
    }

    /// The records of `rows` the actor sees whole, each asked once: (kind, id) → title.
    async fn whole_records(&self, ex: &mut Ex<'_>, actor: &Actor, rows: &[Instruction]) -> AppResult<HashMap<(String, i64), String>> {
        let mut seen = HashMap::new();
        let mut refused = std::collections::HashSet::new();
        for r in rows {
            let key = (r.record_kind.clone(), r.record_id);
            if seen.contains_key(&key) || refused.contains(&key) {
                continue;
            }
            let Some(module) = self.records.get(&r.record_kind) else { continue };
            match module.see(&mut *ex, actor, r.record_id).await? {
                Some(s) if s.access == Access::Full => {
                    seen.insert(key, s.title);
                }
                _ => {
                    refused.insert(key);
                }
            }
        }
        Ok(seen)
    }

    /// Views of `rows` whose record the actor sees whole, with their follow-ups.
    async fn views(&self, ex: &mut Ex<'_>, actor: &Actor, rows: Vec<Instruction>) -> AppResult<Vec<InstructionView>> {
        let titles = self.whole_records(&mut *ex, actor, &rows).await?;
        let rows: Vec<Instruction> = rows.into_iter().filter(|r| titles.contains_key(&(r.record_kind.clone(), r.record_id))).collect();
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut done: HashMap<i64, Vec<FollowUpRow>> = HashMap::new();
        for f in instructions::followups(&mut *ex, &ids).await? {
            done.entry(f.instruction_id).or_default().push(f);
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let title = titles.get(&(r.record_kind.clone(), r.record_id)).cloned().unwrap_or_default();
                let label = self.records.kind_label(&r.record_kind);
                let followups = done.remove(&r.id).unwrap_or_default();
                self.view_of(r, label, title, followups, actor)
            })
            .collect())
    }

    /// A page of instructions, newest first.
    pub async fn list_instructions(&self, actor: &Actor, f: &InstructionFilter) -> AppResult<Page<InstructionView>> {
        let limit = limit(f.limit)?;
        let mut c = self.db.acquire().await?;
        let filter = self.instruction_rows(&mut c.ex(), actor, f).await?;
        let mut rows = instructions::list(&mut c.ex(), actor.committee_id, &filter, limit + 1).await?;
        // Paged by what was read, so that a row the actor may not see ends no page early.
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more { rows.last().map(|r| r.id.to_string()) } else { None };
        Ok(Page { items: self.views(&mut c.ex(), actor, rows).await?, next_cursor })
    }

    /// The counts of the instructions `f` selects (its cursor ignored): the office and leaders.
    pub async fn instruction_counts(&self, actor: &Actor, f: &InstructionFilter) -> AppResult<InstructionCounts> {
        if !can(actor, Action::ViewInstructions, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db.acquire().await?;
        let filter = self.instruction_rows(&mut c.ex(), actor, &InstructionFilter { cursor: None, ..f.clone() }).await?;
        let rows = instructions::counts(&mut c.ex(), actor.committee_id, &filter).await?;
        let mut out = InstructionCounts { years: instructions::years(&mut c.ex(), actor.committee_id).await?, ..Default::default() };
        out.total = rows.iter().map(|r| r.n).sum();
        out.by_rank = Level::ALL.iter().map(|l| (*l, rows.iter().filter(|r| r.rank == *l).map(|r| r.n).sum())).collect();
        let mut kinds: HashMap<&str, i64> = HashMap::new();
        let mut years: HashMap<i64, i64> = HashMap::new();
        for r in &rows {
            *kinds.entry(&r.record_kind).or_default() += r.n;
            *years.entry(r.year).or_default() += r.n;
        }
        out.by_kind = kinds.into_iter().map(|(k, n)| (k.to_string(), self.records.kind_label(k), n)).collect();
        out.by_kind.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        out.by_year = years.into_iter().collect();
        out.by_year.sort_by_key(|y| std::cmp::Reverse(y.0));
        Ok(out)
    }

    /// The list `f` selects (every page) as an XLSX workbook: the office and leaders.
    pub async fn export_instructions(&self, actor: &Actor, f: &InstructionFilter) -> AppResult<Workbook> {
        if !can(actor, Action::ViewInstructions, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let mut at = InstructionFilter { cursor: None, limit: Some(eline_domain::paging::MAX_LIMIT), ..f.clone() };
        let mut sheet = Sheet::new("领导批示", ["批示日期", "批示领导", "职务", "级别", "批示对象", "对象名称", "批示要点", "落实情况", "编号"]);
        loop {
            let page = self.list_instructions(actor, &at).await?;
            if sheet.rows.len() + page.items.len() > EXPORT_CAP {
                return Err(AppError::field("filter", format!("符合条件的批示超过{EXPORT_CAP}条，无法导出为一个Excel文件：请先按年度或级别筛选")));
            }
            for v in page.items {
                let i = v.instruction;
                let done: Vec<String> = v.followups.iter().map(|f| format!("{} {}：{}", f.done_on, f.by_whom, f.what)).collect();
                sheet.push([
                    Cell::Date(i.given_on),
                    i.leader_name.into(),
                    i.leader_post.into(),
                    i.rank.label().into(),
                    v.record_label.into(),
                    v.record_title.into(),
                    i.gist.into(),
                    done.join("\n").into(),
                    Cell::Int(i.id),
                ]);
            }
            match page.next_cursor {
                Some(c) => at.cursor = Some(c),
                None => break,
            }
        }
        let scope = f.year.map(|y| format!("{y}年"));
        Ok(Workbook::named("领导批示", scope.as_deref(), write_xlsx(&[sheet])?))
    }
}

/// A record's reference in the filter's spelling (`proposal:12`).
pub fn record_param(record: RecordRef) -> String {
    format!("{}:{}", record.kind, record.id)
}
