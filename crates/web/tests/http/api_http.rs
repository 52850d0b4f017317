//! The API's HTTP conventions for clients on flaky networks (docs/api.md): Idempotency-Key on
//! writes, ETag / If-None-Match on reads and If-Match with an ETag, CORS for named origins, and
//! the RateLimit-* headers of the throttled operations.

use eline_app::Settings;
use eline_app::idempotency::KeyedRequest;
use eline_storage::{Engine, run, scalar};
use eline_web::testing::{TestApp, spawn_demo_app, spawn_demo_app_with};
use reqwest::header::{CACHE_CONTROL, ETAG, IF_MATCH, IF_NONE_MATCH, RETRY_AFTER};
use reqwest::{Method, Response};
use serde_json::{Value, json};
use sha2::Digest;

use crate::helpers::*;

const BODY: &str = "近年来我市老旧小区加装电梯需求旺盛，但协调难、资金难、审批慢等问题突出。建议简化审批流程，设立专项补贴，建立业主协商机制。";

async fn proposal_count(app: &TestApp) -> i64 {
    let mut c = app.state.app.db.acquire().await.unwrap();
    scalar!(&mut c.ex(), i64, "SELECT COUNT(*) FROM proposals").unwrap()
}

async fn keyed(api: &Api, method: Method, path: &str, key: &str, body: &Value) -> Response {
    api.req(method, path).header("Idempotency-Key", key).json(body).send().await.unwrap()
}

fn replayed(res: &Response) -> bool {
    header_str(res.headers(), "idempotent-replayed") == "true"
}

#[tokio::test]
async fn a_retried_create_gets_the_first_answer_and_creates_nothing_new() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let before = proposal_count(&app).await;
    let body = json!({"title": "关于加快推进老旧小区加装电梯的提案", "body": BODY});
    let first = keyed(&member, Method::POST, "/api/v1/proposals", "create-7f3a", &body).await;
    assert!(!replayed(&first));
    let first = json_of(first, 201).await;
    let again = keyed(&member, Method::POST, "/api/v1/proposals", "create-7f3a", &body).await;
    assert!(replayed(&again), "the retry is a replay");
    assert!(header_str(again.headers(), "content-type").starts_with("application/json"));
    let again = json_of(again, 201).await;
    assert_eq!(again, first, "the same answer, the same id");
    assert_eq!(proposal_count(&app).await, before + 1, "one proposal, however often it is sent");

    // The same key with another body, or on another path: refused, nothing done.
    let other = json!({"title": "关于另一件事的提案", "body": BODY});
    let p = assert_problem(keyed(&member, Method::POST, "/api/v1/proposals", "create-7f3a", &other).await, 422, "idempotency_key_reused").await;
    assert!(p["detail"].as_str().unwrap().contains("Idempotency-Key"), "{p}");
    let id = first["id"].as_i64().unwrap();
    assert_problem(keyed(&member, Method::POST, &format!("/api/v1/proposals/{id}/submit"), "create-7f3a", &body).await, 422, "idempotency_key_reused").await;
    assert_eq!(member.get_json(&format!("/api/v1/proposals/{id}")).await["status"], "draft");
    assert_eq!(proposal_count(&app).await, before + 1);

    // Keys belong to an account: the office's request with the member's key is its own (and
    // the office may not write a member's proposal).
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let res = keyed(&staff, Method::POST, "/api/v1/proposals", "create-7f3a", &body).await;
    assert!(!replayed(&res));
    assert_problem(res, 403, "forbidden").await;

    // A key that is not 1–255 visible ASCII characters is refused in Chinese.
    for bad in ["two words", &"k".repeat(256)] {
        let p = assert_problem(keyed(&member, Method::POST, "/api/v1/proposals", bad, &body).await, 422, "validation_failed").await;
        assert!(has_chinese(&error_for(&p, "Idempotency-Key")), "{p}");
    }
    // Without login the route answers for itself.
    assert_problem(keyed(&Api::anon(&app), Method::POST, "/api/v1/proposals", "anon-1", &body).await, 401, "unauthenticated").await;
    // The login (open) and the operations a secret passes through take no part, even when the
    // caller is known: each answer is new.
    let login = json!({"username": "member", "password": DEMO_PASSWORD});
    let token = json!({"name": "手机"});
    for (path, body, field) in [("/api/v1/auth/login", &login, "token"), ("/api/v1/tokens", &token, "secret")] {
        let a = keyed(&member, Method::POST, path, "secret-1", body).await;
        let status = a.status().as_u16();
        let a = json_of(a, status).await;
        let b = keyed(&member, Method::POST, path, "secret-1", body).await;
        assert!(!replayed(&b), "{path}");
        assert_ne!(json_of(b, status).await[field], a[field], "{path}");
    }
    assert_eq!(proposal_count(&app).await, before + 1);
}

