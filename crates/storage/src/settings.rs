//! Per-committee configuration, versioned per year (time limits, reply classes …), and the
//! committee's edits to the working-day calendar.

use serde::Serialize;

use crate::{Ex, Result, all, now_micros, run};

/// Every setting of the committee in force in `year` (for each key, the value of the latest year
/// up to `year`), in one read: the configuration is read on every action.
pub async fn in_force(ex: &mut Ex<'_>, committee_id: i64, year: i64) -> Result<std::collections::HashMap<String, String>> {
    let rows = all!(
        ex,
        (String, i64, String),
        "SELECT key, year, value FROM settings WHERE committee_id = $1 AND year <= $2 ORDER BY key, year DESC",
        committee_id,
        year
    )?;
    let mut out = std::collections::HashMap::new();
    for (key, _, value) in rows {
        out.entry(key).or_insert(value);
    }
    Ok(out)
}

pub async fn put(ex: &mut Ex<'_>, committee_id: i64, key: &str, year: i64, value: &str) -> Result<()> {
    let now = now_micros();
    run!(
        ex,
        "INSERT INTO settings (committee_id, key, year, value, version, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $5)
         ON CONFLICT (committee_id, key, year) DO UPDATE SET value = EXCLUDED.value, version = settings.version + 1, updated_at = EXCLUDED.updated_at",
        committee_id,
        key,
        year,
        value,
        now
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CalendarOverride {
    pub id: i64,
    /// YYYY-MM-DD
    pub day: String,
    /// holiday | workday
    pub kind: String,
    pub name: String,
}

pub async fn calendar_overrides(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<CalendarOverride>> {
    Ok(all!(ex, CalendarOverride, "SELECT id, day, kind, name FROM calendar_days WHERE committee_id = $1 ORDER BY day", committee_id)?)
}

pub async fn put_calendar_day(ex: &mut Ex<'_>, committee_id: i64, day: &str, kind: &str, name: &str) -> Result<()> {
    run!(
        ex,
        "INSERT INTO calendar_days (committee_id, day, kind, name, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (committee_id, day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name",
        committee_id,
        day,
        kind,
        name,
        now_micros()
    )?;
    Ok(())
}

pub async fn delete_calendar_day(ex: &mut Ex<'_>, committee_id: i64, day: &str) -> Result<bool> {
    Ok(run!(ex, "DELETE FROM calendar_days WHERE committee_id = $1 AND day = $2", committee_id, day)? == 1)
}
