//! Activities on the workflow kernel (`crate::workflow`): how the runner loads, checks, decides
//! and saves an activity. The actions are in `actions.rs`.

use eline_domain::activity::{ActivityRules, Status, Step, transition};
use eline_domain::{Access, Actor, RecordKind};
use eline_storage::Tx;
use eline_storage::activities::{self as store, Activity};

use super::Loaded;
use crate::change::Topic;
use crate::notify::Notice;
use crate::workflow::Workflow;
use crate::{App, AppResult};

/// The activity workflow.
pub struct ActivityFlow;

/// An activity as an action works on it.
pub struct Working {
    /// As loaded (the state before the action).
    pub l: Loaded,
    /// The row being changed by the action's effects.
    pub a: Activity,
    pub rules: ActivityRules,
    /// The app's clock when the action began (microseconds).
    pub now: i64,
    /// The members the action was about (`crate::notify::events::activity` says who is told).
    pub concerned: Vec<i64>,
}

impl Workflow for ActivityFlow {
    const KIND: RecordKind = RecordKind::ACTIVITY;
    const TOPICS: &'static [Topic] = &[];
    type Loaded = Working;
    type Saved = Activity;
    type Step = Step;
    type Status = Status;

    async fn load(app: &App, tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Working> {
        let l = Loaded::load_for_update(&mut tx.ex(), actor, id).await?;
        let rules = super::rules_in_force(&mut tx.ex(), actor.committee_id, l.a.year).await?;
        Ok(Working { a: l.a.clone(), l, rules, now: app.clock.now(), concerned: Vec::new() })
    }

    fn access(w: &Working, actor: &Actor) -> Access {
        w.l.access(actor)
    }

    fn version(w: &Working) -> i64 {
        w.l.a.version
    }

    fn decide(w: &Working, actor: &Actor, step: Step) -> Result<Status, eline_domain::record::Refusal> {
        transition(&w.l.facts(), &w.l.standing(actor), step)
    }

    fn status_name(status: Status) -> &'static str {
        status.as_str()
    }

    async fn save(tx: &mut Tx, w: &mut Working, next: Status) -> AppResult<Activity> {
        w.a.status = next;
        // An action on one member's row (a reply, leave, a check-in) leaves the activity as it
        // was: its version stays, so the office's open forms stay current through a check-in.
        if w.a == w.l.a {
            return Ok(w.a.clone());
        }
        Ok(store::save(&mut tx.ex(), &w.a, w.l.a.version).await?)
    }

    fn before(w: &Working) -> &Activity {
        &w.l.a
    }

    fn summary(saved: &Activity, note: &str) -> String {
        format!("活动“{}”：{note}", saved.title)
    }

    async fn notices(_tx: &mut Tx, _actor: &Actor, action: &str, w: &Working, saved: &Activity, note: &str) -> AppResult<Vec<Notice>> {
        Ok(crate::notify::events::activity(action, &w.l.a, saved, &w.concerned, note))
    }
}
