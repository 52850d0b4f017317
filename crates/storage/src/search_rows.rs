//! What the search index is built from, read in batches by id range (a rebuild reads a
//! million proposals in a few thousand queries) or one record at a time (the outbox).

use crate::{Ex, Result, all, scalar};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProposalRow {
    pub id: i64,
    pub committee_id: i64,
    pub session_id: i64,
    pub year: i64,
    pub number: Option<i64>,
    pub title: String,
    pub body: String,
    pub kind: String,
    pub status: String,
    pub proposer_member_id: Option<i64>,
    pub proposer_name: Option<String>,
    pub organization_name: Option<String>,
    pub sector_id: Option<i64>,
    pub created_by: i64,
    pub published: bool,
    pub merged_into_id: Option<i64>,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
}

/// (proposal id, a related id, a word about the relation).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Link {
    pub proposal_id: i64,
    pub other_id: i64,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReplyText {
    pub proposal_id: i64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub committee_id: i64,
    pub name: String,
    pub party: Option<String>,
    pub sector_id: i64,
    pub sector_name: String,
    pub station_name: Option<String>,
    pub term_number: Option<i64>,
    pub archived: bool,
    pub created_at: i64,
}

/// The highest proposal id (a rebuild of the index walks 1..=max in ranges).
pub async fn max_proposal_id(ex: &mut Ex<'_>) -> Result<i64> {
    Ok(scalar!(ex, Option<i64>, "SELECT MAX(id) FROM proposals")?.unwrap_or(0))
}

/// The highest member id.
pub async fn max_member_id(ex: &mut Ex<'_>) -> Result<i64> {
    Ok(scalar!(ex, Option<i64>, "SELECT MAX(id) FROM members")?.unwrap_or(0))
}

pub async fn proposals(ex: &mut Ex<'_>, from: i64, to: i64) -> Result<Vec<ProposalRow>> {
    Ok(all!(
        ex,
        ProposalRow,
        "SELECT p.id, p.committee_id, p.session_id, s.year, p.number, p.title, p.body, p.kind, p.status, p.proposer_member_id,
                m.name AS proposer_name, o.name AS organization_name, m.sector_id, p.created_by, p.published, p.merged_into_id,
                p.created_at, p.submitted_at
         FROM proposals p JOIN sessions s ON s.id = p.session_id
         LEFT JOIN members m ON m.id = p.proposer_member_id LEFT JOIN organizations o ON o.id = p.organization_id
         WHERE p.id BETWEEN $1 AND $2 ORDER BY p.id",
        from,
        to
    )?)
}

/// Co-signers (note: pending/confirmed/declined).
pub async fn cosigners(ex: &mut Ex<'_>, from: i64, to: i64) -> Result<Vec<Link>> {
    Ok(all!(
        ex,
        Link,
        "SELECT proposal_id, member_id AS other_id, status AS note FROM proposal_cosigners WHERE proposal_id BETWEEN $1 AND $2 ORDER BY id",
        from,
        to
    )?)
}

/// Handling units, current and past (note: role, with "-" appended when no longer active).
pub async fn units(ex: &mut Ex<'_>, from: i64, to: i64) -> Result<Vec<Link>> {
    Ok(all!(
        ex,
        Link,
        "SELECT proposal_id, unit_id AS other_id, CASE WHEN active THEN role ELSE role || '-' END AS note
         FROM proposal_units WHERE proposal_id BETWEEN $1 AND $2 ORDER BY id",
        from,
        to
    )?)
}

/// Supervising leaders (user ids).
pub async fn supervisors(ex: &mut Ex<'_>, from: i64, to: i64) -> Result<Vec<Link>> {
    Ok(all!(
        ex,
        Link,
        "SELECT proposal_id, user_id AS other_id, '' AS note FROM proposal_supervisors WHERE proposal_id BETWEEN $1 AND $2 ORDER BY id",
        from,
        to
    )?)
}

/// Members who proposed or co-signed (confirmed) a proposal merged into one of these.
pub async fn merged_members(ex: &mut Ex<'_>, from: i64, to: i64) -> Result<Vec<Link>> {
    Ok(all!(
        ex,
        Link,
        "SELECT p.merged_into_id AS proposal_id, p.proposer_member_id AS other_id, 'proposer' AS note FROM proposals p
         WHERE p.merged_into_id BETWEEN $1 AND $2 AND p.proposer_member_id IS NOT NULL
         UNION ALL
         SELECT p.merged_into_id AS proposal_id, c.member_id AS other_id, 'cosigner' AS note FROM proposals p
         JOIN proposal_cosigners c ON c.proposal_id = p.id AND c.status = 'confirmed'
         WHERE p.merged_into_id BETWEEN $1 AND $2",
        from,
        to
    )?)
}

pub async fn replies(ex: &mut Ex<'_>, from: i64, to: i64) -> Result<Vec<ReplyText>> {
    Ok(all!(ex, ReplyText, "SELECT proposal_id, text FROM proposal_replies WHERE proposal_id BETWEEN $1 AND $2 ORDER BY id", from, to)?)
}

pub async fn members(ex: &mut Ex<'_>, from: i64, to: i64) -> Result<Vec<MemberRow>> {
    Ok(all!(
        ex,
        MemberRow,
        "SELECT m.id, m.committee_id, m.name, m.party, m.sector_id, s.name AS sector_name, w.name AS station_name, m.term_number,
                m.archived, m.created_at
         FROM members m JOIN sectors s ON s.id = m.sector_id LEFT JOIN work_stations w ON w.id = m.work_station_id
         WHERE m.id BETWEEN $1 AND $2 ORDER BY m.id",
        from,
        to
    )?)
}