#[tokio::test]
async fn a_refusal_is_replayed_an_action_runs_once_and_a_running_request_is_not_run_twice() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    // A validation answer is kept like any other.
    let short = json!({"title": "关于电梯的提案", "body": "太短"});
    assert_problem(keyed(&member, Method::POST, "/api/v1/proposals", "short-1", &short).await, 422, "validation_failed").await;
    let res = keyed(&member, Method::POST, "/api/v1/proposals", "short-1", &short).await;
    assert!(replayed(&res));
    assert_problem(res, 422, "validation_failed").await;

    // An action sent twice with its key runs once; without the key a second one is refused.
    let id = json_of(member.post("/api/v1/proposals", &json!({"title": "关于加装电梯的提案", "body": BODY})).await, 201).await["id"].as_i64().unwrap();
    let submit = format!("/api/v1/proposals/{id}/submit");
    let first = json_of(keyed(&member, Method::POST, &submit, "submit-1", &json!({"version": 1})).await, 200).await;
    let res = keyed(&member, Method::POST, &submit, "submit-1", &json!({"version": 1})).await;
    assert!(replayed(&res));
    assert_eq!(json_of(res, 200).await, first);
    let timeline = member.get_json(&format!("/api/v1/proposals/{id}")).await["timeline"].clone();
    assert_eq!(timeline.as_array().unwrap().iter().filter(|e| e["action"] == "submit").count(), 1);
    assert_problem(member.post(&submit, &json!({})).await, 409, "invalid_transition").await;

    // A retry while the first request with the key still runs: 409, come back in a second.
    let user_id = user_id(&app, "member").await;
    let body = json!({"title": "关于慢请求的提案", "body": BODY});
    let body_sha256 = hex::encode(sha2::Sha256::digest(serde_json::to_vec(&body).unwrap()));
    let running = KeyedRequest { user_id, key: "slow-1", request: "POST /api/v1/proposals", body_sha256: &body_sha256 };
    let reservation = app.state.app.reserve_idempotency(&running).await.unwrap();
    assert!(matches!(reservation, eline_app::idempotency::Reservation::Run(_)), "{reservation:?}");
    let before = proposal_count(&app).await;
    let res = keyed(&member, Method::POST, "/api/v1/proposals", "slow-1", &body).await;
    assert_eq!(header_str(res.headers(), RETRY_AFTER), "1");
    assert_problem(res, 409, "idempotency_in_progress").await;
    assert_eq!(proposal_count(&app).await, before);
}

/// Makes every insert into `proposals` fail (a fault of the database) until `heal`.
async fn break_proposal_inserts(app: &TestApp) {
    let mut c = app.state.app.db.acquire().await.unwrap();
    match app.state.app.db.engine() {
        Engine::Sqlite => {
            run!(&mut c.ex(), "CREATE TRIGGER test_fault BEFORE INSERT ON proposals BEGIN SELECT RAISE(ABORT, 'test fault'); END").unwrap();
        }
        Engine::Postgres => {
            run!(&mut c.ex(), "CREATE FUNCTION test_fault() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'test fault'; END $$ LANGUAGE plpgsql").unwrap();
            run!(&mut c.ex(), "CREATE TRIGGER test_fault BEFORE INSERT ON proposals FOR EACH ROW EXECUTE FUNCTION test_fault()").unwrap();
        }
    }
}

async fn heal(app: &TestApp) {
    let mut c = app.state.app.db.acquire().await.unwrap();
    match app.state.app.db.engine() {
        Engine::Sqlite => run!(&mut c.ex(), "DROP TRIGGER test_fault").unwrap(),
        Engine::Postgres => run!(&mut c.ex(), "DROP TRIGGER test_fault ON proposals").unwrap(),
    };
}

#[tokio::test]
async fn a_server_error_is_not_kept_so_the_retry_runs_again() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let body = json!({"title": "关于加快推进老旧小区加装电梯的提案", "body": BODY});
    let before = proposal_count(&app).await;
    break_proposal_inserts(&app).await;
    let res = keyed(&member, Method::POST, "/api/v1/proposals", "fault-1", &body).await;
    assert_problem(res, 500, "internal").await;
    assert_eq!(proposal_count(&app).await, before);
    heal(&app).await;
    let res = keyed(&member, Method::POST, "/api/v1/proposals", "fault-1", &body).await;
    assert!(!replayed(&res), "the 500 was not kept: the retry ran");
    let created = json_of(res, 201).await;
    assert_eq!(proposal_count(&app).await, before + 1);
    // From now on the key holds the success.
    let res = keyed(&member, Method::POST, "/api/v1/proposals", "fault-1", &body).await;
    assert!(replayed(&res));
    assert_eq!(json_of(res, 201).await["id"], created["id"]);
}

