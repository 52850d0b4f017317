//! The figures behind proposal statistics (提案统计) and the session's catalogue (提案目录): a few
//! grouped queries over one committee, optionally one session; the application adds them up.

use serde::Serialize;

use crate::{Ex, Result, all};

/// Proposals counted by everything a figure or breakdown tells apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CountRow {
    pub status: String,
    pub kind: String,
    /// 1 for a key proposal (重点提案).
    pub is_key: i64,
    /// 1 when at least one reply was recorded (also while re-handling after a reply).
    pub has_reply: i64,
    /// The first proposer's sector (individual and joint proposals).
    pub sector_id: Option<i64>,
    pub sector_name: Option<String>,
    /// The submitting organisation (collective proposals).
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    pub n: i64,
}

pub async fn counts(ex: &mut Ex<'_>, committee_id: i64, session_id: Option<i64>) -> Result<Vec<CountRow>> {
    Ok(all!(
        ex,
        CountRow,
        "SELECT t.status, t.kind, t.is_key, t.has_reply, t.sector_id, t.sector_name, t.organization_id, t.organization_name, COUNT(*) AS n
         FROM (SELECT p.status, p.kind,
                 CAST(CASE WHEN p.is_key = TRUE THEN 1 ELSE 0 END AS BIGINT) AS is_key,
                 CAST(CASE WHEN EXISTS (SELECT 1 FROM proposal_replies r WHERE r.proposal_id = p.id) THEN 1 ELSE 0 END AS BIGINT) AS has_reply,
                 s.id AS sector_id, s.name AS sector_name, o.id AS organization_id, o.name AS organization_name
               FROM proposals p
               LEFT JOIN members m ON m.id = p.proposer_member_id
               LEFT JOIN sectors s ON s.id = m.sector_id
               LEFT JOIN organizations o ON o.id = p.organization_id
               WHERE p.committee_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR p.session_id = $2)) t
         GROUP BY t.status, t.kind, t.is_key, t.has_reply, t.sector_id, t.sector_name, t.organization_id, t.organization_name
         ORDER BY t.status, t.kind",
        committee_id,
        session_id
    )?)
}

/// One unit's replies to one proposal: the first one's time and the latest one's class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UnitReply {
    pub proposal_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// UTC microseconds of the unit's first reply to the proposal.
    pub first_at: i64,
    /// The proposal's current due date (YYYY-MM-DD).
    pub due_on: Option<String>,
    /// Class (A/B/C) of the unit's latest reply.
    pub class: String,
}

pub async fn unit_replies(ex: &mut Ex<'_>, committee_id: i64, session_id: Option<i64>) -> Result<Vec<UnitReply>> {
    Ok(all!(
        ex,
        UnitReply,
        "SELECT x.proposal_id, x.unit_id, u.name AS unit_name, x.first_at, p.due_on, lr.class
         FROM (SELECT r.proposal_id, r.unit_id, MIN(r.at) AS first_at, MAX(r.id) AS last_id
               FROM proposal_replies r JOIN proposals p ON p.id = r.proposal_id
               WHERE p.committee_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR p.session_id = $2)
               GROUP BY r.proposal_id, r.unit_id) x
         JOIN proposal_replies lr ON lr.id = x.last_id
         JOIN proposals p ON p.id = x.proposal_id
         JOIN units u ON u.id = x.unit_id
         ORDER BY x.proposal_id, x.unit_id",
        committee_id,
        session_id
    )?)
}

/// Proposals currently assigned to a unit in one role (lead, co, split).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UnitAssignments {
    pub unit_id: i64,
    pub unit_name: String,
    pub role: String,
    pub n: i64,
}

pub async fn unit_assignments(ex: &mut Ex<'_>, committee_id: i64, session_id: Option<i64>) -> Result<Vec<UnitAssignments>> {
    Ok(all!(
        ex,
        UnitAssignments,
        "SELECT a.unit_id, u.name AS unit_name, a.role, COUNT(DISTINCT a.proposal_id) AS n
         FROM proposal_units a JOIN units u ON u.id = a.unit_id JOIN proposals p ON p.id = a.proposal_id
         WHERE a.active = TRUE AND p.committee_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR p.session_id = $2)
         GROUP BY a.unit_id, u.name, a.role
         ORDER BY a.unit_id",
        committee_id,
        session_id
    )?)
}

/// The latest decisive evaluation (the proposer's) of each evaluated proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LatestEvaluation {
    pub proposal_id: i64,
    /// satisfied | basically_satisfied | dissatisfied
    pub satisfaction: String,
}

pub async fn latest_evaluations(ex: &mut Ex<'_>, committee_id: i64, session_id: Option<i64>) -> Result<Vec<LatestEvaluation>> {
    Ok(all!(
        ex,
        LatestEvaluation,
        "SELECT e.proposal_id, e.satisfaction
         FROM proposal_evaluations e
         JOIN (SELECT e2.proposal_id, MAX(e2.id) AS last_id
               FROM proposal_evaluations e2 JOIN proposals p ON p.id = e2.proposal_id
               WHERE e2.decisive = TRUE AND p.committee_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR p.session_id = $2)
               GROUP BY e2.proposal_id) l ON l.last_id = e.id
         ORDER BY e.proposal_id",
        committee_id,
        session_id
    )?)
}

// ---- the catalogue (提案目录) ----

/// A filed proposal of a session, in number order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CatalogueRow {
    pub id: i64,
    pub number: Option<i64>,
    pub title: String,
    pub kind: String,
    pub proposer_name: Option<String>,
    pub organization_name: Option<String>,
}

pub async fn catalogue(ex: &mut Ex<'_>, committee_id: i64, session_id: i64) -> Result<Vec<CatalogueRow>> {
    Ok(all!(
        ex,
        CatalogueRow,
        "SELECT p.id, p.number, p.title, p.kind, m.name AS proposer_name, o.name AS organization_name
         FROM proposals p
         LEFT JOIN members m ON m.id = p.proposer_member_id
         LEFT JOIN organizations o ON o.id = p.organization_id
         WHERE p.committee_id = $1 AND p.session_id = $2 AND p.status IN ('filed', 'assigned', 'replied', 'rehandling', 'closed')
         ORDER BY p.number, p.id",
        committee_id,
        session_id
    )?)
}

/// (proposal id, name) of the confirmed co-signers of a session's proposals, in signing order.
pub async fn catalogue_cosigners(ex: &mut Ex<'_>, committee_id: i64, session_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(all!(
        ex,
        (i64, String),
        "SELECT c.proposal_id, m.name FROM proposal_cosigners c
         JOIN members m ON m.id = c.member_id JOIN proposals p ON p.id = c.proposal_id
         WHERE p.committee_id = $1 AND p.session_id = $2 AND c.status = 'confirmed'
         ORDER BY c.proposal_id, c.id",
        committee_id,
        session_id
    )?)
}

/// (proposal id, unit name, role) of the current assignments of a session's proposals.
pub async fn catalogue_units(ex: &mut Ex<'_>, committee_id: i64, session_id: i64) -> Result<Vec<(i64, String, String)>> {
    Ok(all!(
        ex,
        (i64, String, String),
        "SELECT a.proposal_id, u.name, a.role FROM proposal_units a
         JOIN units u ON u.id = a.unit_id JOIN proposals p ON p.id = a.proposal_id
         WHERE p.committee_id = $1 AND p.session_id = $2 AND a.active = TRUE
         ORDER BY a.proposal_id, a.id",
        committee_id,
        session_id
    )?)
}
