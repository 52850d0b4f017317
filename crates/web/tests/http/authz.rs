//! Every API route of the OpenAPI document and every main page, for every role: the answer the
//! policy implies. A route missing from the tables below fails the test, so new routes must be
//! added here with their expected answers.

use std::collections::{BTreeSet, HashMap};

use eline_app::auth::system_actor;
use eline_domain::org::DirectoryKind;
use eline_web::testing::{TestApp, spawn_demo_app};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

use crate::authz_table::{API, PAGES, WHO};

const KINDS: [&str; 5] = ["sectors", "committees", "organizations", "units", "work-stations"];

/// Records the matrix acts on, made for it so that writes touch nothing else.
struct Fixture {
    directory: HashMap<&'static str, i64>,
    session_id: i64,
    member_id: i64,
    own_member_id: i64,
    user_id: i64,
    sector_name: String,
    /// An issued bulletin issue.
    bulletin_id: i64,
}

async fn fixture(app: &TestApp) -> Fixture {
    let actor = system_actor(app.committee_id);
    let a = &app.state.app;
    let mut directory = HashMap::new();
    for slug in KINDS {
        let kind = DirectoryKind::from_slug(slug).unwrap();
        let category = match kind {
            DirectoryKind::Organization => Some("party".to_string()),
            DirectoryKind::Unit => Some("government".to_string()),
            _ => None,
        };
        let input = eline_app::directory::DirectoryInput { name: format!("授权测试{}", kind.label()), category, ..Default::default() };
        directory.insert(slug, a.create_directory(&actor, kind, &input).await.unwrap().id);
    }
    let session = eline_app::directory::SessionInput { term_number: Some(14), session_number: Some(1), year: Some(2027), ..Default::default() };
    let session_id = a.create_session(&actor, &session).await.unwrap().id;
    let sector_name = sector_names(app).await[0].clone();
    let sector = a.directory_choices(&actor, DirectoryKind::Sector).await.unwrap()[0].id;
    let member_id = create_member(app, "授权测试委员", sector).await;
    let user_id = create_user(app, "authz.target", &["staff"], None, None).await;
    let member = Api::login(app, "member", DEMO_PASSWORD).await;
    let own_member_id = member.get_json("/api/v1/me").await["member_id"].as_i64().expect("the demo member account is linked");
    assert_ne!(own_member_id, member_id);
    let bulletin_id = crate::bulletins::bulletin_fixture(app, 0, true).await.0;
    Fixture { directory, session_id, member_id, own_member_id, user_id, sector_name, bulletin_id }
}

/// The record a write acts on, for reading its current version (as the admin).
fn record_path(concrete: &str) -> String {
    concrete.trim_end_matches("/archive").trim_end_matches("/restore").trim_end_matches("/reset-password").to_string()
}

struct Caller {
    who: &'static str,
    api: Api,
    /// A spare token of the caller, for the revoke route.
    spare_token: Option<i64>,
}

fn code_of(status: u16) -> Option<&'static str> {
    match status {
        401 => Some("unauthenticated"),
        409 => Some("invalid_transition"),
        403 => Some("forbidden"),
        404 => Some("not_found"),
        422 => Some("validation_failed"),
        _ => None,
    }
}

