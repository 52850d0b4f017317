//! Shared helpers: API clients with bearer tokens, a browser with cookies and CSRF tokens,
//! problem+json assertions, and fixtures made through the application layer.

#![allow(dead_code)]

use eline_app::auth::system_actor;
use eline_app::users::UserInput;
use eline_domain::Actor;
use eline_web::testing::TestApp;
use reqwest::header::{self, HeaderMap};
use reqwest::redirect::Policy;
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

pub use eline_app::demo::DEMO_PASSWORD;

/// The demo accounts, one per role (username = role).
pub const ROLES: [&str; 5] = ["admin", "staff", "member", "unit", "leader"];

/// A password good enough for `check_new_password`.
pub const PASSWORD: &str = "Zhengxie2024";

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An HTTP client that does not follow redirects (tests look at the 303 itself).
pub fn client() -> Client {
    Client::builder().redirect(Policy::none()).build().expect("client")
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// True when the text contains at least one CJK character.
pub fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

pub fn header_str(headers: &HeaderMap, name: impl header::AsHeaderName) -> String {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

pub fn location(res: &Response) -> String {
    header_str(res.headers(), header::LOCATION)
}

/// Checks an error answer: the status, `application/problem+json`, the `code`, the `status`
/// field and a Chinese `title` and `detail`. Returns the body.
pub async fn assert_problem(res: Response, status: u16, code: &str) -> Value {
    let got = res.status().as_u16();
    let ct = header_str(res.headers(), header::CONTENT_TYPE);
    let url = res.url().to_string();
    let text = res.text().await.expect("body");
    assert_eq!(got, status, "status of {url}: body {text}");
    assert!(ct.starts_with("application/problem+json"), "content-type of {url} is {ct:?}, body {text}");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("problem body of {url} is not JSON ({e}): {text}"));
    assert_eq!(v["code"], code, "code of {url}: {v}");
    assert_eq!(v["status"], status, "status field of {url}: {v}");
    assert!(has_chinese(v["detail"].as_str().unwrap_or("")), "detail of {url} should be Chinese: {v}");
    assert!(has_chinese(v["title"].as_str().unwrap_or("")), "title of {url} should be Chinese: {v}");
    v
}

/// The `errors` of a problem as (field, message) pairs.
pub fn field_errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|list| list.iter().map(|e| (e["field"].as_str().unwrap_or("").to_string(), e["message"].as_str().unwrap_or("").to_string())).collect())
        .unwrap_or_default()
}

/// The message of the error against `field`, panicking with the whole problem when absent.
pub fn error_for(problem: &Value, field: &str) -> String {
    field_errors(problem).into_iter().find(|(f, _)| f == field).map(|(_, m)| m).unwrap_or_else(|| panic!("expected an error for field {field:?} in {problem}"))
}

/// Reads a JSON body after checking the status.
pub async fn json_of(res: Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let url = res.url().to_string();
    let text = res.text().await.expect("body");
    assert_eq!(got, status, "status of {url}: body {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("body of {url} is not JSON ({e}): {text}"))
}

/// A JSON API client, anonymous or with a bearer token.
#[derive(Clone)]
pub struct Api {
    pub client: Client,
    pub base: String,
    pub token: Option<String>,
}

impl Api {
    pub fn anon(app: &TestApp) -> Api {
        Api { client: client(), base: app.base_url.clone(), token: None }
    }

    pub fn with_token(app: &TestApp, token: &str) -> Api {
        Api { client: client(), base: app.base_url.clone(), token: Some(token.to_string()) }
    }

    /// Logs in through `POST /api/v1/auth/login`; panics unless it succeeds.
    pub async fn login(app: &TestApp, username: &str, password: &str) -> Api {
        let anon = Api::anon(app);
        let res = anon.post("/api/v1/auth/login", &json!({"username": username, "password": password})).await;
        let v = json_of(res, 200).await;
        let token = v["token"].as_str().expect("token").to_string();
        Api::with_token(app, &token)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn req(&self, method: Method, path: &str) -> RequestBuilder {
        let b = self.client.request(method, self.url(path));
        match &self.token {
            Some(t) => b.bearer_auth(t),
            None => b,
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.req(Method::GET, path).send().await.expect("send")
    }

    /// GET that must answer 200 with JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        json_of(self.get(path).await, 200).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.req(Method::POST, path).json(body).send().await.expect("send")
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.req(Method::PATCH, path).json(body).send().await.expect("send")
    }

    /// Every item of a list, following `next_cursor`.
    pub async fn list_all(&self, path: &str) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!("{path}{sep}limit=200&cursor={c}"),
                None => format!("{path}{sep}limit=200"),
            };
            let v = self.get_json(&url).await;
            items.extend(v["items"].as_array().cloned().unwrap_or_default());
            match v["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        items
    }

    /// Uploads `bytes` as the `file` field of a multipart form.
    pub async fn upload(&self, path: &str, file_name: &str, bytes: Vec<u8>) -> Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string());
        let form = reqwest::multipart::Form::new().part("file", part);
        self.req(Method::POST, path).multipart(form).send().await.expect("send")
    }
}

