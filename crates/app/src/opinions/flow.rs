//! Reports on the workflow kernel (`crate::workflow`): how the runner loads, checks, decides and
//! saves a report. The actions are in `actions.rs`.

use eline_domain::opinion::{Status, Step, transition};
use eline_domain::{Access, Actor, RecordKind};
use eline_storage::Tx;
use eline_storage::opinions::{self, Opinion};

use super::{Config, Loaded};
use crate::change::Topic;
use crate::workflow::Workflow;
use crate::{App, AppResult};

/// The report workflow.
pub struct OpinionFlow;

/// A report as an action works on it.
pub struct Working {
    /// As loaded (the state before the action).
    pub l: Loaded,
    /// The row being changed by the action's effects.
    pub o: Opinion,
    pub config: Config,
}

impl Workflow for OpinionFlow {
    const KIND: RecordKind = RecordKind::OPINION;
    const TOPICS: &'static [Topic] = &[Topic::Search];
    type Loaded = Working;
    type Saved = Opinion;
    type Step = Step;
    type Status = Status;

    async fn load(_app: &App, tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Working> {
        let l = Loaded::load(&mut tx.ex(), actor.committee_id, id).await?;
        let config = Config::load(&mut tx.ex(), actor.committee_id).await?;
        Ok(Working { o: l.o.clone(), l, config })
    }

    fn access(w: &Working, actor: &Actor) -> Access {
        w.l.access(actor)
    }

    fn version(w: &Working) -> i64 {
        w.l.o.version
    }

    fn decide(w: &Working, actor: &Actor, step: Step) -> Result<Status, eline_domain::record::Refusal> {
        transition(&w.l.facts(), &w.l.standing(actor), step)
    }

    fn status_name(status: Status) -> &'static str {
        status.as_str()
    }

    async fn save(tx: &mut Tx, w: &mut Working, next: Status) -> AppResult<Opinion> {
        w.o.status = next;
        Ok(opinions::save(&mut tx.ex(), &w.o, w.l.o.version).await?)
    }

    fn before(w: &Working) -> &Opinion {
        &w.l.o
    }

    fn summary(saved: &Opinion, note: &str) -> String {
        format!("社情民意“{}”：{note}", saved.title)
    }

    async fn notices(_tx: &mut Tx, _actor: &Actor, action: &str, w: &Working, saved: &Opinion, note: &str) -> AppResult<Vec<crate::notify::Notice>> {
        Ok(crate::notify::events::opinion(action, &w.l.o, saved, note))
    }
}
