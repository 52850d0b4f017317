//! 提案 — the proposal state machine: states, actions, who may take each, and the next state.
//!
//! | from | action | to | who |
//! |---|---|---|---|
//! | draft | submit | awaiting_cosigners (joint, co-signers listed) / submitted | proposer |
//! | awaiting_cosigners | submit (after the confirm window) | submitted; unanswered co-signers drop off | proposer |
//! | awaiting_cosigners | cosign (confirm/decline) | submitted when all have answered | co-signer |
//! | draft, awaiting_cosigners, submitted | withdraw | withdrawn | proposer |
//! | submitted | review: return | draft | staff |
//! | submitted | review: file (立案) | filed (numbered in the session) | staff |
//! | submitted | review: reject (不立案) | not_filed | staff |
//! | submitted | review: merge (并案) | merged | staff |
//! | filed | assign (交办) | assigned | staff |
//! | assigned | object (申请调整), within the window | assigned, objection open | a handling unit |
//! | assigned | reassign | assigned, objection closed | staff |
//! | assigned, rehandling | contact (沟通) | same | a handling unit |
//! | assigned, rehandling | co_opinion (会办意见) | same | a co-unit |
//! | assigned | request_extension (before the due date) | same | a replying unit |
//! | assigned | decide_extension | same | staff |
//! | assigned, rehandling | reply (答复) | replied when every replying unit has replied | lead unit / each split unit |
//! | replied | evaluate by the first proposer | closed (满意/基本满意) / rehandling (first 不满意) / replied (second 不满意) | proposer |
//! | replied | evaluate by a co-signer | same (recorded) | co-signer |
//! | replied (window passed, or second 不满意 after a face-to-face consultation) | close | closed | staff |
//! | closed | follow_up (B/C commitments) | closed | staff, a handling unit |
//! | closed, every promise delivered | evaluate (rates the delivery, once) | closed | proposer |
//! | filed … closed | mark_key (重点提案) | same | staff |
//! | key proposal, assigned … closed | supervise (督办) | same | a supervising leader |
//! | filed … closed | publish / unpublish | same | staff |

use serde::{Deserialize, Serialize};

crate::labeled! {
    /// Where a proposal is in its handling.
    pub enum Status {
        Draft = "draft" / "草稿",
        AwaitingCosigners = "awaiting_cosigners" / "待联名确认",
        Submitted = "submitted" / "待审查",
        Filed = "filed" / "已立案",
        NotFiled = "not_filed" / "不立案",
        Merged = "merged" / "已并案",
        Withdrawn = "withdrawn" / "已撤回",
        Assigned = "assigned" / "办理中",
        Replied = "replied" / "已答复",
        Rehandling = "rehandling" / "重新办理",
        Closed = "closed" / "已办结",
    }
}

impl Status {
    /// Filed and afterwards: the proposal has a number and is part of the session's work.
    pub fn is_filed(self) -> bool {
        matches!(self, Status::Filed | Status::Assigned | Status::Replied | Status::Rehandling | Status::Closed)
    }

    /// Waiting for a unit's reply.
    pub fn awaits_reply(self) -> bool {
        matches!(self, Status::Assigned | Status::Rehandling)
    }
}

crate::labeled! {
    /// Who proposes.
    pub enum Kind {
        /// 个人提案
        Individual = "individual" / "个人提案",
        /// 联名提案
        Joint = "joint" / "联名提案",
        /// 集体提案 (an organisation, special committee or sector)
        Collective = "collective" / "集体提案",
    }
}

crate::labeled! {
    /// The proposer's rating of a reply.
    pub enum Satisfaction {
        Satisfied = "satisfied" / "满意",
        BasicallySatisfied = "basically_satisfied" / "基本满意",
        Dissatisfied = "dissatisfied" / "不满意",
    }
}

crate::labeled! {
    /// How a unit takes part in handling.
    pub enum UnitRole {
        /// 主办 — replies for all units
        Lead = "lead" / "主办",
        /// 会办/协办 — sends its opinion to the lead unit
        Co = "co" / "会办",
        /// 分办 — each split unit replies on its own part
        Split = "split" / "分办",
    }
}

impl UnitRole {
    pub fn replies(self) -> bool {
        matches!(self, UnitRole::Lead | UnitRole::Split)
    }
}

