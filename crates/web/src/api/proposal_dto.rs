//! A proposal as the API shows it (`ProposalOut`) and its parts: co-signers, handling units,
//! replies, evaluations, timeline, commitments and supervisors, each a typed struct so that
//! the OpenAPI schema and the JSON come from the same declaration.
//!
//! The parts' JSON is what serialising the storage rows gave before these types: the same names
//! and values, the keys in alphabetical order (the parts went through `serde_json::Value`),
//! which is why their fields are declared alphabetically. Their times (`at`, `answered_at`,
//! `done_at`) are RFC 3339 in Beijing time like every time of the API (until the API became a
//! product they were microseconds since the epoch; docs/api.md "Times and dates").

use eline_app::proposals::ProposalView;
use eline_domain::proposal::{ContactWay, Conversion, CosignStatus, Kind, Occasion, Satisfaction, Status, UnitRole};
use eline_storage::proposals::{Assignment, Commitment, Cosigner, Evaluation, Reply};
use eline_storage::timeline::Event;
use serde::Serialize;

use super::dto::ts;
use utoipa::ToSchema;

/// A proposal (提案) as the API shows it: the record, its people and units, replies,
/// evaluations, timeline, and the actions the caller may take now.
#[derive(Serialize, ToSchema)]
pub struct ProposalOut {
    pub id: i64,
    /// 版本号: send it back with a change or an action (or as If-Match).
    pub version: i64,
    pub status: Status,
    /// 状态名称, e.g. 办理中.
    pub status_label: String,
    /// 立案编号 (第0008号 is 8); null until filed.
    pub number: Option<i64>,
    /// 届次会议
    pub session_id: i64,
    /// e.g. 十三届五次会议
    pub session_name: String,
    /// 案由
    pub title: String,
    /// 正文 (plain text, paragraphs separated by newlines).
    pub body: String,
    pub kind: Kind,
    /// 提案人 (a member); null for a collective proposal.
    pub proposer_member_id: Option<i64>,
    /// The proposer's name, or the organisation's for a collective proposal.
    pub proposer_name: Option<String>,
    /// 提案单位 of a collective proposal (集体提案).
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    /// 提案分类: one of the committee's categories (GET /api/v1/settings … proposal rules).
    pub category: Option<String>,
    /// 大会提案 (plenary) or 平时提案 (regular).
    #[schema(value_type = Option<Occasion>)]
    pub occasion: Option<String>,
    /// 公开意愿: the proposer agrees to publication; null when not stated (older or imported
    /// proposals). Publishing without consent needs the office's `override_reason`.
    pub publish_consent: Option<bool>,
    /// 建议承办单位: the units the proposer suggests (for the proposer and the office).
    pub suggested_units: Vec<SuggestedUnitOut>,
    /// The first proposer's contact details: only for the office and the assigned units (null
    /// for everyone else, and for collective proposals).
    pub proposer_contact: Option<ProposerContactOut>,
    /// Active co-units (会办) that have not sent their opinion yet: a lead unit replying before
    /// they have must send `confirm_without_co_opinions: true`.
    pub pending_co_opinions: Vec<String>,
    /// 重点提案 (supervised by the leaders in `supervisors`).
    pub is_key: bool,
    /// 已公开: anyone may read its text, proposer, units and replies.
    pub published: bool,
    /// 并案: the proposal this one was merged into (status merged).
    pub merged_into_id: Option<i64>,
    /// 审查意见: the reason for not filing, or the office's comment.
    pub review_note: Option<String>,
    /// 转办: what a rejected proposal became with its proposer's consent.
    #[schema(value_type = Option<Conversion>)]
    pub converted_to: Option<String>,
    /// 交办日期
    #[schema(format = Date)]
    pub assigned_on: Option<String>,
    /// 答复期限: the reply is due on this day (extended when an extension is granted).
    #[schema(format = Date)]
    pub due_on: Option<String>,
    /// While a reply is awaited: 剩余12天 (12 days left) or 已超期3天 (3 days overdue).
    pub due_label: Option<String>,
    /// 已超期: the reply is late.
    pub overdue: bool,
    /// 申请调整: a unit's objection to the assignment awaits the office.
    pub objection_open: bool,
    /// 申请延期: a unit's request for more time awaits the office.
    pub extension_requested: bool,
    /// 已延期: the reply's time limit was extended.
    pub extended: bool,
    /// 评价期限: the proposer rates the reply by this day.
    #[schema(format = Date)]
    pub evaluation_due_on: Option<String>,
    /// 联名人 of a joint proposal and their answers.
    pub cosigners: Vec<CosignerOut>,
    /// 承办单位: the current assignment first (`active`), then earlier ones.
    pub units: Vec<ProposalUnitOut>,
    /// 答复, oldest first.
    pub replies: Vec<ReplyOut>,
    /// 评价, oldest first.
    pub evaluations: Vec<EvaluationOut>,
    /// 办理过程: what happened to the proposal, oldest first.
    pub timeline: Vec<TimelineEventOut>,
    /// 承诺事项 of B and C replies, followed up after closing (跟踪落实).
    pub commitments: Vec<CommitmentOut>,
    /// 督办领导 of a key proposal.
    pub supervisors: Vec<SupervisorOut>,
    /// What the caller may do now: the `{action}` of POST /api/v1/proposals/{id}/{action}
    /// (submit, review, assign, reply, evaluate …), and `edit` (PATCH the draft).
    pub allowed_actions: Vec<String>,
    /// full: the caller takes part in the proposal and sees its whole record; public: a
    /// published proposal seen by anyone else — its text, proposer, units and replies only
    /// (timeline, evaluations, files and commitments are empty).
    pub access: ProposalAccess,
}

