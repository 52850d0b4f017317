//! 社情民意 reports (and 资政之声): the report rows, their revisions, their outcomes by level (copied
//! down the chain of reports sent upward), lists by scope and filter, and the office's queues.

use eline_domain::opinion::{Channel, Level, OutcomeKind, ScopeRule, Status, Submitter};
use serde::Serialize;
use sqlx::AssertSqlSafe;

use crate::{Arg, Ex, Query, Result, StorageError, all, now_micros, opt, run, scalar};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Opinion {
    pub id: i64,
    pub committee_id: i64,
    pub year: i64,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub title: String,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub submitter_kind: Submitter,
    pub member_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub special_committee_id: Option<i64>,
    pub sector_id: Option<i64>,
    pub author_name: String,
    pub created_by: i64,
    pub submitted_at: Option<i64>,
    pub submitted_on: Option<String>,
    pub due_on: Option<String>,
    pub decided_at: Option<i64>,
    pub decided_on: Option<String>,
    pub return_reason: Option<String>,
    pub keep_reason: Option<String>,
    pub returns: i64,
    pub origin_id: Option<i64>,
    pub reported_up_id: Option<i64>,
    pub reported_up_at: Option<i64>,
    pub published: bool,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A new report (a draft, or a report arriving from a committee below as submitted).
pub struct NewOpinion<'a> {
    pub committee_id: i64,
    pub year: i64,
    pub channel: Channel,
    pub status: Status,
    pub title: &'a str,
    pub body: &'a str,
    pub submitter_kind: Submitter,
    pub member_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub special_committee_id: Option<i64>,
    pub sector_id: Option<i64>,
    pub author_name: &'a str,
    pub created_by: i64,
    pub origin_id: Option<i64>,
}

pub async fn create(ex: &mut Ex<'_>, o: &NewOpinion<'_>) -> Result<Opinion> {
    let now = now_micros();
    opt!(
        ex,
        Opinion,
        "INSERT INTO opinions (committee_id, year, channel, status, title, body, submitter_kind, member_id, organization_id, special_committee_id,
            sector_id, author_name, created_by, origin_id, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15) RETURNING *",
        o.committee_id,
        o.year,
        o.channel.as_str(),
        o.status.as_str(),
        o.title,
        o.body,
        o.submitter_kind.as_str(),
        o.member_id,
        o.organization_id,
        o.special_committee_id,
        o.sector_id,
        o.author_name,
        o.created_by,
        o.origin_id,
        now
    )?
    .ok_or(StorageError::NotFound)
}

