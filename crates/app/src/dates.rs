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
