//! Use cases for reference data: sectors, special committees, organisations, units, work
//! stations, and sessions (届次). Everyone may read; the office manages; nothing is deleted.

use eline_domain::Actor;
use eline_domain::org::{DirectoryFields, DirectoryKind, SessionFields};
use eline_domain::policy::{Action, Resource};
use eline_storage::directory::{self, Cursor, Entry, Session};
use serde::Deserialize;

use crate::context::{audit_write, snapshot};
use crate::{App, AppError, AppResult, Page};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DirectoryInput {
    pub name: String,
    pub category: Option<String>,
    pub note: Option<String>,
    pub sort_order: Option<i64>,
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SessionInput {
    pub term_number: Option<i64>,
    pub session_number: Option<i64>,
    pub year: Option<i64>,
    pub opens_on: Option<String>,
    pub version: Option<i64>,
}

fn version_of(raw: Option<i64>) -> AppResult<i64> {
    eline_domain::org::version(raw).map_err(|e| AppError::Validation(vec![e]))
}

impl App {
    pub async fn create_directory(&self, actor: &Actor, kind: DirectoryKind, input: &DirectoryInput) -> AppResult<Entry> {
        self.require(actor, Action::ManageDirectory, Resource::Any).await?;
        let f = DirectoryFields::parse(kind, &input.name, input.category.as_deref(), input.note.as_deref(), input.sort_order)?;
        let mut tx = self.db.begin().await?;
        let e = directory::create(&mut tx.ex(), kind, actor.committee_id, &f).await?;
        audit_write(&mut tx, Some(actor), "create", kind.table(), Some(e.id), format!("新建{}“{}”", kind.label(), e.name), None, snapshot(&e)).await?;
        tx.commit().await?;
        Ok(e)
    }

    pub async fn update_directory(&self, actor: &Actor, kind: DirectoryKind, id: i64, input: &DirectoryInput) -> AppResult<Entry> {
        self.require(actor, Action::ManageDirectory, Resource::Any).await?;
        let f = DirectoryFields::parse(kind, &input.name, input.category.as_deref(), input.note.as_deref(), input.sort_order)?;
        let version = version_of(input.version)?;
        let mut tx = self.db.begin().await?;
        let before = directory::get(&mut tx.ex(), kind, actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let after = directory::update(&mut tx.ex(), kind, actor.committee_id, id, version, &f).await?;
        audit_write(
            &mut tx,
            Some(actor),
            "update",
            kind.table(),
            Some(id),
            format!("修改{}“{}”", kind.label(), after.name),
            snapshot(&before),
            snapshot(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Archives (or restores) a record; it stays in history and in old references.
    pub async fn archive_directory(&self, actor: &Actor, kind: DirectoryKind, id: i64, version: Option<i64>, archived: bool) -> AppResult<Entry> {
        self.require(actor, Action::ManageDirectory, Resource::Any).await?;
        let version = version_of(version)?;
        let mut tx = self.db.begin().await?;
        let before = directory::get(&mut tx.ex(), kind, actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let after = directory::set_archived(&mut tx.ex(), kind, actor.committee_id, id, version, archived).await?;
        let (action, verb) = if archived { ("archive", "归档") } else { ("restore", "恢复") };
        audit_write(
            &mut tx,
            Some(actor),
            action,
            kind.table(),
            Some(id),
            format!("{verb}{}“{}”", kind.label(), after.name),
            snapshot(&before),
            snapshot(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn get_directory(&self, actor: &Actor, kind: DirectoryKind, id: i64) -> AppResult<Entry> {
        self.require_visible(actor, Action::ViewDirectory, Resource::Any)?;
        let mut c = self.db.acquire().await?;
        directory::get(&mut c.ex(), kind, actor.committee_id, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn list_directory(&self, actor: &Actor, kind: DirectoryKind, include_archived: bool, cursor: Option<&str>, limit: i64) -> AppResult<Page<Entry>> {
        self.require_visible(actor, Action::ViewDirectory, Resource::Any)?;
        let after = match cursor.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(Cursor::decode(s).ok_or_else(|| AppError::field("cursor", "分页游标无效"))?),
        };
        let mut c = self.db.acquire().await?;
        let mut items = directory::list(&mut c.ex(), kind, actor.committee_id, include_archived, after, limit + 1).await?;
        Ok(Page::from_overfetch(&mut items, limit, |e| Cursor { sort_order: e.sort_order, id: e.id }.encode()))
    }

    /// Every active record of a kind, for pickers in forms.
    pub async fn directory_choices(&self, actor: &Actor, kind: DirectoryKind) -> AppResult<Vec<Entry>> {
        self.require_visible(actor, Action::ViewDirectory, Resource::Any)?;
        let key = format!("{}|{kind:?}", actor.committee_id);
        let entries = self
            .choices
            .get_or_load(key, async {
                let mut c = self.db.acquire().await?;
                directory::all_active(&mut c.ex(), kind, actor.committee_id).await
            })
            .await?;
        Ok(entries.as_ref().clone())
    }

    // ---- sessions ----

    pub async fn create_session(&self, actor: &Actor, input: &SessionInput) -> AppResult<Session> {
        self.require(actor, Action::ManageDirectory, Resource::Any).await?;
        let f = SessionFields::parse(input.term_number, input.session_number, input.year, input.opens_on.as_deref())?;
        let mut tx = self.db.begin().await?;
        let s = directory::create_session(&mut tx.ex(), actor.committee_id, &f).await.map_err(|e| AppError::from_storage(e, "session_number"))?;
        audit_write(&mut tx, Some(actor), "create", "sessions", Some(s.id), format!("新建届次“{}”", s.name()), None, snapshot(&s)).await?;
        tx.commit().await?;
        Ok(s)
    }

    pub async fn update_session(&self, actor: &Actor, id: i64, input: &SessionInput) -> AppResult<Session> {
        self.require(actor, Action::ManageDirectory, Resource::Any).await?;
        let f = SessionFields::parse(input.term_number, input.session_number, input.year, input.opens_on.as_deref())?;
        let version = version_of(input.version)?;
        let mut tx = self.db.begin().await?;
        let before = directory::get_session(&mut tx.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let after =
            directory::update_session(&mut tx.ex(), actor.committee_id, id, version, &f).await.map_err(|e| AppError::from_storage(e, "session_number"))?;
        audit_write(&mut tx, Some(actor), "update", "sessions", Some(id), format!("修改届次“{}”", after.name()), snapshot(&before), snapshot(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn archive_session(&self, actor: &Actor, id: i64, version: Option<i64>, archived: bool) -> AppResult<Session> {
        self.require(actor, Action::ManageDirectory, Resource::Any).await?;
        let version = version_of(version)?;
        let mut tx = self.db.begin().await?;
        let before = directory::get_session(&mut tx.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let after = directory::set_session_archived(&mut tx.ex(), actor.committee_id, id, version, archived).await?;
        let (action, verb) = if archived { ("archive", "归档") } else { ("restore", "恢复") };
        audit_write(&mut tx, Some(actor), action, "sessions", Some(id), format!("{verb}届次“{}”", after.name()), snapshot(&before), snapshot(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn get_session(&self, actor: &Actor, id: i64) -> AppResult<Session> {
        self.require_visible(actor, Action::ViewDirectory, Resource::Any)?;
        let mut c = self.db.acquire().await?;
        directory::get_session(&mut c.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn list_sessions(&self, actor: &Actor, include_archived: bool, cursor: Option<&str>, limit: i64) -> AppResult<Page<Session>> {
        self.require_visible(actor, Action::ViewDirectory, Resource::Any)?;
        let before = crate::parse_cursor(cursor)?;
        let mut c = self.db.acquire().await?;
        let mut items = directory::list_sessions(&mut c.ex(), actor.committee_id, include_archived, before, limit + 1).await?;
        Ok(Page::from_overfetch(&mut items, limit, |s| s.id.to_string()))
    }
}
