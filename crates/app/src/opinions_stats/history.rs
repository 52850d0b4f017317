//! Import of past years' 社情民意 reports from XLSX/CSV, so that an information office can bring
//! its history in and count it: every row is checked first and a file with any bad row imports
//! nothing (the row errors name row, column and problem in Chinese).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use eline_domain::opinion::{Channel, Level, OutcomeKind, Status, Submitter};
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource, can};
use eline_domain::{Actor, RecordKind};
use eline_storage::opinion_import::{self, PastOpinion};
use eline_storage::opinions::Opinion;
use eline_storage::{directory, members};

use crate::change::{self, Topic};
use crate::context::snapshot;
use crate::members::{ImportOutcome, RowError};
use crate::spreadsheet::{Sheet, write_xlsx};
use crate::{App, AppError, AppResult};

pub const COLUMNS: [&str; 9] = ["年度*", "类别", "标题*", "正文", "报送者类型", "报送者*", "状态*", "处理日期", "采用情况"];

const NO_BODY: &str = "（历史信息，正文未导入）";

/// A checked row, ready to be written.
struct Row {
    year: i64,
    channel: Channel,
    title: String,
    body: String,
    submitter: Submitter,
    /// The member, organisation, special committee or sector it is credited to.
    submitter_id: Option<i64>,
    author_name: String,
    status: Status,
    decided_on: NaiveDate,
    outcomes: Vec<(Level, OutcomeKind)>,
}

/// Names in the directory, each to its id (several ids: a name shared by two).
#[derive(Default)]
struct Names {
    members: HashMap<String, Vec<i64>>,
    organizations: HashMap<String, Vec<i64>>,
    special_committees: HashMap<String, Vec<i64>>,
    sectors: HashMap<String, Vec<i64>>,
}

impl Names {
    fn of(&self, kind: Submitter) -> Option<&HashMap<String, Vec<i64>>> {
        match kind {
            Submitter::Member => Some(&self.members),
            Submitter::Organization => Some(&self.organizations),
            Submitter::SpecialCommittee => Some(&self.special_committees),
            Submitter::Sector => Some(&self.sectors),
            Submitter::Informant | Submitter::Committee => None,
        }
    }
}

fn parse_kind(raw: &str) -> Option<Submitter> {
    match raw {
        "委员" => Some(Submitter::Member),
        "党派团体" | "党派" | "人民团体" => Some(Submitter::Organization),
        "专委会" | "专门委员会" => Some(Submitter::SpecialCommittee),
        "界别" => Some(Submitter::Sector),
        "特邀信息员" | "信息员" => Some(Submitter::Informant),
        code => Submitter::parse(code),
    }
}

fn parse_level(raw: &str) -> Option<Level> {
    match raw {
        "市级" | "市" | "本级" => Some(Level::City),
        "省级" | "省" => Some(Level::Province),
        "全国" | "全国级" | "国家级" => Some(Level::National),
        code => Level::parse(code),
    }
}

