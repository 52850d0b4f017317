//! The activity statistics as a workbook: one sheet per table (按类型, 按月份, 政情通报, 委员出勤,
//! 界别, 专委会, 请假缺席名单) and the definitions; counts as numbers, rates as numbers formatted
//! 0.0%, Chinese headers.

use eline_domain::Actor;

use super::stats::{ABSENCES_CAP, DEFINITIONS, GroupLine, Line, StatsYear, Tally};
use crate::spreadsheet::{Cell, Sheet, Workbook, write_xlsx};
use crate::{App, AppResult};

/// The columns of a line: activities per status, then its attendance.
pub const LINE_COLUMNS: [&str; 12] = ["活动场次", "筹备中", "已发布", "签到中", "已结束", "已取消", "应出席", "出席", "迟到", "请假", "缺席", "参与人次"];

const TALLY_COLUMNS: [&str; 7] = ["应出席", "出席", "迟到", "请假", "缺席", "参与人次", "出勤率"];

fn tally_cells(t: &Tally) -> Vec<Cell> {
    vec![t.places.into(), t.present.into(), t.late.into(), t.excused.into(), t.absent.into(), t.attended().into(), Cell::Rate(t.rate())]
}

fn line_cells(l: &Line) -> Vec<Cell> {
    let a = &l.activities;
    let t = &l.attendance;
    vec![
        a.held().into(),
        a.planned.into(),
        a.published.into(),
        a.checkin_open.into(),
        a.closed.into(),
        a.cancelled.into(),
        t.places.into(),
        t.present.into(),
        t.late.into(),
        t.excused.into(),
        t.absent.into(),
        t.attended().into(),
    ]
}

fn headers(first: &[&str], rest: &[&str]) -> Vec<String> {
    first.iter().chain(rest).map(|s| s.to_string()).collect()
}

fn group_sheet<'a>(name: &'a str, groups: &[GroupLine], organised: bool) -> Sheet<'a> {
    let mut cols = vec![name, "有出席任务的委员"];
    if organised {
        cols.push("组织活动（场）");
    }
    let mut sheet = Sheet::new(name, headers(&cols, &TALLY_COLUMNS));
    for g in groups {
        let mut row: Vec<Cell> = vec![Cell::from(g.name.clone()), g.members.into()];
        if organised {
            row.push(g.organised.unwrap_or(0).into());
        }
        row.extend(tally_cells(&g.attendance));
        sheet.push(row);
    }
    sheet
}

impl App {
    /// The statistics of a year as a workbook ("活动统计（2026年）.xlsx"): every row of the leave
    /// and absence lists (up to 200,000).
    pub async fn activity_stats_xlsx(&self, actor: &Actor, year: &StatsYear) -> AppResult<Workbook> {
        let s = self.activity_stats_with(actor, year, ABSENCES_CAP).await?;
        let mut by_kind = Sheet::new("按类型", headers(&["活动类型"], &LINE_COLUMNS));
        for k in &s.by_kind {
            let mut row = vec![Cell::from(k.kind.label())];
            row.extend(line_cells(&k.line));
            by_kind.push(row);
        }
        let mut total = vec![Cell::from("合计")];
        total.extend(line_cells(&s.totals));
        by_kind.push(total);
        let mut by_month = Sheet::new("按月份", headers(&["月份"], &LINE_COLUMNS));
        for m in &s.by_month {
            let mut row = vec![Cell::from(format!("{}月", m.month))];
            row.extend(line_cells(&m.line));
            by_month.push(row);
        }
        let mut briefings = Sheet::new("政情通报", ["日期", "通报主题", "通报领导", "状态", "参与人次"]);
        for b in &s.briefing_list {
            briefings.push([
                Cell::Date(b.starts_on.clone()),
                Cell::from(b.title.clone()),
                Cell::from(b.leader.clone().unwrap_or_default()),
                Cell::from(b.status.label()),
                b.attended.into(),
            ]);
        }
        let mut members = Sheet::new("委员出勤", headers(&["委员", "界别"], &TALLY_COLUMNS));
        for m in &s.members {
            let mut row = vec![Cell::from(m.name.clone()), Cell::from(m.sector.clone())];
            row.extend(tally_cells(&m.attendance));
            members.push(row);
        }
        let mut absences = Sheet::new("请假缺席名单", ["日期", "活动类型", "活动名称", "委员", "界别", "出席情况", "请假情况", "逾期请假", "请假事由"]);
        for a in &s.absences {
            absences.push([
                Cell::Date(a.starts_on.clone()),
                Cell::from(a.kind.label()),
                Cell::from(a.title.clone()),
                Cell::from(a.name.clone()),
                Cell::from(a.sector.clone()),
                Cell::from(a.attendance.label()),
                Cell::from(a.leave_status.map(|l| l.label()).unwrap_or("未请假")),
                Cell::from(if a.leave_late { "是" } else { "" }),
                Cell::from(a.leave_reason.clone().unwrap_or_default()),
            ]);
        }
        let mut definitions = Sheet::new("指标说明", ["指标", "计算方法"]);
        for (k, v) in DEFINITIONS {
            definitions.push([Cell::from(k), Cell::from(v)]);
        }
        let bytes = write_xlsx(&[
            by_kind,
            by_month,
            briefings,
            members,
            group_sheet("界别", &s.sectors, false),
            group_sheet("专委会", &s.special_committees, true),
            absences,
            definitions,
        ])?;
        Ok(Workbook::named("活动统计", Some(&format!("{}年", s.year)), bytes))
    }
}
