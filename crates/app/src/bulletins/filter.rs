//! The issue list's filter: one struct for the API's query parameters (`GET /api/v1/bulletins`),
//! the list page's tabs and the links into it. Who is not the office sees issued issues only.

use eline_domain::opinion::{BulletinStatus, Channel};
use eline_domain::policy::{Action, Resource, can};
use eline_domain::{Actor, bulletin};
use eline_storage::bulletins::Filter;
use serde::{Deserialize, Serialize};

use crate::params::blank;
use crate::{AppError, AppResult};

/// Which issues a list shows, and which page of them (newest first: year, then number).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct BulletinFilter {
    /// opinion (《社情民意》) | direct (《资政之声》)
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub series: Option<Channel>,
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    /// draft (the office only) | issued
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub status: Option<BulletinStatus>,
    /// Where the previous page ended (`next_cursor` of the previous page).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

impl BulletinFilter {
    /// The storage filter of this list for the actor.
    pub(crate) fn rows(&self, actor: &Actor) -> AppResult<Filter> {
        if !bulletin::may_list(actor) {
            return Err(AppError::Forbidden);
        }
        let office = can(actor, Action::ManageBulletins, Resource::Any);
        let status = match self.status {
            Some(BulletinStatus::Draft) if !office => return Err(AppError::field("status", "只有信息编辑部门可以查看编辑中的期刊")),
            Some(s) => Some(s),
            None if office => None,
            None => Some(BulletinStatus::Issued),
        };
        let after = match self.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(raw) => {
                let parts: Vec<Option<i64>> = raw.split('~').map(|p| p.parse().ok()).collect();
                match parts.as_slice() {
                    [Some(y), Some(n), Some(id)] => Some((*y, *n, *id)),
                    _ => return Err(AppError::field("cursor", "翻页位置无效，请从第一页重新浏览")),
                }
            }
        };
        Ok(Filter { series: self.series, year: self.year, status, after })
    }
}