/// "市级:部门采纳；省级:采用" → the pairs, each kind one of its level's.
fn parse_outcomes(raw: &str) -> Result<Vec<(Level, OutcomeKind)>, String> {
    let mut out = Vec::new();
    for part in raw.split(['；', ';', '、', ',', '，', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((l, k)) = part.split_once([':', '：', '·']) else {
            return Err(format!("“{part}”应写成“级别:类型”，如“市级:部门采纳”"));
        };
        let level = parse_level(l.trim()).ok_or_else(|| format!("“{}”应为市级、省级或全国", l.trim()))?;
        let allowed = level.outcome_kinds();
        let k = k.trim();
        let kind = allowed.iter().copied().find(|x| x.as_str() == k || x.label() == k).ok_or_else(|| {
            let names: Vec<&str> = allowed.iter().map(|x| x.label()).collect();
            format!("{}的采用情况“{k}”应为{}之一", level.label(), names.join("、"))
        })?;
        if !out.contains(&(level, kind)) {
            out.push((level, kind));
        }
    }
    Ok(out)
}

/// The row as the report the one-by-one actions would have left: submitted and decided on the
/// decision day (noon in Beijing), its outcomes entered by hand.
fn past_opinion(r: &Row, actor: &Actor, note: &str) -> PastOpinion {
    let now = eline_storage::now_micros();
    let day = r.decided_on.format("%Y-%m-%d").to_string();
    let at = r.decided_on.and_hms_opt(4, 0, 0).map(|t| t.and_utc().timestamp_micros()).unwrap_or(now);
    let id = |k: Submitter| r.submitter_id.filter(|_| r.submitter == k);
    let opinion = Opinion {
        id: 0,
        committee_id: actor.committee_id,
        year: r.year,
        channel: r.channel,
        status: r.status,
        title: r.title.clone(),
        body: r.body.clone(),
        submitter_kind: r.submitter,
        member_id: id(Submitter::Member),
        organization_id: id(Submitter::Organization),
        special_committee_id: id(Submitter::SpecialCommittee),
        sector_id: id(Submitter::Sector),
        author_name: r.author_name.clone(),
        created_by: actor.user_id,
        submitted_at: Some(at),
        submitted_on: Some(day.clone()),
        due_on: None,
        decided_at: Some(at),
        decided_on: Some(day.clone()),
        return_reason: None,
        keep_reason: None,
        returns: 0,
        origin_id: None,
        reported_up_id: None,
        reported_up_at: None,
        published: false,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let outcomes = r.outcomes.iter().map(|(l, k)| (*l, *k, day.clone())).collect();
    PastOpinion { opinion, outcomes, event: (actor.user_id, actor.display_name.clone(), note.to_string()) }
}

impl App {
    /// The template for history imports, with a sheet of instructions (the information office).
    pub fn opinion_history_template(&self, actor: &Actor) -> AppResult<Vec<u8>> {
        if !can(actor, Action::ImportOpinions, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let help = [
            ("年度*", "必填，信息所属年度，如 2024"),
            ("类别", "社情民意（默认）或资政之声"),
            ("标题*", "必填"),
            ("正文", "可留空"),
            ("报送者类型", "委员、党派团体、专委会、界别或特邀信息员；留空时按名称依次在委员、党派团体、专委会、界别中查找，都没有则记为特邀信息员"),
            ("报送者*", "必填；委员、党派团体、专委会、界别须与系统中的名称一致"),
            ("状态*", "录用或留存"),
            ("处理日期", "录用或留存的日期（YYYY-MM-DD），须在所属年度或之后；留空为该年12月31日"),
            (
                "采用情况",
                "仅录用的信息：“级别:类型”，多项用“；”分隔，如“市级:部门采纳；省级:采用”。市级：采用、部门采纳、批示；\
              省级：采用、转送、报全国；全国：单篇采用、综合采用、转送部委、批示",
            ),
        ];
        write_xlsx(&[
            Sheet::new("导入", COLUMNS),
            Sheet::text("填写说明", vec!["列".into(), "说明".into()], help.iter().map(|(a, b)| vec![a.to_string(), b.to_string()]).collect()),
        ])
    }

    /// Imports past reports (the information office); audited, searchable, all or nothing.
    pub async fn import_opinion_history(&self, actor: &Actor, file_name: &str, bytes: &[u8]) -> AppResult<ImportOutcome> {
        self.require(actor, Action::ImportOpinions, Resource::Any).await?;
        let rows = crate::spreadsheet::read_upload(file_name, bytes).await?;
        let Some((header, body)) = rows.split_first() else { return Err(AppError::field("file", "文件是空的")) };
        let config = crate::opinions::Config::load(&mut self.db.acquire().await?.ex(), actor.committee_id).await?;
        let names = self.opinion_history_names(actor.committee_id).await?;
        let (parsed, errors) = parse(header, body, &names, config.rules.title_max_chars, config.today);
        if !errors.is_empty() {
            return Ok(ImportOutcome::Rejected(errors));
        }
        if parsed.is_empty() {
            return Err(AppError::field("file", "文件中没有信息数据行"));
        }
        let note = format!("导入历史社情民意信息（文件 {file_name}）");
        let past: Vec<PastOpinion> = parsed.iter().map(|r| past_opinion(r, actor, &note)).collect();
        let mut tx = self.db.begin().await?;
        let stored = opinion_import::insert_past(&mut tx, &past).await?;
        let ids: Vec<i64> = stored.iter().map(|o| o.id).collect();
        let entries = stored.iter().map(|o| (o.id, format!("{note}：“{}”", o.title), snapshot(o)));
        change::record_created(&mut tx, actor, "import", RecordKind::OPINION, &ids, entries, &[Topic::Search]).await?;
        tx.commit().await?;
        tracing::info!(rows = parsed.len(), "past reports imported");
        Ok(ImportOutcome::Imported(parsed.len()))
    }

    async fn opinion_history_names(&self, committee_id: i64) -> AppResult<Names> {
        let mut c = self.db.acquire().await?;
        let mut names = Names::default();
        let mut after = 0;
        loop {
            // Former (archived) members too: past years' authors have often left.
            let f = members::Filter { after_id: Some(after), include_archived: true, ..Default::default() };
            let page = members::list(&mut c.ex(), committee_id, &f, 1000).await?;
            let Some(last) = page.last() else { break };
            after = last.member.id;
            for r in page {
                names.members.entry(r.member.name).or_default().push(r.member.id);
            }
        }
        for (kind, map) in [
            (DirectoryKind::Organization, &mut names.organizations),
            (DirectoryKind::SpecialCommittee, &mut names.special_committees),
            (DirectoryKind::Sector, &mut names.sectors),
        ] {
            let mut entries = directory::list(&mut c.ex(), kind, committee_id, true, None, 10_000).await?;
            // An active entry wins a name it shares with an archived one.
            entries.sort_by_key(|e| e.archived);
            for e in entries {
                let ids = map.entry(e.name).or_default();
                if ids.is_empty() || !e.archived {
                    ids.push(e.id);
                }
            }
        }
        Ok(names)
    }
}

fn parse(header: &[String], body: &[Vec<String>], names: &Names, title_max: usize, today: NaiveDate) -> (Vec<Row>, Vec<RowError>) {
    let index = match crate::spreadsheet::column_index(&COLUMNS, header) {
        Ok(index) => index,
        Err(errors) => return (vec![], errors),
    };
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, raw) in body.iter().enumerate() {
        if raw.iter().all(String::is_empty) {
            continue;
        }
        let cell = |c: &str| index.get(c).and_then(|&i| raw.get(i)).map(|s| s.trim()).unwrap_or("");
        let before = errors.len();
        let mut err = |column: &str, message: String| errors.push(RowError { row: i + 2, column: column.into(), message });
        let year = match cell("年度*").trim_end_matches('年').parse::<i64>() {
            Ok(y) if (1949..=i64::from(today.year())).contains(&y) => y,
            _ if cell("年度*").is_empty() => {
                err("年度*", "年度不能为空".into());
                0
            }
            _ => {
                err("年度*", format!("“{}”不是有效的年度（1949年至今年）", cell("年度*")));
                0
            }
        };
        let channel = match cell("类别") {
            "" | "社情民意" | "opinion" => Channel::Opinion,
            "资政之声" | "direct" => Channel::Direct,
            other => {
                err("类别", format!("“{other}”应为社情民意或资政之声"));
                Channel::Opinion
            }
        };
        let title = cell("标题*").to_string();
        if title.is_empty() {
            err("标题*", "标题不能为空".into());
        } else if title.chars().count() > title_max {
            err("标题*", format!("标题不能超过{title_max}个字"));
        }
        let body = match cell("正文") {
            "" => NO_BODY.to_string(),
            b => b.to_string(),
        };
        let author = cell("报送者*").to_string();
        let (mut submitter, mut submitter_id) = (Submitter::Informant, None);
        match (cell("报送者类型"), author.is_empty()) {
            (_, true) => err("报送者*", "报送者不能为空".into()),
            ("", false) => {
                // By name: a member, an organisation, a special committee, a sector, else an informant.
                let kinds = [Submitter::Member, Submitter::Organization, Submitter::SpecialCommittee, Submitter::Sector];
                if let Some((kind, ids)) = kinds.iter().find_map(|k| names.of(*k).and_then(|m| m.get(&author)).map(|ids| (*k, ids))) {
                    submitter = kind;
                    match ids.as_slice() {
                        [id] => submitter_id = Some(*id),
                        _ => err("报送者*", format!("有多个{}名为“{author}”，请填写报送者类型或在系统中区分后再导入", kind.label())),
                    }
                }
            }
            (raw, false) => match parse_kind(raw) {
                Some(Submitter::Informant) => {}
                Some(kind) if names.of(kind).is_some() => {
                    submitter = kind;
                    match names.of(kind).and_then(|m| m.get(&author)).map(Vec::as_slice) {
                        Some([id]) => submitter_id = Some(*id),
                        Some(_) => err("报送者*", format!("有多个{}名为“{author}”，请在系统中区分后再导入", kind.label())),
                        None => err("报送者*", format!("系统中没有{}“{author}”", kind.label())),
                    }
                }
                _ => err("报送者类型", format!("“{raw}”应为委员、党派团体、专委会、界别或特邀信息员")),
            },
        }
        let status = match cell("状态*") {
            "录用" | "已录用" | "采用" | "adopted" => Some(Status::Adopted),
            "留存" | "未录用" | "kept" => Some(Status::Kept),
            "" => {
                err("状态*", "状态不能为空（录用或留存）".into());
                None
            }
            other => {
                err("状态*", format!("“{other}”应为录用或留存"));
                None
            }
        };
        let decided_on = match cell("处理日期") {
            "" => NaiveDate::from_ymd_opt(year as i32, 12, 31).map(|d| d.min(today)),
            d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                Ok(d) if d > today => {
                    err("处理日期", "处理日期不能晚于今天".into());
                    None
                }
                Ok(d) if i64::from(d.year()) < year => {
                    err("处理日期", format!("处理日期不能早于所属年度{year}年"));
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    err("处理日期", format!("日期“{d}”的格式应为 YYYY-MM-DD，如 2024-06-30"));
                    None
                }
            },
        };
        let outcomes = match parse_outcomes(cell("采用情况")) {
            Ok(list) if !list.is_empty() && status == Some(Status::Kept) => {
                err("采用情况", "留存的信息没有采用情况，请清空或把状态改为录用".into());
                list
            }
            Ok(list) => list,
            Err(m) => {
                err("采用情况", m);
                vec![]
            }
        };
        if let (true, Some(status), Some(decided_on)) = (errors.len() == before, status, decided_on) {
            out.push(Row { year, channel, title, body, submitter, submitter_id, author_name: author, status, decided_on, outcomes });
        }
    }
    (out, errors)
}
