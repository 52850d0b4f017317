//! Reusable reply texts of a handling unit (答复模板).

use serde::Serialize;

use crate::{Ex, Result, StorageError, all, now_micros, opt};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReplyTemplate {
    pub id: i64,
    pub committee_id: i64,
    pub unit_id: i64,
    pub name: String,
    pub text: String,
    pub archived: bool,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn create(ex: &mut Ex<'_>, committee_id: i64, unit_id: i64, name: &str, text: &str) -> Result<ReplyTemplate> {
    let now = now_micros();
    opt!(
        ex,
        ReplyTemplate,
        "INSERT INTO reply_templates (committee_id, unit_id, name, text, archived, version, created_at, updated_at) VALUES ($1, $2, $3, $4, FALSE, 1, $5, $5) RETURNING *",
        committee_id,
        unit_id,
        name,
        text,
        now
    )?
    .ok_or(StorageError::NotFound)
}

/// A unit's active templates, newest first.
pub async fn for_unit(ex: &mut Ex<'_>, committee_id: i64, unit_id: i64) -> Result<Vec<ReplyTemplate>> {
    Ok(all!(
        ex,
        ReplyTemplate,
        "SELECT * FROM reply_templates WHERE committee_id = $1 AND unit_id = $2 AND archived = FALSE ORDER BY id DESC LIMIT 200",
        committee_id,
        unit_id
    )?)
}

pub async fn get(ex: &mut Ex<'_>, committee_id: i64, unit_id: i64, id: i64) -> Result<Option<ReplyTemplate>> {
    Ok(opt!(ex, ReplyTemplate, "SELECT * FROM reply_templates WHERE id = $1 AND committee_id = $2 AND unit_id = $3", id, committee_id, unit_id)?)
}

pub async fn archive(ex: &mut Ex<'_>, committee_id: i64, unit_id: i64, id: i64) -> Result<Option<ReplyTemplate>> {
    Ok(opt!(
        ex,
        ReplyTemplate,
        "UPDATE reply_templates SET archived = TRUE, version = version + 1, updated_at = $1 WHERE id = $2 AND committee_id = $3 AND unit_id = $4 AND archived = FALSE RETURNING *",
        now_micros(),
        id,
        committee_id,
        unit_id
    )?)
}
