//! The typed inputs of the report actions and of writing a report: the JSON body of the API and
//! the fields of the page's forms are the same struct. Every action input may carry the
//! record's `version` (else `If-Match`; checked when given).

use serde::Deserialize;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A report as its author writes it (create and edit a draft or a returned report).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"title": "关于加快老旧小区加装电梯的建议", "body": "一、基本情况……二、存在问题……三、建议……", "direct": false})))]
pub struct OpinionDraft {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// 资政之声: addressed to the main party and government leaders.
    #[serde(default, with = "crate::params::flag")]
    pub direct: bool,
    /// Only the office, writing for someone else: member | organization | special_committee |
    /// sector | informant. Others write as themselves.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<eline_domain::opinion::Submitter>))]
    #[serde(default, with = "crate::params::blank")]
    pub submitter_kind: Option<String>,
    /// The member, organisation, special committee or sector written for (the office).
    #[serde(default, with = "crate::params::blank")]
    pub submitter_id: Option<i64>,
    /// The informant's name (the office writing for an informant without an account).
    #[serde(default, with = "crate::params::blank")]
    pub author_name: Option<String>,
    pub version: Option<i64>,
}

/// 提交 / 重新提交 (the author).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SubmitInput {
    pub version: Option<i64>,
}

/// 受理 (the information office): starts editing.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TakeInput {
    pub version: Option<i64>,
}

/// 编辑 (the office): the report's title and text as edited; the earlier version is kept.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"title": "关于加快老旧小区加装电梯的建议", "body": "……", "note": "压缩篇幅，标题改为建议", "version": 3})))]
pub struct ReviseInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// What was changed and why (shown with the revision).
    pub note: Option<String>,
    pub version: Option<i64>,
}

/// 退回 (the office): back to the author with a reason.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReturnInput {
    #[serde(default)]
    pub reason: String,
    pub version: Option<i64>,
}

/// 录用 (the office).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdoptInput {
    pub comment: Option<String>,
    pub version: Option<i64>,
}

/// 留存 / 未录用 (the office), with the reason told to the author.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct KeepInput {
    #[serde(default)]
    pub reason: String,
    pub version: Option<i64>,
}

/// 标为资政之声 / 改为社情民意 (the office).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MarkDirectInput {
    /// true: 资政之声; false: 社情民意.
    #[serde(default, with = "crate::params::flag")]
    pub direct: bool,
    pub version: Option<i64>,
}

/// 报送上级政协 (the office): the parent committee on the platform receives it in its queue.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReportUpInput {
    pub note: Option<String>,
    pub version: Option<i64>,
}

/// 登记采用情况 (the office): what became of the report at a level.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"level": "city", "kind": "dept_adopted", "body": "市住房和城乡建设局", "decided_on": "2026-11-20", "version": 5})))]
pub struct OutcomeInput {
    /// city | province | national
    #[cfg_attr(feature = "openapi", schema(value_type = eline_domain::opinion::Level))]
    #[serde(default)]
    pub level: String,
    /// city: adopted | dept_adopted | instructed; province: adopted | forwarded | to_national;
    /// national: single_adopted | digest_adopted | to_ministries | instructed
    #[cfg_attr(feature = "openapi", schema(value_type = eline_domain::opinion::OutcomeKind))]
    #[serde(default)]
    pub kind: String,
    /// Who acted (the department that adopted it, the body it was forwarded to).
    pub body: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub decided_on: String,
    pub note: Option<String>,
    pub version: Option<i64>,
}
