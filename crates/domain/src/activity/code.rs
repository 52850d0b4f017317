//! The rotating check-in code: a new 6-digit code every 30 seconds, derived from the activity's
//! secret (the derivation, a keyed hash, is the application's); the QR code on the venue screen
//! holds a link with the same digits. Which code a member presents decides the check-in.

use super::CheckinRefusal;

/// Seconds a code is shown before the next one.
pub const CODE_SECONDS: i64 = 30;

/// How many past windows are recognised as "expired" (rather than "foreign"): two hours.
pub const RECOGNISED_WINDOWS: i64 = 240;

/// The code window of a moment (microseconds since the epoch).
pub fn window_of(at_micros: i64) -> i64 {
    at_micros.div_euclid(CODE_SECONDS * 1_000_000)
}

/// When the window ends (microseconds since the epoch).
pub fn window_ends(window: i64) -> i64 {
    (window + 1) * CODE_SECONDS * 1_000_000
}

/// What decides a presented code.
pub struct Presented<'a> {
    /// The digits as typed or scanned (spaces and dashes are ignored).
    pub code: &'a str,
    /// The window now.
    pub now_window: i64,
    /// The newest window this invitee already used (a code of that window or older is a replay).
    pub last_window: Option<i64>,
}

/// The window whose code was presented, or why it is refused. `code_of(window)` is the
/// activity's code of a window. The code on screen now and the one just before it (a member who
/// scanned as it turned) are accepted; an older code of this activity is expired, or replayed
/// when this invitee already used it; any other code is foreign.
pub fn judge(p: &Presented<'_>, code_of: impl Fn(i64) -> String) -> Result<i64, CheckinRefusal> {
    let digits: String = p.code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(CheckinRefusal::Foreign);
    }
    let window = (0..RECOGNISED_WINDOWS).map(|back| p.now_window - back).find(|w| code_of(*w) == digits).ok_or(CheckinRefusal::Foreign)?;
    if p.last_window.is_some_and(|last| window <= last) {
        return Err(CheckinRefusal::Replayed);
    }
    if window < p.now_window - 1 {
        return Err(CheckinRefusal::Expired);
    }
    Ok(window)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(w: i64) -> String {
        format!("{:06}", (w * 7919).rem_euclid(1_000_000))
    }

    fn presented(code: &str, last_window: Option<i64>) -> Presented<'_> {
        Presented { code, now_window: 1000, last_window }
    }

    #[test]
    fn the_code_on_screen_and_the_one_before_it_are_accepted() {
        assert_eq!(judge(&presented(&code_of(1000), None), code_of), Ok(1000));
        assert_eq!(judge(&presented(&code_of(999), None), code_of), Ok(999));
        let spaced = format!("{} {}", &code_of(1000)[..3], &code_of(1000)[3..]);
        assert_eq!(judge(&presented(&spaced, None), code_of), Ok(1000));
    }

    #[test]
    fn old_replayed_and_foreign_codes_are_refused_by_name() {
        assert_eq!(judge(&presented(&code_of(990), None), code_of), Err(CheckinRefusal::Expired));
        assert_eq!(judge(&presented(&code_of(1000), Some(1000)), code_of), Err(CheckinRefusal::Replayed));
        assert_eq!(judge(&presented(&code_of(999), Some(1000)), code_of), Err(CheckinRefusal::Replayed));
        assert_eq!(judge(&presented("12345", None), code_of), Err(CheckinRefusal::Foreign));
        assert_eq!(judge(&presented("abcdef", None), code_of), Err(CheckinRefusal::Foreign));
        let never = (0..1_000_000).map(|n| format!("{n:06}")).find(|c| (1000 - RECOGNISED_WINDOWS..=1000).all(|w| code_of(w) != *c)).unwrap();
        assert_eq!(judge(&presented(&never, None), code_of), Err(CheckinRefusal::Foreign));
    }

    #[test]
    fn windows_are_thirty_seconds() {
        assert_eq!(window_of(0), 0);
        assert_eq!(window_of(29_999_999), 0);
        assert_eq!(window_of(30_000_000), 1);
        assert_eq!(window_ends(1), 60_000_000);
    }
}
