//! Every change made through the API is in the audit log with who made it, and the chain holds.

use eline_web::testing::spawn_demo_app;
use serde_json::{Value, json};

use crate::helpers::*;

/// The newest entry for a target, as the admin sees it.
async fn entries_for(admin: &Api, target_type: &str, target_id: &Value) -> Vec<Value> {
    admin.list_all(&format!("/api/v1/audit?target_type={target_type}")).await.into_iter().filter(|e| &e["target_id"] == target_id).collect()
}

fn actions(entries: &[Value]) -> Vec<String> {
    let mut a: Vec<String> = entries.iter().map(|e| e["action"].as_str().unwrap_or("").to_string()).collect();
    a.reverse(); // oldest first
    a
}

#[tokio::test]
async fn every_create_update_and_archive_through_the_api_is_audited_with_its_actor() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let staff_id = staff.get_json("/api/v1/me").await["user_id"].clone();
    let admin_id = admin.get_json("/api/v1/me").await["user_id"].clone();

    // Reference data of every kind, and a session.
    for (slug, table, extra) in [
        ("sectors", "sectors", json!({})),
        ("committees", "special_committees", json!({})),
        ("organizations", "organizations", json!({"category": "people"})),
        ("units", "units", json!({"category": "enterprise"})),
        ("work-stations", "work_stations", json!({"note": "河东街道"})),
    ] {
        let mut body = json!({"name": format!("审计{slug}")});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let created = json_of(staff.post(&format!("/api/v1/{slug}"), &body).await, 201).await;
        let path = format!("/api/v1/{slug}/{}", created["id"]);
        let updated = json_of(staff.patch(&path, &json!({"name": format!("审计{slug}改"), "version": created["version"]})).await, 200).await;
        let archived = json_of(staff.post(&format!("{path}/archive"), &json!({"version": updated["version"]})).await, 200).await;
        json_of(staff.post(&format!("{path}/restore"), &json!({"version": archived["version"]})).await, 200).await;
        let entries = entries_for(&admin, table, &created["id"]).await;
        assert_eq!(actions(&entries), ["create", "update", "archive", "restore"], "{slug}: {entries:?}");
        for e in &entries {
            assert_eq!(e["actor_user_id"], staff_id, "{e}");
            assert!(e["actor_name"].as_str().unwrap().contains("staff"), "{e}");
            assert!(has_chinese(e["summary"].as_str().unwrap()), "{e}");
            assert_eq!(e["hash"].as_str().unwrap().len(), 64);
        }
        assert!(entries[0]["before_digest"].is_string() && entries[0]["after_digest"].is_string(), "restore records both states");
        assert!(entries[3]["before_digest"].is_null() && entries[3]["after_digest"].is_string(), "create records the new state");
    }

    let session = json_of(staff.post("/api/v1/sessions", &json!({"term_number": 15, "session_number": 1, "year": 2032})).await, 201).await;
    let spath = format!("/api/v1/sessions/{}", session["id"]);
    let s2 = json_of(staff.patch(&spath, &json!({"opens_on": "2032-01-10", "version": session["version"]})).await, 200).await;
    json_of(staff.post(&format!("{spath}/archive"), &json!({"version": s2["version"]})).await, 200).await;
    assert_eq!(actions(&entries_for(&admin, "sessions", &session["id"]).await), ["create", "update", "archive"]);

    // A member.
    let sector = staff.list_all("/api/v1/sectors").await[0]["id"].clone();
    let m = json_of(staff.post("/api/v1/members", &json!({"name": "审计委员", "sector_id": sector})).await, 201).await;
    let mpath = format!("/api/v1/members/{}", m["id"]);
    let m2 = json_of(staff.patch(&mpath, &json!({"party": "群众", "version": m["version"]})).await, 200).await;
    json_of(staff.post(&format!("{mpath}/archive"), &json!({"version": m2["version"]})).await, 200).await;
    let entries = entries_for(&admin, "member", &m["id"]).await;
    assert_eq!(actions(&entries), ["create", "update", "archive"]);
    assert!(entries.iter().all(|e| e["actor_user_id"] == staff_id));
    assert!(entries[0]["summary"].as_str().unwrap().contains("审计委员"));

    // An account, by the admin.
    let u =
        json_of(admin.post("/api/v1/users", &json!({"username": "audited", "password": PASSWORD, "display_name": "被审计", "roles": ["leader"]})).await, 201)
            .await;
    let upath = format!("/api/v1/users/{}", u["id"]);
    json_of(admin.patch(&upath, &json!({"active": false, "version": u["version"]})).await, 200).await;
    assert_eq!(admin.post(&format!("{upath}/reset-password"), &json!({"password": "Linshi2024"})).await.status(), 204);
    let entries = entries_for(&admin, "user", &u["id"]).await;
    assert_eq!(actions(&entries), ["create", "update", "password_reset"]);
    assert!(entries.iter().all(|e| e["actor_user_id"] == admin_id));

    // Filters work on actor too.
    let by_actor = admin.list_all(&format!("/api/v1/audit?actor={}", enc("提案委工作人员（staff）"))).await;
    assert!(by_actor.len() >= 5 * 4 + 3 + 3, "entries by 提案委工作人员（staff）: {}", by_actor.len());
    assert!(by_actor.iter().all(|e| e["actor_user_id"] == staff_id));

    assert_audit_chain_ok(&app).await;
}

