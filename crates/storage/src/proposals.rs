//! Proposals (提案) and everything recorded about them: co-signers, handling units, replies,
//! evaluations, the timeline, commitments, supervising leaders. Scoped to one committee.

use eline_domain::proposal::{CosignStatus, Kind, Status, UnitRole};
use serde::Serialize;

use crate::{Ex, Result, StorageError, all, now_micros, opt, run, scalar};

pub use crate::proposal_lists::{Filter, Queues, Row, count_by_status, list, member_todo, queues};
pub use crate::proposal_replies::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Proposal {
    pub id: i64,
    pub committee_id: i64,
    pub session_id: i64,
    pub number: Option<i64>,
    pub title: String,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    pub proposer_member_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub created_by: i64,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub is_key: bool,
    pub published: bool,
    pub merged_into_id: Option<i64>,
    pub review_note: Option<String>,
    pub converted_to: Option<String>,
    pub handling_mode: Option<String>,
    pub assigned_on: Option<String>,
    pub due_on: Option<String>,
    pub objection_open: bool,
    pub extension_requested: bool,
    pub extension_reason: Option<String>,
    pub extended: bool,
    pub round: i64,
    pub dissatisfied_rounds: i64,
    pub cosign_due_on: Option<String>,
    pub evaluation_due_on: Option<String>,
    pub replied_on: Option<String>,
    pub submitted_at: Option<i64>,
    pub filed_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// 提案分类, one of the committee's categories (`ProposalRules::categories`).
    pub category: Option<String>,
    /// plenary (大会提案) | regular (平时提案) — `eline_domain::proposal::Occasion`.
    pub occasion: Option<String>,
    /// 公开意愿: the proposer agrees to publication; None: not stated (older and imported ones).
    pub publish_consent: Option<bool>,
}

pub struct NewProposal<'a> {
    pub committee_id: i64,
    pub session_id: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub kind: &'a str,
    pub proposer_member_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub created_by: i64,
    pub category: Option<&'a str>,
    pub occasion: Option<&'a str>,
    pub publish_consent: Option<bool>,
}

pub async fn create(ex: &mut Ex<'_>, p: &NewProposal<'_>) -> Result<Proposal> {
    let now = now_micros();
    opt!(
        ex,
        Proposal,
        "INSERT INTO proposals (committee_id, session_id, title, body, kind, proposer_member_id, organization_id, created_by, status, version, created_at, updated_at,
            category, occasion, publish_consent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', 1, $9, $9, $10, $11, $12) RETURNING *",
        p.committee_id,
        p.session_id,
        p.title,
        p.body,
        p.kind,
        p.proposer_member_id,
        p.organization_id,
        p.created_by,
        now,
        p.category,
        p.occasion,
        p.publish_consent
    )?
    .ok_or(StorageError::NotFound)
}

