//! The proposal statistics and the catalogue as workbooks (one sheet per table, Chinese headers),
//! with the definitions of the rates on a sheet of their own.

use eline_domain::Actor;

use super::stats::GroupStats;
use crate::spreadsheet::{Cell, Sheet, Workbook, write_xlsx};
use crate::{App, AppResult};

/// (figure, definition) of every rate, as the statistics page shows them.
pub const DEFINITIONS: [(&str, &str); 7] = [
    ("立案率", "立案件数 ÷ 提交件数"),
    ("办复率", "已答复件数 ÷ 已交办件数（已交办：已交办承办单位的立案提案，不含待交办的）"),
    ("按期办复率", "首次答复不晚于答复期限（含批准的延期）的件数 ÷ 已交办件数"),
    ("满意率", "满意件数 ÷ 已评价件数（以提案者最近一次评价为准）"),
    ("基本满意率", "（满意 + 基本满意）件数 ÷ 已评价件数"),
    ("沟通率", "测评表中承办单位办前或办中与提案者有沟通（当面、电话或书面）的件数 ÷ 填写测评表的已评价件数"),
    ("见面率", "测评表中承办单位办前或办中与提案者当面沟通的件数 ÷ 填写测评表的已评价件数"),
];

impl App {
    /// The statistics as a workbook: one sheet per table, Chinese headers, counts and rates as
    /// numbers, the rates' definitions on a sheet of their own; the file is named after the scope
    /// ("提案统计（十三届二次）.xlsx").
    pub async fn proposal_stats_xlsx(&self, actor: &Actor, session_id: Option<i64>) -> AppResult<Workbook> {
        let s = self.proposal_stats(actor, session_id).await?;
        let t = &s.totals;
        let figures: Vec<(&str, Cell)> = vec![
            ("统计范围", s.scope_name.as_str().into()),
            ("提交提案（件）", t.submitted.into()),
            ("待审查（件）", t.pending_review.into()),
            ("立案（件）", t.filed.into()),
            ("立案率", Cell::Rate(t.filing_rate)),
            ("不立案（件）", t.not_filed.into()),
            ("并案（件）", t.merged.into()),
            ("个人提案（件）", t.individual.into()),
            ("联名提案（件）", t.joint.into()),
            ("集体提案（件）", t.collective.into()),
            ("重点提案（件）", t.key.into()),
            ("已交办（件）", t.assigned.into()),
            ("已答复（件）", t.replied.into()),
            ("办复率", Cell::Rate(t.reply_rate)),
            ("按期答复（件）", t.on_time.into()),
            ("按期办复率", Cell::Rate(t.on_time_rate)),
            ("已评价（件）", t.evaluated.into()),
            ("满意（件）", t.satisfied.into()),
            ("基本满意（件）", t.basically_satisfied.into()),
            ("不满意（件）", t.dissatisfied.into()),
            ("满意率", Cell::Rate(t.satisfaction_rate)),
            ("基本满意率", Cell::Rate(t.basic_satisfaction_rate)),
            ("填写测评表（件）", t.surveyed.into()),
            ("办前或办中有沟通（件）", t.contacted.into()),
            ("当面沟通（件）", t.met.into()),
            ("沟通率", Cell::Rate(t.contact_rate)),
            ("见面率", Cell::Rate(t.meeting_rate)),
        ];
        let mut overall = Sheet::new("总体情况", ["指标", "数值"]);
        for (k, v) in figures {
            overall.push([Cell::from(k), v]);
        }
        let mut by_status = Sheet::new("提案状态", ["状态", "件数"]);
        for x in &s.by_status {
            by_status.push([Cell::from(x.label), x.count.into()]);
        }
        let mut classes = Sheet::new("答复类别", ["类别", "说明", "件数"]);
        for c in &s.classes {
            classes.push([Cell::from(format!("{}类", c.class)), c.label.as_str().into(), c.count.into()]);
        }
        let mut unit_headers: Vec<String> =
            ["承办单位", "主办/分办（件）", "会办（件）", "已答复", "办复率", "按期答复", "按期办复率"].map(String::from).to_vec();
        unit_headers.extend(s.classes.iter().map(|c| format!("{}类", c.class)));
        unit_headers.extend(["已评价", "满意", "基本满意", "满意率", "基本满意率"].map(String::from));
        let mut units = Sheet::new("承办单位", unit_headers);
        for u in &s.units {
            let mut row: Vec<Cell> = vec![
                u.name.as_str().into(),
                u.assigned.into(),
                u.co_handled.into(),
                u.replied.into(),
                Cell::Rate(u.reply_rate),
                u.on_time.into(),
                Cell::Rate(u.on_time_rate),
            ];
            row.extend(u.classes.iter().map(|c| Cell::Int(c.count)));
            row.extend([
                u.evaluated.into(),
                u.satisfied.into(),
                u.basically_satisfied.into(),
                Cell::Rate(u.satisfaction_rate),
                Cell::Rate(u.basic_satisfaction_rate),
            ]);
            units.push(row);
        }
        let group_sheet = |name: &'static str, groups: &[GroupStats]| {
            let mut sheet = Sheet::new(name, [name, "提交", "立案", "立案率", "不立案", "并案", "重点提案", "已交办", "已答复", "办复率"]);
            for g in groups {
                sheet.push([
                    Cell::from(g.name.as_str()),
                    g.submitted.into(),
                    g.filed.into(),
                    Cell::Rate(g.filing_rate),
                    g.not_filed.into(),
                    g.merged.into(),
                    g.key.into(),
                    g.assigned.into(),
                    g.replied.into(),
                    Cell::Rate(g.reply_rate),
                ]);
            }
            sheet
        };
        let mut definitions = Sheet::new("指标说明", ["指标", "计算方法"]);
        for (k, v) in DEFINITIONS {
            definitions.push([Cell::from(k), Cell::from(v)]);
        }
        let bytes = write_xlsx(&[
            overall,
            by_status,
            classes,
            units,
            group_sheet("提案分类", &s.categories),
            group_sheet("界别", &s.sectors),
            group_sheet("党派团体", &s.organizations),
            definitions,
        ])?;
        Ok(Workbook::named("提案统计", Some(&s.scope_name), bytes))
    }
}
