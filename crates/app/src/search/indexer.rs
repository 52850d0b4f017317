//! Keeping the index in step with the database: follow the outbox, rebuild from scratch.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use eline_search::{Cursor, Opened, SCHEMA_VERSION, SearchIndex};
use eline_storage::outbox::{self, SEARCH};
use eline_storage::{Db, now_micros};

use crate::records::Registry;
use crate::{AppError, AppResult};

/// Entries younger than this are read again on every pass (see `outbox::since`).
const LOOKBACK_MICROS: i64 = 10_000_000;
/// The outbox keeps search entries this long; an index further behind is rebuilt.
pub const RETENTION_MICROS: i64 = 7 * 24 * 3600 * 1_000_000;
/// Records per batch of a rebuild.
const BATCH: i64 = 2_000;

fn internal(e: eline_search::SearchError) -> AppError {
    AppError::Internal(e.to_string())
}

/// The search index of this server, with what it has applied lately.
pub struct Search {
    pub index: Arc<SearchIndex>,
    /// Outbox ids applied within the look-back window (so that they are not applied twice).
    seen: std::sync::Mutex<HashMap<i64, i64>>,
    /// Set while the index must be (or is being) rebuilt: searches answer from what is there.
    pub rebuilding: std::sync::atomic::AtomicBool,
    pub wake: tokio::sync::Notify,
    /// Why the index was found unusable at start, if it was.
    pub opened: Opened,
    /// The record kinds whose documents the index holds.
    records: Registry,
}

impl std::fmt::Debug for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Search").field("index", &self.index).finish()
    }
}

impl Search {
    pub fn open(dir: &std::path::Path, records: Registry) -> AppResult<Search> {
        let (index, opened) = SearchIndex::open(dir).map_err(internal)?;
        let rebuilding = matches!(opened, Opened::Rebuild(_));
        let wake = tokio::sync::Notify::new();
        Ok(Search { index: Arc::new(index), seen: Default::default(), rebuilding: rebuilding.into(), wake, opened, records })
    }

