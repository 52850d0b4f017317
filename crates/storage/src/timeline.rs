//! The timeline of any record (what happened to it, as its people read it): one table for every
//! record kind, written in the same transaction as the change it tells of.

use eline_domain::RecordRef;
use serde::Serialize;

use crate::{Ex, Result, all, now_micros, run};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Event {
    pub id: i64,
    pub at: i64,
    pub actor_name: String,
    pub action: String,
    /// The record's status after the event (None for records without a workflow).
    pub status_after: Option<String>,
    pub note: String,
}

pub struct NewEvent<'a> {
    pub committee_id: i64,
    pub record: RecordRef,
    pub actor_user_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub status_after: Option<&'a str>,
    pub note: &'a str,
}

pub async fn add(ex: &mut Ex<'_>, e: &NewEvent<'_>) -> Result<()> {
    run!(
        ex,
        "INSERT INTO record_events (committee_id, record_kind, record_id, at, actor_user_id, actor_name, action, status_after, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        e.committee_id,
        e.record.kind.as_str(),
        e.record.id,
        now_micros(),
        e.actor_user_id,
        e.actor_name,
        e.action,
        e.status_after,
        e.note
    )?;
    Ok(())
}

/// The record's events, oldest first.
pub async fn list(ex: &mut Ex<'_>, record: RecordRef) -> Result<Vec<Event>> {
    Ok(all!(
        ex,
        Event,
        "SELECT id, at, actor_name, action, status_after, note FROM record_events WHERE record_kind = $1 AND record_id = $2 ORDER BY id",
        record.kind.as_str(),
        record.id
    )?)
}

/// Removes what the kernel keeps for a record that is deleted (a draft): its timeline, its links
/// at either end and its files' rows. A module's own rows are the module's to delete.
pub async fn forget(ex: &mut Ex<'_>, record: RecordRef) -> Result<()> {
    let (kind, id) = (record.kind.as_str(), record.id);
    run!(&mut *ex, "DELETE FROM record_events WHERE record_kind = $1 AND record_id = $2", kind, id)?;
    run!(&mut *ex, "DELETE FROM record_links WHERE (from_kind = $1 AND from_id = $2) OR (to_kind = $1 AND to_id = $2)", kind, id)?;
    run!(&mut *ex, "DELETE FROM attachments WHERE record_kind = $1 AND record_id = $2", kind, id)?;
    Ok(())
}
