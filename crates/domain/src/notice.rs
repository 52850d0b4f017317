//! Notifications, as rules: the catalogue of what people are told (one place: a module that lands
//! later adds its kinds to `KINDS`), the channels, how often a person wants each kind, the
//! defaults by role, and when a deadline reminder is due. Who is told is the module's answer
//! (`Audience`); how it is stored and sent is the app's.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Role;
use crate::calendar::Calendar;

crate::labeled! {
    /// Where a notification goes besides the inbox (the inbox always has it).
    pub enum Channel {
        /// 电子邮件
        Email = "email" / "电子邮件",
        /// 短信/微信（本会的网关，经webhook）
        Webhook = "webhook" / "短信/微信",
    }
}

crate::labeled! {
    /// How often a person wants a kind on a channel.
    pub enum Mode {
        /// 立即
        Immediate = "immediate" / "立即",
        /// 每日汇总
        Daily = "daily" / "每日汇总",
        /// 每周汇总
        Weekly = "weekly" / "每周汇总",
        /// 不发送
        Off = "off" / "不发送",
    }
}

impl Mode {
    /// Modes a channel offers: the webhook bridges to SMS/WeChat, which carry single messages.
    pub fn offered(channel: Channel) -> &'static [Mode] {
        match channel {
            Channel::Email => &[Mode::Immediate, Mode::Daily, Mode::Weekly, Mode::Off],
            Channel::Webhook => &[Mode::Immediate, Mode::Off],
        }
    }
}

/// What a kind asks of the person told: sets the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// A deadline: work assigned with a due date, a reminder, an overdue notice, an escalation.
    Deadline,
    /// Something to do or decide without a near date (confirm a co-signature, review a submission).
    Task,
    /// News of one's own record (filed, replied, adopted …).
    News,
}

/// One kind of notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// Stored and in the API: `<module>.<event>`.
    pub key: &'static str,
    /// The module's label (the inbox filter and the preferences page group by it).
    pub module: &'static str,
    pub label: &'static str,
    pub urgency: Urgency,
    /// The roles of the people it goes to (the preferences page lists a person's kinds only).
    pub roles: &'static [Role],
}

impl Kind {
    /// The module's key: the part of the key before the dot (`proposal`).
    pub fn module_key(&self) -> &'static str {
        self.key.split('.').next().unwrap_or(self.key)
    }

    /// Whether someone with `roles` may get this kind (administrators see every kind).
    pub fn concerns(&self, roles: &[Role]) -> bool {
        roles.contains(&Role::Admin) || roles.iter().any(|r| self.roles.contains(r))
    }
}

macro_rules! kinds {
    ($($const:ident = $key:literal, $module:literal, $label:literal, $urgency:ident, [$($role:ident),*];)*) => {
        $(pub const $const: Kind = Kind { key: $key, module: $module, label: $label, urgency: Urgency::$urgency, roles: &[$(Role::$role),*] };)*
        /// Every kind, in the order the preferences page lists them.
        pub const KINDS: &[Kind] = &[$($const),*];
    };
}

