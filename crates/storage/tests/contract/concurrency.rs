//! Several servers and writers at once: migrations once, job locks, commit order.

use eline_storage::{audit, migrate, scalar, testing};
use std::sync::Arc;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn servers_starting_together_apply_each_migration_once() {
    let t = testing::fresh_unmigrated().await;
    let start = Arc::new(tokio::sync::Barrier::new(4));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let db = t.db.clone();
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            migrate(&db).await
        }));
    }
    let mut applied = 0;
    for task in tasks {
        applied += task.await.expect("task ran").expect("migrate while another server migrates");
    }
    let mut c = t.db.acquire().await.unwrap();
    let recorded = scalar!(&mut c.ex(), i64, "SELECT COUNT(*) FROM eline_migrations").unwrap();
    assert_eq!(applied as i64, recorded, "each migration ran exactly once");
    assert!(recorded >= 1);
}

#[tokio::test]
async fn a_scheduled_job_lock_is_held_by_one_connection_at_a_time_on_postgres() {
    use eline_storage::jobs;
    let t = testing::fresh().await;
    let mut a = t.db.acquire().await.unwrap();
    let mut b = t.db.acquire().await.unwrap();
    assert!(jobs::try_lock(&mut a, jobs::SWEEP).await.unwrap());
    let second = jobs::try_lock(&mut b, jobs::SWEEP).await.unwrap();
    match t.db {
        // Two servers on one PostgreSQL: the second waits its turn.
        eline_storage::Db::Postgres(_) => assert!(!second, "the lock is already held"),
        // One server per SQLite file: nothing to coordinate.
        eline_storage::Db::Sqlite(_) => assert!(second),
    }
    jobs::unlock(&mut a, jobs::SWEEP).await.unwrap();
    assert!(jobs::try_lock(&mut b, jobs::SWEEP).await.unwrap(), "free again once released");
    jobs::unlock(&mut b, jobs::SWEEP).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_commit_in_the_order_they_asked_and_none_fails() {
    let t = testing::fresh().await;
    let first = t.db.begin().await.unwrap();
    // Eight writers ask, one after another, while the first transaction is open.
    let mut writers = Vec::new();
    for i in 0..8 {
        let db = t.db.clone();
        writers.push(tokio::spawn(async move {
            let mut tx = db.begin().await.expect("a writer's turn");
            let id = audit::record(&mut tx, audit_entry(None, &format!("写入 {i}"))).await.expect("write");
            tx.commit().await.expect("commit");
            (i, id)
        }));
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    }
    drop(first);
    let mut done = Vec::new();
    for w in writers {
        done.push(w.await.unwrap());
    }
    let mut by_entry = done.clone();
    by_entry.sort_by_key(|(_, id)| *id);
    match t.db {
        // One writer at a time in this process, in turn (SQLite's own busy handler would let
        // them retry in any order, sleeping up to 100 ms between tries).
        eline_storage::Db::Sqlite(_) => assert_eq!(by_entry.iter().map(|(i, _)| *i).collect::<Vec<_>>(), (0..8).collect::<Vec<_>>()),
        // PostgreSQL runs them side by side: all commit.
        eline_storage::Db::Postgres(_) => assert_eq!(done.len(), 8),
    }
    assert_eq!(verify(&t.db).await, Ok(8), "the audit chain holds the eight entries");
}
