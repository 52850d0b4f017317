//! The storage contract: what every repository function promises, told one story per test. Runs
//! on the test engine (SQLite, or PostgreSQL when ELINE_TEST_DATABASE_URL is set); the same
//! assertions must hold on both.

use std::collections::HashMap;
use std::sync::Arc;

use eline_domain::member::{MemberFields, MemberInput};
use eline_domain::org::{DirectoryFields, DirectoryKind, SessionFields};
use eline_storage::directory::Cursor;
use eline_storage::migrate::TABLES;
use eline_storage::sessions::DbSessionStore;
use eline_storage::{Db, Ex, StorageError, audit, committees, copy, directory, idempotency, members, migrate, now_micros, run, scalar, testing, users};
use serde_json::json;
use sqlx::AssertSqlSafe;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};

// ---------------------------------------------------------------------------------------------
// helpers

async fn committee(ex: &mut Ex<'_>, name: &str) -> i64 {
    committees::create(ex, None, name, name, "city").await.expect("create committee")
}

/// Valid fields for a record of `kind` (with a category where the kind needs one).
fn dir_fields(kind: DirectoryKind, name: &str, sort_order: i64) -> DirectoryFields {
    let category = kind.categories().first().map(|(v, _)| *v);
    DirectoryFields::parse(kind, name, category, Some("备注"), Some(sort_order)).expect("valid directory fields")
}

async fn dir(ex: &mut Ex<'_>, kind: DirectoryKind, committee_id: i64, name: &str, sort_order: i64) -> directory::Entry {
    directory::create(ex, kind, committee_id, &dir_fields(kind, name, sort_order)).await.expect("create directory record")
}

fn session_fields(term: i64, session: i64, year: i64) -> SessionFields {
    SessionFields::parse(Some(term), Some(session), Some(year), Some("2023-01-10")).expect("valid session fields")
}

fn member_fields(name: &str, sector_id: i64, work_station_id: Option<i64>, committee_ids: &[i64]) -> MemberFields {
    let input = MemberInput {
        name: name.to_string(),
        gender: Some("女".into()),
        birth_year: Some(1970),
        party: Some("民盟盟员".into()),
        sector_id: Some(sector_id),
        work_station_id,
        committee_ids: committee_ids.to_vec(),
        roles: vec!["常委".into()],
        term_number: Some(13),
        ..Default::default()
    };
    MemberFields::parse(&input, 2026).expect("valid member fields")
}

fn new_user(committee_id: i64, username: &str) -> users::NewUser<'_> {
    users::NewUser {
        committee_id,
        username,
        display_name: "张三",
        password_hash: "$argon2id$fake",
        roles: "admin",
        member_id: None,
        unit_id: None,
        organization_id: None,
        must_change_password: true,
    }
}

fn audit_entry(committee_id: Option<i64>, summary: &str) -> audit::NewEntry<'static> {
    audit::NewEntry {
        committee_id,
        actor_user_id: Some(1),
        actor_name: "管理员",
        action: "update",
        target_type: "sector",
        target_id: Some(7),
        summary: summary.to_string(),
        before: Some(json!({"name": "旧名称"})),
        after: Some(json!({"name": "新名称"})),
    }
}

/// Records one entry in its own committed transaction; returns its id.
async fn record_committed(db: &Db, committee_id: Option<i64>, summary: &str) -> i64 {
    let mut tx = db.begin().await.expect("begin");
    let id = audit::record(&mut tx, audit_entry(committee_id, summary)).await.expect("record");
    tx.commit().await.expect("commit");
    id
}

async fn verify(db: &Db) -> Result<i64, audit::Broken> {
    let mut c = db.acquire().await.expect("acquire");
    audit::verify(&mut c.ex()).await.expect("verify runs")
}

