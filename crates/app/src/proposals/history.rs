//! Import of past sessions' proposals from XLSX/CSV, so an office can bring its history in:
//! every row is checked first and a file with any bad row imports nothing.

use std::collections::{HashMap, HashSet};

use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource, can};
use eline_domain::proposal::{Kind, Occasion, ProposalRules, Satisfaction, Status, UnitRole};
use eline_domain::{Actor, RecordKind};
use eline_storage::proposal_import::{self, PastProposal};
use eline_storage::proposals::{self, Proposal};
use eline_storage::{directory, members};

use super::config::Config;
use crate::change::{self, Topic};
use crate::context::{audit_write, snapshot};
use crate::members::{ImportOutcome, RowError};
use crate::spreadsheet::{Sheet, write_xlsx};
use crate::{App, AppError, AppResult};

pub const COLUMNS: [&str; 15] = [
    "届次*",
    "编号",
    "标题*",
    "类型*",
    "提案者*",
    "联名委员",
    "正文",
    "状态",
    "主办单位",
    "会办单位",
    "答复类别",
    "满意度",
    "不立案理由",
    "提案分类",
    "提案性质",
];

const NO_BODY: &str = "（历史提案，正文未导入）";
const NO_REPLY: &str = "（历史答复，正文未导入）";

/// A checked row, ready to be written.
struct Row {
    session_id: i64,
    opens_on: Option<String>,
    number: Option<i64>,
    title: String,
    kind: Kind,
    proposer_member_id: Option<i64>,
    organization_id: Option<i64>,
    cosigners: Vec<i64>,
    body: String,
    closed: bool,
    lead: Option<i64>,
    co: Vec<i64>,
    class: Option<String>,
    satisfaction: Option<Satisfaction>,
    reason: Option<String>,
    category: Option<String>,
    occasion: Option<Occasion>,
}

struct Names {
    /// Session name → (id, opening date, the committee's proposal rules for the session's year).
    sessions: HashMap<String, (i64, Option<String>, ProposalRules)>,
    members: HashMap<String, Vec<i64>>,
    organizations: HashMap<String, i64>,
    units: HashMap<String, i64>,
    numbers: HashMap<i64, HashSet<i64>>,
}

fn split(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', ';', '；']).map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect()
}

/// The row as the records the one-by-one actions would have left: dated noon in Beijing on
/// the session's opening day when known.
fn past_proposal(r: &Row, actor: &Actor, note: &str) -> PastProposal {
    let now = eline_storage::now_micros();
    let at = r
        .opens_on
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .and_then(|d| d.and_hms_opt(4, 0, 0))
        .map(|t| t.and_utc().timestamp_micros())
        .unwrap_or(now);
    let proposal = Proposal {
        id: 0,
        committee_id: actor.committee_id,
        session_id: r.session_id,
        number: r.number,
        title: r.title.clone(),
        body: r.body.clone(),
        kind: r.kind,
        proposer_member_id: r.proposer_member_id,
        organization_id: r.organization_id,
        created_by: actor.user_id,
        status: if r.closed { Status::Closed } else { Status::NotFiled },
        is_key: false,
        published: false,
        merged_into_id: None,
        review_note: if r.closed { None } else { r.reason.clone() },
        converted_to: None,
        handling_mode: r.closed.then(|| "lead".to_string()),
        assigned_on: r.opens_on.clone().filter(|_| r.closed),
        due_on: None,
        objection_open: false,
        extension_requested: false,
        extension_reason: None,
        extended: false,
        round: 0,
        dissatisfied_rounds: 0,
        cosign_due_on: None,
        evaluation_due_on: None,
        replied_on: r.opens_on.clone().filter(|_| r.closed),
        submitted_at: Some(at),
        filed_at: r.closed.then_some(at),
        closed_at: r.closed.then_some(at),
        version: 1,
        created_at: now,
        updated_at: now,
        category: r.category.clone(),
        occasion: r.occasion.map(|o| o.as_str().to_string()),
        // Past proposals' 公开意愿 is not known: publishing one needs the office's reason.
        publish_consent: None,
    };
    let lead = r.lead.filter(|_| r.closed);
    let mut units: Vec<(i64, UnitRole)> = lead.map(|l| (l, UnitRole::Lead)).into_iter().collect();
    if lead.is_some() {
        units.extend(r.co.iter().map(|c| (*c, UnitRole::Co)));
    }
    PastProposal {
        proposal,
        cosigners: r.cosigners.clone(),
        units,
        reply: match (lead, &r.class) {
            (Some(l), Some(class)) => Some((l, class.clone(), NO_REPLY.to_string(), "—".to_string(), at)),
            _ => None,
        },
        evaluation: lead.and(r.satisfaction).map(|s| (r.proposer_member_id, s, at)),
        event: (actor.user_id, actor.display_name.clone(), note.to_string()),
    }
}

