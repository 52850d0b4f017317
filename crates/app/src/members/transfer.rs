//! Members in and out of spreadsheets: the import template, the import (all or nothing; rows
//! with a 编号 update that member, rows without one add a member) and the export (编号 first, so
//! that export → edit in Excel → import changes the roster and never duplicates it).

use std::collections::HashMap;

use eline_domain::Actor;
use eline_domain::RecordKind;
use eline_domain::member::{MemberFields, MemberInput, PARTIES, POSITIONS, gender_label, position_label};
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource};
use eline_storage::directory;
use eline_storage::members::{self, Filter, Member, MemberRow};
use serde::Serialize;

use super::{MemberFilter, this_year};
use crate::change::{self, Topic};
use crate::context::snapshot;
use crate::spreadsheet::{Cell, Sheet, Workbook, write_xlsx};
use crate::{App, AppError, AppResult};

/// The first column of the export and the template: the member's id (编号). Filled, the row
/// updates that member; empty, the row is a new member.
pub const ID_COLUMN: &str = "编号";

/// The data columns of the import template and the export, in order, after [`ID_COLUMN`]. A `*`
/// marks required columns.
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
    /// The number of rows taken in: new members plus members updated by their 编号.
    Imported(usize),
    Rejected(Vec<RowError>),
}

/// The headers of the template and the export: 编号, then the data columns.
fn headers() -> Vec<String> {
    std::iter::once(ID_COLUMN).chain(COLUMNS).map(String::from).collect()
}

/// A checked row of an import file.
struct ParsedRow {
    /// Spreadsheet row number (header = 1).
    line: usize,
    /// The member the row updates; None for a new member.
    id: Option<i64>,
    fields: MemberFields,
}

