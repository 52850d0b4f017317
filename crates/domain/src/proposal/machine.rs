//! The state machine: the facts that decide what may happen next, the steps an action asks for,
//! and the one `transition` function (the table is in the module's doc comment).

use super::{Act, Decision, Kind, Satisfaction, Standing, Status, UnitRole};
pub use crate::record::Refusal;

/// The facts of a proposal that decide what may happen next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub status: Status,
    pub kind: Kind,
    /// Co-signers listed (joint proposals).
    pub cosigners: usize,
    /// Co-signers who have not answered.
    pub pending_cosigners: usize,
    pub cosign_window_passed: bool,
    pub objection_open: bool,
    pub objection_window_passed: bool,
    /// Replying units (lead or split) that have not replied in this round.
    pub replies_outstanding: usize,
    pub extension_requested: bool,
    pub extended: bool,
    pub reply_overdue: bool,
    /// 不满意 evaluations by the first proposer so far.
    pub dissatisfied_rounds: u32,
    pub evaluation_window_passed: bool,
    /// Closed with promises (B/C) that are all delivered, not yet rated by the proposer.
    pub delivery_rating_open: bool,
    pub is_key: bool,
}

/// Parameters of an action that change where it leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Cosign { accept: bool },
    Withdraw,
    Review(Decision),
    Assign,
    Object,
    Reassign,
    Contact,
    CoOpinion,
    RequestExtension,
    DecideExtension,
    Reply,
    Evaluate(Satisfaction),
    Close,
    FollowUp,
    MarkKey,
    Supervise,
    Publish,
}

impl Step {
    pub fn act(self) -> Act {
        match self {
            Step::Submit => Act::Submit,
            Step::Cosign { .. } => Act::Cosign,
            Step::Withdraw => Act::Withdraw,
            Step::Review(_) => Act::Review,
            Step::Assign => Act::Assign,
            Step::Object => Act::Object,
            Step::Reassign => Act::Reassign,
            Step::Contact => Act::Contact,
            Step::CoOpinion => Act::CoOpinion,
            Step::RequestExtension => Act::RequestExtension,
            Step::DecideExtension => Act::DecideExtension,
            Step::Reply => Act::Reply,
            Step::Evaluate(_) => Act::Evaluate,
            Step::Close => Act::Close,
            Step::FollowUp => Act::FollowUp,
            Step::MarkKey => Act::MarkKey,
            Step::Supervise => Act::Supervise,
            Step::Publish => Act::Publish,
        }
    }
}

/// Whether the actor is the kind of party that takes this action at all.
fn may(act: Act, who: &Standing) -> bool {
    match act {
        Act::Submit | Act::Withdraw => who.proposer,
        Act::Cosign => who.pending_cosigner,
        Act::Review | Act::Assign | Act::Reassign | Act::DecideExtension | Act::Close | Act::MarkKey | Act::Publish => who.staff,
        Act::Object | Act::Contact => who.unit_role.is_some(),
        Act::CoOpinion => who.unit_role == Some(UnitRole::Co),
        Act::RequestExtension | Act::Reply => who.unit_role.is_some_and(UnitRole::replies),
        Act::Evaluate => who.proposer || who.cosigner,
        Act::FollowUp => who.staff || who.unit_role.is_some(),
        Act::Supervise => who.supervisor,
    }
}

fn not_now(msg: &str) -> Refusal {
    Refusal::NotNow(msg.to_string())
}