impl App {
    /// The template for history imports, with a sheet of instructions (the office).
    pub fn proposal_history_template(&self, actor: &Actor) -> AppResult<Vec<u8>> {
        if !can(actor, Action::ProposalOffice, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let help = [
            ("届次*", "必填，与系统中的届次会议名称一致，如“十三届二次会议”"),
            ("编号", "该届次内的提案编号（数字），不可重复"),
            ("标题*", "必填"),
            ("类型*", "个人、联名或集体"),
            ("提案者*", "个人/联名：委员姓名；集体：党派团体名称"),
            ("联名委员", "联名提案的其他委员，用“、”分隔"),
            ("正文", "可留空"),
            ("状态", "已办结（默认）或不立案"),
            ("主办单位", "已办结时必填，与系统中的承办单位名称一致"),
            ("会办单位", "用“、”分隔"),
            ("答复类别", "已办结时必填：A、B或C"),
            ("满意度", "满意、基本满意或不满意，可留空"),
            ("不立案理由", "不立案时必填"),
            ("提案分类", "可留空；填写时应为本会的提案分类之一，如“经济建设”"),
            ("提案性质", "大会提案或平时提案，可留空"),
        ];
        write_xlsx(&[
            Sheet::new("导入", COLUMNS),
            Sheet::text("填写说明", vec!["列".into(), "说明".into()], help.iter().map(|(a, b)| vec![a.to_string(), b.to_string()]).collect()),
        ])
    }

    /// Imports past proposals (office staff: managing the committee's records).
    pub async fn import_proposal_history(&self, actor: &Actor, file_name: &str, bytes: &[u8]) -> AppResult<ImportOutcome> {
        self.require(actor, Action::ManageDirectory, Resource::Any).await?;
        if !can(actor, Action::ProposalOffice, Resource::Any) {
            // Admins manage reference data but not the office's records; audited like `require` does.
            let mut tx = self.db.begin().await?;
            audit_write(&mut tx, Some(actor), "permission_denied", "permission", None, "拒绝：导入历史提案".into(), None, None).await?;
            tx.commit().await?;
            return Err(AppError::Forbidden);
        }
        let (parsed, errors) = {
            let rows = crate::spreadsheet::read_upload(file_name, bytes).await?;
            let Some((header, body)) = rows.split_first() else { return Err(AppError::field("file", "文件是空的")) };
            let mut names = self.history_names(actor.committee_id).await?;
            parse(header, body, &mut names)
        };
        if !errors.is_empty() {
            return Ok(ImportOutcome::Rejected(errors));
        }
        if parsed.is_empty() {
            return Err(AppError::field("file", "文件中没有提案数据行"));
        }
        let note = format!("导入历史提案（文件 {file_name}）");
        let past: Vec<PastProposal> = parsed.iter().map(|r| past_proposal(r, actor, &note)).collect();
        // Everything was checked above: the writing is a few multi-row statements, so that a
        // large history holds the writer for seconds (one statement per row held it for
        // minutes at 100,000 rows).
        let started = std::time::Instant::now();
        let mut tx = self.db.begin().await?;
        let stored = proposal_import::insert_past(&mut tx, &past).await?;
        let ids: Vec<i64> = stored.iter().map(|p| p.id).collect();
        let entries = stored.iter().map(|p| (p.id, format!("{note}：“{}”", p.title), snapshot(p)));
        change::record_created(&mut tx, actor, "import", RecordKind::PROPOSAL, &ids, entries, &[Topic::Search]).await?;
        tx.commit().await?;
        tracing::info!(rows = parsed.len(), millis = started.elapsed().as_millis() as u64, "past proposals imported");
        Ok(ImportOutcome::Imported(parsed.len()))
    }

    async fn history_names(&self, committee_id: i64) -> AppResult<Names> {
        let mut c = self.db.acquire().await?;
        let mut sessions = HashMap::new();
        let mut numbers = HashMap::new();
        for s in directory::list_sessions(&mut c.ex(), committee_id, true, None, 1000).await? {
            numbers.insert(s.id, proposals::numbers_in_session(&mut c.ex(), s.id).await?.into_iter().collect());
            let rules = Config::load(&mut c.ex(), committee_id, s.year as i32).await?.rules;
            sessions.insert(s.name(), (s.id, s.opens_on.clone(), rules));
        }
        let mut member_names: HashMap<String, Vec<i64>> = HashMap::new();
        let mut after = 0;
        loop {
            // Former (archived) members too: past sessions' proposers have often left.
            let f = members::Filter { after_id: Some(after), include_archived: true, ..Default::default() };
            let page = members::list(&mut c.ex(), committee_id, &f, 1000).await?;
            let Some(last) = page.last() else { break };
            after = last.member.id;
            for r in page {
                member_names.entry(r.member.name).or_default().push(r.member.id);
            }
        }
        // Archived units and organisations too (renamed or dissolved since); an active one wins a shared name.
        let by_name = |mut v: Vec<directory::Entry>| {
            v.sort_by_key(|e| !e.archived);
            v.into_iter().map(|e| (e.name, e.id)).collect::<HashMap<_, _>>()
        };
        Ok(Names {
            sessions,
            members: member_names,
            organizations: by_name(directory::list(&mut c.ex(), DirectoryKind::Organization, committee_id, true, None, 10_000).await?),
            units: by_name(directory::list(&mut c.ex(), DirectoryKind::Unit, committee_id, true, None, 10_000).await?),
            numbers,
        })
    }
}

fn parse(header: &[String], body: &[Vec<String>], names: &mut Names) -> (Vec<Row>, Vec<RowError>) {
    let fallback = ProposalRules::default();
    let index = match crate::spreadsheet::column_index(&COLUMNS, header) {
        Ok(index) => index,
        Err(errors) => return (vec![], errors),
    };
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, raw) in body.iter().enumerate() {
        let line = i + 2;
        if raw.iter().all(String::is_empty) {
            continue;
        }
        let cell = |c: &str| index.get(c).and_then(|&i| raw.get(i)).map(|s| s.trim()).unwrap_or("");
        let mut err = |column: &str, message: String| errors.push(RowError { row: line, column: column.into(), message });
        let session = match names.sessions.get(cell("届次*")) {
            Some((id, opens_on, rules)) => Some((*id, opens_on.clone(), rules)),
            None if cell("届次*").is_empty() => {
                err("届次*", "届次不能为空".into());
                None
            }
            None => {
                err("届次*", format!("系统中没有届次会议“{}”", cell("届次*")));
                None
            }
        };
        let number = match cell("编号").trim_start_matches('第').trim_end_matches('号') {
            "" => None,
            n => match n.parse::<i64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    err("编号", format!("“{n}”不是有效的编号"));
                    None
                }
            },
        };
        let rules = session.as_ref().map_or(&fallback, |(_, _, r)| r);
        if let (Some((sid, _, _)), Some(n)) = (&session, number)
            && !names.numbers.entry(*sid).or_default().insert(n)
        {
            err("编号", format!("该届次已有第{n:04}号提案"));
        }
        let title = cell("标题*").to_string();
        if title.is_empty() {
            err("标题*", "标题不能为空".into());
        } else if title.chars().count() > rules.title_max_chars {
            err("标题*", format!("标题不能超过{}个字", rules.title_max_chars));
        }
        let kind = match cell("类型*") {
            "个人" | "个人提案" => Some(Kind::Individual),
            "联名" | "联名提案" => Some(Kind::Joint),
            "集体" | "集体提案" => Some(Kind::Collective),
            other => {
                err("类型*", format!("“{other}”应为个人、联名或集体"));
                None
            }
        };
        let one_member = |name: &str, column: &str, err: &mut dyn FnMut(&str, String)| -> Option<i64> {
            match names.members.get(name).map(Vec::as_slice) {
                Some([id]) => Some(*id),
                Some([_, _, ..]) => {
                    err(column, format!("有多位委员名为“{name}”，请在系统中区分后再导入"));
                    None
                }
                _ => {
                    err(column, format!("系统中没有委员“{name}”"));
                    None
                }
            }
        };
        let proposer = cell("提案者*");
        let (mut member, mut organization) = (None, None);
        match kind {
            Some(Kind::Collective) => match names.organizations.get(proposer) {
                Some(o) => organization = Some(*o),
                None => err("提案者*", format!("系统中没有党派团体“{proposer}”")),
            },
            Some(_) if proposer.is_empty() => err("提案者*", "提案者不能为空".into()),
            Some(_) => member = one_member(proposer, "提案者*", &mut err),
            None => {}
        }
        let mut cosigners = Vec::new();
        for n in split(cell("联名委员")) {
            if let Some(id) = one_member(&n, "联名委员", &mut err)
                && Some(id) != member
                && !cosigners.contains(&id)
            {
                cosigners.push(id);
            }
        }
        if kind == Some(Kind::Joint) && cell("联名委员").is_empty() {
            err("联名委员", "联名提案请填写联名委员".into());
        }
        let closed = match cell("状态") {
            "" | "已办结" | "办结" => true,
            "不立案" => false,
            other => {
                err("状态", format!("“{other}”应为已办结或不立案"));
                true
            }
        };
        let unit = |name: &str| names.units.get(name).copied();
        let lead = match cell("主办单位") {
            "" if closed => {
                err("主办单位", "已办结的提案请填写主办单位".into());
                None
            }
            "" => None,
            n => unit(n).or_else(|| {
                err("主办单位", format!("系统中没有承办单位“{n}”"));
                None
            }),
        };
        let mut co = Vec::new();
        for n in split(cell("会办单位")) {
            match unit(&n) {
                Some(u) if Some(u) != lead && !co.contains(&u) => co.push(u),
                Some(_) => {}
                None => err("会办单位", format!("系统中没有承办单位“{n}”")),
            }
        }
        let class = match cell("答复类别").trim_end_matches('类') {
            "" if closed => {
                err("答复类别", "已办结的提案请填写答复类别".into());
                None
            }
            "" => None,
            c if rules.reply_class_label(c).is_some() => Some(c.to_string()),
            c => {
                err("答复类别", format!("“{c}”不是有效的答复类别"));
                None
            }
        };
        let satisfaction = match cell("满意度") {
            "" => None,
            "满意" => Some(Satisfaction::Satisfied),
            "基本满意" => Some(Satisfaction::BasicallySatisfied),
            "不满意" => Some(Satisfaction::Dissatisfied),
            other => {
                err("满意度", format!("“{other}”应为满意、基本满意或不满意"));
                None
            }
        };
        if !closed {
            for column in ["主办单位", "会办单位", "答复类别", "满意度"] {
                if !cell(column).is_empty() {
                    err(column, format!("不立案的提案没有办理，请清空“{column}”"));
                }
            }
        }
        let reason = Some(cell("不立案理由").to_string()).filter(|r| !r.is_empty());
        if !closed && reason.is_none() {
            err("不立案理由", "不立案的提案请填写理由".into());
        }
        let category = match rules.category(Some(cell("提案分类"))) {
            Ok(c) => c,
            Err(e) => {
                err("提案分类", e.message);
                None
            }
        };
        let occasion = match cell("提案性质") {
            "" => None,
            "大会提案" | "大会" => Some(Occasion::Plenary),
            "平时提案" | "平时" => Some(Occasion::Regular),
            other => {
                err("提案性质", format!("“{other}”应为大会提案或平时提案"));
                None
            }
        };
        let body = match cell("正文") {
            "" => NO_BODY.to_string(),
            b => b.to_string(),
        };
        if let (Some((session_id, opens_on, _)), Some(kind)) = (session, kind) {
            out.push(Row {
                session_id,
                opens_on,
                number,
                title,
                kind,
                proposer_member_id: member,
                organization_id: organization,
                cosigners,
                body,
                closed,
                lead,
                co,
                class,
                satisfaction,
                reason,
                category,
                occasion,
            });
        }
    }
    (out, errors)
}
