//! The audit chain: committed and rolled-back entries, tampering detected, concurrent writers.

use eline_storage::{Db, audit, run, testing};
use serde_json::json;
use std::sync::Arc;

use crate::common::*;

#[tokio::test]
async fn committed_audit_entries_form_a_chain_and_a_rolled_back_one_leaves_nothing() {
    let t = testing::fresh().await;
    assert_eq!(verify(&t.db).await, Ok(0), "an empty log verifies");
    let a = {
        let mut c = t.db.acquire().await.unwrap();
        committee(&mut c.ex(), "清河市政协").await
    };
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(record_committed(&t.db, Some(a), &format!("第{i}次修改")).await);
    }
    {
        let mut tx = t.db.begin().await.unwrap();
        audit::record(&mut tx, audit_entry(Some(a), "未提交")).await.unwrap();
        drop(tx);
    }
    ids.push(record_committed(&t.db, None, "系统操作").await);
    assert_eq!(verify(&t.db).await, Ok(4));
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids grow: {ids:?}");

    let mut c = t.db.acquire().await.unwrap();
    let listed = audit::list(&mut c.ex(), a, &audit::Filter::default(), 100).await.unwrap();
    assert_eq!(
        listed.iter().map(|e| e.summary.as_str()).collect::<Vec<_>>(),
        vec!["第2次修改", "第1次修改", "第0次修改"],
        "newest first, only this committee, nothing rolled back"
    );
    assert_eq!(listed[2].before_digest, Some(audit::digest(&json!({"name": "旧名称"}))));
    assert_eq!(listed[1].prev_hash, listed[2].hash);
    let page =
        audit::list(&mut c.ex(), a, &audit::Filter { before_id: Some(listed[0].id), actor: Some("管理员".into()), ..Default::default() }, 1).await.unwrap();
    assert_eq!(page.iter().map(|e| e.id).collect::<Vec<_>>(), vec![listed[1].id]);
    let none = audit::Filter { action: Some("delete".into()), ..Default::default() };
    assert!(audit::list(&mut c.ex(), a, &none, 100).await.unwrap().is_empty());
}

/// Three committed entries; returns their ids.
async fn three_entries(db: &Db) -> Vec<i64> {
    let mut ids = Vec::new();
    for s in ["新增界别", "修改界别", "归档界别"] {
        ids.push(record_committed(db, None, s).await);
    }
    assert_eq!(verify(db).await, Ok(3));
    ids
}

#[tokio::test]
async fn an_edited_audit_summary_is_found_at_that_entry() {
    let t = testing::fresh().await;
    let ids = three_entries(&t.db).await;
    let mut c = t.db.acquire().await.unwrap();
    let n = run!(&mut c.ex(), "UPDATE audit_log SET summary = $1 WHERE id = $2", "改过的摘要", ids[1]).unwrap();
    assert_eq!(n, 1);
    drop(c);
    match verify(&t.db).await {
        Err(b) => {
            assert_eq!(b.entry_id, ids[1], "{b:?}");
            assert!(is_chinese(&b.reason));
        }
        Ok(n) => panic!("an edited entry went unnoticed ({n} entries verified)"),
    }
}

#[tokio::test]
async fn removing_the_last_audit_entry_is_detected() {
    let t = testing::fresh().await;
    let ids = three_entries(&t.db).await;
    let mut c = t.db.acquire().await.unwrap();
    run!(&mut c.ex(), "DELETE FROM audit_log WHERE id = $1", ids[2]).unwrap();
    drop(c);
    match verify(&t.db).await {
        Err(b) => assert_eq!(b.entry_id, ids[2], "{b:?}"),
        Ok(n) => panic!("a removed last entry went unnoticed ({n} entries verified)"),
    }
}

#[tokio::test]
async fn removing_a_middle_audit_entry_is_detected() {
    let t = testing::fresh().await;
    let ids = three_entries(&t.db).await;
    let mut c = t.db.acquire().await.unwrap();
    run!(&mut c.ex(), "DELETE FROM audit_log WHERE id = $1", ids[1]).unwrap();
    drop(c);
    match verify(&t.db).await {
        // The entry after the gap no longer links to its predecessor.
        Err(b) => assert_eq!(b.entry_id, ids[2], "{b:?}"),
        Ok(n) => panic!("a removed middle entry went unnoticed ({n} entries verified)"),
    }
}

/// `writers` tasks start together, each records one entry in its own transaction.
async fn concurrent_writers(db: &Db, writers: usize) {
    let start = Arc::new(tokio::sync::Barrier::new(writers));
    let mut tasks = Vec::new();
    for i in 0..writers {
        let db = db.clone();
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let mut tx = db.begin().await?;
            audit::record(&mut tx, audit_entry(None, &format!("并发写入{i}"))).await?;
            tx.commit().await
        }));
    }
    for (i, task) in tasks.into_iter().enumerate() {
        task.await.expect("task ran").unwrap_or_else(|e| panic!("writer {i} failed: {e:?}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_writers_start_one_unbroken_audit_chain() {
    let t = testing::fresh().await;
    concurrent_writers(&t.db, 20).await;
    assert_eq!(verify(&t.db).await, Ok(20));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_writers_extend_an_existing_audit_chain_without_forking() {
    let t = testing::fresh().await;
    record_committed(&t.db, None, "第一条").await;
    concurrent_writers(&t.db, 20).await;
    assert_eq!(verify(&t.db).await, Ok(21));
}

// ---------------------------------------------------------------------------------------------
// browser sessions
