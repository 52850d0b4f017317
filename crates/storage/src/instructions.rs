//! Leaders' instructions (领导批示) on records of any kind, their follow-ups, their counts, and
//! the instructions on a member's own records (the home page). Tables of migration 0013.

use eline_domain::RecordRef;
use eline_domain::instruction::{FollowUp, Given};
use eline_domain::opinion::Level;
use serde::Serialize;

use crate::{Arg, Ex, Query, Result, StorageError, all, now_micros, opt, scalar};

/// The columns of `Instruction` (table `i`, the report an instruction singles out as `o`).
macro_rules! instruction_columns {
    () => {
        "i.id, i.committee_id, i.record_kind, i.record_id, i.item_opinion_id, o.title AS item_title, i.leader_name, i.leader_post, i.rank,
         i.given_on, i.gist, i.created_by, i.version, i.created_at, i.updated_at"
    };
}

/// The tables of `instruction_columns!`.
const FROM: &str = " FROM instructions i LEFT JOIN opinions o ON o.id = i.item_opinion_id";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Instruction {
    pub id: i64,
    pub committee_id: i64,
    /// The record instructed on.
    pub record_kind: String,
    pub record_id: i64,
    /// On a bulletin issue: the one report of the issue it is about, if any, and its title.
    pub item_opinion_id: Option<i64>,
    pub item_title: Option<String>,
    pub leader_name: String,
    pub leader_post: String,
    #[sqlx(try_from = "String")]
    pub rank: Level,
    /// YYYY-MM-DD
    pub given_on: String,
    pub gist: String,
    pub created_by: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Instruction {
    /// The year it counts in (the year it was given).
    pub fn year(&self) -> i64 {
        self.given_on.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FollowUpRow {
    pub id: i64,
    pub instruction_id: i64,
    pub done_on: String,
    pub by_whom: String,
    pub what: String,
    pub recorded_by: Option<i64>,
    pub recorded_at: i64,
}

pub struct NewInstruction<'a> {
    pub committee_id: i64,
    pub record: RecordRef,
    pub item_opinion_id: Option<i64>,
    pub given: &'a Given,
    pub created_by: i64,
}

pub async fn insert(ex: &mut Ex<'_>, n: &NewInstruction<'_>) -> Result<Instruction> {
    let now = now_micros();
    let id: i64 = scalar!(
        &mut *ex,
        i64,
        "INSERT INTO instructions (committee_id, record_kind, record_id, item_opinion_id, leader_name, leader_post, rank, given_on, gist, created_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        n.committee_id,
        n.record.kind.as_str(),
        n.record.id,
        n.item_opinion_id,
        n.given.leader_name.as_str(),
        n.given.leader_post.as_str(),
        n.given.rank.as_str(),
        n.given.given_on.to_string(),
        n.given.gist.as_str(),
        n.created_by,
        now
    )?;
    get(ex, n.committee_id, id).await?.ok_or(StorageError::NotFound)
}

/// One instruction of the committee.
pub async fn get(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> Result<Option<Instruction>> {
    Ok(opt!(
        ex,
        Instruction,
        concat!(
            "SELECT ",
            instruction_columns!(),
            " FROM instructions i LEFT JOIN opinions o ON o.id = i.item_opinion_id
         WHERE i.id = $1 AND i.committee_id = $2"
        ),
        id,
        committee_id
    )?)
}

/// Which instructions a list shows (only the filters given), newest first.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Given in this year.
    pub year: Option<i32>,
    pub rank: Option<Level>,
    pub record_kind: Option<String>,
    /// On this record.
    pub record: Option<RecordRef>,
    /// Rows before this id (keyset paging).
    pub before_id: Option<i64>,
}

fn filtered(mut q: Query, committee_id: i64, f: &Filter) -> Query {
    q.sql(" WHERE i.committee_id = ").arg(Arg::I64(committee_id));
    if let Some(y) = f.year {
        q.sql(" AND i.given_on >= ")
            .arg(Arg::Text(format!("{y:04}-01-01")))
            .sql(" AND i.given_on < ")
            .arg(Arg::Text(format!("{:04}-01-01", y.saturating_add(1))));
    }
    if let Some(r) = f.rank {
        q.sql(" AND i.rank = ").arg(Arg::Text(r.as_str().into()));
    }
    if let Some(k) = &f.record_kind {
        q.sql(" AND i.record_kind = ").arg(Arg::Text(k.clone()));
    }
    if let Some(r) = f.record {
        q.sql(" AND i.record_kind = ").arg(Arg::Text(r.kind.as_str().into())).sql(" AND i.record_id = ").arg(Arg::I64(r.id));
    }
    q
}

pub async fn list(ex: &mut Ex<'_>, committee_id: i64, f: &Filter, limit: i64) -> Result<Vec<Instruction>> {
    let mut q = Query::new(concat!("SELECT ", instruction_columns!()));
    q.sql(FROM);
    let mut q = filtered(q, committee_id, f);
    if let Some(b) = f.before_id {
        q.sql(" AND i.id < ").arg(Arg::I64(b));
    }
    q.sql(" ORDER BY i.id DESC LIMIT ").arg(Arg::I64(limit));
    Ok(q.fetch_all(ex).await?)
}

/// The instructions on one record, oldest first.
pub async fn of_record(ex: &mut Ex<'_>, committee_id: i64, record: RecordRef) -> Result<Vec<Instruction>> {
    Ok(all!(
        ex,
        Instruction,
        concat!(
            "SELECT ",
            instruction_columns!(),
            " FROM instructions i LEFT JOIN opinions o ON o.id = i.item_opinion_id
             WHERE i.committee_id = $1 AND i.record_kind = $2 AND i.record_id = $3 ORDER BY i.id"
        ),
        committee_id,
        record.kind.as_str(),
        record.id
    )?)
}

/// Instructions with the given counts: (year given, rank, record kind, how many).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Count {
    pub year: i64,
    #[sqlx(try_from = "String")]
    pub rank: Level,
    pub record_kind: String,
    pub n: i64,
}

/// Counts by year, rank and record kind of the instructions the filter selects (its paging
/// cursor is ignored), by year, rank and kind.
pub async fn counts(ex: &mut Ex<'_>, committee_id: i64, f: &Filter) -> Result<Vec<Count>> {
    let q = Query::new("SELECT CAST(substr(i.given_on, 1, 4) AS BIGINT) AS year, i.rank, i.record_kind, COUNT(*) AS n FROM instructions i");
    let mut q = filtered(q, committee_id, &Filter { before_id: None, ..f.clone() });
    q.sql(" GROUP BY substr(i.given_on, 1, 4), i.rank, i.record_kind ORDER BY 1, 2, 3");
    Ok(q.fetch_all(ex).await?)
}

/// The years in which instructions were given, newest first.
pub async fn years(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> =
        all!(ex, (i64,), "SELECT DISTINCT CAST(substr(given_on, 1, 4) AS BIGINT) FROM instructions WHERE committee_id = $1 ORDER BY 1 DESC", committee_id)?;
    Ok(rows.into_iter().map(|(y,)| y).collect())
}

/// Adds a follow-up; the instruction's version moves on.
pub async fn add_followup(ex: &mut Ex<'_>, instruction_id: i64, f: &FollowUp, recorded_by: i64) -> Result<FollowUpRow> {
    let now = now_micros();
    let row = opt!(
        &mut *ex,
        FollowUpRow,
        "INSERT INTO instruction_followups (instruction_id, done_on, by_whom, what, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, instruction_id, done_on, by_whom, what, recorded_by, recorded_at",
        instruction_id,
        f.done_on.to_string(),
        f.by_whom.as_str(),
        f.what.as_str(),
        recorded_by,
        now
    )?
    .ok_or(StorageError::NotFound)?;
    crate::run!(ex, "UPDATE instructions SET version = version + 1, updated_at = $2 WHERE id = $1", instruction_id, now)?;
    Ok(row)
}

/// The follow-ups of these instructions, in the order they were done.
pub async fn followups(ex: &mut Ex<'_>, instruction_ids: &[i64]) -> Result<Vec<FollowUpRow>> {
    if instruction_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::new("SELECT id, instruction_id, done_on, by_whom, what, recorded_by, recorded_at FROM instruction_followups WHERE instruction_id");
    q.in_ids(instruction_ids).sql(" ORDER BY done_on, id");
    Ok(q.fetch_all(ex).await?)
}

/// Whether `opinion_id` is one of the reports of bulletin issue `bulletin_id`.
pub async fn is_bulletin_item(ex: &mut Ex<'_>, bulletin_id: i64, opinion_id: i64) -> Result<bool> {
    let n: i64 = scalar!(ex, i64, "SELECT COUNT(*) FROM bulletin_items WHERE bulletin_id = $1 AND opinion_id = $2", bulletin_id, opinion_id)?;
    Ok(n > 0)
}

/// An instruction on one of a member's own records, with that record (for a bulletin issue: the
/// member's report in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OnMine {
    pub id: i64,
    pub record_kind: String,
    pub record_id: i64,
    pub leader_name: String,
    pub leader_post: String,
    #[sqlx(try_from = "String")]
    pub rank: Level,
    pub given_on: String,
    pub gist: String,
    /// The member's own record: a proposal or a report.
    pub own_kind: String,
    pub own_id: i64,
    pub own_title: String,
}

