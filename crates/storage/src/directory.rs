//! Reference records that share one shape (sectors, special committees, organisations, units,
//! work stations) and sessions (届次). Every query is scoped to one committee.

use eline_domain::org::{DirectoryFields, DirectoryKind, SessionFields};
use serde::Serialize;
use sqlx::AssertSqlSafe;

use crate::{Ex, Result, StorageError, all, now_micros, opt, scalar};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub committee_id: i64,
    pub name: String,
    pub category: Option<String>,
    pub note: Option<String>,
    pub sort_order: i64,
    pub archived: bool,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A position in a list ordered by (sort_order, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub sort_order: i64,
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}", self.sort_order, self.id)
    }
    pub fn decode(s: &str) -> Option<Cursor> {
        let (a, b) = s.split_once('.')?;
        Some(Cursor { sort_order: a.parse().ok()?, id: b.parse().ok()? })
    }
}

fn duplicate(kind: DirectoryKind) -> String {
    format!("已有同名的{}（可能已归档），请换一个名称", kind.label())
}

pub async fn create(ex: &mut Ex<'_>, kind: DirectoryKind, committee_id: i64, f: &DirectoryFields) -> Result<Entry> {
    let now = now_micros();
    let sql = format!(
        "INSERT INTO {} (committee_id, name, category, note, sort_order, archived, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, FALSE, 1, $6, $6) RETURNING *",
        kind.table()
    );
    let row = opt!(ex, Entry, AssertSqlSafe(sql), committee_id, &f.name, &f.category, &f.note, f.sort_order, now)
        .map_err(|e| StorageError::from(e).duplicate_as(&duplicate(kind)))?;
    row.ok_or(StorageError::NotFound)
}

pub async fn get(ex: &mut Ex<'_>, kind: DirectoryKind, committee_id: i64, id: i64) -> Result<Option<Entry>> {
    let sql = format!("SELECT * FROM {} WHERE id = $1 AND committee_id = $2", kind.table());
    Ok(opt!(ex, Entry, AssertSqlSafe(sql), id, committee_id)?)
}

/// Changes the fields when `version` is current; returns the new state.
pub async fn update(ex: &mut Ex<'_>, kind: DirectoryKind, committee_id: i64, id: i64, version: i64, f: &DirectoryFields) -> Result<Entry> {
    let sql = format!(
        "UPDATE {} SET name = $1, category = $2, note = $3, sort_order = $4, version = version + 1, updated_at = $5
         WHERE id = $6 AND committee_id = $7 AND version = $8 RETURNING *",
        kind.table()
    );
    let row = opt!(ex, Entry, AssertSqlSafe(sql), &f.name, &f.category, &f.note, f.sort_order, now_micros(), id, committee_id, version)
        .map_err(|e| StorageError::from(e).duplicate_as(&duplicate(kind)))?;
    match row {
        Some(r) => Ok(r),
        None => Err(missing_or_stale(ex, kind, committee_id, id).await),
    }
}

/// Archives or restores when `version` is current.
pub async fn set_archived(ex: &mut Ex<'_>, kind: DirectoryKind, committee_id: i64, id: i64, version: i64, archived: bool) -> Result<Entry> {
    let sql = format!(
        "UPDATE {} SET archived = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND committee_id = $4 AND version = $5 RETURNING *",
        kind.table()
    );
    match opt!(ex, Entry, AssertSqlSafe(sql), archived, now_micros(), id, committee_id, version)? {
        Some(r) => Ok(r),
        None => Err(missing_or_stale(ex, kind, committee_id, id).await),
    }
}

async fn missing_or_stale(ex: &mut Ex<'_>, kind: DirectoryKind, committee_id: i64, id: i64) -> StorageError {
    match get(ex, kind, committee_id, id).await {
        Ok(Some(_)) => StorageError::VersionConflict,
        Ok(None) => StorageError::NotFound,
        Err(e) => e,
    }
}

/// A page in (sort_order, id) order after the cursor; archived records only when asked.
pub async fn list(ex: &mut Ex<'_>, kind: DirectoryKind, committee_id: i64, include_archived: bool, after: Option<Cursor>, limit: i64) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT * FROM {} WHERE committee_id = $1 AND ($2 OR archived = FALSE)
           AND (CAST($3 AS BIGINT) IS NULL OR sort_order > $3 OR (sort_order = $3 AND id > $4))
         ORDER BY sort_order, id LIMIT $5",
        kind.table()
    );
    let (a, b) = after.map(|c| (Some(c.sort_order), c.id)).unwrap_or((None, 0));
    Ok(all!(ex, Entry, AssertSqlSafe(sql), committee_id, include_archived, a, b, limit)?)
}

