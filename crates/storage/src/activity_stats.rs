//! The figures behind activity statistics (issue 15, point 7): grouped queries over one
//! committee's activities of a year and their lists; the application adds them up. Attendance is
//! read from closed activities only (`attendance` is final there), places held only (the waiting
//! list of a sign-up never counts).

use serde::Serialize;

use crate::{Arg, Ex, Query, Result, all};

/// Activities counted by kind, month ("01" … "12", Beijing) and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ActivityCount {
    pub kind: String,
    pub month: String,
    pub status: String,
    pub n: i64,
}

pub async fn activities(ex: &mut Ex<'_>, committee_id: i64, year: i64) -> Result<Vec<ActivityCount>> {
    Ok(all!(
        ex,
        ActivityCount,
        "SELECT a.kind, SUBSTR(a.starts_on, 6, 2) AS month, a.status, COUNT(*) AS n FROM activities a
         WHERE a.committee_id = $1 AND a.year = $2 GROUP BY a.kind, SUBSTR(a.starts_on, 6, 2), a.status ORDER BY 1, 2, 3",
        committee_id,
        year
    )?)
}

/// Places on closed activities counted by kind, month and final attendance (`None`: a row the
/// close did not mark, counted as absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PlaceCount {
    pub kind: String,
    pub month: String,
    pub attendance: Option<String>,
    pub n: i64,
}

pub async fn places(ex: &mut Ex<'_>, committee_id: i64, year: i64) -> Result<Vec<PlaceCount>> {
    Ok(all!(
        ex,
        PlaceCount,
        "SELECT a.kind, SUBSTR(a.starts_on, 6, 2) AS month, i.attendance, COUNT(*) AS n
         FROM activities a JOIN activity_invitees i ON i.activity_id = a.id
         WHERE a.committee_id = $1 AND a.year = $2 AND a.status = 'closed' AND i.waiting = FALSE
         GROUP BY a.kind, SUBSTR(a.starts_on, 6, 2), i.attendance ORDER BY 1, 2, 3",
        committee_id,
        year
    )?)
}

/// A member's places on closed activities by final attendance, with the member's sector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MemberCount {
    pub member_id: i64,
    pub name: String,
    pub sector_id: Option<i64>,
    pub sector_name: Option<String>,
    pub attendance: Option<String>,
    pub n: i64,
}

/// Grouped by member first; names joined to the groups after.
pub async fn members(ex: &mut Ex<'_>, committee_id: i64, year: i64) -> Result<Vec<MemberCount>> {
    Ok(all!(
        ex,
        MemberCount,
        "SELECT g.member_id, m.name, m.sector_id, s.name AS sector_name, g.attendance, g.n
         FROM (SELECT i.member_id, i.attendance, COUNT(*) AS n FROM activities a JOIN activity_invitees i ON i.activity_id = a.id
               WHERE a.committee_id = $1 AND a.year = $2 AND a.status = 'closed' AND i.waiting = FALSE
               GROUP BY i.member_id, i.attendance) g
         JOIN members m ON m.id = g.member_id LEFT JOIN sectors s ON s.id = m.sector_id
         ORDER BY g.member_id, g.attendance",
        committee_id,
        year
    )?)
}

/// (member, special committee, its name) of the committee's special committees' members.
pub async fn committee_members(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<(i64, i64, String)>> {
    Ok(all!(
        ex,
        (i64, i64, String),
        "SELECT mc.member_id, sc.id, sc.name FROM member_committees mc JOIN special_committees sc ON sc.id = mc.special_committee_id
         WHERE sc.committee_id = $1 ORDER BY sc.sort_order, sc.id, mc.member_id",
        committee_id
    )?)
}

/// (special committee, status, activities) of the activities special committees organised.
pub async fn organised(ex: &mut Ex<'_>, committee_id: i64, year: i64) -> Result<Vec<(i64, String, i64)>> {
    Ok(all!(
        ex,
        (i64, String, i64),
        "SELECT a.special_committee_id, a.status, COUNT(*) FROM activities a
         WHERE a.committee_id = $1 AND a.year = $2 AND a.special_committee_id IS NOT NULL
         GROUP BY a.special_committee_id, a.status ORDER BY 1, 2",
        committee_id,
        year
    )?)
}

/// A 政情通报 of the year (cancelled ones left out) with its person-times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Briefing {
    pub id: i64,
    pub title: String,
    pub starts_on: String,
    pub briefing_leader: Option<String>,
    pub status: String,
    pub attended: i64,
}