/// How much of a proposal the caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalAccess {
    /// The whole record (the caller takes part in it).
    Full,
    /// What the public sees of a published proposal.
    Public,
}

/// 建议承办单位 — a unit the proposer suggests.
#[derive(Serialize, ToSchema)]
pub struct SuggestedUnitOut {
    pub unit_id: i64,
    pub name: String,
}

/// The proposer's contact details from the member record (委员联系方式).
#[derive(Serialize, ToSchema)]
pub struct ProposerContactOut {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// 通讯地址 / 工作单位地址
    pub address: Option<String>,
}

/// 联名人 — a member asked to co-sign a joint proposal.
#[derive(Serialize, ToSchema)]
pub struct CosignerOut {
    /// When the member answered (or lapsed); null while pending.
    #[schema(format = DateTime)]
    pub answered_at: Option<String>,
    pub member_id: i64,
    pub name: String,
    pub status: CosignStatus,
}

/// 承办单位 — a unit assigned to handle the proposal.
#[derive(Serialize, ToSchema)]
pub struct ProposalUnitOut {
    /// false: an earlier assignment, ended by a reassignment (kept for the record).
    pub active: bool,
    /// 交办日期
    #[schema(format = Date)]
    pub assigned_on: String,
    /// 会办意见: a co-unit's opinion to the lead unit.
    pub co_opinion: Option<String>,
    pub id: i64,
    /// 申请调整的理由: the unit's objection to the assignment.
    pub objection_reason: Option<String>,
    pub proposal_id: i64,
    /// The round (0, then 1 after a rehandling) the unit last replied in; null before replying.
    pub replied_round: Option<i64>,
    pub role: UnitRole,
    pub unit_id: i64,
    pub unit_name: String,
}

/// 答复 — a unit's reply.
#[derive(Serialize, ToSchema)]
pub struct ReplyOut {
    #[schema(format = DateTime)]
    pub at: String,
    /// 答复类别: a reply class code of the committee's rules (default A, B, C).
    pub class: String,
    pub id: i64,
    /// 0 for the first reply, 1 after a rehandling (重新办理).
    pub round: i64,
    /// 签发人
    pub signer: String,
    pub text: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// 文号 of the reply letter (答复函).
    pub doc_number: Option<String>,
    /// 联系人 on the letter.
    pub contact_name: Option<String>,
    /// 联系电话 on the letter.
    pub contact_phone: Option<String>,
    /// 公开属性 of the letter.
    pub disclosure: Option<eline_domain::proposal::Disclosure>,
}

/// 评价 — a rating of a reply by the proposer or a co-signer.
#[derive(Serialize, ToSchema)]
pub struct EvaluationOut {
    #[schema(format = DateTime)]
    pub at: String,
    pub comment: Option<String>,
    /// The proposer's rating, the one that counts (co-signers' are recorded beside it).
    pub decisive: bool,
    pub id: i64,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    /// The reply round rated; -1: the rating of the promises' delivery after closing.
    pub round: i64,
    /// The overall rating (总体评价).
    pub satisfaction: Satisfaction,
    /// 测评表 (null when rated without it): 办前沟通.
    #[schema(value_type = Option<ContactWay>)]
    pub contact_before: Option<String>,
    /// 办中沟通
    #[schema(value_type = Option<ContactWay>)]
    pub contact_during: Option<String>,
    /// 办理态度
    #[schema(value_type = Option<Satisfaction>)]
    pub attitude: Option<String>,
    /// 办理结果
    #[schema(value_type = Option<Satisfaction>)]
    pub result: Option<String>,
}

/// An entry of the proposal's timeline (办理过程).
#[derive(Serialize, ToSchema)]
pub struct TimelineEventOut {
    /// The action: create, update, attach, link, merge, or a workflow action (submit, review,
    /// assign, reply, evaluate …).
    pub action: String,
    pub actor_name: String,
    #[schema(format = DateTime)]
    pub at: String,
    pub id: i64,
    /// What happened, in Chinese (e.g. 立案，编号第0010号).
    pub note: String,
    /// The record's status after the event, in its kind's names (a proposal's `Status`, a
    /// report's `OpinionStatus`): the timeline is shared by every kind of record.
    pub status_after: Option<String>,
}

