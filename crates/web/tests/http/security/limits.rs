//! Bounded inputs, slow clients, the in-flight limit, the smaller defects and the counters.

use std::time::{Duration, Instant};

use eline_app::Settings;
use eline_web::testing::{spawn_app_with, spawn_demo_app, spawn_demo_app_with};
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;
use crate::helpers::*;

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

async fn session_row(app: &eline_web::testing::TestApp, user_id: i64) -> (String, i64) {
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_storage::opt!(&mut c.ex(), (String, i64), "SELECT data, expires_at FROM web_sessions WHERE user_id = $1", user_id).unwrap().expect("one session")
}

#[tokio::test]
async fn reading_pages_writes_the_session_back_at_most_every_ten_minutes() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    let user = user_id(&app, "member").await;
    b.page("/").await;
    let after_first = session_row(&app, user).await;
    // Reading pages changes nothing stored: no write per page view.
    for path in ["/", "/proposals", "/notifications", "/activities", "/"] {
        b.page(path).await;
    }
    assert_eq!(session_row(&app, user).await, after_first);
    let (data, expires) = after_first;
    let mut v: Value = serde_json::from_str(&data).unwrap();
    // Ten minutes later the next page moves the inactivity expiry on.
    let seen = v["seen"].as_i64().expect("the session records when it was written");
    v["seen"] = json!(seen - eline_web::auth::SESSION_TOUCH_SECS);
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_storage::run!(&mut c.ex(), "UPDATE web_sessions SET data = $1, expires_at = $2 WHERE user_id = $3", v.to_string(), expires - 1_000_000, user)
        .unwrap();
    drop(c);
    b.page("/").await;
    let (data, moved) = session_row(&app, user).await;
    assert!(moved > expires - 1_000_000, "the expiry moved on");
    let v: Value = serde_json::from_str(&data).unwrap();
    assert!(v["seen"].as_i64().unwrap() >= seen, "{v}");
    // And the session is still the same login.
    assert!(b.page("/account").await.contains("我的账号"));
}