/// The value of the first `name="_csrf" value="…"` in a page.
pub fn extract_csrf(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// The text of the first `<h1>`.
pub fn h1(html: &str) -> String {
    let Some(start) = html.find("<h1") else { return String::new() };
    let Some(open_end) = html[start..].find('>') else { return String::new() };
    let from = start + open_end + 1;
    let end = html[from..].find("</h1>").map(|e| from + e).unwrap_or(html.len());
    html[from..end].trim().to_string()
}

/// A browser: keeps cookies, does not follow redirects, knows the page's CSRF token.
pub struct Browser {
    pub client: Client,
    pub base: String,
    pub csrf: Option<String>,
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        let client = Client::builder().redirect(Policy::none()).cookie_store(true).build().expect("client");
        Browser { client, base: app.base_url.clone(), csrf: None }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET a page; remembers its CSRF token when it has one.
    pub async fn get(&mut self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("send")
    }

    /// GET a page that must answer 200; returns the HTML and remembers the CSRF token.
    pub async fn page(&mut self, path: &str) -> String {
        let res = self.get(path).await;
        let status = res.status();
        let loc = location(&res);
        let html = res.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "GET {path} (location {loc:?}): {}", &html[..html.len().min(600)]);
        if let Some(t) = extract_csrf(&html) {
            self.csrf = Some(t);
        }
        html
    }

    /// POST a form as is (no CSRF token added).
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client.post(self.url(path)).form(fields).send().await.expect("send")
    }

    /// POST a form with the CSRF token of the last page.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf.clone().expect("no CSRF token yet: GET a page first");
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("_csrf", &csrf));
        self.client.post(self.url(path)).form(&all).send().await.expect("send")
    }

    /// Logs in through the form; returns the answer to the POST (303 on success).
    pub async fn login(&mut self, username: &str, password: &str) -> Response {
        self.page("/login").await;
        self.post_form("/login", &[("username", username), ("password", password)]).await
    }

    /// Logs in and expects to land on the home page.
    pub async fn login_ok(&mut self, username: &str, password: &str) {
        let res = self.login(username, password).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "login as {username}: {}", res.text().await.unwrap_or_default());
        assert_eq!(location(&res), "/");
        // The session id and CSRF token change at login: read them again.
        self.page("/").await;
    }
}

/// The acting identity of the command line for a committee (an admin).
pub fn system(app: &TestApp) -> Actor {
    system_actor(app.committee_id)
}

/// Creates an account directly in the application (no password change required).
pub async fn create_user(app: &TestApp, username: &str, roles: &[&str], member_id: Option<i64>, unit_id: Option<i64>) -> i64 {
    let input = UserInput {
        username: username.into(),
        password: PASSWORD.into(),
        display_name: format!("测试用户{username}"),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        member_id,
        unit_id,
        organization_id: None,
    };
    app.state.app.create_user(&system(app), &input, false).await.expect("create user").id
}

/// The id of the demo account `username`.
pub async fn user_id(app: &TestApp, username: &str) -> i64 {
    let mut c = app.state.app.db.acquire().await.expect("conn");
    eline_storage::users::get_by_username(&mut c.ex(), username).await.expect("query").expect("user exists").id
}

/// Active members of a committee, counted in storage.
pub async fn member_count(app: &TestApp, committee_id: i64) -> i64 {
    let mut c = app.state.app.db.acquire().await.expect("conn");
    eline_storage::members::count_active(&mut c.ex(), committee_id).await.expect("count")
}

/// Creates a sector through the application as the command line.
pub async fn create_sector(app: &TestApp, name: &str) -> i64 {
    let input = eline_app::directory::DirectoryInput { name: name.into(), ..Default::default() };
    app.state.app.create_directory(&system(app), eline_domain::org::DirectoryKind::Sector, &input).await.expect("sector").id
}

/// Creates a member through the application as the command line.
pub async fn create_member(app: &TestApp, name: &str, sector_id: i64) -> i64 {
    let input = eline_domain::member::MemberInput { name: name.into(), sector_id: Some(sector_id), ..Default::default() };
    app.state.app.create_member(&system(app), &input).await.expect("member").id
}

/// Names of the active sectors of the app's committee, in display order.
pub async fn sector_names(app: &TestApp) -> Vec<String> {
    app.state.app.directory_choices(&system(app), eline_domain::org::DirectoryKind::Sector).await.expect("sectors").into_iter().map(|e| e.name).collect()
}

/// The audit chain must verify.
pub async fn assert_audit_chain_ok(app: &TestApp) {
    match app.state.app.verify_audit().await.expect("verify") {
        Ok(n) => assert!(n > 0, "the audit log should not be empty"),
        Err(broken) => panic!("audit chain broken: {broken:?}"),
    }
}