/// Every active record (for pickers), in display order.
pub async fn all_active(ex: &mut Ex<'_>, kind: DirectoryKind, committee_id: i64) -> Result<Vec<Entry>> {
    list(ex, kind, committee_id, false, None, 10_000).await
}

pub async fn count_active(ex: &mut Ex<'_>, kind: DirectoryKind, committee_id: i64) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM {} WHERE committee_id = $1 AND archived = FALSE", kind.table());
    Ok(scalar!(ex, i64, AssertSqlSafe(sql), committee_id)?)
}

/// Ids among `ids` that are not active records of this committee.
pub async fn unknown_ids(ex: &mut Ex<'_>, kind: DirectoryKind, committee_id: i64, ids: &[i64]) -> Result<Vec<i64>> {
    let mut missing = Vec::new();
    for id in ids {
        match get(ex, kind, committee_id, *id).await? {
            Some(e) if !e.archived => {}
            _ => missing.push(*id),
        }
    }
    Ok(missing)
}

// ---- sessions (届次) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Session {
    pub id: i64,
    pub committee_id: i64,
    pub term_number: i64,
    pub session_number: i64,
    pub year: i64,
    pub opens_on: Option<String>,
    pub archived: bool,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Session {
    pub fn name(&self) -> String {
        eline_domain::numerals::session_name(self.term_number as u32, self.session_number as u32)
    }
}

const SESSION_DUPLICATE: &str = "该届次会议已存在";

pub async fn create_session(ex: &mut Ex<'_>, committee_id: i64, f: &SessionFields) -> Result<Session> {
    let now = now_micros();
    opt!(
        ex,
        Session,
        "INSERT INTO sessions (committee_id, term_number, session_number, year, opens_on, archived, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, FALSE, 1, $6, $6) RETURNING *",
        committee_id,
        i64::from(f.term_number),
        i64::from(f.session_number),
        i64::from(f.year),
        &f.opens_on,
        now
    )
    .map_err(|e| StorageError::from(e).duplicate_as(SESSION_DUPLICATE))?
    .ok_or(StorageError::NotFound)
}

pub async fn get_session(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> Result<Option<Session>> {
    Ok(opt!(ex, Session, "SELECT * FROM sessions WHERE id = $1 AND committee_id = $2", id, committee_id)?)
}

pub async fn update_session(ex: &mut Ex<'_>, committee_id: i64, id: i64, version: i64, f: &SessionFields) -> Result<Session> {
    let row = opt!(
        ex,
        Session,
        "UPDATE sessions SET term_number = $1, session_number = $2, year = $3, opens_on = $4, version = version + 1, updated_at = $5
         WHERE id = $6 AND committee_id = $7 AND version = $8 RETURNING *",
        i64::from(f.term_number),
        i64::from(f.session_number),
        i64::from(f.year),
        &f.opens_on,
        now_micros(),
        id,
        committee_id,
        version
    )
    .map_err(|e| StorageError::from(e).duplicate_as(SESSION_DUPLICATE))?;
    session_or_reason(ex, committee_id, id, row).await
}

pub async fn set_session_archived(ex: &mut Ex<'_>, committee_id: i64, id: i64, version: i64, archived: bool) -> Result<Session> {
    let row = opt!(
        ex,
        Session,
        "UPDATE sessions SET archived = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND committee_id = $4 AND version = $5 RETURNING *",
        archived,
        now_micros(),
        id,
        committee_id,
        version
    )?;
    session_or_reason(ex, committee_id, id, row).await
}

async fn session_or_reason(ex: &mut Ex<'_>, committee_id: i64, id: i64, row: Option<Session>) -> Result<Session> {
    match row {
        Some(s) => Ok(s),
        None => match get_session(ex, committee_id, id).await? {
            Some(_) => Err(StorageError::VersionConflict),
            None => Err(StorageError::NotFound),
        },
    }
}

/// Sessions newest first; cursor is the last id seen (ids grow with creation).
pub async fn list_sessions(ex: &mut Ex<'_>, committee_id: i64, include_archived: bool, before_id: Option<i64>, limit: i64) -> Result<Vec<Session>> {
    Ok(all!(
        ex,
        Session,
        "SELECT * FROM sessions WHERE committee_id = $1 AND ($2 OR archived = FALSE) AND (CAST($3 AS BIGINT) IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4",
        committee_id,
        include_archived,
        before_id,
        limit
    )?)
}

/// Active sessions of a committee.
pub async fn count_sessions(ex: &mut Ex<'_>, committee_id: i64) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT COUNT(*) FROM sessions WHERE committee_id = $1 AND archived = FALSE", committee_id)?)
}
