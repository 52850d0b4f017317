//! The member list's filter: one struct for the API's query parameters (`GET /api/v1/members`,
//! the export), the list page's filter form and links into the list.

use eline_storage::members::Filter;
use serde::{Deserialize, Serialize};

use crate::params::{blank, flag, is_false};

/// Which members a list shows, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct MemberFilter {
    /// Part of the name.
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub sector_id: Option<i64>,
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub work_station_id: Option<i64>,
    /// Special committee (专委会) id.
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub committee_id: Option<i64>,
    /// Archived members too.
    #[serde(default, with = "flag", skip_serializing_if = "is_false")]
    pub include_archived: bool,
    /// Where the previous page ended (`next_cursor` of the previous page).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[serde(default, with = "blank", skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

impl MemberFilter {
    /// The storage filter (the cursor is read by the use case).
    pub(crate) fn rows(&self) -> Filter {
        Filter {
            sector_id: self.sector_id,
            work_station_id: self.work_station_id,
            special_committee_id: self.committee_id,
            name: self.name.clone().filter(|n| !n.trim().is_empty()),
            include_archived: self.include_archived,
            after_id: None,
        }
    }
}
