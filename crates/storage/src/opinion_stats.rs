//! The figures behind 社情民意 statistics: a few grouped queries over one committee's reports,
//! outcomes, bulletin issues and instructions in a period (a year, a range of dates, or both);
//! the application adds them up.

use serde::Serialize;

use crate::{Arg, Ex, Query, Result, all};

/// Which reports count: those of a year (`opinions.year`) and/or submitted in a range of dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Period {
    pub year: Option<i64>,
    /// YYYY-MM-DD, both ends included.
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Appends the committee and the period, for reports aliased `o`.
fn reports_in(q: &mut Query, committee_id: i64, p: &Period) {
    q.sql(" WHERE o.committee_id = ").arg(Arg::I64(committee_id));
    if let Some(y) = p.year {
        q.sql(" AND o.year = ").arg(Arg::I64(y));
    }
    if let Some(d) = &p.from {
        q.sql(" AND o.submitted_on >= ").arg(Arg::Text(d.clone()));
    }
    if let Some(d) = &p.to {
        q.sql(" AND o.submitted_on <= ").arg(Arg::Text(d.clone()));
    }
}

/// Appends the period for a dated column `column` (YYYY-MM-DD text): the year's days and the range.
fn dated_in(q: &mut Query, column: &'static str, p: &Period) {
    if let Some(y) = p.year {
        q.sql(" AND ").sql(column).sql(" >= ").arg(Arg::Text(format!("{y:04}-01-01")));
        q.sql(" AND ").sql(column).sql(" <= ").arg(Arg::Text(format!("{y:04}-12-31")));
    }
    if let Some(d) = &p.from {
        q.sql(" AND ").sql(column).sql(" >= ").arg(Arg::Text(d.clone()));
    }
    if let Some(d) = &p.to {
        q.sql(" AND ").sql(column).sql(" <= ").arg(Arg::Text(d.clone()));
    }
}

/// Reports (drafts left out) counted by everything a figure or a breakdown tells apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CountRow {
    pub status: String,
    pub channel: String,
    /// 1 when it was submitted (`submitted_at` set).
    pub submitted: i64,
    /// 1 when it arrived from a committee below.
    pub from_below: i64,
    /// 1 when it was reported up to the parent committee.
    pub reported_up: i64,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    /// The report's sector, else its member's.
    pub sector_id: Option<i64>,
    pub sector_name: Option<String>,
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    pub special_committee_id: Option<i64>,
    pub special_committee_name: Option<String>,
    /// 1 when it has an outcome at that level (its own, or copied down from above).
    pub city: i64,
    pub province: i64,
    pub national: i64,
    pub n: i64,
}