#[tokio::test]
async fn every_api_route_answers_every_role_as_the_policy_says() {
    let app = spawn_demo_app().await;
    let fx = fixture(&app).await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;

    // The routes of the document must be exactly the routes of the table.
    let spec = json_of(Api::anon(&app).get("/api/openapi.json").await, 200).await;
    let mut in_spec = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete", "head", "options", "trace"] {
            if item.get(method).is_some() {
                in_spec.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let in_table: BTreeSet<(String, String)> = API.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    let show = |set: Vec<&(String, String)>| set.iter().map(|(m, p)| format!("  {m} {p}")).collect::<Vec<_>>().join("\n");
    // Checked at the end, so that the known routes are still exercised when new ones appear.
    let mut failures = Vec::new();
    let untested: Vec<_> = in_spec.difference(&in_table).collect();
    if !untested.is_empty() {
        failures.push(format!("routes in /api/openapi.json without an expectation in authz.rs — add them to API:\n{}", show(untested)));
    }
    let stale: Vec<_> = in_table.difference(&in_spec).collect();
    if !stale.is_empty() {
        failures.push(format!("expectations for routes that are not in the OpenAPI document:\n{}", show(stale)));
    }

    let mut callers = Vec::new();
    for who in WHO {
        if who == "anonymous" {
            callers.push(Caller { who, api: Api::anon(&app), spare_token: None });
            continue;
        }
        let api = Api::login(&app, who, DEMO_PASSWORD).await;
        let spare = json_of(api.post("/api/v1/tokens", &json!({"name": "备用"})).await, 201).await["token"]["id"].as_i64();
        callers.push(Caller { who, api, spare_token: spare });
    }

    let mut counter = 0;
    let mut checked = 0;
    for (method, template, expected) in API {
        if !in_spec.contains(&(method.to_string(), template.to_string())) {
            continue;
        }
        let expansions: Vec<(String, Option<&str>)> = if template.contains("{kind}") {
            KINDS.iter().map(|k| (template.replace("{kind}", k), Some(*k))).collect()
        } else {
            vec![(template.to_string(), None)]
        };
        for (path, kind) in expansions {
            for (i, caller) in callers.iter().enumerate() {
                counter += 1;
                let proposal = if template.starts_with("/api/v1/proposals/") {
                    Some(filed_proposal(&app, counter).await)
                } else if template.starts_with("/api/v1/opinions/") {
                    Some(submitted_opinion(&app, counter).await)
                } else {
                    None
                };
                let bulletin = crate::bulletins::matrix_fixture(&app, template, counter).await;
                let activity = crate::activities::matrix_fixture(&app, template, counter).await;
                let of_member = template.starts_with("/api/v1/members/") || template.starts_with("/api/v1/activities/stats/members/");
                let id = match (template.starts_with("/api/v1/tokens/"), template.starts_with("/api/v1/users/"), of_member, kind) {
                    _ if proposal.is_some() => proposal.map(|p| p.0).unwrap_or(0),
                    _ if template.starts_with("/api/v1/instructions/{id}") => instruction_on_filed(&app, counter).await,
                    _ if bulletin.is_some() => bulletin.map(|b| b.0).unwrap_or(0),
                    _ if activity.is_some() => activity.as_ref().map(|m| m.id).unwrap_or(0),
                    _ if template.starts_with("/api/v1/reply-templates/") => unit_template(&app, counter).await,
                    _ if template.starts_with("/api/v1/notifications/{id}") => crate::notifications::own_notification(&app, caller.who).await,
                    _ if template.starts_with("/api/v1/admin/notifications/{id}") => crate::notifications::pending_message(&app).await,
                    (true, ..) => caller.spare_token.unwrap_or(1),
                    (_, true, ..) => fx.user_id,
                    (_, _, true, _) => fx.member_id,
                    (_, _, _, Some(k)) => fx.directory[k],
                    _ => fx.session_id,
                };
                let file_id = proposal.map(|p| p.1).or(activity.as_ref().and_then(|m| m.file_id)).unwrap_or(0);
                let item = bulletin.map(|b| b.1).unwrap_or(0).to_string();
                let concrete = path.replace("{id}", &id.to_string()).replace("{date}", "2027-03-01").replace("{file_id}", &file_id.to_string());
                let concrete = concrete.replace("{opinion_id}", &item);
                let version = if proposal.is_none()
                    && bulletin.is_none()
                    && activity.is_none()
                    && !template.starts_with("/api/v1/reply-templates/")
                    && !template.starts_with("/api/v1/uploads/")
                    && (*method == "PATCH" || concrete.ends_with("/archive") || concrete.ends_with("/restore"))
                {
                    admin.get_json(&record_path(&concrete)).await["version"].clone()
                } else {
                    Value::Null
                };
                let mut body = body_for(method, template, kind, caller.who, counter, &version, &fx);
                if *template == "/api/v1/proposals/assign" {
                    body = json!({"ids": [id], "lead_unit_id": fx.directory["units"]});
                }
                if (*method, *template) == ("POST", "/api/v1/instructions") {
                    let p = filed_proposal(&app, 200_000 + counter).await.0;
                    body = json!({"record_kind": "proposal", "record_id": p, "leader_name": "张明", "leader_post": "市长", "rank": "city",
                        "given_on": "2026-01-05", "gist": "请研究办理。"});
                }
                if let Some(b) = bulletin {
                    body = crate::bulletins::matrix_body(method, template, b, counter);
                }
                if let Some(m) = &activity {
                    body = crate::activities::matrix_body(method, template, m, counter);
                }
                if (*method, *template) == ("POST", "/api/v1/proposals/{id}/links") {
                    let later = filed_proposal(&app, 100_000 + counter).await.0;
                    body = json!({"to": {"kind": "proposal", "id": later}, "relation": "led_to"});
                }
                let res = match (*method, *template) {
                    ("POST", "/api/v1/proposals/{id}/attachments/from-upload") => {
                        // A finished upload of the caller's own (anonymous callers have none).
                        let upload = finished_upload(&caller.api, b"%PDF-1.4 more").await;
                        caller.api.post(&concrete, &json!({"upload_id": upload, "purpose": "proposal"})).await
                    }
                    ("POST", "/api/v1/members/accounts") => {
                        let fresh = fresh_member(&admin, &fx, counter).await;
                        caller.api.post(&concrete, &json!({"member_ids": [fresh], "rule": "pinyin"})).await
                    }
                    ("GET", "/api/v1/members/accounts/{batch}") => {
                        // A batch of the caller's own where the caller may open accounts.
                        let fresh = fresh_member(&admin, &fx, counter).await;
                        let opened = caller.api.post("/api/v1/members/accounts", &json!({"member_ids": [fresh], "rule": "pinyin"})).await;
                        let batch =
                            if opened.status() == 201 { opened.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string() } else { "b".repeat(32) };
                        caller.api.get(&format!("/api/v1/members/accounts/{batch}")).await
                    }
                    ("GET", "/api/v1/uploads/{id}") => caller.api.get(&format!("/api/v1/uploads/{}", started_upload(&caller.api, 4).await)).await,
                    ("PATCH", "/api/v1/uploads/{id}") => {
                        let path = format!("/api/v1/uploads/{}", started_upload(&caller.api, 4).await);
                        caller.api.req(Method::PATCH, &path).header("Upload-Offset", "0").body(b"%PDF".to_vec()).send().await.unwrap()
                    }
                    ("POST", "/api/v1/activities/{id}/attachments") => {
                        caller.api.upload(&format!("{concrete}?purpose=material"), "议程.pdf", b"%PDF-1.4 more".to_vec()).await
                    }
                    ("POST", "/api/v1/opinions/{id}/attachments") => {
                        caller.api.upload(&format!("{concrete}?purpose=material"), "材料.pdf", b"%PDF-1.4 more".to_vec()).await
                    }
                    ("POST", "/api/v1/proposals/{id}/attachments") => {
                        caller.api.upload(&format!("{concrete}?purpose=proposal"), "材料.pdf", b"%PDF-1.4 more".to_vec()).await
                    }
                    ("POST", "/api/v1/imports/proposals") => {
                        let csv = format!(
                            "届次*,标题*,类型*,提案者*,状态,不立案理由\n十三届一次会议,关于矩阵导入第{counter}号的提案,集体,{},不立案,没有具体建议\n",
                            "授权测试党派团体"
                        );
                        caller.api.upload(&concrete, "history.csv", csv.into_bytes()).await
                    }
                    ("POST", "/api/v1/opinions/import") => {
                        let csv = format!("年度*,标题*,报送者*,状态*\n2025,关于矩阵导入第{counter}号的信息,矩阵信息员,留存\n");
                        caller.api.upload(&concrete, "history.csv", csv.into_bytes()).await
                    }
                    ("POST", "/api/v1/imports/members") => {
                        let csv = format!("姓名*,界别*\n矩阵导入{counter},{}\n", fx.sector_name);
                        caller.api.upload(&concrete, "import.csv", csv.into_bytes()).await
                    }
                    ("POST", "/api/v1/auth/refresh") => {
                        // A refresh token of a session of its own (open route: anonymous callers too).
                        let who = if caller.who == "anonymous" { "admin" } else { caller.who };
                        let login = json!({"username": who, "password": DEMO_PASSWORD, "device": format!("矩阵设备{counter}")});
                        let pair = json_of(Api::anon(&app).post("/api/v1/auth/login", &login).await, 200).await;
                        caller.api.post(&concrete, &json!({"refresh_token": pair["refresh_token"]})).await
                    }
                    ("POST", "/api/v1/auth/logout") if caller.who != "anonymous" => {
                        // Log out a token of its own, so that the caller's main token lives on.
                        Api::login(&app, caller.who, DEMO_PASSWORD).await.post(&concrete, &json!({})).await
                    }
                    _ => caller.api.req(Method::from_bytes(method.as_bytes()).unwrap(), &concrete).json(&body).send().await.unwrap(),
                };
                checked += 1;
                let status = res.status().as_u16();
                let want = expected[i];
                if status != want {
                    let text = res.text().await.unwrap_or_default();
                    failures.push(format!("{method} {concrete} as {}: got {status}, expected {want}: {}", caller.who, &text[..text.len().min(300)]));
                    continue;
                }
                if let Some(code) = code_of(status) {
                    let ct = header_str(res.headers(), reqwest::header::CONTENT_TYPE);
                    let v: Value = res.json().await.unwrap_or(Value::Null);
                    if !ct.starts_with("application/problem+json") || v["code"] != code {
                        failures.push(format!("{method} {concrete} as {}: {status} should be problem+json with code {code}, got {ct} {v}", caller.who));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} problems ({checked} requests made):\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= API.len() * WHO.len());
    assert_audit_chain_ok(&app).await;
}

/// A member made for one request (without an account).
async fn fresh_member(admin: &Api, fx: &Fixture, n: usize) -> i64 {
    let body = json!({"name": format!("开户委员{n}"), "sector_id": fx.directory["sectors"]});
    json_of(admin.post("/api/v1/members", &body).await, 201).await["id"].as_i64().unwrap()
}

/// The id of an upload of `size` bytes the caller started (a made-up one for anonymous callers).
async fn started_upload(api: &Api, size: i64) -> String {
    if api.token.is_none() {
        return "a".repeat(32);
    }
    let started = json_of(api.post("/api/v1/uploads", &json!({"file_name": "材料.pdf", "size": size})).await, 201).await;
    started["id"].as_str().expect("upload id").to_string()
}

/// The id of an upload of the caller holding `bytes`, all sent.
async fn finished_upload(api: &Api, bytes: &[u8]) -> String {
    let id = started_upload(api, bytes.len() as i64).await;
    if api.token.is_some() {
        let res = api.req(Method::PATCH, &format!("/api/v1/uploads/{id}")).header("Upload-Offset", "0").body(bytes.to_vec()).send().await.unwrap();
        assert_eq!(res.status(), 200);
    }
    id
}

/// A valid body for the route (so that allowed callers succeed), unique where names must be.
fn body_for(method: &str, template: &str, kind: Option<&str>, who: &str, n: usize, version: &Value, fx: &Fixture) -> Value {
    match (method, template) {
        ("POST", "/api/v1/auth/login") => {
            let username = if who == "anonymous" { "admin" } else { who };
            json!({"username": username, "password": DEMO_PASSWORD})
        }
        ("POST", "/api/v1/auth/first-login") => {
            // Demo accounts need no first change: the route checks the password, then says so (422).
            let username = if who == "anonymous" { "admin" } else { who };
            json!({"username": username, "password": DEMO_PASSWORD, "new_password": "Xinmima2024"})
        }
        ("POST", "/api/v1/me/password") => json!({"current_password": "not-the-password-1", "password": "Xinmima2024", "confirm_password": "Xinmima2024"}),
        ("POST", "/api/v1/tokens") => json!({"name": format!("矩阵令牌{n}")}),
        ("POST", "/api/v1/uploads") => json!({"file_name": format!("材料{n}.pdf"), "size": 1024}),
        ("POST", "/api/v1/users") => json!({"username": format!("matrix.{n}"), "password": PASSWORD, "display_name": "矩阵用户", "roles": ["leader"]}),
        ("PATCH", "/api/v1/users/{id}") => json!({"display_name": format!("矩阵改名{n}"), "version": version}),
        ("POST", "/api/v1/users/{id}/reset-password") => json!({"password": "Linshi2024"}),
        ("POST", "/api/v1/members") => json!({"name": format!("矩阵委员{n}"), "sector_id": fx.directory["sectors"]}),
        ("PATCH", "/api/v1/members/{id}") => json!({"phone": format!("1380000{:04}", n % 10000), "version": version}),
        ("POST", "/api/v1/sessions") => json!({"term_number": 20 + (n % 70), "session_number": 1 + n / 70, "year": 2030}),
        ("PATCH", "/api/v1/sessions/{id}") => json!({"version": version}),
        ("POST", "/api/v1/{kind}") => {
            let category = match kind {
                Some("organizations") => json!("party"),
                Some("units") => json!("government"),
                _ => Value::Null,
            };
            json!({"name": format!("矩阵新建{n}"), "category": category})
        }
        ("PATCH", "/api/v1/{kind}/{id}") => json!({"sort_order": n % 1000, "version": version}),
        ("POST", "/api/v1/proposals") => {
            json!({"title": format!("关于矩阵测试第{n}号的提案"), "body": "情况分析和具体建议。".repeat(10), "kind": "individual"})
        }
        ("PATCH", "/api/v1/proposals/{id}") => json!({"title": "关于修改标题的提案", "version": 1}),
        ("POST", "/api/v1/proposals/{id}/cosign") => json!({"accept": true}),
        ("POST", "/api/v1/proposals/{id}/review") => json!({"decision": "file"}),
        ("POST", "/api/v1/proposals/{id}/assign") | ("POST", "/api/v1/proposals/{id}/reassign") => json!({"lead_unit_id": fx.directory["units"]}),
        ("POST", "/api/v1/proposals/{id}/object")
        | ("POST", "/api/v1/proposals/{id}/request_extension")
        | ("POST", "/api/v1/proposals/{id}/keep_assignment") => json!({"reason": "矩阵测试理由"}),
        ("POST", "/api/v1/proposals/{id}/contact") | ("POST", "/api/v1/proposals/{id}/co_opinion") | ("POST", "/api/v1/proposals/{id}/supervise") => {
            json!({"text": "矩阵测试记录"})
        }
        ("POST", "/api/v1/proposals/{id}/decide_extension") => json!({"approved": true}),
        ("POST", "/api/v1/proposals/{id}/reply") => json!({"class": "A", "text": "答复内容。".repeat(10), "signer": "张三"}),
        ("POST", "/api/v1/proposals/{id}/evaluate") => json!({"satisfaction": "satisfied"}),
        ("POST", "/api/v1/proposals/{id}/close") => json!({"comment": "办结"}),
        ("POST", "/api/v1/proposals/{id}/follow_up") => json!({"promise": "承诺事项"}),
        ("POST", "/api/v1/proposals/{id}/mark_key") => json!({"key": true}),
        // The matrix's proposals do not state the proposer's 公开意愿: the office gives its reason.
        ("POST", "/api/v1/proposals/{id}/publish") => json!({"published": true, "override_reason": "矩阵测试：机关决定公开"}),
        ("POST", "/api/v1/opinions") => json!({"title": format!("关于矩阵测试第{n}号的建议"), "body": "情况、问题和建议。"}),
        ("PATCH", "/api/v1/opinions/{id}") => json!({"title": "关于修改标题的建议", "version": 1}),
        ("POST", "/api/v1/opinions/{id}/revise") => json!({"title": format!("关于矩阵编辑第{n}号的建议"), "body": "编辑后的正文。"}),
        ("POST", "/api/v1/opinions/{id}/return") | ("POST", "/api/v1/opinions/{id}/keep") => json!({"reason": "矩阵测试理由"}),
        ("POST", "/api/v1/opinions/{id}/mark_direct") => json!({"direct": true}),
        ("POST", "/api/v1/opinions/{id}/record_outcome") => json!({"level": "city", "kind": "adopted", "decided_on": "2026-11-20"}),
        ("POST", "/api/v1/activities") => json!({"type": "study", "title": format!("矩阵新建活动{n}"), "place": "机关会议室",
            "starts_at": "2031-03-01T09:00", "ends_at": "2031-03-01T11:00"}),
        ("POST", "/api/v1/instructions/{id}/followups") => json!({"done_on": "2026-01-06", "by_whom": "市住建局", "what": "已部署落实"}),
        ("POST", "/api/v1/bulletins") => json!({"series": "opinion", "form": "digest", "title": format!("矩阵期刊{n}")}),
        ("POST", "/api/v1/reply-templates") => json!({"name": format!("模板{n}"), "text": "经研究，答复如下。"}),
        ("PUT", "/api/v1/calendar/{date}") => json!({"kind": "holiday", "name": "测试假日"}),
        ("PUT", "/api/v1/settings/proposal-deadlines") => json!({"reply": {"unit": "months", "n": 3}}),
        ("PUT", "/api/v1/settings/proposal-rules") => serde_json::to_value(eline_domain::proposal::ProposalRules::default()).unwrap(),
        ("PUT", "/api/v1/settings/committee-name") => json!({"full_name": "中国人民政治协商会议清河市委员会"}),
        _ if !version.is_null() => json!({"version": version}),
        _ => json!({}),
    }
}

/// A fresh reply template of the demo unit.
async fn unit_template(app: &TestApp, n: usize) -> i64 {
    let mut c = app.state.app.db.acquire().await.unwrap();
    let unit = eline_app::auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), "unit").await.unwrap().unwrap());
    drop(c);
    app.state.app.create_reply_template(&unit, &format!("矩阵模板{n}"), "答复内容").await.unwrap().id
}

/// A proposal of the demo member with one attached file, submitted and filed by staff (not
/// assigned): (proposal id, file id).
async fn filed_proposal(app: &TestApp, n: usize) -> (i64, i64) {
    let a = &app.state.app;
    let actor = |name: &'static str| async move {
        let mut c = app.state.app.db.acquire().await.unwrap();
        eline_app::auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.unwrap().unwrap())
    };
    let (member, staff) = (actor("member").await, actor("staff").await);
    let draft = eline_app::proposals::DraftInput {
        title: format!("关于授权矩阵第{n}号的提案"),
        body: "情况、分析和具体建议。".repeat(10),
        kind: Some("individual".into()),
        ..Default::default()
    };
    let id = a.create_proposal(&member, &draft).await.unwrap().id;
    let file = a.attach(&member, eline_domain::RecordRef::proposal(id), "proposal", "调研材料.pdf", b"%PDF-1.4 matrix").await.unwrap().id;
    a.act(&member, id, None, eline_app::proposals::ActionInput::Submit(Default::default())).await.unwrap();
    let review = eline_app::proposals::ActionInput::parse("review", json!({"decision": "file"}).clone()).unwrap();
    a.act(&staff, id, None, review).await.unwrap();
    (id, file)
}

