//! The facts that decide what may happen next to a report, the steps actions ask for, and the
//! one `transition` (the table is in the module's doc comment).

use super::{Standing, Status};
pub use crate::record::Refusal;

/// The facts of a report that decide what may happen next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub status: Status,
    /// Already reported up (报送) to the parent committee.
    pub reported_up: bool,
    /// The committee has a parent on the platform or recorded by hand (any committee may report
    /// up by hand; the flag only says whether the parent is on the platform).
    pub has_parent: bool,
}

/// What an action asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Take,
    Revise,
    Return,
    Adopt,
    Keep,
    /// Mark as 资政之声 (true) or as 社情民意 (false).
    MarkDirect(bool),
    ReportUp,
    RecordOutcome,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Submit => "submit",
            Step::Take => "take",
            Step::Revise => "revise",
            Step::Return => "return",
            Step::Adopt => "adopt",
            Step::Keep => "keep",
            Step::MarkDirect(true) => "mark_direct",
            Step::MarkDirect(false) => "unmark_direct",
            Step::ReportUp => "report_up",
            Step::RecordOutcome => "record_outcome",
        }
    }
}

/// The state after `step`, or why it is refused.
pub fn transition(f: &Facts, who: &Standing, step: Step) -> Result<Status, Refusal> {
    let not_now = |why: &str| Err(Refusal::NotNow(why.to_string()));
    match step {
        Step::Submit => {
            if !who.author {
                return Err(Refusal::Forbidden);
            }
            if f.status.with_author() { Ok(Status::Submitted) } else { not_now("只有草稿或退回修改的信息可以提交") }
        }
        _ if !who.office => Err(Refusal::Forbidden),
        Step::Take => {
            if f.status == Status::Submitted {
                Ok(Status::Editing)
            } else {
                not_now("只有待受理的信息可以受理")
            }
        }
        Step::Revise | Step::Return | Step::Adopt | Step::Keep | Step::MarkDirect(_) => {
            if !f.status.awaits_office() {
                return not_now("信息已处理完毕或尚在报送人手中，不能再编辑、退回或录用");
            }
            Ok(match step {
                Step::Return => Status::Returned,
                Step::Adopt => Status::Adopted,
                Step::Keep => Status::Kept,
                Step::Revise => Status::Editing,
                _ => f.status,
            })
        }
        Step::ReportUp => {
            if f.status != Status::Adopted {
                not_now("只有已录用的信息可以向上报送")
            } else if f.reported_up {
                not_now("这篇信息已经报送上级政协")
            } else if !f.has_parent {
                not_now("本会没有在平台上的上级政协；请在“采用情况”中手工登记上级的采用结果")
            } else {
                Ok(Status::Adopted)
            }
        }
        Step::RecordOutcome => {
            if f.status == Status::Adopted {
                Ok(Status::Adopted)
            } else {
                not_now("只有已录用的信息可以登记采用情况")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTHOR: Standing = Standing { author: true, office: false, leader: false };
    const OFFICE: Standing = Standing { author: false, office: true, leader: false };

    fn facts(status: Status) -> Facts {
        Facts { status, reported_up: false, has_parent: true }
    }

    #[test]
    fn a_report_goes_from_its_author_through_the_office_to_a_decision() {
        assert_eq!(transition(&facts(Status::Draft), &AUTHOR, Step::Submit), Ok(Status::Submitted));
        assert_eq!(transition(&facts(Status::Submitted), &OFFICE, Step::Take), Ok(Status::Editing));
        assert_eq!(transition(&facts(Status::Editing), &OFFICE, Step::Revise), Ok(Status::Editing));
        assert_eq!(transition(&facts(Status::Submitted), &OFFICE, Step::Revise), Ok(Status::Editing));
        assert_eq!(transition(&facts(Status::Editing), &OFFICE, Step::Return), Ok(Status::Returned));
        assert_eq!(transition(&facts(Status::Returned), &AUTHOR, Step::Submit), Ok(Status::Submitted));
        assert_eq!(transition(&facts(Status::Editing), &OFFICE, Step::Adopt), Ok(Status::Adopted));
        assert_eq!(transition(&facts(Status::Submitted), &OFFICE, Step::Keep), Ok(Status::Kept));
        assert_eq!(transition(&facts(Status::Editing), &OFFICE, Step::MarkDirect(true)), Ok(Status::Editing));
    }

    #[test]
    fn only_the_author_submits_and_only_the_office_decides() {
        assert_eq!(transition(&facts(Status::Draft), &OFFICE, Step::Submit), Err(Refusal::Forbidden));
        assert_eq!(transition(&facts(Status::Submitted), &AUTHOR, Step::Adopt), Err(Refusal::Forbidden));
        assert!(matches!(transition(&facts(Status::Adopted), &OFFICE, Step::Return), Err(Refusal::NotNow(_))));
        assert!(matches!(transition(&facts(Status::Kept), &OFFICE, Step::Adopt), Err(Refusal::NotNow(_))));
        assert!(matches!(transition(&facts(Status::Submitted), &AUTHOR, Step::Submit), Err(Refusal::NotNow(_))));
    }

    #[test]
    fn an_adopted_report_is_reported_up_once_and_only_to_a_parent_on_the_platform() {
        assert_eq!(transition(&facts(Status::Adopted), &OFFICE, Step::ReportUp), Ok(Status::Adopted));
        let sent = Facts { reported_up: true, ..facts(Status::Adopted) };
        assert!(matches!(transition(&sent, &OFFICE, Step::ReportUp), Err(Refusal::NotNow(_))));
        let alone = Facts { has_parent: false, ..facts(Status::Adopted) };
        assert!(matches!(transition(&alone, &OFFICE, Step::ReportUp), Err(Refusal::NotNow(_))));
        assert!(matches!(transition(&facts(Status::Editing), &OFFICE, Step::ReportUp), Err(Refusal::NotNow(_))));
        assert_eq!(transition(&alone, &OFFICE, Step::RecordOutcome), Ok(Status::Adopted));
    }
}
