//! Notifications through the pages and the API: the inbox a step fills, opening an item, marking
//! read (by module), another person's items, the header's badge, the preferences, and the
//! administrator's page (failed messages and retry, the webhook, the reminder rules). The live
//! stream is in `notification_live.rs`.

use eline_storage::notifications::{self as store, NewNotification};
use eline_web::testing::{TestApp, spawn_demo_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// A notification of `kind` for `user_id`, written directly (the filters and marks are what is
/// tested; the steps that write them are tested through their actions).
pub(crate) async fn notify(app: &TestApp, user_id: i64, kind: &str, record: (&str, i64), title: &str) -> i64 {
    let mut c = app.state.app.db.acquire().await.unwrap();
    let n = NewNotification {
        committee_id: app.committee_id,
        user_id,
        kind,
        record_type: record.0,
        record_id: record.1,
        title,
        message: "测试通知的内容",
        once_key: None,
    };
    store::insert(&mut c.ex(), &n).await.unwrap().expect("a new notification")
}

/// A notification of the demo account `who` (the authorization matrix's `{id}`).
pub(crate) async fn own_notification(app: &TestApp, who: &str) -> i64 {
    let who = if who == "anonymous" { "member" } else { who };
    let uid = user_id(app, who).await;
    notify(app, uid, "proposal.filed", ("proposal", 1), "关于矩阵通知的提案").await
}

/// A message waiting to be sent (the matrix's retry `{id}`).
pub(crate) async fn pending_message(app: &TestApp) -> i64 {
    let admin = user_id(app, "admin").await;
    let mut c = app.state.app.db.acquire().await.unwrap();
    store::new_message(&mut c.ex(), app.committee_id, admin, "email", "immediate").await.unwrap()
}

/// A member's proposal, submitted (the office is told): its id.
pub(crate) async fn submitted_proposal(member: &Api, title: &str) -> i64 {
    let body = json!({"title": title, "body": "情况、分析和具体建议。".repeat(10), "kind": "individual"});
    let id = json_of(member.post("/api/v1/proposals", &body).await, 201).await["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    id
}

/// The API's items of the caller that are about proposal `id`.
async fn about(api: &Api, id: i64) -> Vec<Value> {
    api.list_all("/api/v1/notifications").await.into_iter().filter(|n| n["target_type"] == "proposal" && n["target_id"] == id).collect()
}

async fn unread(api: &Api) -> i64 {
    api.get_json("/api/v1/notifications/unread-count").await["unread"].as_i64().unwrap()
}

/// An account of a fresh member, with nothing in its inbox.
async fn fresh_member_account(app: &TestApp, username: &str) -> (i64, Api, Browser) {
    let sector = create_sector(app, &format!("{username}界")).await;
    let member = create_member(app, &format!("{username}委员"), sector).await;
    let uid = create_user(app, username, &["member"], Some(member), None).await;
    let api = Api::login(app, username, PASSWORD).await;
    let mut b = Browser::new(app);
    b.login_ok(username, PASSWORD).await;
    (uid, api, b)
}

#[tokio::test]
async fn filing_a_proposal_tells_its_proposer_in_the_inbox_page_and_the_api_and_no_one_else() {
    let app = spawn_demo_app().await;
    let (member, staff, unit) =
        (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await, Api::login(&app, "unit", DEMO_PASSWORD).await);
    let id = submitted_proposal(&member, "关于完善城市应急避难场所的提案").await;
    // The office is told of the submission; the proposer is not told of their own step.
    assert_eq!(about(&staff, id).await.iter().map(|n| n["kind"].clone()).collect::<Vec<_>>(), vec![json!("proposal.submitted")]);
    assert!(about(&member, id).await.is_empty());
    let before = unread(&member).await;

    json_of(staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    let items = about(&member, id).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let n = &items[0];
    assert_eq!(n["kind"], "proposal.filed");
    assert_eq!(n["kind_label"], "提案已立案");
    assert_eq!(n["module_label"], "提案");
    assert_eq!(n["title"], "关于完善城市应急避难场所的提案");
    assert_eq!(n["url"], format!("/proposals/{id}"));
    assert_eq!(n["read"], false);
    assert!(n["message"].as_str().unwrap().contains("已立案"), "{n}");
    let created = n["created_at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(created).is_ok() && created.ends_with("+08:00"), "{created}");
    assert_eq!(unread(&member).await, before + 1);
    // Nobody else hears of the filing: not the office who filed it, not an unrelated unit.
    assert!(about(&staff, id).await.iter().all(|n| n["kind"] != "proposal.filed"));
    assert!(about(&unit, id).await.is_empty());

    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    let html = b.page("/notifications").await;
    assert_eq!(h1(&html), "通知");
    let at = html.find(&format!("href=\"/notifications/{}/open\"", n["id"])).expect("the item links to its opening");
    let li = &html[html[..at].rfind("<li").unwrap()..at + html[at..].find("</li>").unwrap()];
    assert!(li.contains("class=\"unread\"") && li.contains("未读") && li.contains("提案已立案") && li.contains("今天"), "{li}");
    assert!(li.contains("关于完善城市应急避难场所的提案"), "{li}");
    assert!(html.contains(&format!("aria-label=\"未读通知{}条\"", before + 1)), "the header's badge");
    // Only proposals: the item is there; only 批示: it is not.
    assert!(b.page("/notifications?module=proposal&unread=on").await.contains(&format!("/notifications/{}/open", n["id"])));
    assert!(!b.page("/notifications?module=instruction").await.contains(&format!("/notifications/{}/open", n["id"])));
}

#[tokio::test]
async fn opening_a_notification_marks_it_read_and_leads_to_its_record_but_not_another_persons() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let id = submitted_proposal(&member, "关于规范电动自行车停放充电的提案").await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    let nid = about(&member, id).await[0]["id"].as_i64().unwrap();
    let before = unread(&member).await;

    // Another person: not found, by page and API, and the owner's item stays unread.
    let mut other = Browser::new(&app);
    other.login_ok("staff", DEMO_PASSWORD).await;
    assert_eq!(other.get(&format!("/notifications/{nid}/open")).await.status(), StatusCode::NOT_FOUND);
    let p = assert_problem(staff.post(&format!("/api/v1/notifications/{nid}/read"), &json!({})).await, 404, "not_found").await;
    let q = assert_problem(staff.post("/api/v1/notifications/999999999/read", &json!({})).await, 404, "not_found").await;
    assert_eq!(p, q, "the same answer as for an id that does not exist");
    assert_eq!(unread(&member).await, before);

    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    let res = b.get(&format!("/notifications/{nid}/open")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/proposals/{id}"));
    assert_eq!(about(&member, id).await[0]["read"], true);
    assert_eq!(unread(&member).await, before - 1);
    // Opening it again leads there again and changes nothing.
    assert_eq!(location(&b.get(&format!("/notifications/{nid}/open")).await), format!("/proposals/{id}"));
    assert_eq!(unread(&member).await, before - 1);
    // The API marks read too and gives the record's address.
    let again = json_of(member.post(&format!("/api/v1/notifications/{nid}/read"), &json!({})).await, 200).await;
    assert_eq!((again["read"].clone(), again["url"].clone()), (json!(true), json!(format!("/proposals/{id}"))));
}

#[tokio::test]
async fn marking_all_read_keeps_to_the_module_chosen_and_the_list_pages_by_cursor() {
    let app = spawn_demo_app().await;
    let (uid, api, mut b) = fresh_member_account(&app, "tongzhi.a").await;
    let p1 = notify(&app, uid, "proposal.filed", ("proposal", 1), "提案甲").await;
    let p2 = notify(&app, uid, "proposal.replied", ("proposal", 2), "提案乙").await;
    notify(&app, uid, "opinion.adopted", ("opinion", 3), "信息丙").await;
    notify(&app, uid, "bulletin.issued", ("bulletin", 4), "期刊丁").await;
    notify(&app, uid, "instruction.recorded", ("instruction", 5), "批示戊").await;
    assert_eq!(unread(&api).await, 5);

    // 社情民意 holds the reports' and the bulletins' kinds.
    let opinions = api.get_json("/api/v1/notifications?module=opinion").await;
    let titles: Vec<_> = opinions["items"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(titles, ["期刊丁", "信息丙"]);
    let marked = json_of(api.post("/api/v1/notifications/read-all", &json!({"module": "opinion"})).await, 200).await;
    assert_eq!(marked["marked"], 2);
    assert_eq!(unread(&api).await, 3);
    let unread_titles: Vec<_> = api.list_all("/api/v1/notifications?unread=true").await.iter().map(|n| n["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(unread_titles, ["批示戊", "提案乙", "提案甲"]);

    // Newest first, two at a time.
    let first = api.get_json("/api/v1/notifications?limit=2").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().expect("more to come");
    let second = api.get_json(&format!("/api/v1/notifications?limit=2&cursor={cursor}")).await;
    assert_eq!(second["items"][0]["title"], "信息丙");

    // The page's button marks the proposals only, and comes back to the same list.
    let html = b.page("/notifications?module=proposal").await;
    assert!(html.contains("提案通知全部标为已读"), "{html}");
    let res = b.post_form("/notifications/read-all", &[("module", "proposal")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/notifications?module=proposal");
    assert!(b.page("/notifications?module=proposal").await.contains("已将2条通知标为已读"));
    assert_eq!(unread(&api).await, 1);
    let page = b.page("/notifications?module=proposal&unread=on").await;
    assert!(page.contains("没有未读的提案通知"), "the empty state says so");
    assert!(!page.contains(&format!("/notifications/{p1}/open")) && !page.contains(&format!("/notifications/{p2}/open")));
    // A module that does not exist is refused, and marks nothing.
    let bad = assert_problem(api.post("/api/v1/notifications/read-all", &json!({"module": "meeting"})).await, 422, "validation_failed").await;
    assert_eq!(error_for(&bad, "module"), "没有这类通知");
    assert_problem(api.get("/api/v1/notifications?module=meeting").await, 422, "validation_failed").await;
    assert_problem(api.get("/api/v1/notifications?unread=maybe").await, 422, "validation_failed").await;
    assert_eq!(unread(&api).await, 1);
    // Without CSRF token nothing happens.
    let res = b.post_form_raw("/notifications/read-all", &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(unread(&api).await, 1);
}

#[tokio::test]
async fn the_header_badge_shows_the_unread_count_on_every_page_and_99_plus_above_99() {
    let app = spawn_demo_app().await;
    let (uid, _api, mut b) = fresh_member_account(&app, "tongzhi.b").await;
    let html = b.page("/proposals").await;
    assert!(html.contains("aria-label=\"未读通知0条\"") && html.contains("href=\"/notifications\""), "the badge links to the inbox");
    for i in 0..120 {
        notify(&app, uid, "proposal.filed", ("proposal", i + 1), &format!("提案{i}")).await;
    }
    for path in ["/", "/proposals", "/account", "/notifications/preferences"] {
        let html = b.page(path).await;
        assert!(html.contains("aria-label=\"未读通知99条以上\""), "{path}");
        let badge = &html[html.find("id=\"unread-badge\"").unwrap()..];
        assert!(badge[..badge.find("</a>").unwrap()].contains(">99+</span>"), "{path}: {}", &badge[..300]);
    }
    // Pages without a user have no badge.
    assert!(!Browser::new(&app).page("/login").await.contains("unread-badge"));
}

#[tokio::test]
async fn preferences_round_trip_and_bad_input_changes_nothing() {
    let app = spawn_demo_app().await;
    let (_, api, mut b) = fresh_member_account(&app, "tongzhi.c").await;
    let v = api.get_json("/api/v1/notifications/preferences").await;
    let row = |v: &Value, kind: &str| v["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == kind).cloned().unwrap();
    // A member's defaults: a daily digest by email; no SMS/WeChat without the committee's webhook.
    assert_eq!(row(&v, "proposal.replied")["email"], "daily");
    assert_eq!(row(&v, "proposal.replied")["email_default"], "daily");
    assert_eq!(v["webhook_on"], false);
    assert_eq!(v["email"], Value::Null);

    let change = json!({"email": "wangfang@example.cn", "choices": [{"kind": "proposal.replied", "channel": "email", "mode": "immediate"}]});
    let v = json_of(api.req(reqwest::Method::PUT, "/api/v1/notifications/preferences").json(&change).send().await.unwrap(), 200).await;
    assert_eq!((row(&v, "proposal.replied")["email"].clone(), v["email"].clone()), (json!("immediate"), json!("wangfang@example.cn")));

    // All or nothing: one good choice with bad ones changes nothing.
    let bad = json!({"email": "wangfang(at)example", "choices": [
        {"kind": "proposal.filed", "channel": "email", "mode": "off"},
        {"kind": "proposal.nothing", "channel": "email", "mode": "off"},
        {"kind": "proposal.reply_due", "channel": "webhook", "mode": "daily"}]});
    let p = assert_problem(api.req(reqwest::Method::PUT, "/api/v1/notifications/preferences").json(&bad).send().await.unwrap(), 422, "validation_failed").await;
    assert!(error_for(&p, "email").contains("电子邮件地址格式不正确"), "{p}");
    assert!(error_for(&p, "choices[1].kind").contains("proposal.nothing"), "{p}");
    assert!(error_for(&p, "choices[2].mode").contains("短信/微信"), "{p}");
    let v = api.get_json("/api/v1/notifications/preferences").await;
    assert_eq!(row(&v, "proposal.filed")["email"], "daily");
    assert_eq!(v["email"], "wangfang@example.cn");

    // The page: the stored choice is selected, the default marked, a change saved.
    let html = b.page("/notifications/preferences").await;
    assert!(html.contains("value=\"wangfang@example.cn\"") && !html.contains("短信/微信</th>"), "no SMS column without the webhook");
    let sel = &html[html.find("name=\"email.proposal.replied\"").unwrap()..];
    let sel = &sel[..sel.find("</select>").unwrap()];
    assert!(sel.contains("value=\"immediate\" selected") && sel.contains("每日汇总（默认）"), "{sel}");
    let res = b.post_form("/notifications/preferences", &[("email", "wangfang@example.cn"), ("email.proposal.filed", "weekly")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(row(&api.get_json("/api/v1/notifications/preferences").await, "proposal.filed")["email"], "weekly");
    // A value no select offers, and a bad address: the page comes back with Chinese errors, nothing saved.
    let res = b.post_form("/notifications/preferences", &[("email", "不是邮箱"), ("email.proposal.closed", "hourly"), ("email.proposal.filed", "off")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("设置没有保存") && html.contains("提案已办结") && html.contains("电子邮件地址格式不正确"), "{html}");
    assert!(html.contains("value=\"不是邮箱\""), "the form keeps what was typed");
    let v = api.get_json("/api/v1/notifications/preferences").await;
    assert_eq!((row(&v, "proposal.filed")["email"].clone(), v["email"].clone()), (json!("weekly"), json!("wangfang@example.cn")));

    // 恢复默认: the choices go back to the role's, the address stays.
    let res = b.post_form("/notifications/preferences", &[("reset", "on")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let v = api.get_json("/api/v1/notifications/preferences").await;
    assert_eq!((row(&v, "proposal.filed")["email"].clone(), row(&v, "proposal.replied")["email"].clone()), (json!("daily"), json!("daily")));
    assert_eq!(v["email"], "wangfang@example.cn");

    // With the committee's webhook on, SMS/WeChat can be chosen (immediate or off only).
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let hook = json!({"url": "https://sms.example.cn/eline", "active": true});
    json_of(admin.req(reqwest::Method::PUT, "/api/v1/admin/notification-webhook").json(&hook).send().await.unwrap(), 200).await;
    let html = b.page("/notifications/preferences").await;
    let sel = &html[html.find("name=\"webhook.proposal.cosign_due\"").expect("the SMS/WeChat choice")..];
    assert!(sel[..sel.find("</select>").unwrap()].contains("立即（默认）") && !sel[..sel.find("</select>").unwrap()].contains("每日"));
    let res = b.post_form("/notifications/preferences", &[("email", ""), ("webhook.proposal.cosign_due", "off")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let v = api.get_json("/api/v1/notifications/preferences").await;
    assert_eq!((row(&v, "proposal.cosign_due")["webhook"].clone(), v["email"].clone()), (json!("off"), Value::Null));
    // A member is offered the kinds that can reach a member, not the units' or the office's.
    let kinds: Vec<&str> = v["kinds"].as_array().unwrap().iter().filter_map(|k| k["kind"].as_str()).collect();
    assert!(kinds.contains(&"proposal.replied") && !kinds.contains(&"proposal.assigned") && !kinds.contains(&"proposal.submitted"), "{kinds:?}");
}

#[tokio::test]
async fn the_administrator_sees_failed_messages_retries_them_and_sets_the_webhook_and_rules() {
    let app = spawn_demo_app().await;
    let (admin, staff) = (Api::login(&app, "admin", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let id = pending_message(&app).await;
    let later = eline_storage::now_micros() + 3_600_000_000;
    {
        let mut c = app.state.app.db.acquire().await.unwrap();
        store::mark_failed(&mut c.ex(), id, "SMTP 连接被拒绝（connection refused）", later).await.unwrap();
    }
    let o = admin.get_json("/api/v1/admin/notifications").await;
    assert_eq!((o["pending"].as_i64(), o["failing"].as_i64(), o["smtp_configured"].as_bool()), (Some(1), Some(1), Some(false)));
    let f = &o["failures"][0];
    assert_eq!((f["id"].as_i64(), f["attempts"].as_i64(), f["channel"].as_str()), (Some(id), Some(1), Some("email")));
    assert!(f["last_error"].as_str().unwrap().contains("connection refused"));
    assert!(f["next_attempt_at"].as_str().unwrap().ends_with("+08:00"), "{f}");
    assert_problem(staff.get("/api/v1/admin/notifications").await, 403, "forbidden").await;

    let mut b = Browser::new(&app);
    b.login_ok("admin", DEMO_PASSWORD).await;
    let html = b.page("/admin/notifications").await;
    assert!(html.contains("connection refused") && html.contains("未配置发信服务器") && html.contains("全部重发（1条）"), "{html}");
    assert!(html.contains("href=\"/admin/notifications\""), "linked from the navigation");
    let res = b.post_form(&format!("/admin/notifications/{id}/retry"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let due = {
        let mut c = app.state.app.db.acquire().await.unwrap();
        store::message(&mut c.ex(), id).await.unwrap().unwrap().next_attempt_at
    };
    assert!(due <= eline_storage::now_micros(), "due again now");
    assert_eq!(json_of(admin.post("/api/v1/admin/notifications/retry-all", &json!({})).await, 200).await["retried"], 1);
    assert_problem(admin.post("/api/v1/admin/notifications/999999/retry", &json!({})).await, 404, "not_found").await;
    let mut other = Browser::new(&app);
    other.login_ok("staff", DEMO_PASSWORD).await;
    assert_eq!(other.get("/admin/notifications").await.status(), StatusCode::FORBIDDEN);

    // The webhook: a bad address is refused in Chinese and nothing is saved; a good one gets a secret.
    let res = b.post_form("/admin/notifications/webhook", &[("url", "ftp://sms.example.cn"), ("active", "on")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("地址应以 http:// 或 https:// 开头"));
    assert_eq!(admin.get_json("/api/v1/admin/notification-webhook").await["url"], Value::Null);
    let res = b.post_form("/admin/notifications/webhook", &[("url", "https://sms.example.cn/eline"), ("active", "on")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let w = admin.get_json("/api/v1/admin/notification-webhook").await;
    assert_eq!((w["url"].as_str(), w["active"].as_bool()), (Some("https://sms.example.cn/eline"), Some(true)));
    let secret = w["secret"].as_str().unwrap().to_string();
    assert!(b.page("/admin/notifications").await.contains(&secret), "the secret is shown");
    b.post_form("/admin/notifications/webhook", &[("url", "https://sms.example.cn/eline"), ("active", "on"), ("new_secret", "on")]).await;
    assert_ne!(admin.get_json("/api/v1/admin/notification-webhook").await["secret"].as_str().unwrap(), secret, "a new secret");
    b.post_form("/admin/notifications/webhook", &[("url", "https://sms.example.cn/eline")]).await;
    assert_eq!(admin.get_json("/api/v1/admin/notification-webhook").await["active"], false, "unchecked: switched off");

    // The reminder rules: lists as "10, 3", checked in Chinese, all or nothing.
    let fields = |before: &'static str, hour: &'static str| {
        [
            ("before_due", before),
            ("escalate_after", "4"),
            ("cosign_before", "1"),
            ("objection_before", "2"),
            ("evaluation_before", "5，1"),
            ("opinion_before", ""),
            ("leave_before", "2, 0"),
            ("digest_hour", hour),
        ]
    };
    let res = b.post_form("/admin/notifications/rules", &fields("十天", "7")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("多个用逗号分隔"));
    let res = b.post_form("/admin/notifications/rules", &fields("10, 3", "24")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("汇总发送时间应为0—23点") && html.contains("value=\"10, 3\""), "{html}");
    assert_eq!(admin.get_json("/api/v1/admin/reminder-rules").await["escalate_after"], 5, "nothing saved");
    let res = b.post_form("/admin/notifications/rules", &fields("3, 10, 3", "7")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let r = admin.get_json("/api/v1/admin/reminder-rules").await;
    assert_eq!(
        r,
        json!({"before_due": [10, 3], "escalate_after": 4, "cosign_before": [1], "objection_before": [2], "evaluation_before": [5, 1],
        "opinion_before": [], "leave_before": [2, 0], "digest_hour": 7})
    );
    let bad = admin.req(reqwest::Method::PUT, "/api/v1/admin/reminder-rules").json(&json!({"before_due": [100]})).send().await.unwrap();
    assert!(error_for(&assert_problem(bad, 422, "validation_failed").await, "before_due").contains("不超过60个工作日"));
    assert_audit_chain_ok(&app).await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_notification_routes_with_schemas_of_their_own() {
    let app = eline_web::testing::spawn_app().await;
    let doc = json_of(Api::anon(&app).get("/api/openapi.json").await, 200).await;
    let schemas = &doc["components"]["schemas"];
    // The channel of notifications does not take the place of the reports' channel, nor the reverse.
    assert_eq!(schemas["NoticeChannel"]["enum"], json!(["email", "webhook"]));
    assert!(schemas["Channel"]["enum"].as_array().is_some_and(|v| !v.contains(&json!("webhook"))), "{}", schemas["Channel"]);
    assert_eq!(schemas["Mode"]["enum"], json!(["immediate", "daily", "weekly", "off"]));
    for (name, field) in [
        ("NotificationOut", "module_label"),
        ("OutboxOut", "smtp_configured"),
        ("FailedMessageOut", "next_attempt_at"),
        ("PrefsView", "webhook_on"),
        ("PrefsInput", "choices"),
        ("WebhookInput", "new_secret"),
        ("ReminderRules", "digest_hour"),
    ] {
        assert!(schemas[name]["properties"].get(field).is_some(), "{name}.{field}: {}", schemas[name]);
    }
    assert_eq!(schemas["FailedMessageOut"]["properties"]["next_attempt_at"]["format"], "date-time");
    let stream = &doc["paths"]["/api/v1/notifications/stream"]["get"]["responses"]["200"]["content"];
    assert!(stream.get("text/event-stream").is_some(), "{stream}");
    let list = doc["paths"]["/api/v1/notifications"]["get"]["parameters"].as_array().unwrap();
    let names: Vec<_> = list.iter().filter_map(|p| p["name"].as_str()).collect();
    for want in ["module", "unread", "cursor", "limit"] {
        assert!(names.contains(&want), "{names:?}");
    }
}
