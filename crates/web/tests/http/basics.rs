//! Health, metrics, the API document, security headers and the pages every visitor sees.

use eline_web::testing::{spawn_app, spawn_app_with, spawn_demo_app};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn healthz_answers_ok_once_the_database_answers() {
    let app = spawn_app().await;
    let res = client().get(format!("{}/healthz", app.base_url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap().trim(), "ok");
}

#[tokio::test]
async fn metrics_count_requests_by_route_after_a_request() {
    let app = spawn_app_with(eline_app::Settings { metrics_token: Some("scrape-token-1".into()), ..Default::default() }).await;
    let c = client();
    let res = c.get(format!("{}/login", app.base_url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = c.get(format!("{}/metrics", app.base_url)).bearer_auth("scrape-token-1").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header_str(res.headers(), CONTENT_TYPE).starts_with("text/plain"));
    let text = res.text().await.unwrap();
    assert!(text.contains("eline_http_requests_total"), "{text}");
    assert!(text.contains(r#"eline_http_requests_total{route="/login",method="GET",status="200"} 1"#), "the login page request is counted: {text}");
    assert!(text.contains("eline_http_request_duration_seconds_bucket"), "{text}");
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_lists_the_member_and_login_routes() {
    let app = spawn_app().await;
    let res = client().get(format!("{}/api/openapi.json", app.base_url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header_str(res.headers(), CONTENT_TYPE).starts_with("application/json"));
    let v: Value = res.json().await.unwrap();
    assert!(v["openapi"].as_str().unwrap_or("").starts_with("3.1"), "openapi version: {}", v["openapi"]);
    let paths = v["paths"].as_object().expect("paths");
    assert!(paths.contains_key("/api/v1/members"), "paths: {:?}", paths.keys().collect::<Vec<_>>());
    assert!(paths.contains_key("/api/v1/auth/login"));
    assert!(paths["/api/v1/auth/login"].get("post").is_some());
    assert!(paths["/api/v1/members"].get("get").is_some() && paths["/api/v1/members"].get("post").is_some());
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary_without_outside_links() {
    let app = spawn_app().await;
    let res = client().get(format!("{}/api/docs/", app.base_url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header_str(res.headers(), CONTENT_TYPE).starts_with("text/html"));
    let html = res.text().await.unwrap();
    assert!(html.to_lowercase().contains("swagger"), "{html}");
    for outside in ["src=\"http", "href=\"http", "src='http", "href='http", "//unpkg", "cdn."] {
        assert!(!html.contains(outside), "docs page loads something from outside ({outside}): {html}");
    }
    // No inline script (the CSP forbids it): every script comes from the same server.
    assert_eq!(html.matches("<script").count(), html.matches("<script src=\"./").count(), "{html}");
    for asset in ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"] {
        let res = client().get(format!("{}/api/docs/{asset}", app.base_url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{asset}");
    }
    let init = client().get(format!("{}/api/docs/swagger-initializer.js", app.base_url)).send().await.unwrap().text().await.unwrap();
    assert!(init.contains("/api/openapi.json"), "{init}");
    // /api/docs without the slash leads there.
    let res = client().get(format!("{}/api/docs", app.base_url)).send().await.unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(location(&res), "/api/docs/");
}

fn assert_security_headers(res: &reqwest::Response, docs: bool) {
    let h = res.headers();
    let csp = header_str(h, CONTENT_SECURITY_POLICY);
    assert!(csp.contains("default-src 'self'"), "{} csp: {csp}", res.url());
    assert!(csp.contains("frame-ancestors 'none'"), "{} csp: {csp}", res.url());
    if !docs {
        assert!(!csp.contains("unsafe-inline"), "{} csp allows inline code: {csp}", res.url());
    }
    assert!(!csp.contains("unsafe-eval"), "{} csp: {csp}", res.url());
    assert_eq!(header_str(h, X_CONTENT_TYPE_OPTIONS), "nosniff", "{}", res.url());
    assert!(!header_str(h, REFERRER_POLICY).is_empty(), "{} has no Referrer-Policy", res.url());
}

#[tokio::test]
async fn pages_and_api_answers_carry_a_strict_content_security_policy_and_the_other_security_headers() {
    let app = spawn_app().await;
    let c = client();
    let page = c.get(format!("{}/login", app.base_url)).send().await.unwrap();
    assert_security_headers(&page, false);
    let api = c.get(format!("{}/api/v1/me", app.base_url)).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert_security_headers(&api, false);
    let redirect = c.get(format!("{}/members", app.base_url)).send().await.unwrap();
    assert_eq!(redirect.status(), StatusCode::SEE_OTHER);
    assert_security_headers(&redirect, false);
    let docs = c.get(format!("{}/api/docs/", app.base_url)).send().await.unwrap();
    assert_security_headers(&docs, true);
    // No HSTS over plain HTTP; HSTS when a proxy says the client used TLS.
    assert!(page.headers().get("strict-transport-security").is_none());
    let tls = c.get(format!("{}/login", app.base_url)).header("x-forwarded-proto", "https").send().await.unwrap();
    assert!(header_str(tls.headers(), "strict-transport-security").contains("max-age="));
}

#[tokio::test]
async fn the_login_page_in_demo_mode_lists_the_demo_accounts_and_their_password() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    let html = b.page("/login").await;
    for role in ROLES {
        assert!(html.contains(&format!("<code>{role}</code>")), "demo account {role} missing: {html}");
    }
    assert!(html.contains(DEMO_PASSWORD));
    assert!(html.contains("演示账号"));
    assert!(html.contains("<html lang=\"zh-CN\""));
}

#[tokio::test]
async fn the_login_page_outside_demo_mode_shows_no_demo_accounts() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    let html = b.page("/login").await;
    assert!(!html.contains("演示账号"));
    assert!(!html.contains(DEMO_PASSWORD));
}

#[tokio::test]
async fn each_demo_role_lands_on_its_own_home_page() {
    let app = spawn_demo_app().await;
    let expected = [("admin", "系统管理"), ("staff", "机关工作台"), ("member", "我的履职"), ("unit", "承办单位工作台"), ("leader", "领导督办")];
    for (user, heading) in expected {
        let mut b = Browser::new(&app);
        b.login_ok(user, DEMO_PASSWORD).await;
        let html = b.page("/").await;
        assert_eq!(h1(&html), heading, "home of {user}");
    }
}

#[tokio::test]
async fn the_large_text_switch_is_remembered_in_a_cookie_and_enlarges_the_next_page() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    let html = b.page("/").await;
    assert!(html.contains("<html lang=\"zh-CN\">"), "normal size first");
    let res = b.post_form("/prefs/text-size", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find(|c| c.starts_with("eline_text=")).unwrap_or("").to_string();
    assert!(cookie.starts_with("eline_text=large"), "set-cookie: {cookie}");
    let html = b.page("/").await;
    assert!(html.contains("<html lang=\"zh-CN\" class=\"large\">"), "{}", &html[..200]);
    assert!(html.contains("标准字号"), "the switch now offers the normal size");
    // And back.
    let res = b.post_form("/prefs/text-size", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = b.page("/").await;
    assert!(html.contains("<html lang=\"zh-CN\">"));
}

#[tokio::test]
async fn the_large_text_switch_works_on_the_login_page_before_logging_in() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    b.page("/login").await;
    let res = b.post_form("/prefs/text-size", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = b.page("/login").await;
    assert!(html.contains("<html lang=\"zh-CN\" class=\"large\">"));
}

#[tokio::test]
async fn an_unknown_page_is_a_chinese_404_page() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    for path in ["/no-such-page", "/directory/no-such-kind", "/members/999999999"] {
        let res = b.get(path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(header_str(res.headers(), CONTENT_TYPE).starts_with("text/html"), "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains("页面不存在"), "{path}: {html}");
        assert!(html.contains("<html lang=\"zh-CN\""));
    }
    // Also without logging in.
    let res = client().get(format!("{}/no-such-page", app.base_url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("页面不存在"));
}

#[tokio::test]
async fn an_unknown_api_path_is_a_404_problem() {
    let app = spawn_demo_app().await;
    let anon = Api::anon(&app);
    assert_problem(anon.get("/api/v1/no-such-thing/1/2").await, 404, "not_found").await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    assert_problem(staff.get("/api/v1/no-such-thing").await, 404, "not_found").await;
    assert_problem(staff.get("/api/v1/sectors/999999999").await, 404, "not_found").await;
    assert_problem(staff.get("/api/v1/sectors/not-a-number").await, 404, "not_found").await;
    assert_problem(staff.get("/api/v2/members").await, 404, "not_found").await;
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let app = spawn_app().await;
    let res = client().get(format!("{}/api/v1/me", app.base_url)).send().await.unwrap();
    assert!(!header_str(res.headers(), "x-request-id").is_empty());
    let res = client().get(format!("{}/login", app.base_url)).header("x-request-id", "trace-123").send().await.unwrap();
    assert_eq!(header_str(res.headers(), "x-request-id"), "trace-123", "a caller's request id is kept");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site() {
    let app = spawn_app().await;
    create_user(&app, "clerk", &["staff"], None, None).await;
    // Before login there is no session (a form cookie carries the login form's token); the
    // session cookie comes with the login.
    let mut b = Browser::new(&app);
    let res = b.get("/login").await;
    assert!(res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).all(|c| !c.starts_with("eline_session=")));
    let form =
        res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find(|c| c.starts_with("eline_form=")).expect("form cookie").to_string();
    assert!(form.contains("HttpOnly") && form.contains("SameSite=Lax"), "{form}");
    let res = b.login("clerk", PASSWORD).await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("eline_session="))
        .expect("session cookie")
        .to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax") || cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
}

/// What a client generated from the document meets at the edges: a method a path lacks is a
/// problem with `Allow`; a 401 names the Bearer scheme; a create names the new record; every
/// operation has a readable id and a summary.
#[tokio::test]
async fn the_api_answers_wrong_methods_missing_tokens_and_creates_as_documented() {
    let app = spawn_demo_app().await;
    let anon = Api::anon(&app);
    let res = anon.req(reqwest::Method::DELETE, "/api/v1/me").send().await.unwrap();
    assert_eq!(header_str(res.headers(), "allow"), "GET,HEAD");
    assert_problem(res, 405, "method_not_allowed").await;
    let res = anon.get("/api/v1/me").await;
    assert_eq!(header_str(res.headers(), "www-authenticate"), "Bearer realm=\"eline\"");

    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let body = serde_json::json!({"title": "关于地址头的提案", "body": "情况分析和具体建议。".repeat(10), "kind": "individual"});
    let res = member.post("/api/v1/proposals", &body).await;
    let at = location(&res);
    let created = json_of(res, 201).await;
    assert_eq!(at, format!("/api/v1/proposals/{}", created["id"]));
    assert_eq!(member.get_json(&at).await["title"], "关于地址头的提案");
    // A create without a record to read (a token) names none.
    let res = member.post("/api/v1/tokens", &serde_json::json!({"name": "脚本"})).await;
    assert!(res.headers().get("location").is_none());

    let doc: Value = json_of(anon.get("/api/openapi.json").await, 200).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or("");
            assert!(id.contains('.') && !id.ends_with("_2"), "{method} {path}: operation id {id}");
            assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{method} {path}: no summary");
        }
    }
}
