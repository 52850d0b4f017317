//! Writing imported past proposals (the history import) in a few multi-row statements: the rows
//! the one-by-one actions would have left (the proposal in its final state, co-signers, handling
//! units, the reply, the evaluation, one timeline entry), with ids reserved up front so that the
//! children refer to their proposal without reading anything back.

use eline_domain::proposal::{Satisfaction, UnitRole};

use crate::bulk::{Rows, Val, insert, reserve_ids};
use crate::proposals::Proposal;
use crate::{Result, Tx, now_micros};

/// One past proposal as imported. `proposal.id` is ignored (a fresh one is taken).
#[derive(Debug, Clone)]
pub struct PastProposal {
    pub proposal: Proposal,
    /// Co-signers, all confirmed.
    pub cosigners: Vec<i64>,
    /// Handling units as (unit, role), assigned on `proposal.assigned_on`.
    pub units: Vec<(i64, UnitRole)>,
    /// The reply of the lead unit: (unit, class, text, signer, at).
    pub reply: Option<(i64, String, String, String, i64)>,
    /// The proposer's rating: (member, satisfaction, at).
    pub evaluation: Option<(Option<i64>, Satisfaction, i64)>,
    /// The timeline entry: (actor user, actor name, note).
    pub event: (i64, String, String),
}

/// The columns of `proposals`, in the order of `proposal_values`.
const PROPOSAL_COLUMNS: [&str; 37] = [
    "id",
    "committee_id",
    "session_id",
    "number",
    "title",
    "body",
    "kind",
    "proposer_member_id",
    "organization_id",
    "created_by",
    "status",
    "is_key",
    "published",
    "merged_into_id",
    "review_note",
    "converted_to",
    "handling_mode",
    "assigned_on",
    "due_on",
    "objection_open",
    "extension_requested",
    "extension_reason",
    "extended",
    "round",
    "dissatisfied_rounds",
    "cosign_due_on",
    "evaluation_due_on",
    "replied_on",
    "submitted_at",
    "filed_at",
    "closed_at",
    "version",
    "created_at",
    "updated_at",
    "category",
    "occasion",
    "publish_consent",
];

fn proposal_values(p: &Proposal) -> [Val; 37] {
    [
        Val::Int(p.id),
        Val::Int(p.committee_id),
        Val::Int(p.session_id),
        Val::OptInt(p.number),
        Val::Text(p.title.clone()),
        Val::Text(p.body.clone()),
        Val::Static(p.kind.as_str()),
        Val::OptInt(p.proposer_member_id),
        Val::OptInt(p.organization_id),
        Val::Int(p.created_by),
        Val::Static(p.status.as_str()),
        Val::Bool(p.is_key),
        Val::Bool(p.published),
        Val::OptInt(p.merged_into_id),
        Val::OptText(p.review_note.clone()),
        Val::OptText(p.converted_to.clone()),
        Val::OptText(p.handling_mode.clone()),
        Val::OptText(p.assigned_on.clone()),
        Val::OptText(p.due_on.clone()),
        Val::Bool(p.objection_open),
        Val::Bool(p.extension_requested),
        Val::OptText(p.extension_reason.clone()),
        Val::Bool(p.extended),
        Val::Int(p.round),
        Val::Int(p.dissatisfied_rounds),
        Val::OptText(p.cosign_due_on.clone()),
        Val::OptText(p.evaluation_due_on.clone()),
        Val::OptText(p.replied_on.clone()),
        Val::OptInt(p.submitted_at),
        Val::OptInt(p.filed_at),
        Val::OptInt(p.closed_at),
        Val::Int(p.version),
        Val::Int(p.created_at),
        Val::Int(p.updated_at),
        Val::OptText(p.category.clone()),
        Val::OptText(p.occasion.clone()),
        Val::OptBool(p.publish_consent),
    ]
}

/// Writes the past proposals; returns them as stored (with their ids), in the order given.
pub async fn insert_past(tx: &mut Tx, past: &[PastProposal]) -> Result<Vec<Proposal>> {
    let ids = reserve_ids(tx, "proposals", past.len()).await?;
    let now = now_micros();
    let stored: Vec<Proposal> = past.iter().zip(&ids).map(|(p, id)| Proposal { id: *id, ..p.proposal.clone() }).collect();
    let mut proposals = Rows::new("proposals", &PROPOSAL_COLUMNS);
    let mut cosigners = Rows::new("proposal_cosigners", &["proposal_id", "member_id", "status", "answered_at"]);
    let mut units = Rows::new("proposal_units", &["proposal_id", "unit_id", "role", "active", "assigned_on", "replied_round", "created_at"]);
    let mut replies = Rows::new("proposal_replies", &["proposal_id", "unit_id", "round", "class", "text", "signer", "replied_by", "at"]);
    let mut evaluations = Rows::new("proposal_evaluations", &["proposal_id", "member_id", "user_id", "round", "satisfaction", "decisive", "at"]);
    let mut events =
        Rows::new("record_events", &["committee_id", "record_kind", "record_id", "at", "actor_user_id", "actor_name", "action", "status_after", "note"]);
    for (p, s) in past.iter().zip(&stored) {
        proposals.push(proposal_values(s));
        for m in &p.cosigners {
            cosigners.push([Val::Int(s.id), Val::Int(*m), Val::Static("confirmed"), Val::Int(now)]);
        }
        let replied = p.reply.is_some();
        for (unit, role) in &p.units {
            // The lead unit's reply answers round 0.
            let replied_round = (replied && *role == UnitRole::Lead).then_some(0);
            units.push([
                Val::Int(s.id),
                Val::Int(*unit),
                Val::Static(role.as_str()),
                Val::Bool(true),
                Val::Text(s.assigned_on.clone().unwrap_or_default()),
                Val::OptInt(replied_round),
                Val::Int(now),
            ]);
        }
        if let Some((unit, class, text, signer, at)) = &p.reply {
            replies.push([
                Val::Int(s.id),
                Val::Int(*unit),
                Val::Int(0),
                Val::Text(class.clone()),
                Val::Text(text.clone()),
                Val::Text(signer.clone()),
                Val::Int(p.event.0),
                Val::Int(*at),
            ]);
        }
        if let Some((member, satisfaction, at)) = &p.evaluation {
            evaluations.push([
                Val::Int(s.id),
                Val::OptInt(*member),
                Val::Int(p.event.0),
                Val::Int(0),
                Val::Static(satisfaction.as_str()),
                Val::Bool(true),
                Val::Int(*at),
            ]);
        }
        let (actor, name, note) = &p.event;
        events.push([
            Val::Int(s.committee_id),
            Val::Static(eline_domain::RecordKind::PROPOSAL.as_str()),
            Val::Int(s.id),
            Val::Int(now),
            Val::Int(*actor),
            Val::Text(name.clone()),
            Val::Static("import"),
            Val::Static(s.status.as_str()),
            Val::Text(note.clone()),
        ]);
    }
    for rows in [&proposals, &cosigners, &units, &replies, &evaluations, &events] {
        insert(tx, rows).await?;
    }
    Ok(stored)
}
