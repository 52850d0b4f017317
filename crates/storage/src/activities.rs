//! Activities and meetings: the activity rows, their lists of invitees (with each one's reply,
//! leave, check-in, check-out and attendance), refused check-ins, changes after publishing, the
//! lists by filter, the leave queue and the members' calendar-feed tokens.

use eline_domain::activity::{Attendance, CheckinMethod, Kind, LeaveStatus, Organiser, Participation, Rsvp, Source, Status};
use serde::Serialize;

use crate::{Arg, Ex, Opt, Query, Result, StorageError, all, now_micros, opt, run, scalar};

mod leave;
pub use leave::{LeaveRow, leave_count, leave_queue};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Activity {
    pub id: i64,
    pub committee_id: i64,
    pub year: i64,
    pub starts_on: String,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_at: i64,
    pub ends_at: i64,
    #[sqlx(try_from = "String")]
    pub organiser_kind: Organiser,
    pub special_committee_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub participation: Participation,
    pub capacity: Option<i64>,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub cancel_reason: Option<String>,
    pub approver_id: Option<i64>,
    pub leave_deadline_at: i64,
    pub checkin_from: i64,
    pub checkin_until: i64,
    pub checkout: bool,
    pub min_share_percent: i64,
    pub late_after_minutes: i64,
    #[serde(skip)]
    pub checkin_secret: String,
    pub briefing_leader: Option<String>,
    pub series_id: Option<i64>,
    pub changes: i64,
    pub published_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub created_by: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Inserts an activity as given (its status, normally planned); returns the stored row.
pub async fn create(ex: &mut Ex<'_>, a: &Activity) -> Result<Activity> {
    let now = now_micros();
    opt!(
        ex,
        Activity,
        "INSERT INTO activities (committee_id, year, starts_on, kind, title, description, place, starts_at, ends_at, organiser_kind,
            special_committee_id, participation, capacity, status, approver_id, leave_deadline_at, checkin_from, checkin_until, checkout,
            min_share_percent, late_after_minutes, checkin_secret, briefing_leader, series_id, created_by, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, 1, $26, $26)
         RETURNING *",
        a.committee_id,
        a.year,
        &a.starts_on,
        a.kind.as_str(),
        &a.title,
        &a.description,
        &a.place,
        a.starts_at,
        a.ends_at,
        a.organiser_kind.as_str(),
        a.special_committee_id,
        a.participation.as_str(),
        a.capacity,
        a.status.as_str(),
        a.approver_id,
        a.leave_deadline_at,
        a.checkin_from,
        a.checkin_until,
        a.checkout,
        a.min_share_percent,
        a.late_after_minutes,
        &a.checkin_secret,
        &a.briefing_leader,
        a.series_id,
        a.created_by,
        now
    )?
    .ok_or(StorageError::NotFound)
}

