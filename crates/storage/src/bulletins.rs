//! Bulletin issues (期刊《社情民意》《资政之声》): the issue rows, the reports each draws on (in
//! order, each credited), the recipients each was sent to, the list by year and series (keyset
//! paged), the next issue number, and the adopted reports no issue holds yet (the compiler's
//! picking list).

use eline_domain::opinion::{BulletinForm, BulletinStatus, Channel, RecipientKind};
use serde::Serialize;

use crate::{Arg, Ex, Query, Result, StorageError, all, now_micros, opt, run, scalar};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Bulletin {
    pub id: i64,
    pub committee_id: i64,
    /// The series: opinion (《社情民意》) | direct (《资政之声》).
    #[sqlx(try_from = "String")]
    pub series: Channel,
    pub year: i64,
    /// 第N期 of the series and year once issued; 0 while a draft.
    pub number: i64,
    #[sqlx(try_from = "String")]
    pub form: BulletinForm,
    #[sqlx(try_from = "String")]
    pub status: BulletinStatus,
    pub title: String,
    pub body: String,
    pub editor_unit: String,
    pub signed_off_by: Option<String>,
    pub issued_on: Option<String>,
    pub report_to: Option<String>,
    pub copy_to: Option<String>,
    pub created_by: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A new draft issue.
pub struct NewBulletin<'a> {
    pub committee_id: i64,
    pub series: Channel,
    pub year: i64,
    pub form: BulletinForm,
    pub title: &'a str,
    pub body: &'a str,
    pub editor_unit: &'a str,
    pub signed_off_by: Option<&'a str>,
    pub report_to: Option<&'a str>,
    pub copy_to: Option<&'a str>,
    pub created_by: i64,
}

pub async fn create(ex: &mut Ex<'_>, b: &NewBulletin<'_>) -> Result<Bulletin> {
    let now = now_micros();
    opt!(
        ex,
        Bulletin,
        "INSERT INTO bulletins (committee_id, series, year, number, form, status, title, body, editor_unit, signed_off_by, report_to, copy_to,
            created_by, version, created_at, updated_at)
         VALUES ($1, $2, $3, 0, $4, 'draft', $5, $6, $7, $8, $9, $10, $11, 1, $12, $12) RETURNING *",
        b.committee_id,
        b.series.as_str(),
        b.year,
        b.form.as_str(),
        b.title,
        b.body,
        b.editor_unit,
        b.signed_off_by,
        b.report_to,
        b.copy_to,
        b.created_by,
        now
    )?
    .ok_or(StorageError::NotFound)
}

pub async fn get(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> Result<Option<Bulletin>> {
    Ok(opt!(ex, Bulletin, "SELECT * FROM bulletins WHERE id = $1 AND committee_id = $2", id, committee_id)?)
}

/// Writes every mutable field when the stored version is `expected`; returns the new state.
pub async fn save(ex: &mut Ex<'_>, b: &Bulletin, expected: i64) -> Result<Bulletin> {
    let row = opt!(
        &mut *ex,
        Bulletin,
        "UPDATE bulletins SET year = $1, number = $2, form = $3, status = $4, title = $5, body = $6, editor_unit = $7, signed_off_by = $8,
            issued_on = $9, report_to = $10, copy_to = $11, version = version + 1, updated_at = $12
         WHERE id = $13 AND committee_id = $14 AND version = $15 RETURNING *",
        b.year,
        b.number,
        b.form.as_str(),
        b.status.as_str(),
        &b.title,
        &b.body,
        &b.editor_unit,
        &b.signed_off_by,
        &b.issued_on,
        &b.report_to,
        &b.copy_to,
        now_micros(),
        b.id,
        b.committee_id,
        expected
    )?;
    match row {
        Some(r) => Ok(r),
        None => match get(ex, b.committee_id, b.id).await? {
            Some(_) => Err(StorageError::VersionConflict),
            None => Err(StorageError::NotFound),
        },
    }
}

/// The number the next issue of the series and year gets when it is issued.
pub async fn next_number(ex: &mut Ex<'_>, committee_id: i64, series: Channel, year: i64) -> Result<i64> {
    Ok(scalar!(
        ex,
        i64,
        "SELECT COALESCE(MAX(number), 0) + 1 FROM bulletins WHERE committee_id = $1 AND series = $2 AND year = $3 AND status = 'issued'",
        committee_id,
        series.as_str(),
        year
    )?)
}

/// One report of an issue, with what the compiler and the print view show of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Item {
    pub id: i64,
    pub bulletin_id: i64,
    pub opinion_id: i64,
    pub position: i64,
    pub credit: String,
    /// The report's title, text and author as they are now (edited by the office).
    pub title: String,
    pub body: String,
    pub author_name: String,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
}