/// A report of the demo member with one attached file, submitted (not yet taken by the office):
/// (report id, file id).
async fn submitted_opinion(app: &TestApp, n: usize) -> (i64, i64) {
    let a = &app.state.app;
    let mut c = a.db.acquire().await.unwrap();
    let member = eline_app::auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), "member").await.unwrap().unwrap());
    drop(c);
    let input = eline_app::opinions::OpinionDraft {
        title: format!("关于授权矩阵第{n}号的情况"), body: "情况、问题和建议。".into(), ..Default::default()
    };
    let id = a.create_opinion(&member, &input).await.unwrap().id;
    let record = eline_domain::RecordRef::new(eline_domain::RecordKind::OPINION, id);
    let file = a.attach(&member, record, "material", "调研材料.pdf", b"%PDF-1.4 matrix").await.unwrap().id;
    a.opinion_act(&member, id, None, eline_app::opinions::OpinionAction::Submit(Default::default())).await.unwrap();
    (id, file)
}

/// An instruction recorded by staff on a fresh filed proposal of the demo member.
async fn instruction_on_filed(app: &TestApp, n: usize) -> i64 {
    let p = eline_domain::RecordRef::proposal(filed_proposal(app, 300_000 + n).await.0);
    let mut c = app.state.app.db.acquire().await.unwrap();
    let staff = eline_app::auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), "staff").await.unwrap().unwrap());
    drop(c);
    let input = serde_json::from_value(json!({"leader_name": "张明", "leader_post": "市长", "rank": "city", "given_on": "2026-01-05", "gist": "请研究。"}));
    app.state.app.record_instruction(&staff, p, &input.unwrap()).await.unwrap().instruction.id
}