pub async fn get(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> Result<Option<Activity>> {
    Ok(opt!(ex, Activity, "SELECT * FROM activities WHERE id = $1 AND committee_id = $2", id, committee_id)?)
}

/// The activity, locked until the caller's transaction ends on PostgreSQL (SQLite transactions
/// already hold the write lock): actions on one activity — 300 members checking in at once — run
/// one after the other instead of failing on each other's version.
pub async fn get_for_update(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> Result<Option<Activity>> {
    if ex.engine() == crate::Engine::Postgres {
        return Ok(opt!(ex, Activity, "SELECT * FROM activities WHERE id = $1 AND committee_id = $2 FOR UPDATE", id, committee_id)?);
    }
    get(ex, committee_id, id).await
}

/// Writes every mutable field when the stored version is `expected`; returns the new state.
pub async fn save(ex: &mut Ex<'_>, a: &Activity, expected: i64) -> Result<Activity> {
    let row = opt!(
        &mut *ex,
        Activity,
        "UPDATE activities SET year = $1, starts_on = $2, kind = $3, title = $4, description = $5, place = $6, starts_at = $7, ends_at = $8,
            organiser_kind = $9, special_committee_id = $10, participation = $11, capacity = $12, status = $13, cancel_reason = $14,
            approver_id = $15, leave_deadline_at = $16, checkin_from = $17, checkin_until = $18, checkout = $19, min_share_percent = $20,
            late_after_minutes = $21, briefing_leader = $22, changes = $23, published_at = $24, closed_at = $25, version = version + 1, updated_at = $26
         WHERE id = $27 AND committee_id = $28 AND version = $29 RETURNING *",
        a.year,
        &a.starts_on,
        a.kind.as_str(),
        &a.title,
        &a.description,
        &a.place,
        a.starts_at,
        a.ends_at,
        a.organiser_kind.as_str(),
        a.special_committee_id,
        a.participation.as_str(),
        a.capacity,
        a.status.as_str(),
        &a.cancel_reason,
        a.approver_id,
        a.leave_deadline_at,
        a.checkin_from,
        a.checkin_until,
        a.checkout,
        a.min_share_percent,
        a.late_after_minutes,
        &a.briefing_leader,
        a.changes,
        a.published_at,
        a.closed_at,
        now_micros(),
        a.id,
        a.committee_id,
        expected
    )?;
    match row {
        Some(a) => Ok(a),
        None => Err(StorageError::VersionConflict),
    }
}

/// One member on an activity's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Invitee {
    pub id: i64,
    pub activity_id: i64,
    pub committee_id: i64,
    pub member_id: i64,
    #[sqlx(try_from = "String")]
    pub source: Source,
    pub waiting: bool,
    #[sqlx(try_from = "Option<String>")]
    pub rsvp: Opt<Rsvp>,
    #[sqlx(try_from = "Option<String>")]
    pub leave_status: Opt<LeaveStatus>,
    pub leave_reason: Option<String>,
    pub leave_requested_at: Option<i64>,
    pub leave_late: bool,
    pub leave_decided_by: Option<i64>,
    pub leave_decided_at: Option<i64>,
    pub leave_note: Option<String>,
    pub checked_in_at: Option<i64>,
    #[sqlx(try_from = "Option<String>")]
    pub checkin_method: Opt<CheckinMethod>,
    pub checkin_by: Option<i64>,
    pub checkin_reason: Option<String>,
    pub checked_out_at: Option<i64>,
    pub last_window: Option<i64>,
    #[sqlx(try_from = "Option<String>")]
    pub attendance: Opt<Attendance>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An invitee with the member's name and sector (the list, the sign-in sheet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Listed {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub invitee: Invitee,
    pub name: String,
    pub sector: String,
}

/// The member's row on the activity's list, if any.
pub async fn invitee(ex: &mut Ex<'_>, activity_id: i64, member_id: i64) -> Result<Option<Invitee>> {
    Ok(opt!(ex, Invitee, "SELECT * FROM activity_invitees WHERE activity_id = $1 AND member_id = $2", activity_id, member_id)?)
}

/// The whole list (places first, then the waiting list in order of sign-up), by sector and name.
pub async fn invitees(ex: &mut Ex<'_>, activity_id: i64) -> Result<Vec<Listed>> {
    Ok(all!(
        ex,
        Listed,
        "SELECT i.*, m.name AS name, s.name AS sector FROM activity_invitees i JOIN members m ON m.id = i.member_id
         JOIN sectors s ON s.id = m.sector_id WHERE i.activity_id = $1
         ORDER BY i.waiting, CASE WHEN i.waiting THEN i.id ELSE 0 END, s.sort_order, s.id, m.name, m.id",
        activity_id
    )?)
}

/// Puts members on the list (a member already on it stays as they were); returns how many were
/// added.
pub async fn add_invitees(ex: &mut Ex<'_>, committee_id: i64, activity_id: i64, members: &[i64], source: Source, waiting: bool) -> Result<u64> {
    let now = now_micros();
    let mut added = 0;
    for m in members {
        added += run!(
            &mut *ex,
            "INSERT INTO activity_invitees (activity_id, committee_id, member_id, source, waiting, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (activity_id, member_id) DO NOTHING",
            activity_id,
            committee_id,
            *m,
            source.as_str(),
            waiting,
            now
        )?;
    }
    Ok(added)
}

/// How many hold a place (not waiting).
pub async fn places_taken(ex: &mut Ex<'_>, activity_id: i64) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT COUNT(*) FROM activity_invitees WHERE activity_id = $1 AND waiting = FALSE", activity_id)?)
}

/// The first on the waiting list, if any.
pub async fn first_waiting(ex: &mut Ex<'_>, activity_id: i64) -> Result<Option<Invitee>> {
    Ok(opt!(ex, Invitee, "SELECT * FROM activity_invitees WHERE activity_id = $1 AND waiting = TRUE ORDER BY id LIMIT 1", activity_id)?)
}

/// Writes an invitee's row as given.
pub async fn save_invitee(ex: &mut Ex<'_>, i: &Invitee) -> Result<()> {
    let changed = run!(
        ex,
        "UPDATE activity_invitees SET waiting = $1, rsvp = $2, leave_status = $3, leave_reason = $4, leave_requested_at = $5, leave_late = $6,
            leave_decided_by = $7, leave_decided_at = $8, leave_note = $9, checked_in_at = $10, checkin_method = $11, checkin_by = $12,
            checkin_reason = $13, checked_out_at = $14, last_window = $15, attendance = $16, updated_at = $17
         WHERE id = $18",
        i.waiting,
        i.rsvp.map(|v| v.as_str()),
        i.leave_status.map(|v| v.as_str()),
        &i.leave_reason,
        i.leave_requested_at,
        i.leave_late,
        i.leave_decided_by,
        i.leave_decided_at,
        &i.leave_note,
        i.checked_in_at,
        i.checkin_method.map(|v| v.as_str()),
        i.checkin_by,
        &i.checkin_reason,
        i.checked_out_at,
        i.last_window,
        i.attendance.map(|v| v.as_str()),
        now_micros(),
        i.id
    )?;
    if changed == 1 { Ok(()) } else { Err(StorageError::NotFound) }
}

/// Who to invite: the members of the committee (not archived, in office) matching any of these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    /// Member positions (`members.roles`): standing, chair, vice_chair, secretary_general.
    pub positions: Vec<String>,
    pub sector_ids: Vec<i64>,
    pub special_committee_ids: Vec<i64>,
    pub station_ids: Vec<i64>,
    /// 党派团体: members whose party is the organisation's name.
    pub organization_ids: Vec<i64>,
}