pub async fn get(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> Result<Option<Opinion>> {
    Ok(opt!(ex, Opinion, "SELECT * FROM opinions WHERE id = $1 AND committee_id = $2", id, committee_id)?)
}

/// A report by id in any committee (a chain of reports sent upward crosses committees; callers
/// never show it to an actor of another committee).
pub async fn get_any(ex: &mut Ex<'_>, id: i64) -> Result<Option<Opinion>> {
    Ok(opt!(ex, Opinion, "SELECT * FROM opinions WHERE id = $1", id)?)
}

/// Writes every mutable field when the stored version is `expected`; returns the new state.
pub async fn save(ex: &mut Ex<'_>, o: &Opinion, expected: i64) -> Result<Opinion> {
    let row = opt!(
        &mut *ex,
        Opinion,
        "UPDATE opinions SET year = $1, channel = $2, status = $3, title = $4, body = $5, submitted_at = $6, submitted_on = $7, due_on = $8,
            decided_at = $9, decided_on = $10, return_reason = $11, keep_reason = $12, returns = $13, reported_up_id = $14, reported_up_at = $15,
            published = $16, author_name = $17, version = version + 1, updated_at = $18
         WHERE id = $19 AND committee_id = $20 AND version = $21 RETURNING *",
        o.year,
        o.channel.as_str(),
        o.status.as_str(),
        &o.title,
        &o.body,
        o.submitted_at,
        &o.submitted_on,
        &o.due_on,
        o.decided_at,
        &o.decided_on,
        &o.return_reason,
        &o.keep_reason,
        o.returns,
        o.reported_up_id,
        o.reported_up_at,
        o.published,
        &o.author_name,
        now_micros(),
        o.id,
        o.committee_id,
        expected
    )?;
    match row {
        Some(r) => Ok(r),
        None => match get(ex, o.committee_id, o.id).await? {
            Some(_) => Err(StorageError::VersionConflict),
            None => Err(StorageError::NotFound),
        },
    }
}

/// Deletes a draft and what only a draft has (revisions, timeline, files, links) if it is still a
/// draft at `expected` version; false when it is not. The caller audits the deletion.
pub async fn delete_draft(ex: &mut Ex<'_>, committee_id: i64, id: i64, expected: i64) -> Result<bool> {
    let n = run!(
        &mut *ex,
        "UPDATE opinions SET version = version + 1 WHERE id = $1 AND committee_id = $2 AND status = 'draft' AND version = $3",
        id,
        committee_id,
        expected
    )?;
    if n != 1 {
        return Ok(false);
    }
    run!(&mut *ex, "DELETE FROM opinion_revisions WHERE opinion_id = $1", id)?;
    crate::timeline::forget(&mut *ex, eline_domain::RecordRef::new(eline_domain::RecordKind::OPINION, id)).await?;
    run!(&mut *ex, "DELETE FROM opinions WHERE id = $1", id)?;
    Ok(true)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Revision {
    pub id: i64,
    pub opinion_id: i64,
    pub number: i64,
    pub title: String,
    pub body: String,
    pub edited_by: Option<i64>,
    pub editor_name: String,
    pub note: Option<String>,
    pub at: i64,
}

/// Records the report's title and text as they are now, as revision number max+1.
pub async fn add_revision(
    ex: &mut Ex<'_>,
    opinion_id: i64,
    title: &str,
    body: &str,
    edited_by: Option<i64>,
    editor_name: &str,
    note: Option<&str>,
) -> Result<i64> {
    let next = scalar!(&mut *ex, i64, "SELECT COALESCE(MAX(number), 0) + 1 FROM opinion_revisions WHERE opinion_id = $1", opinion_id)?;
    run!(
        ex,
        "INSERT INTO opinion_revisions (opinion_id, number, title, body, edited_by, editor_name, note, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        opinion_id,
        next,
        title,
        body,
        edited_by,
        editor_name,
        note,
        now_micros()
    )?;
    Ok(next)
}

pub async fn revisions(ex: &mut Ex<'_>, opinion_id: i64) -> Result<Vec<Revision>> {
    Ok(all!(ex, Revision, "SELECT * FROM opinion_revisions WHERE opinion_id = $1 ORDER BY number", opinion_id)?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Outcome {
    pub id: i64,
    pub opinion_id: i64,
    pub source_id: i64,
    #[sqlx(try_from = "String")]
    pub level: Level,
    #[sqlx(try_from = "String")]
    pub kind: OutcomeKind,
    pub body: Option<String>,
    pub decided_on: String,
    pub note: Option<String>,
    pub by_hand: bool,
    pub recorded_by: Option<i64>,
    pub recorded_at: i64,
}

pub struct NewOutcome<'a> {
    pub source_id: i64,
    pub level: Level,
    pub kind: OutcomeKind,
    pub body: Option<&'a str>,
    pub decided_on: &'a str,
    pub note: Option<&'a str>,
    pub by_hand: bool,
    pub recorded_by: Option<i64>,
}

/// Records an outcome on report `opinion_id` (the report it happened to, or one below it).
pub async fn add_outcome(ex: &mut Ex<'_>, opinion_id: i64, o: &NewOutcome<'_>) -> Result<()> {
    run!(
        ex,
        "INSERT INTO opinion_outcomes (opinion_id, source_id, level, kind, body, decided_on, note, by_hand, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        opinion_id,
        o.source_id,
        o.level.as_str(),
        o.kind.as_str(),
        o.body,
        o.decided_on,
        o.note,
        o.by_hand,
        o.recorded_by,
        now_micros()
    )?;
    Ok(())
}

pub async fn outcomes(ex: &mut Ex<'_>, opinion_id: i64) -> Result<Vec<Outcome>> {
    Ok(all!(ex, Outcome, "SELECT * FROM opinion_outcomes WHERE opinion_id = $1 ORDER BY id", opinion_id)?)
}

/// A report in a list, with what a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    pub year: i64,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub title: String,
    pub author_name: String,
    pub submitted_on: Option<String>,
    pub due_on: Option<String>,
    pub reported_up_id: Option<i64>,
    pub origin_id: Option<i64>,
    pub published: bool,
    pub version: i64,
}

/// Which reports a list shows: the viewer's scope narrowed by the filters given.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub scope: Option<ScopeRule>,
    pub status: Option<Status>,
    pub channel: Option<Channel>,
    pub year: Option<i64>,
    /// Waiting for the office (submitted or editing).
    pub awaiting_office: bool,
    /// Adopted and in no bulletin issue yet.
    pub not_compiled: bool,
    /// Arrived from a committee below.
    pub from_below: bool,
    pub member_id: Option<i64>,
    /// Credited to this sector: the report's own, or its member's sector (statistics drill-down).
    pub sector_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub special_committee_id: Option<i64>,
    /// Submitted on or after / on or before these dates (YYYY-MM-DD).
    pub submitted_from: Option<String>,
    pub submitted_to: Option<String>,
    /// With an outcome at this level (and of this kind).
    pub outcome_level: Option<Level>,
    pub outcome_kind: Option<OutcomeKind>,
    pub q: Option<String>,
    /// Oldest due first (the office's queues) instead of newest first.
    pub by_due: bool,
    /// Newest first: rows before this id. By due: rows after (due, id).
    pub before_id: Option<i64>,
    pub after: Option<(String, i64)>,
}

pub async fn list(ex: &mut Ex<'_>, committee_id: i64, f: &Filter, limit: i64) -> Result<Vec<Row>> {
    let mut q = Query::new(
        "SELECT o.id, o.year, o.channel, o.status, o.title, o.author_name, o.submitted_on, o.due_on, o.reported_up_id, o.origin_id, o.published, o.version
         FROM opinions o WHERE o.committee_id = ",
    );
    q.arg(Arg::I64(committee_id));
    // Each rule selects what `ScopeRule::includes` says.
    match f.scope {
        None => {}
        Some(ScopeRule::AllButDrafts) => {
            q.sql(" AND o.status <> 'draft'");
        }
        Some(ScopeRule::Adopted) => {
            q.sql(" AND o.status = 'adopted'");
        }
        Some(ScopeRule::OfAuthor { user, member }) => {
            // Driven from the author's own rows (a few dozen): as `created_by = ? OR member_id = ?`
            // the engine walked the committee's newest-first index through every report until
            // it had a page (0.28 s at 500,000 reports; 5 ms this way).
            q.with(" AND o.id IN (SELECT a.id FROM opinions a WHERE a.created_by = ?", Arg::I64(user));
            match member {
                Some(m) => q.with(" UNION ALL SELECT b.id FROM opinions b WHERE b.member_id = ?)", Arg::I64(m)),
                None => q.sql(")"),
            };
        }
        Some(ScopeRule::Published) => {
            q.sql(" AND o.status = 'adopted' AND o.published = TRUE");
        }
    }
    if let Some(v) = f.status {
        q.sql(" AND o.status = ").arg(Arg::Text(v.as_str().into()));
    }
    if let Some(v) = f.channel {
        q.sql(" AND o.channel = ").arg(Arg::Text(v.as_str().into()));
    }
    if let Some(v) = f.year {
        q.sql(" AND o.year = ").arg(Arg::I64(v));
    }
    if f.awaiting_office {
        q.sql(" AND o.status IN ('submitted', 'editing')");
    }
    if f.not_compiled {
        // The flag kept with the bulletin items; the partial index `opinions_to_compile` holds these.
        q.sql(" AND o.status = 'adopted' AND o.compiled = FALSE");
    }
    if f.from_below {
        q.sql(" AND o.origin_id IS NOT NULL");
    }
    if let Some(v) = f.member_id {
        q.sql(" AND o.member_id = ").arg(Arg::I64(v));
    }
    if let Some(v) = f.sector_id {
        q.with(" AND (o.sector_id = ? OR (o.sector_id IS NULL AND o.member_id IN (SELECT m.id FROM members m WHERE m.sector_id = ?)))", Arg::I64(v));
    }
    if let Some(v) = f.organization_id {
        q.sql(" AND o.organization_id = ").arg(Arg::I64(v));
    }
    if let Some(v) = f.special_committee_id {
        q.sql(" AND o.special_committee_id = ").arg(Arg::I64(v));
    }
    if let Some(v) = &f.submitted_from {
        q.sql(" AND o.submitted_on >= ").arg(Arg::Text(v.clone()));
    }
    if let Some(v) = &f.submitted_to {
        q.sql(" AND o.submitted_on <= ").arg(Arg::Text(v.clone()));
    }
    if let Some(level) = f.outcome_level {
        q.sql(" AND EXISTS (SELECT 1 FROM opinion_outcomes oc WHERE oc.opinion_id = o.id AND oc.level = ").arg(Arg::Text(level.as_str().into()));
        if let Some(kind) = f.outcome_kind {
            q.sql(" AND oc.kind = ").arg(Arg::Text(kind.as_str().into()));
        }
        q.sql(")");
    }
    if let Some(words) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        q.sql(" AND o.title LIKE ").arg(Arg::Text(format!("%{}%", words.replace(['%', '_'], ""))));
    }
    if f.by_due && f.awaiting_office {
        // The queues: waiting reports always have a target date (set at submission and when
        // one arrives from below), read in order from the partial index `opinions_queue`.
        q.sql(" AND o.due_on IS NOT NULL");
        if let Some((due, id)) = f.after.clone() {
            q.sql(" AND (o.due_on > ").arg(Arg::Text(due.clone())).sql(" OR (o.due_on = ").arg(Arg::Text(due));
            q.sql(" AND o.id > ").arg(Arg::I64(id)).sql("))");
        }
        q.sql(" ORDER BY o.due_on, o.id LIMIT ");
    } else if f.by_due {
        if let Some((due, id)) = f.after.clone() {
            q.sql(" AND (").sql(DUE_KEY).sql(" > ").arg(Arg::Text(due.clone())).sql(" OR (").sql(DUE_KEY).sql(" = ").arg(Arg::Text(due));
            q.sql(" AND o.id > ").arg(Arg::I64(id)).sql("))");
        }
        q.sql(" ORDER BY ").sql(DUE_KEY).sql(", o.id LIMIT ");
    } else {
        if let Some(v) = f.before_id {
            q.sql(" AND o.id < ").arg(Arg::I64(v));
        }
        q.sql(" ORDER BY o.id DESC LIMIT ");
    }
    q.arg(Arg::I64(limit));
    Ok(q.fetch_all(ex).await?)
}