/// Rows per application table, in copy order.
async fn table_counts(db: &Db) -> Vec<(String, i64)> {
    let mut c = db.acquire().await.expect("acquire");
    let mut out = Vec::new();
    for table in TABLES {
        let n = scalar!(&mut c.ex(), i64, AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"))).expect("count rows");
        out.push((table.to_string(), n));
    }
    out
}

fn assert_not_found<T: std::fmt::Debug>(r: Result<T, StorageError>, what: &str) {
    match r {
        Err(StorageError::NotFound) => {}
        other => panic!("{what}: expected NotFound, got {other:?}"),
    }
}

fn assert_conflict<T: std::fmt::Debug>(r: Result<T, StorageError>, what: &str) {
    match r {
        Err(StorageError::VersionConflict) => {}
        other => panic!("{what}: expected VersionConflict, got {other:?}"),
    }
}

/// The Duplicate message, or a panic naming what came instead.
fn duplicate_message<T: std::fmt::Debug>(r: Result<T, StorageError>, what: &str) -> String {
    match r {
        Err(StorageError::Duplicate(m)) => m,
        other => panic!("{what}: expected Duplicate, got {other:?}"),
    }
}

fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A data set touching every table: two committees, records of every kind (one archived), a
/// session, a member with special committees, a user with a token and an answered idempotency
/// key, a login failure, an outbox row, a browser session and audit entries.
async fn sample_data(db: &Db) {
    let mut c = db.acquire().await.expect("acquire");
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    let b = committees::create(&mut ex, Some(a), "清河市东城区政协", "东城区政协", "county").await.unwrap();
    let mut ids = HashMap::new();
    for (i, kind) in DirectoryKind::ALL.into_iter().enumerate() {
        let e = dir(&mut ex, kind, a, &format!("{}甲", kind.label()), i as i64).await;
        dir(&mut ex, kind, b, &format!("{}乙", kind.label()), 0).await;
        ids.insert(kind, e.id);
    }
    let old = dir(&mut ex, DirectoryKind::Sector, a, "已撤销界别", 9).await;
    directory::set_archived(&mut ex, DirectoryKind::Sector, a, old.id, old.version, true).await.unwrap();
    let session = directory::create_session(&mut ex, a, &session_fields(13, 2, 2023)).await.unwrap();
    let mut f = member_fields("王建华", ids[&DirectoryKind::Sector], Some(ids[&DirectoryKind::WorkStation]), &[ids[&DirectoryKind::SpecialCommittee]]);
    f.hk_macao = true;
    let m = members::create(&mut ex, a, &f).await.unwrap();
    let mut nu = new_user(a, "wangjh");
    nu.member_id = Some(m.id);
    let u = users::create(&mut ex, &nu).await.unwrap();
    users::create_token(&mut ex, u.id, "导入脚本", "hash-of-token", now_micros() + 1_000_000).await.unwrap();
    let now = now_micros();
    let ticket = idempotency::reserve(&mut ex, u.id, "key-1", "POST /api/v1/proposals", "abc", now, now + 1_000_000, now).await.unwrap().unwrap();
    let answer = idempotency::Answer { status: 201, content_type: Some("application/json"), location: None, etag: None, body: "{\"id\":1}" };
    assert!(idempotency::complete(&mut ex, ticket, &answer).await.unwrap());
    let later = now_micros() + 60_000_000;
    let first = users::SessionPair { access_hash: "access-1", access_expires_at: later, refresh_hash: "refresh-1", session_expires_at: later };
    users::open_session(&mut ex, u.id, "手机", "手机", true, &first).await.unwrap();
    let second = users::SessionPair { access_hash: "access-2", refresh_hash: "refresh-2", ..first };
    users::rotate_session(&mut ex, "refresh-1", &second).await.unwrap().expect("rotated");
    let upload = eline_storage::uploads::NewUpload { id: "upload-1", committee_id: a, user_id: u.id, file_name: "照片.jpg", size: 10, expires_at: later };
    eline_storage::uploads::create(&mut ex, &upload).await.unwrap();
    eline_storage::account_batches::create(&mut ex, "batch-1", a, u.id, later, "[]").await.unwrap();
    users::count_attempt(&mut ex, "ip:10.0.0.1", 60_000_000).await.unwrap();
    users::remember_address(&mut ex, u.id, "10.0.0.1").await.unwrap();
    // A proposal with a row in every proposal table.
    let p = eline_storage::proposals::create(
        &mut ex,
        &eline_storage::proposals::NewProposal {
            committee_id: a,
            session_id: session.id,
            title: "关于加快推进老旧小区加装电梯的提案",
            body: "情况、分析和具体建议。",
            kind: "joint",
            proposer_member_id: Some(m.id),
            organization_id: None,
            created_by: u.id,
            category: Some("社会建设"),
            occasion: Some("plenary"),
            publish_consent: Some(true),
        },
    )
    .await
    .unwrap();
    let unit = ids[&DirectoryKind::Unit];
    eline_storage::proposals::set_suggested_units(&mut ex, p.id, &[unit]).await.unwrap();
    eline_storage::proposals::set_cosigners(&mut ex, p.id, &[m.id]).await.unwrap();
    eline_storage::proposals::add_assignment(&mut ex, p.id, unit, eline_domain::proposal::UnitRole::Lead, "2023-03-01").await.unwrap();
    eline_storage::proposals::add_reply(&mut ex, p.id, unit, 0, "B", "正在解决。", "李明", u.id).await.unwrap();
    eline_storage::proposals::add_evaluation(&mut ex, p.id, Some(m.id), u.id, 0, eline_domain::proposal::Satisfaction::Satisfied, None, true).await.unwrap();
    let record = eline_domain::RecordRef::proposal(p.id);
    let event = eline_storage::timeline::NewEvent {
        committee_id: a,
        record,
        actor_user_id: Some(u.id),
        actor_name: "王建华",
        action: "submit",
        status_after: Some("submitted"),
        note: "提交审查",
    };
    eline_storage::timeline::add(&mut ex, &event).await.unwrap();
    let other = eline_domain::RecordRef::new(eline_domain::RecordKind::MEMBER, m.id);
    eline_storage::links::add(&mut ex, a, record, other, "led_to", Some(u.id)).await.unwrap();
    eline_storage::proposals::add_commitment(&mut ex, p.id, Some(unit), "年底前出台办法", Some("2023-12-31")).await.unwrap();
    eline_storage::proposals::set_supervisors(&mut ex, p.id, &[u.id]).await.unwrap();
    eline_storage::attachments::create(
        &mut ex,
        &eline_storage::attachments::NewAttachment {
            committee_id: a,
            record,
            purpose: "proposal",
            sha256: "ab",
            file_name: "材料.pdf",
            content_type: "application/pdf",
            size: 10,
            uploaded_by: u.id,
        },
    )
    .await
    .unwrap();
    eline_storage::settings::put(&mut ex, a, "proposal_deadlines", 2023, "{}").await.unwrap();
    eline_storage::settings::put_calendar_day(&mut ex, a, "2023-06-23", "holiday", "端午节").await.unwrap();
    eline_storage::reply_templates::create(&mut ex, a, unit, "模板", "答复如下。").await.unwrap();
    run!(
        &mut ex,
        "INSERT INTO outbox (committee_id, topic, target_type, target_id, created_at) VALUES ($1, $2, $3, $4, $5)",
        Some(a),
        "member.changed",
        "member",
        m.id,
        now_micros()
    )
    .unwrap();
    drop(c);
    let store = DbSessionStore::new(db.clone());
    store.save(&session_record(Some(u.id), 3600)).await.unwrap();
    record_committed(db, Some(a), "新增界别").await;
    record_committed(db, Some(a), "新增委员").await;
    record_committed(db, None, "系统启动").await;
}

fn session_record(user_id: Option<i64>, seconds_from_now: i64) -> Record {
    let mut data = HashMap::new();
    if let Some(u) = user_id {
        data.insert("user_id".to_string(), json!(u));
    }
    data.insert("csrf".to_string(), json!("令牌-abc"));
    // Whole seconds: the store keeps microseconds, so the record must survive unchanged.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    Record { id: Id::default(), data, expiry_date: time::OffsetDateTime::from_unix_timestamp(now + seconds_from_now).unwrap() }
}

// ---------------------------------------------------------------------------------------------
// committees and tenancy

#[tokio::test]
async fn committees_are_created_as_a_tree_and_found_by_id_and_name() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    assert_eq!(committees::first(&mut ex).await.unwrap(), None);
    let city = committee(&mut ex, "清河市政协").await;
    let county = committees::create(&mut ex, Some(city), "清河市东城区政协", "东城区政协", "county").await.unwrap();
    let got = committees::get(&mut ex, county).await.unwrap().unwrap();
    assert_eq!(got.parent_id, Some(city));
    assert_eq!(got.short_name, "东城区政协");
    assert_eq!(got.level, "county");
    assert_eq!(committees::first(&mut ex).await.unwrap().unwrap().id, city);
    let names: Vec<String> = committees::list(&mut ex).await.unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(names, vec!["清河市政协", "清河市东城区政协"]);
    assert_eq!(committees::find_by_name(&mut ex, "清河市东城区政协").await.unwrap().map(|c| c.id), Some(county));
    assert_eq!(committees::find_by_name(&mut ex, "不存在").await.unwrap(), None);
    assert_eq!(committees::get(&mut ex, county + 100).await.unwrap(), None);
}

