//! What a leader sees first (领导督办): the current session's reply and satisfaction rates, the
//! handling units with overdue proposals, and the key proposals' progress — each figure a link
//! to the list that shows it.

use eline_domain::Actor;
use eline_domain::policy::{Action, Resource, Scope, can};
use eline_domain::proposal::ListSort;
use eline_storage::directory;
use eline_storage::proposals::Row;
use serde::Serialize;

use super::{Figures, ProposalFilter};
use crate::{App, AppError, AppResult};

/// A handling unit with proposals past their reply deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueUnit {
    pub unit_id: i64,
    pub name: String,
    pub overdue: i64,
}

/// The leader's overview of proposal handling.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeaderOverview {
    /// The current (newest) session, whose figures these are; None before any session.
    pub session_id: Option<i64>,
    pub session_name: String,
    pub figures: Figures,
    /// Overdue proposals of the whole committee (every session).
    pub overdue: i64,
    /// Units with overdue proposals, most first (at most 10).
    pub overdue_units: Vec<OverdueUnit>,
    /// Key proposals (重点提案) of the current session, fewest days left first (at most 10).
    pub key: Vec<Row>,
    /// All key proposals of the current session.
    pub key_total: usize,
}

impl App {
    /// The overview of a leader (or the office): refused to those who may not read statistics.
    pub async fn leader_overview(&self, actor: &Actor) -> AppResult<LeaderOverview> {
        if !can(actor, Action::ViewProposalStats, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let today = super::config::fmt_date(super::today());
        let mut c = self.db.acquire().await?;
        let current = directory::list_sessions(&mut c.ex(), actor.committee_id, false, None, 1).await?.into_iter().next();
        let overdue_units = eline_storage::proposal_lists::overdue_units(&mut c.ex(), actor.committee_id, &today, 10)
            .await?
            .into_iter()
            .map(|(unit_id, name, overdue)| OverdueUnit { unit_id, name, overdue })
            .collect();
        drop(c);
        let overdue = self.proposal_queues_of(actor.committee_id, None).await?.overdue;
        let session_id = current.as_ref().map(|s| s.id);
        let stats = self.proposal_stats(actor, session_id).await?;
        let key_list =
            ProposalFilter { scope: Some(Scope::All), key_only: true, session_id, sort: Some(ListSort::Due), limit: Some(200), ..Default::default() };
        let mut key = self.list_proposals(actor, &key_list).await?.items;
        let key_total = key.len();
        key.truncate(10);
        Ok(LeaderOverview { session_id, session_name: stats.scope_name, figures: stats.totals, overdue, overdue_units, key, key_total })
    }
}

/// How many proposals of a session are in one status (drafts left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusTally {
    pub status: eline_domain::proposal::Status,
    pub count: i64,
}

impl App {
    /// A session's proposals by status, in the order of the workflow (the office's list shows it
    /// as one line above the table); refused to those who do not read statistics.
    pub async fn session_tally(&self, actor: &Actor, session_id: i64) -> AppResult<Vec<StatusTally>> {
        if !can(actor, Action::ViewProposalStats, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db.acquire().await?;
        let counts = eline_storage::proposals::count_by_status(&mut c.ex(), actor.committee_id, Some(session_id)).await?;
        Ok(eline_domain::proposal::Status::ALL
            .iter()
            .filter(|s| **s != eline_domain::proposal::Status::Draft)
            .filter_map(|s| counts.iter().find(|(name, _)| name == s.as_str()).map(|(_, n)| StatusTally { status: *s, count: *n }))
            .collect())
    }
}