kinds! {
    PROPOSAL_SUBMITTED = "proposal.submitted", "提案", "新提交的提案待审查", Task, [Staff];
    PROPOSAL_COSIGN_REQUESTED = "proposal.cosign_requested", "提案", "邀请您联名", Task, [Member];
    PROPOSAL_COSIGN_ANSWERED = "proposal.cosign_answered", "提案", "联名人已答复", News, [Member];
    PROPOSAL_COSIGN_DUE = "proposal.cosign_due", "提案", "联名确认即将截止", Deadline, [Member];
    PROPOSAL_RETURNED = "proposal.returned", "提案", "提案退回修改", News, [Member, Staff];
    PROPOSAL_FILED = "proposal.filed", "提案", "提案已立案", News, [Member, Staff];
    PROPOSAL_REJECTED = "proposal.rejected", "提案", "提案不予立案", News, [Member, Staff];
    PROPOSAL_MERGED = "proposal.merged", "提案", "提案已并案", News, [Member, Staff];
    PROPOSAL_ASSIGNED = "proposal.assigned", "提案", "交办提案", Deadline, [Unit];
    PROPOSAL_OBJECTION_RAISED = "proposal.objection_raised", "提案", "承办单位申请调整", Task, [Staff];
    PROPOSAL_OBJECTION_DECIDED = "proposal.objection_decided", "提案", "调整申请已处理", Deadline, [Unit];
    PROPOSAL_OBJECTION_DUE = "proposal.objection_due", "提案", "申请调整期限即将截止", Deadline, [Unit];
    PROPOSAL_EXTENSION_REQUESTED = "proposal.extension_requested", "提案", "承办单位申请延期", Task, [Staff];
    PROPOSAL_EXTENSION_DECIDED = "proposal.extension_decided", "提案", "延期申请已处理", Deadline, [Unit];
    PROPOSAL_REPLY_DUE = "proposal.reply_due", "提案", "答复期限提醒", Deadline, [Unit];
    PROPOSAL_REPLY_OVERDUE = "proposal.reply_overdue", "提案", "答复已超期", Deadline, [Unit];
    PROPOSAL_REPLY_ESCALATED = "proposal.reply_escalated", "提案", "超期未答复督办", Deadline, [Staff, Leader];
    PROPOSAL_REPLIED = "proposal.replied", "提案", "提案已答复", News, [Member, Staff];
    PROPOSAL_EVALUATION_DUE = "proposal.evaluation_due", "提案", "请评价办理答复", Deadline, [Member, Staff];
    PROPOSAL_EVALUATED = "proposal.evaluated", "提案", "提案者已评价", News, [Unit];
    PROPOSAL_REHANDLING = "proposal.rehandling", "提案", "提案重新办理", Deadline, [Unit];
    PROPOSAL_CLOSED = "proposal.closed", "提案", "提案已办结", News, [Member, Staff, Unit];
    PROPOSAL_PROMISE_DUE = "proposal.promise_due", "提案", "承诺事项到期提醒", Deadline, [Unit];
    PROPOSAL_PROMISE_OVERDUE = "proposal.promise_overdue", "提案", "承诺事项已超期", Deadline, [Unit, Staff];
    PROPOSAL_KEY_MARKED = "proposal.key_marked", "提案", "重点提案督办", Task, [Leader];
    OPINION_SUBMITTED = "opinion.submitted", "社情民意", "新报送的信息待编辑", Task, [Staff];
    OPINION_RECEIVED = "opinion.received", "社情民意", "下级政协报送的信息", Task, [Staff];
    OPINION_RETURNED = "opinion.returned", "社情民意", "信息退回修改", News, [Member, Informant, Staff];
    OPINION_ADOPTED = "opinion.adopted", "社情民意", "信息已采用", News, [Member, Informant, Staff];
    OPINION_KEPT = "opinion.kept", "社情民意", "信息留存", News, [Member, Informant, Staff];
    OPINION_OUTCOME = "opinion.outcome", "社情民意", "信息获上级采用或批示", News, [Member, Informant, Staff];
    OPINION_DUE = "opinion.due", "社情民意", "信息处理时限提醒", Deadline, [Staff];
    BULLETIN_ISSUED = "bulletin.issued", "社情民意", "您的信息已编发", News, [Member, Informant, Staff];
    INSTRUCTION_RECORDED = "instruction.recorded", "批示", "领导作出批示", News, [Member, Informant, Staff];
    ACTIVITY_PUBLISHED = "activity.published", "活动", "活动通知", Task, [Member, Leader];
    ACTIVITY_CHANGED = "activity.changed", "活动", "活动时间或地点变更", Deadline, [Member, Leader];
    ACTIVITY_CANCELLED = "activity.cancelled", "活动", "活动取消", Deadline, [Member, Leader];
    ACTIVITY_LEAVE_REQUESTED = "activity.leave_requested", "活动", "委员请假待审批", Task, [Staff, Leader];
    ACTIVITY_LEAVE_DECIDED = "activity.leave_decided", "活动", "请假审批结果", News, [Member];
    ACTIVITY_LEAVE_DUE = "activity.leave_due", "活动", "请假审批提醒", Deadline, [Staff, Leader];
    ACTIVITY_PLACE_OFFERED = "activity.place_offered", "活动", "报名候补转为正式", News, [Member];
    ACTIVITY_CHECKED_IN_BY_HAND = "activity.checked_in_by_hand", "活动", "工作人员为您代签到", News, [Member];
}

