//! 工作日历 — working days (工作日) and due dates: weekends, public holidays (法定节假日) and
//! make-up workdays (调休上班) from the State Council's yearly notice, plus the committee's own edits.
//! Every time limit of the platform is computed here (`Period::due`), from rules in configuration
//! (`DeadlineRules`), never from literals at the call site.

use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Included};

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// An explicit override of the weekday rule (Mon–Fri work, Sat–Sun rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 放假 — no work, even on a weekday.
    Holiday,
    /// 上班 — a working day, even on a weekend (调休).
    Workday,
}

impl DayKind {
    pub fn label(self) -> &'static str {
        match self {
            DayKind::Holiday => "放假",
            DayKind::Workday => "上班",
        }
    }
}

/// One entry of a published schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// "春节", "春节调休" …
    pub name: &'static str,
}

/// Years of `NATIONAL_SCHEDULE` derived by us, not transcribed: no notice had been published when
/// they were written. They follow the 2025 rules (春节 from 除夕 for 8 days, 国庆 7 days from
/// 10月1日, 劳动节 5 days, the others 3 days or only the day itself when it is a Wednesday).
/// Admins must check them against the notice (国务院办公厅关于…年部分节假日安排的通知) when it
/// is published and correct them with overrides.
pub const PROVISIONAL_YEARS: &[i32] = &[2027];

const H: DayKind = DayKind::Holiday;
const W: DayKind = DayKind::Workday;

