//! The committee's configurable rules of activities (DOMAIN.md defaults).

use serde::{Deserialize, Serialize};

use super::Kind;
use crate::{FieldError, Invalid};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ActivityRules {
    /// Days before a plenary by which leave must be asked (default 3).
    pub plenary_leave_days: u32,
    /// Days before a standing-committee meeting (default 2).
    pub standing_leave_days: u32,
    /// Days before any other activity (default 1).
    pub other_leave_days: u32,
    /// The account (secretary-general or chair) that decides leave for plenary, standing and
    /// chairs' meetings; none: the office decides.
    pub meeting_approver_id: Option<i64>,
    /// Attending less than this share of a meeting counts as absent (percent, default 67).
    pub min_share_percent: u32,
    /// A check-in this many minutes after the start is late (default 15).
    pub late_after_minutes: u32,
    /// Check-in opens this many minutes before the start (default 60) …
    pub checkin_before_minutes: u32,
    /// … and stays open until this many minutes after the end (default 0).
    pub checkin_after_minutes: u32,
}

impl Default for ActivityRules {
    fn default() -> Self {
        ActivityRules {
            plenary_leave_days: 3,
            standing_leave_days: 2,
            other_leave_days: 1,
            meeting_approver_id: None,
            min_share_percent: 67,
            late_after_minutes: 15,
            checkin_before_minutes: 60,
            checkin_after_minutes: 0,
        }
    }
}

impl ActivityRules {
    /// Days before the start by which leave of an activity of `kind` must be asked.
    pub fn leave_days(&self, kind: Kind) -> u32 {
        match kind {
            Kind::Plenary => self.plenary_leave_days,
            Kind::Standing => self.standing_leave_days,
            _ => self.other_leave_days,
        }
    }

    /// The moment after which leave of an activity of `kind` starting at `starts_at` is late
    /// (microseconds): midnight in Beijing (UTC+8 all year) of the start date, `leave_days` before.
    pub fn leave_deadline(&self, kind: Kind, starts_at: i64) -> i64 {
        const HOUR: i64 = 3_600_000_000;
        let local = starts_at + 8 * HOUR;
        local - local.rem_euclid(24 * HOUR) - i64::from(self.leave_days(kind)) * 24 * HOUR - 8 * HOUR
    }

    /// Checks the rules before they are stored.
    pub fn check(&self) -> Result<(), Invalid> {
        let mut invalid = Invalid::default();
        for (field, days) in
            [("plenary_leave_days", self.plenary_leave_days), ("standing_leave_days", self.standing_leave_days), ("other_leave_days", self.other_leave_days)]
        {
            if days > 30 {
                invalid.0.push(FieldError::new(field, "请假截止应在活动开始前0到30天之间"));
            }
        }
        if !(1..=100).contains(&self.min_share_percent) {
            invalid.0.push(FieldError::new("min_share_percent", "出席时长比例应在1%到100%之间"));
        }
        if self.late_after_minutes > 240 {
            invalid.0.push(FieldError::new("late_after_minutes", "迟到界限应在0到240分钟之间"));
        }
        if self.checkin_before_minutes > 24 * 60 || self.checkin_after_minutes > 24 * 60 {
            invalid.0.push(FieldError::new("checkin_before_minutes", "签到时间窗口应在活动前后24小时之内"));
        }
        if invalid.0.is_empty() { Ok(()) } else { Err(invalid) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_domain_and_bad_values_are_named() {
        let r = ActivityRules::default();
        assert_eq!((r.leave_days(Kind::Plenary), r.leave_days(Kind::Standing), r.leave_days(Kind::Study)), (3, 2, 1));
        assert!(r.check().is_ok());
        // A plenary at 2027-01-10 09:00 Beijing (01:00 UTC): late from 2027-01-07 00:00 Beijing.
        let starts = 1_799_542_800_000_000;
        assert_eq!(r.leave_deadline(Kind::Plenary, starts), 1_799_251_200_000_000);
        let bad = ActivityRules { min_share_percent: 0, plenary_leave_days: 40, ..r };
        let fields: Vec<String> = bad.check().unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["plenary_leave_days", "min_share_percent"]);
    }
}