crate::labeled! {
    /// A co-signer's answer (联名确认).
    pub enum CosignStatus {
        Pending = "pending" / "待确认",
        Confirmed = "confirmed" / "已确认",
        Declined = "declined" / "已谢绝",
        /// Did not answer within the window; dropped at submission.
        Lapsed = "lapsed" / "未确认（逾期）",
    }
}

crate::labeled! {
    /// The staff's review decision (审查).
    pub enum Decision {
        File = "file" / "立案",
        Reject = "reject" / "不立案",
        Merge = "merge" / "并案",
        Return = "return" / "退回修改",
    }
}

crate::labeled! {
    /// Every action a proposal knows; the name is the API's action name.
    pub enum Act {
        Submit = "submit" / "提交",
        Cosign = "cosign" / "联名确认",
        Withdraw = "withdraw" / "撤回",
        Review = "review" / "审查",
        Assign = "assign" / "交办",
        Object = "object" / "申请调整",
        Reassign = "reassign" / "重新交办",
        Contact = "contact" / "沟通记录",
        CoOpinion = "co_opinion" / "会办意见",
        RequestExtension = "request_extension" / "申请延期",
        DecideExtension = "decide_extension" / "审批延期",
        Reply = "reply" / "答复",
        Evaluate = "evaluate" / "评价",
        Close = "close" / "办结",
        FollowUp = "follow_up" / "跟踪落实",
        MarkKey = "mark_key" / "设为重点提案",
        Supervise = "supervise" / "督办",
        Publish = "publish" / "公开设置",
    }
}

/// What the actor is to this proposal (worked out by the application from the records).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    pub staff: bool,
    /// The first proposer (individual/joint) or the submitting user of a collective proposal.
    pub proposer: bool,
    /// A co-signer who has not answered yet.
    pub pending_cosigner: bool,
    /// A co-signer who confirmed.
    pub cosigner: bool,
    /// The actor's unit's current assignment, if any.
    pub unit_role: Option<UnitRole>,
    /// The actor's unit has replied in the current round.
    pub unit_replied: bool,
    /// A leader supervising this (key) proposal.
    pub supervisor: bool,
    pub leader: bool,
    /// The actor has already evaluated the current round's reply.
    pub evaluated: bool,
}

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

pub use crate::record::Refusal;

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
            S::Draft | S::AwaitingCosigners | S::Submitted => Ok(S::Withdrawn),
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

pub use crate::record::Access;

/// How much of a proposal an actor may see. A draft is its author's alone (the office included
/// does not see it; co-signers are asked only once it is submitted); publication opens the
/// public view to everyone, never the handling record.
pub fn access(status: Status, who: &Standing, published: bool) -> Access {
    let draft = status == Status::Draft;
    let takes_part = who.proposer
        || (who.staff && !draft)
        || ((who.cosigner || who.pending_cosigner) && !draft)
        || who.unit_role.is_some()
        || who.supervisor
        || (who.leader && status.is_filed());
    if takes_part {
        Access::Full
    } else if published && status.is_filed() {
        Access::Public
    } else {
        Access::None
    }
}

/// Who may see a proposal at all (others get "not found").
pub fn visible(status: Status, who: &Standing, published: bool) -> bool {
    access(status, who, published) != Access::None
}

/// The configurable lists of the proposal work (per committee and year; DOMAIN.md defaults).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalRules {
    /// (code, wording) of reply classes, e.g. ["A", "所提问题已经解决或基本解决"]; codes are what
    /// the reply action takes.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub reply_classes: Vec<(String, String)>,
    /// Default reasons for not filing (不立案理由).
    pub rejection_reasons: Vec<String>,
    pub title_max_chars: usize,
    pub body_min_chars: usize,
    pub body_max_chars: usize,
}

