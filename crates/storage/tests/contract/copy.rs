//! Copies between engines and backups: equal counts, verifying chains, never overwriting.

use eline_domain::org::DirectoryKind;
use eline_storage::{Db, StorageError, audit, committees, copy, directory, idempotency, members, migrate, scalar, testing, users};

use crate::common::*;

#[tokio::test]
async fn a_copy_to_sqlite_has_equal_counts_and_a_verifying_audit_chain() {
    let src = testing::fresh().await;
    sample_data(&src.db).await;
    let before = table_counts(&src.db).await;
    assert!(before.iter().all(|(_, n)| *n > 0), "the sample touches every table: {before:?}");

    let dst = testing::fresh_sqlite_db().await;
    let counts = copy::copy(&src.db, &dst.db).await.expect("copy");
    assert_eq!(counts, before);
    assert_eq!(table_counts(&dst.db).await, before);
    assert_eq!(verify(&dst.db).await, Ok(3));
    assert_eq!(table_counts(&src.db).await, before, "the source is untouched");
    assert_same_sample(&src.db, &dst.db).await;
}

/// Spot checks that values (NULLs, booleans, Chinese text, links) survived a copy.
async fn assert_same_sample(a: &Db, b: &Db) {
    let mut ca = a.acquire().await.unwrap();
    let mut cb = b.acquire().await.unwrap();
    let committee = committees::first(&mut ca.ex()).await.unwrap().unwrap();
    assert_eq!(committees::first(&mut cb.ex()).await.unwrap().as_ref(), Some(&committee));
    for kind in DirectoryKind::ALL {
        let x = directory::list(&mut ca.ex(), kind, committee.id, true, None, 100).await.unwrap();
        let y = directory::list(&mut cb.ex(), kind, committee.id, true, None, 100).await.unwrap();
        assert_eq!(x, y, "{kind:?}");
    }
    let f = members::Filter { include_archived: true, ..Default::default() };
    let x = members::list(&mut ca.ex(), committee.id, &f, 100).await.unwrap();
    let y = members::list(&mut cb.ex(), committee.id, &f, 100).await.unwrap();
    assert_eq!(x, y);
    assert!(y[0].member.hk_macao);
    assert_eq!(members::committee_ids(&mut ca.ex(), x[0].member.id).await.unwrap(), members::committee_ids(&mut cb.ex(), y[0].member.id).await.unwrap());
    let ua = users::get_by_username(&mut ca.ex(), "wangjh").await.unwrap();
    assert_eq!(users::get_by_username(&mut cb.ex(), "wangjh").await.unwrap(), ua);
    let user_id = ua.expect("the sample's user").id;
    let key = idempotency::find(&mut ca.ex(), user_id, "key-1").await.unwrap();
    assert!(key.as_ref().is_some_and(|k| k.state == "done" && k.body.as_deref() == Some("{\"id\":1}")));
    assert_eq!(idempotency::find(&mut cb.ex(), user_id, "key-1").await.unwrap(), key);
    let af = audit::Filter::default();
    assert_eq!(audit::list(&mut ca.ex(), committee.id, &af, 100).await.unwrap(), audit::list(&mut cb.ex(), committee.id, &af, 100).await.unwrap());
}

#[tokio::test]
async fn copying_into_a_database_that_holds_data_fails_and_leaves_it_unchanged() {
    let src = testing::fresh().await;
    sample_data(&src.db).await;
    let dst = testing::fresh_sqlite_db().await;
    migrate(&dst.db).await.unwrap();
    {
        let mut c = dst.db.acquire().await.unwrap();
        let mut ex = c.ex();
        let a = committee(&mut ex, "已有数据的政协").await;
        dir(&mut ex, DirectoryKind::Sector, a, "已有界别", 1).await;
    }
    record_committed(&dst.db, None, "已有记录").await;
    let before = table_counts(&dst.db).await;
    match copy::copy(&src.db, &dst.db).await {
        Err(StorageError::Config(m)) => assert!(is_chinese(&m), "message: {m}"),
        other => panic!("copy into a database with data: {other:?}"),
    }
    assert_eq!(table_counts(&dst.db).await, before);
    assert_eq!(verify(&dst.db).await, Ok(1));
    let mut c = dst.db.acquire().await.unwrap();
    assert_eq!(committees::first(&mut c.ex()).await.unwrap().unwrap().name, "已有数据的政协");
}

#[tokio::test]
async fn a_backup_is_a_sqlite_file_with_the_same_counts_and_never_overwrites_a_file() {
    let src = testing::fresh().await;
    sample_data(&src.db).await;
    let before = table_counts(&src.db).await;
    let dir = testing::temp_dir("eline_backup");
    let file = dir.join("备份.db");
    let counts = copy::backup(&src.db, &file).await.expect("backup");
    assert_eq!(counts, before);
    let copy_db = Db::connect(&format!("sqlite://{}", file.display())).await.unwrap();
    assert_eq!(table_counts(&copy_db).await, before);
    assert_eq!(verify(&copy_db).await, Ok(3));
    assert_same_sample(&src.db, &copy_db).await;
    copy_db.close().await;

    let size = std::fs::metadata(&file).unwrap().len();
    match copy::backup(&src.db, &file).await {
        Err(StorageError::Config(m)) => assert!(is_chinese(&m), "message: {m}"),
        other => panic!("backup over an existing file: {other:?}"),
    }
    assert_eq!(std::fs::metadata(&file).unwrap().len(), size);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_round_trip_sqlite_to_postgres_to_sqlite_keeps_every_row() {
    if testing::postgres_url().is_none() {
        println!("skipped: the SQLite → PostgreSQL → SQLite round trip needs ELINE_TEST_DATABASE_URL");
        return;
    }
    let src = testing::fresh_sqlite_db().await;
    migrate(&src.db).await.unwrap();
    sample_data(&src.db).await;
    let before = table_counts(&src.db).await;

    let pg = testing::fresh_unmigrated().await;
    assert_eq!(pg.db.engine(), eline_storage::Engine::Postgres);
    assert_eq!(copy::copy(&src.db, &pg.db).await.expect("sqlite → postgres"), before);
    assert_eq!(verify(&pg.db).await, Ok(3));
    assert_same_sample(&src.db, &pg.db).await;

    let back = testing::fresh_sqlite_db().await;
    assert_eq!(copy::copy(&pg.db, &back.db).await.expect("postgres → sqlite"), before);
    assert_eq!(table_counts(&back.db).await, before);
    assert_eq!(verify(&back.db).await, Ok(3));
    assert_same_sample(&src.db, &back.db).await;

    // The copy keeps working: new rows get fresh ids (identity sequences were moved past the
    // copied ids) and extend the audit chain.
    let mut c = pg.db.acquire().await.unwrap();
    let a = committees::first(&mut c.ex()).await.unwrap().unwrap().id;
    let max_sector = scalar!(&mut c.ex(), i64, "SELECT MAX(id) FROM sectors").unwrap();
    let e = dir(&mut c.ex(), DirectoryKind::Sector, a, "复制后新增", 1).await;
    assert!(e.id > max_sector);
    drop(c);
    record_committed(&pg.db, Some(a), "复制后记录").await;
    assert_eq!(verify(&pg.db).await, Ok(4));
}

// ---------------------------------------------------------------------------------------------
// migrations
