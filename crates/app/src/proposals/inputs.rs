//! The typed inputs of the proposal actions: the JSON body of `POST /api/v1/proposals/{id}/<action>`
//! and the fields of the page's action form are the same struct (its OpenAPI schema is the
//! request body). Every input may carry the record's `version` (else `If-Match`; checked when
//! given). Names of choices (`decision`, `satisfaction`, …) are checked by the action with a
//! Chinese message against the field.

use serde::Deserialize;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// 提交 (the proposer).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"version": 1})))]
pub struct SubmitInput {
    pub version: Option<i64>,
}

/// 联名确认 (a co-signer asked to co-sign).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CosignInput {
    /// true: confirm (确认联名); false: decline (谢绝).
    pub accept: bool,
    pub version: Option<i64>,
}

/// 撤回 (the proposer, before filing).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WithdrawInput {
    pub reason: Option<String>,
    pub version: Option<i64>,
}

/// 审查 (the office): file, reject, merge or return.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"decision": "reject", "reason": "没有具体建议", "convert_to": "opinion", "comment": "建议补充具体措施后作为社情民意信息报送", "version": 2})))]
pub struct ReviewInput {
    /// file (立案) | reject (不立案) | merge (并案) | return (退回修改)
    #[cfg_attr(feature = "openapi", schema(value_type = eline_domain::proposal::Decision))]
    #[serde(default)]
    pub decision: String,
    /// Rejection reason (不立案理由): one of the configured reasons, or another.
    pub reason: Option<String>,
    /// The filed proposal to merge into (并案).
    pub merge_into: Option<i64>,
    /// Comment to the proposer (required when returning).
    pub comment: Option<String>,
    /// With the proposer's consent, what a rejected proposal becomes: opinion (社情民意) |
    /// suggestion (意见建议) | letter (委员来信).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<eline_domain::proposal::Conversion>))]
    pub convert_to: Option<String>,
    pub version: Option<i64>,
}

/// 交办 / 重新交办 (the office): a lead unit with co-units, or two or more split units.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"lead_unit_id": 2, "co_unit_ids": [5], "comment": "请发展改革局主办，财政局会办", "version": 3})))]
pub struct AssignInput {
    /// 主办 — with co-units (会办); or leave empty and give split units (分办).
    pub lead_unit_id: Option<i64>,
    #[serde(default)]
    pub co_unit_ids: Vec<i64>,
    #[serde(default)]
    pub split_unit_ids: Vec<i64>,
    pub comment: Option<String>,
    pub version: Option<i64>,
}

/// 重新交办 (the office): as an assignment; answers an objection.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(transparent)]
pub struct ReassignInput(pub AssignInput);

/// 维持原交办 (the office): answers an objection by keeping the assignment; the reason is told
/// to the units in the timeline.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reason": "该事项属于贵单位职责范围，请按期办理", "version": 4})))]
pub struct KeepAssignmentInput {
    #[serde(default)]
    pub reason: String,
    pub version: Option<i64>,
}

/// 申请调整 (an assigned unit, within the window).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ObjectInput {
    #[serde(default)]
    pub reason: String,
    pub version: Option<i64>,
}

/// 沟通记录 (an assigned unit: meeting or phoning the proposer before or during handling).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ContactInput {
    #[serde(default)]
    pub text: String,
    pub version: Option<i64>,
}

/// 会办意见 (a co-unit, to the lead unit).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CoOpinionInput {
    #[serde(default)]
    pub text: String,
    pub version: Option<i64>,
}

/// 申请延期 (a replying unit, before the due date).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RequestExtensionInput {
    #[serde(default)]
    pub reason: String,
    pub version: Option<i64>,
}

/// 督办 (a supervising leader of a key proposal).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SuperviseInput {
    #[serde(default)]
    pub text: String,
    pub version: Option<i64>,
}

/// 审批延期 (the office).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DecideExtensionInput {
    pub approved: bool,
    pub comment: Option<String>,
    pub version: Option<i64>,
}

/// A promise a unit makes in a B or C reply (承诺事项), followed up after closing.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CommitmentInput {
    #[serde(default)]
    pub promise: String,
    /// YYYY-MM-DD
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub due_on: Option<String>,
}