#[tokio::test]
async fn every_main_page_answers_every_role_as_the_policy_says() {
    let app = spawn_demo_app().await;
    let fx = fixture(&app).await;
    let mut failures = Vec::new();
    for (i, who) in WHO.iter().enumerate() {
        let mut b = Browser::new(&app);
        if *who != "anonymous" {
            b.login_ok(who, DEMO_PASSWORD).await;
        }
        for (template, expected) in PAGES {
            let path = template
                .replace("{id}", &fx.member_id.to_string())
                .replace("{own}", &fx.own_member_id.to_string())
                .replace("{unit}", &fx.directory["units"].to_string())
                .replace("{session}", &fx.session_id.to_string())
                .replace("{user}", &fx.user_id.to_string())
                .replace("{bulletin}", &fx.bulletin_id.to_string());
            let res = b.get(&path).await;
            let status = res.status().as_u16();
            let want = expected[i];
            let loc = location(&res);
            let ct = header_str(res.headers(), reqwest::header::CONTENT_TYPE);
            let body = res.text().await.unwrap_or_default();
            if status != want {
                failures.push(format!("GET {path} as {who}: got {status} (location {loc:?}), expected {want}"));
                continue;
            }
            let to_login = (loc == "/login" && path == "/") || (loc.starts_with("/login?next=%2F") && path != "/");
            match status {
                // To the login, which returns to the page asked for.
                303 if !to_login => failures.push(format!("GET {path} as {who}: redirected to {loc:?}, not to the login returning to the page")),
                403 | 404 if !(ct.starts_with("text/html") && has_chinese(&body) && body.contains("<html lang=\"zh-CN\"")) => {
                    failures.push(format!("GET {path} as {who}: {status} should be a Chinese page, got {ct}"))
                }
                200 if path.ends_with(".xlsx") && ct != XLSX => failures.push(format!("GET {path} as {who}: content-type {ct}")),
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "pages answered unexpectedly:\n{}", failures.join("\n"));
}