/// The national schedules (国务院办公厅关于…部分节假日安排的通知): (year, month, day, kind, name).
/// 2024 (国办发明电〔2023〕7号), 2025 (国办发明电〔2024〕12号) and 2026 (2025年11月4日) as
/// published; 2027 provisional (see `PROVISIONAL_YEARS`). Weekends inside a holiday block are
/// listed as the notice counts them ("共8天"). Dates outside these years follow the weekday rule
/// until an admin adds overrides.
#[rustfmt::skip]
pub const NATIONAL_SCHEDULE: &[(i32, u32, u32, DayKind, &str)] = &[
    (2024, 1, 1, H, "元旦"),
    (2024, 2, 4, W, "春节调休"), (2024, 2, 10, H, "春节"), (2024, 2, 11, H, "春节"), (2024, 2, 12, H, "春节"), (2024, 2, 13, H, "春节"),
    (2024, 2, 14, H, "春节"), (2024, 2, 15, H, "春节"), (2024, 2, 16, H, "春节"), (2024, 2, 17, H, "春节"), (2024, 2, 18, W, "春节调休"),
    (2024, 4, 4, H, "清明节"), (2024, 4, 5, H, "清明节"), (2024, 4, 6, H, "清明节"), (2024, 4, 7, W, "清明节调休"),
    (2024, 4, 28, W, "劳动节调休"), (2024, 5, 1, H, "劳动节"), (2024, 5, 2, H, "劳动节"), (2024, 5, 3, H, "劳动节"), (2024, 5, 4, H, "劳动节"),
    (2024, 5, 5, H, "劳动节"), (2024, 5, 11, W, "劳动节调休"),
    (2024, 6, 10, H, "端午节"),
    (2024, 9, 14, W, "中秋节调休"), (2024, 9, 15, H, "中秋节"), (2024, 9, 16, H, "中秋节"), (2024, 9, 17, H, "中秋节"),
    (2024, 9, 29, W, "国庆节调休"), (2024, 10, 1, H, "国庆节"), (2024, 10, 2, H, "国庆节"), (2024, 10, 3, H, "国庆节"), (2024, 10, 4, H, "国庆节"),
    (2024, 10, 5, H, "国庆节"), (2024, 10, 6, H, "国庆节"), (2024, 10, 7, H, "国庆节"), (2024, 10, 12, W, "国庆节调休"),
    (2025, 1, 1, H, "元旦"),
    (2025, 1, 26, W, "春节调休"), (2025, 1, 28, H, "春节"), (2025, 1, 29, H, "春节"), (2025, 1, 30, H, "春节"), (2025, 1, 31, H, "春节"),
    (2025, 2, 1, H, "春节"), (2025, 2, 2, H, "春节"), (2025, 2, 3, H, "春节"), (2025, 2, 4, H, "春节"), (2025, 2, 8, W, "春节调休"),
    (2025, 4, 4, H, "清明节"), (2025, 4, 5, H, "清明节"), (2025, 4, 6, H, "清明节"),
    (2025, 4, 27, W, "劳动节调休"), (2025, 5, 1, H, "劳动节"), (2025, 5, 2, H, "劳动节"), (2025, 5, 3, H, "劳动节"), (2025, 5, 4, H, "劳动节"),
    (2025, 5, 5, H, "劳动节"),
    (2025, 5, 31, H, "端午节"), (2025, 6, 1, H, "端午节"), (2025, 6, 2, H, "端午节"),
    (2025, 9, 28, W, "国庆节、中秋节调休"), (2025, 10, 1, H, "国庆节、中秋节"), (2025, 10, 2, H, "国庆节、中秋节"),
    (2025, 10, 3, H, "国庆节、中秋节"), (2025, 10, 4, H, "国庆节、中秋节"), (2025, 10, 5, H, "国庆节、中秋节"), (2025, 10, 6, H, "国庆节、中秋节"),
    (2025, 10, 7, H, "国庆节、中秋节"), (2025, 10, 8, H, "国庆节、中秋节"), (2025, 10, 11, W, "国庆节、中秋节调休"),
    (2026, 1, 1, H, "元旦"), (2026, 1, 2, H, "元旦"), (2026, 1, 3, H, "元旦"), (2026, 1, 4, W, "元旦调休"),
    (2026, 2, 14, W, "春节调休"), (2026, 2, 15, H, "春节"), (2026, 2, 16, H, "春节"), (2026, 2, 17, H, "春节"), (2026, 2, 18, H, "春节"),
    (2026, 2, 19, H, "春节"), (2026, 2, 20, H, "春节"), (2026, 2, 21, H, "春节"), (2026, 2, 22, H, "春节"), (2026, 2, 23, H, "春节"),
    (2026, 2, 28, W, "春节调休"),
    (2026, 4, 4, H, "清明节"), (2026, 4, 5, H, "清明节"), (2026, 4, 6, H, "清明节"),
    (2026, 5, 1, H, "劳动节"), (2026, 5, 2, H, "劳动节"), (2026, 5, 3, H, "劳动节"), (2026, 5, 4, H, "劳动节"), (2026, 5, 5, H, "劳动节"),
    (2026, 5, 9, W, "劳动节调休"),
    (2026, 6, 19, H, "端午节"), (2026, 6, 20, H, "端午节"), (2026, 6, 21, H, "端午节"),
    (2026, 9, 25, H, "中秋节"), (2026, 9, 26, H, "中秋节"), (2026, 9, 27, H, "中秋节"),
    (2026, 9, 20, W, "国庆节调休"), (2026, 10, 1, H, "国庆节"), (2026, 10, 2, H, "国庆节"), (2026, 10, 3, H, "国庆节"), (2026, 10, 4, H, "国庆节"),
    (2026, 10, 5, H, "国庆节"), (2026, 10, 6, H, "国庆节"), (2026, 10, 7, H, "国庆节"), (2026, 10, 10, W, "国庆节调休"),
    (2027, 1, 1, H, "元旦"), (2027, 1, 2, H, "元旦"), (2027, 1, 3, H, "元旦"),
    (2027, 1, 31, W, "春节调休"), (2027, 2, 5, H, "春节"), (2027, 2, 6, H, "春节"), (2027, 2, 7, H, "春节"), (2027, 2, 8, H, "春节"),
    (2027, 2, 9, H, "春节"), (2027, 2, 10, H, "春节"), (2027, 2, 11, H, "春节"), (2027, 2, 12, H, "春节"), (2027, 2, 20, W, "春节调休"),
    (2027, 4, 3, H, "清明节"), (2027, 4, 4, H, "清明节"), (2027, 4, 5, H, "清明节"),
    (2027, 5, 1, H, "劳动节"), (2027, 5, 2, H, "劳动节"), (2027, 5, 3, H, "劳动节"), (2027, 5, 4, H, "劳动节"), (2027, 5, 5, H, "劳动节"),
    (2027, 5, 8, W, "劳动节调休"),
    (2027, 6, 9, H, "端午节"),
    (2027, 9, 15, H, "中秋节"),
    (2027, 9, 26, W, "国庆节调休"), (2027, 10, 1, H, "国庆节"), (2027, 10, 2, H, "国庆节"), (2027, 10, 3, H, "国庆节"), (2027, 10, 4, H, "国庆节"),
    (2027, 10, 5, H, "国庆节"), (2027, 10, 6, H, "国庆节"), (2027, 10, 7, H, "国庆节"), (2027, 10, 9, W, "国庆节调休"),
];