#[tokio::test]
async fn records_of_one_committee_are_never_visible_through_another() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "甲市政协").await;
    let b = committee(&mut ex, "乙市政协").await;

    let mut in_a = HashMap::new();
    for kind in DirectoryKind::ALL {
        let e = dir(&mut ex, kind, a, &format!("甲{}", kind.label()), 1).await;
        in_a.insert(kind, e.id);
        // B has records of its own, so an empty answer is not an accident.
        dir(&mut ex, kind, b, &format!("乙{}", kind.label()), 1).await;
    }
    let session_a = directory::create_session(&mut ex, a, &session_fields(13, 1, 2023)).await.unwrap();
    let session_b = directory::create_session(&mut ex, b, &session_fields(13, 1, 2023)).await.unwrap();
    let member_a = members::create(
        &mut ex,
        a,
        &member_fields("王建华", in_a[&DirectoryKind::Sector], Some(in_a[&DirectoryKind::WorkStation]), &[in_a[&DirectoryKind::SpecialCommittee]]),
    )
    .await
    .unwrap();
    let sector_b = directory::all_active(&mut ex, DirectoryKind::Sector, b).await.unwrap()[0].id;
    let member_b = members::create(&mut ex, b, &member_fields("李明", sector_b, None, &[])).await.unwrap();
    let user_a = users::create(&mut ex, &new_user(a, "user_a")).await.unwrap();
    let user_b = users::create(&mut ex, &new_user(b, "user_b")).await.unwrap();

    for kind in DirectoryKind::ALL {
        let id = in_a[&kind];
        assert_eq!(directory::get(&mut ex, kind, b, id).await.unwrap(), None, "{kind:?} of A read through B");
        assert!(directory::get(&mut ex, kind, a, id).await.unwrap().is_some());
        let listed = directory::list(&mut ex, kind, b, true, None, 100).await.unwrap();
        assert_eq!(listed.len(), 1, "{kind:?} list of B");
        assert!(listed.iter().all(|e| e.committee_id == b && e.id != id));
        assert_eq!(directory::count_active(&mut ex, kind, b).await.unwrap(), 1);
        assert_eq!(directory::unknown_ids(&mut ex, kind, b, &[id]).await.unwrap(), vec![id], "{kind:?} of A accepted as B's");
    }

    assert_eq!(directory::get_session(&mut ex, b, session_a.id).await.unwrap(), None);
    let sessions_b = directory::list_sessions(&mut ex, b, true, None, 100).await.unwrap();
    assert_eq!(sessions_b.iter().map(|s| s.id).collect::<Vec<_>>(), vec![session_b.id]);
    assert_eq!(directory::count_sessions(&mut ex, b).await.unwrap(), 1);

    assert_eq!(members::get(&mut ex, b, member_a.id).await.unwrap(), None);
    let listed = members::list(&mut ex, b, &members::Filter { include_archived: true, ..Default::default() }, 100).await.unwrap();
    assert_eq!(listed.iter().map(|r| r.member.id).collect::<Vec<_>>(), vec![member_b.id]);
    let by_a_filters = members::Filter { sector_id: Some(in_a[&DirectoryKind::Sector]), ..Default::default() };
    assert!(members::list(&mut ex, b, &by_a_filters, 100).await.unwrap().is_empty());
    let by_a_committee = members::Filter { special_committee_id: Some(in_a[&DirectoryKind::SpecialCommittee]), ..Default::default() };
    assert!(members::list(&mut ex, b, &by_a_committee, 100).await.unwrap().is_empty());
    let by_name = members::Filter { name: Some("王建华".into()), ..Default::default() };
    assert!(members::list(&mut ex, b, &by_name, 100).await.unwrap().is_empty());
    assert_eq!(members::count_active(&mut ex, b).await.unwrap(), 1);
    assert!(members::ids_by_name(&mut ex, b, "王建华").await.unwrap().is_empty());

    assert_eq!(users::get(&mut ex, b, user_a.id).await.unwrap(), None);
    assert_eq!(users::list(&mut ex, b, 0, 100).await.unwrap().iter().map(|u| u.id).collect::<Vec<_>>(), vec![user_b.id]);
    assert_eq!(users::count(&mut ex, b).await.unwrap(), 1);

    drop(c);
    record_committed(&t.db, Some(a), "甲的操作").await;
    let mut c = t.db.acquire().await.unwrap();
    let seen_by_b = audit::list(&mut c.ex(), b, &audit::Filter::default(), 100).await.unwrap();
    assert!(seen_by_b.is_empty(), "B sees A's audit entries: {seen_by_b:?}");
    assert_eq!(audit::list(&mut c.ex(), a, &audit::Filter::default(), 100).await.unwrap().len(), 1);
}

