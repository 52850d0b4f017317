//! The names a proposal's states, kinds, ratings, unit roles, decisions and actions go by.

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
    /// The office's work queues (a list of proposals waiting for the office's next step).
    pub enum Queue {
        /// Units asked for another assignment (调整申请).
        Objection = "objection" / "调整申请",
        /// Units asked for more time (延期申请).
        Extension = "extension" / "延期申请",
        /// Replied, the evaluation window passed or rated unsatisfied twice: to be closed.
        ToClose = "to_close" / "待办结",
        /// Closed with promises not yet delivered (回头看).
        Lookback = "lookback" / "承诺待落实（回头看）",
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
    /// When a proposal was made: during the plenary session or between sessions.
    pub enum Occasion {
        /// 大会提案 — submitted for the plenary (全体会议) session.
        Plenary = "plenary" / "大会提案",
        /// 平时提案 — submitted between plenary sessions.
        Regular = "regular" / "平时提案",
    }
}

crate::labeled! {
    /// How a handling unit contacted the proposer (办前/办中沟通), as the proposer rates it.
    pub enum ContactWay {
        /// 当面 — a meeting (见面).
        FaceToFace = "face_to_face" / "当面",
        Phone = "phone" / "电话",
        Written = "written" / "书面",
        /// 未联系 — no contact.
        NoContact = "none" / "未联系",
    }
}

impl ContactWay {
    /// Any contact at all (沟通).
    pub fn contacted(self) -> bool {
        self != ContactWay::NoContact
    }
}

/// The proposer's 测评表 (征询意见表) of a reply: contact before and during handling, the unit's
/// attitude and the result, beside the overall satisfaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Survey {
    /// 办前沟通
    pub contact_before: ContactWay,
    /// 办中沟通
    pub contact_during: ContactWay,
    /// 办理态度
    pub attitude: Satisfaction,
    /// 办理结果
    pub result: Satisfaction,
}

impl Survey {
    /// The unit contacted the proposer before or during handling (counts for 沟通率).
    pub fn contacted(&self) -> bool {
        self.contact_before.contacted() || self.contact_during.contacted()
    }

    /// The unit met the proposer face to face (counts for 见面率).
    pub fn met(&self) -> bool {
        self.contact_before == ContactWay::FaceToFace || self.contact_during == ContactWay::FaceToFace
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
    /// What a rejected proposal becomes with its proposer's consent (不立案后转办).
    pub enum Conversion {
        /// 社情民意信息
        Opinion = "opinion" / "社情民意信息",
        /// 意见建议
        Suggestion = "suggestion" / "意见建议",
        /// 委员来信
        Letter = "letter" / "委员来信",
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
        KeepAssignment = "keep_assignment" / "维持原交办",
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

/// The Chinese label of an action recorded on a proposal (its timeline and the audit log): the
/// workflow's actions and the few recorded outside it.
pub fn action_label(action: &str) -> Option<&'static str> {
    match action {
        "create" => Some("起草"),
        "edit" => Some("修改"),
        "merge" => Some("并案"),
        other => Act::parse(other).map(|a| a.label()),
    }
}

crate::labeled! {
    /// 公开属性 — whether a reply letter (答复函) may be published, as the unit marks it.
    pub enum Disclosure {
        Public = "public" / "主动公开",
        OnRequest = "on_request" / "依申请公开",
        Withheld = "withheld" / "不予公开",
    }
}
