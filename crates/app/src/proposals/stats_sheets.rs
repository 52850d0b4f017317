//! The proposal statistics and the catalogue as workbooks (one sheet per table, Chinese headers),
//! with the definitions of the rates on a sheet of their own.

use eline_domain::Actor;

use super::stats::{GroupStats, percent};
use crate::spreadsheet::{Sheet, write_xlsx};
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
    /// The statistics as a workbook: one sheet per table, Chinese headers.
    pub async fn proposal_stats_xlsx(&self, actor: &Actor, session_id: Option<i64>) -> AppResult<Vec<u8>> {
        let s = self.proposal_stats(actor, session_id).await?;
        let t = &s.totals;
        let n = |v: i64| v.to_string();
        let figures: Vec<(&str, String)> = vec![
            ("统计范围", s.scope_name.clone()),
            ("提交提案（件）", n(t.submitted)),
            ("待审查（件）", n(t.pending_review)),
            ("立案（件）", n(t.filed)),
            ("立案率", percent(t.filing_rate)),
            ("不立案（件）", n(t.not_filed)),
            ("并案（件）", n(t.merged)),
            ("个人提案（件）", n(t.individual)),
            ("联名提案（件）", n(t.joint)),
            ("集体提案（件）", n(t.collective)),
            ("重点提案（件）", n(t.key)),
            ("已交办（件）", n(t.assigned)),
            ("已答复（件）", n(t.replied)),
            ("办复率", percent(t.reply_rate)),
            ("按期答复（件）", n(t.on_time)),
            ("按期办复率", percent(t.on_time_rate)),
            ("已评价（件）", n(t.evaluated)),
            ("满意（件）", n(t.satisfied)),
            ("基本满意（件）", n(t.basically_satisfied)),
            ("不满意（件）", n(t.dissatisfied)),
            ("满意率", percent(t.satisfaction_rate)),
            ("基本满意率", percent(t.basic_satisfaction_rate)),
            ("填写测评表（件）", n(t.surveyed)),
            ("办前或办中有沟通（件）", n(t.contacted)),
            ("当面沟通（件）", n(t.met)),
            ("沟通率", percent(t.contact_rate)),
            ("见面率", percent(t.meeting_rate)),
        ];
        let class_headers: Vec<String> = s.classes.iter().map(|c| format!("{}类", c.class)).collect();
        let mut unit_headers: Vec<String> =
            ["承办单位", "主办/分办（件）", "会办（件）", "已答复", "办复率", "按期答复", "按期办复率"].map(String::from).to_vec();
        unit_headers.extend(class_headers);
        unit_headers.extend(["已评价", "满意", "基本满意", "满意率", "基本满意率"].map(String::from));
        let unit_rows = s
            .units
            .iter()
            .map(|u| {
                let mut row = vec![u.name.clone(), n(u.assigned), n(u.co_handled), n(u.replied), percent(u.reply_rate), n(u.on_time), percent(u.on_time_rate)];
                row.extend(u.classes.iter().map(|c| n(c.count)));
                row.extend([n(u.evaluated), n(u.satisfied), n(u.basically_satisfied), percent(u.satisfaction_rate), percent(u.basic_satisfaction_rate)]);
                row
            })
            .collect();
        let group_sheet = |name: &'static str, first: &str, groups: &[GroupStats]| Sheet {
            name,
            headers: [first, "提交", "立案", "立案率", "不立案", "并案", "重点提案", "已交办", "已答复", "办复率"].map(String::from).to_vec(),
            rows: groups
                .iter()
                .map(|g| {
                    vec![
                        g.name.clone(),
                        n(g.submitted),
                        n(g.filed),
                        percent(g.filing_rate),
                        n(g.not_filed),
                        n(g.merged),
                        n(g.key),
                        n(g.assigned),
                        n(g.replied),
                        percent(g.reply_rate),
                    ]
                })
                .collect(),
        };
        write_xlsx(&[
            Sheet {
                name: "总体情况", headers: vec!["指标".into(), "数值".into()], rows: figures.into_iter().map(|(k, v)| vec![k.to_string(), v]).collect()
            },
            Sheet {
                name: "提案状态",
                headers: vec!["状态".into(), "件数".into()],
                rows: s.by_status.iter().map(|x| vec![x.label.to_string(), n(x.count)]).collect(),
            },
            Sheet {
                name: "答复类别",
                headers: vec!["类别".into(), "说明".into(), "件数".into()],
                rows: s.classes.iter().map(|c| vec![format!("{}类", c.class), c.label.clone(), n(c.count)]).collect(),
            },
            Sheet { name: "承办单位", headers: unit_headers, rows: unit_rows },
            group_sheet("提案分类", "提案分类", &s.categories),
            group_sheet("界别", "界别", &s.sectors),
            group_sheet("党派团体", "党派团体", &s.organizations),
            Sheet {
                name: "指标说明",
                headers: vec!["指标".into(), "计算方法".into()],
                rows: DEFINITIONS.iter().map(|(k, v)| vec![k.to_string(), v.to_string()]).collect(),
            },
        ])
    }
}
