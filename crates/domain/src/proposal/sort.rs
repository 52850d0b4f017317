//! The orders a proposal list can be read in, and the keyset cursor of each.

use crate::FieldError;

crate::labeled! {
    /// How a proposal list is ordered.
    pub enum ListSort {
        /// Newest first (the order proposals were written in).
        Newest = "newest" / "最新在前",
        /// By 编号, the order of the catalogue: a session's list by default.
        Number = "number" / "按编号",
        /// Fewest days left to reply first (those without a deadline last).
        Due = "due" / "按剩余天数",
    }
}

impl Default for ListSort {
    fn default() -> Self {
        ListSort::Newest
    }
}

/// Where a page of a sorted list ended: the row's sort key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    /// The 编号 (unnumbered rows sort after every number).
    Number(i64),
    /// The reply deadline, YYYY-MM-DD (rows without one sort after every date).
    Due(String),
}

/// The key of rows without a number, after every real number.
pub const NO_NUMBER: i64 = i32::MAX as i64;
/// The key of rows without a reply deadline, after every real date.
pub const NO_DUE: &str = "9999-12-31";

impl ListSort {
    /// The cursor of a page ending with the row (`id`, `number`, `due_on`).
    pub fn cursor(self, id: i64, number: Option<i64>, due_on: Option<&str>) -> String {
        match self {
            ListSort::Newest => id.to_string(),
            ListSort::Number => format!("{}~{id}", number.unwrap_or(NO_NUMBER)),
            ListSort::Due => format!("{}~{id}", due_on.unwrap_or(NO_DUE)),
        }
    }

    /// Reads a cursor `cursor` made: (key, id), or for `Newest` (None, id).
    pub fn parse_cursor(self, raw: &str) -> Result<(Option<SortKey>, i64), FieldError> {
        let bad = || FieldError::new("cursor", "分页游标无效");
        if self == ListSort::Newest {
            return raw.parse().map(|id| (None, id)).map_err(|_| bad());
        }
        let (key, id) = raw.split_once('~').ok_or_else(bad)?;
        let id = id.parse().map_err(|_| bad())?;
        let key = match self {
            ListSort::Number => SortKey::Number(key.parse().map_err(|_| bad())?),
            _ => {
                let valid = key.len() == 10 && chrono::NaiveDate::parse_from_str(key, "%Y-%m-%d").is_ok();
                if !valid && key != NO_DUE {
                    return Err(bad());
                }
                SortKey::Due(key.to_string())
            }
        };
        Ok((Some(key), id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_the_key_and_id_it_was_made_of() {
        assert_eq!(ListSort::Number.parse_cursor(&ListSort::Number.cursor(7, Some(12), None)), Ok((Some(SortKey::Number(12)), 7)));
        assert_eq!(ListSort::Number.parse_cursor(&ListSort::Number.cursor(7, None, None)), Ok((Some(SortKey::Number(NO_NUMBER)), 7)));
        let c = ListSort::Due.cursor(9, None, Some("2026-12-01"));
        assert_eq!(ListSort::Due.parse_cursor(&c), Ok((Some(SortKey::Due("2026-12-01".into())), 9)));
        assert_eq!(ListSort::Newest.parse_cursor("42"), Ok((None, 42)));
    }

    #[test]
    fn a_forged_cursor_is_refused_in_chinese() {
        for (sort, raw) in
            [(ListSort::Number, "x~1"), (ListSort::Number, "12"), (ListSort::Due, "2026-13-01~1"), (ListSort::Due, "'; --~1"), (ListSort::Newest, "1~2")]
        {
            assert_eq!(sort.parse_cursor(raw).unwrap_err().message, "分页游标无效", "{raw}");
        }
    }
}