fn has_outcome(level: &'static str) -> &'static str {
    match level {
        "city" => "CAST(CASE WHEN EXISTS (SELECT 1 FROM opinion_outcomes oc WHERE oc.opinion_id = o.id AND oc.level = 'city') THEN 1 ELSE 0 END AS BIGINT)",
        "province" => {
            "CAST(CASE WHEN EXISTS (SELECT 1 FROM opinion_outcomes oc WHERE oc.opinion_id = o.id AND oc.level = 'province') THEN 1 ELSE 0 END AS BIGINT)"
        }
        _ => "CAST(CASE WHEN EXISTS (SELECT 1 FROM opinion_outcomes oc WHERE oc.opinion_id = o.id AND oc.level = 'national') THEN 1 ELSE 0 END AS BIGINT)",
    }
}

/// Grouped by ids first; names joined to the groups after (as the proposal statistics do).
pub async fn counts(ex: &mut Ex<'_>, committee_id: i64, p: &Period) -> Result<Vec<CountRow>> {
    let mut q = Query::new(
        "SELECT g.status, g.channel, g.submitted, g.from_below, g.reported_up, g.member_id, mm.name AS member_name, g.sector_id, s.name AS sector_name,
            g.organization_id, og.name AS organization_name, g.special_committee_id, sc.name AS special_committee_name, g.city, g.province, g.national, g.n
         FROM (SELECT o.status, o.channel,
                 CAST(CASE WHEN o.submitted_at IS NOT NULL THEN 1 ELSE 0 END AS BIGINT) AS submitted,
                 CAST(CASE WHEN o.origin_id IS NOT NULL THEN 1 ELSE 0 END AS BIGINT) AS from_below,
                 CAST(CASE WHEN o.reported_up_id IS NOT NULL THEN 1 ELSE 0 END AS BIGINT) AS reported_up,
                 o.member_id, COALESCE(o.sector_id, m.sector_id) AS sector_id, o.organization_id, o.special_committee_id, ",
    );
    q.sql(has_outcome("city")).sql(" AS city, ").sql(has_outcome("province")).sql(" AS province, ").sql(has_outcome("national"));
    q.sql(" AS national, COUNT(*) AS n FROM opinions o LEFT JOIN members m ON m.id = o.member_id");
    reports_in(&mut q, committee_id, p);
    q.sql(
        " AND o.status <> 'draft' GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12) g
         LEFT JOIN members mm ON mm.id = g.member_id
         LEFT JOIN sectors s ON s.id = g.sector_id
         LEFT JOIN organizations og ON og.id = g.organization_id
         LEFT JOIN special_committees sc ON sc.id = g.special_committee_id
         ORDER BY g.status, g.channel",
    );
    Ok(q.fetch_all(ex).await?)
}

/// (level, kind, reports) of the outcomes recorded on (or copied down to) the period's reports;
/// a report with two outcomes of one kind counts once.
pub async fn outcomes(ex: &mut Ex<'_>, committee_id: i64, p: &Period) -> Result<Vec<(String, String, i64)>> {
    let mut q = Query::new("SELECT oc.level, oc.kind, COUNT(DISTINCT oc.opinion_id) FROM opinion_outcomes oc JOIN opinions o ON o.id = oc.opinion_id");
    reports_in(&mut q, committee_id, p);
    q.sql(" GROUP BY oc.level, oc.kind ORDER BY 1, 2");
    Ok(q.fetch_all(ex).await?)
}

/// (series, form, status, issues) of the committee's bulletin issues of the period (a year's
/// issues by their year; a range by their date of issue).
pub async fn bulletins(ex: &mut Ex<'_>, committee_id: i64, p: &Period) -> Result<Vec<(String, String, String, i64)>> {
    let mut q = Query::new("SELECT b.series, b.form, b.status, COUNT(*) FROM bulletins b WHERE b.committee_id = ");
    q.arg(Arg::I64(committee_id));
    if let Some(y) = p.year {
        q.sql(" AND b.year = ").arg(Arg::I64(y));
    }
    let range = Period { year: None, ..p.clone() };
    dated_in(&mut q, "b.issued_on", &range);
    q.sql(" GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
    Ok(q.fetch_all(ex).await?)
}

/// (rank, record kind, instructions) of the committee's instructions given in the period.
pub async fn instructions(ex: &mut Ex<'_>, committee_id: i64, p: &Period) -> Result<Vec<(String, String, i64)>> {
    let mut q = Query::new("SELECT i.rank, i.record_kind, COUNT(*) FROM instructions i WHERE i.committee_id = ");
    q.arg(Arg::I64(committee_id));
    dated_in(&mut q, "i.given_on", p);
    q.sql(" GROUP BY 1, 2 ORDER BY 1, 2");
    Ok(q.fetch_all(ex).await?)
}

/// The years the committee has reports in, newest first (the page's choices).
pub async fn years(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = all!(ex, (i64,), "SELECT DISTINCT year FROM opinions WHERE committee_id = $1 ORDER BY year DESC", committee_id)?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

// ---- the list export ----

/// What an exported row shows beyond the list's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ExportDetail {
    pub id: i64,
    pub submitter_kind: String,
    pub decided_on: Option<String>,
}

/// Details of the committee's reports `ids` (one page of an export).
pub async fn export_details(ex: &mut Ex<'_>, committee_id: i64, ids: &[i64]) -> Result<Vec<ExportDetail>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut q = Query::new("SELECT o.id, o.submitter_kind, o.decided_on FROM opinions o WHERE o.committee_id = ");
    q.arg(Arg::I64(committee_id)).sql(" AND o.id");
    q.in_ids(ids);
    Ok(q.fetch_all(ex).await?)
}

/// (report, level, kind) of the outcomes of reports `ids`, in the order recorded.
pub async fn export_outcomes(ex: &mut Ex<'_>, ids: &[i64]) -> Result<Vec<(i64, String, String)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut q = Query::new("SELECT oc.opinion_id, oc.level, oc.kind FROM opinion_outcomes oc WHERE oc.opinion_id");
    q.in_ids(ids);
    q.sql(" ORDER BY oc.opinion_id, oc.id");
    Ok(q.fetch_all(ex).await?)
}
