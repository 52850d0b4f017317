//! Phone apps: device sessions with short-lived access tokens and rotating refresh tokens, login
//! with the phone number, and the first login through the API (docs/api.md).

use reqwest::StatusCode;
use serde_json::{Value, json};

use eline_web::testing::{TestApp, spawn_app};

use crate::helpers::*;

async fn login(app: &TestApp, username: &str, password: &str, device: &str) -> Value {
    let body = json!({"username": username, "password": password, "device": device});
    json_of(Api::anon(app).post("/api/v1/auth/login", &body).await, 200).await
}

async fn refresh(app: &TestApp, refresh_token: &Value) -> reqwest::Response {
    Api::anon(app).post("/api/v1/auth/refresh", &json!({"refresh_token": refresh_token})).await
}

async fn set_member_phone(app: &TestApp, member_id: i64, phone: &str) {
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_storage::run!(&mut c.ex(), "UPDATE members SET phone = $1 WHERE id = $2", phone, member_id).unwrap();
}

fn bearer(app: &TestApp, pair: &Value) -> Api {
    Api::with_token(app, pair["access_token"].as_str().expect("access token"))
}

#[tokio::test]
async fn a_login_opens_a_device_session_whose_refresh_token_rotates() {
    let app = spawn_app().await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let res = Api::anon(&app).post("/api/v1/auth/login", &json!({"username": "clerk", "password": PASSWORD, "device": "王科长的手机"})).await;
    // The old `token` field is deprecated: the answer says so (docs/api.md "Deprecations").
    assert_eq!(header_str(res.headers(), "deprecation"), "@1796083200");
    assert!(header_str(res.headers(), "sunset").ends_with("2027 00:00:00 GMT"));
    let first = json_of(res, 200).await;
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!(first["token"], first["access_token"], "the old field stays for older clients");
    assert_eq!(first["expires_in"], 3600);
    assert_eq!(first["device"], "王科长的手机");
    assert!(first["expires_at"].as_str().unwrap().ends_with("+08:00"), "{first}");
    assert!(first["refresh_token"].as_str().unwrap().starts_with("eline_r_"));
    bearer(&app, &first).get_json("/api/v1/me").await;

    let second = json_of(refresh(&app, &first["refresh_token"]).await, 200).await;
    assert_eq!(second["session_id"], first["session_id"], "the same session, a new pair");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_problem(bearer(&app, &first).get("/api/v1/me").await, 401, "unauthenticated").await;
    assert_eq!(bearer(&app, &second).get_json("/api/v1/me").await["username"], "clerk");

    // The session is listed as the device, and the list never shows a secret.
    let list = bearer(&app, &second).get_json("/api/v1/tokens").await;
    let items = list["items"].as_array().unwrap();
    let mine: Vec<_> = items.iter().filter(|t| t["id"] == second["session_id"]).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["kind"], "device");
    assert_eq!(mine[0]["device"], "王科长的手机");
    assert_eq!(mine[0]["live"], true);
    let text = list.to_string();
    assert!(!text.contains(second["refresh_token"].as_str().unwrap()) && !text.contains(second["access_token"].as_str().unwrap()));
}