pub async fn get(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> Result<Option<Proposal>> {
    Ok(opt!(ex, Proposal, "SELECT * FROM proposals WHERE id = $1 AND committee_id = $2", id, committee_id)?)
}

/// Writes every mutable field when the stored version is `expected`; returns the new state.
pub async fn save(ex: &mut Ex<'_>, p: &Proposal, expected: i64) -> Result<Proposal> {
    let row = opt!(
        &mut *ex,
        Proposal,
        "UPDATE proposals SET session_id = $1, number = $2, title = $3, body = $4, kind = $5, proposer_member_id = $6, organization_id = $7, status = $8,
            is_key = $9, published = $10, merged_into_id = $11, review_note = $12, converted_to = $13, handling_mode = $14, assigned_on = $15,
            due_on = $16, objection_open = $17, extension_requested = $18, extension_reason = $19, extended = $20, round = $21,
            dissatisfied_rounds = $22, cosign_due_on = $23, evaluation_due_on = $24, replied_on = $25, submitted_at = $26, filed_at = $27,
            closed_at = $28, version = version + 1, updated_at = $29, category = $33, occasion = $34, publish_consent = $35
         WHERE id = $30 AND committee_id = $31 AND version = $32 RETURNING *",
        p.session_id,
        p.number,
        &p.title,
        &p.body,
        p.kind.as_str(),
        p.proposer_member_id,
        p.organization_id,
        p.status.as_str(),
        p.is_key,
        p.published,
        p.merged_into_id,
        &p.review_note,
        &p.converted_to,
        &p.handling_mode,
        &p.assigned_on,
        &p.due_on,
        p.objection_open,
        p.extension_requested,
        &p.extension_reason,
        p.extended,
        p.round,
        p.dissatisfied_rounds,
        &p.cosign_due_on,
        &p.evaluation_due_on,
        &p.replied_on,
        p.submitted_at,
        p.filed_at,
        p.closed_at,
        now_micros(),
        p.id,
        p.committee_id,
        expected,
        &p.category,
        &p.occasion,
        p.publish_consent
    )?;
    match row {
        Some(r) => Ok(r),
        None => match get(ex, p.committee_id, p.id).await? {
            Some(_) => Err(StorageError::VersionConflict),
            None => Err(StorageError::NotFound),
        },
    }
}

/// Serialises numbering in a session: on PostgreSQL the session row is locked until the caller's
/// transaction ends (SQLite transactions already hold the write lock).
pub async fn lock_session(ex: &mut Ex<'_>, session_id: i64) -> Result<()> {
    if ex.engine() == crate::Engine::Postgres {
        run!(ex, "SELECT id FROM sessions WHERE id = $1 FOR UPDATE", session_id)?;
    }
    Ok(())
}

/// The next number in a session (第0001号 …), under the caller's write transaction.
pub async fn next_number(ex: &mut Ex<'_>, session_id: i64) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT COALESCE(MAX(number), 0) + 1 FROM proposals WHERE session_id = $1", session_id)?)
}

// ---- co-signers ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Cosigner {
    pub member_id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub status: CosignStatus,
    pub answered_at: Option<i64>,
}

/// Sets the co-signers: removed ones are dropped, new ones are asked (pending), and those who
/// stay keep their answer.
pub async fn set_cosigners(ex: &mut Ex<'_>, proposal_id: i64, member_ids: &[i64]) -> Result<()> {
    let current: Vec<i64> =
        all!(&mut *ex, (i64,), "SELECT member_id FROM proposal_cosigners WHERE proposal_id = $1", proposal_id)?.into_iter().map(|(m,)| m).collect();
    for m in current.iter().filter(|m| !member_ids.contains(m)) {
        run!(&mut *ex, "DELETE FROM proposal_cosigners WHERE proposal_id = $1 AND member_id = $2", proposal_id, *m)?;
    }
    for m in member_ids.iter().filter(|m| !current.contains(m)) {
        run!(&mut *ex, "INSERT INTO proposal_cosigners (proposal_id, member_id, status) VALUES ($1, $2, 'pending')", proposal_id, *m)?;
    }
    Ok(())
}

pub async fn cosigners(ex: &mut Ex<'_>, proposal_id: i64) -> Result<Vec<Cosigner>> {
    Ok(all!(
        ex,
        Cosigner,
        "SELECT c.member_id, m.name, c.status, c.answered_at FROM proposal_cosigners c JOIN members m ON m.id = c.member_id
         WHERE c.proposal_id = $1 ORDER BY c.id",
        proposal_id
    )?)
}

pub async fn answer_cosign(ex: &mut Ex<'_>, proposal_id: i64, member_id: i64, status: CosignStatus) -> Result<bool> {
    Ok(run!(
        ex,
        "UPDATE proposal_cosigners SET status = $1, answered_at = $2 WHERE proposal_id = $3 AND member_id = $4 AND status = 'pending'",
        status.as_str(),
        now_micros(),
        proposal_id,
        member_id
    )? == 1)
}

/// Co-signers who never answered drop off when the proposal goes on without them.
pub async fn drop_pending_cosigners(ex: &mut Ex<'_>, proposal_id: i64) -> Result<u64> {
    Ok(run!(ex, "UPDATE proposal_cosigners SET status = 'lapsed', answered_at = $1 WHERE proposal_id = $2 AND status = 'pending'", now_micros(), proposal_id)?)
}

