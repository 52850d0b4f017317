//! Use cases for members (委员): file, list, import from XLSX/CSV (all or nothing), export.

mod filter;
pub mod record;

use std::collections::HashMap;

use eline_domain::member::{MemberFields, MemberInput, PARTIES, POSITIONS, gender_label, position_label};
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource};
use eline_domain::{Actor, FieldError, RecordKind, RecordRef};
use eline_storage::directory;
use eline_storage::members::{self, Filter, Member, MemberRow};
use serde::Serialize;

use crate::change::{self, Change, Topic};
use crate::context::snapshot;
use crate::spreadsheet::{Sheet, write_xlsx};
use crate::{App, AppError, AppResult, Page};

pub use filter::MemberFilter;

/// The columns of the import template and the export, in order. A `*` marks required columns.
pub const COLUMNS: [&str; 14] =
    ["姓名*", "性别", "出生年份", "政治面貌", "界别*", "专委会", "职务", "委员工作站", "届别", "手机", "电子邮箱", "通讯地址", "港澳委员", "状态"];

/// One problem in an uploaded file: spreadsheet row number (header = 1), column title, message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// How many row errors an answer lists (a file may have hundreds of thousands; the count is
/// given in full).
pub const LISTED_ERRORS: usize = 1_000;

#[derive(Debug)]
pub enum ImportOutcome {
    Imported(usize),
    Rejected(Vec<RowError>),
}

/// A change of a member's file: audited and re-indexed (member files keep no timeline).
fn member_change(id: i64, action: &str, summary: String, before: Option<serde_json::Value>, after: Option<serde_json::Value>) -> Change<'_> {
    Change { record: RecordRef::new(RecordKind::MEMBER, id), action, summary, before, after, timeline: None, topics: &[Topic::Search] }
}

fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}

impl App {
    /// Checks that referenced sector, station and special committees are active records of the committee.
    async fn check_member_refs(&self, committee_id: i64, f: &MemberFields) -> AppResult<()> {
        let mut c = self.db.acquire().await?;
        let mut errors = Vec::new();
        if !directory::unknown_ids(&mut c.ex(), DirectoryKind::Sector, committee_id, &[f.sector_id]).await?.is_empty() {
            errors.push(FieldError::new("sector_id", "所选界别不存在或已归档"));
        }
        if let Some(ws) = f.work_station_id
            && !directory::unknown_ids(&mut c.ex(), DirectoryKind::WorkStation, committee_id, &[ws]).await?.is_empty()
        {
            errors.push(FieldError::new("work_station_id", "所选委员工作站不存在或已归档"));
        }
        if !directory::unknown_ids(&mut c.ex(), DirectoryKind::SpecialCommittee, committee_id, &f.committee_ids).await?.is_empty() {
            errors.push(FieldError::new("committee_ids", "所选专委会不存在或已归档"));
        }
        if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
    }

    pub async fn create_member(&self, actor: &Actor, input: &MemberInput) -> AppResult<Member> {
        self.require(actor, Action::ManageMembers, Resource::Any).await?;
        let f = MemberFields::parse(input, this_year())?;
        self.check_member_refs(actor.committee_id, &f).await?;
        let mut tx = self.db.begin().await?;
        let m = members::create(&mut tx.ex(), actor.committee_id, &f).await?;
        let summary = format!("新增委员“{}”", m.name);
        change::record(&mut tx, actor, member_change(m.id, "create", summary, None, snapshot(&m))).await?;
        tx.commit().await?;
        Ok(m)
    }

