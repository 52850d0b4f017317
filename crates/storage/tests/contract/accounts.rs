//! Users, API tokens, login throttling and remembered addresses.

use eline_storage::{now_micros, testing, users};

use crate::common::*;

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
