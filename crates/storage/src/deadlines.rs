//! The open deadlines the reminder run watches (app `notify::remind`): one query per kind of
//! deadline, each returning the record, its title, the due date and who owes the step.

use crate::{Ex, Result, all};

/// One open deadline: the record, its title, the due date (`YYYY-MM-DD`; for the objection
/// window the assignment date) and the party that owes the step (a unit, a member or a user,
/// by `party` below), with the record's key flag where it matters.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Open {
    pub record_id: i64,
    pub title: String,
    pub due_on: String,
    pub party_id: i64,
    /// A sub-key (a promise's id), 0 when none.
    pub item_id: i64,
    pub is_key: bool,
}

/// Replies owed: proposals being handled, each replying unit that has not replied this round
/// (party = unit).
pub async fn replies(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<Open>> {
    Ok(all!(
        ex,
        Open,
        "SELECT p.id AS record_id, p.title, p.due_on, u.unit_id AS party_id, CAST(0 AS BIGINT) AS item_id, p.is_key
         FROM proposals p JOIN proposal_units u ON u.proposal_id = p.id
         WHERE p.committee_id = $1 AND p.status IN ('assigned', 'rehandling') AND p.due_on IS NOT NULL
           AND u.active = TRUE AND u.role IN ('lead', 'split') AND (u.replied_round IS NULL OR u.replied_round < p.round)
         ORDER BY p.id, u.unit_id",
        committee_id
    )?)
}

/// Co-signatures owed: proposals waiting for co-signers, each who has not answered (party = member).
pub async fn cosignatures(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<Open>> {
    Ok(all!(
        ex,
        Open,
        "SELECT p.id AS record_id, p.title, p.cosign_due_on AS due_on, c.member_id AS party_id, CAST(0 AS BIGINT) AS item_id, p.is_key
         FROM proposals p JOIN proposal_cosigners c ON c.proposal_id = p.id
         WHERE p.committee_id = $1 AND p.status = 'awaiting_cosigners' AND p.cosign_due_on IS NOT NULL AND c.status = 'pending'
         ORDER BY p.id, c.member_id",
        committee_id
    )?)
}

/// Assignments still open to a change request: assigned proposals without an open objection,
/// each active unit (party = unit); `due_on` is the assignment date (the window is the app's rule).
pub async fn assignments(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<Open>> {
    Ok(all!(
        ex,
        Open,
        "SELECT p.id AS record_id, p.title, u.assigned_on AS due_on, u.unit_id AS party_id, CAST(0 AS BIGINT) AS item_id, p.is_key
         FROM proposals p JOIN proposal_units u ON u.proposal_id = p.id
         WHERE p.committee_id = $1 AND p.status = 'assigned' AND p.objection_open = FALSE AND u.active = TRUE AND u.replied_round IS NULL
         ORDER BY p.id, u.unit_id",
        committee_id
    )?)
}

/// Evaluations owed: replied proposals whose proposer has not evaluated this round (party = the
/// first proposer's member id, or for a collective proposal the writing user's id as `item_id`).
pub async fn evaluations(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<Open>> {
    Ok(all!(
        ex,
        Open,
        "SELECT p.id AS record_id, p.title, p.evaluation_due_on AS due_on, COALESCE(p.proposer_member_id, CAST(0 AS BIGINT)) AS party_id,
                CASE WHEN p.proposer_member_id IS NULL THEN p.created_by ELSE CAST(0 AS BIGINT) END AS item_id, p.is_key
         FROM proposals p
         WHERE p.committee_id = $1 AND p.status = 'replied' AND p.evaluation_due_on IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM proposal_evaluations e WHERE e.proposal_id = p.id AND e.round = p.round)
         ORDER BY p.id",
        committee_id
    )?)
}

/// Promises not yet delivered (承诺事项) with a due date (party = unit, item = the promise).
pub async fn promises(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<Open>> {
    Ok(all!(
        ex,
        Open,
        "SELECT p.id AS record_id, p.title, c.due_on, c.unit_id AS party_id, c.id AS item_id, p.is_key
         FROM proposal_commitments c JOIN proposals p ON p.id = c.proposal_id
         WHERE p.committee_id = $1 AND c.due_on IS NOT NULL AND c.done_at IS NULL AND c.unit_id IS NOT NULL
         ORDER BY p.id, c.id",
        committee_id
    )?)
}

/// Reports waiting for the information office's decision with a target date (party unused).
/// Leave requests not yet decided on activities still to come: one row per request (party = the
/// approver's user id, 0 for the office; due = the activity's date).
pub async fn leave_requests(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<Open>> {
    Ok(all!(
        ex,
        Open,
        "SELECT a.id AS record_id, a.title, a.starts_on AS due_on, COALESCE(a.approver_id, CAST(0 AS BIGINT)) AS party_id,
            i.member_id AS item_id, FALSE AS is_key
         FROM activity_invitees i JOIN activities a ON a.id = i.activity_id
         WHERE i.committee_id = $1 AND i.leave_status = 'requested' AND a.status IN ('published', 'checkin_open')
         ORDER BY a.id, i.id",
        committee_id
    )?)
}

pub async fn reports(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<Open>> {
    Ok(all!(
        ex,
        Open,
        "SELECT id AS record_id, title, due_on, CAST(0 AS BIGINT) AS party_id, CAST(0 AS BIGINT) AS item_id, (channel = 'direct') AS is_key
         FROM opinions WHERE committee_id = $1 AND status IN ('submitted', 'editing') AND due_on IS NOT NULL
         ORDER BY id",
        committee_id
    )?)
}