#[tokio::test]
async fn an_unchanged_read_is_not_sent_again_and_its_etag_is_the_version_for_a_write() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let id = json_of(member.post("/api/v1/proposals", &json!({"title": "关于加装电梯的提案", "body": BODY})).await, 201).await["id"].as_i64().unwrap();
    let path = format!("/api/v1/proposals/{id}");
    let res = member.get(&path).await;
    assert_eq!(res.status(), 200);
    let tag = header_str(res.headers(), ETAG);
    assert!(tag.starts_with("\"1-") && tag.ends_with('"') && tag.len() == 2 + 2 + 16, "a versioned record's tag: {tag}");
    assert_eq!(header_str(res.headers(), CACHE_CONTROL), "private, no-cache");
    let conditional = |value: String| member.req(Method::GET, &path).header(IF_NONE_MATCH, value).send();
    for same in [tag.clone(), format!("W/{tag}"), format!("\"x\", {tag}"), "*".to_string()] {
        let res = conditional(same.clone()).await.unwrap();
        assert_eq!(res.status(), 304, "If-None-Match: {same}");
        assert_eq!(header_str(res.headers(), ETAG), tag);
        assert_eq!(header_str(res.headers(), CACHE_CONTROL), "private, no-cache");
        assert!(res.bytes().await.unwrap().is_empty(), "a 304 has no body");
    }
    assert_eq!(conditional("\"1-0000000000000000\"".into()).await.unwrap().status(), 200);

    // The ETag as If-Match: the version for an edit; once the record changed, a conflict.
    let res = member.req(Method::PATCH, &path).header(IF_MATCH, &tag).json(&json!({"title": "关于加快加装电梯的提案"})).send().await.unwrap();
    assert_eq!(json_of(res, 200).await["version"], 2);
    let res = conditional(tag.clone()).await.unwrap();
    assert_eq!(res.status(), 200, "changed: the body is sent again");
    let new_tag = header_str(res.headers(), ETAG);
    assert!(new_tag.starts_with("\"2-") && new_tag != tag, "{new_tag}");
    assert_eq!(json_of(res, 200).await["title"], "关于加快加装电梯的提案");
    let stale = member.req(Method::PATCH, &path).header(IF_MATCH, &tag).json(&json!({"title": "关于旧版本的提案"})).send().await.unwrap();
    assert_problem(stale, 409, "version_conflict").await;
    // And for an action.
    let submit = format!("{path}/submit");
    assert_problem(member.req(Method::POST, &submit).header(IF_MATCH, &tag).send().await.unwrap(), 409, "version_conflict").await;
    let res = member.req(Method::POST, &submit).header(IF_MATCH, format!("W/{new_tag}")).send().await.unwrap();
    assert_eq!(json_of(res, 200).await["status"], "submitted");
    let p = assert_problem(member.req(Method::POST, &submit).header(IF_MATCH, "\"3-zz\"").send().await.unwrap(), 422, "validation_failed").await;
    assert!(error_for(&p, "version").contains("If-Match"));

    // Lists are tagged too; a changed list gets a new tag.
    let res = member.get("/api/v1/proposals").await;
    let list_tag = header_str(res.headers(), ETAG);
    assert!(list_tag.len() == 18 && !list_tag.contains('-'), "{list_tag}");
    json_of(member.post("/api/v1/proposals", &json!({"title": "关于第二件事的提案", "body": BODY})).await, 201).await;
    let res = member.req(Method::GET, "/api/v1/proposals").header(IF_NONE_MATCH, &list_tag).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // Not tagged: errors and files that are not JSON.
    assert!(member.get("/api/v1/proposals/999999").await.headers().get(ETAG).is_none());
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let export = staff.get("/api/v1/members/export").await;
    assert_eq!(export.status(), 200);
    assert_eq!(header_str(export.headers(), "content-type"), XLSX);
    assert!(export.headers().get(ETAG).is_none());
}

