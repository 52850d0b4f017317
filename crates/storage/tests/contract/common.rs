//! Fixtures and assertions the storage contract tests share.

#![allow(dead_code)]

use eline_domain::member::{MemberFields, MemberInput};
use eline_domain::org::{DirectoryFields, DirectoryKind, SessionFields};
use eline_storage::migrate::TABLES;
use eline_storage::sessions::DbSessionStore;
use eline_storage::{Db, Ex, StorageError, audit, committees, directory, idempotency, members, now_micros, run, scalar, users};
use serde_json::json;
use sqlx::AssertSqlSafe;
use std::collections::HashMap;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::SessionStore;

pub(crate) async fn committee(ex: &mut Ex<'_>, name: &str) -> i64 {
    committees::create(ex, None, name, name, "city").await.expect("create committee")
}

/// Valid fields for a record of `kind` (with a category where the kind needs one).
pub(crate) fn dir_fields(kind: DirectoryKind, name: &str, sort_order: i64) -> DirectoryFields {
    let category = kind.categories().first().map(|(v, _)| *v);
    DirectoryFields::parse(kind, name, category, Some("备注"), Some(sort_order)).expect("valid directory fields")
}

pub(crate) async fn dir(ex: &mut Ex<'_>, kind: DirectoryKind, committee_id: i64, name: &str, sort_order: i64) -> directory::Entry {
    directory::create(ex, kind, committee_id, &dir_fields(kind, name, sort_order)).await.expect("create directory record")
}

pub(crate) fn session_fields(term: i64, session: i64, year: i64) -> SessionFields {
    SessionFields::parse(Some(term), Some(session), Some(year), Some("2023-01-10")).expect("valid session fields")
}

