//! The audit log: every change writes one entry in the same transaction as the change. Entries
//! form a SHA-256 chain (each holds the hash of the one before) anchored in `audit_head`, so an
//! edited, inserted or removed row is found by `verify`.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Ex, Result, Tx, all, now_micros, opt, run};

/// What to record. `before`/`after` are the record's state, stored as digests only.
#[derive(Debug, Clone, Default)]
pub struct NewEntry<'a> {
    pub committee_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<i64>,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub committee_id: Option<i64>,
    pub at: i64,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub summary: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(sqlx::FromRow)]
struct Head {
    last_id: i64,
    last_hash: String,
    entries: i64,
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub fn digest(value: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(value.to_string().as_bytes()))
}

fn entry_hash(e: &Entry) -> String {
    let mut h = Sha256::new();
    for part in [
        e.committee_id.map(|v| v.to_string()).unwrap_or_default(),
        e.at.to_string(),
        e.actor_user_id.map(|v| v.to_string()).unwrap_or_default(),
        e.actor_name.clone(),
        e.action.clone(),
        e.target_type.clone(),
        e.target_id.map(|v| v.to_string()).unwrap_or_default(),
        e.summary.clone(),
        e.before_digest.clone().unwrap_or_default(),
        e.after_digest.clone().unwrap_or_default(),
        e.prev_hash.clone(),
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Locks the chain's head for this transaction and reads it: (last hash, entries). Concurrent
/// writers chain one after the other (SQLite already holds the write lock: its transactions
/// begin IMMEDIATE). The head row exists from the first write on, so that concurrent first
/// writers wait on it.
async fn lock_head(tx: &mut Tx) -> Result<(String, i64)> {
    run!(&mut tx.ex(), "INSERT INTO audit_head (id, last_id, last_hash, entries) VALUES (1, 0, $1, 0) ON CONFLICT (id) DO NOTHING", GENESIS)?;
    let head = match tx.engine() {
        crate::Engine::Postgres => opt!(&mut tx.ex(), Head, "SELECT last_id, last_hash, entries FROM audit_head WHERE id = 1 FOR UPDATE")?,
        crate::Engine::Sqlite => opt!(&mut tx.ex(), Head, "SELECT last_id, last_hash, entries FROM audit_head WHERE id = 1")?,
    };
    Ok(match head {
        Some(h) => (h.last_hash, h.entries),
        None => (GENESIS.to_string(), 0),
    })
}

fn chained(new: NewEntry<'_>, at: i64, prev_hash: String) -> Entry {
    let mut e = Entry {
        id: 0,
        committee_id: new.committee_id,
        at,
        actor_user_id: new.actor_user_id,
        actor_name: new.actor_name.to_string(),
        action: new.action.to_string(),
        target_type: new.target_type.to_string(),
        target_id: new.target_id,
        summary: new.summary,
        before_digest: new.before.as_ref().map(digest),
        after_digest: new.after.as_ref().map(digest),
        prev_hash,
        hash: String::new(),
    };
    e.hash = entry_hash(&e);
    e
}

/// Appends `n` entries at once (an import), chained in the order given, in a few multi-row
/// statements inside the caller's transaction. The entries are taken one at a time (each
/// record's state is digested and dropped as it comes).
pub async fn record_many<'a>(tx: &mut Tx, n: usize, news: impl IntoIterator<Item = NewEntry<'a>>) -> Result<()> {
    use crate::bulk::{Rows, Val, insert, reserve_ids};
    if n == 0 {
        return Ok(());
    }
    let (mut prev, entries) = lock_head(tx).await?;
    let ids = reserve_ids(tx, "audit_log", n).await?;
    let at = now_micros();
    let mut rows = Rows::new(
        "audit_log",
        &[
            "id",
            "committee_id",
            "at",
            "actor_user_id",
            "actor_name",
            "action",
            "target_type",
            "target_id",
            "summary",
            "before_digest",
            "after_digest",
            "prev_hash",
            "hash",
        ],
    );
    let mut written = 0;
    for (new, id) in news.into_iter().zip(&ids) {
        written += 1;
        let e = chained(new, at, prev);
        prev = e.hash.clone();
        rows.push([
            Val::Int(*id),
            Val::OptInt(e.committee_id),
            Val::Int(e.at),
            Val::OptInt(e.actor_user_id),
            Val::Text(e.actor_name),
            Val::Text(e.action),
            Val::Text(e.target_type),
            Val::OptInt(e.target_id),
            Val::Text(e.summary),
            Val::OptText(e.before_digest),
            Val::OptText(e.after_digest),
            Val::Text(e.prev_hash),
            Val::Text(e.hash),
        ]);
    }
    insert(tx, &rows).await?;
    let last = ids.get(written.max(1) - 1).copied().unwrap_or_default();
    run!(&mut tx.ex(), "UPDATE audit_head SET last_id = $1, last_hash = $2, entries = $3 WHERE id = 1", last, &prev, entries + written as i64)?;
    Ok(())
}

/// Appends an entry inside the caller's transaction; returns its id.
pub async fn record(tx: &mut Tx, new: NewEntry<'_>) -> Result<i64> {
    let (prev_hash, entries) = lock_head(tx).await?;
    let e = chained(new, now_micros(), prev_hash);
    let id: i64 = crate::scalar!(
        &mut tx.ex(),
        i64,
        "INSERT INTO audit_log (committee_id, at, actor_user_id, actor_name, action, target_type, target_id, summary, before_digest, after_digest, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        e.committee_id,
        e.at,
        e.actor_user_id,
        &e.actor_name,
        &e.action,
        &e.target_type,
        e.target_id,
        &e.summary,
        &e.before_digest,
        &e.after_digest,
        &e.prev_hash,
        &e.hash
    )?;
    run!(&mut tx.ex(), "UPDATE audit_head SET last_id = $1, last_hash = $2, entries = $3 WHERE id = 1", id, &e.hash, entries + 1)?;
    Ok(id)
}

/// Filters for browsing; all optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub action: Option<String>,
    pub target_type: Option<String>,
    /// The actor's name as recorded (e.g. 系统管理员（admin）).
    pub actor: Option<String>,
    /// The acting account.
    pub actor_user_id: Option<i64>,
    /// Entries at or after this time (µs).
    pub from: Option<i64>,
    /// Entries before this time (µs).
    pub until: Option<i64>,
    /// Leave out logins (successful and failed) and device logins: the entries that drown the rest.
    pub hide_logins: bool,
    /// Entries with id below this (cursor).
    pub before_id: Option<i64>,
}

