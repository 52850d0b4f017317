//! 领导批示 — a leader's instruction on an outcome record (a proposal, a 社情民意 report, a
//! bulletin issue or one report within it, later a consultation outcome or a supervision report),
//! and the follow-up it set in motion (DOMAIN.md "Instructions").
//!
//! One kind for every target: the instruction names its record (`RecordRef`); who sees it is
//! whoever sees that record whole (`access`), who records one is the policy's
//! `Action::RecordInstruction` (the office and leaders).

use chrono::NaiveDate;

use crate::opinion::Level;
use crate::{Access, Invalid, text};

/// Longest leader's name, post and follow-up doer (characters).
pub const NAME_MAX: usize = 50;
pub const POST_MAX: usize = 100;
/// Longest gist of an instruction and text of a follow-up (characters).
pub const GIST_MAX: usize = 2000;

/// An instruction as typed (form fields or JSON), before it is checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Raw<'a> {
    pub leader_name: &'a str,
    pub leader_post: &'a str,
    /// city | province | national
    pub rank: &'a str,
    /// YYYY-MM-DD
    pub given_on: &'a str,
    pub gist: &'a str,
}

/// A checked instruction: who gave it, at which rank, on which day, saying what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    pub leader_name: String,
    pub leader_post: String,
    pub rank: Level,
    pub given_on: NaiveDate,
    pub gist: String,
}

impl Given {
    /// Checks every field and reports every error at once. `today` is the Beijing date: an
    /// instruction cannot be dated after it.
    pub fn parse(raw: Raw<'_>, today: NaiveDate) -> Result<Given, Invalid> {
        let mut e = Invalid::default();
        let leader_name = e.take(text::required("leader_name", "批示领导姓名", raw.leader_name, NAME_MAX));
        let leader_post = e.take(text::required("leader_post", "批示领导职务", raw.leader_post, POST_MAX));
        let rank = match raw.rank.trim() {
            "" => {
                e.push("rank", "请选择批示级别（市级、省级或全国）");
                None
            }
            r => Level::parse(r).or_else(|| {
                e.push("rank", format!("批示级别“{r}”无效，应为市级、省级或全国"));
                None
            }),
        };
        let given_on = e.take(past_date("given_on", "批示日期", raw.given_on, today));
        let gist = e.take(long_text("gist", "批示要点", raw.gist));
        match (leader_name, leader_post, rank, given_on, gist) {
            (Some(leader_name), Some(leader_post), Some(rank), Some(given_on), Some(gist)) if e.is_empty() => {
                Ok(Given { leader_name, leader_post, rank, given_on, gist })
            }
            _ => Err(e),
        }
    }

    /// How the record's timeline tells it: "领导批示：张明 市长：请市住建局牵头研究".
    pub fn timeline_note(&self) -> String {
        format!("领导批示：{} {}：{}", self.leader_name, self.leader_post, self.gist)
    }
}

/// A follow-up as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawFollowUp<'a> {
    /// YYYY-MM-DD
    pub done_on: &'a str,
    pub by_whom: &'a str,
    pub what: &'a str,
}

/// What an instruction set in motion: on which day, by whom, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub done_on: NaiveDate,
    pub by_whom: String,
    pub what: String,
}

impl FollowUp {
    pub fn parse(raw: RawFollowUp<'_>, today: NaiveDate) -> Result<FollowUp, Invalid> {
        let mut e = Invalid::default();
        let done_on = e.take(past_date("done_on", "落实日期", raw.done_on, today));
        let by_whom = e.take(text::required("by_whom", "落实单位或人员", raw.by_whom, POST_MAX));
        let what = e.take(long_text("what", "落实情况", raw.what));
        match (done_on, by_whom, what) {
            (Some(done_on), Some(by_whom), Some(what)) if e.is_empty() => Ok(FollowUp { done_on, by_whom, what }),
            _ => Err(e),
        }
    }
}

/// Who sees an instruction on a record: whoever sees the record whole. The public view of a
/// record (a published proposal) shows no instructions.
pub fn access(record_access: Access) -> Access {
    match record_access {
        Access::Full => Access::Full,
        Access::Public | Access::None => Access::None,
    }
}

/// A date (YYYY-MM-DD) not after `today`.
fn past_date(field: &str, label: &str, raw: &str, today: NaiveDate) -> Result<NaiveDate, crate::FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(crate::FieldError::new(field, format!("请填写{label}")));
    }
    let day = NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| crate::FieldError::new(field, format!("{label}格式应为“2027-03-01”")))?;
    if day > today {
        return Err(crate::FieldError::new(field, format!("{label}不能晚于今天（{today}）")));
    }
    Ok(day)
}

/// A required text of several lines, at most `GIST_MAX` characters.
fn long_text(field: &str, label: &str, raw: &str) -> Result<String, crate::FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(crate::FieldError::new(field, format!("{label}不能为空")));
    }
    if v.chars().count() > GIST_MAX {
        return Err(crate::FieldError::new(field, format!("{label}不能超过{GIST_MAX}个字")));
    }
    Ok(v.replace("\r\n", "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 3, 10).unwrap()
    }

    fn raw() -> Raw<'static> {
        Raw { leader_name: " 张明 ", leader_post: "市长", rank: "city", given_on: "2027-03-10", gist: "请市住建局牵头研究落实。" }
    }

    #[test]
    fn a_complete_instruction_is_trimmed_and_typed() {
        let g = Given::parse(raw(), today()).unwrap();
        assert_eq!((g.leader_name.as_str(), g.rank, g.given_on), ("张明", Level::City, today()));
        assert_eq!(g.timeline_note(), "领导批示：张明 市长：请市住建局牵头研究落实。");
    }

    #[test]
    fn every_error_is_reported_at_once_in_chinese() {
        let bad = Raw { leader_name: "", leader_post: "", rank: "county", given_on: "2027-03-11", gist: &"字".repeat(GIST_MAX + 1) };
        let e = Given::parse(bad, today()).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["leader_name", "leader_post", "rank", "given_on", "gist"]);
        assert!(e.0[2].message.contains("county"), "{}", e.0[2].message);
        assert_eq!(e.0[3].message, "批示日期不能晚于今天（2027-03-10）");
        assert!(Given::parse(Raw { given_on: "2027/3/1", ..raw() }, today()).unwrap_err().0[0].message.contains("格式"));
        assert_eq!(Given::parse(Raw { rank: "", ..raw() }, today()).unwrap_err().0[0].field, "rank");
    }

    #[test]
    fn a_follow_up_needs_a_past_day_a_doer_and_what_was_done() {
        let ok = FollowUp::parse(RawFollowUp { done_on: "2027-03-01", by_whom: "市住建局", what: "已出台实施方案" }, today()).unwrap();
        assert_eq!(ok.by_whom, "市住建局");
        let e = FollowUp::parse(RawFollowUp { done_on: "2028-01-01", by_whom: " ", what: "" }, today()).unwrap_err();
        assert_eq!(e.0.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["done_on", "by_whom", "what"]);
    }

    #[test]
    fn only_those_who_see_the_record_whole_see_its_instructions() {
        assert_eq!(access(Access::Full), Access::Full);
        assert_eq!(access(Access::Public), Access::None);
        assert_eq!(access(Access::None), Access::None);
    }
}
