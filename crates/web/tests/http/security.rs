//! The defects an outside probe found (each test fails on the code as it was and passes now):
//! unbounded search offsets, published proposals showing their internal record, drafts seen by
//! the office, tokens that never expired, a login throttle that could be raced or turned against
//! an account, slow bodies holding the server, and the smaller ones.

use std::time::{Duration, Instant};

use eline_app::Settings;
use eline_web::testing::{spawn_app_with, spawn_demo_app, spawn_demo_app_with};
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

const BODY: &str = "近年来我市老旧小区加装电梯需求旺盛，但协调难、资金难、审批慢等问题突出。建议简化审批流程，设立专项补贴，建立业主协商机制。";

async fn alive(app: &eline_web::testing::TestApp) {
    let res = client().get(format!("{}/healthz", app.base_url)).send().await.expect("the server still answers");
    assert_eq!(res.status(), StatusCode::OK);
}

// ---- 1. offsets ------------------------------------------------------------------------------

#[tokio::test]
async fn a_huge_search_cursor_is_refused_in_chinese_and_the_server_lives_on() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    for cursor in ["1000000000000", "4611686018427387904", "18446744073709551615", "99999999999999999999999", "1001", "-1", "１２"] {
        let p = assert_problem(member.get(&format!("/api/v1/search?q={}&cursor={cursor}", enc("提案"))).await, 422, "validation_failed").await;
        assert!(has_chinese(&error_for(&p, "cursor")), "{cursor}: {p}");
    }
    // The deepest allowed page still answers.
    json_of(member.get(&format!("/api/v1/search?q={}&cursor=1000", enc("提案"))).await, 200).await;
    // The page as well: a Chinese page, not a crash.
    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    let res = b.get(&format!("/search?q={}&cursor=1000000000000", enc("提案"))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_chinese(&res.text().await.unwrap()));
    alive(&app).await;
}

// ---- 3. published proposals --------------------------------------------------------------------

async fn unit_id(app: &eline_web::testing::TestApp, username: &str) -> i64 {
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_storage::users::get_by_username(&mut c.ex(), username).await.unwrap().unwrap().unit_id.unwrap()
}

/// A proposal of the demo member carried to its evaluation, with a contact note, an objection
/// reason, an evaluation comment and an evaluation file — then published.
async fn published_with_a_record(app: &eline_web::testing::TestApp) -> i64 {
    let (member, staff, unit) =
        (Api::login(app, "member", DEMO_PASSWORD).await, Api::login(app, "staff", DEMO_PASSWORD).await, Api::login(app, "unit", DEMO_PASSWORD).await);
    let p = json_of(member.post("/api/v1/proposals", &json!({"title": "关于规范电动自行车停放充电的提案", "body": BODY})).await, 201).await;
    let id = p["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/assign"), &json!({"lead_unit_id": unit_id(app, "unit").await})).await, 200).await;
    json_of(unit.post(&format!("/api/v1/proposals/{id}/object"), &json!({"reason": "内部调整理由：此事应由住建部门牵头"})).await, 200).await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/reassign"), &json!({"lead_unit_id": unit_id(app, "unit").await, "comment": "维持原交办"})).await, 200)
        .await;
    json_of(unit.post(&format!("/api/v1/proposals/{id}/contact"), &json!({"text": "电话沟通记录：委员手机13800001111"})).await, 200).await;
    json_of(unit.post(&format!("/api/v1/proposals/{id}/reply"), &json!({"class": "B", "text": "正在推进充电设施建设。", "signer": "李明"})).await, 200).await;
    let res = member.upload(&format!("/api/v1/proposals/{id}/attachments?purpose=evaluation"), "评价意见.pdf", b"%PDF-1.4 evaluation".to_vec()).await;
    json_of(res, 201).await;
    json_of(member.post(&format!("/api/v1/proposals/{id}/evaluate"), &json!({"satisfaction": "dissatisfied", "comment": "私下评价：答复敷衍"})).await, 200)
        .await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/publish"), &json!({"published": true})).await, 200).await;
    id
}

const INTERNAL: [&str; 5] = ["内部调整理由", "电话沟通记录", "私下评价", "评价意见.pdf", "13800001111"];

