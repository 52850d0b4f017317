//! Metadata of uploaded files; the bytes live content-addressed under the data directory.

use eline_domain::RecordRef;
use serde::Serialize;

use crate::{Ex, Result, StorageError, all, now_micros, opt};

/// The columns of `Attachment`, named (see users.rs on `SELECT *`).
macro_rules! attachment_columns {
    () => {
        "id, committee_id, record_kind, record_id, purpose, sha256, file_name, content_type, size, uploaded_by, created_at"
    };
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub committee_id: i64,
    /// The record the file belongs to.
    pub record_kind: String,
    pub record_id: i64,
    /// What the file is for on that record (a proposal: proposal | reply | evaluation).
    pub purpose: String,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: i64,
    pub created_at: i64,
}

pub struct NewAttachment<'a> {
    pub committee_id: i64,
    pub record: RecordRef,
    pub purpose: &'a str,
    pub sha256: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub uploaded_by: i64,
}

pub async fn create(ex: &mut Ex<'_>, a: &NewAttachment<'_>) -> Result<Attachment> {
    opt!(
        ex,
        Attachment,
        concat!(
            "INSERT INTO attachments (committee_id, record_kind, record_id, purpose, sha256, file_name, content_type, size, uploaded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ",
            attachment_columns!()
        ),
        a.committee_id,
        a.record.kind.as_str(),
        a.record.id,
        a.purpose,
        a.sha256,
        a.file_name,
        a.content_type,
        a.size,
        a.uploaded_by,
        now_micros()
    )?
    .ok_or(StorageError::NotFound)
}

/// Files of a record (all purposes), oldest first.
pub async fn of(ex: &mut Ex<'_>, committee_id: i64, record: RecordRef) -> Result<Vec<Attachment>> {
    Ok(all!(
        ex,
        Attachment,
        concat!("SELECT ", attachment_columns!(), " FROM attachments WHERE committee_id = $1 AND record_kind = $2 AND record_id = $3 ORDER BY id"),
        committee_id,
        record.kind.as_str(),
        record.id
    )?)
}

/// One file of a record (None when it belongs to another record or committee).
pub async fn get(ex: &mut Ex<'_>, committee_id: i64, record: RecordRef, id: i64) -> Result<Option<Attachment>> {
    Ok(opt!(
        ex,
        Attachment,
        concat!("SELECT ", attachment_columns!(), " FROM attachments WHERE id = $1 AND committee_id = $2 AND record_kind = $3 AND record_id = $4"),
        id,
        committee_id,
        record.kind.as_str(),
        record.id
    )?)
}
