//! Cursor pagination shared by every list; the checks of `limit` and `cursor` are pure and live
//! in `eline_domain::paging`.

use serde::Serialize;

pub use eline_domain::paging::{DEFAULT_LIMIT, MAX_LIMIT};

use crate::{AppError, AppResult};

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
    eline_domain::paging::limit(raw).map_err(|e| AppError::Validation(vec![e]))
}

/// Parses a numeric cursor; a malformed one is a validation error, not a crash.
pub fn parse_cursor(raw: Option<&str>) -> AppResult<Option<i64>> {
    eline_domain::paging::parse_cursor(raw).map_err(|e| AppError::Validation(vec![e]))
}