#[tokio::test]
async fn a_published_proposal_shows_others_its_public_view_never_its_internal_record() {
    let app = spawn_demo_app().await;
    let id = published_with_a_record(&app).await;
    create_user(&app, "other_member", &["member"], Some(member_other_than_demo(&app).await), None).await;
    let other = Api::login(&app, "other_member", PASSWORD).await;
    let v = other.get_json(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(v["access"], "public");
    assert_eq!(v["title"], "关于规范电动自行车停放充电的提案");
    assert_eq!(v["replies"].as_array().unwrap().len(), 1, "the reply is public");
    for part in ["timeline", "evaluations", "commitments", "supervisors"] {
        assert!(v[part].as_array().unwrap().is_empty(), "{part} must be empty in the public view: {v}");
    }
    assert!(v["allowed_actions"].as_array().unwrap().is_empty());
    let text = v.to_string();
    for secret in INTERNAL {
        assert!(!text.contains(secret), "the public view shows {secret}: {text}");
    }
    // Its files are not downloadable either.
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let full = staff.get_json(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(full["access"], "full");
    assert!(full.to_string().contains("私下评价"), "the office sees the whole record");
    let mut b = Browser::new(&app);
    b.login_ok("other_member", PASSWORD).await;
    let html = b.page(&format!("/proposals/{id}")).await;
    assert!(html.contains("关于规范电动自行车停放充电的提案"));
    for secret in INTERNAL {
        assert!(!html.contains(secret), "the page shows {secret} to another member");
    }
    // The participants still see everything.
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let own = member.get_json(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(own["access"], "full");
    assert!(own["timeline"].as_array().unwrap().len() > 5);
}

#[tokio::test]
async fn a_published_proposals_files_are_not_downloadable_by_others() {
    let app = spawn_demo_app().await;
    let id = published_with_a_record(&app).await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let files = attachment_ids(&app, id).await;
    assert!(!files.is_empty());
    create_user(&app, "other_member", &["member"], Some(member_other_than_demo(&app).await), None).await;
    let other = Api::login(&app, "other_member", PASSWORD).await;
    for f in &files {
        assert_problem(other.get(&format!("/api/v1/proposals/{id}/attachments/{f}")).await, 404, "not_found").await;
        assert_eq!(staff.get(&format!("/api/v1/proposals/{id}/attachments/{f}")).await.status(), StatusCode::OK);
    }
}

async fn attachment_ids(app: &eline_web::testing::TestApp, proposal_id: i64) -> Vec<i64> {
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_storage::attachments::for_proposal(&mut c.ex(), app.committee_id, proposal_id).await.unwrap().into_iter().map(|a| a.id).collect()
}

async fn member_other_than_demo(app: &eline_web::testing::TestApp) -> i64 {
    let demo = {
        let mut c = app.state.app.db.acquire().await.unwrap();
        eline_storage::users::get_by_username(&mut c.ex(), "member").await.unwrap().unwrap().member_id.unwrap()
    };
    let staff = Api::login(app, "staff", DEMO_PASSWORD).await;
    let members = staff.get_json("/api/v1/members?limit=5").await;
    members["items"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).find(|m| *m != demo).unwrap()
}

// ---- 4. drafts -------------------------------------------------------------------------------

#[tokio::test]
async fn a_members_draft_is_theirs_alone_until_submitted() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let p = json_of(member.post("/api/v1/proposals", &json!({"title": "关于草稿保密测试燕子湖的提案", "body": BODY})).await, 201).await;
    let id = p["id"].as_i64().unwrap();
    let res = member.upload(&format!("/api/v1/proposals/{id}/attachments?purpose=proposal"), "草稿材料.pdf", b"%PDF-1.4 draft".to_vec()).await;
    let fid = json_of(res, 201).await["id"].as_i64().unwrap();
    assert_problem(staff.get(&format!("/api/v1/proposals/{id}")).await, 404, "not_found").await;
    assert_problem(staff.get(&format!("/api/v1/proposals/{id}/attachments/{fid}")).await, 404, "not_found").await;
    let all = staff.list_all("/api/v1/proposals").await;
    assert!(all.iter().all(|p| p["id"] != id), "the office's list shows a member's draft");
    let drafts = staff.get_json("/api/v1/proposals?status=draft").await;
    assert!(drafts["items"].as_array().unwrap().iter().all(|p| p["id"] != id));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let hits = staff.get_json(&format!("/api/v1/search?q={}", enc("燕子湖"))).await;
    assert!(hits["items"].as_array().unwrap().is_empty(), "search shows the office a member's draft: {hits}");
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    assert_eq!(b.get(&format!("/proposals/{id}")).await.status(), StatusCode::NOT_FOUND);
    // The member finds it; once submitted the office sees it.
    let own = member.get_json(&format!("/api/v1/search?q={}", enc("燕子湖"))).await;
    assert_eq!(own["items"].as_array().unwrap().len(), 1);
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    assert_eq!(staff.get_json(&format!("/api/v1/proposals/{id}")).await["status"], "submitted");
    assert_eq!(staff.get(&format!("/api/v1/proposals/{id}/attachments/{fid}")).await.status(), StatusCode::OK);
}

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

// ---- 8. slow clients -------------------------------------------------------------------------

/// Opens a connection and sends the head of a POST with a body of `length` bytes, of which it
/// sends one byte per `every`, from its own task; returns the task.
fn slow_body(base: &str, path: &str, length: usize, every: Duration) -> tokio::task::JoinHandle<String> {
    slow_body_with(base, path, length, every, "Content-Type: application/x-www-form-urlencoded\r\n".into())
}

fn slow_body_with(base: &str, path: &str, length: usize, every: Duration, headers: String) -> tokio::task::JoinHandle<String> {
    let addr = base.trim_start_matches("http://").to_string();
    let path = path.to_string();
    tokio::spawn(async move {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: {length}\r\nConnection: close\r\n\r\n");
        s.write_all(head.as_bytes()).await.unwrap();
        for _ in 0..length {
            if s.write_all(b"a").await.is_err() {
                break;
            }
            tokio::time::sleep(every).await;
        }
        let mut answer = String::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_string(&mut answer)).await;
        answer
    })
}

#[tokio::test]
async fn slow_login_bodies_neither_take_the_servers_places_nor_stay_open() {
    let app = spawn_app_with(Settings { max_in_flight: 4, body_timeout_secs: 2, ..Settings::default() }).await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    let slow: Vec<_> = (0..30).map(|_| slow_body(&app.base_url, "/login", 200, Duration::from_millis(500))).collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Real logins go through while 30 clients dribble their bodies.
    for _ in 0..5 {
        let mut b = Browser::new(&app);
        b.login_ok("clerk", PASSWORD).await;
    }
    // Each slow client is answered 408 once its time is up.
    let started = Instant::now();
    for t in slow {
        let answer = t.await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 408"), "{}", &answer[..answer.len().min(200)]);
    }
    assert!(started.elapsed() < Duration::from_secs(10), "slow bodies were cut off after {:?}", started.elapsed());
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let app = spawn_app_with(Settings::default()).await;
    let addr = app.base_url.trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    // Keep sending a header byte now and then; the server closes the connection anyway.
    let closed = tokio::time::timeout(Duration::from_secs(25), async {
        loop {
            if s.write_all(b"X-Slow: a\r\n").await.is_err() {
                return;
            }
            match tokio::time::timeout(Duration::from_secs(2), s.read_buf(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return,
                _ => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the connection was still open after 25 s");
    assert!(started.elapsed() >= Duration::from_secs(8), "closed too early: {:?}", started.elapsed());
    alive(&app).await;
}

#[tokio::test]
async fn the_in_flight_limit_counts_every_route_together_and_healthz_tells_when_shedding() {
    let app = spawn_demo_app_with(Settings { max_in_flight: 1, body_timeout_secs: 2, ..Settings::default() }).await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    // A large upload in progress holds the one place …
    let headers = format!("Authorization: Bearer {}\r\nContent-Type: multipart/form-data; boundary=XYZ\r\n", staff.token.clone().unwrap());
    let upload = slow_body_with(&app.base_url, "/api/v1/imports/members", 2 * 1024 * 1024, Duration::from_millis(200), headers);
    tokio::time::sleep(Duration::from_millis(500)).await;
    // … so another route is refused at once.
    let res = member.get("/api/v1/me").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header_str(res.headers(), RETRY_AFTER), "1");
    upload.abort();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Then health says it refused requests lately.
    let text = client().get(format!("{}/healthz", app.base_url)).send().await.unwrap().text().await.unwrap();
    assert!(text.starts_with("ok") && text.contains("shedding"), "{text}");
}

// ---- 9. smaller ones -------------------------------------------------------------------------

async fn web_sessions(app: &eline_web::testing::TestApp) -> i64 {
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_storage::bulk::count(&mut c.ex(), "web_sessions").await.unwrap()
}

#[tokio::test]
async fn anonymous_page_views_store_no_session() {
    let app = spawn_demo_app().await;
    let before = web_sessions(&app).await;
    for path in ["/login", "/public/proposals", "/login"] {
        let res = client().get(format!("{}{path}", app.base_url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    assert_eq!(web_sessions(&app).await, before);
    // The login form still works, with its CSRF protection.
    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    assert_eq!(web_sessions(&app).await, before + 1);
    let c = Browser::new(&app);
    assert_eq!(c.post_form_raw("/login", &[("username", "member"), ("password", DEMO_PASSWORD), ("_csrf", "forged-token-value")]).await.status(), 403);
}

#[tokio::test]
async fn file_names_lose_their_direction_controls() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let p = json_of(member.post("/api/v1/proposals", &json!({"title": "关于附件名称测试的提案", "body": BODY})).await, 201).await;
    let id = p["id"].as_i64().unwrap();
    let res = member.upload(&format!("/api/v1/proposals/{id}/attachments?purpose=proposal"), "报告\u{202E}exe.pdf", b"%PDF-1.4 x".to_vec()).await;
    let v = json_of(res, 201).await;
    assert_eq!(v["file_name"], "报告exe.pdf");
}

#[tokio::test]
async fn metrics_need_the_configured_token() {
    let app = spawn_app_with(Settings { metrics_token: Some("metrics-secret-1".into()), ..Settings::default() }).await;
    let url = format!("{}/metrics", app.base_url);
    assert_eq!(client().get(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(client().get(&url).bearer_auth("wrong").send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let res = client().get(&url).bearer_auth("metrics-secret-1").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("eline_http_in_flight"));
    let open = spawn_app_with(Settings::default()).await;
    assert_eq!(client().get(format!("{}/metrics", open.base_url)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "no token configured: not served");
}

#[tokio::test]
async fn a_malformed_record_id_is_not_found() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    for path in ["/proposals/x", "/members/abc", "/proposals/99999999999999999999", "/users/1x"] {
        let res = b.get(path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(has_chinese(&res.text().await.unwrap()));
    }
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    assert_problem(staff.get("/api/v1/proposals/x").await, 404, "not_found").await;
}

#[tokio::test]
async fn a_role_that_may_not_write_gets_403_whatever_its_body() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    for (path, body) in [
        ("/api/v1/users", json!({})),
        ("/api/v1/users", json!({"username": 5})),
        ("/api/v1/sectors", json!({})),
        ("/api/v1/units", json!({"name": []})),
        ("/api/v1/sessions", json!({})),
        ("/api/v1/members", json!({})),
        ("/api/v1/users/1/reset-password", json!({})),
    ] {
        assert_problem(member.post(path, &body).await, 403, "forbidden").await;
    }
    assert_problem(member.patch("/api/v1/members/1", &json!({"birth_year": "x"})).await, 403, "forbidden").await;
    let res = member.req(reqwest::Method::PUT, "/api/v1/settings/proposal-deadlines?year=2026").json(&json!({})).send().await.unwrap();
    assert_problem(res, 403, "forbidden").await;
    let res = member.upload("/api/v1/imports/members", "x.txt", b"not a table".to_vec()).await;
    assert_problem(res, 403, "forbidden").await;
}

/// The error list of a file with very many bad rows is still answered, capped, with the count.
#[tokio::test]
async fn a_file_with_very_many_bad_rows_gets_an_answer() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let mut csv = String::from("姓名*,界别*,性别,出生年份\n");
    for i in 0..60_000 {
        csv.push_str(&format!("人{i},不存在的界,不详,abc\n"));
    }
    let res = staff.upload("/api/v1/imports/members", "委员.csv", csv.into_bytes()).await;
    let p = assert_problem(res, 422, "validation_failed").await;
    let listed = p["errors"].as_array().unwrap().len();
    assert!((1..=1000).contains(&listed), "{listed} errors listed");
    assert!(p["detail"].as_str().unwrap().contains("180000"), "the detail gives the total: {}", p["detail"]);
}

#[tokio::test]
async fn spreadsheets_that_claim_a_huge_grid_are_refused_without_harm() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    // One cell at A1 and one at XFD1048576: 1.5 KB that claims the whole grid.
    let grid = {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "姓名*").unwrap();
        ws.write_string(1_048_575, 16_383, "x").unwrap();
        book.save_to_buffer().unwrap()
    };
    for path in ["/api/v1/imports/members", "/api/v1/imports/proposals"] {
        let p = assert_problem(staff.upload(path, "grid.xlsx", grid.clone()).await, 422, "validation_failed").await;
        assert!(has_chinese(&error_for(&p, "file")), "{p}");
    }
    alive(&app).await;
    let _: Value = staff.get_json("/api/v1/me").await;
}

// ---- the record matrix: published records, drafts, a second committee -----------------------

/// What a viewer gets of a record: the API's `access` ("full", "public") or "404"; the page's
/// status must agree (200 for both views, 404 otherwise).
async fn seen(api: &Api, browser: &mut Browser, id: i64) -> String {
    let res = api.get(&format!("/api/v1/proposals/{id}")).await;
    let api_view = match res.status().as_u16() {
        200 => res.json::<Value>().await.unwrap()["access"].as_str().unwrap().to_string(),
        404 => "404".to_string(),
        other => panic!("GET proposal {id}: {other}"),
    };
    let page = browser.get(&format!("/proposals/{id}")).await.status().as_u16();
    assert_eq!(page == 200, api_view != "404", "page {page} vs API {api_view} for proposal {id}");
    api_view
}

/// A proposal of another committee, filed and published there by its own office.
async fn published_elsewhere(app: &eline_web::testing::TestApp) -> i64 {
    use eline_app::auth::system_actor;
    let a = &app.state.app;
    let cid = {
        let mut tx = a.db.begin().await.unwrap();
        let id = eline_storage::committees::create(&mut tx.ex(), None, "政协邻县委员会", "邻县政协", "county").await.unwrap();
        tx.commit().await.unwrap();
        id
    };
    let sys = system_actor(cid);
    let sector = a
        .create_directory(&sys, eline_domain::org::DirectoryKind::Sector, &eline_app::directory::DirectoryInput { name: "教育界".into(), ..Default::default() })
        .await
        .unwrap()
        .id;
    let session = eline_app::directory::SessionInput { term_number: Some(9), session_number: Some(1), year: Some(2026), ..Default::default() };
    a.create_session(&sys, &session).await.unwrap();
    let member =
        a.create_member(&sys, &eline_domain::member::MemberInput { name: "邻县委员".into(), sector_id: Some(sector), ..Default::default() }).await.unwrap().id;
    for (username, roles, member_id) in [("county.member", vec!["member".to_string()], Some(member)), ("county.staff", vec!["staff".to_string()], None)] {
        let input = eline_app::users::UserInput {
            username: username.into(),
            password: PASSWORD.into(),
            display_name: username.into(),
            roles,
            member_id,
            unit_id: None,
            organization_id: None,
        };
        a.create_user(&sys, &input, false).await.unwrap();
    }
    let (m, s) = (Api::login(app, "county.member", PASSWORD).await, Api::login(app, "county.staff", PASSWORD).await);
    let id = json_of(m.post("/api/v1/proposals", &json!({"title": "关于邻县乡村公路养护的提案", "body": BODY})).await, 201).await["id"].as_i64().unwrap();
    json_of(m.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    json_of(s.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    json_of(s.post(&format!("/api/v1/proposals/{id}/publish"), &json!({"published": true})).await, 200).await;
    id
}

#[tokio::test]
async fn every_role_sees_drafts_submitted_filed_published_and_other_committees_records_as_the_policy_says() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let new = |title: &'static str| {
        let member = member.clone();
        async move { json_of(member.post("/api/v1/proposals", &json!({"title": title, "body": BODY})).await, 201).await["id"].as_i64().unwrap() }
    };
    let draft = new("关于矩阵草稿的提案").await;
    let submitted = new("关于矩阵已提交的提案").await;
    json_of(member.post(&format!("/api/v1/proposals/{submitted}/submit"), &json!({})).await, 200).await;
    let filed = new("关于矩阵已立案的提案").await;
    json_of(member.post(&format!("/api/v1/proposals/{filed}/submit"), &json!({})).await, 200).await;
    json_of(staff.post(&format!("/api/v1/proposals/{filed}/review"), &json!({"decision": "file"})).await, 200).await;
    let published = published_with_a_record(&app).await;
    let elsewhere = published_elsewhere(&app).await;
    create_user(&app, "other_member", &["member"], Some(member_other_than_demo(&app).await), None).await;

    #[rustfmt::skip]
    let expected: [(&str, &str, [&str; 5]); 7] = [
        //                                   draft  submitted filed   published elsewhere
        ("admin",         DEMO_PASSWORD, ["404", "404",   "404",  "public", "404"]),
        ("staff",         DEMO_PASSWORD, ["404", "full",  "full", "full",   "404"]),
        ("member",        DEMO_PASSWORD, ["full","full",  "full", "full",   "404"]),
        ("other_member",  PASSWORD,      ["404", "404",   "404",  "public", "404"]),
        ("unit",          DEMO_PASSWORD, ["404", "404",   "404",  "full",   "404"]),
        ("leader",        DEMO_PASSWORD, ["404", "404",   "full", "full",   "404"]),
        ("county.member", PASSWORD,      ["404", "404",   "404",  "404",    "full"]),
    ];
    let records = [draft, submitted, filed, published, elsewhere];
    let mut wrong = Vec::new();
    for (who, password, row) in expected {
        let api = Api::login(&app, who, password).await;
        let mut b = Browser::new(&app);
        b.login_ok(who, password).await;
        for (id, want) in records.iter().zip(row) {
            let got = seen(&api, &mut b, *id).await;
            if got != want {
                wrong.push(format!("{who} on proposal {id}: got {got}, expected {want}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The public pages show the committee's own published proposal, never another's.
    let anon = client();
    assert_eq!(anon.get(format!("{}/public/proposals/{published}", app.base_url)).send().await.unwrap().status(), 200);
    assert_eq!(anon.get(format!("{}/public/proposals/{elsewhere}", app.base_url)).send().await.unwrap().status(), 404);
    assert_eq!(anon.get(format!("{}/public/proposals/{filed}", app.base_url)).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_role_that_may_not_write_gets_the_403_page_whatever_its_form() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    for path in ["/users", "/users/1", "/members", "/members/1/edit", "/directory/sectors", "/directory/sessions", "/settings/deadlines", "/settings/calendar"]
    {
        let res = b.post_form(path, &[("member_id", "not-a-number"), ("year", "x"), ("birth_year", "abc")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(has_chinese(&res.text().await.unwrap()), "{path}");
    }
}

// ---- counters that guard something ------------------------------------------------------------

/// The session's proposal numbers: twenty filings at once get twenty different numbers, in one
/// unbroken run (on PostgreSQL the session row is locked while a number is taken).
#[tokio::test]
async fn twenty_proposals_filed_at_once_get_twenty_consecutive_numbers() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let mut ids = Vec::new();
    for i in 0..20 {
        let id = json_of(member.post("/api/v1/proposals", &json!({"title": format!("关于并发编号第{i}件的提案"), "body": BODY})).await, 201).await["id"]
            .as_i64()
            .unwrap();
        json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
        ids.push(id);
    }
    let before: std::collections::HashSet<i64> = staff.list_all("/api/v1/proposals?scope=all").await.iter().filter_map(|p| p["number"].as_i64()).collect();
    let filings: Vec<_> = ids
        .iter()
        .map(|id| {
            let staff = staff.clone();
            let id = *id;
            tokio::spawn(async move { staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await })
        })
        .collect();
    let mut numbers = Vec::new();
    for f in filings {
        let v = json_of(f.await.unwrap(), 200).await;
        numbers.push(v["number"].as_i64().expect("a number"));
    }
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 20, "{numbers:?}");
    assert!(numbers.iter().all(|n| !before.contains(n)), "a number was given twice");
    assert_eq!(numbers[19] - numbers[0], 19, "one unbroken run: {numbers:?}");
}