#[tokio::test]
async fn logins_tokens_and_password_changes_are_audited_too() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let t = json_of(staff.post("/api/v1/tokens", &json!({"name": "审计令牌"})).await, 201).await;
    assert_eq!(staff.post(&format!("/api/v1/tokens/{}/revoke", t["token"]["id"]), &json!({})).await.status(), 204);
    let res =
        staff.post("/api/v1/me/password", &json!({"current_password": DEMO_PASSWORD, "password": "Xinmima2024", "confirm_password": "Xinmima2024"})).await;
    assert_eq!(res.status(), 204);
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    for action in ["login", "token_created", "token_revoked", "password_changed"] {
        let items = admin.get_json(&format!("/api/v1/audit?action={action}")).await["items"].as_array().cloned().unwrap();
        assert!(items.iter().any(|e| e["actor_name"].as_str().unwrap_or("").contains("staff")), "{action}: {items:?}");
    }
    // The token of the session that changed the password still works; the new password logs in.
    staff.get_json("/api/v1/me").await;
    Api::login(&app, "staff", "Xinmima2024").await;
    assert_audit_chain_ok(&app).await;
}

#[tokio::test]
async fn the_audit_log_pages_newest_first() {
    let app = spawn_demo_app().await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    for i in 0..5 {
        json_of(admin.post("/api/v1/sectors", &json!({"name": format!("分页界{i}")})).await, 201).await;
    }
    let page = admin.get_json("/api/v1/audit?limit=2").await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items[0]["id"].as_i64() > items[1]["id"].as_i64());
    assert!(items[0]["summary"].as_str().unwrap().contains("分页界4"));
    let next = admin.get_json(&format!("/api/v1/audit?limit=2&cursor={}", page["next_cursor"].as_str().unwrap())).await;
    assert!(next["items"][0]["summary"].as_str().unwrap().contains("分页界2"));
    let all = admin.list_all("/api/v1/audit").await;
    let mut ids: Vec<i64> = all.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    let len = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), len);
}

/// The audit page as an administrator uses it: pickers for the action, the record type and the
/// account, whole days, logins hidden on request, record types and actions in Chinese, and the
/// chain checked by a button.
#[tokio::test]
async fn the_audit_page_filters_with_pickers_and_days_and_checks_the_chain() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let sector = json_of(staff.post("/api/v1/sectors", &json!({"name": "审计测试界"})).await, 201).await;
    let mut b = Browser::new(&app);
    b.login_ok("admin", DEMO_PASSWORD).await;

    let html = b.page("/audit").await;
    assert!(html.contains(r#"<option value="sectors">界别</option>"#), "record types are picked by their Chinese names");
    assert!(html.contains(r#"<option value="proposal">提案</option>"#));
    assert!(html.contains(r#"<option value="reply">答复</option>"#) || html.contains("答复</option>"), "the proposal actions are offered");
    assert!(html.contains("系统管理员（admin）") || html.contains("（admin）</option>"), "accounts are picked from a list");
    assert!(html.contains("界别 #"), "a record type reads in Chinese in the rows");

    let staff_id = user_id(&app, "staff").await;
    let today = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()).format("%Y-%m-%d").to_string();
    let html = b.page(&format!("/audit?target_type=sectors&user={staff_id}&from={today}&to={today}")).await;
    assert!(html.contains("审计测试界"), "the staff's new sector of today");
    let html = b.page("/audit?target_type=sectors&from=2020-01-01&to=2020-01-31").await;
    assert!(html.contains("没有符合条件的日志"), "no entries on those days");
    let res = b.get("/audit?from=2026-02-30").await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("日期格式应为"), "a bad day is said, not ignored");

    // Logins hidden on request (the API the same way).
    let all = admin.list_all("/api/v1/audit").await;
    assert!(all.iter().any(|e| e["action"] == "login"));
    let without = admin.list_all("/api/v1/audit?hide_logins=true").await;
    assert!(!without.is_empty() && without.iter().all(|e| e["action"] != "login" && e["action"] != "login_failed"));
    let by_account = admin.list_all(&format!("/api/v1/audit?actor_user_id={staff_id}&target_type=sectors")).await;
    assert_eq!(by_account.len(), 1);
    assert_eq!(by_account[0]["target_id"], sector["id"]);
    let p = assert_problem(admin.get("/api/v1/audit?from=yesterday").await, 422, "validation_failed").await;
    assert!(error_for(&p, "from").contains("YYYY-MM-DD"));

    // The chain check, on the spot.
    let res = b.post_form("/audit/verify", &[]).await;
    assert_eq!(location(&res), "/audit");
    let html = b.page("/audit").await;
    assert!(html.contains("哈希链完整"), "the result is shown");
    // Not for the office.
    let mut s = Browser::new(&app);
    s.login_ok("staff", DEMO_PASSWORD).await;
    assert_eq!(s.post_form("/audit/verify", &[]).await.status(), 403);
}