/// The entries of `NATIONAL_SCHEDULE` as dates.
pub fn national_days() -> impl Iterator<Item = CalendarDay> {
    NATIONAL_SCHEDULE.iter().map(|&(y, m, d, kind, name)| CalendarDay {
        date: NaiveDate::from_ymd_opt(y, m, d).expect("NATIONAL_SCHEDULE holds valid dates"),
        kind,
        name,
    })
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn next_day(d: NaiveDate) -> NaiveDate {
    d.succ_opt().expect("date within chrono's range")
}

/// Which days are working days. `Default` is the bare weekday rule, without any holiday.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    overrides: BTreeMap<NaiveDate, (DayKind, String)>,
}

impl Calendar {
    /// The shipped national schedule.
    pub fn national() -> Calendar {
        Calendar::default().with_overrides(national_days().map(|day| (day.date, day.kind, day.name.to_string())))
    }

    /// Adds the committee's own days (a local holiday, a corrected provisional date); they replace
    /// any entry for the same date.
    pub fn with_overrides(mut self, overrides: impl IntoIterator<Item = (NaiveDate, DayKind, String)>) -> Calendar {
        self.overrides.extend(overrides.into_iter().map(|(date, kind, name)| (date, (kind, name))));
        self
    }

    /// The override for the day, else Monday to Friday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.overrides.get(&d) {
            Some((kind, _)) => *kind == DayKind::Workday,
            None => is_weekday(d),
        }
    }

    /// The n-th working day after `from` (`from` itself is not counted); `from` when n is 0.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            day = next_day(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days in (from, to]; when `to` is before `from`, minus the working days in (to, from].
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        // Any 7 consecutive days hold 5 weekdays; the overrides in the range then correct the count.
        let span = (to - from).num_days();
        let rest = (1..=span % 7).filter(|&k| is_weekday(from + Days::new(k as u64))).count() as i64;
        let mut count = span / 7 * 5 + rest;
        for (&date, (kind, _)) in self.overrides.range((Excluded(from), Included(to))) {
            match (is_weekday(date), kind) {
                (true, DayKind::Holiday) => count -= 1,
                (false, DayKind::Workday) => count += 1,
                _ => {}
            }
        }
        count
    }

    pub fn next_working_day_on_or_after(&self, d: NaiveDate) -> NaiveDate {
        let mut day = d;
        while !self.is_working_day(day) {
            day = next_day(day);
        }
        day
    }

    /// Every override in the year, holidays and make-up workdays, in date order (for the admin page).
    pub fn holidays_in(&self, year: i32) -> Vec<(NaiveDate, DayKind, String)> {
        let (Some(first), Some(last)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) else {
            return Vec::new();
        };
        self.overrides.range(first..=last).map(|(&date, (kind, name))| (date, *kind, name.clone())).collect()
    }
}

