//! The leave queue: requests waiting for their approver's decision, and how many there are.

use eline_domain::activity::Kind;
use serde::Serialize;

use crate::{Arg, Ex, Query, Result};

/// A leave request waiting for a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LeaveRow {
    pub activity_id: i64,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    pub starts_at: i64,
    pub version: i64,
    pub member_id: i64,
    pub name: String,
    pub leave_reason: Option<String>,
    pub leave_requested_at: Option<i64>,
    pub leave_late: bool,
}

/// The leave requests of open activities waiting for `approver` (or for the office): from the
/// committee's open activities in date order (`activities_open`) to each one's requests
/// (`activity_invitees_leave_requested`), not from every request ever made (most were left
/// undecided on activities long closed). CROSS JOIN keeps that order on SQLite; PostgreSQL plans
/// the join itself. Appends to a query that ends in `WHERE a.committee_id = `.
fn open_requests(q: &mut Query, committee_id: i64, approver: Option<i64>) {
    q.arg(Arg::I64(committee_id)).sql(" AND a.status IN ('published', 'checkin_open') AND i.activity_id = a.id AND i.leave_status = 'requested'");
    match approver {
        Some(u) => q.sql(" AND a.approver_id = ").arg(Arg::I64(u)),
        None => q.sql(" AND a.approver_id IS NULL"),
    };
}

/// Leave requests waiting for `approver` (a user id), or for the office when `None` (activities
/// without an approver), soonest activity first.
pub async fn leave_queue(ex: &mut Ex<'_>, committee_id: i64, approver: Option<i64>, limit: i64) -> Result<Vec<LeaveRow>> {
    let mut q = Query::new(
        "SELECT a.id AS activity_id, a.title, a.kind, a.starts_at, a.version, i.member_id, m.name, i.leave_reason, i.leave_requested_at, i.leave_late
         FROM activities a CROSS JOIN activity_invitees i JOIN members m ON m.id = i.member_id
         WHERE a.committee_id = ",
    );
    open_requests(&mut q, committee_id, approver);
    q.sql(" ORDER BY a.starts_at, a.id, i.id LIMIT ").arg(Arg::I64(limit));
    Ok(q.fetch_all::<LeaveRow>(ex).await?)
}

/// How many leave requests `leave_queue` would list, counted up to `cap` (the home page and the
/// activities list show the number, not the rows).
pub async fn leave_count(ex: &mut Ex<'_>, committee_id: i64, approver: Option<i64>, cap: i64) -> Result<i64> {
    let mut q = Query::new(
        "SELECT COUNT(*) FROM (SELECT 1 FROM activities a CROSS JOIN activity_invitees i
         WHERE a.committee_id = ",
    );
    open_requests(&mut q, committee_id, approver);
    q.sql(" LIMIT ").arg(Arg::I64(cap)).sql(") waiting");
    Ok(q.fetch_all::<(i64,)>(ex).await?.first().map_or(0, |r| r.0))
}