/// The members each part of the selector finds, with the part (a member found twice keeps the
/// first part, in the order role, sector, special committee, station, organisation).
pub async fn select_members(ex: &mut Ex<'_>, committee_id: i64, s: &Selector) -> Result<Vec<(i64, Source)>> {
    let mut out: Vec<(i64, Source)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |ids: Vec<i64>, source: Source, out: &mut Vec<(i64, Source)>| {
        for id in ids {
            if seen.insert(id) {
                out.push((id, source));
            }
        }
    };
    for position in &s.positions {
        let mut q = Query::new("SELECT m.id FROM members m WHERE m.archived = FALSE AND m.committee_id = ");
        q.arg(Arg::I64(committee_id)).sql(" AND (',' || m.roles || ',') LIKE ").arg(Arg::Text(format!("%,{position},%"))).sql(" ORDER BY m.id");
        let ids = q.fetch_all::<(i64,)>(ex).await?.into_iter().map(|r| r.0).collect();
        push(ids, Source::Role, &mut out);
    }
    let by = |sql: &'static str, ids: &[i64]| {
        let mut q = Query::new(sql);
        q.arg(Arg::I64(committee_id)).in_ids(ids).sql(" ORDER BY m.id");
        q
    };
    let parts: [(&'static str, &Vec<i64>, Source); 4] = [
        ("SELECT m.id FROM members m WHERE m.archived = FALSE AND m.committee_id = $1 AND m.sector_id", &s.sector_ids, Source::Sector),
        (
            "SELECT DISTINCT m.id FROM members m JOIN member_committees mc ON mc.member_id = m.id WHERE m.archived = FALSE AND m.committee_id = $1 AND mc.special_committee_id",
            &s.special_committee_ids,
            Source::SpecialCommittee,
        ),
        ("SELECT m.id FROM members m WHERE m.archived = FALSE AND m.committee_id = $1 AND m.work_station_id", &s.station_ids, Source::Station),
        (
            "SELECT m.id FROM members m JOIN organizations o ON o.name = m.party AND o.committee_id = m.committee_id WHERE m.archived = FALSE AND m.committee_id = $1 AND o.id",
            &s.organization_ids,
            Source::Organization,
        ),
    ];
    for (sql, ids, source) in parts {
        if ids.is_empty() {
            continue;
        }
        let found = by(sql, ids).fetch_all::<(i64,)>(ex).await?.into_iter().map(|r| r.0).collect();
        push(found, source, &mut out);
    }
    Ok(out)
}

/// Of `ids`, the members of the committee (not archived).
pub async fn existing_members(ex: &mut Ex<'_>, committee_id: i64, ids: &[i64]) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::new("SELECT m.id FROM members m WHERE m.archived = FALSE AND m.committee_id = ");
    q.arg(Arg::I64(committee_id)).sql(" AND m.id").in_ids(ids).sql(" ORDER BY m.id");
    Ok(q.fetch_all::<(i64,)>(ex).await?.into_iter().map(|r| r.0).collect())
}