#[tokio::test]
async fn a_refresh_token_used_twice_is_refused_and_ends_that_devices_session() {
    let app = spawn_app().await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let other_device = login(&app, "clerk", PASSWORD, "办公室电脑").await;
    let first = login(&app, "clerk", PASSWORD, "手机").await;
    let second = json_of(refresh(&app, &first["refresh_token"]).await, 200).await;

    // The first refresh token again (a copy of it): refused, and the session it belonged to ends.
    assert_problem(refresh(&app, &first["refresh_token"]).await, 401, "unauthenticated").await;
    assert_problem(bearer(&app, &second).get("/api/v1/me").await, 401, "unauthenticated").await;
    assert_problem(refresh(&app, &second["refresh_token"]).await, 401, "unauthenticated").await;
    // Another device of the same account goes on.
    bearer(&app, &other_device).get_json("/api/v1/me").await;
    let again = json_of(refresh(&app, &other_device["refresh_token"]).await, 200).await;
    bearer(&app, &again).get_json("/api/v1/me").await;

    let mut c = app.state.app.db.acquire().await.unwrap();
    let audited = eline_storage::scalar!(&mut c.ex(), i64, "SELECT COUNT(*) FROM audit_log WHERE action = 'refresh_token_reused'").unwrap();
    drop(c);
    assert_eq!(audited, 1, "the reuse is audited once");
    assert_problem(refresh(&app, &json!("eline_r_nonsense")).await, 401, "unauthenticated").await;
    assert_problem(refresh(&app, &json!("")).await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn one_session_per_device_and_an_expired_access_token_is_refreshed() {
    let app = spawn_app().await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let old = login(&app, "clerk", PASSWORD, "手机").await;
    let new = login(&app, "clerk", PASSWORD, "手机").await;
    assert_problem(bearer(&app, &old).get("/api/v1/me").await, 401, "unauthenticated").await;
    assert_problem(refresh(&app, &old["refresh_token"]).await, 401, "unauthenticated").await;
    let live: Vec<Value> = bearer(&app, &new).get_json("/api/v1/tokens").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["live"] == true && t["device"] == "手机")
        .cloned()
        .collect();
    assert_eq!(live.len(), 1, "{live:?}");
    // Logins that name no device (scripts) are sessions apart: a second one ends nothing.
    let script = json_of(Api::anon(&app).post("/api/v1/auth/login", &json!({"username": "clerk", "password": PASSWORD})).await, 200).await;
    let again = json_of(Api::anon(&app).post("/api/v1/auth/login", &json!({"username": "clerk", "password": PASSWORD})).await, 200).await;
    assert!(script["device"].as_str().unwrap().starts_with("接口登录"), "{script}");
    bearer(&app, &script).get_json("/api/v1/me").await;
    bearer(&app, &again).get_json("/api/v1/me").await;

    // The access token's short life: once past it the token is refused, and a refresh gives a new one.
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_storage::run!(&mut c.ex(), "UPDATE api_tokens SET expires_at = 1 WHERE id = $1", new["session_id"].as_i64().unwrap()).unwrap();
    drop(c);
    assert_problem(bearer(&app, &new).get("/api/v1/me").await, 401, "unauthenticated").await;
    let renewed = json_of(refresh(&app, &new["refresh_token"]).await, 200).await;
    bearer(&app, &renewed).get_json("/api/v1/me").await;

    // Logging out ends the device session: its refresh token is dead too.
    assert_eq!(bearer(&app, &renewed).post("/api/v1/auth/logout", &json!({})).await.status(), StatusCode::NO_CONTENT);
    assert_problem(refresh(&app, &renewed["refresh_token"]).await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn members_log_in_with_their_phone_number_on_the_api_and_the_web() {
    let app = spawn_app().await;
    let sector = create_sector(&app, "经济界").await;
    let member = create_member(&app, "陈委员", sector).await;
    create_user(&app, "chen", &["member"], Some(member), None).await;
    set_member_phone(&app, member, "13800138000").await;

    for typed in ["13800138000", "+86 138-0013-8000", " 138 0013 8000 "] {
        let v = login(&app, typed, PASSWORD, "手机").await;
        assert_eq!(v["user"]["username"], "chen", "{typed}");
    }
    let mut b = Browser::new(&app);
    let res = b.login("13800138000", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(b.page("/").await.contains("测试用户chen"));

    // A wrong password by phone is the same refusal as by username.
    let bad = Api::anon(&app).post("/api/v1/auth/login", &json!({"username": "13800138000", "password": "wrong-pass-1"})).await;
    assert_eq!(error_for(&assert_problem(bad, 422, "validation_failed").await, "password"), "用户名（或手机号）或密码错误");

    // A number two accounts share logs in neither (the username still works).
    let twin = create_member(&app, "陈同名", sector).await;
    create_user(&app, "chen2", &["member"], Some(twin), None).await;
    set_member_phone(&app, twin, "13800138000").await;
    let shared = Api::anon(&app).post("/api/v1/auth/login", &json!({"username": "13800138000", "password": PASSWORD})).await;
    assert_problem(shared, 422, "validation_failed").await;
    login(&app, "chen", PASSWORD, "手机").await;
}

#[tokio::test]
async fn an_api_only_client_changes_the_initial_password_at_first_login() {
    let app = spawn_app().await;
    create_user(&app, "boss", &["admin"], None, None).await;
    let admin = Api::login(&app, "boss", PASSWORD).await;
    let initial = "Chushi2024a";
    let body = json!({"username": "newbie", "password": initial, "display_name": "新同事", "roles": ["staff"]});
    json_of(admin.post("/api/v1/users", &body).await, 201).await;
    let anon = Api::anon(&app);

    // Wrong initial password, weak new password: refused, nothing changes.
    let p = assert_problem(
        anon.post("/api/v1/auth/first-login", &json!({"username": "newbie", "password": "Wrong2024a", "new_password": "Xinmima2024"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(error_for(&p, "password").contains("密码错误"), "{p}");
    let p = assert_problem(
        anon.post("/api/v1/auth/first-login", &json!({"username": "newbie", "password": initial, "new_password": "short"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(error_for(&p, "new_password").contains("至少"), "{p}");
    let same = json!({"username": "newbie", "password": initial, "new_password": initial});
    assert_problem(anon.post("/api/v1/auth/first-login", &same).await, 422, "validation_failed").await;

    let body = json!({"username": "newbie", "password": initial, "new_password": "Xinmima2024", "device": "新同事的手机"});
    let v = json_of(anon.post("/api/v1/auth/first-login", &body).await, 200).await;
    assert_eq!(v["user"]["must_change_password"], false);
    assert_eq!(bearer(&app, &v).get_json("/api/v1/me").await["username"], "newbie");
    // The initial password is gone; the new one logs in; the route is for first logins only.
    let old = anon.post("/api/v1/auth/login", &json!({"username": "newbie", "password": initial})).await;
    assert_problem(old, 422, "validation_failed").await;
    login(&app, "newbie", "Xinmima2024", "另一台手机").await;
    let again = json!({"username": "newbie", "password": "Xinmima2024", "new_password": "Xinmima2025"});
    let p = assert_problem(anon.post("/api/v1/auth/first-login", &again).await, 422, "validation_failed").await;
    assert!(error_for(&p, "username").contains("无须修改初始密码"), "{p}");
}