/// A page of a committee's entries, newest first.
pub async fn list(ex: &mut Ex<'_>, committee_id: i64, f: &Filter, limit: i64) -> Result<Vec<Entry>> {
    Ok(all!(
        ex,
        Entry,
        "SELECT * FROM audit_log
         WHERE committee_id = $1
           AND (CAST($2 AS TEXT) IS NULL OR action = $2)
           AND (CAST($3 AS TEXT) IS NULL OR target_type = $3)
           AND (CAST($4 AS TEXT) IS NULL OR actor_name = $4)
           AND (CAST($5 AS BIGINT) IS NULL OR id < $5)
           AND (CAST($6 AS BIGINT) IS NULL OR actor_user_id = $6)
           AND (CAST($7 AS BIGINT) IS NULL OR at >= $7)
           AND (CAST($8 AS BIGINT) IS NULL OR at < $8)
           AND (CAST($9 AS BIGINT) = 0 OR action NOT IN ('login', 'login_failed', 'device_session_opened'))
         ORDER BY id DESC LIMIT $10",
        committee_id,
        &f.action,
        &f.target_type,
        &f.actor,
        f.before_id,
        f.actor_user_id,
        f.from,
        f.until,
        i64::from(f.hide_logins),
        limit
    )?)
}

/// Where the chain broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub entry_id: i64,
    pub reason: String,
}

/// Walks the whole chain in id order; returns the number of entries or the first bad entry.
pub async fn verify(ex: &mut Ex<'_>) -> Result<Result<i64, Broken>> {
    let mut prev = GENESIS.to_string();
    let mut count = 0i64;
    let mut last_id = 0i64;
    let mut after = 0i64;
    loop {
        let batch = all!(&mut *ex, Entry, "SELECT * FROM audit_log WHERE id > $1 ORDER BY id LIMIT 5000", after)?;
        if batch.is_empty() {
            break;
        }
        for e in &batch {
            if e.prev_hash != prev {
                return Ok(Err(Broken { entry_id: e.id, reason: "与上一条记录的链接不符（之前的记录被删除或修改）".into() }));
            }
            if entry_hash(e) != e.hash {
                return Ok(Err(Broken { entry_id: e.id, reason: "记录内容与其哈希不符（该记录被修改）".into() }));
            }
            prev = e.hash.clone();
            last_id = e.id;
            count += 1;
        }
        after = last_id;
    }
    let head = opt!(&mut *ex, Head, "SELECT last_id, last_hash, entries FROM audit_head WHERE id = 1")?;
    match head {
        None if count == 0 => Ok(Ok(0)),
        None => Ok(Err(Broken { entry_id: last_id, reason: "链头记录缺失".into() })),
        Some(h) if h.last_id != last_id || h.last_hash != prev || h.entries != count => Ok(Err(Broken {
            entry_id: h.last_id,
            reason: format!("链头记录第{}条、共{}条，与实际最后一条（第{last_id}条）、共{count}条不符（末尾记录被删除或增加）", h.last_id, h.entries),
        })),
        Some(_) => Ok(Ok(count)),
    }
}