impl Default for ProposalRules {
    fn default() -> Self {
        ProposalRules {
            reply_classes: vec![
                ("A".into(), "所提问题已经解决或基本解决".into()),
                ("B".into(), "所提问题正在解决或已列入计划逐步解决".into()),
                ("C".into(), "因条件限制或其他原因暂时不能解决，留作参考".into()),
            ],
            rejection_reasons: [
                "涉及国家秘密",
                "属于法律法规禁止的事项",
                "涉及党派内部人事问题",
                "属于党派团体内部事务",
                "涉及正在诉讼或仲裁的事项",
                "属于学术讨论",
                "属于个人或家庭问题",
                "宣传推介具体作品或产品",
                "属于指名举报",
                "没有具体建议",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            title_max_chars: 60,
            body_min_chars: 50,
            body_max_chars: 20_000,
        }
    }
}

impl ProposalRules {
    pub fn reply_class_label(&self, code: &str) -> Option<&str> {
        self.reply_classes.iter().find(|(c, _)| c == code).map(|(_, l)| l.as_str())
    }

    /// Checks a committee's rules before they are stored: every error at once, against its field.
    pub fn check(&self) -> Result<(), crate::Invalid> {
        let mut invalid = crate::Invalid::default();
        let mut err = |field: &str, message: String| invalid.0.push(crate::FieldError::new(field, message));
        if !(2..=6).contains(&self.reply_classes.len()) {
            err("reply_classes", "答复类别应有2到6个".into());
        }
        let mut codes = std::collections::HashSet::new();
        for (code, wording) in &self.reply_classes {
            if code.is_empty() || code.len() > 2 || !code.chars().all(|c| c.is_ascii_uppercase()) {
                err("reply_classes", format!("类别代码“{code}”应为1到2个大写字母，如A、B、C"));
            } else if !codes.insert(code.as_str()) {
                err("reply_classes", format!("类别代码“{code}”重复"));
            }
            let n = wording.trim().chars().count();
            if n == 0 || n > 60 {
                err("reply_classes", format!("类别“{code}”的说明应为1到60个字"));
            }
        }
        if !(1..=30).contains(&self.rejection_reasons.len()) {
            err("rejection_reasons", "不立案理由应有1到30条".into());
        }
        let mut reasons = std::collections::HashSet::new();
        for r in &self.rejection_reasons {
            let n = r.trim().chars().count();
            if n == 0 || n > 60 {
                err("rejection_reasons", format!("不立案理由“{r}”应为1到60个字"));
            } else if !reasons.insert(r.trim()) {
                err("rejection_reasons", format!("不立案理由“{r}”重复"));
            }
        }
        if !(20..=200).contains(&self.title_max_chars) {
            err("title_max_chars", "标题字数上限应在20到200之间".into());
        }
        if self.body_max_chars > 50_000 || self.body_min_chars == 0 || self.body_min_chars > self.body_max_chars {
            err("body_max_chars", "正文字数应在1到50000之间，且下限不大于上限".into());
        }
        if invalid.0.is_empty() { Ok(()) } else { Err(invalid) }
    }
}

/// A proposal's text as written by its proposer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub title: String,
    pub body: String,
}

impl Text {
    /// Title and body: required, within the configured lengths, title on one line.
    pub fn parse(title: &str, body: &str, rules: &ProposalRules) -> Result<Text, crate::Invalid> {
        let mut invalid = crate::Invalid::default();
        let title = invalid.take(crate::text::required("title", "标题", title, rules.title_max_chars));
        let body = body.trim().replace("\r\n", "\n");
        let n = body.chars().count();
        if n == 0 {
            invalid.push("body", "正文不能为空");
        } else if n < rules.body_min_chars {
            invalid.push("body", format!("正文过短：请写明情况、分析和具体建议（至少{}字）", rules.body_min_chars));
        } else if n > rules.body_max_chars {
            invalid.push("body", format!("正文不能超过{}字", rules.body_max_chars));
        }
        invalid.finish(())?;
        Ok(Text { title: title.unwrap_or_default(), body })
    }

