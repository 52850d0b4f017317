//! The figures behind proposal statistics (提案统计) and the session's catalogue (提案目录): a few
//! grouped queries over one committee, optionally one session; the application adds them up.

use serde::Serialize;

use crate::{Arg, Engine, Ex, Query, Result, all};

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
    /// 提案分类 (None: not classified).
    pub category: Option<String>,
    pub n: i64,
}

/// Grouped by ids first, names joined to the few hundred groups after (sorting 1,000,000 rows by
/// their names as well took a second more).
pub async fn counts(ex: &mut Ex<'_>, committee_id: i64, session_id: Option<i64>) -> Result<Vec<CountRow>> {
    let mut q = Query::new(
        "SELECT g.status, g.kind, g.is_key, g.has_reply, s.id AS sector_id, s.name AS sector_name, o.id AS organization_id, o.name AS organization_name,
            g.category, g.n
         FROM (SELECT p.status, p.kind,
                 CAST(CASE WHEN p.is_key = TRUE THEN 1 ELSE 0 END AS BIGINT) AS is_key,
                 CAST(CASE WHEN EXISTS (SELECT 1 FROM proposal_replies r WHERE r.proposal_id = p.id) THEN 1 ELSE 0 END AS BIGINT) AS has_reply,
                 m.sector_id, p.organization_id, p.category, COUNT(*) AS n
               FROM proposals p
               LEFT JOIN members m ON m.id = p.proposer_member_id",
    );
    scope(&mut q, " WHERE p.committee_id = ", committee_id, session_id);
    q.sql(
        " GROUP BY 1, 2, 3, 4, 5, 6, 7) g
         LEFT JOIN sectors s ON s.id = g.sector_id
         LEFT JOIN organizations o ON o.id = g.organization_id
         ORDER BY g.status, g.kind",
    );
    Ok(q.fetch_all(ex).await?)
}

/// Appends 1 when the first reply `x.first_at` (UTC microseconds) fell on or before the due date
/// `p.due_on`, else 0: Beijing day numbers on both sides (integer division on both engines; the
/// due date's day number is the only engine-specific part).
fn push_on_time(q: &mut Query, engine: Engine) {
    q.sql("CAST(CASE WHEN (x.first_at + 28800000000) / 86400000000 <= ");
    q.sql(match engine {
        Engine::Sqlite => "CAST(julianday(p.due_on) - 2440587.5 AS BIGINT)",
        Engine::Postgres => "(CAST(p.due_on AS DATE) - DATE '1970-01-01')",
    });
    q.sql(" THEN 1 ELSE 0 END AS BIGINT)");
}

fn scope(q: &mut Query, alias_filter: &'static str, committee_id: i64, session_id: Option<i64>) {
    q.sql(alias_filter).arg(Arg::I64(committee_id));
    if let Some(s) = session_id {
        q.sql(" AND p.session_id = ").arg(Arg::I64(s));
    }
}

/// Replies of units, counted by unit, the class of the unit's latest reply to each proposal,
/// whether its first reply was on time, and the proposal's latest decisive evaluation. Counted
/// in the database: at 1,000,000 proposals the rows per (proposal, unit) took 720 MB to hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UnitReplyGroup {
    pub unit_id: i64,
    pub unit_name: String,
    pub class: String,
    /// 1 when the unit's first reply was on or before the proposal's due date (Beijing dates).
    pub on_time: i64,
    /// satisfied | basically_satisfied | dissatisfied; None: not evaluated.
    pub satisfaction: Option<String>,
    pub n: i64,
}

