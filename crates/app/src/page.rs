//! Cursor pagination shared by every list.

use serde::Serialize;

use crate::{AppError, AppResult};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says there is more.
    pub fn from_overfetch(items: &mut Vec<T>, limit: i64, cursor_of: impl Fn(&T) -> String) -> Page<T> {
        let more = items.len() as i64 > limit;
        items.truncate(limit.max(0) as usize);
        let next_cursor = if more { items.last().map(cursor_of) } else { None };
        Page { items: std::mem::take(items), next_cursor }
    }
}

/// Clamps a requested page size.
pub fn limit(raw: Option<i64>) -> AppResult<i64> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(AppError::field("limit", format!("每页条数应在1到{MAX_LIMIT}之间"))),
    }
}

/// Parses a numeric cursor; a malformed one is a validation error, not a crash.
pub fn parse_cursor(raw: Option<&str>) -> AppResult<Option<i64>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| AppError::field("cursor", "分页游标无效")),
    }
}