    /// A gentle reminder when a title looks like more than one matter (一事一案).
    pub fn one_matter_hint(&self) -> Option<&'static str> {
        let t = &self.title;
        let joins = t.matches('和').count() + t.matches('及').count() + t.matches('、').count();
        (joins >= 2 || t.contains("若干") || t.contains("几点")).then_some("提示：提案应一事一案，如涉及多个事项，建议分别提出")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: Status) -> Facts {
        Facts {
            status,
            kind: Kind::Individual,
            cosigners: 0,
            pending_cosigners: 0,
            cosign_window_passed: false,
            objection_open: false,
            objection_window_passed: false,
            replies_outstanding: 1,
            extension_requested: false,
            extended: false,
            reply_overdue: false,
            dissatisfied_rounds: 0,
            evaluation_window_passed: false,
            delivery_rating_open: false,
            is_key: false,
        }
    }
    const PROPOSER: Standing = Standing { proposer: true, ..NOBODY };
    const STAFF: Standing = Standing { staff: true, ..NOBODY };
    const NOBODY: Standing = Standing {
        staff: false,
        proposer: false,
        pending_cosigner: false,
        cosigner: false,
        unit_role: None,
        unit_replied: false,
        supervisor: false,
        leader: false,
        evaluated: false,
    };

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
        assert_eq!(allowed(&facts(Status::Draft), &PROPOSER), vec![Act::Submit, Act::Withdraw]);
        let staff_filed = allowed(&facts(Status::Filed), &STAFF);
        assert_eq!(staff_filed, vec![Act::Assign, Act::MarkKey, Act::Publish]);
        assert!(allowed(&facts(Status::Closed), &NOBODY).is_empty());
    }

    #[test]
    fn drafts_are_private_to_their_proposer() {
        let cosigner = Standing { pending_cosigner: true, ..NOBODY };
        assert!(!visible(Status::Draft, &cosigner, false));
        assert!(visible(Status::AwaitingCosigners, &cosigner, false));
        let leader = Standing { leader: true, ..NOBODY };
        assert!(!visible(Status::Submitted, &leader, false));
        assert!(visible(Status::Filed, &leader, false));
        assert!(visible(Status::Closed, &NOBODY, true));
        assert!(!visible(Status::Submitted, &NOBODY, true));
    }

    #[test]
    fn the_office_does_not_see_a_members_draft_until_it_is_submitted() {
        assert_eq!(access(Status::Draft, &STAFF, false), Access::None);
        assert_eq!(access(Status::Draft, &STAFF, true), Access::None);
        assert_eq!(access(Status::Submitted, &STAFF, false), Access::Full);
        assert_eq!(access(Status::Draft, &PROPOSER, false), Access::Full);
        // A collective draft the office entered is its author's: `proposer` is that user.
        let author = Standing { staff: true, proposer: true, ..NOBODY };
        assert_eq!(access(Status::Draft, &author, false), Access::Full);
    }

    #[test]
    fn publication_opens_the_public_view_never_the_handling_record() {
        assert_eq!(access(Status::Closed, &NOBODY, true), Access::Public);
        let other_unit = Standing { unit_role: None, ..NOBODY };
        assert_eq!(access(Status::Replied, &other_unit, true), Access::Public);
        assert_eq!(access(Status::Closed, &NOBODY, false), Access::None);
        assert_eq!(access(Status::NotFiled, &NOBODY, true), Access::None);
        let lead = Standing { unit_role: Some(UnitRole::Lead), ..NOBODY };
        assert_eq!(access(Status::Closed, &lead, true), Access::Full);
        assert_eq!(access(Status::Closed, &PROPOSER, true), Access::Full);
    }

    #[test]
    fn a_committees_rules_are_checked_before_they_are_stored() {
        assert!(ProposalRules::default().check().is_ok());
        let bad = ProposalRules {
            reply_classes: vec![("a".into(), "x".into()), ("B".into(), "".into())],
            rejection_reasons: vec![],
            title_max_chars: 5,
            body_min_chars: 100,
            body_max_chars: 50,
        };
        let fields: Vec<String> = bad.check().unwrap_err().0.into_iter().map(|e| e.field).collect();
        for f in ["reply_classes", "rejection_reasons", "title_max_chars", "body_max_chars"] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn text_is_checked_and_several_matters_get_a_reminder() {
        let rules = ProposalRules::default();
        let err = Text::parse("", "短", &rules).unwrap_err();
        assert_eq!(err.0.len(), 2);
        let body = "情况".repeat(30);
        let t = Text::parse("关于加强社区养老、托育和医疗服务的建议", &body, &rules).unwrap();
        assert!(t.one_matter_hint().is_some());
        let t = Text::parse("关于加快建设城市慢行系统的提案", &body, &rules).unwrap();
        assert!(t.one_matter_hint().is_none());
    }
}
