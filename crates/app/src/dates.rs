//! Dates as official Chinese documents write them (2026年12月1日), in Beijing time: one helper
//! for letters, account lists and file names.

use chrono::{DateTime, FixedOffset, NaiveDate};

/// Beijing time (UTC+8, no daylight saving).
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("a valid offset")
}

/// 2026年12月1日 for stored microseconds (the day in Beijing); empty for an impossible time.
pub fn chinese_date(micros: i64) -> String {
    DateTime::from_timestamp_micros(micros).map(|t| chinese_day(t.with_timezone(&beijing()).date_naive())).unwrap_or_default()
}

/// 2026年12月1日 for a calendar day.
pub fn chinese_day(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// A day typed in a filter or a form (YYYY-MM-DD; empty: none), checked and normalised; a bad
/// one is a Chinese error of `field`.
pub fn form_day(field: &str, raw: &Option<String>) -> crate::AppResult<Option<String>> {
    match raw.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| Some(d.format("%Y-%m-%d").to_string()))
            .map_err(|_| crate::AppError::field(field, format!("日期“{d}”的格式应为 YYYY-MM-DD，如 2026-03-01"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_without_leading_zeros_on_the_beijing_day() {
        // 2026-12-01T16:30:00Z is already 2 December in Beijing.
        assert_eq!(chinese_date(1_796_142_600_000_000), "2026年12月2日");
        assert_eq!(chinese_day(NaiveDate::from_ymd_opt(2027, 3, 5).unwrap()), "2027年3月5日");
    }
}