pub async fn briefings(ex: &mut Ex<'_>, committee_id: i64, year: i64) -> Result<Vec<Briefing>> {
    Ok(all!(
        ex,
        Briefing,
        "SELECT a.id, a.title, a.starts_on, a.briefing_leader, a.status,
            (SELECT COUNT(*) FROM activity_invitees i WHERE i.activity_id = a.id AND i.waiting = FALSE AND i.attendance IN ('present', 'late')) AS attended
         FROM activities a WHERE a.committee_id = $1 AND a.year = $2 AND a.kind = 'briefing' AND a.status <> 'cancelled'
         ORDER BY a.starts_at, a.id",
        committee_id,
        year
    )?)
}

/// An invitee of a closed activity who did not attend (excused or absent), with the leave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Absence {
    pub activity_id: i64,
    pub kind: String,
    pub title: String,
    pub starts_on: String,
    pub member_id: i64,
    pub name: String,
    pub sector: Option<String>,
    pub attendance: Option<String>,
    pub leave_status: Option<String>,
    pub leave_late: bool,
    pub leave_reason: Option<String>,
}

const NOT_ATTENDED: &str = " FROM activities a JOIN activity_invitees i ON i.activity_id = a.id JOIN members m ON m.id = i.member_id
    LEFT JOIN sectors s ON s.id = m.sector_id
    WHERE a.status = 'closed' AND i.waiting = FALSE AND (i.attendance IS NULL OR i.attendance IN ('excused', 'absent')) AND a.committee_id = ";

/// The first `limit` of the year's leave and absence lists, meeting by meeting (in order of the
/// start), excused before absent, by sector and name.
pub async fn absences(ex: &mut Ex<'_>, committee_id: i64, year: i64, limit: i64) -> Result<Vec<Absence>> {
    let mut q = Query::new(
        "SELECT a.id AS activity_id, a.kind, a.title, a.starts_on, i.member_id, m.name, s.name AS sector, i.attendance, i.leave_status,
            i.leave_late, i.leave_reason",
    );
    q.sql(NOT_ATTENDED).arg(Arg::I64(committee_id)).sql(" AND a.year = ").arg(Arg::I64(year));
    q.sql(" ORDER BY a.starts_at, a.id, CASE WHEN i.attendance = 'excused' THEN 0 ELSE 1 END, s.sort_order, s.id, m.name, m.id LIMIT ");
    q.arg(Arg::I64(limit));
    Ok(q.fetch_all(ex).await?)
}

/// How many rows the year's leave and absence lists hold in all.
pub async fn absences_total(ex: &mut Ex<'_>, committee_id: i64, year: i64) -> Result<i64> {
    let mut q = Query::new("SELECT COUNT(*)");
    q.sql(NOT_ATTENDED).arg(Arg::I64(committee_id)).sql(" AND a.year = ").arg(Arg::I64(year));
    Ok(q.fetch_all::<(i64,)>(ex).await?.first().map_or(0, |r| r.0))
}

/// One activity of a member's year: the activity and the member's row on its list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Attended {
    pub activity_id: i64,
    pub kind: String,
    pub title: String,
    pub starts_at: i64,
    pub status: String,
    pub attendance: Option<String>,
    pub leave_status: Option<String>,
    pub leave_late: bool,
    pub checked_in_at: Option<i64>,
    pub checkin_method: Option<String>,
}

/// The member's places (not the waiting list) on the year's activities, in order of the start.
pub async fn member_year(ex: &mut Ex<'_>, committee_id: i64, member_id: i64, year: i64) -> Result<Vec<Attended>> {
    Ok(all!(
        ex,
        Attended,
        "SELECT a.id AS activity_id, a.kind, a.title, a.starts_at, a.status, i.attendance, i.leave_status, i.leave_late, i.checked_in_at,
            i.checkin_method
         FROM activity_invitees i JOIN activities a ON a.id = i.activity_id
         WHERE i.member_id = $1 AND a.committee_id = $2 AND a.year = $3 AND i.waiting = FALSE ORDER BY a.starts_at, a.id",
        member_id,
        committee_id,
        year
    )?)
}

/// The years the committee has activities in, newest first (the page's choices).
pub async fn years(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = all!(ex, (i64,), "SELECT DISTINCT year FROM activities WHERE committee_id = $1 ORDER BY year DESC", committee_id)?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
