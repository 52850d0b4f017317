//! Logging in and out, tokens, throttling, the first-login password change, and CSRF.

use eline_app::Settings;
use eline_web::testing::{spawn_app, spawn_app_with, spawn_demo_app};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_wrong_password_is_refused_in_chinese_and_audited_as_login_failed() {
    let app = spawn_app().await;
    let admin_id = create_user(&app, "boss", &["admin"], None, None).await;
    let anon = Api::anon(&app);
    let res = anon.post("/api/v1/auth/login", &json!({"username": "boss", "password": "wrong-password-1"})).await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert!(field_errors(&p).iter().any(|(_, m)| m == "用户名（或手机号）或密码错误"), "{p}");
    assert!(p.get("token").is_none());

    // An unknown user gets exactly the same answer (no user enumeration).
    let res = anon.post("/api/v1/auth/login", &json!({"username": "nobody", "password": "wrong-password-1"})).await;
    let p2 = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(p["errors"], p2["errors"]);
    assert_eq!(p["detail"], p2["detail"]);

    let admin = Api::login(&app, "boss", PASSWORD).await;
    let audit = admin.get_json("/api/v1/audit?action=login_failed").await;
    let items = audit["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "the failure for the committee's own user is in its audit log: {audit}");
    assert_eq!(items[0]["action"], "login_failed");
    assert_eq!(items[0]["target_type"], "user");
    assert_eq!(items[0]["target_id"], admin_id);
    assert!(items[0]["actor_name"].as_str().unwrap().contains("boss"));
}

#[tokio::test]
async fn a_login_without_username_or_password_names_both_fields() {
    let app = spawn_app().await;
    let anon = Api::anon(&app);
    let p = assert_problem(anon.post("/api/v1/auth/login", &json!({"username": "", "password": ""})).await, 422, "validation_failed").await;
    assert_eq!(error_for(&p, "username"), "请输入用户名");
    assert_eq!(error_for(&p, "password"), "请输入密码");
    let p = assert_problem(anon.post("/api/v1/auth/login", &json!({"username": "   ", "password": "x"})).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "username")));
}

