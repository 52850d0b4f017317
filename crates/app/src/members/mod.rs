//! Use cases for members (委员): file, list; import from XLSX/CSV (all or nothing) and export
//! in `transfer`.

mod filter;
pub mod record;
mod transfer;

use eline_domain::member::{MemberFields, MemberInput};
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource};
use eline_domain::{Actor, FieldError, RecordKind, RecordRef};
use eline_storage::directory;
use eline_storage::members::{self, Filter, Member, MemberRow};

use crate::change::{self, Change, Topic};
use crate::context::snapshot;
use crate::{App, AppError, AppResult, Page};

pub use filter::MemberFilter;
pub use transfer::{COLUMNS, ID_COLUMN, ImportOutcome, LISTED_ERRORS, RowError};

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
}