/// The state after `step`, or why it is refused. Pure: the caller records the effects.
pub fn transition(f: &Facts, who: &Standing, step: Step) -> Result<Status, Refusal> {
    use Status as S;
    if !may(step.act(), who) {
        return Err(Refusal::Forbidden);
    }
    let s = f.status;
    match step {
        Step::Submit => match s {
            S::Draft if f.kind == Kind::Joint && f.pending_cosigners > 0 => Ok(S::AwaitingCosigners),
            S::Draft => Ok(S::Submitted),
            S::AwaitingCosigners if f.cosign_window_passed || f.pending_cosigners == 0 => Ok(S::Submitted),
            S::AwaitingCosigners => Err(not_now("联名确认期尚未结束，请等待联名人确认")),
            _ => Err(not_now("该提案已提交")),
        },
        Step::Cosign { .. } => match s {
            S::AwaitingCosigners if f.pending_cosigners <= 1 => Ok(S::Submitted),
            S::AwaitingCosigners => Ok(S::AwaitingCosigners),
            _ => Err(not_now("该提案已不在联名确认阶段")),
        },
        Step::Withdraw => match s {
            // A draft is deleted (删除草稿), not withdrawn: nobody has seen it.
            S::AwaitingCosigners | S::Submitted => Ok(S::Withdrawn),
            _ if s.is_filed() => Err(not_now("该提案已立案，不能撤回")),
            _ => Err(not_now("该提案当前不能撤回")),
        },
        Step::Review(d) => match s {
            S::Submitted => Ok(match d {
                Decision::File => S::Filed,
                Decision::Reject => S::NotFiled,
                Decision::Merge => S::Merged,
                Decision::Return => S::Draft,
            }),
            _ => Err(not_now("只有待审查的提案才能审查")),
        },
        Step::Assign => match s {
            S::Filed => Ok(S::Assigned),
            _ => Err(not_now("只有已立案、尚未交办的提案才能交办")),
        },
        Step::Object => match s {
            S::Assigned if f.objection_open => Err(not_now("已有调整申请在处理中")),
            S::Assigned if f.objection_window_passed => Err(not_now("已超过申请调整的期限")),
            S::Assigned => Ok(S::Assigned),
            _ => Err(not_now("只有办理中的提案才能申请调整")),
        },
        Step::Reassign => match s {
            S::Assigned => Ok(S::Assigned),
            _ => Err(not_now("只有办理中的提案才能重新交办")),
        },
        Step::Contact | Step::CoOpinion => match s {
            S::Assigned | S::Rehandling => Ok(s),
            _ => Err(not_now("只有办理中的提案才能记录沟通或会办意见")),
        },
        Step::RequestExtension => match s {
            S::Assigned if f.extended || f.extension_requested => Err(not_now("已申请过延期")),
            S::Assigned if f.reply_overdue => Err(not_now("已超过答复期限，不能再申请延期")),
            S::Assigned if who.unit_replied => Err(not_now("本单位已答复")),
            S::Assigned => Ok(S::Assigned),
            _ => Err(not_now("只有办理中的提案才能申请延期")),
        },
        Step::DecideExtension => match s {
            S::Assigned if f.extension_requested => Ok(S::Assigned),
            _ => Err(not_now("没有待审批的延期申请")),
        },
        Step::Reply => match s {
            S::Assigned | S::Rehandling if f.objection_open => Err(not_now("调整申请处理完毕前不能答复")),
            S::Assigned | S::Rehandling if who.unit_replied => Err(not_now("本单位已经答复")),
            S::Assigned | S::Rehandling if f.replies_outstanding <= 1 => Ok(S::Replied),
            S::Assigned | S::Rehandling => Ok(s),
            _ => Err(not_now("只有办理中的提案才能答复")),
        },
        Step::Evaluate(sat) => match s {
            S::Replied if f.evaluation_window_passed => Err(not_now("已超过评价期限")),
            S::Replied if f.dissatisfied_rounds >= 2 => Err(not_now("已两次评价为不满意，请等待面商后办结")),
            S::Replied if who.evaluated => Err(not_now("您已对本轮答复作出评价")),
            S::Replied if !who.proposer => Ok(S::Replied),
            S::Closed if f.delivery_rating_open && who.proposer => Ok(S::Closed),
            S::Closed if who.proposer => Err(not_now("办结后只能在承诺事项全部落实后再评价一次")),
            S::Replied => Ok(match sat {
                Satisfaction::Satisfied | Satisfaction::BasicallySatisfied => S::Closed,
                Satisfaction::Dissatisfied if f.dissatisfied_rounds == 0 => S::Rehandling,
                Satisfaction::Dissatisfied => S::Replied,
            }),
            _ => Err(not_now("只有已答复的提案才能评价")),
        },
        Step::Close => match s {
            S::Replied if f.evaluation_window_passed || f.dissatisfied_rounds >= 2 => Ok(S::Closed),
            S::Replied => Err(not_now("评价期尚未结束，请等待提案人评价")),
            _ => Err(not_now("只有已答复的提案才能办结")),
        },
        Step::FollowUp => match s {
            S::Closed => Ok(S::Closed),
            _ => Err(not_now("办结后才能跟踪落实承诺事项")),
        },
        Step::MarkKey | Step::Publish => match s {
            _ if s.is_filed() => Ok(s),
            _ => Err(not_now("只有已立案的提案才能设置")),
        },
        Step::Supervise => match s {
            S::Assigned | S::Replied | S::Rehandling | S::Closed if f.is_key => Ok(s),
            _ => Err(not_now("只能督办交办后的重点提案")),
        },
    }
}

