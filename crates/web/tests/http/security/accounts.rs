//! API tokens and the login throttle.

use eline_app::Settings;
use eline_web::testing::spawn_app_with;
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::json;

use crate::helpers::*;

// ---- 5. tokens -------------------------------------------------------------------------------

#[tokio::test]
async fn a_password_change_revokes_the_other_tokens_and_keeps_the_one_it_was_made_with() {
    let app = spawn_app_with(Settings::default()).await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let phone = Api::login(&app, "clerk", PASSWORD).await;
    let laptop = Api::login(&app, "clerk", PASSWORD).await;
    let res = phone.post("/api/v1/me/password", &json!({"current_password": PASSWORD, "password": "Xinmima2025", "confirm_password": "Xinmima2025"})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    phone.get_json("/api/v1/me").await;
    assert_problem(laptop.get("/api/v1/me").await, 401, "unauthenticated").await;
    // The browser form revokes them all.
    let script = Api::login(&app, "clerk", "Xinmima2025").await;
    let mut b = Browser::new(&app);
    b.login_ok("clerk", "Xinmima2025").await;
    b.page("/account/password").await;
    let res = b.post_form("/account/password", &[("current_password", "Xinmima2025"), ("password", "Dierci2025"), ("confirm_password", "Dierci2025")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_problem(script.get("/api/v1/me").await, 401, "unauthenticated").await;
    assert_problem(phone.get("/api/v1/me").await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn an_admin_revokes_every_token_of_a_user_and_a_reset_does_too() {
    let app = spawn_app_with(Settings::default()).await;
    create_user(&app, "boss", &["admin"], None, None).await;
    let uid = create_user(&app, "clerk", &["staff"], None, None).await;
    let a = Api::login(&app, "clerk", PASSWORD).await;
    let b = Api::login(&app, "clerk", PASSWORD).await;
    let admin = Api::login(&app, "boss", PASSWORD).await;
    // Not for other roles: 403 before anything else.
    assert_problem(a.post(&format!("/api/v1/users/{uid}/revoke-tokens"), &json!({})).await, 403, "forbidden").await;
    let v = json_of(admin.post(&format!("/api/v1/users/{uid}/revoke-tokens"), &json!({})).await, 200).await;
    assert_eq!(v["revoked"], 2);
    assert_problem(a.get("/api/v1/me").await, 401, "unauthenticated").await;
    assert_problem(b.get("/api/v1/me").await, 401, "unauthenticated").await;
    // The revocation is in the audit log.
    let audit = admin.get_json("/api/v1/audit?action=tokens_revoked").await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    // A reset revokes (not only refuses) them: they stay dead after the new password is set.
    let c = Api::login(&app, "clerk", PASSWORD).await;
    assert_eq!(admin.post(&format!("/api/v1/users/{uid}/reset-password"), &json!({"password": "Linshi2025a"})).await.status(), StatusCode::NO_CONTENT);
    let mut browser = Browser::new(&app);
    browser.login("clerk", "Linshi2025a").await;
    browser.page("/account/password").await;
    let res =
        browser.post_form("/account/password", &[("current_password", "Linshi2025a"), ("password", "Zijide2025"), ("confirm_password", "Zijide2025")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_problem(c.get("/api/v1/me").await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn tokens_expire_after_the_configured_days_without_use() {
    let app = spawn_app_with(Settings::default()).await;
    let uid = create_user(&app, "clerk", &["staff"], None, None).await;
    let api = Api::login(&app, "clerk", PASSWORD).await;
    let list = api.get_json("/api/v1/tokens").await;
    let token = &list["items"][0];
    let expires = chrono::DateTime::parse_from_rfc3339(token["expires_at"].as_str().unwrap()).unwrap();
    let days = (expires.timestamp() - chrono::Utc::now().timestamp()) / 86_400;
    assert!((89..=90).contains(&days), "expires in {days} days");
    assert_eq!(token["live"], true);
    // Once the expiry is past, the token stops working.
    {
        let mut c = app.state.app.db.acquire().await.unwrap();
        eline_storage::run!(&mut c.ex(), "UPDATE api_tokens SET expires_at = $1 WHERE user_id = $2", eline_storage::now_micros() - 1, uid).unwrap();
    }
    assert_problem(api.get("/api/v1/me").await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn the_account_page_lists_every_token_not_only_the_latest_200() {
    let app = spawn_app_with(Settings::default()).await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let api = Api::login(&app, "clerk", PASSWORD).await;
    for i in 0..205 {
        json_of(api.post("/api/v1/tokens", &json!({"name": format!("脚本{i:03}")})).await, 201).await;
    }
    assert_eq!(api.get_json("/api/v1/tokens").await["items"].as_array().unwrap().len(), 206);
    let mut b = Browser::new(&app);
    b.login_ok("clerk", PASSWORD).await;
    let html = b.page("/account").await;
    assert!(html.contains("脚本000") && html.contains("脚本204"), "every token is listed");
}

// ---- 6, 7. the login throttle ----------------------------------------------------------------

#[tokio::test]
async fn forty_concurrent_wrong_passwords_check_no_more_than_the_limit() {
    let app = spawn_app_with(Settings::default()).await;
    create_user(&app, "admin1", &["admin"], None, None).await;
    let anon = Api::anon(&app);
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let anon = anon.clone();
            tokio::spawn(async move {
                anon.post("/api/v1/auth/login", &json!({"username": "admin1", "password": format!("wrong-{i}-pass")})).await.status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 422).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + limited, 40, "{statuses:?}");
    assert!(checked <= 5, "{checked} wrong passwords were checked (limit 5): {statuses:?}");
}

fn behind_proxy() -> Settings {
    Settings { trusted_proxies: vec!["127.0.0.1".parse().unwrap()], ..Settings::default() }
}

async fn login_from(app: &eline_web::testing::TestApp, ip: &str, username: &str, password: &str) -> reqwest::Response {
    client()
        .post(format!("{}/api/v1/auth/login", app.base_url))
        .header("x-forwarded-for", ip)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_the_others() {
    let app = spawn_app_with(behind_proxy()).await;
    create_user(&app, "admin1", &["admin"], None, None).await;
    for _ in 0..5 {
        assert_eq!(login_from(&app, "198.51.100.7", "admin1", "wrong-pass-1").await.status(), 422);
    }
    // The attacker's address is locked for this account …
    let res = login_from(&app, "198.51.100.7", "admin1", PASSWORD).await;
    assert!(res.headers().contains_key(RETRY_AFTER));
    assert_problem(res, 429, "rate_limited").await;
    // … the account's owner elsewhere is not.
    assert_eq!(login_from(&app, "203.0.113.20", "admin1", PASSWORD).await.status(), 200);
    // The failed attempts name the forwarded address in the audit log.
    let admin = Api::login(&app, "admin1", PASSWORD).await;
    let audit = admin.get_json("/api/v1/audit?action=login_failed").await;
    assert!(audit.to_string().contains("198.51.100.7"), "{audit}");
}

#[tokio::test]
async fn without_a_trusted_proxy_a_forwarded_header_is_ignored() {
    let app = spawn_app_with(Settings::default()).await;
    create_user(&app, "admin1", &["admin"], None, None).await;
    for i in 0..5 {
        // Every attempt claims another address: they are all one client.
        assert_eq!(login_from(&app, &format!("198.51.100.{i}"), "admin1", "wrong-pass-1").await.status(), 422);
    }
    assert_problem(login_from(&app, "198.51.100.99", "admin1", PASSWORD).await, 429, "rate_limited").await;
}

#[tokio::test]
async fn many_addresses_slow_an_account_down_but_its_owners_known_address_is_not_slowed() {
    let app = spawn_app_with(Settings { account_backoff_after: 3, account_backoff_secs: 30, ..behind_proxy() }).await;
    create_user(&app, "admin1", &["admin"], None, None).await;
    // The owner logged in from the office before.
    assert_eq!(login_from(&app, "203.0.113.20", "admin1", PASSWORD).await.status(), 200);
    for i in 0..3 {
        assert_eq!(login_from(&app, &format!("198.51.100.{i}"), "admin1", "wrong-pass-1").await.status(), 422);
    }
    // A fourth new address must wait …
    let res = login_from(&app, "198.51.100.50", "admin1", "wrong-pass-1").await;
    let retry: u64 = header_str(res.headers(), RETRY_AFTER).parse().unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    assert_problem(res, 429, "rate_limited").await;
    // … even with the right password from a new address;
    assert_problem(login_from(&app, "192.0.2.1", "admin1", PASSWORD).await, 429, "rate_limited").await;
    // the owner's known address is not slowed.
    assert_eq!(login_from(&app, "203.0.113.20", "admin1", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn wrong_current_passwords_are_throttled_like_logins() {
    let app = spawn_app_with(Settings::default()).await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let api = Api::login(&app, "clerk", PASSWORD).await;
    for _ in 0..5 {
        let p = assert_problem(
            api.post("/api/v1/me/password", &json!({"current_password": "wrong-guess-1", "password": "Xinmima2025", "confirm_password": "Xinmima2025"})).await,
            422,
            "validation_failed",
        )
        .await;
        assert!(error_for(&p, "current_password").contains("当前密码"));
    }
    let res = api.post("/api/v1/me/password", &json!({"current_password": PASSWORD, "password": "Xinmima2025", "confirm_password": "Xinmima2025"})).await;
    assert!(res.headers().contains_key(RETRY_AFTER));
    assert_problem(res, 429, "rate_limited").await;
}
