//! Device sessions as storage keeps them (either engine): one per named device, rotation of the
//! refresh token in one statement, used refresh tokens remembered, phone numbers finding accounts,
//! resumable uploads advancing only from the offset they have.

use eline_storage::testing::fresh;
use eline_storage::users::{self, SessionPair};
use eline_storage::{committees, now_micros, uploads};

fn pair<'a>(access: &'a str, refresh: &'a str) -> SessionPair<'a> {
    let now = now_micros();
    SessionPair { access_hash: access, access_expires_at: now + 60_000_000, refresh_hash: refresh, session_expires_at: now + 3_600_000_000 }
}

fn new_user(committee_id: i64, username: &str) -> users::NewUser<'_> {
    users::NewUser {
        committee_id,
        username,
        display_name: "张三",
        password_hash: "$argon2id$fake",
        roles: "member",
        member_id: None,
        unit_id: None,
        organization_id: None,
        must_change_password: false,
    }
}

#[tokio::test]
async fn a_refresh_rotates_the_pair_once_and_remembers_the_old_token() {
    let t = fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committees::create(&mut ex, None, "清河市政协", "清河市政协", "city").await.unwrap();
    let u = users::create(&mut ex, &new_user(a, "zhang")).await.unwrap();

    let (s, ended) = users::open_session(&mut ex, u.id, "手机", "手机", true, &pair("a1", "r1")).await.unwrap();
    assert_eq!(ended, 0);
    assert_eq!(s.device.as_deref(), Some("手机"));
    assert!(s.live(now_micros()));
    assert_eq!(users::token_by_hash(&mut ex, "a1").await.unwrap().map(|t| t.id), Some(s.id));

    let rotated = users::rotate_session(&mut ex, "r1", &pair("a2", "r2")).await.unwrap().expect("rotated");
    assert_eq!(rotated.id, s.id);
    assert_eq!(rotated.refresh_hash.as_deref(), Some("r2"));
    assert_eq!(users::token_by_hash(&mut ex, "a1").await.unwrap(), None, "the old access token is gone");
    assert!(users::token_by_hash(&mut ex, "a2").await.unwrap().is_some());
    // The same refresh token cannot rotate twice; it is known as used, with its session.
    assert_eq!(users::rotate_session(&mut ex, "r1", &pair("a3", "r3")).await.unwrap(), None);
    assert_eq!(users::used_refresh(&mut ex, "r1").await.unwrap(), Some((s.id, u.id)));
    assert_eq!(users::used_refresh(&mut ex, "r2").await.unwrap(), None);

    assert!(users::end_token(&mut ex, s.id).await.unwrap());
    assert!(!users::end_token(&mut ex, s.id).await.unwrap(), "ended twice");
    assert_eq!(users::rotate_session(&mut ex, "r2", &pair("a4", "r4")).await.unwrap(), None, "an ended session does not refresh");
}

#[tokio::test]
async fn a_named_device_has_one_session_and_unnamed_logins_keep_theirs() {
    let t = fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committees::create(&mut ex, None, "清河市政协", "清河市政协", "city").await.unwrap();
    let u = users::create(&mut ex, &new_user(a, "zhang")).await.unwrap();
    let other = users::create(&mut ex, &new_user(a, "li")).await.unwrap();
    users::open_session(&mut ex, u.id, "手机", "手机", true, &pair("a1", "r1")).await.unwrap();
    users::open_session(&mut ex, other.id, "手机", "手机", true, &pair("b1", "s1")).await.unwrap();
    let (_, ended) = users::open_session(&mut ex, u.id, "手机", "手机", true, &pair("a2", "r2")).await.unwrap();
    assert_eq!(ended, 1, "the same user's same device only");
    assert_eq!(users::token_by_hash(&mut ex, "a1").await.unwrap(), None);
    assert!(users::token_by_hash(&mut ex, "b1").await.unwrap().is_some(), "another user's device of the same name lives on");
    users::open_session(&mut ex, u.id, "接口登录", "接口登录", false, &pair("a3", "r3")).await.unwrap();
    let (_, ended) = users::open_session(&mut ex, u.id, "接口登录", "接口登录", false, &pair("a4", "r4")).await.unwrap();
    assert_eq!(ended, 0);
    let live = users::list_tokens(&mut ex, u.id, now_micros()).await.unwrap().into_iter().filter(|t| t.live(now_micros())).count();
    assert_eq!(live, 3);
    // A session's access token does not slide with use; a personal token's does.
    let s = users::token_by_hash(&mut ex, "a4").await.unwrap().unwrap();
    users::touch_token(&mut ex, s.id, s.expires_at + 1_000_000_000).await.unwrap();
    assert_eq!(users::token_by_hash(&mut ex, "a4").await.unwrap().unwrap().expires_at, s.expires_at);
    // Revoking all but one counts live sessions by their session expiry.
    assert_eq!(users::revoke_tokens(&mut ex, u.id, Some(s.id)).await.unwrap(), 2);
}