/// Instructions on the records of a user or their member record, newest first: proposals the
/// member proposed or co-signed (confirmed); reports the user wrote or the member is credited
/// with (`opinions.member_id`); bulletin issues holding such a report (an instruction that
/// singles out one report of an issue counts for that report only).
pub async fn on_records_of(ex: &mut Ex<'_>, committee_id: i64, user_id: i64, member_id: Option<i64>, limit: i64) -> Result<Vec<OnMine>> {
    Ok(all!(
        ex,
        OnMine,
        // `+committee_id`: the committee is only checked, never an index to walk (SQLite took
        // (committee, id) and read the committee's 500,000 reports: 0.5 s).
        "WITH own_opinions AS (
             SELECT id, title FROM opinions WHERE created_by = $2 AND +committee_id = $1
             UNION SELECT id, title FROM opinions WHERE member_id = $3 AND +committee_id = $1
         ), own_proposals AS (
             SELECT id, title FROM proposals WHERE +committee_id = $1 AND proposer_member_id = $3
             UNION SELECT p.id, p.title FROM proposal_cosigners c JOIN proposals p ON p.id = c.proposal_id
             WHERE p.committee_id = $1 AND c.member_id = $3 AND c.status = 'confirmed'
         ), mine AS (
             SELECT i.id, 'proposal' AS own_kind, p.id AS own_id, p.title AS own_title FROM instructions i
             JOIN own_proposals p ON i.record_kind = 'proposal' AND i.record_id = p.id WHERE i.committee_id = $1
             UNION SELECT i.id, 'opinion', o.id, o.title FROM instructions i
             JOIN own_opinions o ON i.record_kind = 'opinion' AND i.record_id = o.id WHERE i.committee_id = $1
             UNION SELECT i.id, 'opinion', o.id, o.title FROM instructions i
             JOIN bulletin_items b ON i.record_kind = 'bulletin' AND b.bulletin_id = i.record_id
             JOIN own_opinions o ON o.id = b.opinion_id
             WHERE i.committee_id = $1 AND (i.item_opinion_id IS NULL OR i.item_opinion_id = b.opinion_id)
         )
         SELECT i.id, i.record_kind, i.record_id, i.leader_name, i.leader_post, i.rank, i.given_on, i.gist, m.own_kind, m.own_id, m.own_title
         FROM mine m JOIN instructions i ON i.id = m.id ORDER BY i.given_on DESC, i.id DESC, m.own_id LIMIT $4",
        committee_id,
        user_id,
        member_id,
        limit
    )?)
}

