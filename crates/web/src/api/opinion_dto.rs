//! A 社情民意 report as the API shows it (`OpinionOut`) and its parts: outcomes by level, the
//! chain of committees it travelled through, revisions with their diffs, the list rows. Times
//! are RFC 3339 in Beijing time (`super::dto::ts`), dates YYYY-MM-DD.

use eline_app::opinions::{ChainStep, DiffLine, OpinionView};
use eline_domain::Access;
use eline_domain::opinion::{Channel, Level, OutcomeKind, Status, Submitter};
use eline_storage::opinions::{Outcome, Row};
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::ts;
use super::proposal_dto::{ProposalAccess, TimelineEventOut};

/// A report (社情民意信息 or 资政之声) as the caller sees it.
#[derive(Serialize, ToSchema)]
pub struct OpinionOut {
    pub id: i64,
    /// 版本号: send it back with an edit or an action (or as If-Match).
    pub version: i64,
    pub status: Status,
    /// 状态名称, e.g. 编辑中.
    pub status_label: String,
    /// opinion (社情民意) | direct (资政之声)
    pub channel: Channel,
    pub channel_label: String,
    pub year: i64,
    pub title: String,
    /// 正文 (plain text, paragraphs separated by newlines).
    pub body: String,
    /// Who it is credited to: member | organization | special_committee | sector | informant |
    /// committee (a committee below reported it up).
    pub submitter_kind: Submitter,
    pub member_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub special_committee_id: Option<i64>,
    pub sector_id: Option<i64>,
    /// 报送人: the member's, organisation's or informant's name.
    pub author_name: String,
    #[schema(format = Date)]
    pub submitted_on: Option<String>,
    /// The office's target date for its decision (资政之声 sooner).
    #[schema(format = Date)]
    pub due_on: Option<String>,
    /// While it waits for the office: 还剩3个工作日 / 已超期2天.
    pub due_label: Option<String>,
    pub overdue: bool,
    #[schema(format = Date)]
    pub decided_on: Option<String>,
    /// 退回原因 (a returned report); the author edits and resubmits it.
    pub return_reason: Option<String>,
    /// 留存原因 (a kept report).
    pub keep_reason: Option<String>,
    /// How often it was returned.
    pub returns: i64,
    /// 已刊发: printed in an issued bulletin (members may read it).
    pub published: bool,
    /// The report it became in the parent committee (报送上级), with what became of it there.
    pub above: Option<ChainStepOut>,
    /// The report of the committee below it came from.
    pub below: Option<ChainStepOut>,
    /// 采用情况 at every level, oldest first (copied down the chain from above).
    pub outcomes: Vec<OutcomeOut>,
    /// The levels the caller may record an outcome at now (`record_outcome`).
    pub outcome_levels: Vec<Level>,
    /// How many revisions were kept (GET …/revisions lists them with their diffs).
    pub revision_count: usize,
    /// 处理过程, oldest first.
    pub timeline: Vec<TimelineEventOut>,
    /// What the caller may do now: the `{action}` of POST /api/v1/opinions/{id}/{action}
    /// (submit, take, revise, return, adopt, keep, mark_direct, report_up, record_outcome),
    /// `edit` (PATCH), `delete` (DELETE a draft) and `convert_to_proposal`.
    pub allowed_actions: Vec<String>,
    /// full: the caller takes part; public: a published report read by another member (text
    /// and outcomes only).
    pub access: ProposalAccess,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// The report at another committee of its chain.
#[derive(Serialize, ToSchema)]
pub struct ChainStepOut {
    pub committee: String,
    pub level: Level,
    pub status: Status,
    pub status_label: String,
}

/// 采用情况 — what became of the report at a level.
#[derive(Serialize, ToSchema)]
pub struct OutcomeOut {
    pub level: Level,
    pub kind: OutcomeKind,
    pub kind_label: String,
    /// Who acted (the department that adopted it, the body it was forwarded to).
    pub body: Option<String>,
    #[schema(format = Date)]
    pub decided_on: String,
    pub note: Option<String>,
    /// Recorded here by hand for a level above that is not on the platform.
    pub by_hand: bool,
    /// Recorded by a committee above on the platform and copied down the chain.
    pub from_above: bool,
    #[schema(format = DateTime)]
    pub recorded_at: String,
}

/// A run of text of a diff.
#[derive(Serialize, ToSchema)]
pub struct DiffPartOut {
    /// same | removed | added
    pub kind: String,
    pub text: String,
}

/// A line of an inline diff (characters within changed lines).
#[derive(Serialize, ToSchema)]
pub struct DiffLineOut {
    pub parts: Vec<DiffPartOut>,
    pub changed: bool,
}

/// One kept revision and its diff against the one before (the first: against nothing).
#[derive(Serialize, ToSchema)]
pub struct RevisionOut {
    pub number: i64,
    pub title: String,
    pub body: String,
    pub editor_name: String,
    /// What was changed and why.
    pub note: Option<String>,
    #[schema(format = DateTime)]
    pub at: String,
    pub title_diff: Vec<DiffLineOut>,
    pub body_diff: Vec<DiffLineOut>,
}

#[derive(Serialize, ToSchema)]
pub struct RevisionList {
    pub items: Vec<RevisionOut>,
}

/// A report in a list.
#[derive(Serialize, ToSchema)]
pub struct OpinionRowOut {
    pub id: i64,
    pub version: i64,
    pub year: i64,
    pub channel: Channel,
    pub status: Status,
    pub title: String,
    pub author_name: String,
    #[schema(format = Date)]
    pub submitted_on: Option<String>,
    #[schema(format = Date)]
    pub due_on: Option<String>,
    /// Reported up to the parent committee.
    pub reported_up: bool,
    /// Came from a committee below.
    pub from_below: bool,
    pub published: bool,
}

#[derive(Serialize, ToSchema)]
pub struct OpinionPage {
    pub items: Vec<OpinionRowOut>,
    pub next_cursor: Option<String>,
}

impl From<Row> for OpinionRowOut {
    fn from(r: Row) -> Self {
        OpinionRowOut {
            id: r.id,
            version: r.version,
            year: r.year,
            channel: r.channel,
            status: r.status,
            title: r.title,
            author_name: r.author_name,
            submitted_on: r.submitted_on,
            due_on: r.due_on,
            reported_up: r.reported_up_id.is_some(),
            from_below: r.origin_id.is_some(),
            published: r.published,
        }
    }
}

impl From<ChainStep> for ChainStepOut {
    fn from(c: ChainStep) -> Self {
        ChainStepOut { committee: c.committee, level: c.level, status: c.status, status_label: c.status.label().into() }
    }
}

impl From<Outcome> for OutcomeOut {
    fn from(o: Outcome) -> Self {
        OutcomeOut {
            from_above: o.source_id != o.opinion_id,
            level: o.level,
            kind: o.kind,
            kind_label: o.kind.label().into(),
            body: o.body,
            decided_on: o.decided_on,
            note: o.note,
            by_hand: o.by_hand,
            recorded_at: ts(o.recorded_at),
        }
    }
}

pub fn diff_out(lines: Vec<DiffLine>) -> Vec<DiffLineOut> {
    lines
        .into_iter()
        .map(|l| DiffLineOut { changed: l.changed, parts: l.parts.into_iter().map(|p| DiffPartOut { kind: p.kind.into(), text: p.text }).collect() })
        .collect()
}

/// The names of what the caller may do now (the API's `allowed_actions`).
pub fn allowed_actions(v: &OpinionView) -> Vec<String> {
    let mut out: Vec<String> = v.actions.iter().map(|a| a.to_string()).collect();
    for (may, name) in [(v.editable, "edit"), (v.deletable, "delete"), (v.convertible, "convert_to_proposal")] {
        if may {
            out.push(name.into());
        }
    }
    out
}

impl From<OpinionView> for OpinionOut {
    fn from(v: OpinionView) -> Self {
        let allowed_actions = allowed_actions(&v);
        let o = v.o;
        OpinionOut {
            id: o.id,
            version: o.version,
            status: o.status,
            status_label: o.status.label().into(),
            channel: o.channel,
            channel_label: o.channel.label().into(),
            year: o.year,
            title: o.title,
            body: o.body,
            submitter_kind: o.submitter_kind,
            member_id: o.member_id,
            organization_id: o.organization_id,
            special_committee_id: o.special_committee_id,
            sector_id: o.sector_id,
            author_name: o.author_name,
            submitted_on: o.submitted_on,
            due_on: o.due_on,
            due_label: v.due_label,
            overdue: v.overdue,
            decided_on: o.decided_on,
            return_reason: o.return_reason,
            keep_reason: o.keep_reason,
            returns: o.returns,
            published: o.published,
            above: v.above.map(Into::into),
            below: v.below.map(Into::into),
            outcomes: v.outcomes.into_iter().map(Into::into).collect(),
            outcome_levels: if allowed_actions.iter().any(|a| a == "record_outcome") { v.outcome_levels } else { Vec::new() },
            revision_count: v.revisions.len(),
            timeline: v.events.into_iter().map(Into::into).collect(),
            allowed_actions,
            access: if v.access == Access::Full { ProposalAccess::Full } else { ProposalAccess::Public },
            created_at: ts(o.created_at),
            updated_at: ts(o.updated_at),
        }
    }
}
