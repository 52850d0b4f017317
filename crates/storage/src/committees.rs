//! Committees (政协委员会) — the tenants. They form a tree: national → province → city → county.

use serde::Serialize;

use crate::{Ex, Result, all, now_micros, opt, run, scalar};

// Queries name the columns: with `SELECT *`, reading a row on SQLite panicked inside sqlx-sqlite
// 0.9 (a row of 6 values for 7 columns) once migration 0012 had added `full_name`.

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Committee {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub short_name: String,
    pub level: String,
    pub created_at: i64,
    /// The full official name for letter headings (中国人民政治协商会议…委员会), when set.
    pub full_name: Option<String>,
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

/// Sets the full official name used in letter headings (None: spelled out from `name`).
pub async fn set_full_name(ex: &mut Ex<'_>, id: i64, full_name: Option<&str>) -> Result<()> {
    run!(ex, "UPDATE committees SET full_name = $1 WHERE id = $2", full_name, id)?;
    Ok(())
}

pub async fn get(ex: &mut Ex<'_>, id: i64) -> Result<Option<Committee>> {
    Ok(opt!(ex, Committee, "SELECT id, parent_id, name, short_name, level, created_at, full_name FROM committees WHERE id = $1", id)?)
}

/// The first committee made (the default tenant of a single-committee install).
pub async fn first(ex: &mut Ex<'_>) -> Result<Option<Committee>> {
    Ok(opt!(ex, Committee, "SELECT id, parent_id, name, short_name, level, created_at, full_name FROM committees ORDER BY id LIMIT 1")?)
}

pub async fn list(ex: &mut Ex<'_>) -> Result<Vec<Committee>> {
    Ok(all!(ex, Committee, "SELECT id, parent_id, name, short_name, level, created_at, full_name FROM committees ORDER BY id")?)
}

pub async fn find_by_name(ex: &mut Ex<'_>, name: &str) -> Result<Option<Committee>> {
    Ok(opt!(ex, Committee, "SELECT id, parent_id, name, short_name, level, created_at, full_name FROM committees WHERE name = $1", name)?)
}

/// Places a committee under its parent (committees form a tree: a report can go upward).
pub async fn set_parent(ex: &mut Ex<'_>, id: i64, parent_id: Option<i64>) -> Result<()> {
    run!(ex, "UPDATE committees SET parent_id = $1 WHERE id = $2", parent_id, id)?;
    Ok(())
}
