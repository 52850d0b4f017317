//! Fresh databases for tests: a temporary SQLite file, or — when ELINE_TEST_DATABASE_URL is set —
//! a new schema in that PostgreSQL database. Dropped with the guard.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Db, migrate};

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub struct TestDb {
    pub db: Db,
    pub url: String,
    dir: Option<PathBuf>,
    /// (server URL, schema) of a PostgreSQL test schema, dropped with the guard.
    schema: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((base, schema)) = self.schema.take() {
            // Drop runs inside an async test: use a thread with its own small runtime.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
                rt.block_on(async {
                    if let Ok(Db::Postgres(p)) = Db::connect_with(&base, 1).await {
                        // Connections of the test still open (e.g. idle in a transaction) would
                        // hold locks the drop waits for: end them first.
                        let _ = sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()")
                            .bind(&schema)
                            .execute(&p)
                            .await;
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))).execute(&p).await;
                        p.close().await;
                    }
                });
            })
            .join();
        }
    }
}

fn unique_name(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{prefix}_{}_{}_{}", std::process::id(), t % 1_000_000_000, n)
}

/// A new temporary directory (removed by the caller or with the returned guard).
pub fn temp_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(unique_name(prefix));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// The engine the tests run on: PostgreSQL when ELINE_TEST_DATABASE_URL is set, else SQLite.
pub fn postgres_url() -> Option<String> {
    std::env::var("ELINE_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())
}

/// A migrated, empty database on the test engine.
pub async fn fresh() -> TestDb {
    let t = fresh_unmigrated().await;
    migrate(&t.db).await.expect("migrate");
    t
}

/// An empty database on the test engine, without tables.
pub async fn fresh_unmigrated() -> TestDb {
    match postgres_url() {
        Some(base) => fresh_postgres(&base).await,
        None => fresh_sqlite_db().await,
    }
}

/// A database on SQLite regardless of the environment (for copy tests).
pub async fn fresh_sqlite_db() -> TestDb {
    let dir = temp_dir("eline_test");
    let url = format!("sqlite://{}", dir.join("eline.db").display());
    let db = Db::connect_with(&url, 8).await.expect("connect sqlite");
    TestDb { db, url, dir: Some(dir), schema: None }
}

async fn fresh_postgres(base: &str) -> TestDb {
    let schema = unique_name("t");
    let admin = Db::connect_with(base, 1).await.expect("connect postgres");
    if let Db::Postgres(p) = &admin {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(p).await.expect("create schema");
    }
    admin.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}&application_name={schema}");
    let db = Db::connect_with(&url, 8).await.expect("connect postgres schema");
    TestDb { db, url, dir: None, schema: Some((base.to_string(), schema)) }
}