async fn preflight(app: &TestApp, path: &str, origin: &str) -> Response {
    client()
        .request(Method::OPTIONS, format!("{}{path}", app.base_url))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, content-type, idempotency-key")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn cors_is_off_by_default_and_on_only_for_the_named_origins_on_the_api() {
    const APP: &str = "https://app.example.org";
    let off = spawn_demo_app().await;
    let res = preflight(&off, "/api/v1/proposals", APP).await;
    assert!(res.headers().keys().all(|k| !k.as_str().starts_with("access-control-")), "{:?}", res.headers());

    let origins = vec![APP.parse().unwrap(), "http://localhost:3000".parse().unwrap()];
    let app = spawn_demo_app_with(Settings { cors_origins: origins, ..Default::default() }).await;
    let res = preflight(&app, "/api/v1/proposals", APP).await;
    assert!(res.status().is_success(), "{}", res.status());
    let h = res.headers();
    assert_eq!(header_str(h, "access-control-allow-origin"), APP);
    assert_eq!(header_str(h, "access-control-max-age"), "600");
    for m in ["GET", "POST", "PATCH", "DELETE", "OPTIONS"] {
        assert!(header_str(h, "access-control-allow-methods").contains(m), "{h:?}");
    }
    for name in ["authorization", "content-type", "if-match", "if-none-match", "idempotency-key"] {
        assert!(header_str(h, "access-control-allow-headers").to_lowercase().contains(name), "{name}: {h:?}");
    }
    assert!(h.get("access-control-allow-credentials").is_none(), "bearer tokens, never cookies");
    // Another origin, or a page: no CORS at all.
    for (path, origin) in [("/api/v1/proposals", "https://evil.example.com"), ("/api/v1/proposals", "https://app.example.org.evil.com"), ("/login", APP)] {
        let res = preflight(&app, path, origin).await;
        assert!(res.headers().keys().all(|k| !k.as_str().starts_with("access-control-")), "{path} from {origin}: {:?}", res.headers());
    }
    // The real request from the allowed origin can read the headers a client needs.
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let res = member.req(Method::GET, "/api/v1/me").header("Origin", "http://localhost:3000").send().await.unwrap();
    assert_eq!(header_str(res.headers(), "access-control-allow-origin"), "http://localhost:3000");
    let exposed = header_str(res.headers(), "access-control-expose-headers").to_lowercase();
    for name in ["etag", "location", "retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "deprecation", "sunset", "idempotent-replayed"]
    {
        assert!(exposed.contains(name), "{name} in {exposed}");
    }
}

fn rate_limit(res: &Response) -> (i64, i64, i64) {
    let n = |name: &str| header_str(res.headers(), name).parse::<i64>().unwrap_or_else(|_| panic!("{name} missing: {:?}", res.headers()));
    (n("ratelimit-limit"), n("ratelimit-remaining"), n("ratelimit-reset"))
}

#[tokio::test]
async fn the_login_and_the_password_change_say_how_many_attempts_are_left() {
    let app = spawn_demo_app_with(Settings { max_failures_per_account: 3, ..Default::default() }).await;
    let anon = Api::anon(&app);
    // The member can also log in with the phone number of their file: the same allowance.
    let office = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let member_id = Api::login(&app, "member", DEMO_PASSWORD).await.get_json("/api/v1/me").await["member_id"].as_i64().unwrap();
    let file = office.get_json(&format!("/api/v1/members/{member_id}")).await;
    json_of(office.patch(&format!("/api/v1/members/{member_id}"), &json!({"phone": "13912345678", "version": file["version"]})).await, 200).await;
    let mut seen = Vec::new();
    for name in ["13912345678", "member", "member"] {
        let res = anon.post("/api/v1/auth/login", &json!({"username": name, "password": "不是这个密码1"})).await;
        seen.push(rate_limit(&res));
        assert_problem(res, 422, "validation_failed").await;
    }
    assert_eq!(seen.iter().map(|(l, r, _)| (*l, *r)).collect::<Vec<_>>(), [(3, 2), (3, 1), (3, 0)]);
    assert!(seen.iter().all(|(_, _, reset)| (1..=900).contains(reset)), "{seen:?}");
    let res = anon.post("/api/v1/auth/login", &json!({"username": "member", "password": DEMO_PASSWORD})).await;
    let (limit, remaining, reset) = rate_limit(&res);
    let retry_after = header_str(res.headers(), RETRY_AFTER).parse::<i64>().unwrap();
    assert_problem(res, 429, "rate_limited").await;
    assert_eq!((limit, remaining), (3, 0));
    assert!(reset >= retry_after && retry_after > 0, "{reset} {retry_after}");

    // Another account from the same address has its own allowance; a success gives it back.
    let res = anon.post("/api/v1/auth/login", &json!({"username": "staff", "password": "错误的密码2"})).await;
    assert_eq!(rate_limit(&res).1, 2);
    let res = anon.post("/api/v1/auth/login", &json!({"username": "staff", "password": DEMO_PASSWORD})).await;
    assert_eq!(rate_limit(&res), (3, 3, 0));
    let token = json_of(res, 200).await["token"].as_str().unwrap().to_string();

    // The password change counts wrong current passwords the same way.
    let staff = Api::with_token(&app, &token);
    let change = json!({"current_password": "错误的密码3", "password": "Zhengxie2025", "confirm_password": "Zhengxie2025"});
    let res = staff.post("/api/v1/me/password", &change).await;
    assert_eq!(rate_limit(&res).1, 2);
    assert_problem(res, 422, "validation_failed").await;
    assert_eq!(rate_limit(&staff.post("/api/v1/me/password", &change).await).1, 1);
}
