//! The committee's configuration reaches every page and the API: an administrator changes the
//! reply classes, the rejection reasons and the text limits, and the proposal pages, the actions
//! and the reply letter follow.

use chrono::Datelike;
use eline_web::testing::spawn_demo_app;
use serde_json::json;

use crate::helpers::*;

const BODY: &str = "近年来我市老旧小区加装电梯需求旺盛，但协调难、资金难、审批慢等问题突出。建议简化审批流程，设立专项补贴，建立业主协商机制。";

#[tokio::test]
async fn changed_reply_classes_reasons_and_limits_show_on_the_pages_and_in_the_api() {
    let app = spawn_demo_app().await;
    let year = eline_app::proposals::today().year();
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let mut rules = admin.get_json(&format!("/api/v1/settings/proposal-rules?year={year}")).await;
    assert_eq!(rules["reply_classes"][0][0], "A");
    rules["reply_classes"] = json!([["A", "已经解决"], ["B", "正在解决"], ["D", "列入规划研究，择机解决"]]);
    rules["rejection_reasons"] = json!(["属于信访事项", "没有具体建议"]);
    rules["title_max_chars"] = json!(24);
    let res = admin.req(reqwest::Method::PUT, &format!("/api/v1/settings/proposal-rules?year={year}")).json(&rules).send().await.unwrap();
    assert_eq!(res.status(), 204);
    // Bad rules are refused in Chinese and change nothing.
    let mut bad = rules.clone();
    bad["reply_classes"] = json!([["a", ""]]);
    let res = admin.req(reqwest::Method::PUT, &format!("/api/v1/settings/proposal-rules?year={year}")).json(&bad).send().await.unwrap();
    let p = assert_problem(res, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "reply_classes")));

    // The text limit: the form says it and the API holds to it.
    let (member, staff, unit) =
        (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await, Api::login(&app, "unit", DEMO_PASSWORD).await);
    let mut page = Browser::new(&app);
    page.login_ok("member", DEMO_PASSWORD).await;
    assert!(page.page("/proposals/new").await.contains("maxlength=\"24\""));
    let long = "关于进一步加强和改进我市老旧小区加装电梯工作的若干建议的提案";
    let p = assert_problem(member.post("/api/v1/proposals", &json!({"title": long, "body": BODY})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "title").contains("24"), "{p}");

    // The reasons on the review form, the classes on the reply form and in the letter.
    let id = json_of(member.post("/api/v1/proposals", &json!({"title": "关于加装电梯的提案", "body": BODY})).await, 201).await["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    let mut office = Browser::new(&app);
    office.login_ok("staff", DEMO_PASSWORD).await;
    let html = office.page(&format!("/proposals/{id}")).await;
    assert!(html.contains("属于信访事项") && !html.contains("属于学术讨论"), "the review form lists the committee's reasons");
    json_of(staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    let unit_id = unit.get_json("/api/v1/me").await["unit_id"].as_i64().unwrap();
    json_of(staff.post(&format!("/api/v1/proposals/{id}/assign"), &json!({"lead_unit_id": unit_id})).await, 200).await;
    let mut clerk = Browser::new(&app);
    clerk.login_ok("unit", DEMO_PASSWORD).await;
    let html = clerk.page(&format!("/proposals/{id}")).await;
    assert!(html.contains("D类：列入规划研究，择机解决") && !html.contains("C类"), "the reply form offers the committee's classes");
    let p = assert_problem(
        unit.post(&format!("/api/v1/proposals/{id}/reply"), &json!({"class": "C", "text": "答复", "signer": "李明"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(error_for(&p, "class").contains("D"), "{p}");
    json_of(unit.post(&format!("/api/v1/proposals/{id}/reply"), &json!({"class": "D", "text": "经研究，已列入规划。", "signer": "李明"})).await, 200).await;
    let letter = clerk.page(&format!("/proposals/{id}/letter")).await;
    assert!(letter.contains("列入规划研究，择机解决"), "the letter names the class as configured");
}
