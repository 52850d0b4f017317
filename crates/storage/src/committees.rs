//! Committees (政协委员会) — the tenants. They form a tree: national → province → city → county.

use serde::Serialize;

use crate::{Ex, Result, all, now_micros, opt, scalar};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Committee {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub short_name: String,
    pub level: String,
    pub created_at: i64,
}

pub async fn create(ex: &mut Ex<'_>, parent_id: Option<i64>, name: &str, short_name: &str, level: &str) -> Result<i64> {
    Ok(scalar!(
        ex,
        i64,
        "INSERT INTO committees (parent_id, name, short_name, level, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        parent_id,
        name,
        short_name,
        level,
        now_micros()
    )?)
}

pub async fn get(ex: &mut Ex<'_>, id: i64) -> Result<Option<Committee>> {
    Ok(opt!(ex, Committee, "SELECT * FROM committees WHERE id = $1", id)?)
}

/// The first committee made (the default tenant of a single-committee install).
pub async fn first(ex: &mut Ex<'_>) -> Result<Option<Committee>> {
    Ok(opt!(ex, Committee, "SELECT * FROM committees ORDER BY id LIMIT 1")?)
}

pub async fn list(ex: &mut Ex<'_>) -> Result<Vec<Committee>> {
    Ok(all!(ex, Committee, "SELECT * FROM committees ORDER BY id")?)
}

pub async fn find_by_name(ex: &mut Ex<'_>, name: &str) -> Result<Option<Committee>> {
    Ok(opt!(ex, Committee, "SELECT * FROM committees WHERE name = $1", name)?)
}