    pub fn is_rebuilding(&self) -> bool {
        self.rebuilding.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether the index can follow the outbox from where it stands, or must be rebuilt: the
    /// database may be another one (restored, copied) or the outbox pruned past the cursor.
    pub async fn check(&self, db: &Db) -> AppResult<()> {
        if self.is_rebuilding() {
            return Ok(());
        }
        let cursor = self.index.cursor().map_err(internal)?;
        let mut c = db.acquire().await?;
        let (low, high) = outbox::bounds(&mut c.ex(), SEARCH).await?;
        let mut any_records = false;
        for m in self.records.modules() {
            any_records |= m.max_id(&mut c.ex()).await? > 0;
        }
        let reason = if high < cursor.outbox {
            Some("数据库的变更记录比索引旧（换了数据库？）")
        } else if low > cursor.outbox + 1 {
            Some("索引落后太久，变更记录已清理")
        } else if self.index.is_empty() && any_records {
            Some("索引是空的")
        } else {
            None
        };
        if let Some(reason) = reason {
            tracing::warn!(reason, "search index will be rebuilt");
            self.rebuilding.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    }

    /// Applies the outbox entries not yet in the index; returns how many records changed.
    pub async fn catch_up(&self, db: &Db) -> AppResult<usize> {
        let mut total = 0;
        loop {
            let cursor = self.index.cursor().map_err(internal)?;
            let now = now_micros();
            let entries = {
                let mut c = db.acquire().await?;
                outbox::since(&mut c.ex(), SEARCH, cursor.outbox, now - LOOKBACK_MICROS, 1_000).await?
            };
            let fresh: Vec<_> = {
                let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
                seen.retain(|_, at| *at >= now - 2 * LOOKBACK_MICROS);
                entries.iter().filter(|e| !seen.contains_key(&e.id)).cloned().collect()
            };
            if fresh.is_empty() {
                return Ok(total);
            }
            // Some may be another server's writes: this server's read caches must not outlive them.
            eline_storage::note_write();
            let mut targets: BTreeSet<(String, i64)> = fresh.iter().map(|e| (e.target_type.clone(), e.target_id)).collect();
            let mut docs = Vec::new();
            let mut removed = Vec::new();
            {
                let mut c = db.acquire().await?;
                // A change may change other records' documents (a merge: who sees the proposal
                // merged into).
                for (kind, id) in targets.clone() {
                    if let Some(m) = self.records.get(&kind) {
                        targets.extend(m.related(&mut c.ex(), id).await?.into_iter().map(|r| (kind.clone(), r)));
                    }
                }
                for (kind, id) in &targets {
                    let Some(m) = self.records.get(kind) else { continue };
                    let found = m.documents(&mut c.ex(), *id, *id).await?;
                    if found.is_empty() {
                        removed.push((kind.clone(), *id));
                    }
                    docs.extend(found);
                }
            }
            let next = Cursor { outbox: cursor.outbox.max(fresh.iter().map(|e| e.id).max().unwrap_or(0)), ..cursor };
            let index = self.index.clone();
            let count = docs.len() + removed.len();
            tokio::task::spawn_blocking(move || index.apply(&docs, &removed, next)).await.map_err(|e| AppError::Internal(e.to_string()))?.map_err(internal)?;
            {
                let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
                for e in &fresh {
                    seen.insert(e.id, e.created_at);
                }
            }
            total += count;
            if entries.len() < 1_000 {
                return Ok(total);
            }
        }
    }

    /// Builds a new generation from the database (either engine) and switches to it; searches
    /// go on from the old one meanwhile. Returns the number of documents.
    pub async fn rebuild(&self, db: &Db) -> AppResult<u64> {
        let started = std::time::Instant::now();
        let head = {
            let mut c = db.acquire().await?;
            outbox::head(&mut c.ex()).await?
        };
        let mut build = Some(self.index.rebuild().map_err(internal)?);
        for module in self.records.modules() {
            let max = {
                let mut c = db.acquire().await?;
                module.max_id(&mut c.ex()).await?
            };
            let mut from = 1;
            while from <= max {
                let to = from + BATCH - 1;
                let docs = {
                    let mut c = db.acquire().await?;
                    module.documents(&mut c.ex(), from, to).await?
                };
                let mut b = build.take().expect("the builder is put back after each batch");
                b = tokio::task::spawn_blocking(move || -> eline_search::Result<_> {
                    for d in &docs {
                        b.add(d)?;
                    }
                    Ok(b)
                })
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?
                .map_err(internal)?;
                build = Some(b);
                from = to + 1;
            }
        }
        let b = build.take().expect("builder");
        let cursor = Cursor { outbox: head, built_at: now_micros(), schema: SCHEMA_VERSION };
        let count = tokio::task::spawn_blocking(move || b.finish(cursor)).await.map_err(|e| AppError::Internal(e.to_string()))?.map_err(internal)?;
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.rebuilding.store(false, std::sync::atomic::Ordering::Relaxed);
        tracing::info!(documents = count, seconds = started.elapsed().as_secs_f64(), "search index rebuilt");
        Ok(count)
    }

    /// One pass of the background indexer: rebuild when needed, switch to a generation built
    /// by `eline reindex`, apply the outbox.
    pub async fn tick(&self, db: &Db) -> AppResult<usize> {
        if self.is_rebuilding() {
            self.rebuild(db).await?;
        }
        if let Some(cursor) = self.index.follow().map_err(internal)? {
            tracing::info!(outbox = cursor.outbox, "search index: switched to a rebuilt generation");
            self.seen.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
        self.catch_up(db).await
    }
}

/// Runs the indexer until the process ends: woken by writes of this server, polling for those
/// of other servers (several servers may follow one database).
pub fn spawn(search: Arc<Search>, db: Db) {
    tokio::spawn(async move {
        if let Opened::Rebuild(reason) = &search.opened {
            tracing::warn!(reason = %reason, dir = %search.index.dir().display(), "search index unusable or missing; rebuilding it");
        }
        if let Err(e) = search.check(&db).await {
            tracing::warn!(error = %e, "search index check failed");
        }
        loop {
            if let Err(e) = search.tick(&db).await {
                tracing::warn!(error = %e, "search indexing failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            tokio::select! {
                _ = search.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_millis(250)) => {}
            }
        }
    });
}