#[tokio::test]
async fn a_login_body_that_is_not_json_is_a_chinese_validation_problem() {
    let app = spawn_app().await;
    let anon = Api::anon(&app);
    let res = anon.client.post(anon.url("/api/v1/auth/login")).body("username=a&password=b").send().await.unwrap();
    let p = assert_problem(res, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "body")));
    let res = anon.client.post(anon.url("/api/v1/auth/login")).header(CONTENT_TYPE, "application/json").body("{\"username\": ").send().await.unwrap();
    assert_problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn api_calls_without_a_token_or_with_a_bad_token_are_401_problems() {
    let app = spawn_app().await;
    let anon = Api::anon(&app);
    for path in ["/api/v1/me", "/api/v1/members", "/api/v1/sectors", "/api/v1/users", "/api/v1/audit", "/api/v1/tokens"] {
        let p = assert_problem(anon.get(path).await, 401, "unauthenticated").await;
        assert_eq!(p["detail"], "请先登录", "{path}");
    }
    let bad = Api::with_token(&app, "eline_not-a-real-token");
    assert_problem(bad.get("/api/v1/me").await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn a_successful_api_login_returns_a_token_and_the_user() {
    let app = spawn_app().await;
    let id = create_user(&app, "clerk", &["staff"], None, None).await;
    let anon = Api::anon(&app);
    let v = json_of(anon.post("/api/v1/auth/login", &json!({"username": "clerk", "password": PASSWORD})).await, 200).await;
    assert!(v["token"].as_str().unwrap().len() >= 32);
    assert_eq!(v["user"]["id"], id);
    assert_eq!(v["user"]["roles"], json!(["staff"]));
    assert!(v["user"].get("password_hash").is_none());
    let me = Api::with_token(&app, v["token"].as_str().unwrap()).get_json("/api/v1/me").await;
    assert_eq!(me["username"], "clerk");
    assert_eq!(me["committee_id"], app.committee_id);
}

#[tokio::test]
async fn logout_revokes_the_token_it_was_called_with() {
    let app = spawn_app().await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let first = Api::login(&app, "clerk", PASSWORD).await;
    let second = Api::login(&app, "clerk", PASSWORD).await;
    first.get_json("/api/v1/me").await;
    let res = first.post("/api/v1/auth/logout", &json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(first.get("/api/v1/me").await, 401, "unauthenticated").await;
    assert_problem(first.post("/api/v1/auth/logout", &json!({})).await, 401, "unauthenticated").await;
    // Other tokens of the same user live on.
    second.get_json("/api/v1/me").await;
}

#[tokio::test]
async fn repeated_failures_lock_the_account_with_429_even_for_the_right_password() {
    let app = spawn_app_with(Settings { max_failures_per_account: 3, ..Default::default() }).await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let anon = Api::anon(&app);
    for i in 0..3 {
        let res = anon.post("/api/v1/auth/login", &json!({"username": "clerk", "password": format!("wrong-{i}-password")})).await;
        assert_problem(res, 422, "validation_failed").await;
    }
    for password in [PASSWORD, "wrong-again-1"] {
        let res = anon.post("/api/v1/auth/login", &json!({"username": "clerk", "password": password})).await;
        let retry: u64 = header_str(res.headers(), RETRY_AFTER).parse().expect("Retry-After in seconds");
        assert!((1..=15 * 60).contains(&retry), "retry after {retry}");
        let p = assert_problem(res, 429, "rate_limited").await;
        assert!(p["detail"].as_str().unwrap().contains("秒后再试"), "{p}");
    }
    // The username is matched whatever its case.
    let res = anon.post("/api/v1/auth/login", &json!({"username": "CLERK", "password": PASSWORD})).await;
    assert_problem(res, 429, "rate_limited").await;
    // The browser login is locked too, with a Chinese page.
    let mut b = Browser::new(&app);
    let res = b.login("clerk", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key(RETRY_AFTER));
    assert!(res.text().await.unwrap().contains("登录尝试次数过多"));
    // Another account is not locked.
    create_user(&app, "other", &["staff"], None, None).await;
    Api::login(&app, "other", PASSWORD).await;
}

#[tokio::test]
async fn a_success_before_the_limit_clears_the_failure_count() {
    let app = spawn_app_with(Settings { max_failures_per_account: 3, ..Default::default() }).await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let anon = Api::anon(&app);
    for _ in 0..2 {
        assert_problem(anon.post("/api/v1/auth/login", &json!({"username": "clerk", "password": "bad-pass-1"})).await, 422, "validation_failed").await;
    }
    Api::login(&app, "clerk", PASSWORD).await;
    for _ in 0..2 {
        assert_problem(anon.post("/api/v1/auth/login", &json!({"username": "clerk", "password": "bad-pass-1"})).await, 422, "validation_failed").await;
    }
    Api::login(&app, "clerk", PASSWORD).await;
}

#[tokio::test]
async fn tokens_are_listed_without_secrets_and_a_revoked_token_stops_working() {
    let app = spawn_app().await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let api = Api::login(&app, "clerk", PASSWORD).await;
    let created = json_of(api.post("/api/v1/tokens", &json!({"name": "报表脚本"})).await, 201).await;
    let secret = created["secret"].as_str().unwrap().to_string();
    let token_id = created["token"]["id"].as_i64().unwrap();
    assert_eq!(created["token"]["name"], "报表脚本");

    let script = Api::with_token(&app, &secret);
    assert_eq!(script.get_json("/api/v1/me").await["username"], "clerk");

    let list = api.get_json("/api/v1/tokens").await;
    let text = list.to_string();
    assert!(!text.contains(&secret), "the list shows a secret: {text}");
    assert!(!text.contains(api.token.as_deref().unwrap()), "the list shows the login token: {text}");
    let item = list["items"].as_array().unwrap().iter().find(|t| t["id"] == token_id).expect("listed").clone();
    assert_eq!(item["revoked"], false);
    assert!(item["last_used_at"].is_string(), "used once: {item}");

    let res = api.post(&format!("/api/v1/tokens/{token_id}/revoke"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(script.get("/api/v1/me").await, 401, "unauthenticated").await;
    let list = api.get_json("/api/v1/tokens").await;
    let item = list["items"].as_array().unwrap().iter().find(|t| t["id"] == token_id).unwrap().clone();
    assert_eq!(item["revoked"], true);
    // Revoking twice, or someone else's token, is not found.
    assert_problem(api.post(&format!("/api/v1/tokens/{token_id}/revoke"), &json!({})).await, 404, "not_found").await;
    create_user(&app, "other", &["staff"], None, None).await;
    let other = Api::login(&app, "other", PASSWORD).await;
    let theirs = json_of(other.post("/api/v1/tokens", &json!({"name": "x"})).await, 201).await["token"]["id"].as_i64().unwrap();
    assert_problem(api.post(&format!("/api/v1/tokens/{theirs}/revoke"), &json!({})).await, 404, "not_found").await;
    other.get_json("/api/v1/me").await;
    // A token needs a name.
    let p = assert_problem(api.post("/api/v1/tokens", &json!({"name": "  "})).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "name")));
}

#[tokio::test]
async fn token_secrets_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let api = Api::login(&app, "clerk", PASSWORD).await;
    let created = json_of(api.post("/api/v1/tokens", &json!({"name": "脚本"})).await, 201).await;
    let secrets = [api.token.clone().unwrap(), created["secret"].as_str().unwrap().to_string()];

    // A consistent copy of every table (both engines write one as SQLite).
    let dir = eline_storage::testing::temp_dir("eline_token_dump");
    let file = dir.join("dump.db");
    eline_storage::copy::backup(&app.state.app.db, &file).await.expect("backup");
    let mut bytes = std::fs::read(&file).unwrap();
    if let Ok(wal) = std::fs::read(dir.join("dump.db-wal")) {
        bytes.extend(wal);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    for secret in &secrets {
        assert!(!contains(secret.as_bytes()), "a token secret is stored in clear");
        let hash = eline_app::auth::token_hash(secret);
        assert!(contains(hash.as_bytes()), "the token's hash is what is stored");
    }
    // And in storage terms: the stored hash is the SHA-256 of the secret, never the secret.
    let mut c = app.state.app.db.acquire().await.unwrap();
    for secret in &secrets {
        assert!(eline_storage::users::token_by_hash(&mut c.ex(), secret).await.unwrap().is_none());
        let row = eline_storage::users::token_by_hash(&mut c.ex(), &eline_app::auth::token_hash(secret)).await.unwrap().expect("stored by hash");
        assert_ne!(row.token_hash, *secret);
    }
}

// ---- first login ----

#[tokio::test]
async fn an_account_made_by_an_admin_must_change_its_password_in_the_browser_before_anything_else() {
    let app = spawn_app().await;
    create_user(&app, "boss", &["admin"], None, None).await;
    let admin = Api::login(&app, "boss", PASSWORD).await;
    let initial = "Chushi2024a";
    let body = json!({"username": "newbie", "password": initial, "display_name": "新同事", "roles": ["staff"]});
    let created = json_of(admin.post("/api/v1/users", &body).await, 201).await;
    assert_eq!(created["must_change_password"], true);
    assert_eq!(created["roles"], json!(["staff"]));

    // The API login refuses the account and names the first-login route (tests/http/devices.rs).
    let p =
        assert_problem(Api::anon(&app).post("/api/v1/auth/login", &json!({"username": "newbie", "password": initial})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "password").contains("/api/v1/auth/first-login"), "{p}");

    let mut b = Browser::new(&app);
    let res = b.login("newbie", initial).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/account/password");
    for path in ["/", "/members", "/directory", "/account", "/directory/sectors"] {
        let res = b.get(path).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&res), "/account/password", "{path}");
    }
    let html = b.page("/account/password").await;
    assert!(html.contains("修改密码"));

    // A wrong current password or a weak new one re-renders the form with Chinese errors.
    let res = b.post_form("/account/password", &[("current_password", "nope-1234"), ("password", "Xinmima2024"), ("confirm_password", "Xinmima2024")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("当前密码不正确"));
    let res = b.post_form("/account/password", &[("current_password", initial), ("password", "short1"), ("confirm_password", "short1")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("密码至少需要8位"));
    assert_eq!(location(&b.get("/").await), "/account/password", "still locked to the password page");

    let res = b.post_form("/account/password", &[("current_password", initial), ("password", "Xinmima2024"), ("confirm_password", "Xinmima2024")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/");
    let html = b.page("/").await;
    assert_eq!(h1(&html), "机关工作台");
    assert!(html.contains("密码已修改"), "the change is confirmed once");
    b.page("/members").await;

    // Now the API accepts the new password, and not the old one.
    Api::login(&app, "newbie", "Xinmima2024").await;
    assert_problem(Api::anon(&app).post("/api/v1/auth/login", &json!({"username": "newbie", "password": initial})).await, 422, "validation_failed").await;
    let user = admin.get_json(&format!("/api/v1/users/{}", created["id"])).await;
    assert_eq!(user["must_change_password"], false);
}

#[tokio::test]
async fn a_password_reset_by_an_admin_forces_a_change_again_and_ends_open_sessions() {
    let app = spawn_app().await;
    create_user(&app, "boss", &["admin"], None, None).await;
    let uid = create_user(&app, "clerk", &["staff"], None, None).await;
    let mut b = Browser::new(&app);
    b.login_ok("clerk", PASSWORD).await;
    let admin = Api::login(&app, "boss", PASSWORD).await;
    let res = admin.post(&format!("/api/v1/users/{uid}/reset-password"), &json!({"password": "Linshi2024"})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = b.get("/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login", "the open session was ended");
    let res = b.login("clerk", "Linshi2024").await;
    assert_eq!(location(&res), "/account/password");
}

// ---- browser login and CSRF ----

#[tokio::test]
async fn a_browser_login_with_a_wrong_password_re_renders_the_form_in_chinese() {
    let app = spawn_app().await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let mut b = Browser::new(&app);
    let res = b.login("clerk", "wrong-password-9").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("用户名（或手机号）或密码错误"));
    assert!(html.contains("value=\"clerk\""), "the username is kept");
    let res = b.get("/").await;
    assert_eq!(location(&res), "/login");
}

#[tokio::test]
async fn the_login_form_itself_needs_the_csrf_token() {
    let app = spawn_app().await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let mut b = Browser::new(&app);
    b.page("/login").await;
    let res = b.post_form_raw("/login", &[("username", "clerk"), ("password", PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("页面已过期"));
    assert_eq!(location(&b.get("/").await), "/login", "not logged in");
}

#[tokio::test]
async fn the_session_id_and_csrf_token_change_at_login() {
    let app = spawn_app().await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let mut b = Browser::new(&app);
    b.page("/login").await;
    let before = b.csrf.clone().unwrap();
    let res = b.post_form("/login", &[("username", "clerk"), ("password", PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap_or("").starts_with("eline_session=")), "a new session cookie");
    b.page("/").await;
    assert_ne!(b.csrf.clone().unwrap(), before);
    // The token of the login page no longer works.
    let res = b.client.post(b.url("/directory/sectors")).form(&[("name", "旧令牌界"), ("_csrf", before.as_str())]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_form_post_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let before = sector_names(&app).await;

    let res = b.post_form_raw("/directory/sectors", &[("name", "无令牌界")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(header_str(res.headers(), CONTENT_TYPE).starts_with("text/html"));
    let html = res.text().await.unwrap();
    assert!(html.contains("页面已过期"), "{html}");
    let res = b.post_form_raw("/directory/sectors", &[("name", "错令牌界"), ("_csrf", "forged-token")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(sector_names(&app).await, before, "nothing was created");

    let res = b.post_form("/directory/sectors", &[("name", "有令牌界")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/directory/sectors");
    assert!(sector_names(&app).await.contains(&"有令牌界".to_string()));
    let html = b.page("/directory/sectors").await;
    assert!(html.contains("已新建界别“有令牌界”"), "the flash message is shown");
}

#[tokio::test]
async fn logging_out_needs_the_csrf_token_too() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let res = b.post_form_raw("/logout", &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    b.page("/").await;
    let res = b.post_form("/logout", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login");
    assert_eq!(location(&b.get("/").await), "/login");
}

#[tokio::test]
async fn api_calls_riding_on_the_browser_session_need_the_csrf_header() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let before = sector_names(&app).await;
    let res = b.client.post(b.url("/api/v1/sectors")).json(&json!({"name": "会话界"})).send().await.unwrap();
    let p = assert_problem(res, 403, "forbidden").await;
    assert!(p["detail"].as_str().unwrap().contains("CSRF"));
    assert_eq!(sector_names(&app).await, before);
    // Reads need no token.
    let res = b.client.get(b.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csrf = b.csrf.clone().unwrap();
    let res = b.client.post(b.url("/api/v1/sectors")).header("x-csrf-token", csrf).json(&json!({"name": "会话界"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn bearer_token_requests_need_no_csrf_token() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let res = staff.post("/api/v1/sectors", &json!({"name": "令牌界"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(sector_names(&app).await.contains(&"令牌界".to_string()));
}

/// Browsers attach cached HTTP Basic credentials (e.g. of a reverse proxy guarding the site)
/// to cross-site form posts; such a header must not switch CSRF protection off for the session.
#[tokio::test]
async fn a_non_bearer_authorization_header_does_not_switch_off_csrf_protection_for_the_session() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let before = sector_names(&app).await;
    let res = b.client.post(b.url("/directory/sectors")).header("authorization", "Basic cHJveHk6c2VjcmV0").form(&[("name", "跨站界")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a form post with the session cookie and no CSRF token must be refused");
    assert_eq!(sector_names(&app).await, before, "nothing may be created");
}

#[tokio::test]
async fn too_many_failures_from_one_address_lock_logins_from_it_for_every_account() {
    let app = spawn_app_with(Settings { max_failures_per_ip: 3, ..Default::default() }).await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let anon = Api::anon(&app);
    for name in ["guess1", "guess2", "guess3"] {
        assert_problem(anon.post("/api/v1/auth/login", &json!({"username": name, "password": "bad-pass-1"})).await, 422, "validation_failed").await;
    }
    let res = anon.post("/api/v1/auth/login", &json!({"username": "clerk", "password": PASSWORD})).await;
    assert!(res.headers().contains_key(RETRY_AFTER));
    assert_problem(res, 429, "rate_limited").await;
}

/// Login CSRF: a cross-site page must not be able to log a visitor into an account of the
/// attacker's choosing by posting the login form before the visitor has any session.
#[tokio::test]
async fn a_login_form_posted_without_a_session_or_csrf_token_is_refused() {
    let app = spawn_app().await;
    create_user(&app, "attacker", &["staff"], None, None).await;
    let b = Browser::new(&app);
    let res = b.post_form_raw("/login", &[("username", "attacker"), ("password", PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a login without the login page's CSRF token must be refused (location {:?})", location(&res));
}

/// The forced password change must not be sidestepped through the JSON API with the browser's
/// session cookie.
#[tokio::test]
async fn a_session_that_must_change_its_password_cannot_use_the_api_either() {
    let app = spawn_app().await;
    create_user(&app, "boss", &["admin"], None, None).await;
    let admin = Api::login(&app, "boss", PASSWORD).await;
    let body = json!({"username": "newbie", "password": "Chushi2024a", "display_name": "新同事", "roles": ["staff"]});
    json_of(admin.post("/api/v1/users", &body).await, 201).await;
    let mut b = Browser::new(&app);
    let res = b.login("newbie", "Chushi2024a").await;
    assert_eq!(location(&res), "/account/password");
    let res = b.client.get(b.url("/api/v1/sectors")).send().await.unwrap();
    assert_problem(res, 403, "forbidden").await;
}

/// After an admin resets a password (e.g. a leaked one), tokens issued before must stop working:
/// the account must change its password first, and the API refuses such accounts at login.
#[tokio::test]
async fn api_tokens_stop_working_once_an_admin_resets_the_password() {
    let app = spawn_app().await;
    create_user(&app, "boss", &["admin"], None, None).await;
    let uid = create_user(&app, "clerk", &["staff"], None, None).await;
    let clerk = Api::login(&app, "clerk", PASSWORD).await;
    clerk.get_json("/api/v1/me").await;
    let admin = Api::login(&app, "boss", PASSWORD).await;
    assert_eq!(admin.post(&format!("/api/v1/users/{uid}/reset-password"), &json!({"password": "Linshi2024"})).await.status(), StatusCode::NO_CONTENT);
    assert_problem(clerk.get("/api/v1/me").await, 401, "unauthenticated").await;
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("eline_session="))
        .map(|c| c.split(';').next().unwrap_or("").to_string())
}

#[tokio::test]
async fn a_logged_out_session_cookie_cannot_be_replayed() {
    let app = spawn_app().await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let mut b = Browser::new(&app);
    let res = b.login("clerk", PASSWORD).await;
    let cookie = session_cookie(&res).expect("a session cookie at login");
    b.page("/").await;
    let replay = || async { client().get(format!("{}/", app.base_url)).header("cookie", cookie.clone()).send().await.unwrap() };
    assert_eq!(replay().await.status(), StatusCode::OK, "the cookie works while logged in");
    assert_eq!(b.post_form("/logout", &[]).await.status(), StatusCode::SEE_OTHER);
    let res = replay().await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login");
}

#[tokio::test]
async fn changing_the_password_ends_the_other_browser_sessions_of_the_account() {
    let app = spawn_app().await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let mut here = Browser::new(&app);
    let mut there = Browser::new(&app);
    here.login_ok("clerk", PASSWORD).await;
    there.login_ok("clerk", PASSWORD).await;
    here.page("/account/password").await;
    let res = here.post_form("/account/password", &[("current_password", PASSWORD), ("password", "Xinmima2024"), ("confirm_password", "Xinmima2024")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    here.page("/").await;
    assert_eq!(location(&there.get("/").await), "/login");
}

/// A link opened while logged out (a notice in a chat with a proposal's address) survives the
/// login: the login page carries it and the login returns to it — only to a page of this site.
#[tokio::test]
async fn a_deep_link_opened_while_logged_out_is_where_the_login_returns() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    let res = b.get("/proposals?status=submitted").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login?next=%2Fproposals%3Fstatus%3Dsubmitted");
    let html = b.page("/login?next=%2Fproposals%3Fstatus%3Dsubmitted").await;
    assert!(html.contains(r#"name="next" value="/proposals?status=submitted""#), "the form carries the link");
    let res = b.post_form("/login", &[("username", "staff"), ("password", DEMO_PASSWORD), ("next", "/proposals?status=submitted")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/proposals?status=submitted");

    // Never to another site, never back to the login; a wrong password keeps the link.
    for evil in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/login?next=/x", "javascript:alert(1)"] {
        let mut b = Browser::new(&app);
        let html = b.page(&format!("/login?next={}", enc(evil))).await;
        assert!(!html.contains(r#"name="next""#), "{evil} is not carried");
        let res = b.post_form("/login", &[("username", "staff"), ("password", DEMO_PASSWORD), ("next", evil)]).await;
        assert_eq!(location(&res), "/", "{evil}");
    }
    let mut b = Browser::new(&app);
    b.page("/login?next=%2Fmembers").await;
    let res = b.post_form("/login", &[("username", "staff"), ("password", "wrong-pass-1"), ("next", "/members")]).await;
    assert!(res.text().await.unwrap().contains(r#"name="next" value="/members""#));
    // A POST is not returned to (only pages to read are).
    let res = Browser::new(&app).client.post(format!("{}/proposals", app.base_url)).send().await.unwrap();
    assert!(!location(&res).contains("next="), "{}", location(&res));
}