// ---- handling units ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Assignment {
    pub id: i64,
    pub proposal_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    #[sqlx(try_from = "String")]
    pub role: UnitRole,
    pub active: bool,
    pub assigned_on: String,
    pub objection_reason: Option<String>,
    pub replied_round: Option<i64>,
    pub co_opinion: Option<String>,
}

const ASSIGNMENT_SQL: &str =
    "SELECT a.id, a.proposal_id, a.unit_id, u.name AS unit_name, a.role, a.active, a.assigned_on, a.objection_reason, a.replied_round, a.co_opinion
     FROM proposal_units a JOIN units u ON u.id = a.unit_id";

pub async fn assignments(ex: &mut Ex<'_>, proposal_id: i64) -> Result<Vec<Assignment>> {
    Ok(all!(ex, Assignment, sqlx::AssertSqlSafe(format!("{ASSIGNMENT_SQL} WHERE a.proposal_id = $1 ORDER BY a.active DESC, a.id")), proposal_id)?)
}

pub async fn add_assignment(ex: &mut Ex<'_>, proposal_id: i64, unit_id: i64, role: UnitRole, assigned_on: &str) -> Result<()> {
    run!(
        ex,
        "INSERT INTO proposal_units (proposal_id, unit_id, role, active, assigned_on, created_at) VALUES ($1, $2, $3, TRUE, $4, $5)",
        proposal_id,
        unit_id,
        role.as_str(),
        assigned_on,
        now_micros()
    )?;
    Ok(())
}

/// Ends the current assignments (kept for the record) before a reassignment.
pub async fn deactivate_assignments(ex: &mut Ex<'_>, proposal_id: i64) -> Result<u64> {
    Ok(run!(ex, "UPDATE proposal_units SET active = FALSE WHERE proposal_id = $1 AND active = TRUE", proposal_id)?)
}

pub async fn set_objection(ex: &mut Ex<'_>, assignment_id: i64, reason: &str) -> Result<()> {
    run!(ex, "UPDATE proposal_units SET objection_reason = $1 WHERE id = $2", reason, assignment_id)?;
    Ok(())
}

/// Closes the objections of the current assignments (维持原交办); the timeline keeps their reasons.
pub async fn clear_objections(ex: &mut Ex<'_>, proposal_id: i64) -> Result<()> {
    run!(ex, "UPDATE proposal_units SET objection_reason = NULL WHERE proposal_id = $1 AND active = TRUE", proposal_id)?;
    Ok(())
}

pub async fn set_replied(ex: &mut Ex<'_>, assignment_id: i64, round: i64) -> Result<()> {
    run!(ex, "UPDATE proposal_units SET replied_round = $1 WHERE id = $2", round, assignment_id)?;
    Ok(())
}

pub async fn set_co_opinion(ex: &mut Ex<'_>, assignment_id: i64, text: &str) -> Result<()> {
    run!(ex, "UPDATE proposal_units SET co_opinion = $1 WHERE id = $2", text, assignment_id)?;
    Ok(())
}

// ---- units suggested by the proposer (建议承办单位) ----

/// Sets the units the proposer suggests, in the order given.
pub async fn set_suggested_units(ex: &mut Ex<'_>, proposal_id: i64, unit_ids: &[i64]) -> Result<()> {
    run!(&mut *ex, "DELETE FROM proposal_suggested_units WHERE proposal_id = $1", proposal_id)?;
    for u in unit_ids {
        run!(&mut *ex, "INSERT INTO proposal_suggested_units (proposal_id, unit_id) VALUES ($1, $2)", proposal_id, *u)?;
    }
    Ok(())
}

/// (unit id, unit name) the proposer suggests, in the order given.
pub async fn suggested_units(ex: &mut Ex<'_>, proposal_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(all!(
        ex,
        (i64, String),
        "SELECT s.unit_id, u.name FROM proposal_suggested_units s JOIN units u ON u.id = s.unit_id WHERE s.proposal_id = $1 ORDER BY s.id",
        proposal_id
    )?)
}

/// The first proposer's contact details (from the member record), for the office and the
/// assigned units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProposerContact {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