#[tokio::test]
async fn changing_a_record_through_another_committee_is_not_found_and_changes_nothing() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "甲市政协").await;
    let b = committee(&mut ex, "乙市政协").await;

    for kind in DirectoryKind::ALL {
        let e = dir(&mut ex, kind, a, "甲的记录", 1).await;
        assert_not_found(directory::update(&mut ex, kind, b, e.id, e.version, &dir_fields(kind, "被改名", 2)).await, "directory update through B");
        assert_not_found(directory::set_archived(&mut ex, kind, b, e.id, e.version, true).await, "directory archive through B");
        assert_eq!(directory::get(&mut ex, kind, a, e.id).await.unwrap(), Some(e), "{kind:?} changed through B");
    }

    let s = directory::create_session(&mut ex, a, &session_fields(13, 1, 2023)).await.unwrap();
    assert_not_found(directory::update_session(&mut ex, b, s.id, s.version, &session_fields(14, 1, 2028)).await, "session update through B");
    assert_not_found(directory::set_session_archived(&mut ex, b, s.id, s.version, true).await, "session archive through B");
    assert_eq!(directory::get_session(&mut ex, a, s.id).await.unwrap(), Some(s));

    let sector = dir(&mut ex, DirectoryKind::Sector, a, "经济界", 1).await;
    let m = members::create(&mut ex, a, &member_fields("王建华", sector.id, None, &[])).await.unwrap();
    assert_not_found(members::update(&mut ex, b, m.id, m.version, &member_fields("被改名", sector.id, None, &[])).await, "member update through B");
    assert_not_found(members::set_archived(&mut ex, b, m.id, m.version, true).await, "member archive through B");
    assert_eq!(members::get(&mut ex, a, m.id).await.unwrap(), Some(m));

    let u = users::create(&mut ex, &new_user(a, "zhangsan")).await.unwrap();
    assert_not_found(users::update(&mut ex, b, u.id, u.version, "被改名", "admin", None, None, None, true).await, "user update through B");
    assert_eq!(users::get(&mut ex, a, u.id).await.unwrap(), Some(u));
}

// ---------------------------------------------------------------------------------------------
// directory records

#[tokio::test]
async fn every_directory_kind_is_created_read_and_updated_with_a_version_bump() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    for kind in DirectoryKind::ALL {
        let e = dir(&mut ex, kind, a, "第一名称", 5).await;
        assert_eq!(e.committee_id, a);
        assert_eq!(e.name, "第一名称");
        assert_eq!(e.category.as_deref(), kind.categories().first().map(|(v, _)| *v));
        assert_eq!(e.note.as_deref(), Some("备注"));
        assert_eq!(e.sort_order, 5);
        assert!(!e.archived);
        assert_eq!(e.version, 1);
        assert_eq!(e.created_at, e.updated_at);
        assert_eq!(directory::get(&mut ex, kind, a, e.id).await.unwrap().as_ref(), Some(&e));

        let u = directory::update(&mut ex, kind, a, e.id, 1, &dir_fields(kind, "第二名称", 8)).await.unwrap();
        assert_eq!(u.version, 2, "{kind:?}");
        assert_eq!(u.name, "第二名称");
        assert_eq!(u.sort_order, 8);
        assert_eq!(u.created_at, e.created_at);
        assert!(u.updated_at >= e.updated_at);
        assert_eq!(directory::get(&mut ex, kind, a, e.id).await.unwrap(), Some(u));
    }
}

#[tokio::test]
async fn a_stale_directory_version_is_refused_and_changes_nothing() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    for kind in DirectoryKind::ALL {
        let e = dir(&mut ex, kind, a, "原名", 1).await;
        let current = directory::update(&mut ex, kind, a, e.id, e.version, &dir_fields(kind, "新名", 1)).await.unwrap();
        assert_conflict(directory::update(&mut ex, kind, a, e.id, e.version, &dir_fields(kind, "抢改", 3)).await, "stale update");
        assert_conflict(directory::set_archived(&mut ex, kind, a, e.id, e.version, true).await, "stale archive");
        assert_eq!(directory::get(&mut ex, kind, a, e.id).await.unwrap(), Some(current));
        assert_not_found(directory::update(&mut ex, kind, a, e.id + 1000, 1, &dir_fields(kind, "无此记录", 1)).await, "update of a missing record");
    }
}

#[tokio::test]
async fn a_duplicate_name_is_refused_in_chinese_within_a_committee_but_allowed_in_another() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "甲市政协").await;
    let b = committee(&mut ex, "乙市政协").await;
    for kind in DirectoryKind::ALL {
        let first = dir(&mut ex, kind, a, "经济界", 1).await;
        let msg = duplicate_message(directory::create(&mut ex, kind, a, &dir_fields(kind, "经济界", 2)).await, "same name, same committee");
        assert!(is_chinese(&msg) && msg.contains(kind.label()), "message: {msg}");
        let other = directory::create(&mut ex, kind, b, &dir_fields(kind, "经济界", 1)).await.expect("same name in another committee");
        assert_eq!(other.committee_id, b);

        // Renaming onto an existing name is refused too, also when that one is archived.
        let second = dir(&mut ex, kind, a, "科技界", 2).await;
        let msg = duplicate_message(
            directory::update(&mut ex, kind, a, second.id, second.version, &dir_fields(kind, "经济界", 2)).await,
            "rename onto an existing name",
        );
        assert!(is_chinese(&msg), "message: {msg}");
        directory::set_archived(&mut ex, kind, a, first.id, first.version, true).await.unwrap();
        duplicate_message(directory::create(&mut ex, kind, a, &dir_fields(kind, "经济界", 3)).await, "same name as an archived record");
        assert_eq!(directory::get(&mut ex, kind, a, second.id).await.unwrap(), Some(second));
    }
}