/// 承诺事项 — a promise a unit made in a reply, followed up after closing.
#[derive(Serialize, ToSchema)]
pub struct CommitmentOut {
    /// When it was reported fulfilled; null while open.
    #[schema(format = DateTime)]
    pub done_at: Option<String>,
    /// 完成时限
    #[schema(format = Date)]
    pub due_on: Option<String>,
    /// 落实情况: how it was fulfilled.
    pub evidence: Option<String>,
    pub id: i64,
    pub promise: String,
    pub unit_id: Option<i64>,
}

/// 督办领导 — a leader supervising a key proposal.
#[derive(Serialize, ToSchema)]
pub struct SupervisorOut {
    pub name: String,
    pub user_id: i64,
}

impl From<Cosigner> for CosignerOut {
    fn from(c: Cosigner) -> Self {
        CosignerOut { answered_at: c.answered_at.map(ts), member_id: c.member_id, name: c.name, status: c.status }
    }
}

impl From<Assignment> for ProposalUnitOut {
    fn from(a: Assignment) -> Self {
        ProposalUnitOut {
            active: a.active,
            assigned_on: a.assigned_on,
            co_opinion: a.co_opinion,
            id: a.id,
            objection_reason: a.objection_reason,
            proposal_id: a.proposal_id,
            replied_round: a.replied_round,
            role: a.role,
            unit_id: a.unit_id,
            unit_name: a.unit_name,
        }
    }
}

impl From<Reply> for ReplyOut {
    fn from(r: Reply) -> Self {
        let l = r.letter;
        ReplyOut {
            at: ts(r.at),
            class: r.class,
            id: r.id,
            round: r.round,
            signer: r.signer,
            text: r.text,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            doc_number: l.doc_number,
            contact_name: l.contact_name,
            contact_phone: l.contact_phone,
            disclosure: l.disclosure,
        }
    }
}

impl From<Evaluation> for EvaluationOut {
    fn from(e: Evaluation) -> Self {
        EvaluationOut {
            at: ts(e.at),
            comment: e.comment,
            decisive: e.decisive,
            id: e.id,
            member_id: e.member_id,
            member_name: e.member_name,
            round: e.round,
            satisfaction: e.satisfaction,
            contact_before: e.contact_before,
            contact_during: e.contact_during,
            attitude: e.attitude,
            result: e.result,
        }
    }
}

impl From<Event> for TimelineEventOut {
    fn from(e: Event) -> Self {
        TimelineEventOut { action: e.action, actor_name: e.actor_name, at: ts(e.at), id: e.id, note: e.note, status_after: e.status_after }
    }
}

impl From<Commitment> for CommitmentOut {
    fn from(c: Commitment) -> Self {
        CommitmentOut { done_at: c.done_at.map(ts), due_on: c.due_on, evidence: c.evidence, id: c.id, promise: c.promise, unit_id: c.unit_id }
    }
}

fn all<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(U::from).collect()
}

impl From<ProposalView> for ProposalOut {
    fn from(v: ProposalView) -> Self {
        let p = v.proposal;
        ProposalOut {
            id: p.id,
            version: p.version,
            status: p.status,
            status_label: v.status_label.to_string(),
            number: p.number,
            session_id: p.session_id,
            session_name: v.session_name,
            title: p.title,
            body: p.body,
            kind: p.kind,
            proposer_member_id: p.proposer_member_id,
            proposer_name: v.proposer_name,
            organization_id: p.organization_id,
            organization_name: v.organization_name,
            category: p.category,
            occasion: p.occasion,
            publish_consent: p.publish_consent,
            suggested_units: v.suggested_units.into_iter().map(|(unit_id, name)| SuggestedUnitOut { unit_id, name }).collect(),
            proposer_contact: v.proposer_contact.map(|c| ProposerContactOut { name: c.name, phone: c.phone, email: c.email, address: c.address }),
            pending_co_opinions: v.pending_co_opinions,
            is_key: p.is_key,
            published: p.published,
            merged_into_id: p.merged_into_id,
            review_note: p.review_note,
            converted_to: p.converted_to,
            assigned_on: p.assigned_on,
            due_on: p.due_on,
            due_label: v.due_label,
            overdue: v.overdue,
            objection_open: p.objection_open,
            extension_requested: p.extension_requested,
            extended: p.extended,
            evaluation_due_on: p.evaluation_due_on,
            cosigners: all(v.cosigners),
            units: all(v.assignments),
            replies: all(v.replies),
            evaluations: all(v.evaluations),
            timeline: all(v.events),
            commitments: all(v.commitments),
            supervisors: v.supervisors.into_iter().map(|(user_id, name)| SupervisorOut { name, user_id }).collect(),
            allowed_actions: v.allowed_actions.iter().map(|a| a.to_string()).collect(),
            access: if v.access == eline_domain::Access::Public.as_str() { ProposalAccess::Public } else { ProposalAccess::Full },
        }
    }
}