/// Instructions with ids in `from..=to`, all committees (search documents), with their
/// follow-ups.
pub async fn range(ex: &mut Ex<'_>, from: i64, to: i64) -> Result<(Vec<Instruction>, Vec<FollowUpRow>)> {
    let rows: Vec<Instruction> = all!(
        &mut *ex,
        Instruction,
        concat!(
            "SELECT ",
            instruction_columns!(),
            " FROM instructions i LEFT JOIN opinions o ON o.id = i.item_opinion_id
             WHERE i.id BETWEEN $1 AND $2 ORDER BY i.id"
        ),
        from,
        to
    )?;
    let followups = all!(
        ex,
        FollowUpRow,
        "SELECT id, instruction_id, done_on, by_whom, what, recorded_by, recorded_at FROM instruction_followups
         WHERE instruction_id BETWEEN $1 AND $2 ORDER BY done_on, id",
        from,
        to
    )?;
    Ok((rows, followups))
}

pub async fn max_id(ex: &mut Ex<'_>) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM instructions")?)
}

/// Every `every`-th closed proposal of the committee (by id) with the time it was closed: the
/// proposals `eline bench-data` puts instructions on.
pub async fn every_nth_closed_proposal(ex: &mut Ex<'_>, committee_id: i64, every: i64) -> Result<Vec<(i64, Option<i64>)>> {
    Ok(all!(
        ex,
        (i64, Option<i64>),
        "SELECT id, closed_at FROM (SELECT id, closed_at, ROW_NUMBER() OVER (ORDER BY id) AS n FROM proposals WHERE committee_id = $1 AND status = 'closed') t
         WHERE n % $2 = 0 ORDER BY id",
        committee_id,
        every
    )?)
}
