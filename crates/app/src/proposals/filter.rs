//! The proposal list's filter: one struct for the API's query parameters
//! (`GET /api/v1/proposals`), the list page's filter form and the links into the list from
//! home pages and statistics. The list itself (`scope`) is what `policy::proposal_scope`
//! allows the actor.

use eline_domain::Actor;
use eline_domain::policy::{self, Scope};
use eline_domain::proposal::{Kind, ListSort, Queue, Status};
use eline_storage::proposals::Filter;
use serde::{Deserialize, Serialize};

use super::config::{fmt_date, today};
use crate::params::{blank, flag, is_false};
use crate::{AppError, AppResult};

/// Which proposals a list shows, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct ProposalFilter {
    /// The list: all | mine | unit | supervised | public (by default the actor's first list).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub session_id: Option<i64>,
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    /// Only key proposals (重点提案).
    #[serde(default, with = "flag", skip_serializing_if = "is_false")]
    pub key_only: bool,
    /// Reply due within this many days, or overdue (0: overdue or due today).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub due_within_days: Option<i64>,
    /// Part of the title.
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Proposals with this active handling unit (lead, co or split).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<i64>,
    /// Proposals whose proposer is of this 界别 (sector id).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub sector_id: Option<i64>,
    /// The order: newest | number (编号) | due (days left to reply). A session's list is by 编号
    /// unless another order is asked for; otherwise newest first.
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub sort: Option<ListSort>,
    /// 提案分类: one of the committee's categories (e.g. 经济建设).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// One of the office's work queues: objection | extension | to_close | lookback.
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub queue: Option<Queue>,
    /// Where the previous page ended (`next_cursor` of the previous page).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

impl ProposalFilter {
    /// The list `scope` of the actor, nothing narrowed.
    pub fn scope(scope: Scope) -> ProposalFilter {
        ProposalFilter { scope: Some(scope), ..ProposalFilter::default() }
    }

    /// The order the list is read in: the one asked for; else by 编号 within a session, newest
    /// first otherwise.
    pub fn order(&self) -> ListSort {
        self.sort.unwrap_or(if self.session_id.is_some() { ListSort::Number } else { ListSort::Newest })
    }

    /// The same list from its first page (links, the filter form's hidden fields).
    pub fn first_page(&self) -> ProposalFilter {
        ProposalFilter { cursor: None, ..self.clone() }
    }
}

impl ProposalFilter {
    /// The storage filter of this list for the actor: the list's scope as the policy allows it
    /// (the page, the API and the export all go through here), narrowed by the fields given.
    pub(crate) fn rows(&self, actor: &Actor) -> AppResult<Filter> {
        let scope = self.scope.unwrap_or_else(|| policy::default_scope(actor));
        let rule = policy::proposal_scope(actor, scope).ok_or_else(|| AppError::field("scope", format!("无法查看“{}”", scope.label())))?;
        let sort = self.order();
        let f = Filter {
            scope: Some(rule),
            status: self.status,
            session_id: self.session_id,
            kind: self.kind,
            key_only: self.key_only,
            due_by: self.due_within_days.map(|days| fmt_date(today() + chrono::Duration::days(days.clamp(-3650, 3650)))),
            q: self.q.clone(),
            category: self.category.clone(),
            queue: self.queue,
            today: Some(fmt_date(today())),
            unit_id: self.unit_id,
            sector_id: self.sector_id,
            sort,
            before_id: None,
            after: None,
        };
        Ok(match self.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => f,
            Some(raw) => match sort.parse_cursor(raw).map_err(|e| AppError::Validation(vec![e]))? {
                (None, id) => Filter { before_id: Some(id), ..f },
                (Some(key), id) => Filter { after: Some((key, id)), ..f },
            },
        })
    }
}
