//! Checks on the paging parameters of lists and searches (`?limit=&cursor=`): whatever a client
//! sends, the result is a bounded number or a Chinese refusal, never a panic or a huge allocation.

use crate::FieldError;

/// Page size when the client names none.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page size a client may ask for.
pub const MAX_LIMIT: i64 = 200;
/// How far a search may page: the index collects `offset + limit` hits to answer one page.
pub const MAX_SEARCH_OFFSET: usize = 1_000;

/// A requested page size: none means [`DEFAULT_LIMIT`], otherwise 1 to [`MAX_LIMIT`].
pub fn limit(raw: Option<i64>) -> Result<i64, FieldError> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(FieldError::new("limit", format!("每页条数应在1到{MAX_LIMIT}之间"))),
    }
}

/// A keyset cursor (the id a page ends with): empty means the first page.
pub fn parse_cursor(raw: Option<&str>) -> Result<Option<i64>, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| FieldError::new("cursor", "分页游标无效")),
    }
}

/// An offset cursor (how many results to skip), at most `max`: empty means the first page.
pub fn parse_offset(raw: Option<&str>, max: usize) -> Result<usize, FieldError> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(0) };
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new("cursor", "翻页位置无效"));
    }
    // All digits: a parse failure can only be an overflow, which is beyond `max` too.
    match s.parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(FieldError::new("cursor", format!("搜索结果最多可翻到第{max}条，请增加关键词或筛选条件缩小范围"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message<T: std::fmt::Debug>(r: Result<T, FieldError>) -> String {
        let e = r.unwrap_err();
        assert!(e.field == "cursor" || e.field == "limit", "{e:?}");
        e.message
    }

    #[test]
    fn a_missing_or_blank_cursor_means_the_first_page() {
        assert_eq!(parse_cursor(None), Ok(None));
        assert_eq!(parse_cursor(Some("")), Ok(None));
        assert_eq!(parse_cursor(Some("  \t ")), Ok(None));
        assert_eq!(parse_offset(None, MAX_SEARCH_OFFSET), Ok(0));
        assert_eq!(parse_offset(Some(" "), MAX_SEARCH_OFFSET), Ok(0));
    }

    #[test]
    fn keyset_cursors_are_whole_numbers_and_anything_else_is_refused_in_chinese() {
        assert_eq!(parse_cursor(Some(" 42 ")), Ok(Some(42)));
        assert_eq!(parse_cursor(Some("1000000000000")), Ok(Some(1_000_000_000_000)));
        assert_eq!(parse_cursor(Some("4611686018427387904")), Ok(Some(4_611_686_018_427_387_904)));
        assert_eq!(parse_cursor(Some("-1")), Ok(Some(-1)), "an id below every id gives an empty page, not an error");
        for bad in ["abc", "１２", "9223372036854775808", "1e3", "12 34", "0x10"] {
            assert_eq!(message(parse_cursor(Some(bad))), "分页游标无效", "{bad}");
        }
    }

    #[test]
    fn search_offsets_are_bounded_so_a_huge_one_cannot_make_the_index_allocate() {
        assert_eq!(parse_offset(Some("20"), MAX_SEARCH_OFFSET), Ok(20));
        assert_eq!(parse_offset(Some("1000"), MAX_SEARCH_OFFSET), Ok(1000));
        let beyond = "搜索结果最多可翻到第1000条，请增加关键词或筛选条件缩小范围";
        for huge in ["1001", "1000000000000", "4611686018427387904", "99999999999999999999999999"] {
            assert_eq!(message(parse_offset(Some(huge), MAX_SEARCH_OFFSET)), beyond, "{huge}");
        }
    }

    #[test]
    fn search_offsets_that_are_not_plain_digits_are_invalid() {
        for bad in ["-1", "+5", "１２", "abc", "1.5", "1e3", "١٢"] {
            assert_eq!(message(parse_offset(Some(bad), MAX_SEARCH_OFFSET)), "翻页位置无效", "{bad}");
        }
    }

    #[test]
    fn page_sizes_default_to_fifty_and_stay_between_one_and_two_hundred() {
        assert_eq!(limit(None), Ok(DEFAULT_LIMIT));
        assert_eq!(limit(Some(1)), Ok(1));
        assert_eq!(limit(Some(MAX_LIMIT)), Ok(MAX_LIMIT));
        for bad in [0, -1, MAX_LIMIT + 1, i64::MAX, i64::MIN] {
            assert_eq!(message(limit(Some(bad))), "每页条数应在1到200之间");
        }
    }
}
