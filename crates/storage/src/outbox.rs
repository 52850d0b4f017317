//! The outbox: a row per change that derived data (the search index, later notifications) must
//! follow, written in the same transaction as the change. Readers keep their own cursor (the
//! search index keeps it in its commit), so several servers can follow one outbox.

use crate::{Ex, Result, all, now_micros, run, scalar};

/// The topic the search index follows.
pub const SEARCH: &str = "search";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub committee_id: Option<i64>,
    pub target_type: String,
    pub target_id: i64,
    pub created_at: i64,
}

/// Queues many records of one kind at once (an import).
pub async fn push_many(tx: &mut crate::Tx, committee_id: Option<i64>, topic: &'static str, target_type: &'static str, target_ids: &[i64]) -> Result<()> {
    use crate::bulk::{Rows, Val, insert};
    let now = now_micros();
    let mut rows = Rows::new("outbox", &["committee_id", "topic", "target_type", "target_id", "created_at"]);
    for id in target_ids {
        rows.push([Val::OptInt(committee_id), Val::Static(topic), Val::Static(target_type), Val::Int(*id), Val::Int(now)]);
    }
    insert(tx, &rows).await?;
    Ok(())
}

pub async fn push(ex: &mut Ex<'_>, committee_id: Option<i64>, topic: &str, target_type: &str, target_id: i64) -> Result<()> {
    run!(
        ex,
        "INSERT INTO outbox (committee_id, topic, target_type, target_id, created_at) VALUES ($1, $2, $3, $4, $5)",
        committee_id,
        topic,
        target_type,
        target_id,
        now_micros()
    )?;
    Ok(())
}

/// Entries after `after_id`, and those written since `recent_since` (microseconds) whatever
/// their id: on PostgreSQL ids are taken at insert but become visible at commit, so a
/// transaction that started earlier can commit an id below the reader's cursor. The entries
/// after the cursor come first: under a burst of writes the look-back must not crowd them out
/// (it did: with more than `limit` entries in the window a pass re-read only entries it had
/// applied, and the search index fell behind by thousands at 600 writes/s).
pub async fn since(ex: &mut Ex<'_>, topic: &str, after_id: i64, recent_since: i64, limit: i64) -> Result<Vec<Entry>> {
    Ok(all!(
        ex,
        Entry,
        "SELECT id, committee_id, target_type, target_id, created_at FROM outbox
         WHERE topic = $1 AND (id > $2 OR created_at >= $3) ORDER BY CASE WHEN id > $2 THEN 0 ELSE 1 END, id LIMIT $4",
        topic,
        after_id,
        recent_since,
        limit
    )?)
}

/// (lowest, highest) id of a topic's entries, zeros when there are none.
pub async fn bounds(ex: &mut Ex<'_>, topic: &str) -> Result<(i64, i64)> {
    let low = scalar!(ex, Option<i64>, "SELECT MIN(id) FROM outbox WHERE topic = $1", topic)?;
    let high = scalar!(ex, Option<i64>, "SELECT MAX(id) FROM outbox WHERE topic = $1", topic)?;
    Ok((low.unwrap_or(0), high.unwrap_or(0)))
}

/// Highest id of any entry (the position a rebuild starts from).
pub async fn head(ex: &mut Ex<'_>) -> Result<i64> {
    Ok(scalar!(ex, Option<i64>, "SELECT MAX(id) FROM outbox")?.unwrap_or(0))
}

/// Removes a topic's entries older than `before` (microseconds); returns how many.
pub async fn prune(ex: &mut Ex<'_>, topic: &str, before: i64) -> Result<u64> {
    Ok(run!(ex, "DELETE FROM outbox WHERE topic = $1 AND created_at < $2", topic, before)?)
}
