//! Lists as Excel files over HTTP: the list page links its export with the filter it shows, the
//! page route and the API answer the same rows, and a member's reply form explains the letter.

use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use serde_json::json;

use crate::helpers::*;
use eline_app::spreadsheet::read_table;
use eline_web::testing::spawn_demo_app;

const BODY: &str = "近年来我市老旧小区加装电梯需求持续增长，审批环节多、资金分摊难。建议简化审批流程，设立专项补贴资金，建立协调机制。";

#[tokio::test]
async fn the_proposal_list_links_an_export_of_exactly_its_filter() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    for (title, submit) in [("关于加装电梯的提案", true), ("关于社区养老的提案", true), ("关于垃圾分类的提案", false)] {
        let id = json_of(member.post("/api/v1/proposals", &json!({"title": title, "body": BODY})).await, 201).await["id"].as_i64().unwrap();
        if submit {
            json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
        }
    }
    let mut page = Browser::new(&app);
    page.login_ok("staff", DEMO_PASSWORD).await;
    let html = page.page("/proposals?scope=all&status=submitted").await;
    let href = html
        .split("id=\"export-xlsx\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the 导出Excel link")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert_eq!(href, "/proposals/export.xlsx?scope=all&status=submitted");

    let res = page.get(&href).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header_str(res.headers(), CONTENT_TYPE), XLSX);
    assert!(header_str(res.headers(), CONTENT_DISPOSITION).contains("filename*="), "a Chinese file name");
    let rows = read_table("x.xlsx", &res.bytes().await.unwrap()).unwrap();
    assert_eq!(rows.len(), 3, "the two submitted proposals: {rows:?}");
    assert!(rows[1..].iter().all(|r| r[5] == "待审查"), "only the filtered rows: {rows:?}");

    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let listed = staff.list_all("/api/v1/proposals?scope=all&status=submitted").await;
    let api = read_table("x.xlsx", &staff.get("/api/v1/proposals/export?scope=all&status=submitted").await.bytes().await.unwrap()).unwrap();
    assert_eq!(api, rows, "the API gives the same file");
    assert_eq!(api.len() - 1, listed.len(), "as many rows as the list pages through");
}

#[tokio::test]
async fn an_export_of_a_list_the_caller_may_not_open_is_refused_in_chinese() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let p = assert_problem(member.get("/api/v1/proposals/export?scope=all").await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "scope")), "{p}");
    let res = member.get("/api/v1/proposals/export?scope=mine").await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_bad_contact_phone_on_a_reply_is_a_field_error() {
    let app = spawn_demo_app().await;
    let (member, staff, unit) =
        (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await, Api::login(&app, "unit", DEMO_PASSWORD).await);
    let id = json_of(member.post("/api/v1/proposals", &json!({"title": "关于加装电梯的提案", "body": BODY})).await, 201).await["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    let unit_id = unit.get_json("/api/v1/me").await["unit_id"].as_i64().unwrap();
    json_of(staff.post(&format!("/api/v1/proposals/{id}/assign"), &json!({"lead_unit_id": unit_id})).await, 200).await;

    let mut clerk = Browser::new(&app);
    clerk.login_ok("unit", DEMO_PASSWORD).await;
    let html = clerk.page(&format!("/proposals/{id}")).await;
    assert!(html.contains("答复函会自动加上") && html.contains("name=\"contact_phone\""), "the reply form explains the letter and asks for its details");

    let reply = json!({"class": "A", "text": "经研究，已完成。", "signer": "李明", "contact_phone": "call me"});
    let p = assert_problem(unit.post(&format!("/api/v1/proposals/{id}/reply"), &reply).await, 422, "validation_failed").await;
    assert!(error_for(&p, "contact_phone").contains("电话"), "{p}");
    let v = unit.get_json(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(v["status"], "assigned", "nothing recorded");
}

#[tokio::test]
async fn the_admin_sets_the_committees_full_name_for_letter_headings_on_the_settings_page() {
    let app = spawn_demo_app().await;
    let mut admin = Browser::new(&app);
    admin.login_ok("admin", DEMO_PASSWORD).await;
    let html = admin.page("/settings").await;
    assert!(html.contains("委员会全称") && html.contains("关于中国人民政治协商会议清河市委员会"), "the form shows the name in use");
    let res = admin.post_form("/settings/committee-name", &[("full_name", "中国人民政治协商会议清河市委员会（试行）"), ("year", "2026")]).await;
    assert_eq!(res.status(), 303);
    assert!(admin.page("/settings").await.contains("value=\"中国人民政治协商会议清河市委员会（试行）\""));
    let api = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let v = api.get_json("/api/v1/settings/committee-name").await;
    assert_eq!((v["full_name"].as_str(), v["set"].as_bool()), (Some("中国人民政治协商会议清河市委员会（试行）"), Some(true)));
    let long = "会".repeat(61);
    let res = admin.post_form("/settings/committee-name", &[("full_name", long.as_str()), ("year", "2026")]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("委员会全称不能超过60个字"));
}
