//! A proposal list as a workbook (导出Excel): exactly the rows the list shows the actor (the same
//! `ProposalFilter`, the same scope rule), every page of them, up to [`EXPORT_CAP`] rows.

use std::collections::HashMap;

use eline_domain::Actor;
use eline_storage::directory;
use eline_storage::proposals;

use super::ProposalFilter;
use super::config::fmt_date;
use crate::spreadsheet::{Cell, Sheet, Workbook, write_xlsx};
use crate::{App, AppError, AppResult};

/// The most rows one export holds: a whole city's sessions are far fewer; a national list is
/// not a spreadsheet.
pub const EXPORT_CAP: usize = 50_000;

/// Rows read per query while exporting.
const BATCH: i64 = 1_000;

pub const EXPORT_COLUMNS: [&str; 11] = ["编号", "届次", "标题", "类型", "提案者", "状态", "重点提案", "提交日期", "答复期限", "评价期限", "ID"];

impl App {
    /// The list the filter picks, as an XLSX file named after its session when it names one
    /// ("提案清单（十三届二次）.xlsx"). More than [`EXPORT_CAP`] rows is refused with a Chinese
    /// message asking to narrow the list; the cursor and page size of the filter are ignored.
    pub async fn export_proposals(&self, actor: &Actor, q: &ProposalFilter) -> AppResult<Workbook> {
        // Page through the list exactly as the list pages: its order, its cursors.
        let mut at = ProposalFilter { cursor: None, limit: None, ..q.clone() };
        let sort = at.order();
        at.rows(actor)?;
        let mut c = self.db.acquire().await?;
        let sessions: HashMap<i64, String> =
            directory::list_sessions(&mut c.ex(), actor.committee_id, true, None, 1_000).await?.into_iter().map(|s| (s.id, s.name())).collect();
        let mut sheet = Sheet::new("提案清单", EXPORT_COLUMNS);
        loop {
            let page = proposals::list(&mut c.ex(), actor.committee_id, &at.rows(actor)?, BATCH).await?;
            if sheet.rows.len() + page.len() > EXPORT_CAP {
                return Err(AppError::field(
                    "filter",
                    format!("符合条件的提案超过{EXPORT_CAP}件，无法导出为一个Excel文件：请先按届次、状态或类型筛选，再分批导出"),
                ));
            }
            let Some(last) = page.last() else { break };
            at.cursor = Some(sort.cursor(last.id, last.number, last.due_on.as_deref()));
            let full = page.len() as i64 == BATCH;
            for r in page {
                sheet.push([
                    Cell::from(r.number),
                    sessions.get(&r.session_id).cloned().unwrap_or_default().into(),
                    r.title.into(),
                    r.kind.label().into(),
                    r.organization_name.or(r.proposer_name).unwrap_or_default().into(),
                    r.status.label().into(),
                    if r.is_key { "是" } else { "" }.into(),
                    beijing_day(r.submitted_at),
                    Cell::from(r.due_on.map(Cell::Date)),
                    Cell::from(r.evaluation_due_on.map(Cell::Date)),
                    Cell::Int(r.id),
                ]);
            }
            if !full {
                break;
            }
        }
        let session = q.session_id.and_then(|id| sessions.get(&id)).map(String::as_str);
        Ok(Workbook::named("提案清单", session, write_xlsx(&[sheet])?))
    }
}

/// The day (in Beijing) of a stored time, as a date cell.
fn beijing_day(micros: Option<i64>) -> Cell {
    let day = micros.and_then(chrono::DateTime::from_timestamp_micros).map(|t| fmt_date(t.with_timezone(&crate::dates::beijing()).date_naive()));
    Cell::from(day.map(Cell::Date))
}