/// The kind stored under `key`.
pub fn kind(key: &str) -> Option<Kind> {
    KINDS.iter().copied().find(|k| k.key == key)
}

/// How often a person with `roles` gets `kind` on `channel` when they chose nothing: units get
/// everything at once (they work to deadlines); the office gets deadlines at once and the rest
/// daily; members and informants a daily digest; leaders a weekly one. The webhook (SMS/WeChat)
/// carries deadline items only. With several roles the most frequent of their defaults wins.
pub fn default_mode(roles: &[Role], kind: Kind, channel: Channel) -> Mode {
    if channel == Channel::Webhook {
        return if kind.urgency == Urgency::Deadline { Mode::Immediate } else { Mode::Off };
    }
    let of = |role: Role| match role {
        Role::Unit => Mode::Immediate,
        Role::Staff | Role::Admin if kind.urgency == Urgency::Deadline => Mode::Immediate,
        Role::Staff | Role::Admin | Role::Member | Role::Informant => Mode::Daily,
        Role::Leader => Mode::Weekly,
    };
    roles.iter().map(|r| of(*r)).min().unwrap_or(Mode::Daily)
}

/// The reminder thresholds of a committee (settings key `notification_rules`), in working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReminderRules {
    /// Reminders before a reply or promise is due (working days before the due date).
    pub before_due: Vec<u32>,
    /// An overdue reply is escalated to the office (and a key proposal's leaders) this many
    /// working days after its due date.
    pub escalate_after: u32,
    /// Reminders before a co-signer's confirmation window closes.
    pub cosign_before: Vec<u32>,
    /// Reminders before a unit's window to ask for a change of assignment closes.
    pub objection_before: Vec<u32>,
    /// Reminders before the proposer's evaluation window closes.
    pub evaluation_before: Vec<u32>,
    /// Reminders to the information office before a report's target date.
    pub opinion_before: Vec<u32>,
    /// Reminders to the approver of leave requests still undecided before the activity's day
    /// (0: on the day).
    pub leave_before: Vec<u32>,
    /// The hour (Beijing time) digests go out; weekly digests on Mondays.
    pub digest_hour: u32,
}

impl Default for ReminderRules {
    fn default() -> Self {
        ReminderRules {
            before_due: vec![10, 3],
            escalate_after: 5,
            cosign_before: vec![1],
            objection_before: vec![2],
            evaluation_before: vec![5, 1],
            opinion_before: vec![1],
            leave_before: vec![2, 0],
            digest_hour: 8,
        }
    }
}

impl ReminderRules {
    /// Checks the rules an administrator entered.
    pub fn validate(&self) -> Result<(), crate::Invalid> {
        let mut invalid = crate::Invalid::default();
        let lists = [
            ("before_due", &self.before_due),
            ("cosign_before", &self.cosign_before),
            ("objection_before", &self.objection_before),
            ("evaluation_before", &self.evaluation_before),
            ("opinion_before", &self.opinion_before),
            ("leave_before", &self.leave_before),
        ];
        for (field, days) in lists {
            if days.len() > 5 || days.iter().any(|d| *d > 60) {
                invalid.push(field, "提醒天数最多5个，每个不超过60个工作日");
            }
        }
        if self.escalate_after > 60 {
            invalid.push("escalate_after", "督办天数不超过60个工作日");
        }
        if self.digest_hour > 23 {
            invalid.push("digest_hour", "汇总发送时间应为0—23点");
        }
        invalid.finish(())
    }
}

/// Where a watched deadline stands today: the one step to tell (the most urgent one reached;
/// a run that was missed does not send the earlier, milder ones afterwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `n` working days or fewer before the due date (`n` is the threshold reached).
    Before(u32),
    /// Past the due date.
    Overdue,
    /// Past the due date by the escalation's working days.
    Escalated,
}

impl Stage {
    /// A key for "this deadline reached this stage" (one notification per person and key).
    pub fn key(self) -> String {
        match self {
            Stage::Before(n) => format!("before{n}"),
            Stage::Overdue => "overdue".into(),
            Stage::Escalated => "escalated".into(),
        }
    }
}

