//! The report list's filter: one struct for the API's query parameters (`GET /api/v1/opinions`),
//! the list page's filter form and the links into the list from home pages and statistics. The
//! list itself (`scope`) is what `opinion::scope_rule` allows the actor.

use eline_domain::Actor;
use eline_domain::opinion::{self, Channel, Level, OutcomeKind, Queue, Scope, Status};
use eline_storage::opinions::Filter;
use serde::{Deserialize, Serialize};

use crate::params::{blank, flag, is_false};
use crate::{AppError, AppResult};

/// Which reports a list shows, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct OpinionFilter {
    /// The list: all | mine | published (by default the actor's first list).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// opinion (社情民意) | direct (资政之声)
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    /// The office's queues: opinion | direct (waiting, oldest target first) | to_compile
    /// (adopted, in no bulletin issue yet).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub queue: Option<Queue>,
    /// Only reports that came from a committee below.
    #[serde(default, with = "flag", skip_serializing_if = "is_false")]
    pub from_below: bool,
    /// Reports credited to this member.
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub member_id: Option<i64>,
    /// Credited to this sector (the report's own, or its member's sector).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub sector_id: Option<i64>,
    /// Written for this organisation (党派团体).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<i64>,
    /// Written for this special committee (专委会).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub special_committee_id: Option<i64>,
    /// Submitted on or after this day (YYYY-MM-DD).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Submitted on or before this day (YYYY-MM-DD).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// With an outcome at this level: city | province | national.
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub outcome_level: Option<Level>,
    /// … of this kind (with `outcome_level`): adopted | dept_adopted | instructed | forwarded |
    /// to_national | single_adopted | digest_adopted | to_ministries.
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub outcome_kind: Option<OutcomeKind>,
    /// Part of the title.
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Where the previous page ended (`next_cursor` of the previous page).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

impl OpinionFilter {
    pub fn scope(scope: Scope) -> OpinionFilter {
        OpinionFilter { scope: Some(scope), ..OpinionFilter::default() }
    }

    pub fn queue(queue: Queue) -> OpinionFilter {
        OpinionFilter { scope: Some(Scope::All), queue: Some(queue), ..OpinionFilter::default() }
    }

    pub fn first_page(&self) -> OpinionFilter {
        OpinionFilter { cursor: None, ..self.clone() }
    }

    /// The cursor of the page after `last` in the list `rows` (the export pages with it).
    pub(crate) fn cursor_after(rows: &Filter, last: &eline_storage::opinions::Row) -> String {
        if rows.by_due { format!("{}~{}", last.due_on.as_deref().unwrap_or(NO_DUE), last.id) } else { last.id.to_string() }
    }

    /// The queues waiting for the office are read oldest target first.
    pub fn by_due(&self) -> bool {
        matches!(self.queue, Some(Queue::Opinion | Queue::Direct))
    }

    /// The storage filter of this list for the actor (page, API and export go through here).
    pub(crate) fn rows(&self, actor: &Actor) -> AppResult<Filter> {
        let scope = match self.scope.or_else(|| opinion::default_scope(actor)) {
            Some(s) => s,
            None => return Err(AppError::Forbidden),
        };
        let rule = opinion::scope_rule(actor, scope).ok_or_else(|| AppError::field("scope", format!("无法查看“{}”", scope.label())))?;
        let mut f = Filter {
            scope: Some(rule),
            status: self.status,
            channel: self.channel,
            year: self.year,
            from_below: self.from_below,
            member_id: self.member_id,
            sector_id: self.sector_id,
            organization_id: self.organization_id,
            special_committee_id: self.special_committee_id,
            submitted_from: crate::dates::form_day("from", &self.from)?,
            submitted_to: crate::dates::form_day("to", &self.to)?,
            outcome_level: self.outcome_level,
            outcome_kind: self.outcome_kind,
            q: self.q.clone(),
            by_due: self.by_due(),
            ..Filter::default()
        };
        if self.outcome_kind.is_some() && self.outcome_level.is_none() {
            return Err(AppError::field("outcome_level", "按采用情况筛选时请同时选择级别"));
        }
        match self.queue {
            Some(Queue::Opinion) => (f.awaiting_office, f.channel) = (true, Some(Channel::Opinion)),
            Some(Queue::Direct) => (f.awaiting_office, f.channel) = (true, Some(Channel::Direct)),
            Some(Queue::ToCompile) => f.not_compiled = true,
            None => {}
        }
        if let Some(raw) = self.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            let bad = || AppError::field("cursor", "翻页位置无效，请从第一页重新浏览");
            if f.by_due {
                let (due, id) = raw.split_once('~').ok_or_else(bad)?;
                let due = chrono::NaiveDate::parse_from_str(due, "%Y-%m-%d")
                    .map(|_| due.to_string())
                    .or_else(|_| if due == NO_DUE { Ok(due.to_string()) } else { Err(bad()) })?;
                f.after = Some((due, id.parse().map_err(|_| bad())?));
            } else {
                f.before_id = Some(raw.parse().map_err(|_| bad())?);
            }
        }
        Ok(f)
    }
}

/// The key of a report without a target date in the due order (storage sorts them last).
pub(crate) const NO_DUE: &str = "9999-12-31";
