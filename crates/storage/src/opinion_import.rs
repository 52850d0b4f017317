//! Writing imported past reports (the history import) in a few multi-row statements: the report
//! in its final state, its text as revision 1, its outcomes (entered by hand) and one timeline
//! entry, with ids reserved up front so that the children refer to their report directly.

use eline_domain::RecordKind;
use eline_domain::opinion::{Level, OutcomeKind};

use crate::bulk::{Rows, Val, insert, reserve_ids};
use crate::opinions::Opinion;
use crate::{Result, Tx, now_micros};

/// One past report as imported. `opinion.id` is ignored (a fresh one is taken).
#[derive(Debug, Clone)]
pub struct PastOpinion {
    pub opinion: Opinion,
    /// (level, kind, decided on) of each outcome.
    pub outcomes: Vec<(Level, OutcomeKind, String)>,
    /// The importing account: (user, name, timeline note).
    pub event: (i64, String, String),
}

const OPINION_COLUMNS: [&str; 29] = [
    "id",
    "committee_id",
    "year",
    "channel",
    "status",
    "title",
    "body",
    "submitter_kind",
    "member_id",
    "organization_id",
    "special_committee_id",
    "sector_id",
    "author_name",
    "created_by",
    "submitted_at",
    "submitted_on",
    "due_on",
    "decided_at",
    "decided_on",
    "return_reason",
    "keep_reason",
    "returns",
    "origin_id",
    "reported_up_id",
    "reported_up_at",
    "published",
    "version",
    "created_at",
    "updated_at",
];

fn opinion_values(o: &Opinion) -> [Val; 29] {
    [
        Val::Int(o.id),
        Val::Int(o.committee_id),
        Val::Int(o.year),
        Val::Static(o.channel.as_str()),
        Val::Static(o.status.as_str()),
        Val::Text(o.title.clone()),
        Val::Text(o.body.clone()),
        Val::Static(o.submitter_kind.as_str()),
        Val::OptInt(o.member_id),
        Val::OptInt(o.organization_id),
        Val::OptInt(o.special_committee_id),
        Val::OptInt(o.sector_id),
        Val::Text(o.author_name.clone()),
        Val::Int(o.created_by),
        Val::OptInt(o.submitted_at),
        Val::OptText(o.submitted_on.clone()),
        Val::OptText(o.due_on.clone()),
        Val::OptInt(o.decided_at),
        Val::OptText(o.decided_on.clone()),
        Val::OptText(o.return_reason.clone()),
        Val::OptText(o.keep_reason.clone()),
        Val::Int(o.returns),
        Val::OptInt(o.origin_id),
        Val::OptInt(o.reported_up_id),
        Val::OptInt(o.reported_up_at),
        Val::Bool(o.published),
        Val::Int(o.version),
        Val::Int(o.created_at),
        Val::Int(o.updated_at),
    ]
}

/// Writes the past reports; returns them as stored (with their ids), in the order given.
pub async fn insert_past(tx: &mut Tx, past: &[PastOpinion]) -> Result<Vec<Opinion>> {
    let ids = reserve_ids(tx, "opinions", past.len()).await?;
    let now = now_micros();
    let stored: Vec<Opinion> = past.iter().zip(&ids).map(|(p, id)| Opinion { id: *id, ..p.opinion.clone() }).collect();
    let mut opinions = Rows::new("opinions", &OPINION_COLUMNS);
    let mut revisions = Rows::new("opinion_revisions", &["opinion_id", "number", "title", "body", "edited_by", "editor_name", "note", "at"]);
    let mut outcomes =
        Rows::new("opinion_outcomes", &["opinion_id", "source_id", "level", "kind", "body", "decided_on", "note", "by_hand", "recorded_by", "recorded_at"]);
    let mut events =
        Rows::new("record_events", &["committee_id", "record_kind", "record_id", "at", "actor_user_id", "actor_name", "action", "status_after", "note"]);
    for (p, s) in past.iter().zip(&stored) {
        let (actor, name, note) = &p.event;
        opinions.push(opinion_values(s));
        revisions.push([
            Val::Int(s.id),
            Val::Int(1),
            Val::Text(s.title.clone()),
            Val::Text(s.body.clone()),
            Val::OptInt(None),
            Val::Text(s.author_name.clone()),
            Val::Static("历史信息导入"),
            Val::Int(s.submitted_at.unwrap_or(now)),
        ]);
        for (level, kind, on) in &p.outcomes {
            outcomes.push([
                Val::Int(s.id),
                Val::Int(s.id),
                Val::Static(level.as_str()),
                Val::Static(kind.as_str()),
                Val::OptText(None),
                Val::Text(on.clone()),
                Val::Static("历史信息导入"),
                Val::Bool(true),
                Val::Int(*actor),
                Val::Int(now),
            ]);
        }
        events.push([
            Val::Int(s.committee_id),
            Val::Static(RecordKind::OPINION.as_str()),
            Val::Int(s.id),
            Val::Int(now),
            Val::Int(*actor),
            Val::Text(name.clone()),
            Val::Static("import"),
            Val::Static(s.status.as_str()),
            Val::Text(note.clone()),
        ]);
    }
    for rows in [&opinions, &revisions, &outcomes, &events] {
        insert(tx, rows).await?;
    }
    Ok(stored)
}