pub async fn items(ex: &mut Ex<'_>, bulletin_id: i64) -> Result<Vec<Item>> {
    Ok(all!(
        ex,
        Item,
        "SELECT bi.id, bi.bulletin_id, bi.opinion_id, bi.position, bi.credit, o.title, o.body, o.author_name, o.channel
         FROM bulletin_items bi JOIN opinions o ON o.id = bi.opinion_id WHERE bi.bulletin_id = $1 ORDER BY bi.position, bi.id",
        bulletin_id
    )?)
}

/// Adds a report at the end of the issue. A report already in an issue (two compilers at once)
/// is refused by the database, one issue per report: `StorageError::Duplicate`.
pub async fn add_item(ex: &mut Ex<'_>, bulletin_id: i64, opinion_id: i64, credit: &str) -> Result<()> {
    let next = scalar!(&mut *ex, i64, "SELECT COALESCE(MAX(position), 0) + 1 FROM bulletin_items WHERE bulletin_id = $1", bulletin_id)?;
    run!(ex, "INSERT INTO bulletin_items (bulletin_id, opinion_id, position, credit) VALUES ($1, $2, $3, $4)", bulletin_id, opinion_id, next, credit)
        .map_err(|e| StorageError::from(e).duplicate_as("这篇信息已编入另一期期刊"))?;
    run!(ex, "UPDATE opinions SET compiled = TRUE WHERE id = $1", opinion_id)?;
    Ok(())
}

/// Removes a report from the issue; false when it was not in it.
pub async fn remove_item(ex: &mut Ex<'_>, bulletin_id: i64, opinion_id: i64) -> Result<bool> {
    let removed = run!(&mut *ex, "DELETE FROM bulletin_items WHERE bulletin_id = $1 AND opinion_id = $2", bulletin_id, opinion_id)? == 1;
    run!(ex, "UPDATE opinions SET compiled = EXISTS (SELECT 1 FROM bulletin_items WHERE opinion_id = $1) WHERE id = $1", opinion_id)?;
    Ok(removed)
}

/// Puts the reports in the order and with the credits given: (opinion id, credit), first
/// first. The caller passes exactly the reports.
pub async fn arrange(ex: &mut Ex<'_>, bulletin_id: i64, order: &[(i64, String)]) -> Result<()> {
    for (i, (opinion_id, credit)) in order.iter().enumerate() {
        run!(
            &mut *ex,
            "UPDATE bulletin_items SET position = $1, credit = $2 WHERE bulletin_id = $3 AND opinion_id = $4",
            i as i64 + 1,
            credit,
            bulletin_id,
            opinion_id
        )?;
    }
    Ok(())
}

/// The issue holding a report, if any: (bulletin id, series, year, number, title, status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Holder {
    pub bulletin_id: i64,
    pub committee_id: i64,
    #[sqlx(try_from = "String")]
    pub series: Channel,
    pub year: i64,
    pub number: i64,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub status: BulletinStatus,
}

pub async fn holder(ex: &mut Ex<'_>, opinion_id: i64) -> Result<Option<Holder>> {
    Ok(opt!(
        ex,
        Holder,
        "SELECT b.id AS bulletin_id, b.committee_id, b.series, b.year, b.number, b.title, b.status
         FROM bulletin_items bi JOIN bulletins b ON b.id = bi.bulletin_id WHERE bi.opinion_id = $1",
        opinion_id
    )?)
}

/// A record of an issue sent to a recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Send {
    pub id: i64,
    pub bulletin_id: i64,
    #[sqlx(try_from = "String")]
    pub recipient_kind: RecipientKind,
    pub recipient: String,
    pub sent_on: String,
    pub recorded_by: Option<i64>,
    pub recorded_at: i64,
}

pub async fn add_send(ex: &mut Ex<'_>, bulletin_id: i64, kind: RecipientKind, recipient: &str, sent_on: &str, by: i64) -> Result<()> {
    run!(
        ex,
        "INSERT INTO bulletin_sends (bulletin_id, recipient_kind, recipient, sent_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
        bulletin_id,
        kind.as_str(),
        recipient,
        sent_on,
        by,
        now_micros()
    )?;
    Ok(())
}

pub async fn sends(ex: &mut Ex<'_>, bulletin_id: i64) -> Result<Vec<Send>> {
    Ok(all!(ex, Send, "SELECT * FROM bulletin_sends WHERE bulletin_id = $1 ORDER BY sent_on, id", bulletin_id)?)
}

/// An issue in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub series: Channel,
    pub year: i64,
    pub number: i64,
    #[sqlx(try_from = "String")]
    pub form: BulletinForm,
    #[sqlx(try_from = "String")]
    pub status: BulletinStatus,
    pub title: String,
    pub issued_on: Option<String>,
    /// How many reports it draws on.
    pub items: i64,
    pub version: i64,
}

/// Which issues a list shows: newest first by (year, number, id), after the cursor.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub series: Option<Channel>,
    pub year: Option<i64>,
    pub status: Option<BulletinStatus>,
    /// Rows after this (year, number, id) in the order.
    pub after: Option<(i64, i64, i64)>,
}