pub async fn unit_reply_groups(ex: &mut Ex<'_>, committee_id: i64, session_id: Option<i64>) -> Result<Vec<UnitReplyGroup>> {
    let mut q = Query::new("SELECT x.unit_id, u.name AS unit_name, lr.class, ");
    push_on_time(&mut q, ex.engine());
    q.sql(
        " AS on_time, e.satisfaction, COUNT(*) AS n
         FROM (SELECT r.proposal_id, r.unit_id, MIN(r.at) AS first_at, MAX(r.id) AS last_id
               FROM proposal_replies r JOIN proposals p ON p.id = r.proposal_id",
    );
    scope(&mut q, " WHERE p.committee_id = ", committee_id, session_id);
    q.sql(
        " GROUP BY r.proposal_id, r.unit_id) x
         JOIN proposal_replies lr ON lr.id = x.last_id
         JOIN proposals p ON p.id = x.proposal_id
         JOIN units u ON u.id = x.unit_id
         LEFT JOIN proposal_evaluations e ON e.id = (SELECT MAX(e2.id) FROM proposal_evaluations e2 WHERE e2.proposal_id = x.proposal_id AND e2.decisive = TRUE)
         GROUP BY x.unit_id, u.name, lr.class, 4, e.satisfaction
         ORDER BY x.unit_id",
    );
    Ok(q.fetch_all(ex).await?)
}

/// Filed proposals whose first reply (of any unit) came on or before their due date.
pub async fn first_replies_on_time(ex: &mut Ex<'_>, committee_id: i64, session_id: Option<i64>) -> Result<i64> {
    let mut q = Query::new("SELECT CAST(COALESCE(SUM(");
    push_on_time(&mut q, ex.engine());
    q.sql(
        "), 0) AS BIGINT) AS n
         FROM (SELECT r.proposal_id, MIN(r.at) AS first_at FROM proposal_replies r JOIN proposals p ON p.id = r.proposal_id",
    );
    scope(&mut q, " WHERE p.committee_id = ", committee_id, session_id);
    q.sql(" GROUP BY r.proposal_id) x JOIN proposals p ON p.id = x.proposal_id");
    let rows: Vec<(i64,)> = q.fetch_all(ex).await?;
    Ok(rows.first().map(|r| r.0).unwrap_or(0))
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
    let mut q = Query::new(
        "SELECT a.unit_id, u.name AS unit_name, a.role, COUNT(DISTINCT a.proposal_id) AS n
         FROM proposal_units a JOIN units u ON u.id = a.unit_id JOIN proposals p ON p.id = a.proposal_id",
    );
    scope(&mut q, " WHERE a.active = TRUE AND p.committee_id = ", committee_id, session_id);
    q.sql(" GROUP BY a.unit_id, u.name, a.role ORDER BY a.unit_id");
    Ok(q.fetch_all(ex).await?)
}

/// Evaluated proposals counted by the satisfaction of their latest decisive evaluation and what
/// its 测评表 says of the contacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EvaluationGroup {
    /// satisfied | basically_satisfied | dissatisfied
    pub satisfaction: String,
    /// 1 when the evaluation came with the 测评表.
    pub surveyed: i64,
    /// 1 when the unit contacted the proposer before or during handling (any way).
    pub contacted: i64,
    /// 1 when it met the proposer face to face (当面) before or during handling.
    pub met: i64,
    pub n: i64,
}

/// The latest decisive evaluation (the proposer's) of each evaluated proposal, counted by
/// satisfaction (satisfied | basically_satisfied | dissatisfied) and its contacts.
pub async fn evaluation_counts(ex: &mut Ex<'_>, committee_id: i64, session_id: Option<i64>) -> Result<Vec<EvaluationGroup>> {
    let mut q = Query::new(
        "SELECT e.satisfaction,
            CAST(CASE WHEN e.contact_before IS NOT NULL AND e.contact_during IS NOT NULL THEN 1 ELSE 0 END AS BIGINT) AS surveyed,
            CAST(CASE WHEN e.contact_before IN ('face_to_face', 'phone', 'written') OR e.contact_during IN ('face_to_face', 'phone', 'written')
                 THEN 1 ELSE 0 END AS BIGINT) AS contacted,
            CAST(CASE WHEN e.contact_before = 'face_to_face' OR e.contact_during = 'face_to_face' THEN 1 ELSE 0 END AS BIGINT) AS met,
            COUNT(*) AS n
         FROM proposal_evaluations e
         JOIN (SELECT e2.proposal_id, MAX(e2.id) AS last_id
               FROM proposal_evaluations e2 JOIN proposals p ON p.id = e2.proposal_id",
    );
    scope(&mut q, " WHERE e2.decisive = TRUE AND p.committee_id = ", committee_id, session_id);
    q.sql(" GROUP BY e2.proposal_id) l ON l.last_id = e.id GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4");
    Ok(q.fetch_all(ex).await?)
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
    /// The first proposer's sector (界别) and party (政治面貌); none on collective proposals.
    pub sector_name: Option<String>,
    pub party: Option<String>,
}

pub async fn catalogue(ex: &mut Ex<'_>, committee_id: i64, session_id: i64) -> Result<Vec<CatalogueRow>> {
    Ok(all!(
        ex,
        CatalogueRow,
        "SELECT p.id, p.number, p.title, p.kind, m.name AS proposer_name, o.name AS organization_name, s.name AS sector_name, m.party
         FROM proposals p
         LEFT JOIN members m ON m.id = p.proposer_member_id
         LEFT JOIN sectors s ON s.id = m.sector_id
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
