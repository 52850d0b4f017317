//! The typed inputs of the bulletin use cases: the JSON body of the API and the fields of the
//! compiler's forms are the same struct. Writes may carry the issue's `version` (else
//! `If-Match`; checked when given).

use eline_domain::opinion::{BulletinForm, Channel, RecipientKind};
use serde::Deserialize;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::params::blank;

/// A new issue (编辑新一期). A single issue may name its report at once: its title and the
/// report's edited text are then taken when left empty.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"series": "opinion", "form": "digest", "title": "关于养老服务的几点意见建议",
    "body": "近期，委员和信息员围绕养老服务反映了以下情况和建议：……", "signed_off_by": "李明", "report_to": "市委、市政府主要领导", "copy_to": "市民政局"})))]
pub struct BulletinInput {
    /// opinion (《社情民意》, the default) | direct (《资政之声》)
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Channel>))]
    #[serde(default, with = "blank")]
    pub series: Option<Channel>,
    /// single (单篇, the default) | digest (综合)
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BulletinForm>))]
    #[serde(default, with = "blank")]
    pub form: Option<BulletinForm>,
    #[serde(default)]
    pub title: String,
    /// A digest's editorial text; a single issue's text (by default its report's edited text).
    #[serde(default)]
    pub body: String,
    /// 编发单位 (default: the committee's information office, `opinion_rules.editor_unit`).
    #[serde(default)]
    pub editor_unit: Option<String>,
    /// 签发人 (needed to issue).
    #[serde(default)]
    pub signed_off_by: Option<String>,
    /// 报送 line (needed to issue), e.g. 市委、市政府主要领导.
    #[serde(default)]
    pub report_to: Option<String>,
    /// 抄送 line.
    #[serde(default)]
    pub copy_to: Option<String>,
    /// The first report to compile into it (an adopted report of the series not in an issue).
    #[serde(default, with = "blank")]
    pub opinion_id: Option<i64>,
}

/// A report's place and credit in an issue.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ItemArrangement {
    pub opinion_id: i64,
    /// 署名: the name the report's contribution is credited to.
    #[serde(default)]
    pub credit: String,
    /// Its place (1 = first); without one the place in the list counts.
    #[serde(default, with = "blank")]
    pub position: Option<i64>,
}

/// A change of a draft issue (PATCH): the fields given replace the stored ones (an empty text
/// clears an optional line); `items`, when given, lists every report of the issue in its new
/// order with its credit.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"title": "关于养老服务的几点意见建议", "signed_off_by": "李明",
    "items": [{"opinion_id": 12, "credit": "王芳委员"}, {"opinion_id": 9, "credit": "民建清河市委会"}], "version": 3})))]
pub struct BulletinEdit {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BulletinForm>))]
    #[serde(default, with = "blank")]
    pub form: Option<BulletinForm>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub editor_unit: Option<String>,
    pub signed_off_by: Option<String>,
    pub report_to: Option<String>,
    pub copy_to: Option<String>,
    pub items: Option<Vec<ItemArrangement>>,
    pub version: Option<i64>,
}

/// 编入: compile one more adopted report into a draft issue.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"opinion_id": 12, "credit": "王芳委员", "version": 2})))]
pub struct AddItemInput {
    #[serde(default, with = "blank")]
    pub opinion_id: Option<i64>,
    /// 署名 (default: the report's author).
    #[serde(default)]
    pub credit: Option<String>,
    pub version: Option<i64>,
}

/// 移出: take a report out of a draft issue (it returns to the picking list).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RemoveItemInput {
    pub opinion_id: i64,
    pub version: Option<i64>,
}

/// 印发: the issue takes the next number of its series and year; its reports are published.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IssueInput {
    pub version: Option<i64>,
}

/// 登记报送: the issue was sent to a recipient on a day.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"recipient_kind": "party_committee", "recipient": "中共清河市委办公室", "sent_on": "2026-12-01"})))]
pub struct SendInput {
    /// party_committee | government | parent_cppcc | department | other
    #[cfg_attr(feature = "openapi", schema(value_type = RecipientKind))]
    #[serde(default, with = "blank")]
    pub recipient_kind: Option<RecipientKind>,
    #[serde(default)]
    pub recipient: String,
    /// YYYY-MM-DD (default today); not in the future.
    #[serde(default)]
    pub sent_on: Option<String>,
    pub version: Option<i64>,
}