pub async fn list(ex: &mut Ex<'_>, committee_id: i64, f: &Filter, limit: i64) -> Result<Vec<Row>> {
    let mut q = Query::new(
        "SELECT b.id, b.series, b.year, b.number, b.form, b.status, b.title, b.issued_on,
            (SELECT COUNT(*) FROM bulletin_items bi WHERE bi.bulletin_id = b.id) AS items, b.version
         FROM bulletins b WHERE b.committee_id = ",
    );
    q.arg(Arg::I64(committee_id));
    if let Some(s) = f.series {
        q.sql(" AND b.series = ").arg(Arg::Text(s.as_str().into()));
    }
    if let Some(y) = f.year {
        q.sql(" AND b.year = ").arg(Arg::I64(y));
    }
    if let Some(s) = f.status {
        q.sql(" AND b.status = ").arg(Arg::Text(s.as_str().into()));
    }
    if let Some((year, number, id)) = f.after {
        q.sql(" AND (b.year < ").arg(Arg::I64(year));
        q.sql(" OR (b.year = ").arg(Arg::I64(year)).sql(" AND b.number < ").arg(Arg::I64(number)).sql(")");
        q.sql(" OR (b.year = ").arg(Arg::I64(year)).sql(" AND b.number = ").arg(Arg::I64(number));
        q.sql(" AND b.id < ").arg(Arg::I64(id)).sql("))");
    }
    q.sql(" ORDER BY b.year DESC, b.number DESC, b.id DESC LIMIT ").arg(Arg::I64(limit));
    Ok(q.fetch_all(ex).await?)
}

/// The years that have issues (newest first), for the list's year tabs.
pub async fn years(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = all!(ex, (i64,), "SELECT DISTINCT year FROM bulletins WHERE committee_id = $1 ORDER BY year DESC", committee_id)?;
    Ok(rows.into_iter().map(|(y,)| y).collect())
}

/// An adopted report no issue holds yet (the compiler's picking list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Candidate {
    pub id: i64,
    pub title: String,
    pub author_name: String,
    pub decided_on: Option<String>,
}

/// The adopted reports of the channel that no issue holds, earliest adopted first.
pub async fn candidates(ex: &mut Ex<'_>, committee_id: i64, channel: Channel, limit: i64) -> Result<Vec<Candidate>> {
    Ok(all!(
        ex,
        Candidate,
        "SELECT o.id, o.title, o.author_name, o.decided_on FROM opinions o
         WHERE o.committee_id = $1 AND o.channel = $2 AND o.status = 'adopted' AND o.compiled = FALSE
         ORDER BY o.decided_on, o.id LIMIT $3",
        committee_id,
        channel.as_str(),
        limit
    )?)
}

pub async fn max_id(ex: &mut Ex<'_>) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT COALESCE(MAX(id), 0) FROM bulletins")?)
}

/// Issues with ids in `from..=to`, all committees, with their reports' credits and titles (search
/// documents).
pub async fn in_range(ex: &mut Ex<'_>, from: i64, to: i64) -> Result<Vec<(Bulletin, Vec<Item>)>> {
    let rows = all!(&mut *ex, Bulletin, "SELECT * FROM bulletins WHERE id BETWEEN $1 AND $2 ORDER BY id", from, to)?;
    let mut out = Vec::with_capacity(rows.len());
    for b in rows {
        let items = items(&mut *ex, b.id).await?;
        out.push((b, items));
    }
    Ok(out)
}

/// An adopted report of a committee as bench data compiles it: (id, channel, year, title,
/// author, decided on).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Source {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub year: i64,
    pub title: String,
    pub author_name: String,
    pub decided_on: Option<String>,
}

/// The committee's adopted reports in no issue, oldest first (bench data compiles them all).
pub async fn sources(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<Source>> {
    Ok(all!(
        ex,
        Source,
        "SELECT o.id, o.channel, o.year, o.title, o.author_name, o.decided_on FROM opinions o
         WHERE o.committee_id = $1 AND o.status = 'adopted' AND NOT EXISTS (SELECT 1 FROM bulletin_items bi WHERE bi.opinion_id = o.id)
         ORDER BY o.id",
        committee_id
    )?)
}

/// Marks every report of the committee that an issue holds as compiled, and those in issued
/// issues as published (bench data writes the items in bulk).
pub async fn publish_compiled(ex: &mut Ex<'_>, committee_id: i64) -> Result<u64> {
    run!(
        &mut *ex,
        "UPDATE opinions SET compiled = TRUE WHERE committee_id = $1 AND compiled = FALSE AND EXISTS (SELECT 1 FROM bulletin_items bi WHERE bi.opinion_id = opinions.id)",
        committee_id
    )?;
    Ok(run!(
        ex,
        "UPDATE opinions SET published = TRUE WHERE committee_id = $1 AND published = FALSE AND EXISTS
            (SELECT 1 FROM bulletin_items bi JOIN bulletins b ON b.id = bi.bulletin_id WHERE bi.opinion_id = opinions.id AND b.status = 'issued')",
        committee_id
    )?)
}