/// The due-date order's key: reports without a target date come last.
const DUE_KEY: &str = "COALESCE(o.due_on, '9999-12-31')";

/// The office's queue sizes: (社情民意 waiting, of them overdue, 资政之声 waiting, of them overdue,
/// adopted not yet compiled, arrived from below and waiting).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Queues {
    pub opinion: i64,
    pub opinion_overdue: i64,
    pub direct: i64,
    pub direct_overdue: i64,
    pub to_compile: i64,
    pub from_below: i64,
}

pub async fn queues(ex: &mut Ex<'_>, committee_id: i64, today: &str) -> Result<Queues> {
    // Counted in the database from the partial index `opinions_queue` (committee, channel, due):
    // fetching every waiting report to count it here took 0.11 s a page with 40,000 waiting.
    let rows: Vec<(String, i64, i64)> = all!(
        &mut *ex,
        (String, i64, i64),
        "SELECT channel, COUNT(*), COALESCE(SUM(CASE WHEN due_on < $2 THEN 1 ELSE 0 END), 0)
         FROM opinions WHERE committee_id = $1 AND status IN ('submitted', 'editing') GROUP BY channel",
        committee_id,
        today
    )?;
    let mut q = Queues::default();
    for (channel, n, overdue) in rows {
        if channel == Channel::Direct.as_str() {
            (q.direct, q.direct_overdue) = (n, overdue);
        } else {
            (q.opinion, q.opinion_overdue) = (q.opinion + n, q.opinion_overdue + overdue);
        }
    }
    // Few reports arrive from below: counted through `opinions_origin` (0.2 s through
    // (committee, status) at 40,000 waiting); "adopted, not yet in an issue" through its
    // partial index (0.27 s through (committee, status) at 250,000 adopted).
    let sql = format!(
        "SELECT COUNT(*) FROM {} WHERE origin_id IS NOT NULL AND committee_id = $1 AND status IN ('submitted', 'editing')",
        ex.table_by("opinions", "opinions_origin")
    );
    q.from_below = scalar!(&mut *ex, i64, AssertSqlSafe(sql), committee_id)?;
    let to_compile =
        format!("SELECT COUNT(*) FROM {} WHERE committee_id = $1 AND status = 'adopted' AND compiled = FALSE", ex.table_by("opinions", "opinions_to_compile"));
    q.to_compile = scalar!(ex, i64, AssertSqlSafe(to_compile), committee_id)?;
    Ok(q)
}

