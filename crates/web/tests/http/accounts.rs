//! Accounts for the whole roster: the office opens them in one go, prints the letters, downloads
//! the list; each new account logs in with its initial password and must change it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use eline_web::testing::spawn_demo_app;

use crate::helpers::*;

fn member_ids(html: &str) -> Vec<String> {
    html.split("name=\"member_id\" value=\"").skip(1).filter_map(|s| s.split('"').next()).map(String::from).collect()
}

#[tokio::test]
async fn the_office_opens_accounts_for_the_roster_and_prints_a_letter_per_member() {
    let app = spawn_demo_app().await;
    let staff_api = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let before = staff_api.list_all("/api/v1/members").await.len();
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let page = b.page("/members/accounts").await;
    let ids = member_ids(&page);
    assert!(ids.len() >= 3, "the demo has members without accounts: {}", ids.len());

    let mut fields: Vec<(&str, &str)> = ids.iter().map(|id| ("member_id", id.as_str())).collect();
    fields.push(("rule", "pinyin"));
    let res = b.post_form("/members/accounts", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let batch_url = location(&res);
    let html = b.page(&batch_url).await;
    assert!(html.contains(&format!("已为{}位委员开通账号", ids.len())), "{}", h1(&html));

    // The letters: one per member, each with the QR code of the login page and its password.
    let batch = batch_url.rsplit('/').next().unwrap();
    let api_batch = json_of(staff_api.get(&format!("/api/v1/members/accounts/{batch}")).await, 200).await;
    let accounts = api_batch["accounts"].as_array().unwrap().clone();
    assert_eq!(accounts.len(), ids.len());
    let letters = b.page(&format!("{batch_url}/letters")).await;
    assert_eq!(letters.matches("class=\"letter account-letter\"").count(), ids.len());
    assert_eq!(letters.matches("<svg").count(), ids.len(), "a QR code per letter");
    assert!(letters.contains(&format!("{}/login", app.base_url)), "the login address as the office reaches it");
    assert!(letters.contains("年") && letters.contains("月"), "a date in Chinese form");
    for a in &accounts {
        assert!(letters.contains(a["username"].as_str().unwrap()) && letters.contains(a["password"].as_str().unwrap()));
    }

    // The office's list as Excel.
    let res = b.get(&format!("{batch_url}/list.xlsx")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header_str(res.headers(), "content-disposition").contains("xlsx"));
    let rows = eline_app::spreadsheet::read_table("list.xlsx", &res.bytes().await.unwrap()).unwrap();
    assert_eq!(rows[0], ["序号", "姓名", "界别", "手机号", "用户名", "初始密码"]);
    assert_eq!(rows.len(), ids.len() + 1);

    // Each account: its initial password works once, and must be changed first.
    let first = &accounts[0];
    let (username, password) = (first["username"].as_str().unwrap(), first["password"].as_str().unwrap());
    let anon = Api::anon(&app);
    let p = assert_problem(anon.post("/api/v1/auth/login", &json!({"username": username, "password": password})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "password").contains("first-login"), "{p}");
    let body = json!({"username": username, "password": password, "new_password": "Xinmima2026"});
    let v = json_of(anon.post("/api/v1/auth/first-login", &body).await, 200).await;
    assert_eq!(v["user"]["member_id"], first["member_id"]);
    assert_eq!(v["user"]["roles"], json!(["member"]));

    // Nothing is left to open; the roster itself did not change.
    assert!(b.page("/members/accounts").await.contains("所有在任委员都已有账号"));
    let again = staff_api.post("/api/v1/members/accounts", &json!({"rule": "pinyin"})).await;
    assert!(error_for(&assert_problem(again, 422, "validation_failed").await, "member_ids").contains("都已有账号"));
    assert_eq!(staff_api.list_all("/api/v1/members").await.len(), before);
    assert_audit_chain_ok(&app).await;
}

#[tokio::test]
async fn usernames_can_be_phone_numbers_and_batches_are_their_creators_alone() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let ids = member_ids(&b.page("/members/accounts").await);
    let (with_phone, without) = (ids[0].parse::<i64>().unwrap(), ids[1].parse::<i64>().unwrap());
    let m = staff.get_json(&format!("/api/v1/members/{with_phone}")).await;
    json_of(staff.patch(&format!("/api/v1/members/{with_phone}"), &json!({"phone": "13912345678", "version": m["version"]})).await, 200).await;
    let m = staff.get_json(&format!("/api/v1/members/{without}")).await;
    json_of(staff.patch(&format!("/api/v1/members/{without}"), &json!({"phone": null, "version": m["version"]})).await, 200).await;

    let res = staff.post("/api/v1/members/accounts", &json!({"member_ids": [with_phone, without], "rule": "phone"})).await;
    let batch: Value = json_of(res, 201).await;
    let names: Vec<&str> = batch["accounts"].as_array().unwrap().iter().map(|a| a["username"].as_str().unwrap()).collect();
    assert!(names.contains(&"13912345678"), "{names:?}");
    assert!(names.iter().any(|n| n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) && !n.starts_with("139")), "{names:?}");
    assert!(batch["expires_at"].as_str().unwrap().ends_with("+08:00"));

    // Only its creator reads the batch; members may not open accounts.
    let id = batch["id"].as_str().unwrap();
    assert_problem(admin.get(&format!("/api/v1/members/accounts/{id}")).await, 404, "not_found").await;
    assert_problem(member.get(&format!("/api/v1/members/accounts/{id}")).await, 403, "forbidden").await;
    assert_problem(member.post("/api/v1/members/accounts", &json!({"rule": "pinyin"})).await, 403, "forbidden").await;
    let mut mb = Browser::new(&app);
    mb.login_ok("member", DEMO_PASSWORD).await;
    assert_eq!(mb.get("/members/accounts").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(mb.get(&format!("/members/accounts/{id}/letters")).await.status(), StatusCode::FORBIDDEN);
    // Bad input changes nothing.
    let bad = staff.post("/api/v1/members/accounts", &json!({"rule": "nickname"})).await;
    assert_problem(bad, 422, "validation_failed").await;
    let none = staff.post("/api/v1/members/accounts", &json!({"member_ids": [], "rule": "pinyin"})).await;
    assert!(error_for(&assert_problem(none, 422, "validation_failed").await, "member_ids").contains("至少选择"));
}