#[tokio::test]
async fn archiving_hides_a_record_from_lists_and_active_counts_until_restored() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    for kind in DirectoryKind::ALL {
        let keep = dir(&mut ex, kind, a, "保留", 1).await;
        let gone = dir(&mut ex, kind, a, "归档", 2).await;
        assert_eq!(directory::count_active(&mut ex, kind, a).await.unwrap(), 2);

        let archived = directory::set_archived(&mut ex, kind, a, gone.id, gone.version, true).await.unwrap();
        assert!(archived.archived);
        assert_eq!(archived.version, gone.version + 1);
        let ids = |v: Vec<directory::Entry>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids(directory::list(&mut ex, kind, a, false, None, 100).await.unwrap()), vec![keep.id]);
        assert_eq!(ids(directory::all_active(&mut ex, kind, a).await.unwrap()), vec![keep.id]);
        assert_eq!(ids(directory::list(&mut ex, kind, a, true, None, 100).await.unwrap()), vec![keep.id, gone.id]);
        assert_eq!(directory::count_active(&mut ex, kind, a).await.unwrap(), 1);
        assert_eq!(directory::unknown_ids(&mut ex, kind, a, &[keep.id, gone.id]).await.unwrap(), vec![gone.id]);
        // Still readable by id (history keeps pointing at it).
        assert!(directory::get(&mut ex, kind, a, gone.id).await.unwrap().unwrap().archived);

        let restored = directory::set_archived(&mut ex, kind, a, gone.id, archived.version, false).await.unwrap();
        assert!(!restored.archived);
        assert_eq!(directory::count_active(&mut ex, kind, a).await.unwrap(), 2);
    }
}

#[tokio::test]
async fn cursor_paging_returns_every_record_exactly_once_in_display_order() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    for kind in DirectoryKind::ALL {
        let mut expected = Vec::new();
        for i in 0..25i64 {
            // Many equal sort orders, created out of order: the id breaks the ties.
            let e = dir(&mut ex, kind, a, &format!("记录{i:02}"), (i * 7) % 4).await;
            expected.push((e.sort_order, e.id));
        }
        expected.sort();

        let mut seen = Vec::new();
        let mut cursor: Option<Cursor> = None;
        let mut pages = 0;
        loop {
            let page = directory::list(&mut ex, kind, a, false, cursor, 10).await.unwrap();
            pages += 1;
            assert!(page.len() <= 10);
            let Some(last) = page.last() else { break };
            let next = Cursor { sort_order: last.sort_order, id: last.id };
            // The cursor survives its text form (it travels through URLs).
            assert_eq!(Cursor::decode(&next.encode()), Some(next));
            cursor = Some(next);
            seen.extend(page.iter().map(|e| (e.sort_order, e.id)));
            assert!(pages < 10, "paging does not end");
        }
        assert_eq!(seen, expected, "{kind:?}");
        assert_eq!(pages, 4, "three full-or-partial pages and one empty");
    }
}

// ---------------------------------------------------------------------------------------------
// sessions (届次)

#[tokio::test]
async fn a_session_is_created_named_updated_and_archived() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    let s = directory::create_session(&mut ex, a, &session_fields(13, 2, 2023)).await.unwrap();
    assert_eq!(s.name(), "十三届二次会议");
    assert_eq!((s.term_number, s.session_number, s.year), (13, 2, 2023));
    assert_eq!(s.opens_on.as_deref(), Some("2023-01-10"));
    assert_eq!(s.version, 1);
    assert!(!s.archived);
    assert_eq!(directory::count_sessions(&mut ex, a).await.unwrap(), 1);

    let u = directory::update_session(&mut ex, a, s.id, s.version, &session_fields(13, 3, 2024)).await.unwrap();
    assert_eq!(u.name(), "十三届三次会议");
    assert_eq!(u.version, 2);
    assert_conflict(directory::update_session(&mut ex, a, s.id, s.version, &session_fields(13, 4, 2025)).await, "stale session update");
    assert_conflict(directory::set_session_archived(&mut ex, a, s.id, s.version, true).await, "stale session archive");
    assert_eq!(directory::get_session(&mut ex, a, s.id).await.unwrap(), Some(u.clone()));

    let archived = directory::set_session_archived(&mut ex, a, s.id, u.version, true).await.unwrap();
    assert!(archived.archived);
    assert_eq!(archived.version, 3);
    assert_eq!(directory::count_sessions(&mut ex, a).await.unwrap(), 0);
    assert!(directory::list_sessions(&mut ex, a, false, None, 10).await.unwrap().is_empty());
    assert_eq!(directory::list_sessions(&mut ex, a, true, None, 10).await.unwrap(), vec![archived]);
}

#[tokio::test]
async fn the_same_term_and_session_twice_is_refused() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "甲市政协").await;
    let b = committee(&mut ex, "乙市政协").await;
    directory::create_session(&mut ex, a, &session_fields(13, 1, 2023)).await.unwrap();
    let msg = duplicate_message(directory::create_session(&mut ex, a, &session_fields(13, 1, 2024)).await, "same term and session");
    assert!(is_chinese(&msg), "message: {msg}");
    let second = directory::create_session(&mut ex, a, &session_fields(13, 2, 2024)).await.unwrap();
    duplicate_message(
        directory::update_session(&mut ex, a, second.id, second.version, &session_fields(13, 1, 2024)).await,
        "renumbering onto an existing session",
    );
    assert_eq!(directory::get_session(&mut ex, a, second.id).await.unwrap(), Some(second));
    directory::create_session(&mut ex, b, &session_fields(13, 1, 2023)).await.expect("the same session in another committee");
}

#[tokio::test]
async fn sessions_are_listed_newest_first_and_paged_by_id() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    let mut ids = Vec::new();
    for n in 1..=5 {
        ids.push(directory::create_session(&mut ex, a, &session_fields(13, n, 2022 + n)).await.unwrap().id);
    }
    ids.reverse();
    let first = directory::list_sessions(&mut ex, a, false, None, 3).await.unwrap();
    let rest = directory::list_sessions(&mut ex, a, false, Some(first[2].id), 3).await.unwrap();
    let got: Vec<i64> = first.iter().chain(rest.iter()).map(|s| s.id).collect();
    assert_eq!(got, ids);
}