/// 答复 (the lead unit, or each split unit).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "class": "B",
    "text": "经认真研究，现答复如下：我局已将社区养老服务设施建设纳入年度工作计划，正会同民政局推进落实。",
    "signer": "李明",
    "commitments": [{"promise": "2027年6月底前完成首批10个社区养老服务站建设", "due_on": "2027-06-30"}],
    "doc_number": "清民函〔2026〕12号",
    "contact_name": "张丽",
    "contact_phone": "0760-88312345",
    "disclosure": "public",
    "version": 5
})))]
pub struct ReplyInput {
    /// A reply class code of the committee's configuration (default A, B, C).
    #[serde(default)]
    pub class: String,
    #[serde(default)]
    pub text: String,
    /// 签发人
    #[serde(default)]
    pub signer: String,
    #[serde(default)]
    pub commitments: Vec<CommitmentInput>,
    /// The lead unit replies although a co-unit has not sent its opinion (会办意见) yet: without
    /// this the reply is refused with a warning naming the co-units (field
    /// `confirm_without_co_opinions`).
    #[serde(default)]
    pub confirm_without_co_opinions: bool,
    /// The reply letter's 文号 (e.g. 中民函〔2026〕12号), up to 40 characters.
    pub doc_number: Option<String>,
    /// 联系人 on the letter.
    pub contact_name: Option<String>,
    /// 联系电话 on the letter (mobile or landline).
    pub contact_phone: Option<String>,
    /// 公开属性: public (主动公开) | on_request (依申请公开) | withheld (不予公开).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<eline_domain::proposal::Disclosure>))]
    pub disclosure: Option<String>,
    pub version: Option<i64>,
}

/// 评价 (the proposer; co-signers' ratings are recorded).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "satisfaction": "basically_satisfied",
    "contact_before": "face_to_face",
    "contact_during": "phone",
    "attitude": "satisfied",
    "result": "basically_satisfied",
    "comment": "答复的措施较具体，希望加快落实",
    "version": 6
})))]
pub struct EvaluateInput {
    /// satisfied (满意) | basically_satisfied (基本满意) | dissatisfied (不满意)
    #[cfg_attr(feature = "openapi", schema(value_type = eline_domain::proposal::Satisfaction))]
    #[serde(default)]
    pub satisfaction: String,
    /// Required when dissatisfied.
    pub comment: Option<String>,
    /// 测评表 (all four or none): contact before handling (办前沟通) —
    /// face_to_face (当面) | phone (电话) | written (书面) | none (未联系).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<eline_domain::proposal::ContactWay>))]
    pub contact_before: Option<String>,
    /// Contact during handling (办中沟通), the same choices.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<eline_domain::proposal::ContactWay>))]
    pub contact_during: Option<String>,
    /// The unit's attitude (办理态度): satisfied | basically_satisfied | dissatisfied.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<eline_domain::proposal::Satisfaction>))]
    pub attitude: Option<String>,
    /// The result (办理结果): the same choices.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<eline_domain::proposal::Satisfaction>))]
    pub result: Option<String>,
    pub version: Option<i64>,
}

/// 办结 (the office).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CloseInput {
    /// Required after a second 不满意 (the face-to-face consultation).
    pub comment: Option<String>,
    pub version: Option<i64>,
}

/// 跟踪落实 (the office, a handling unit): register a promise, or report one fulfilled.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FollowUpInput {
    /// A promise to register …
    pub promise: Option<String>,
    /// … due on YYYY-MM-DD;
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub due_on: Option<String>,
    /// or the promise fulfilled …
    pub commitment_id: Option<i64>,
    /// … and how.
    pub evidence: Option<String>,
    pub version: Option<i64>,
}

/// 重点提案 (the office, as decided by the chairs' meeting).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MarkKeyInput {
    #[serde(default = "yes")]
    pub key: bool,
    /// User ids of supervising leaders.
    #[serde(default)]
    pub supervisor_ids: Vec<i64>,
    pub version: Option<i64>,
}

/// 公开设置 (the office). Publishing needs the proposer's consent (公开意愿); without it the office
/// gives the reason it publishes anyway, recorded in the timeline and the audit log.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"published": true, "override_reason": "经主席会议研究，作为典型案例公开", "version": 9})))]
pub struct PublishInput {
    #[serde(default = "yes")]
    pub published: bool,
    /// Required to publish when the proposer did not agree to publication (or did not say).
    pub override_reason: Option<String>,
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

impl Default for MarkKeyInput {
    fn default() -> Self {
        MarkKeyInput { key: true, supervisor_ids: Vec::new(), version: None }
    }
}

impl Default for PublishInput {
    fn default() -> Self {
        PublishInput { published: true, override_reason: None, version: None }
    }
}

/// The record version an action's input carries (`version` in the body; checked when given).
pub trait Versioned {
    fn version(&self) -> Option<i64>;
}

macro_rules! versioned {
    ($($input:ty),* $(,)?) => {$(
        impl Versioned for $input {
            fn version(&self) -> Option<i64> {
                self.version
            }
        }
    )*};
}

versioned!(
    SubmitInput,
    CosignInput,
    WithdrawInput,
    ReviewInput,
    AssignInput,
    ObjectInput,
    KeepAssignmentInput,
    ContactInput,
    CoOpinionInput,
    RequestExtensionInput,
    SuperviseInput,
    DecideExtensionInput,
    ReplyInput,
    EvaluateInput,
    CloseInput,
    FollowUpInput,
    MarkKeyInput,
    PublishInput,
);

impl Versioned for ReassignInput {
    fn version(&self) -> Option<i64> {
        self.0.version
    }
}
