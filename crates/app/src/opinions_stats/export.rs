//! A report list as a workbook (导出Excel): exactly the rows the list shows the actor (the same
//! `OpinionFilter`, the same scope rule), every page of them, up to the proposals' export cap.

use std::collections::HashMap;

use eline_domain::Actor;
use eline_domain::opinion::{Level, OutcomeKind, ScopeRule, Submitter};
use eline_storage::opinion_stats as q;
use eline_storage::opinions;

use crate::opinions::OpinionFilter;
use crate::proposals::EXPORT_CAP;
use crate::spreadsheet::{Cell, Sheet, Workbook, write_xlsx};
use crate::{App, AppError, AppResult};

/// Rows read per query while exporting.
const BATCH: i64 = 1_000;

pub const EXPORT_COLUMNS: [&str; 12] = ["ID", "年度", "类别", "标题", "报送者", "报送者类型", "状态", "提交日期", "办理时限", "处理日期", "采用情况", "已刊发"];

/// "市级·部门采纳；省级·采用" for the outcomes of one report.
fn outcome_text(list: &[(String, String)]) -> String {
    list.iter()
        .map(|(l, k)| {
            let level = Level::parse(l).map(Level::label).unwrap_or("");
            let kind = OutcomeKind::parse(k).map(OutcomeKind::label).unwrap_or("");
            format!("{level}·{kind}")
        })
        .collect::<Vec<_>>()
        .join("；")
}

impl App {
    /// The list the filter picks, as an XLSX file ("社情民意信息清单（2026年）.xlsx" when the
    /// filter names a year). More than `EXPORT_CAP` rows is refused with a Chinese message asking
    /// to narrow the list; the cursor and page size of the filter are ignored. Members reading
    /// published reports get no handling record (dates of decision, outcomes).
    pub async fn export_opinions(&self, actor: &Actor, f: &OpinionFilter) -> AppResult<Workbook> {
        let mut at = OpinionFilter { cursor: None, limit: None, ..f.clone() };
        let rule = at.rows(actor)?;
        let handling = rule.scope != Some(ScopeRule::Published);
        let mut c = self.db.acquire().await?;
        let mut sheet = Sheet::new("社情民意信息清单", EXPORT_COLUMNS);
        loop {
            let rows = at.rows(actor)?;
            let page = opinions::list(&mut c.ex(), actor.committee_id, &rows, BATCH).await?;
            if sheet.rows.len() + page.len() > EXPORT_CAP {
                return Err(AppError::field(
                    "filter",
                    format!("符合条件的信息超过{EXPORT_CAP}篇，无法导出为一个Excel文件：请先按年度、状态或类别筛选，再分批导出"),
                ));
            }
            let Some(last) = page.last() else { break };
            at.cursor = Some(OpinionFilter::cursor_after(&rows, last));
            let full = page.len() as i64 == BATCH;
            let ids: Vec<i64> = page.iter().map(|r| r.id).collect();
            let details: HashMap<i64, q::ExportDetail> =
                q::export_details(&mut c.ex(), actor.committee_id, &ids).await?.into_iter().map(|d| (d.id, d)).collect();
            let mut outcomes: HashMap<i64, Vec<(String, String)>> = HashMap::new();
            if handling {
                for (id, level, kind) in q::export_outcomes(&mut c.ex(), &ids).await? {
                    outcomes.entry(id).or_default().push((level, kind));
                }
            }
            for r in page {
                let d = details.get(&r.id);
                let kind = d.and_then(|d| Submitter::parse(&d.submitter_kind)).map(Submitter::label).unwrap_or("");
                let decided = d.and_then(|d| d.decided_on.clone()).filter(|_| handling);
                sheet.push([
                    Cell::Int(r.id),
                    Cell::Int(r.year),
                    r.channel.label().into(),
                    r.title.into(),
                    r.author_name.into(),
                    kind.into(),
                    r.status.label().into(),
                    Cell::from(r.submitted_on.map(Cell::Date)),
                    Cell::from(r.due_on.filter(|_| handling).map(Cell::Date)),
                    Cell::from(decided.map(Cell::Date)),
                    outcome_text(outcomes.get(&r.id).map(Vec::as_slice).unwrap_or(&[])).into(),
                    if r.published { "是" } else { "" }.into(),
                ]);
            }
            if !full {
                break;
            }
        }
        let scope = f.year.map(|y| format!("{y}年"));
        Ok(Workbook::named("社情民意信息清单", scope.as_deref(), write_xlsx(&[sheet])?))
    }
}