/// The actions the actor could take now (for `allowed_actions` and the buttons on the page).
pub fn allowed(f: &Facts, who: &Standing) -> Vec<Act> {
    let sample = |act: Act| -> Step {
        match act {
            Act::Submit => Step::Submit,
            Act::Cosign => Step::Cosign { accept: true },
            Act::Withdraw => Step::Withdraw,
            Act::Review => Step::Review(Decision::File),
            Act::Assign => Step::Assign,
            Act::Object => Step::Object,
            Act::Reassign => Step::Reassign,
            Act::Contact => Step::Contact,
            Act::CoOpinion => Step::CoOpinion,
            Act::RequestExtension => Step::RequestExtension,
            Act::DecideExtension => Step::DecideExtension,
            Act::Reply => Step::Reply,
            Act::Evaluate => Step::Evaluate(Satisfaction::Satisfied),
            Act::Close => Step::Close,
            Act::FollowUp => Step::FollowUp,
            Act::MarkKey => Step::MarkKey,
            Act::Supervise => Step::Supervise,
            Act::Publish => Step::Publish,
        }
    };
    Act::ALL.iter().copied().filter(|a| transition(f, who, sample(*a)).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proposal::fixtures::*;

    #[test]
    fn a_joint_proposal_waits_for_its_cosigners_and_goes_on_when_all_answered() {
        let f = Facts { kind: Kind::Joint, cosigners: 2, pending_cosigners: 2, ..facts(Status::Draft) };
        assert_eq!(transition(&f, &PROPOSER, Step::Submit), Ok(Status::AwaitingCosigners));
        let waiting = Facts { status: Status::AwaitingCosigners, ..f };
        let cosigner = Standing { pending_cosigner: true, ..NOBODY };
        assert_eq!(transition(&waiting, &cosigner, Step::Cosign { accept: true }), Ok(Status::AwaitingCosigners));
        let last = Facts { pending_cosigners: 1, ..waiting };
        assert_eq!(transition(&last, &cosigner, Step::Cosign { accept: false }), Ok(Status::Submitted));
        assert!(matches!(transition(&waiting, &PROPOSER, Step::Submit), Err(Refusal::NotNow(_))));
        let late = Facts { cosign_window_passed: true, ..waiting };
        assert_eq!(transition(&late, &PROPOSER, Step::Submit), Ok(Status::Submitted));
    }

    #[test]
    fn a_filed_proposal_cannot_be_withdrawn_and_says_why() {
        let r = transition(&facts(Status::Filed), &PROPOSER, Step::Withdraw);
        assert_eq!(r, Err(Refusal::NotNow("该提案已立案，不能撤回".into())));
    }

    #[test]
    fn only_staff_review_and_the_decision_picks_the_next_state() {
        let f = facts(Status::Submitted);
        assert_eq!(transition(&f, &PROPOSER, Step::Review(Decision::File)), Err(Refusal::Forbidden));
        assert_eq!(transition(&f, &STAFF, Step::Review(Decision::File)), Ok(Status::Filed));
        assert_eq!(transition(&f, &STAFF, Step::Review(Decision::Reject)), Ok(Status::NotFiled));
        assert_eq!(transition(&f, &STAFF, Step::Review(Decision::Merge)), Ok(Status::Merged));
        assert_eq!(transition(&f, &STAFF, Step::Review(Decision::Return)), Ok(Status::Draft));
    }

    #[test]
    fn split_handling_is_replied_only_when_every_unit_has_replied() {
        let unit = Standing { unit_role: Some(UnitRole::Split), ..NOBODY };
        let two = Facts { replies_outstanding: 2, ..facts(Status::Assigned) };
        assert_eq!(transition(&two, &unit, Step::Reply), Ok(Status::Assigned));
        let one = Facts { replies_outstanding: 1, ..two };
        assert_eq!(transition(&one, &unit, Step::Reply), Ok(Status::Replied));
        let done = Standing { unit_replied: true, ..unit };
        assert!(matches!(transition(&one, &done, Step::Reply), Err(Refusal::NotNow(_))));
        let co = Standing { unit_role: Some(UnitRole::Co), ..NOBODY };
        assert_eq!(transition(&one, &co, Step::Reply), Err(Refusal::Forbidden));
    }

    #[test]
    fn dissatisfaction_sends_it_back_once_and_the_second_time_waits_for_staff() {
        let f = facts(Status::Replied);
        assert_eq!(transition(&f, &PROPOSER, Step::Evaluate(Satisfaction::Dissatisfied)), Ok(Status::Rehandling));
        let second = Facts { dissatisfied_rounds: 1, ..f };
        assert_eq!(transition(&second, &PROPOSER, Step::Evaluate(Satisfaction::Dissatisfied)), Ok(Status::Replied));
        let after = Facts { dissatisfied_rounds: 2, ..f };
        assert_eq!(transition(&after, &STAFF, Step::Close), Ok(Status::Closed));
        assert!(matches!(transition(&f, &STAFF, Step::Close), Err(Refusal::NotNow(_))));
        assert_eq!(transition(&f, &PROPOSER, Step::Evaluate(Satisfaction::BasicallySatisfied)), Ok(Status::Closed));
    }

    #[test]
    fn the_proposer_rates_the_delivery_once_every_promise_is_kept() {
        let closed = facts(Status::Closed);
        assert!(matches!(transition(&closed, &PROPOSER, Step::Evaluate(Satisfaction::Satisfied)), Err(Refusal::NotNow(_))));
        let delivered = Facts { delivery_rating_open: true, ..closed };
        assert_eq!(transition(&delivered, &PROPOSER, Step::Evaluate(Satisfaction::Satisfied)), Ok(Status::Closed));
        assert_eq!(allowed(&delivered, &PROPOSER), vec![Act::Evaluate]);
    }

    #[test]
    fn an_open_objection_blocks_the_reply_until_staff_reassign() {
        let lead = Standing { unit_role: Some(UnitRole::Lead), ..NOBODY };
        let f = Facts { objection_open: true, ..facts(Status::Assigned) };
        assert!(matches!(transition(&f, &lead, Step::Reply), Err(Refusal::NotNow(_))));
        assert!(matches!(transition(&f, &lead, Step::Object), Err(Refusal::NotNow(_))));
        assert_eq!(transition(&f, &STAFF, Step::Reassign), Ok(Status::Assigned));
    }

    #[test]
    fn allowed_actions_list_what_the_page_offers() {
        assert_eq!(allowed(&facts(Status::Draft), &PROPOSER), vec![Act::Submit]);
        let staff_filed = allowed(&facts(Status::Filed), &STAFF);
        assert_eq!(staff_filed, vec![Act::Assign, Act::MarkKey, Act::Publish]);
        assert!(allowed(&facts(Status::Closed), &NOBODY).is_empty());
    }
}
