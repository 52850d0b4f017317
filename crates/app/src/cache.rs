//! A small read cache for pages many people open at once (the proposal lists, the pickers of
//! the directory). An entry is served only while (a) no write has been committed by this process
//! since it was read — so whoever writes sees the change on the next page — and (b) it is younger
//! than the configured time (`Settings::read_cache_ms`, default 1 s): writes made by another
//! server reach this one's pages within that time (sooner for proposals and members, whose
//! outbox rows the search follower notices every 250 ms). The key is the query as the storage
//! layer runs it, after the viewer's rights have been applied, so an entry can only be served to
//! someone who would have been given the same rows. One load per key at a time: when an entry
//! goes stale under load, the requests that find it so wait for the first one's load instead of
//! all running the same query (32 office pages at once each counted the queues: 31 pages/s).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Entries kept at most; when full, the expired ones go, and if none has, all go.
const CAPACITY: usize = 512;

struct Entry<V> {
    generation: u64,
    at: Instant,
    value: Arc<V>,
}

pub struct ReadCache<V> {
    ttl: Duration,
    /// What moves on every write (the storage's commit counter; tests give their own).
    generation: fn() -> u64,
    entries: Mutex<HashMap<String, Entry<V>>>,
    /// The loads under way, by key: later requests for the key wait on its gate.
    loading: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl<V> std::fmt::Debug for ReadCache<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache").field("ttl", &self.ttl).field("entries", &self.len()).finish()
    }
}

impl<V> ReadCache<V> {
    /// `ttl` zero turns the cache off.
    pub fn new(ttl: Duration) -> ReadCache<V> {
        Self::with_generation(ttl, eline_storage::write_generation)
    }

    pub fn with_generation(ttl: Duration, generation: fn() -> u64) -> ReadCache<V> {
        ReadCache { ttl, generation, entries: Mutex::new(HashMap::new()), loading: Mutex::new(HashMap::new()) }
    }

    /// The cached value for `key`, or `load()`'s (kept when the cache is on).
    pub async fn get_or_load<E, F>(&self, key: String, load: F) -> Result<Arc<V>, E>
    where
        F: std::future::Future<Output = Result<V, E>>,
    {
        if self.ttl.is_zero() {
            return load.await.map(Arc::new);
        }
        // Read before loading: a write committed while the query runs makes the entry stale.
        if let Some(v) = self.fresh(&key, (self.generation)()) {
            return Ok(v);
        }
        let gate = self.loading.lock().unwrap_or_else(|e| e.into_inner()).entry(key.clone()).or_default().clone();
        let _turn = gate.lock().await;
        // Loaded by the request this one waited for?
        let generation = (self.generation)();
        if let Some(v) = self.fresh(&key, generation) {
            return Ok(v);
        }
        let value = match load.await {
            Ok(v) => Arc::new(v),
            Err(e) => {
                self.loading.lock().unwrap_or_else(|e| e.into_inner()).remove(&key);
                return Err(e);
            }
        };
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            let ttl = self.ttl;
            entries.retain(|_, e| e.at.elapsed() < ttl && e.generation == generation);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            // And the gates left by loads that were cancelled (their requests went away).
            self.loading.lock().unwrap_or_else(|e| e.into_inner()).retain(|_, g| Arc::strong_count(g) > 1);
        }
        entries.insert(key.clone(), Entry { generation, at: Instant::now(), value: value.clone() });
        drop(entries);
        // Only now: a request arriving in between finds the entry, not an open gate.
        self.loading.lock().unwrap_or_else(|e| e.into_inner()).remove(&key);
        Ok(value)
    }

    fn fresh(&self, key: &str, generation: u64) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let e = entries.get(key)?;
        (e.generation == generation && e.at.elapsed() < self.ttl).then(|| e.value.clone())
    }

    /// Entries held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

    async fn load(n: &AtomicUsize) -> Result<usize, ()> {
        Ok(n.fetch_add(1, Ordering::SeqCst))
    }

    static WRITES: AtomicU64 = AtomicU64::new(0);
    fn writes() -> u64 {
        WRITES.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn serves_until_a_write_or_the_time_is_up() {
        let loads = AtomicUsize::new(0);
        let cache = ReadCache::with_generation(Duration::from_millis(300), writes);
        assert_eq!(*cache.get_or_load("k".into(), load(&loads)).await.unwrap(), 0);
        assert_eq!(*cache.get_or_load("k".into(), load(&loads)).await.unwrap(), 0, "served from the cache");
        assert_eq!(*cache.get_or_load("other".into(), load(&loads)).await.unwrap(), 1, "another key is loaded");
        WRITES.fetch_add(1, Ordering::SeqCst);
        assert_eq!(*cache.get_or_load("k".into(), load(&loads)).await.unwrap(), 2, "a write makes it stale");
        tokio::time::sleep(Duration::from_millis(350)).await;
        assert_eq!(*cache.get_or_load("k".into(), load(&loads)).await.unwrap(), 3, "too old");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_that_find_the_entry_stale_together_load_it_once() {
        fn never() -> u64 {
            0
        }
        let loads = Arc::new(AtomicUsize::new(0));
        let cache = Arc::new(ReadCache::with_generation(Duration::from_secs(60), never));
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (cache, loads) = (cache.clone(), loads.clone());
                tokio::spawn(async move {
                    let slow = async {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<usize, ()>(loads.fetch_add(1, Ordering::SeqCst))
                    };
                    *cache.get_or_load("queues".into(), slow).await.unwrap()
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), 0, "every request got the one load");
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        // A failed load lets the next request try again.
        let failing: ReadCache<usize> = ReadCache::with_generation(Duration::from_secs(60), never);
        assert!(failing.get_or_load("k".into(), async { Err::<usize, ()>(()) }).await.is_err());
        assert_eq!(*failing.get_or_load("k".into(), async { Ok::<usize, ()>(7) }).await.unwrap(), 7);
    }

    #[tokio::test]
    async fn off_when_the_time_is_zero() {
        let loads = AtomicUsize::new(0);
        let cache = ReadCache::with_generation(Duration::ZERO, writes);
        cache.get_or_load("k".into(), load(&loads)).await.unwrap();
        assert_eq!(*cache.get_or_load("k".into(), load(&loads)).await.unwrap(), 1);
        assert!(cache.is_empty());
    }

    #[tokio::test]
    async fn errors_are_not_kept_and_capacity_is_bounded() {
        let cache: ReadCache<usize> = ReadCache::with_generation(Duration::from_secs(60), writes);
        assert!(cache.get_or_load("k".into(), async { Err::<usize, &str>("down") }).await.is_err());
        assert!(cache.is_empty());
        for i in 0..CAPACITY + 10 {
            cache.get_or_load(format!("k{i}"), async move { Ok::<usize, ()>(i) }).await.unwrap();
        }
        assert!(cache.len() <= CAPACITY);
    }
}