/// The author's own reports by status (a member's or informant's home page).
pub async fn count_of_author(ex: &mut Ex<'_>, committee_id: i64, user_id: i64, member_id: Option<i64>) -> Result<Vec<(String, i64)>> {
    Ok(all!(
        ex,
        (String, i64),
        // From the author's rows (`opinions_creator`, `opinions_member`): `created_by = $2 OR
        // member_id = $3` walked the committee's 500,000 reports (0.58 s at bench scale), and so
        // did SQLite with `committee_id = $1` as an index term: `+committee_id` only checks it.
        "SELECT status, COUNT(*) FROM (
             SELECT id, status FROM opinions WHERE created_by = $2 AND +committee_id = $1
             UNION SELECT id, status FROM opinions WHERE member_id = $3 AND +committee_id = $1
         ) own GROUP BY status",
        committee_id,
        user_id,
        member_id
    )?)
}

/// Marks the reports published (printed in an issued bulletin).
pub async fn set_published(ex: &mut Ex<'_>, ids: &[i64]) -> Result<()> {
    for id in ids {
        run!(&mut *ex, "UPDATE opinions SET published = TRUE, version = version + 1, updated_at = $2 WHERE id = $1", id, now_micros())?;
    }
    Ok(())
}

pub async fn max_id(ex: &mut Ex<'_>) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT COALESCE(MAX(id), 0) FROM opinions")?)
}

/// Reports with ids in `from..=to`, all committees (search documents).
pub async fn in_range(ex: &mut Ex<'_>, from: i64, to: i64) -> Result<Vec<Opinion>> {
    Ok(all!(ex, Opinion, "SELECT * FROM opinions WHERE id BETWEEN $1 AND $2 ORDER BY id", from, to)?)
}

/// The reports printed in a bulletin issue, in order.
pub async fn in_bulletin(ex: &mut Ex<'_>, bulletin_id: i64) -> Result<Vec<i64>> {
    Ok(all!(ex, (i64,), "SELECT opinion_id FROM bulletin_items WHERE bulletin_id = $1 ORDER BY position, id", bulletin_id)?
        .into_iter()
        .map(|(id,)| id)
        .collect())
}