#[tokio::test]
async fn a_phone_number_finds_the_one_account_of_the_member_with_it() {
    let t = fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committees::create(&mut ex, None, "清河市政协", "清河市政协", "city").await.unwrap();
    let sector = eline_storage::run!(
        &mut ex,
        "INSERT INTO sectors (committee_id, name, sort_order, archived, version, created_at, updated_at) VALUES ($1, '经济界', 1, FALSE, 1, 0, 0)",
        a
    );
    assert_eq!(sector.unwrap(), 1);
    let sector_id = eline_storage::scalar!(&mut ex, i64, "SELECT id FROM sectors WHERE committee_id = $1", a).unwrap();
    let mut ids = Vec::new();
    for (name, phone) in [("王", "13800138000"), ("李", "13900139000"), ("赵", "13900139000")] {
        let id = eline_storage::scalar!(
            &mut ex,
            i64,
            "INSERT INTO members (committee_id, name, sector_id, roles, phone, hk_macao, status, archived, version, created_at, updated_at)
             VALUES ($1, $2, $3, 'member', $4, FALSE, 'active', FALSE, 1, 0, 0) RETURNING id",
            a,
            name,
            sector_id,
            phone
        )
        .unwrap();
        ids.push(id);
    }
    for (i, username) in ["wang", "li", "zhao"].iter().enumerate() {
        let mut nu = new_user(a, username);
        nu.member_id = Some(ids[i]);
        users::create(&mut ex, &nu).await.unwrap();
    }
    assert_eq!(users::get_by_member_phone(&mut ex, "13800138000").await.unwrap().map(|u| u.username), Some("wang".into()));
    assert_eq!(users::get_by_member_phone(&mut ex, "13900139000").await.unwrap(), None, "two accounts share it");
    assert_eq!(users::get_by_member_phone(&mut ex, "10000000000").await.unwrap(), None);
}

#[tokio::test]
async fn an_upload_advances_only_from_the_offset_it_has_and_expires() {
    let t = fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committees::create(&mut ex, None, "清河市政协", "清河市政协", "city").await.unwrap();
    let u = users::create(&mut ex, &new_user(a, "zhang")).await.unwrap();
    let other = users::create(&mut ex, &new_user(a, "li")).await.unwrap();
    let later = now_micros() + 60_000_000;
    let new = uploads::NewUpload { id: "u1", committee_id: a, user_id: u.id, file_name: "照片.jpg", size: 10, expires_at: later };
    let up = uploads::create(&mut ex, &new).await.unwrap();
    assert_eq!((up.received, up.complete()), (0, false));
    assert_eq!(uploads::get(&mut ex, "u1", other.id).await.unwrap(), None, "someone else's");
    assert!(uploads::advance(&mut ex, "u1", 0, 6).await.unwrap());
    assert!(!uploads::advance(&mut ex, "u1", 0, 6).await.unwrap(), "the same piece twice: one wins");
    assert!(uploads::advance(&mut ex, "u1", 6, 10).await.unwrap());
    assert!(uploads::get(&mut ex, "u1", u.id).await.unwrap().unwrap().complete());
    assert_eq!(uploads::count_open(&mut ex, u.id).await.unwrap(), 1);

    let old = uploads::NewUpload { id: "u2", expires_at: now_micros() - 1, ..new };
    uploads::create(&mut ex, &old).await.unwrap();
    assert_eq!(uploads::get(&mut ex, "u2", u.id).await.unwrap(), None, "expired");
    assert_eq!(uploads::expired(&mut ex, now_micros(), 10).await.unwrap(), vec!["u2".to_string()]);
    assert!(uploads::delete(&mut ex, "u2").await.unwrap());
    assert!(!uploads::delete(&mut ex, "u2").await.unwrap());
}

#[tokio::test]
async fn an_account_batch_is_its_creators_until_it_expires_and_lists_members_without_accounts() {
    let t = fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committees::create(&mut ex, None, "清河市政协", "清河市政协", "city").await.unwrap();
    let staff = users::create(&mut ex, &new_user(a, "staff")).await.unwrap();
    let other = users::create(&mut ex, &new_user(a, "other")).await.unwrap();
    let later = now_micros() + 60_000_000;
    eline_storage::account_batches::create(&mut ex, "b1", a, staff.id, later, "[]").await.unwrap();
    eline_storage::account_batches::create(&mut ex, "b2", a, staff.id, now_micros() - 1, "[]").await.unwrap();
    assert!(eline_storage::account_batches::get(&mut ex, "b1", staff.id).await.unwrap().is_some());
    assert_eq!(eline_storage::account_batches::get(&mut ex, "b1", other.id).await.unwrap(), None, "someone else's");
    assert_eq!(eline_storage::account_batches::get(&mut ex, "b2", staff.id).await.unwrap(), None, "expired");
    assert_eq!(eline_storage::account_batches::delete_expired(&mut ex, now_micros()).await.unwrap(), 1);

    eline_storage::run!(
        &mut ex,
        "INSERT INTO sectors (committee_id, name, sort_order, archived, version, created_at, updated_at) VALUES ($1, '经济界', 1, FALSE, 1, 0, 0)",
        a
    )
    .unwrap();
    let sector = eline_storage::scalar!(&mut ex, i64, "SELECT id FROM sectors WHERE committee_id = $1", a).unwrap();
    let mut ids = Vec::new();
    for (name, status, archived) in [("甲", "active", false), ("乙", "active", false), ("丙", "left", false), ("丁", "active", true)] {
        let id = eline_storage::scalar!(
            &mut ex,
            i64,
            "INSERT INTO members (committee_id, name, sector_id, roles, hk_macao, status, archived, version, created_at, updated_at)
             VALUES ($1, $2, $3, 'member', FALSE, $4, $5, 1, 0, 0) RETURNING id",
            a,
            name,
            sector,
            status,
            archived
        )
        .unwrap();
        ids.push(id);
    }
    let mut with_account = new_user(a, "jia");
    with_account.member_id = Some(ids[0]);
    users::create(&mut ex, &with_account).await.unwrap();
    let without = eline_storage::account_batches::members_without_account(&mut ex, a, None).await.unwrap();
    assert_eq!(without.iter().map(|l| l.member.name.as_str()).collect::<Vec<_>>(), vec!["乙"], "active, not archived, no account");
    assert_eq!(without[0].sector_name.as_deref(), Some("经济界"));
    assert!(eline_storage::account_batches::members_without_account(&mut ex, a, Some(&[ids[0]])).await.unwrap().is_empty());
}