/// The stage of a deadline `due` on `today`: working days left counted on the calendar.
/// `before` are the reminder thresholds; `escalate_after` None: no escalation for this kind;
/// `overdue` false: nothing is sent after the date (a window that simply closes).
pub fn stage(cal: &Calendar, today: NaiveDate, due: NaiveDate, before: &[u32], overdue: bool, escalate_after: Option<u32>) -> Option<Stage> {
    if today > due {
        if !overdue {
            return None;
        }
        let late = cal.working_days_between(due, today);
        return match escalate_after {
            Some(n) if late >= i64::from(n) => Some(Stage::Escalated),
            _ => Some(Stage::Overdue),
        };
    }
    let left = cal.working_days_between(today, due);
    before.iter().copied().filter(|n| left <= i64::from(*n)).min().map(Stage::Before)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_kind_goes_to_some_role_and_only_the_concerned_see_it() {
        assert!(KINDS.iter().all(|k| !k.roles.is_empty()));
        assert!(PROPOSAL_ASSIGNED.concerns(&[Role::Unit]) && !PROPOSAL_ASSIGNED.concerns(&[Role::Member]));
        assert!(PROPOSAL_KEY_MARKED.concerns(&[Role::Admin]));
    }

    #[test]
    fn every_kind_is_named_once_and_found_by_its_key() {
        for (i, k) in KINDS.iter().enumerate() {
            assert!(KINDS[i + 1..].iter().all(|o| o.key != k.key), "{} twice", k.key);
            assert_eq!(kind(k.key), Some(*k));
            assert!(k.key.contains('.'));
        }
        assert_eq!(kind("proposal.nothing"), None);
    }

    #[test]
    fn defaults_follow_the_role_and_the_most_frequent_role_wins() {
        assert_eq!(default_mode(&[Role::Unit], PROPOSAL_REPLIED, Channel::Email), Mode::Immediate);
        assert_eq!(default_mode(&[Role::Member], PROPOSAL_REPLIED, Channel::Email), Mode::Daily);
        assert_eq!(default_mode(&[Role::Leader], PROPOSAL_KEY_MARKED, Channel::Email), Mode::Weekly);
        assert_eq!(default_mode(&[Role::Staff], PROPOSAL_REPLY_ESCALATED, Channel::Email), Mode::Immediate);
        assert_eq!(default_mode(&[Role::Staff], PROPOSAL_SUBMITTED, Channel::Email), Mode::Daily);
        assert_eq!(default_mode(&[Role::Leader, Role::Member], PROPOSAL_REPLIED, Channel::Email), Mode::Daily);
        assert_eq!(default_mode(&[Role::Member], PROPOSAL_REPLY_DUE, Channel::Webhook), Mode::Immediate);
        assert_eq!(default_mode(&[Role::Member], PROPOSAL_REPLIED, Channel::Webhook), Mode::Off);
    }

    #[test]
    fn a_deadline_reaches_its_thresholds_in_working_days_and_only_the_most_urgent_counts() {
        let cal = Calendar::national();
        // Due Friday 2026-12-18; 10 and 3 working days before.
        let due = d("2026-12-18");
        let rules = [10, 3];
        assert_eq!(stage(&cal, d("2026-12-01"), due, &rules, true, Some(5)), None);
        assert_eq!(stage(&cal, d("2026-12-04"), due, &rules, true, Some(5)), Some(Stage::Before(10)));
        assert_eq!(stage(&cal, d("2026-12-15"), due, &rules, true, Some(5)), Some(Stage::Before(3)));
        assert_eq!(stage(&cal, due, due, &rules, true, Some(5)), Some(Stage::Before(3)));
        // The weekend after: overdue; five working days later: escalated.
        assert_eq!(stage(&cal, d("2026-12-19"), due, &rules, true, Some(5)), Some(Stage::Overdue));
        assert_eq!(stage(&cal, d("2026-12-25"), due, &rules, true, Some(5)), Some(Stage::Escalated));
        assert_eq!(stage(&cal, d("2026-12-25"), due, &rules, true, None), Some(Stage::Overdue));
        assert_eq!(stage(&cal, d("2026-12-19"), due, &rules, false, None), None);
    }

    #[test]
    fn reminder_rules_are_checked() {
        assert!(ReminderRules::default().validate().is_ok());
        let bad = ReminderRules { digest_hour: 24, ..ReminderRules::default() };
        assert!(bad.validate().is_err());
        let bad = ReminderRules { before_due: vec![100], ..ReminderRules::default() };
        assert!(bad.validate().is_err());
    }
}