pub(crate) fn member_fields(name: &str, sector_id: i64, work_station_id: Option<i64>, committee_ids: &[i64]) -> MemberFields {
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

pub(crate) fn new_user(committee_id: i64, username: &str) -> users::NewUser<'_> {
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

pub(crate) fn audit_entry(committee_id: Option<i64>, summary: &str) -> audit::NewEntry<'static> {
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
pub(crate) async fn record_committed(db: &Db, committee_id: Option<i64>, summary: &str) -> i64 {
    let mut tx = db.begin().await.expect("begin");
    let id = audit::record(&mut tx, audit_entry(committee_id, summary)).await.expect("record");
    tx.commit().await.expect("commit");
    id
}

pub(crate) async fn verify(db: &Db) -> Result<i64, audit::Broken> {
    let mut c = db.acquire().await.expect("acquire");
    audit::verify(&mut c.ex()).await.expect("verify runs")
}

/// Rows per application table, in copy order.
pub(crate) async fn table_counts(db: &Db) -> Vec<(String, i64)> {
    let mut c = db.acquire().await.expect("acquire");
    let mut out = Vec::new();
    for table in TABLES {
        let n = scalar!(&mut c.ex(), i64, AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"))).expect("count rows");
        out.push((table.to_string(), n));
    }
    out
}

pub(crate) fn assert_not_found<T: std::fmt::Debug>(r: Result<T, StorageError>, what: &str) {
    match r {
        Err(StorageError::NotFound) => {}
        other => panic!("{what}: expected NotFound, got {other:?}"),
    }
}

pub(crate) fn assert_conflict<T: std::fmt::Debug>(r: Result<T, StorageError>, what: &str) {
    match r {
        Err(StorageError::VersionConflict) => {}
        other => panic!("{what}: expected VersionConflict, got {other:?}"),
    }
}

/// The Duplicate message, or a panic naming what came instead.
pub(crate) fn duplicate_message<T: std::fmt::Debug>(r: Result<T, StorageError>, what: &str) -> String {
    match r {
        Err(StorageError::Duplicate(m)) => m,
        other => panic!("{what}: expected Duplicate, got {other:?}"),
    }
}

pub(crate) fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A data set touching every table: two committees, records of every kind (one archived), a
/// session, a member with special committees, a user with a token and an answered idempotency
/// key, a login failure, an outbox row, a browser session and audit entries.
pub(crate) async fn sample_data(db: &Db) {
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
    // A report with a row in every table of 社情民意, bulletins and instructions.
    let o = eline_storage::opinions::create(
        &mut ex,
        &eline_storage::opinions::NewOpinion {
            committee_id: a,
            year: 2023,
            channel: eline_domain::opinion::Channel::Direct,
            status: eline_domain::opinion::Status::Adopted,
            title: "关于加装电梯维保责任的建议",
            body: "情况与建议。",
            submitter_kind: eline_domain::opinion::Submitter::Member,
            member_id: Some(m.id),
            organization_id: None,
            special_committee_id: None,
            sector_id: None,
            author_name: "王建华",
            created_by: u.id,
            origin_id: None,
        },
    )
    .await
    .unwrap();
    eline_storage::opinions::add_revision(&mut ex, o.id, &o.title, &o.body, Some(u.id), "王建华", Some("提交")).await.unwrap();
    let outcome = eline_storage::opinions::NewOutcome {
        source_id: o.id,
        level: eline_domain::opinion::Level::City,
        kind: eline_domain::opinion::OutcomeKind::DeptAdopted,
        body: Some("市住建局"),
        decided_on: "2023-05-01",
        note: None,
        by_hand: false,
        recorded_by: Some(u.id),
    };
    eline_storage::opinions::add_outcome(&mut ex, o.id, &outcome).await.unwrap();
    run!(
        &mut ex,
        "INSERT INTO bulletins (committee_id, series, year, number, form, status, title, body, editor_unit, created_by, version, created_at, updated_at)
         VALUES ($1, 'direct', 2023, 1, 'single', 'issued', '资政之声', '正文', '信息科', $2, 1, $3, $3)",
        a,
        u.id,
        now_micros()
    )
    .unwrap();
    let b = scalar!(&mut ex, i64, "SELECT MAX(id) FROM bulletins").unwrap();
    run!(&mut ex, "INSERT INTO bulletin_items (bulletin_id, opinion_id, position, credit) VALUES ($1, $2, 1, '王建华')", b, o.id).unwrap();
    run!(
        &mut ex,
        "INSERT INTO bulletin_sends (bulletin_id, recipient_kind, recipient, sent_on, recorded_by, recorded_at) VALUES ($1, 'government', '市政府', '2023-05-02', $2, $3)",
        b,
        u.id,
        now_micros()
    )
    .unwrap();
    run!(
        &mut ex,
        "INSERT INTO instructions (committee_id, record_kind, record_id, item_opinion_id, leader_name, leader_post, rank, given_on, gist, created_by, version, created_at, updated_at)
         VALUES ($1, 'bulletin', $2, $3, '李明', '市长', 'city', '2023-05-03', '请研究。', $4, 1, $5, $5)",
        a,
        b,
        o.id,
        u.id,
        now_micros()
    )
    .unwrap();
    let i = scalar!(&mut ex, i64, "SELECT MAX(id) FROM instructions").unwrap();
    run!(
        &mut ex,
        "INSERT INTO instruction_followups (instruction_id, done_on, by_whom, what, recorded_by, recorded_at) VALUES ($1, '2023-05-10', '市住建局', '已部署', $2, $3)",
        i,
        u.id,
        now_micros()
    )
    .unwrap();
    // Notifications: an inbox row, its immediate email message and delivery, a preference,
    // the committee's webhook and a scheduled run's period.
    let n = eline_storage::notifications::insert(
        &mut ex,
        &eline_storage::notifications::NewNotification {
            committee_id: a,
            user_id: u.id,
            kind: "proposal.replied",
            record_type: "proposal",
            record_id: 1,
            title: "关于加装电梯的建议",
            message: "承办单位已答复",
            once_key: Some("proposal.reply_due:1:2:0:before3:2023-05-10:owner"),
        },
    )
    .await
    .unwrap()
    .expect("a new notification");
    let m = eline_storage::notifications::new_message(&mut ex, a, u.id, "email", "immediate").await.unwrap();
    eline_storage::notifications::add_delivery(&mut ex, a, n, u.id, "email", "immediate", Some(m)).await.unwrap();
    eline_storage::notifications::mark_failed(&mut ex, m, "邮件服务器暂时不可用", now_micros() + 30_000_000).await.unwrap();
    eline_storage::notifications::set_pref(&mut ex, u.id, "proposal.replied", "email", "daily").await.unwrap();
    eline_storage::notifications::set_email(&mut ex, u.id, Some("wangfang@example.cn")).await.unwrap();
    eline_storage::notifications::set_webhook(&mut ex, a, "https://sms.example.cn/eline", "密钥-0123456789abcdef", true).await.unwrap();
    assert!(eline_storage::notifications::claim_period(&mut ex, "digest.daily.1", "2023-05-10").await.unwrap());
    // An activity with an invitee who asked leave and was checked in, a refused check-in, a change
    // after publishing, and a calendar feed.
    use eline_domain::activity as act;
    let start = 1_700_000_000_000_000;
    let activity = eline_storage::activities::Activity {
        id: 0,
        committee_id: a,
        year: 2023,
        starts_on: "2023-11-15".into(),
        kind: act::Kind::Plenary,
        title: "全体会议".into(),
        description: "审议常委会工作报告。".into(),
        place: "大会堂".into(),
        starts_at: start,
        ends_at: start + 3_600_000_000,
        organiser_kind: act::Organiser::Office,
        special_committee_id: None,
        participation: act::Participation::Invited,
        capacity: None,
        status: act::Status::Closed,
        cancel_reason: None,
        approver_id: Some(u.id),
        leave_deadline_at: start - 86_400_000_000,
        checkin_from: start - 3_600_000_000,
        checkin_until: start + 3_600_000_000,
        checkout: true,
        min_share_percent: 67,
        late_after_minutes: 15,
        checkin_secret: "秘密".into(),
        briefing_leader: None,
        series_id: None,
        changes: 1,
        published_at: Some(start - 864_000_000_000),
        closed_at: Some(start + 3_600_000_000),
        created_by: u.id,
        version: 1,
        created_at: 0,
        updated_at: 0,
    };
    let activity = eline_storage::activities::create(&mut ex, &activity).await.unwrap();
    let m = scalar!(&mut ex, i64, "SELECT MIN(id) FROM members WHERE committee_id = $1", a).unwrap();
    eline_storage::activities::add_invitees(&mut ex, a, activity.id, &[m], act::Source::Hand, false).await.unwrap();
    let mut row = eline_storage::activities::invitee(&mut ex, activity.id, m).await.unwrap().unwrap();
    row.leave_status = eline_storage::Opt(Some(act::LeaveStatus::Denied));
    row.leave_reason = Some("出差".into());
    row.checked_in_at = Some(start);
    row.checkin_method = eline_storage::Opt(Some(act::CheckinMethod::Code));
    row.attendance = eline_storage::Opt(Some(act::Attendance::Present));
    eline_storage::activities::save_invitee(&mut ex, &row).await.unwrap();
    eline_storage::activities::record_attempt(&mut ex, a, activity.id, u.id, Some(m), "123456", "expired").await.unwrap();
    eline_storage::activities::add_change(&mut ex, activity.id, "place", "大会堂", "二楼", u.id).await.unwrap();
    eline_storage::activities::set_feed(&mut ex, u.id, "hash-of-feed-token").await.unwrap();
    drop(c);
    let store = DbSessionStore::new(db.clone());
    store.save(&session_record(Some(u.id), 3600)).await.unwrap();
    record_committed(db, Some(a), "新增界别").await;
    record_committed(db, Some(a), "新增委员").await;
    record_committed(db, None, "系统启动").await;
}

pub(crate) fn session_record(user_id: Option<i64>, seconds_from_now: i64) -> Record {
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
