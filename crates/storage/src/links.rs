//! Links between records of any kinds (a rejected proposal → its 社情民意 report, a public request
//! → a proposal): each end shows the other.

use eline_domain::RecordRef;
use serde::Serialize;

use crate::{Ex, Result, StorageError, all, now_micros, opt};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Link {
    pub id: i64,
    pub from_kind: String,
    pub from_id: i64,
    pub to_kind: String,
    pub to_id: i64,
    pub relation: String,
    pub created_at: i64,
}

pub async fn add(ex: &mut Ex<'_>, committee_id: i64, from: RecordRef, to: RecordRef, relation: &str, created_by: Option<i64>) -> Result<Link> {
    opt!(
        ex,
        Link,
        "INSERT INTO record_links (committee_id, from_kind, from_id, to_kind, to_id, relation, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, from_kind, from_id, to_kind, to_id, relation, created_at",
        committee_id,
        from.kind.as_str(),
        from.id,
        to.kind.as_str(),
        to.id,
        relation,
        created_by,
        now_micros()
    )?
    .ok_or(StorageError::NotFound)
}

/// Links from or to the record, oldest first.
pub async fn of(ex: &mut Ex<'_>, committee_id: i64, record: RecordRef) -> Result<Vec<Link>> {
    Ok(all!(
        ex,
        Link,
        "SELECT id, from_kind, from_id, to_kind, to_id, relation, created_at FROM record_links
         WHERE committee_id = $1 AND ((from_kind = $2 AND from_id = $3) OR (to_kind = $2 AND to_id = $3)) ORDER BY id",
        committee_id,
        record.kind.as_str(),
        record.id
    )?)
}
