//! Use cases of proposals (提案): writing and submitting, co-signing, review, assignment,
//! handling, reply, evaluation, follow-up, key proposals — each one transaction, each decided
//! by the state machine in `eline_domain::proposal`, each leaving a timeline entry and an audit
//! entry.

mod actions;
pub mod config;
mod export;
mod files;
mod filter;
mod flow;
mod history;
pub mod inputs;
pub mod letter;
mod overview;
mod public;
pub mod record;
mod stats;
mod stats_sheets;
mod view;

use chrono::NaiveDate;
use eline_domain::calendar::{Calendar, DeadlineRules};
use eline_domain::proposal::{Access, CosignStatus, Facts, Kind, Parties, Standing, Status, UnitPart, UnitRole};
use eline_domain::{Actor, Role};
use eline_storage::Ex;
use eline_storage::proposals::{self, Assignment, Commitment, Cosigner, Proposal};

pub use actions::ActionInput;
pub use config::{Config, today};
pub use export::{EXPORT_CAP, EXPORT_COLUMNS};
pub use files::purpose_label;
pub use filter::ProposalFilter;
pub use flow::ProposalFlow;
pub use history::COLUMNS as HISTORY_COLUMNS;
pub use inputs::*;
pub use letter::Letter;
pub use overview::{LeaderOverview, OverdueUnit, StatusTally};
pub use public::PublicProposal;
pub use stats::{Catalogue, CatalogueItem, ClassCount, Figures, GroupStats, ProposalStats, StatusCount, UnitStats, percent, rate};
pub use stats_sheets::DEFINITIONS as STATS_DEFINITIONS;
pub use view::{DraftInput, ProposalHome, ProposalView};

use crate::{AppError, AppResult};

/// A proposal with what decides who may do what to it.
pub struct Loaded {
    pub p: Proposal,
    pub cosigners: Vec<Cosigner>,
    pub assignments: Vec<Assignment>,
    pub supervisors: Vec<(i64, String)>,
    /// Members who proposed or co-signed a proposal merged into this one.
    pub merged_members: Vec<i64>,
    /// Users who evaluated the current round's reply.
    pub evaluators: Vec<i64>,
    /// The promises of the replies (承诺事项) and their delivery.
    pub commitments: Vec<Commitment>,
    /// Users who rated the delivery of the promises.
    pub delivery_raters: Vec<i64>,
}