// ---------------------------------------------------------------------------------------------
// members

struct MemberWorld {
    a: i64,
    economy: i64,
    science: i64,
    east: i64,
    west: i64,
    proposals: i64,
    culture: i64,
}

async fn member_world(ex: &mut Ex<'_>) -> MemberWorld {
    let a = committee(ex, "清河市政协").await;
    MemberWorld {
        a,
        economy: dir(ex, DirectoryKind::Sector, a, "经济界", 1).await.id,
        science: dir(ex, DirectoryKind::Sector, a, "科技界", 2).await.id,
        east: dir(ex, DirectoryKind::WorkStation, a, "东城工作站", 1).await.id,
        west: dir(ex, DirectoryKind::WorkStation, a, "西城工作站", 2).await.id,
        proposals: dir(ex, DirectoryKind::SpecialCommittee, a, "提案委员会", 1).await.id,
        culture: dir(ex, DirectoryKind::SpecialCommittee, a, "文史委员会", 2).await.id,
    }
}

#[tokio::test]
async fn a_member_keeps_its_special_committees_and_an_update_replaces_them() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let w = member_world(&mut ex).await;
    let f = member_fields("王建华", w.economy, Some(w.east), &[w.culture, w.proposals]);
    let m = members::create(&mut ex, w.a, &f).await.unwrap();
    assert_eq!(m.name, "王建华");
    assert_eq!(m.gender.as_deref(), Some("female"));
    assert_eq!(m.birth_year, Some(1970));
    assert_eq!(m.party.as_deref(), Some("民盟盟员"));
    assert_eq!(m.roles, "standing,member");
    assert_eq!(m.term_number, Some(13));
    assert_eq!(m.status, "active");
    assert_eq!(m.version, 1);
    let mut both = vec![w.proposals, w.culture];
    both.sort();
    assert_eq!(members::committee_ids(&mut ex, m.id).await.unwrap(), both);

    let mut g = member_fields("王建华", w.science, None, &[w.culture]);
    g.hk_macao = true;
    let u = members::update(&mut ex, w.a, m.id, m.version, &g).await.unwrap();
    assert_eq!(u.version, 2);
    assert_eq!(u.sector_id, w.science);
    assert_eq!(u.work_station_id, None);
    assert!(u.hk_macao);
    assert_eq!(members::committee_ids(&mut ex, m.id).await.unwrap(), vec![w.culture]);

    let h = member_fields("王建华", w.science, None, &[]);
    members::update(&mut ex, w.a, m.id, u.version, &h).await.unwrap();
    assert!(members::committee_ids(&mut ex, m.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_stale_member_version_is_refused_and_changes_nothing() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let w = member_world(&mut ex).await;
    let m = members::create(&mut ex, w.a, &member_fields("王建华", w.economy, None, &[w.proposals])).await.unwrap();
    let current = members::update(&mut ex, w.a, m.id, m.version, &member_fields("王建华", w.economy, None, &[w.proposals])).await.unwrap();
    assert_conflict(members::update(&mut ex, w.a, m.id, m.version, &member_fields("抢改", w.science, None, &[w.culture])).await, "stale member update");
    assert_conflict(members::set_archived(&mut ex, w.a, m.id, m.version, true).await, "stale member archive");
    assert_eq!(members::get(&mut ex, w.a, m.id).await.unwrap(), Some(current));
    assert_eq!(members::committee_ids(&mut ex, m.id).await.unwrap(), vec![w.proposals], "a refused update must not touch the special committees");
    assert_not_found(members::set_archived(&mut ex, w.a, m.id + 1000, 1, true).await, "archive of a missing member");
}

#[tokio::test]
async fn members_are_filtered_by_sector_work_station_special_committee_and_name() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let w = member_world(&mut ex).await;
    let wang = members::create(&mut ex, w.a, &member_fields("王建华", w.economy, Some(w.east), &[w.proposals])).await.unwrap();
    let li = members::create(&mut ex, w.a, &member_fields("李建国", w.science, Some(w.west), &[w.culture])).await.unwrap();
    let zhao = members::create(&mut ex, w.a, &member_fields("赵丽", w.economy, None, &[w.proposals, w.culture])).await.unwrap();

    let mut list = async |f: members::Filter| -> Vec<i64> { members::list(&mut ex, w.a, &f, 100).await.unwrap().into_iter().map(|r| r.member.id).collect() };
    assert_eq!(list(members::Filter::default()).await, vec![wang.id, li.id, zhao.id]);
    assert_eq!(list(members::Filter { sector_id: Some(w.economy), ..Default::default() }).await, vec![wang.id, zhao.id]);
    assert_eq!(list(members::Filter { work_station_id: Some(w.west), ..Default::default() }).await, vec![li.id]);
    assert_eq!(list(members::Filter { special_committee_id: Some(w.culture), ..Default::default() }).await, vec![li.id, zhao.id]);
    assert_eq!(list(members::Filter { name: Some("建".into()), ..Default::default() }).await, vec![wang.id, li.id]);
    assert_eq!(list(members::Filter { name: Some("建".into()), special_committee_id: Some(w.proposals), ..Default::default() }).await, vec![wang.id]);
    // Wildcards typed by a user are dropped, not interpreted: "%_" filters nothing out.
    assert_eq!(list(members::Filter { name: Some("%_".into()), ..Default::default() }).await.len(), 3);
    assert!(list(members::Filter { name: Some("孙".into()), ..Default::default() }).await.is_empty());

    let rows = members::list(&mut ex, w.a, &members::Filter::default(), 100).await.unwrap();
    assert_eq!(rows[0].sector_name, "经济界");
    assert_eq!(rows[0].work_station_name.as_deref(), Some("东城工作站"));
    assert_eq!(rows[2].work_station_name, None);

    members::set_archived(&mut ex, w.a, li.id, li.version, true).await.unwrap();
    assert_eq!(
        members::list(&mut ex, w.a, &members::Filter::default(), 100).await.unwrap().iter().map(|r| r.member.id).collect::<Vec<_>>(),
        vec![wang.id, zhao.id]
    );
    assert_eq!(members::list(&mut ex, w.a, &members::Filter { include_archived: true, ..Default::default() }, 100).await.unwrap().len(), 3);
    assert_eq!(members::count_active(&mut ex, w.a).await.unwrap(), 2);
    assert_eq!(members::ids_by_name(&mut ex, w.a, "王建华").await.unwrap(), vec![wang.id]);
    assert!(members::ids_by_name(&mut ex, w.a, "李建国").await.unwrap().is_empty());
}