/// How a time limit counts. In JSON: `{"unit":"working_days","n":7}`, `{"unit":"calendar_days","n":3}`,
/// `{"unit":"months","n":3}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "unit", content = "n", rename_all = "snake_case")]
pub enum Period {
    WorkingDays(u32),
    CalendarDays(u32),
    Months(u32),
}

impl Period {
    /// The due date (期限届满日) of a limit that starts on `start`; the start day is not counted
    /// (民法典第二百零一条).
    /// - Working days: the n-th working day after `start`.
    /// - Calendar days: `start` + n days.
    /// - Months: the same day number n months later, or the month's last day when that month is
    ///   shorter (民法典第二百零二条): 1月31日 + 1个月 = 2月28日 (29日 in a leap year).
    ///
    /// A due date that falls on a non-working day (weekend or holiday) moves to the next working
    /// day: 期限届满日为法定节假日的，以节假日后的第一个工作日为期限届满日 (民法典第二百零三条).
    pub fn due(&self, cal: &Calendar, start: NaiveDate) -> NaiveDate {
        let end = match *self {
            Period::WorkingDays(n) => cal.add_working_days(start, n),
            Period::CalendarDays(n) => start + Days::new(u64::from(n)),
            Period::Months(n) => start.checked_add_months(Months::new(n)).expect("date within chrono's range"),
        };
        cal.next_working_day_on_or_after(end)
    }

    /// "7个工作日", "15日", "3个月".
    pub fn label(&self) -> String {
        match *self {
            Period::WorkingDays(n) => format!("{n}个工作日"),
            Period::CalendarDays(n) => format!("{n}日"),
            Period::Months(n) => format!("{n}个月"),
        }
    }
}

/// The proposal time limits (DOMAIN.md defaults), stored per committee and year. A stored config
/// that lacks a field takes the default for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct DeadlineRules {
    /// 联名确认 — co-signers confirm or decline, from submission.
    pub cosign_window: Period,
    /// 申请调整 — a unit objects to an assignment, from assignment.
    pub objection_window: Period,
    /// 答复 — the reply, from assignment.
    pub reply: Period,
    /// 延期答复 — the extended reply of a complex case, from assignment.
    pub extended_reply: Period,
    /// 会办意见 — a co-unit's opinion to the lead unit, from assignment.
    pub co_opinion: Period,
    /// 评价 — the proposer evaluates the reply, from the reply.
    pub evaluation_window: Period,
    /// 重新办理 — the new reply, from the dissatisfied evaluation.
    pub rehandling: Period,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        Self {
            cosign_window: Period::CalendarDays(3),
            objection_window: Period::WorkingDays(7),
            reply: Period::Months(3),
            extended_reply: Period::Months(6),
            co_opinion: Period::Months(1),
            evaluation_window: Period::WorkingDays(15),
            rehandling: Period::Months(3),
        }
    }
}

/// Calendar days from `today` to `due`, as the user counts them: 0 on the due date, negative when overdue.
pub fn days_left(today: NaiveDate, due: NaiveDate) -> i64 {
    (due - today).num_days()
}

/// "剩余12天" / "今天到期" / "已超期3天".
pub fn days_left_label(today: NaiveDate, due: NaiveDate) -> String {
    match days_left(today, due) {
        0 => "今天到期".to_string(),
        n if n > 0 => format!("剩余{n}天"),
        n => format!("已超期{}天", -n),
    }
}