impl Loaded {
    pub async fn load(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> AppResult<Loaded> {
        let mut l = Loaded::load_for_visibility(&mut *ex, committee_id, id).await?;
        (l.evaluators, l.delivery_raters) = proposals::evaluators(&mut *ex, id, l.p.round).await?;
        l.commitments = proposals::commitments(&mut *ex, id).await?;
        Ok(l)
    }

    /// Only what decides who may see the proposal (the record, co-signers, units,
    /// supervisors): for checking many records quickly, e.g. search hits.
    pub async fn load_for_visibility(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> AppResult<Loaded> {
        let p = proposals::get(&mut *ex, committee_id, id).await?.ok_or(AppError::NotFound)?;
        Ok(Loaded {
            cosigners: proposals::cosigners(&mut *ex, id).await?,
            assignments: proposals::assignments(&mut *ex, id).await?,
            supervisors: proposals::supervisors(&mut *ex, id).await?,
            // Only a filed proposal can have others merged into it.
            merged_members: if p.status.is_filed() { proposals::merged_members(&mut *ex, id).await? } else { Vec::new() },
            evaluators: Vec::new(),
            commitments: Vec::new(),
            delivery_raters: Vec::new(),
            p,
        })
    }

    pub fn status(&self) -> Status {
        self.p.status
    }

    pub fn kind(&self) -> Kind {
        self.p.kind
    }

    /// The actor's current assignment on this proposal.
    pub fn my_assignment(&self, actor: &Actor) -> Option<&Assignment> {
        let unit = actor.unit_id?;
        if !actor.has(Role::Unit) {
            return None;
        }
        self.assignments.iter().find(|a| a.active && a.unit_id == unit)
    }

    /// The active co-units (会办) that have not sent their opinion to the lead unit yet.
    pub fn pending_co_opinions(&self) -> Vec<String> {
        self.assignments.iter().filter(|a| a.active && a.role == UnitRole::Co && a.co_opinion.is_none()).map(|a| a.unit_name.clone()).collect()
    }

    /// Who takes part in the proposal, as its records say.
    pub fn parties(&self) -> Parties {
        Parties {
            kind: Some(self.kind()),
            proposer_member: self.p.proposer_member_id,
            created_by: self.p.created_by,
            round: self.p.round,
            cosigners: self.cosigners.iter().map(|c| (c.member_id, c.status)).collect(),
            units: self.assignments.iter().map(|a| UnitPart { unit_id: a.unit_id, role: a.role, active: a.active, replied_round: a.replied_round }).collect(),
            supervisors: self.supervisors.iter().map(|(u, _)| *u).collect(),
            evaluators: self.evaluators.clone(),
            merged_proposers: self.merged_members.clone(),
        }
    }

    pub fn standing(&self, actor: &Actor) -> Standing {
        Standing::of(actor, &self.parties())
    }

    pub fn facts(&self, today: NaiveDate, cal: &Calendar, rules: &DeadlineRules) -> Facts {
        let date = |s: &Option<String>| s.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let assigned_on = date(&self.p.assigned_on);
        let due_on = date(&self.p.due_on);
        let round = self.p.round;
        Facts {
            status: self.status(),
            kind: self.kind(),
            cosigners: self.cosigners.len(),
            pending_cosigners: self.cosigners.iter().filter(|c| c.status == CosignStatus::Pending).count(),
            cosign_window_passed: date(&self.p.cosign_due_on).is_some_and(|d| today > d),
            objection_open: self.p.objection_open,
            objection_window_passed: assigned_on.is_some_and(|a| today > rules.objection_window.due(cal, a)),
            replies_outstanding: self.assignments.iter().filter(|a| a.active && a.role.replies() && a.replied_round != Some(round)).count(),
            extension_requested: self.p.extension_requested,
            // A refused request counts as used: one request per handling.
            extended: self.p.extended || (self.p.extension_reason.is_some() && !self.p.extension_requested),
            reply_overdue: due_on.is_some_and(|d| today > d),
            dissatisfied_rounds: self.p.dissatisfied_rounds as u32,
            evaluation_window_passed: date(&self.p.evaluation_due_on).is_some_and(|d| today > d),
            delivery_rating_open: self.status() == Status::Closed
                && !self.commitments.is_empty()
                && self.commitments.iter().all(|c| c.done_at.is_some())
                && self.delivery_raters.is_empty(),
            is_key: self.p.is_key,
        }
    }

    /// How much of the proposal the actor may see (`Access::None`: told it does not exist).
    pub fn access(&self, actor: &Actor) -> Access {
        eline_domain::proposal::access(self.status(), &self.standing(actor), self.p.published)
    }

    /// Whether the actor may see the proposal at all (others are told it does not exist).
    pub fn visible_to(&self, actor: &Actor) -> bool {
        self.access(actor) != Access::None
    }

    /// Whether the actor may see the proposal's handling record (timeline, files, evaluations).
    pub fn record_visible_to(&self, actor: &Actor) -> bool {
        self.access(actor) == Access::Full
    }
}

/// Checks that ids are active members of the committee.
pub(crate) async fn check_members(ex: &mut Ex<'_>, committee_id: i64, ids: &[i64], field: &str) -> AppResult<()> {
    match eline_storage::members::unknown_ids(ex, committee_id, ids).await?.first() {
        Some(id) => Err(AppError::field(field, format!("编号为{id}的委员不存在"))),
        None => Ok(()),
    }
}

/// Checks that ids are active handling units of the committee.
pub(crate) async fn check_units(ex: &mut Ex<'_>, committee_id: i64, ids: &[i64], field: &str) -> AppResult<()> {
    match eline_storage::directory::unknown_ids(ex, eline_domain::org::DirectoryKind::Unit, committee_id, ids).await?.first() {
        Some(id) => Err(AppError::field(field, format!("编号为{id}的承办单位不存在或已归档"))),
        None => Ok(()),
    }
}