#[tokio::test]
async fn members_are_paged_in_id_order_after_a_cursor() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let w = member_world(&mut ex).await;
    let mut expected = Vec::new();
    for i in 0..12 {
        let m = members::create(&mut ex, w.a, &member_fields(&format!("委员{i:02}"), w.economy, None, &[])).await.unwrap();
        expected.push(m.id);
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let f = members::Filter { after_id: after, ..Default::default() };
        let page = members::list(&mut ex, w.a, &f, 5).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.member.id);
        seen.extend(page.iter().map(|r| r.member.id));
        assert!(seen.len() <= expected.len(), "paging repeats");
    }
    assert_eq!(seen, expected);
}

// ---------------------------------------------------------------------------------------------
// users, tokens, login failures

#[tokio::test]
async fn a_user_is_created_and_a_second_with_the_same_username_is_refused() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "甲市政协").await;
    let b = committee(&mut ex, "乙市政协").await;
    let u = users::create(&mut ex, &new_user(a, "zhangsan")).await.unwrap();
    assert_eq!(u.username, "zhangsan");
    assert!(u.active && u.must_change_password);
    assert_eq!(u.version, 1);
    assert_eq!(users::get(&mut ex, a, u.id).await.unwrap().as_ref(), Some(&u));
    assert_eq!(users::get_by_username(&mut ex, "zhangsan").await.unwrap().as_ref(), Some(&u));
    assert_eq!(users::get_by_id(&mut ex, u.id).await.unwrap().as_ref(), Some(&u));
    // Usernames are unique across committees: they log in without naming one.
    let msg = duplicate_message(users::create(&mut ex, &new_user(b, "zhangsan")).await, "same username");
    assert!(is_chinese(&msg), "message: {msg}");
    assert_eq!(users::count(&mut ex, a).await.unwrap(), 1);

    let changed = users::update(&mut ex, a, u.id, u.version, "张三丰", "admin,clerk", None, None, None, false).await.unwrap();
    assert_eq!(changed.version, 2);
    assert_eq!(changed.display_name, "张三丰");
    assert_eq!(users::count(&mut ex, a).await.unwrap(), 0, "inactive users are not counted");
    assert_conflict(users::update(&mut ex, a, u.id, u.version, "抢改", "admin", None, None, None, true).await, "stale user update");
    users::set_password(&mut ex, u.id, "$argon2id$new", false).await.unwrap();
    users::touch_login(&mut ex, u.id).await.unwrap();
    let after = users::get(&mut ex, a, u.id).await.unwrap().unwrap();
    assert_eq!(after.password_hash, "$argon2id$new");
    assert!(!after.must_change_password);
    assert!(after.last_login_at.is_some());
    assert_eq!(after.version, 3);
}

#[tokio::test]
async fn a_token_is_found_by_its_hash_until_revoked_and_only_its_owner_can_revoke_it() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    let owner = users::create(&mut ex, &new_user(a, "owner")).await.unwrap();
    let other = users::create(&mut ex, &new_user(a, "other")).await.unwrap();
    let later = now_micros() + 3_600_000_000;
    let tok = users::create_token(&mut ex, owner.id, "导入脚本", "hash-1", later).await.unwrap();
    assert_eq!(tok.user_id, owner.id);
    assert_eq!(tok.revoked_at, None);
    assert_eq!(users::token_by_hash(&mut ex, "hash-1").await.unwrap().map(|t| t.id), Some(tok.id));
    assert_eq!(users::token_by_hash(&mut ex, "hash-2").await.unwrap(), None);
    users::touch_token(&mut ex, tok.id, later + 1).await.unwrap();
    let touched = users::token_by_hash(&mut ex, "hash-1").await.unwrap().unwrap();
    assert!(touched.last_used_at.is_some());
    assert_eq!(touched.expires_at, later + 1, "a use moves the expiry on");
    assert_eq!(users::list_tokens(&mut ex, owner.id, 0).await.unwrap().len(), 1);
    assert!(users::list_tokens(&mut ex, other.id, 0).await.unwrap().is_empty());

    assert!(!users::revoke_token(&mut ex, other.id, tok.id).await.unwrap(), "someone else revoked it");
    assert!(users::token_by_hash(&mut ex, "hash-1").await.unwrap().is_some());
    assert!(users::revoke_token(&mut ex, owner.id, tok.id).await.unwrap());
    assert_eq!(users::token_by_hash(&mut ex, "hash-1").await.unwrap(), None);
    assert!(!users::revoke_token(&mut ex, owner.id, tok.id).await.unwrap(), "revoked twice");
    let listed = users::list_tokens(&mut ex, owner.id, 0).await.unwrap();
    assert!(listed[0].revoked_at.is_some(), "a revoked token stays listed as revoked");
    assert!(users::list_tokens(&mut ex, owner.id, now_micros() + 1_000_000).await.unwrap().is_empty(), "ended before the given time: not listed");
}

