//! Metadata of uploaded files; the bytes live content-addressed under the data directory.

use serde::Serialize;

use crate::{Ex, Result, StorageError, all, now_micros, opt};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub committee_id: i64,
    /// proposal | reply | evaluation
    pub owner_type: String,
    /// The proposal the file belongs to.
    pub owner_id: i64,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: i64,
    pub created_at: i64,
}

pub struct NewAttachment<'a> {
    pub committee_id: i64,
    pub owner_type: &'a str,
    pub owner_id: i64,
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
        "INSERT INTO attachments (committee_id, owner_type, owner_id, sha256, file_name, content_type, size, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *",
        a.committee_id,
        a.owner_type,
        a.owner_id,
        a.sha256,
        a.file_name,
        a.content_type,
        a.size,
        a.uploaded_by,
        now_micros()
    )?
    .ok_or(StorageError::NotFound)
}

/// Files of a proposal (all purposes), oldest first.
pub async fn for_proposal(ex: &mut Ex<'_>, committee_id: i64, proposal_id: i64) -> Result<Vec<Attachment>> {
    Ok(all!(
        ex,
        Attachment,
        "SELECT * FROM attachments WHERE committee_id = $1 AND owner_id = $2 AND owner_type IN ('proposal', 'reply', 'evaluation') ORDER BY id",
        committee_id,
        proposal_id
    )?)
}

pub async fn get(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> Result<Option<Attachment>> {
    Ok(opt!(ex, Attachment, "SELECT * FROM attachments WHERE id = $1 AND committee_id = $2", id, committee_id)?)
}
