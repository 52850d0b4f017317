//! The final attendance of an invitee at close: excused with approved leave; otherwise present,
//! late or absent from the check-in (and check-out) times against the meeting's span.

use super::{Attendance, LeaveStatus};

/// What an invitee's row says at close (times in microseconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub leave: Option<LeaveStatus>,
    pub checked_in_at: Option<i64>,
    pub checked_out_at: Option<i64>,
}

/// The meeting's span and the committee's thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub starts_at: i64,
    pub ends_at: i64,
    /// Members check out: the time between check-in and check-out counts.
    pub checkout: bool,
    /// Attending less than this share of the meeting counts as absent (percent, default 67).
    pub min_share_percent: i64,
    /// A check-in this many minutes after the start is late.
    pub late_after_minutes: i64,
}

/// The attendance the record comes to. Approved leave excuses (unless the member came anyway);
/// without a check-in the invitee is absent; a stay shorter than the minimum share of the
/// meeting (from check-in, or the start, to check-out, or the end) is absent; a check-in after
/// the late mark is late.
pub fn attendance(r: &Record, s: &Span) -> Attendance {
    let Some(checked_in) = r.checked_in_at else {
        return if r.leave == Some(LeaveStatus::Approved) { Attendance::Excused } else { Attendance::Absent };
    };
    let length = (s.ends_at - s.starts_at).max(1);
    let from = checked_in.max(s.starts_at);
    let until = if s.checkout { r.checked_out_at.unwrap_or(s.ends_at) } else { s.ends_at }.min(s.ends_at);
    let stayed = (until - from).max(0);
    // stayed / length < min_share (integers: no rounding at the boundary).
    if i128::from(stayed) * 100 < i128::from(length) * i128::from(s.min_share_percent) {
        return Attendance::Absent;
    }
    if checked_in > s.starts_at + s.late_after_minutes * 60_000_000 { Attendance::Late } else { Attendance::Present }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000_000;
    const SPAN: Span = Span { starts_at: 0, ends_at: 180 * MIN, checkout: true, min_share_percent: 67, late_after_minutes: 15 };

    fn rec(leave: Option<LeaveStatus>, checked_in_at: Option<i64>, checked_out_at: Option<i64>) -> Record {
        Record { leave, checked_in_at, checked_out_at }
    }

    #[test]
    fn each_invitee_ends_present_late_excused_or_absent() {
        assert_eq!(attendance(&rec(None, Some(-10 * MIN), None), &SPAN), Attendance::Present);
        assert_eq!(attendance(&rec(None, Some(20 * MIN), None), &SPAN), Attendance::Late);
        assert_eq!(attendance(&rec(Some(LeaveStatus::Approved), None, None), &SPAN), Attendance::Excused);
        assert_eq!(attendance(&rec(Some(LeaveStatus::Denied), None, None), &SPAN), Attendance::Absent);
        assert_eq!(attendance(&rec(Some(LeaveStatus::Requested), None, None), &SPAN), Attendance::Absent);
        assert_eq!(attendance(&rec(None, None, None), &SPAN), Attendance::Absent);
        // Came despite approved leave: counted by the check-in.
        assert_eq!(attendance(&rec(Some(LeaveStatus::Approved), Some(0), None), &SPAN), Attendance::Present);
    }

    #[test]
    fn leaving_before_two_thirds_of_the_meeting_counts_as_absent() {
        assert_eq!(attendance(&rec(None, Some(0), Some(119 * MIN)), &SPAN), Attendance::Absent);
        assert_eq!(attendance(&rec(None, Some(0), Some(121 * MIN)), &SPAN), Attendance::Present);
        // Arriving after a third has passed is absent too.
        assert_eq!(attendance(&rec(None, Some(70 * MIN), None), &SPAN), Attendance::Absent);
        // Without check-out the stay runs to the end.
        let no_checkout = Span { checkout: false, ..SPAN };
        assert_eq!(attendance(&rec(None, Some(0), Some(10 * MIN)), &no_checkout), Attendance::Present);
    }
}