impl App {
    /// An empty template with the columns and a sheet of instructions.
    pub fn member_template(&self) -> AppResult<Vec<u8>> {
        let help: Vec<Vec<String>> = [
            (ID_COLUMN, "新增委员留空；填写从“导出名单”得到的编号时，按编号更新该委员".to_string()),
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
        write_xlsx(&[Sheet::new("委员", headers()), Sheet::text("填写说明", vec!["列".into(), "说明".into()], help)])
    }

    /// Imports members from a file: every row is checked first; any bad row imports nothing.
    /// A row with a 编号 updates that member of the committee (an unknown 编号 is a row error);
    /// a row without one is a new member. All of it in one transaction.
    pub async fn import_members(&self, actor: &Actor, file_name: &str, bytes: &[u8]) -> AppResult<ImportOutcome> {
        self.require(actor, Action::ManageMembers, Resource::Any).await?;
        let (parsed, mut errors) = {
            let rows = crate::spreadsheet::read_upload(file_name, bytes).await?;
            let Some((header, body)) = rows.split_first() else {
                return Err(AppError::field("file", "文件是空的"));
            };
            let lookup = self.name_lookup(actor.committee_id).await?;
            parse_rows(header, body, &lookup)
        };
        let mut current = HashMap::new();
        {
            let mut c = self.db.acquire().await?;
            for row in &parsed {
                let Some(id) = row.id else { continue };
                match members::get(&mut c.ex(), actor.committee_id, id).await? {
                    Some(m) => {
                        let cids = members::committee_ids(&mut c.ex(), id).await?;
                        current.insert(id, (m, cids));
                    }
                    None => errors.push(RowError {
                        row: row.line,
                        column: ID_COLUMN.into(),
                        message: format!("系统中没有编号为{id}的委员：编号只能来自导出的名单，新增委员请将编号留空"),
                    }),
                }
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.row);
            return Ok(ImportOutcome::Rejected(errors));
        }
        if parsed.is_empty() {
            return Err(AppError::field("file", "文件中没有委员数据行"));
        }
        let (new, updates): (Vec<ParsedRow>, Vec<ParsedRow>) = parsed.into_iter().partition(|r| r.id.is_none());
        let new: Vec<MemberFields> = new.into_iter().map(|r| r.fields).collect();
        // Everything was checked above: new members are written in a few multi-row statements
        // (100,000 members hold the writer about 3 s; one statement per row held it 15-18 s).
        let started = std::time::Instant::now();
        let mut tx = self.db.begin().await?;
        let created = members::create_many(&mut tx, actor.committee_id, &new).await?;
        let ids: Vec<i64> = created.iter().map(|m| m.id).collect();
        let entries = created.iter().map(|m| (m.id, format!("导入委员“{}”（文件 {file_name}）", m.name), snapshot(m)));
        change::record_created(&mut tx, actor, "import", RecordKind::MEMBER, &ids, entries, &[Topic::Search]).await?;
        let mut updated = 0;
        for row in &updates {
            let id = row.id.expect("an update has an id");
            let (before, cids) = &current[&id];
            if unchanged(before, cids, &row.fields) {
                continue;
            }
            // The version read above: a member edited meanwhile is a conflict, never overwritten.
            let after = members::update(&mut tx.ex(), actor.committee_id, id, before.version, &row.fields).await?;
            let summary = format!("导入更新委员“{}”（文件 {file_name} 第{}行）", after.name, row.line);
            change::record(&mut tx, actor, super::member_change(id, "import", summary, snapshot(before), snapshot(&after))).await?;
            updated += 1;
        }
        tx.commit().await?;
        tracing::info!(created = new.len(), updated, rows = new.len() + updates.len(), millis = started.elapsed().as_millis() as u64, "members imported");
        Ok(ImportOutcome::Imported(new.len() + updates.len()))
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

    /// The members matching the filter (active ones unless it asks for archived ones too) as an
    /// XLSX file: 编号 and the template's columns, so that the file edited in Excel imports back
    /// as changes of these members.
    pub async fn export_members(&self, actor: &Actor, f: &MemberFilter) -> AppResult<Workbook> {
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
        let mut sheet = Sheet::new("委员", headers());
        sheet.rows = rows;
        let day = crate::dates::chinese_day(chrono::Utc::now().with_timezone(&crate::dates::beijing()).date_naive());
        Ok(Workbook::named("委员名单", Some(&day), write_xlsx(&[sheet])?))
    }
}

fn export_row(r: &MemberRow, committee_ids: &[i64], committees: &HashMap<i64, String>) -> Vec<Cell> {
    let m = &r.member;
    let text = |s: &Option<String>| Cell::from(s.clone().unwrap_or_default());
    vec![
        Cell::Int(m.id),
        m.name.as_str().into(),
        gender_label(m.gender.as_deref().unwrap_or("")).into(),
        m.birth_year.into(),
        text(&m.party),
        r.sector_name.as_str().into(),
        committee_ids.iter().filter_map(|id| committees.get(id).cloned()).collect::<Vec<_>>().join("、").into(),
        m.roles.split(',').map(position_label).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("、").into(),
        text(&r.work_station_name),
        m.term_number.into(),
        text(&m.phone),
        text(&m.email),
        text(&m.address),
        if m.hk_macao { "是" } else { "否" }.into(),
        eline_domain::member::MemberStatus::parse(&m.status).map(|s| s.label()).unwrap_or("").into(),
    ]
}

/// Whether a member's file already says what an import row says (such rows are left alone:
/// no new version, no audit entry).
fn unchanged(m: &Member, committee_ids: &[i64], f: &MemberFields) -> bool {
    let mut have = committee_ids.to_vec();
    let mut want = f.committee_ids.clone();
    have.sort_unstable();
    want.sort_unstable();
    m.name == f.name
        && m.gender == f.gender
        && m.birth_year == f.birth_year.map(i64::from)
        && m.party == f.party
        && m.sector_id == f.sector_id
        && m.work_station_id == f.work_station_id
        && m.roles == f.roles.join(",")
        && m.term_number == f.term_number.map(i64::from)
        && m.phone == f.phone
        && m.email == f.email
        && m.address == f.address
        && m.hk_macao == f.hk_macao
        && m.status == f.status.as_str()
        && have == want
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

fn parse_rows(header: &[String], body: &[Vec<String>], lookup: &NameLookup) -> (Vec<ParsedRow>, Vec<RowError>) {
    // Columns are found by title (with or without the '*'), so their order may differ.
    let index = match crate::spreadsheet::column_index(&COLUMNS, header) {
        Ok(index) => index,
        Err(errors) => return (vec![], errors),
    };
    let mut errors = Vec::new();
    // The 编号 column is optional (files made from the template before it had one).
    let id_index = header.iter().position(|h| h.trim() == ID_COLUMN);
    let mut seen_ids: HashMap<i64, usize> = HashMap::new();
    let year = this_year();
    let mut parsed = Vec::new();
    for (i, row) in body.iter().enumerate() {
        let line = i + 2;
        if row.iter().all(String::is_empty) {
            continue;
        }
        let cell = |col: &str| index.get(col).and_then(|&i| row.get(i)).map(|s| s.trim()).unwrap_or("");
        let mut err = |column: &str, message: String| errors.push(RowError { row: line, column: column.to_string(), message });
        let id = match id_index.and_then(|i| row.get(i)).map(|s| s.trim()).unwrap_or("") {
            "" => None,
            raw => match raw.parse::<i64>() {
                Ok(id) if id > 0 => match seen_ids.insert(id, line) {
                    Some(first) => {
                        err(ID_COLUMN, format!("编号{id}与第{first}行重复：同一委员只能出现一次"));
                        None
                    }
                    None => Some(id),
                },
                _ => {
                    err(ID_COLUMN, format!("编号“{raw}”应为导出名单中的数字编号"));
                    None
                }
            },
        };
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
            Ok(fields) => parsed.push(ParsedRow { line, id, fields }),
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