/// Past the due date; the due date itself still counts as in time.
pub fn is_overdue(today: NaiveDate, due: NaiveDate) -> bool {
    today > due
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
        from.iter_days().take_while(move |d| *d <= to)
    }

    #[test]
    fn make_up_workdays_of_the_2025_spring_festival_are_working_days() {
        let cal = Calendar::national();
        assert_eq!(date(2025, 1, 26).weekday(), Weekday::Sun);
        assert_eq!(date(2025, 2, 8).weekday(), Weekday::Sat);
        assert!(cal.is_working_day(date(2025, 1, 26)));
        assert!(cal.is_working_day(date(2025, 2, 8)));
        assert!(days(date(2025, 1, 28), date(2025, 2, 4)).all(|d| !cal.is_working_day(d)));
        assert!(cal.is_working_day(date(2025, 1, 27)) && cal.is_working_day(date(2025, 2, 5)));
    }

    #[test]
    fn national_day_2024_is_a_week_off_with_two_weekend_workdays() {
        let cal = Calendar::national();
        assert!(days(date(2024, 10, 1), date(2024, 10, 7)).all(|d| !cal.is_working_day(d)));
        assert!(cal.is_working_day(date(2024, 9, 29)));
        assert!(cal.is_working_day(date(2024, 10, 12)));
        assert!(!cal.is_working_day(date(2024, 10, 13)));
    }

    #[test]
    fn spring_festival_2026_is_nine_days_off_between_two_working_saturdays() {
        let cal = Calendar::national();
        assert!(days(date(2026, 2, 15), date(2026, 2, 23)).all(|d| !cal.is_working_day(d)));
        assert_eq!(cal.holidays_in(2026).iter().filter(|(_, kind, name)| *kind == DayKind::Holiday && name == "春节").count(), 9);
        assert!(cal.is_working_day(date(2026, 2, 14)));
        assert!(cal.is_working_day(date(2026, 2, 28)));
        assert!(cal.is_working_day(date(2026, 2, 24)));
    }

    #[test]
    fn make_up_workdays_in_the_national_schedule_all_fall_on_weekends() {
        for day in national_days().filter(|day| day.kind == DayKind::Workday) {
            assert!(!is_weekday(day.date), "{} {}", day.date, day.name);
            assert!(day.name.ends_with("调休"), "{} {}", day.date, day.name);
        }
    }

    #[test]
    fn the_national_schedule_lists_each_date_once_and_covers_2024_to_2027() {
        let all: Vec<CalendarDay> = national_days().collect();
        let unique: std::collections::BTreeSet<NaiveDate> = all.iter().map(|day| day.date).collect();
        assert_eq!(unique.len(), all.len());
        let cal = Calendar::national();
        for year in 2024..=2027 {
            let year_days = cal.holidays_in(year);
            assert!(year_days.iter().any(|(d, _, name)| *d == date(year, 1, 1) && name == "元旦"));
            assert!(year_days.iter().any(|(d, _, _)| *d == date(year, 10, 1)));
        }
        assert!(cal.holidays_in(2028).is_empty());
        assert_eq!(PROVISIONAL_YEARS, &[2027]);
    }

    #[test]
    fn seven_working_days_from_the_friday_before_national_day_end_after_the_holiday() {
        let cal = Calendar::national();
        // 9-29 (Sun, 调休) and 9-30 count, 10-1..7 do not, 10-8..11 and 10-12 (Sat, 调休) do.
        assert_eq!(cal.add_working_days(date(2024, 9, 27), 7), date(2024, 10, 12));
        assert_eq!(Period::WorkingDays(7).due(&cal, date(2024, 9, 27)), date(2024, 10, 12));
        assert_eq!(cal.working_days_between(date(2024, 9, 27), date(2024, 10, 12)), 7);
        assert_eq!(cal.working_days_between(date(2024, 10, 12), date(2024, 9, 27)), -7);
    }

    #[test]
    fn a_month_after_january_31_is_the_last_day_of_february() {
        let cal = Calendar::default();
        assert_eq!(Period::Months(1).due(&cal, date(2024, 1, 31)), date(2024, 2, 29));
        // 2025-02-28 is a Friday, a working day.
        assert_eq!(Period::Months(1).due(&cal, date(2025, 1, 31)), date(2025, 2, 28));
    }

    #[test]
    fn a_three_month_limit_ending_on_national_day_moves_past_the_holiday() {
        let cal = Calendar::national();
        assert!(cal.is_working_day(date(2025, 10, 9)));
        assert_eq!(Period::Months(3).due(&cal, date(2025, 7, 1)), date(2025, 10, 9));
    }

    #[test]
    fn a_calendar_day_limit_ending_on_a_weekend_moves_to_monday() {
        // 2025-03-07 is a Friday; 3 days later is Monday 3-10, 1 day later is Saturday → Monday.
        let cal = Calendar::national();
        assert_eq!(Period::CalendarDays(3).due(&cal, date(2025, 3, 7)), date(2025, 3, 10));
        assert_eq!(Period::CalendarDays(1).due(&cal, date(2025, 3, 7)), date(2025, 3, 10));
        assert_eq!(Period::CalendarDays(1).due(&cal, date(2025, 3, 5)), date(2025, 3, 6));
    }

    #[test]
    fn committee_overrides_win_over_the_national_schedule() {
        let cal = Calendar::national()
            .with_overrides([(date(2025, 1, 26), DayKind::Holiday, "本地安排".to_string()), (date(2025, 3, 12), DayKind::Holiday, "本地假日".to_string())]);
        assert!(!cal.is_working_day(date(2025, 1, 26)));
        assert!(!cal.is_working_day(date(2025, 3, 12)));
        let listed = cal.holidays_in(2025);
        assert!(listed.contains(&(date(2025, 1, 26), DayKind::Holiday, "本地安排".to_string())));
        assert!(listed.contains(&(date(2025, 3, 12), DayKind::Holiday, "本地假日".to_string())));
    }

    #[test]
    fn default_rules_match_the_domain_defaults_and_read_as_users_see_them() {
        let rules = DeadlineRules::default();
        let labels: Vec<String> = [rules.cosign_window, rules.objection_window, rules.reply, rules.extended_reply, rules.co_opinion, rules.evaluation_window]
            .iter()
            .map(Period::label)
            .collect();
        assert_eq!(labels, ["3日", "7个工作日", "3个月", "6个月", "1个月", "15个工作日"]);
        assert_eq!(rules.rehandling, Period::Months(3));
    }

    #[test]
    fn days_left_reads_as_remaining_due_today_or_overdue() {
        let due = date(2025, 6, 20);
        assert_eq!(days_left_label(date(2025, 6, 8), due), "剩余12天");
        assert_eq!(days_left_label(due, due), "今天到期");
        assert_eq!(days_left_label(date(2025, 6, 23), due), "已超期3天");
        assert_eq!(days_left(date(2025, 6, 23), due), -3);
        assert!(!is_overdue(due, due));
        assert!(is_overdue(date(2025, 6, 21), due));
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (0u64..4 * 366).prop_map(|offset| date(2024, 1, 1) + Days::new(offset))
    }

    fn any_period() -> impl Strategy<Value = Period> {
        prop_oneof![(0u32..40).prop_map(Period::WorkingDays), (0u32..40).prop_map(Period::CalendarDays), (0u32..13).prop_map(Period::Months)]
    }

    proptest! {
        #[test]
        fn adding_working_days_lands_on_a_working_day_and_counts_back(d in any_date(), n in 1u32..400) {
            let cal = Calendar::national();
            let end = cal.add_working_days(d, n);
            prop_assert!(cal.is_working_day(end));
            prop_assert!(end < cal.add_working_days(d, n + 1));
            prop_assert_eq!(cal.working_days_between(d, end), i64::from(n));
        }

        #[test]
        fn working_days_between_counts_each_working_day_once(a in any_date(), b in any_date()) {
            let cal = Calendar::national();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let counted = days(lo, hi).skip(1).filter(|&d| cal.is_working_day(d)).count() as i64;
            prop_assert_eq!(cal.working_days_between(lo, hi), counted);
            prop_assert_eq!(cal.working_days_between(hi, lo), -counted);
        }

        #[test]
        fn a_due_date_is_a_working_day_never_before_the_start(start in any_date(), period in any_period()) {
            let cal = Calendar::national();
            let due = period.due(&cal, start);
            prop_assert!(due >= start);
            prop_assert!(cal.is_working_day(due));
        }
    }
}
