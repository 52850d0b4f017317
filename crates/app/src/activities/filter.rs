//! The activity list's filter: one struct for the API's query parameters (`GET
//! /api/v1/activities`), the list page's filter form and the links into the list. A member's
//! lists are their own activities (upcoming soonest first, or past newest first) and the open
//! sign-ups; the office and leaders list every published activity (the office the planned too).

use eline_domain::Actor;
use eline_domain::activity::{Kind, Participation, Status, When};
use eline_domain::policy::{Action, Resource, can};
use eline_storage::activities::{self as store, Filter, Row};
use serde::{Deserialize, Serialize};

use super::member_of;
use crate::page::Page;
use crate::params::{blank, flag, is_false};
use crate::{App, AppError, AppResult};

/// Which activities a list shows, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct ActivityFilter {
    /// Only the actor's own (a member: those they are invited to or signed up for). A member's
    /// lists are always their own, but for `signup`.
    #[serde(default, with = "flag", skip_serializing_if = "is_false")]
    pub mine: bool,
    /// Open sign-ups a member may join (published, sign-up, not yet started).
    #[serde(default, with = "flag", skip_serializing_if = "is_false")]
    pub signup: bool,
    /// upcoming (not yet ended, soonest first; the default for a member) | past (newest first) |
    /// all (newest first; the office's default).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<eline_domain::activity::Kind>))]
    #[serde(rename = "type")]
    pub kind: Option<Kind>,
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    /// 1 to 12, with `year`: those starting in that month (Beijing time; the statistics' links).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub month: Option<u32>,
    /// Where the previous page ended (`next_cursor` of the previous page).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

/// The first moment of the month and of the next (microseconds, Beijing).
fn month_span(year: Option<i64>, month: u32) -> AppResult<(i64, i64)> {
    let year = year.ok_or_else(|| AppError::field("month", "按月份筛选时请同时选择年度"))?;
    let first = |y: i64, m: u32| {
        i32::try_from(y)
            .ok()
            .and_then(|y| chrono::NaiveDate::from_ymd_opt(y, m, 1))
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp_micros() - 8 * 3_600_000_000)
    };
    // Any year or month a query may carry (i64::MAX, u32::MAX) is refused, never overflowed.
    let next = if month == 12 { year.checked_add(1).and_then(|y| first(y, 1)) } else { month.checked_add(1).and_then(|m| first(year, m)) };
    match (first(year, month), next) {
        (Some(start), Some(end)) if (1..=12).contains(&month) => Ok((start, end)),
        _ => Err(AppError::field("month", "月份应为1到12")),
    }
}

impl App {
    /// A page of activities as the actor may list them.
    pub async fn activities(&self, actor: &Actor, f: &ActivityFilter) -> AppResult<Page<Row>> {
        let office = can(actor, Action::ManageActivities, Resource::Any);
        let overview = can(actor, Action::ViewActivityStats, Resource::Any);
        if !can(actor, Action::ViewActivities, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let limit = crate::page::limit(f.limit)?;
        let now = self.clock.now();
        let member = member_of(actor);
        let mut rows = Filter { kind: f.kind, status: f.status, year: f.year, published_only: !office, ..Filter::default() };
        let when = f.when.unwrap_or(if office || overview { When::All } else { When::Upcoming });
        if f.signup {
            rows.status = Some(Status::Published);
            rows.from = Some(now);
            rows.ascending = true;
            rows.participation = Some(Participation::Signup);
        } else if f.mine || !overview {
            rows.member_id = Some(member.ok_or_else(|| AppError::field("mine", "只有委员有自己的活动"))?);
        }
        match when {
            When::Upcoming => {
                rows.ascending = true;
                // Not yet ended: those under way are still upcoming to the member.
                rows.from = Some(rows.from.unwrap_or(now - 24 * 3_600_000_000));
            }
            When::Past => rows.until = Some(now),
            When::All => {}
        }
        if let Some(m) = f.month {
            let (start, end) = month_span(f.year, m)?;
            rows.from = Some(rows.from.map_or(start, |from| from.max(start)));
            rows.until = Some(rows.until.map_or(end, |until| until.min(end)));
        }
        if let Some(raw) = f.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            let bad = || AppError::field("cursor", "翻页位置无效，请从第一页重新浏览");
            let (at, id) = raw.split_once('~').ok_or_else(bad)?;
            rows.after = Some((at.parse().map_err(|_| bad())?, id.parse().map_err(|_| bad())?));
        }
        let mut c = self.db.acquire().await?;
        let mut items = store::list(&mut c.ex(), actor.committee_id, &rows, limit + 1).await?;
        Ok(Page::from_overfetch(&mut items, limit, |r| format!("{}~{}", r.starts_at, r.id)))
    }
}

#[cfg(test)]
mod tests {
    use super::month_span;

    #[test]
    fn a_month_needs_its_year_and_no_year_or_month_overflows() {
        let (start, end) = month_span(Some(2026), 12).unwrap();
        assert_eq!((end - start) / 86_400_000_000, 31);
        assert!(month_span(None, 3).is_err());
        assert!(month_span(Some(i64::MAX), 12).is_err());
        assert!(month_span(Some(2026), u32::MAX).is_err());
        assert!(month_span(Some(2026), 0).is_err());
    }
}
