//! The 社情民意 statistics as a workbook: one sheet per table, Chinese headers, counts and rates
//! as numbers (rates formatted 0.0%), the definitions on a sheet of their own.

use eline_domain::Actor;

use super::stats::{DEFINITIONS, GroupStats, StatsPeriod};
use crate::spreadsheet::{Cell, Sheet, Workbook, write_xlsx};
use crate::{App, AppResult};

fn group_sheet<'a>(name: &'a str, groups: &[GroupStats]) -> Sheet<'a> {
    let mut sheet = Sheet::new(name, [name, "报送", "录用", "留存", "录用率", "资政之声报送", "资政之声录用", "市级采用情况", "省级采用情况", "全国采用情况"]);
    for g in groups {
        sheet.push([
            Cell::from(g.name.as_str()),
            g.submitted.into(),
            g.adopted.into(),
            g.kept.into(),
            Cell::Rate(g.adoption_rate),
            g.direct_submitted.into(),
            g.direct_adopted.into(),
            g.city.into(),
            g.province.into(),
            g.national.into(),
        ]);
    }
    sheet
}

impl App {
    /// The statistics as a workbook named after the period ("社情民意统计（2026年）.xlsx").
    pub async fn opinion_stats_xlsx(&self, actor: &Actor, period: &StatsPeriod) -> AppResult<Workbook> {
        let s = self.opinion_stats(actor, period).await?;
        let t = &s.totals;
        let figures: Vec<(&str, Cell)> = vec![
            ("统计范围", s.scope_name.as_str().into()),
            ("报送（篇）", t.submitted.into()),
            ("待处理（篇）", t.pending.into()),
            ("退回修改（篇）", t.returned.into()),
            ("录用（篇）", t.adopted.into()),
            ("留存（篇）", t.kept.into()),
            ("录用率", Cell::Rate(t.adoption_rate)),
            ("资政之声报送（篇）", t.direct_submitted.into()),
            ("资政之声录用（篇）", t.direct_adopted.into()),
            ("资政之声留存（篇）", t.direct_kept.into()),
            ("资政之声录用率", Cell::Rate(t.direct_adoption_rate)),
            ("下级政协报送（篇）", t.from_below.into()),
            ("报送上级政协（篇）", t.reported_up.into()),
            ("领导批示（次）", s.instructions.total.into()),
        ];
        let mut overall = Sheet::new("总体情况", ["指标", "数值"]);
        for (k, v) in figures {
            overall.push([Cell::from(k), v]);
        }
        let mut by_status = Sheet::new("信息状态", ["状态", "篇数"]);
        for (status, n) in &s.by_status {
            by_status.push([Cell::from(status.label()), Cell::Int(*n)]);
        }
        let mut outcomes = Sheet::new("采用情况", ["级别", "采用情况", "篇数"]);
        for l in &s.outcomes {
            outcomes.push([Cell::from(l.level.label()), Cell::from("（有任一采用情况）"), Cell::Int(l.reports)]);
            for (kind, n) in &l.kinds {
                outcomes.push([Cell::from(l.level.label()), Cell::from(kind.label()), Cell::Int(*n)]);
            }
        }
        let mut bulletins = Sheet::new("期刊", ["刊物", "已印发（期）", "单篇", "综合", "编辑中"]);
        for b in &s.bulletins {
            bulletins.push([Cell::from(format!("《{}》", b.series.label())), b.issued.into(), b.single.into(), b.digest.into(), b.drafts.into()]);
        }
        let mut headers: Vec<String> = vec!["批示领导级别".into()];
        headers.extend(s.instructions.kinds.iter().map(|(_, l)| l.to_string()));
        headers.push("合计".into());
        let mut instructions = Sheet::new("领导批示", headers);
        for r in &s.instructions.rows {
            let mut row = vec![Cell::from(r.rank.label())];
            row.extend(r.counts.iter().map(|n| Cell::Int(*n)));
            row.push(Cell::Int(r.total));
            instructions.push(row);
        }
        let mut definitions = Sheet::new("指标说明", ["指标", "计算方法"]);
        for (k, v) in DEFINITIONS {
            definitions.push([Cell::from(k), Cell::from(v)]);
        }
        let bytes = write_xlsx(&[
            overall,
            by_status,
            outcomes,
            bulletins,
            instructions,
            group_sheet("委员", &s.members),
            group_sheet("界别", &s.sectors),
            group_sheet("党派团体", &s.organizations),
            group_sheet("专委会", &s.special_committees),
            definitions,
        ])?;
        Ok(Workbook::named("社情民意统计", Some(&s.scope_name), bytes))
    }
}