/// The activities of a series, in order of time: the first (whose id the others carry as their
/// `series_id`) and the rest.
pub async fn series(ex: &mut Ex<'_>, committee_id: i64, first_id: i64) -> Result<Vec<i64>> {
    let mut q = Query::new("SELECT a.id FROM activities a WHERE a.committee_id = ");
    q.arg(Arg::I64(committee_id))
        .sql(" AND (a.id = ")
        .arg(Arg::I64(first_id))
        .sql(" OR a.series_id = ")
        .arg(Arg::I64(first_id))
        .sql(") ORDER BY a.starts_at, a.id");
    Ok(q.fetch_all::<(i64,)>(ex).await?.into_iter().map(|r| r.0).collect())
}

/// Records a refused check-in.
pub async fn record_attempt(
    ex: &mut Ex<'_>,
    committee_id: i64,
    activity_id: i64,
    user_id: i64,
    member_id: Option<i64>,
    code: &str,
    outcome: &str,
) -> Result<()> {
    let code: String = code.chars().take(32).collect();
    run!(
        ex,
        "INSERT INTO activity_checkin_attempts (activity_id, committee_id, user_id, member_id, code, outcome, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        activity_id,
        committee_id,
        user_id,
        member_id,
        code,
        outcome,
        now_micros()
    )?;
    Ok(())
}

/// A refused check-in, with the account's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Attempt {
    pub id: i64,
    pub user_id: i64,
    pub member_id: Option<i64>,
    pub name: String,
    pub code: String,
    pub outcome: String,
    pub at: i64,
}

pub async fn attempts(ex: &mut Ex<'_>, activity_id: i64) -> Result<Vec<Attempt>> {
    Ok(all!(
        ex,
        Attempt,
        "SELECT a.id, a.user_id, a.member_id, u.display_name AS name, a.code, a.outcome, a.at FROM activity_checkin_attempts a
         JOIN users u ON u.id = a.user_id WHERE a.activity_id = $1 ORDER BY a.id DESC LIMIT 500",
        activity_id
    )?)
}

/// A change of time or place after publishing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ChangeRow {
    pub id: i64,
    pub field: String,
    pub before_value: String,
    pub after_value: String,
    pub at: i64,
}

pub async fn add_change(ex: &mut Ex<'_>, activity_id: i64, field: &str, before: &str, after: &str, by: i64) -> Result<()> {
    run!(
        ex,
        "INSERT INTO activity_changes (activity_id, field, before_value, after_value, changed_by, at) VALUES ($1, $2, $3, $4, $5, $6)",
        activity_id,
        field,
        before,
        after,
        by,
        now_micros()
    )?;
    Ok(())
}

pub async fn changes(ex: &mut Ex<'_>, activity_id: i64) -> Result<Vec<ChangeRow>> {
    Ok(all!(ex, ChangeRow, "SELECT id, field, before_value, after_value, at FROM activity_changes WHERE activity_id = $1 ORDER BY id", activity_id)?)
}

/// Which activities a list holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only those with this member on the list (a member's own activities).
    pub member_id: Option<i64>,
    /// Leave out planned ones (everyone but the office).
    pub published_only: bool,
    pub year: Option<i64>,
    pub kind: Option<Kind>,
    pub status: Option<Status>,
    pub participation: Option<Participation>,
    /// Starting at or after (microseconds).
    pub from: Option<i64>,
    /// Starting before (microseconds).
    pub until: Option<i64>,
    /// Soonest first (upcoming lists); otherwise newest start first.
    pub ascending: bool,
    /// Keyset: after this (starts_at, id) in the list's order.
    pub after: Option<(i64, i64)>,
}

/// An activity in a list, with the member's own row when the list is a member's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    pub title: String,
    pub place: String,
    pub starts_at: i64,
    pub ends_at: i64,
    #[sqlx(try_from = "String")]
    pub status: Status,
    #[sqlx(try_from = "String")]
    pub participation: Participation,
    pub changes: i64,
    pub version: i64,
    pub invited: Option<i64>,
    #[sqlx(try_from = "Option<String>")]
    pub rsvp: Opt<Rsvp>,
    #[sqlx(try_from = "Option<String>")]
    pub leave_status: Opt<LeaveStatus>,
    pub checked_in_at: Option<i64>,
    #[sqlx(try_from = "Option<String>")]
    pub attendance: Opt<Attendance>,
}