#[tokio::test]
async fn an_expired_token_is_not_found_and_revoking_all_keeps_the_one_asked_for() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    let owner = users::create(&mut ex, &new_user(a, "owner")).await.unwrap();
    let later = now_micros() + 3_600_000_000;
    users::create_token(&mut ex, owner.id, "过期", "old", now_micros() - 1).await.unwrap();
    assert_eq!(users::token_by_hash(&mut ex, "old").await.unwrap(), None, "an expired token is not found");
    let keep = users::create_token(&mut ex, owner.id, "手机", "phone", later).await.unwrap();
    users::create_token(&mut ex, owner.id, "电脑", "desk", later).await.unwrap();
    users::create_token(&mut ex, owner.id, "脚本", "script", later).await.unwrap();
    assert_eq!(users::revoke_tokens(&mut ex, owner.id, Some(keep.id)).await.unwrap(), 2, "the live ones but the kept one (not the expired one)");
    assert!(users::token_by_hash(&mut ex, "phone").await.unwrap().is_some());
    assert_eq!(users::token_by_hash(&mut ex, "desk").await.unwrap(), None);
    assert_eq!(users::revoke_tokens(&mut ex, owner.id, None).await.unwrap(), 1);
    assert_eq!(users::token_by_hash(&mut ex, "phone").await.unwrap(), None);
}

#[tokio::test]
async fn throttle_attempts_are_counted_per_key_refunded_and_restart_after_the_window() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let window = 60_000_000;
    for n in 1..=3 {
        let a = users::count_attempt(&mut ex, "pair:zhangsan|10.0.0.1", window).await.unwrap();
        assert_eq!(a.attempts, n);
        assert_eq!(a.previous_at.is_some(), n > 1);
    }
    assert_eq!(users::count_attempt(&mut ex, "ip:10.0.0.1", window).await.unwrap().attempts, 1, "keys are counted apart");
    users::refund_attempt(&mut ex, "pair:zhangsan|10.0.0.1").await.unwrap();
    assert_eq!(users::count_attempt(&mut ex, "pair:zhangsan|10.0.0.1", window).await.unwrap().attempts, 3, "one given back");
    // A window of 0 µs has always passed: the count starts again.
    assert_eq!(users::count_attempt(&mut ex, "pair:zhangsan|10.0.0.1", 0).await.unwrap().attempts, 1);
    users::clear_attempts(&mut ex, "pair:zhangsan|10.0.0.1").await.unwrap();
    let fresh = users::count_attempt(&mut ex, "pair:zhangsan|10.0.0.1", window).await.unwrap();
    assert_eq!((fresh.attempts, fresh.previous_at), (1, None));
    assert_eq!(users::prune_throttle(&mut ex, now_micros() + 1, 0).await.unwrap(), 2);
    assert_eq!(users::count_attempt(&mut ex, "ip:10.0.0.1", window).await.unwrap().attempts, 1, "pruned");
}

/// The counter that guards logins: concurrent attempts on separate connections (as on several
/// servers) each get their own number, so no two see the same count and none slips past a limit.
#[tokio::test]
async fn concurrent_attempts_each_get_their_own_count() {
    let t = testing::fresh().await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let db = t.db.clone();
        tasks.spawn(async move {
            let mut tx = db.begin().await.unwrap();
            let a = users::count_attempt(&mut tx.ex(), "pair:admin|10.0.0.9", 60_000_000).await.unwrap();
            tx.commit().await.unwrap();
            a.attempts
        });
    }
    let mut seen: Vec<i64> = tasks.join_all().await;
    seen.sort_unstable();
    assert_eq!(seen, (1..=40).collect::<Vec<i64>>());
}

#[tokio::test]
async fn addresses_an_account_logged_in_from_are_remembered() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    let u = users::create(&mut ex, &new_user(a, "owner")).await.unwrap();
    assert!(!users::is_known_address(&mut ex, u.id, "10.0.0.1", 0).await.unwrap());
    users::remember_address(&mut ex, u.id, "10.0.0.1").await.unwrap();
    users::remember_address(&mut ex, u.id, "10.0.0.1").await.unwrap();
    assert!(users::is_known_address(&mut ex, u.id, "10.0.0.1", 0).await.unwrap());
    assert!(!users::is_known_address(&mut ex, u.id, "10.0.0.2", 0).await.unwrap());
    assert!(!users::is_known_address(&mut ex, u.id, "10.0.0.1", now_micros() + 1_000_000).await.unwrap(), "not since then");
}

// ---------------------------------------------------------------------------------------------
// audit log

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

#[tokio::test]
async fn a_browser_session_round_trips_through_the_store_and_is_deleted() {
    let t = testing::fresh().await;
    let store = DbSessionStore::new(t.db.clone());
    let mut rec = session_record(Some(42), 3600);
    store.save(&rec).await.unwrap();
    assert_eq!(store.load(&rec.id).await.unwrap(), Some(rec.clone()));

    // Saving again replaces the data.
    rec.data.insert("theme".into(), json!("dark"));
    store.save(&rec).await.unwrap();
    assert_eq!(store.load(&rec.id).await.unwrap(), Some(rec.clone()));
    assert_eq!(store.load(&Id::default()).await.unwrap(), None);

    store.delete(&rec.id).await.unwrap();
    assert_eq!(store.load(&rec.id).await.unwrap(), None);
}

#[tokio::test]
async fn an_expired_browser_session_is_not_loaded_and_sessions_of_a_user_end_together() {
    let t = testing::fresh().await;
    let store = DbSessionStore::new(t.db.clone());
    let expired = session_record(Some(7), -5);
    store.save(&expired).await.unwrap();
    assert_eq!(store.load(&expired.id).await.unwrap(), None);
    let live = session_record(Some(7), 3600);
    let live_other = session_record(Some(8), 3600);
    store.save(&live).await.unwrap();
    store.save(&live_other).await.unwrap();
    store.delete_expired().await.unwrap();
    let mut c = t.db.acquire().await.unwrap();
    let rows = scalar!(&mut c.ex(), i64, "SELECT COUNT(*) FROM web_sessions").unwrap();
    assert_eq!(rows, 2, "delete_expired removes only the expired one");

    assert_eq!(eline_storage::sessions::delete_for_user(&mut c.ex(), 7).await.unwrap(), 1);
    assert_eq!(store.load(&live.id).await.unwrap(), None);
    assert_eq!(store.load(&live_other.id).await.unwrap(), Some(live_other));
}

// ---------------------------------------------------------------------------------------------
// copy and backup

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
