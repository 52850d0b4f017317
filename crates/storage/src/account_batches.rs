//! Accounts opened for the roster at once (app/accounts.rs): who has no account yet, and the
//! short-lived batch holding the new accounts' initial passwords for the letters.

use crate::members::Member;
use crate::{Ex, Result, StorageError, all, now_micros, opt, run};

/// A member with the name of their sector.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Listed {
    #[sqlx(flatten)]
    pub member: Member,
    pub sector_name: Option<String>,
}

/// Active members of the committee without an account (in display order: sector, then name).
/// `only`: limited to these ids (None: all).
pub async fn members_without_account(ex: &mut Ex<'_>, committee_id: i64, only: Option<&[i64]>) -> Result<Vec<Listed>> {
    let all: Vec<Listed> = all!(
        ex,
        Listed,
        "SELECT m.*, s.name AS sector_name FROM members m LEFT JOIN sectors s ON s.id = m.sector_id
         WHERE m.committee_id = $1 AND m.archived = FALSE AND m.status = 'active'
           AND NOT EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id)
         ORDER BY s.sort_order, s.id, m.name, m.id",
        committee_id
    )?;
    Ok(match only {
        Some(ids) => all.into_iter().filter(|m| ids.contains(&m.member.id)).collect(),
        None => all,
    })
}

/// Every username taken (in any committee: usernames are unique); a few thousand at most.
pub async fn taken_usernames(ex: &mut Ex<'_>) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = all!(ex, (String,), "SELECT username FROM users")?;
    Ok(rows.into_iter().map(|(u,)| u).collect())
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Batch {
    pub id: String,
    pub committee_id: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub entries: String,
}

pub async fn create(ex: &mut Ex<'_>, id: &str, committee_id: i64, created_by: i64, expires_at: i64, entries: &str) -> Result<Batch> {
    opt!(
        ex,
        Batch,
        "INSERT INTO account_batches (id, committee_id, created_by, created_at, expires_at, entries) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, committee_id, created_by, created_at, expires_at, entries",
        id,
        committee_id,
        created_by,
        now_micros(),
        expires_at,
        entries
    )?
    .ok_or(StorageError::NotFound)
}

/// The creator's own batch, unless expired.
pub async fn get(ex: &mut Ex<'_>, id: &str, created_by: i64) -> Result<Option<Batch>> {
    Ok(opt!(
        ex,
        Batch,
        "SELECT id, committee_id, created_by, created_at, expires_at, entries FROM account_batches WHERE id = $1 AND created_by = $2 AND expires_at > $3",
        id,
        created_by,
        now_micros()
    )?)
}

/// Deletes expired batches; returns how many.
pub async fn delete_expired(ex: &mut Ex<'_>, now: i64) -> Result<u64> {
    Ok(run!(ex, "DELETE FROM account_batches WHERE expires_at <= $1", now)?)
}
