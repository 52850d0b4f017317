//! Messages as a person would write them and 删除草稿 (issue 12, point 9): after an action the
//! page says what was done ("已立案，编号第0001号"), a draft offers 删除草稿 and no 撤回, and
//! the API deletes a draft with `DELETE`.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use eline_web::testing::spawn_demo_app;

const BODY: &str = "近年来我市老旧小区加装电梯需求旺盛，但协调难、资金难、审批慢等问题突出。建议简化审批流程，设立专项补贴，建立业主协商机制。";

#[tokio::test]
async fn a_draft_is_deleted_not_withdrawn_and_actions_say_what_was_done() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    b.page("/proposals/new").await;
    let res = b.post_form("/proposals", &[("kind", "individual"), ("title", "关于建设城市口袋公园的提案"), ("body", BODY), ("then", "save")]).await;
    let path = location(&res);
    let page = b.page(&path).await;
    assert!(page.contains(">删除草稿</button>") && !page.contains("撤回提案"), "a draft offers 删除草稿, not 撤回");
    let id: i64 = path.trim_start_matches("/proposals/").parse().unwrap();
    let res = b.post_form(&format!("/proposals/{id}/delete"), &[("version", "1")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let next = b.page(&location(&res)).await;
    assert!(next.contains("已删除草稿“关于建设城市口袋公园的提案”"), "says what was done");
    assert_eq!(b.get(&path).await.status(), StatusCode::NOT_FOUND);

    // The office files a submitted proposal: the page says its number.
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let p = json_of(member.post("/api/v1/proposals", &json!({"title": "关于规范共享单车停放的提案", "body": BODY})).await, 201).await;
    let id = p["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    let mut staff = Browser::new(&app);
    staff.login_ok("staff", DEMO_PASSWORD).await;
    staff.page(&format!("/proposals/{id}")).await;
    let res = staff.post_form(&format!("/proposals/{id}/act/review"), &[("decision", "file"), ("version", "2")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = staff.page(&location(&res)).await;
    let number = staff_number(&page);
    assert!(page.contains(&format!("已立案，编号{number}")), "the flash names the number: {number}");

    // The API deletes a draft; a filed proposal is not deleted.
    let d = json_of(member.post("/api/v1/proposals", &json!({"title": "关于增设社区充电桩的提案", "body": BODY})).await, 201).await;
    let did = d["id"].as_i64().unwrap();
    assert!(d["allowed_actions"].as_array().unwrap().contains(&json!("delete")));
    let res = member.req(reqwest::Method::DELETE, &format!("/api/v1/proposals/{did}")).header("If-Match", "\"1\"").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(member.get(&format!("/api/v1/proposals/{did}")).await, 404, "not_found").await;
    let res = member.req(reqwest::Method::DELETE, &format!("/api/v1/proposals/{id}")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

/// "第0001号" as the detail page shows the proposal's number.
fn staff_number(page: &str) -> String {
    let start = page.find("第0").expect("a number");
    let end = page[start..].find('号').expect("号") + start;
    page[start..end + '号'.len_utf8()].to_string()
}
