//! Proposals on the workflow kernel (`crate::workflow`): how the runner loads, checks, decides
//! and saves a proposal. The actions themselves are in `actions/`.

use chrono::NaiveDate;
use eline_domain::proposal::{Status, Step, transition};
use eline_domain::{Access, Actor, RecordKind};
use eline_storage::Tx;
use eline_storage::proposals::{self, Proposal};

use super::{Config, Loaded};
use crate::change::Topic;
use crate::workflow::Workflow;
use crate::{App, AppResult};

/// The proposal workflow.
pub struct ProposalFlow;

/// A proposal as an action works on it.
pub struct Working {
    /// As loaded (the state before the action; what decides who may do what).
    pub l: Loaded,
    /// The row being changed by the action's effects.
    pub p: Proposal,
    /// The committee's rules in force and today (Beijing).
    pub config: Config,
    pub today: NaiveDate,
}

impl Workflow for ProposalFlow {
    const KIND: RecordKind = RecordKind::PROPOSAL;
    const TOPICS: &'static [Topic] = &[Topic::Search];
    type Loaded = Working;
    type Saved = Proposal;
    type Step = Step;
    type Status = Status;

    async fn load(_app: &App, tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Working> {
        let l = Loaded::load(&mut tx.ex(), actor.committee_id, id).await?;
        let (config, today) = Config::load_today(&mut tx.ex(), actor.committee_id).await?;
        Ok(Working { p: l.p.clone(), l, config, today })
    }

    fn access(w: &Working, actor: &Actor) -> Access {
        w.l.access(actor)
    }

    fn version(w: &Working) -> i64 {
        w.l.p.version
    }

    fn decide(w: &Working, actor: &Actor, step: Step) -> Result<Status, eline_domain::record::Refusal> {
        let facts = w.l.facts(w.today, &w.config.calendar, &w.config.deadlines);
        transition(&facts, &w.l.standing(actor), step)
    }

    fn status_name(status: Status) -> &'static str {
        status.as_str()
    }

    async fn save(tx: &mut Tx, w: &mut Working, next: Status) -> AppResult<Proposal> {
        if next == Status::Closed && w.p.closed_at.is_none() {
            w.p.closed_at = Some(eline_storage::now_micros());
        }
        w.p.status = next;
        Ok(proposals::save(&mut tx.ex(), &w.p, w.l.p.version).await?)
    }

    fn before(w: &Working) -> &Proposal {
        &w.l.p
    }

    fn summary(saved: &Proposal, note: &str) -> String {
        format!("提案“{}”：{note}", saved.title)
    }

    async fn notices(tx: &mut Tx, actor: &Actor, action: &str, w: &Working, saved: &Proposal, note: &str) -> AppResult<Vec<crate::notify::Notice>> {
        let after = Loaded::load(&mut tx.ex(), actor.committee_id, saved.id).await?;
        Ok(crate::notify::events::proposal(action, &w.l, &after, note))
    }
}
