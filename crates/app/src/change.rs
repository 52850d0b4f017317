//! One call records a change of a record, inside the change's own transaction: its audit entry,
//! its timeline entry, and an outbox row for each kind of derived data that must follow it (the
//! search index now; notifications later). Nothing is pushed behind the caller's back: the
//! topics are named by the change.

use eline_domain::{Actor, RecordRef};
use eline_storage::audit::{self, NewEntry};
use eline_storage::{Tx, outbox, timeline};

use crate::AppResult;

/// Derived data that follows the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// The search index re-reads the record.
    Search,
}

impl Topic {
    fn as_str(self) -> &'static str {
        match self {
            Topic::Search => outbox::SEARCH,
        }
    }
}

/// What changed, told once for the audit log, the timeline and the outbox.
pub struct Change<'a> {
    pub record: RecordRef,
    /// The action's name (`submit`, `create`, `attach` …): the audit entry's and the timeline's.
    pub action: &'a str,
    /// The audit summary (whole sentence, Chinese).
    pub summary: String,
    /// The record before and after (digested in the audit entry).
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// The timeline entry: the status after the change (None for records without a workflow)
    /// and the note its people read; None when the change is not on the record's timeline.
    pub timeline: Option<(Option<&'a str>, &'a str)>,
    pub topics: &'a [Topic],
}

/// Records `change` made by `actor`; returns the audit entry's id.
pub async fn record(tx: &mut Tx, actor: &Actor, change: Change<'_>) -> AppResult<i64> {
    if let Some((status_after, note)) = change.timeline {
        let event = timeline::NewEvent {
            committee_id: actor.committee_id,
            record: change.record,
            actor_user_id: Some(actor.user_id),
            actor_name: &actor.display_name,
            action: change.action,
            status_after,
            note,
        };
        timeline::add(&mut tx.ex(), &event).await?;
    }
    for topic in change.topics {
        outbox::push(&mut tx.ex(), Some(actor.committee_id), topic.as_str(), change.record.kind.as_str(), change.record.id).await?;
    }
    let name = actor_name(actor);
    let entry = NewEntry {
        committee_id: Some(actor.committee_id),
        actor_user_id: Some(actor.user_id),
        actor_name: &name,
        action: change.action,
        target_type: change.record.kind.as_str(),
        target_id: Some(change.record.id),
        summary: change.summary,
        before: change.before,
        after: change.after,
    };
    Ok(audit::record(tx, entry).await?)
}

/// A change here that shows on a record of another committee (a report sent up to the parent
/// committee; an outcome recorded there flowing back down the chain): the timeline entry in that
/// committee and its outbox topics there, in the same transaction. The audit entry is the
/// causing change's, recorded with `record` in the actor's own committee.
pub struct Elsewhere<'a> {
    pub committee_id: i64,
    pub record: RecordRef,
    pub action: &'a str,
    pub status_after: Option<&'a str>,
    pub note: &'a str,
    pub topics: &'a [Topic],
}

pub async fn note_elsewhere(tx: &mut Tx, actor: &Actor, e: Elsewhere<'_>) -> AppResult<()> {
    let event = timeline::NewEvent {
        committee_id: e.committee_id,
        record: e.record,
        actor_user_id: Some(actor.user_id),
        actor_name: &actor.display_name,
        action: e.action,
        status_after: e.status_after,
        note: e.note,
    };
    timeline::add(&mut tx.ex(), &event).await?;
    for topic in e.topics {
        outbox::push(&mut tx.ex(), Some(e.committee_id), topic.as_str(), e.record.kind.as_str(), e.record.id).await?;
    }
    Ok(())
}

/// One created record of a batch: (id, summary, its state after).
pub type Created = (i64, String, Option<serde_json::Value>);

/// Records the creation of `ids.len()` records of one kind at once (an import), in a few
/// statements: their audit entries and outbox rows (their timeline entries, if any, are part of
/// the bulk write). `created` yields each record's entry in the order of `ids`, lazily: each
/// state is digested and dropped as it comes.
pub async fn record_created(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    kind: eline_domain::RecordKind,
    ids: &[i64],
    created: impl Iterator<Item = Created>,
    topics: &[Topic],
) -> AppResult<()> {
    for topic in topics {
        outbox::push_many(tx, Some(actor.committee_id), topic.as_str(), kind.as_str(), ids).await?;
    }
    let name = actor_name(actor);
    let entries = created.map(|(id, summary, after)| NewEntry {
        committee_id: Some(actor.committee_id),
        actor_user_id: Some(actor.user_id),
        actor_name: &name,
        action,
        target_type: kind.as_str(),
        target_id: Some(id),
        summary,
        before: None,
        after,
    });
    Ok(audit::record_many(tx, ids.len(), entries).await?)
}

/// How an actor is named in the audit log: "王芳（wangfang）".
pub fn actor_name(actor: &Actor) -> String {
    format!("{}（{}）", actor.display_name, actor.username)
}