pub async fn list(ex: &mut Ex<'_>, committee_id: i64, f: &Filter, limit: i64) -> Result<Vec<Row>> {
    let mut q = Query::new("SELECT a.id, a.kind, a.title, a.place, a.starts_at, a.ends_at, a.status, a.participation, a.changes, a.version, ");
    match f.member_id {
        Some(m) => {
            // Driven from the member's own places (a few hundred), never from the committee's
            // activities in date order probing each for the member: SQLite chose the latter
            // (20,000 activities at bench scale, 7 ms a page; 2 ms this way). CROSS JOIN keeps
            // SQLite's join order; PostgreSQL plans it as the inner join it is.
            q.sql("i.id AS invited, i.rsvp, i.leave_status, i.checked_in_at, i.attendance FROM activity_invitees i CROSS JOIN activities a WHERE a.id = i.activity_id AND i.member_id = ")
                .arg(Arg::I64(m))
                .sql(" AND a.committee_id = ")
                .arg(Arg::I64(committee_id));
        }
        None => {
            q.sql("NULL AS invited, NULL AS rsvp, NULL AS leave_status, NULL AS checked_in_at, NULL AS attendance FROM activities a WHERE a.committee_id = ")
                .arg(Arg::I64(committee_id));
        }
    }
    if f.published_only {
        q.sql(" AND a.status <> 'planned'");
    }
    if let Some(y) = f.year {
        q.sql(" AND a.year = ").arg(Arg::I64(y));
    }
    if let Some(k) = f.kind {
        q.sql(" AND a.kind = ").arg(Arg::Text(k.as_str().into()));
    }
    if let Some(s) = f.status {
        q.sql(" AND a.status = ").arg(Arg::Text(s.as_str().into()));
    }
    if let Some(p) = f.participation {
        q.sql(" AND a.participation = ").arg(Arg::Text(p.as_str().into()));
    }
    if let Some(from) = f.from {
        q.sql(" AND a.starts_at >= ").arg(Arg::I64(from));
    }
    if let Some(until) = f.until {
        q.sql(" AND a.starts_at < ").arg(Arg::I64(until));
    }
    if let Some((at, id)) = f.after {
        if f.ascending {
            q.sql(" AND (a.starts_at > ").arg(Arg::I64(at)).sql(" OR (a.starts_at = ").arg(Arg::I64(at)).sql(" AND a.id > ").arg(Arg::I64(id)).sql("))");
        } else {
            q.sql(" AND (a.starts_at < ").arg(Arg::I64(at)).sql(" OR (a.starts_at = ").arg(Arg::I64(at)).sql(" AND a.id < ").arg(Arg::I64(id)).sql("))");
        }
    }
    q.sql(if f.ascending { " ORDER BY a.starts_at, a.id LIMIT " } else { " ORDER BY a.starts_at DESC, a.id DESC LIMIT " }).arg(Arg::I64(limit));
    Ok(q.fetch_all::<Row>(ex).await?)
}

/// Stores the SHA-256 of a member's new feed token (replacing the old one).
pub async fn set_feed(ex: &mut Ex<'_>, user_id: i64, token_hash: &str) -> Result<()> {
    run!(&mut *ex, "DELETE FROM calendar_feeds WHERE user_id = $1", user_id)?;
    run!(&mut *ex, "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES ($1, $2, $3)", user_id, token_hash, now_micros())?;
    Ok(())
}

/// Revokes the member's feed (the link stops working).
pub async fn clear_feed(ex: &mut Ex<'_>, user_id: i64) -> Result<u64> {
    Ok(run!(ex, "DELETE FROM calendar_feeds WHERE user_id = $1", user_id)?)
}

/// Whether the account has a feed, since when.
pub async fn feed_of(ex: &mut Ex<'_>, user_id: i64) -> Result<Option<i64>> {
    Ok(scalar!(ex, Option<i64>, "SELECT MAX(created_at) FROM calendar_feeds WHERE user_id = $1", user_id)?)
}

/// The account whose feed token hashes to `token_hash`.
pub async fn feed_user(ex: &mut Ex<'_>, token_hash: &str) -> Result<Option<i64>> {
    Ok(scalar!(ex, Option<i64>, "SELECT MAX(user_id) FROM calendar_feeds WHERE token_hash = $1", token_hash)?)
}

/// Takes a member off a sign-up list (they gave their place up).
pub async fn remove_invitee(ex: &mut Ex<'_>, invitee_id: i64) -> Result<()> {
    run!(ex, "DELETE FROM activity_invitees WHERE id = $1", invitee_id)?;
    Ok(())
}