    pub async fn update_member(&self, actor: &Actor, id: i64, input: &MemberInput, version: Option<i64>) -> AppResult<Member> {
        self.require(actor, Action::ManageMembers, Resource::Any).await?;
        let version = eline_domain::org::version(version).map_err(|e| AppError::Validation(vec![e]))?;
        let f = MemberFields::parse(input, this_year())?;
        self.check_member_refs(actor.committee_id, &f).await?;
        let mut tx = self.db.begin().await?;
        let before = members::get(&mut tx.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let after = members::update(&mut tx.ex(), actor.committee_id, id, version, &f).await?;
        let summary = format!("修改委员“{}”", after.name);
        change::record(&mut tx, actor, member_change(id, "update", summary, snapshot(&before), snapshot(&after))).await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn archive_member(&self, actor: &Actor, id: i64, version: Option<i64>, archived: bool) -> AppResult<Member> {
        self.require(actor, Action::ManageMembers, Resource::Any).await?;
        let version = eline_domain::org::version(version).map_err(|e| AppError::Validation(vec![e]))?;
        let mut tx = self.db.begin().await?;
        let before = members::get(&mut tx.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let after = members::set_archived(&mut tx.ex(), actor.committee_id, id, version, archived).await?;
        let (action, verb) = if archived { ("archive", "归档") } else { ("restore", "恢复") };
        let summary = format!("{verb}委员“{}”", after.name);
        change::record(&mut tx, actor, member_change(id, action, summary, snapshot(&before), snapshot(&after))).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// A member with the ids of their special committees.
    pub async fn get_member(&self, actor: &Actor, id: i64) -> AppResult<(Member, Vec<i64>)> {
        self.require_visible(actor, Action::ViewMember, Resource::Member(id))?;
        let mut c = self.db.acquire().await?;
        let m = members::get(&mut c.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let committees = members::committee_ids(&mut c.ex(), id).await?;
        Ok((m, committees))
    }

    /// A page of the members the filter picks (the office and leaders).
    pub async fn list_members(&self, actor: &Actor, f: &MemberFilter) -> AppResult<Page<MemberRow>> {
        self.require_visible(actor, Action::ViewMember, Resource::Any)?;
        let limit = crate::limit(f.limit)?;
        let filter = Filter { after_id: crate::parse_cursor(f.cursor.as_deref())?, ..f.rows() };
        let mut c = self.db.acquire().await?;
        let mut items = members::list(&mut c.ex(), actor.committee_id, &filter, limit + 1).await?;
        Ok(Page::from_overfetch(&mut items, limit, |m| m.member.id.to_string()))
    }

    /// An empty template with the columns and a sheet of instructions.
    pub fn member_template(&self) -> AppResult<Vec<u8>> {
        let help: Vec<Vec<String>> = [
            ("姓名*", "必填，不超过30字".to_string()),
            ("性别", "男 或 女".into()),
            ("出生年份", "四位数字，如 1968".into()),
            ("政治面貌", PARTIES.join("、")),
            ("界别*", "必填，须与系统中的界别名称一致".into()),
            ("专委会", "可填多个，用“、”分隔，须与系统中的名称一致".into()),
            ("职务", format!("可填多个，用“、”分隔：{}", POSITIONS.iter().map(|(_, l)| *l).collect::<Vec<_>>().join("、"))),
            ("委员工作站", "须与系统中的名称一致".into()),
            ("届别", "数字，如 13 表示十三届".into()),
            ("手机", "手机号或座机号".into()),
            ("电子邮箱", "".into()),
            ("通讯地址", "".into()),
            ("港澳委员", "是 或 否（默认否）".into()),
            ("状态", "在任 或 已离任（默认在任）".into()),
        ]
        .into_iter()
        .map(|(a, b)| vec![a.to_string(), b])
        .collect();
        write_xlsx(&[
            Sheet { name: "委员", headers: COLUMNS.iter().map(|c| c.to_string()).collect(), rows: vec![] },
            Sheet { name: "填写说明", headers: vec!["列".into(), "说明".into()], rows: help },
        ])
    }

    /// Imports members from a file: every row is checked first; any bad row imports nothing.
    pub async fn import_members(&self, actor: &Actor, file_name: &str, bytes: &[u8]) -> AppResult<ImportOutcome> {
        self.require(actor, Action::ManageMembers, Resource::Any).await?;
        let (parsed, errors) = {
            let rows = crate::spreadsheet::read_upload(file_name, bytes).await?;
            let Some((header, body)) = rows.split_first() else {
                return Err(AppError::field("file", "文件是空的"));
            };
            let lookup = self.name_lookup(actor.committee_id).await?;
            parse_rows(header, body, &lookup)
        };
        if !errors.is_empty() {
            return Ok(ImportOutcome::Rejected(errors));
        }
        if parsed.is_empty() {
            return Err(AppError::field("file", "文件中没有委员数据行"));
        }
        // Everything was checked above: the writing is a few multi-row statements (100,000
        // members hold the writer about 3 s; one statement per row held it 15-18 s).
        let started = std::time::Instant::now();
        let mut tx = self.db.begin().await?;
        let created = members::create_many(&mut tx, actor.committee_id, &parsed).await?;
        let ids: Vec<i64> = created.iter().map(|m| m.id).collect();
        let entries = created.iter().map(|m| (m.id, format!("导入委员“{}”（文件 {file_name}）", m.name), snapshot(m)));
        change::record_created(&mut tx, actor, "import", RecordKind::MEMBER, &ids, entries, &[Topic::Search]).await?;
        tx.commit().await?;
        tracing::info!(rows = parsed.len(), millis = started.elapsed().as_millis() as u64, "members imported");
        Ok(ImportOutcome::Imported(parsed.len()))
    }

    async fn name_lookup(&self, committee_id: i64) -> AppResult<NameLookup> {
        let mut c = self.db.acquire().await?;
        let mut by_kind = HashMap::new();
        for kind in [DirectoryKind::Sector, DirectoryKind::SpecialCommittee, DirectoryKind::WorkStation] {
            let names = directory::all_active(&mut c.ex(), kind, committee_id).await?.into_iter().map(|e| (e.name, e.id)).collect();
            by_kind.insert(kind, names);
        }
        Ok(NameLookup { by_kind })
    }

    /// All active members matching the filter as an XLSX file (same columns as the template).
    pub async fn export_members(&self, actor: &Actor, f: &MemberFilter) -> AppResult<Vec<u8>> {
        let filter = f.rows();
        self.require(actor, Action::ManageMembers, Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        let committees: HashMap<i64, String> =
            directory::all_active(&mut c.ex(), DirectoryKind::SpecialCommittee, actor.committee_id).await?.into_iter().map(|e| (e.id, e.name)).collect();
        let mut rows = Vec::new();
        let mut after = 0;
        loop {
            let page = members::list(&mut c.ex(), actor.committee_id, &Filter { after_id: Some(after), ..filter.clone() }, 1000).await?;
            let Some(last) = page.last() else { break };
            after = last.member.id;
            for r in page {
                let cids = members::committee_ids(&mut c.ex(), r.member.id).await?;
                rows.push(export_row(&r, &cids, &committees));
            }
        }
        write_xlsx(&[Sheet { name: "委员", headers: COLUMNS.iter().map(|c| c.to_string()).collect(), rows }])
    }
}

fn export_row(r: &MemberRow, committee_ids: &[i64], committees: &HashMap<i64, String>) -> Vec<String> {
    let m = &r.member;
    vec![
        m.name.clone(),
        gender_label(m.gender.as_deref().unwrap_or("")).to_string(),
        m.birth_year.map(|y| y.to_string()).unwrap_or_default(),
        m.party.clone().unwrap_or_default(),
        r.sector_name.clone(),
        committee_ids.iter().filter_map(|id| committees.get(id).cloned()).collect::<Vec<_>>().join("、"),
        m.roles.split(',').map(position_label).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("、"),
        r.work_station_name.clone().unwrap_or_default(),
        m.term_number.map(|t| t.to_string()).unwrap_or_default(),
        m.phone.clone().unwrap_or_default(),
        m.email.clone().unwrap_or_default(),
        m.address.clone().unwrap_or_default(),
        if m.hk_macao { "是" } else { "否" }.to_string(),
        eline_domain::member::MemberStatus::parse(&m.status).map(|s| s.label()).unwrap_or("").to_string(),
    ]
}

struct NameLookup {
    by_kind: HashMap<DirectoryKind, HashMap<String, i64>>,
}

impl NameLookup {
    fn find(&self, kind: DirectoryKind, name: &str) -> Option<i64> {
        self.by_kind.get(&kind).and_then(|m| m.get(name.trim())).copied()
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', ';', '；']).map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect()
}

/// Maps field names of validation errors to the template's column titles.
fn column_of(field: &str) -> &'static str {
    match field {
        "name" => "姓名*",
        "gender" => "性别",
        "birth_year" => "出生年份",
        "party" => "政治面貌",
        "sector_id" => "界别*",
        "committee_ids" => "专委会",
        "roles" => "职务",
        "work_station_id" => "委员工作站",
        "term_number" => "届别",
        "phone" => "手机",
        "email" => "电子邮箱",
        "address" => "通讯地址",
        "hk_macao" => "港澳委员",
        "status" => "状态",
        _ => "",
    }
}

fn parse_rows(header: &[String], body: &[Vec<String>], lookup: &NameLookup) -> (Vec<MemberFields>, Vec<RowError>) {
    let mut errors = Vec::new();
    // Columns are found by title (with or without the '*'), so their order may differ.
    let mut index: HashMap<&str, usize> = HashMap::new();
    for col in COLUMNS {
        let bare = col.trim_end_matches('*');
        if let Some(i) = header.iter().position(|h| h.trim().trim_end_matches('*') == bare) {
            index.insert(col, i);
        } else if col.ends_with('*') {
            errors.push(RowError { row: 1, column: col.to_string(), message: format!("缺少必填列“{bare}”，请使用下载的模板") });
        }
    }
    if !errors.is_empty() {
        return (vec![], errors);
    }
    let year = this_year();
    let mut parsed = Vec::new();
    for (i, row) in body.iter().enumerate() {
        let line = i + 2;
        if row.iter().all(String::is_empty) {
            continue;
        }
        let cell = |col: &str| index.get(col).and_then(|&i| row.get(i)).map(|s| s.trim()).unwrap_or("");
        let mut err = |column: &str, message: String| errors.push(RowError { row: line, column: column.to_string(), message });
        let mut input = MemberInput { name: cell("姓名*").to_string(), ..Default::default() };
        input.gender = Some(cell("性别").to_string());
        input.party = Some(cell("政治面貌").to_string());
        input.phone = Some(cell("手机").to_string());
        input.email = Some(cell("电子邮箱").to_string());
        input.address = Some(cell("通讯地址").to_string());
        input.status = Some(cell("状态").to_string());
        input.roles = split_list(cell("职务"));
        match cell("出生年份") {
            "" => {}
            y => match y.parse() {
                Ok(v) => input.birth_year = Some(v),
                Err(_) => err("出生年份", format!("“{y}”不是四位年份")),
            },
        }
        match cell("届别") {
            "" => {}
            t => match t.trim_end_matches('届').parse() {
                Ok(v) => input.term_number = Some(v),
                Err(_) => err("届别", format!("“{t}”不是数字")),
            },
        }
        match cell("港澳委员") {
            "" | "否" | "N" | "n" | "0" => {}
            "是" | "Y" | "y" | "1" => input.hk_macao = true,
            v => err("港澳委员", format!("“{v}”应为“是”或“否”")),
        }
        match cell("界别*") {
            "" => {}
            s => match lookup.find(DirectoryKind::Sector, s) {
                Some(id) => input.sector_id = Some(id),
                None => err("界别*", format!("系统中没有界别“{s}”")),
            },
        }
        match cell("委员工作站") {
            "" => {}
            s => match lookup.find(DirectoryKind::WorkStation, s) {
                Some(id) => input.work_station_id = Some(id),
                None => err("委员工作站", format!("系统中没有委员工作站“{s}”")),
            },
        }
        for c in split_list(cell("专委会")) {
            match lookup.find(DirectoryKind::SpecialCommittee, &c) {
                Some(id) => input.committee_ids.push(id),
                None => err("专委会", format!("系统中没有专委会“{c}”")),
            }
        }
        let had_sector_error = cell("界别*").is_empty() || input.sector_id.is_some();
        match MemberFields::parse(&input, year) {
            Ok(f) => parsed.push(f),
            Err(invalid) => {
                for e in invalid.0 {
                    // A sector named but unknown was reported above already.
                    if e.field == "sector_id" && !had_sector_error {
                        continue;
                    }
                    errors.push(RowError { row: line, column: column_of(&e.field).to_string(), message: e.message });
                }
            }
        }
    }
    (parsed, errors)
}