pub async fn proposer_contact(ex: &mut Ex<'_>, committee_id: i64, member_id: i64) -> Result<Option<ProposerContact>> {
    Ok(opt!(ex, ProposerContact, "SELECT name, phone, email, address FROM members WHERE id = $1 AND committee_id = $2", member_id, committee_id)?)
}

/// Key proposals a leader supervises that were closed (办结), the latest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SupervisedClosing {
    pub id: i64,
    pub number: Option<i64>,
    pub title: String,
    pub closed_at: Option<i64>,
    /// The proposer's latest rating of the reply (satisfied | basically_satisfied | dissatisfied).
    pub satisfaction: Option<String>,
}

pub async fn supervised_closings(ex: &mut Ex<'_>, committee_id: i64, user_id: i64, limit: i64) -> Result<Vec<SupervisedClosing>> {
    Ok(all!(
        ex,
        SupervisedClosing,
        "SELECT p.id, p.number, p.title, p.closed_at,
            (SELECT e.satisfaction FROM proposal_evaluations e WHERE e.proposal_id = p.id AND e.decisive = TRUE ORDER BY e.id DESC LIMIT 1) AS satisfaction
         FROM proposal_supervisors s JOIN proposals p ON p.id = s.proposal_id
         WHERE s.user_id = $1 AND p.committee_id = $2 AND p.status = 'closed'
         ORDER BY p.closed_at DESC, p.id DESC LIMIT $3",
        user_id,
        committee_id,
        limit
    )?)
}

// ---- lists ----

/// Members who proposed or co-signed (confirmed) a proposal merged into proposal `id` (they
/// keep seeing it and get its reply too).
pub async fn merged_members(ex: &mut Ex<'_>, id: i64) -> Result<Vec<i64>> {
    let mut ids: Vec<i64> = crate::search_rows::merged_members(ex, id, id).await?.into_iter().map(|l| l.other_id).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

// ---- history import ----

/// Numbers already used in a session.
pub async fn numbers_in_session(ex: &mut Ex<'_>, session_id: i64) -> Result<Vec<i64>> {
    Ok(all!(ex, (i64,), "SELECT number FROM proposals WHERE session_id = $1 AND number IS NOT NULL", session_id)?.into_iter().map(|(n,)| n).collect())
}

/// Dates a reply recorded by the history import at the session, not at the import.
pub async fn backdate_reply(ex: &mut Ex<'_>, reply_id: i64, at: i64) -> Result<()> {
    run!(ex, "UPDATE proposal_replies SET at = $1 WHERE id = $2", at, reply_id)?;
    Ok(())
}

/// Dates an evaluation recorded by the history import at the session, not at the import.
pub async fn backdate_evaluation(ex: &mut Ex<'_>, evaluation_id: i64, at: i64) -> Result<()> {
    run!(ex, "UPDATE proposal_evaluations SET at = $1 WHERE id = $2", at, evaluation_id)?;
    Ok(())
}

/// Deletes a draft and what only a draft has (co-signer invitations, suggested units, its
/// timeline, files, links) — a new table referencing `proposals(id)` that a draft can have rows
/// in must be emptied here too (the contract fuzzing's DELETE finds a forgotten one) if it is still a draft at `expected` version; false when it is not (changed, submitted
/// or gone). The caller records the deletion in the audit log with the draft's snapshot.
pub async fn delete_draft(ex: &mut Ex<'_>, committee_id: i64, id: i64, expected: i64) -> Result<bool> {
    let n = run!(
        &mut *ex,
        "UPDATE proposals SET version = version + 1 WHERE id = $1 AND committee_id = $2 AND status = 'draft' AND version = $3",
        id,
        committee_id,
        expected
    )?;
    if n != 1 {
        return Ok(false);
    }
    run!(&mut *ex, "DELETE FROM proposal_cosigners WHERE proposal_id = $1", id)?;
    run!(&mut *ex, "DELETE FROM proposal_suggested_units WHERE proposal_id = $1", id)?;
    crate::timeline::forget(&mut *ex, eline_domain::RecordRef::new(eline_domain::RecordKind::PROPOSAL, id)).await?;
    run!(&mut *ex, "DELETE FROM proposals WHERE id = $1", id)?;
    Ok(true)
}
