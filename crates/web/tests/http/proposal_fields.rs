//! The API shapes of issue 12, points 12–14: the office's fields of a proposal, the proposer's
//! contact details for the office and assigned units only, the 测评表, 维持原交办, the co-unit
//! confirmation, and statistics by default of the current session with their definitions.

use serde_json::json;

use crate::helpers::*;
use eline_web::testing::spawn_demo_app;

const BODY: &str = "近年来我市老旧小区加装电梯需求旺盛，但协调难、资金难、审批慢等问题突出。建议简化审批流程，设立专项补贴，建立业主协商机制。";

#[tokio::test]
async fn a_proposal_carries_its_category_occasion_suggested_units_consent_and_the_proposers_contact_for_the_office() {
    let app = spawn_demo_app().await;
    let (member, staff, unit) =
        (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await, Api::login(&app, "unit", DEMO_PASSWORD).await);
    let units = staff.get_json("/api/v1/units").await;
    let unit_ids: Vec<i64> = units["items"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).take(2).collect();
    let bad = json!({"title": "关于分类不对的提案", "body": BODY, "category": "党的建设"});
    let p = assert_problem(member.post("/api/v1/proposals", &bad).await, 422, "validation_failed").await;
    assert!(error_for(&p, "category").contains("生态文明建设"));

    let input = json!({"title": "关于完善城市排水设施的提案", "body": BODY, "category": "生态文明建设", "occasion": "plenary",
        "suggested_unit_ids": unit_ids, "publish_consent": true});
    let p = json_of(member.post("/api/v1/proposals", &input).await, 201).await;
    assert_eq!((&p["category"], &p["occasion"], &p["publish_consent"]), (&json!("生态文明建设"), &json!("plenary"), &json!(true)));
    assert_eq!(p["suggested_units"].as_array().unwrap().iter().map(|u| u["unit_id"].as_i64().unwrap()).collect::<Vec<_>>(), unit_ids);
    assert!(p["proposer_contact"].is_null(), "the proposer does not need their own contact");
    let id = p["id"].as_i64().unwrap();
    let p = json_of(member.patch(&format!("/api/v1/proposals/{id}"), &json!({"occasion": "regular", "version": p["version"]})).await, 200).await;
    assert_eq!((&p["occasion"], &p["category"]), (&json!("regular"), &json!("生态文明建设")), "PATCH changes only what it names");

    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    let v = staff.get_json(&format!("/api/v1/proposals/{id}")).await;
    assert!(v["proposer_contact"]["phone"].as_str().is_some_and(|p| !p.is_empty()), "{}", v["proposer_contact"]);
    let listed = staff.get_json("/api/v1/proposals?category=生态文明建设").await;
    assert_eq!(listed["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>(), [id]);

    // The demo unit as lead, another as co-unit: the unit sees the contact and the pending co-unit.
    let mut c = app.state.app.db.acquire().await.unwrap();
    let lead = eline_storage::users::get_by_username(&mut c.ex(), "unit").await.unwrap().unwrap().unit_id.unwrap();
    drop(c);
    let co = *unit_ids.iter().find(|u| **u != lead).unwrap();
    json_of(staff.post(&format!("/api/v1/proposals/{id}/assign"), &json!({"lead_unit_id": lead, "co_unit_ids": [co]})).await, 200).await;
    let v = unit.get_json(&format!("/api/v1/proposals/{id}")).await;
    assert!(v["proposer_contact"]["phone"].is_string());
    assert_eq!(v["pending_co_opinions"].as_array().unwrap().len(), 1);
    let reply = json!({"class": "A", "text": "经研究，答复如下。", "signer": "李明"});
    let p = assert_problem(unit.post(&format!("/api/v1/proposals/{id}/reply"), &reply).await, 422, "validation_failed").await;
    assert!(error_for(&p, "confirm_without_co_opinions").contains("会办意见"));
    let mut confirmed = reply.clone();
    confirmed["confirm_without_co_opinions"] = json!(true);
    json_of(unit.post(&format!("/api/v1/proposals/{id}/reply"), &confirmed).await, 200).await;
    let survey =
        json!({"satisfaction": "satisfied", "contact_before": "face_to_face", "contact_during": "none", "attitude": "satisfied", "result": "satisfied"});
    let v = json_of(member.post(&format!("/api/v1/proposals/{id}/evaluate"), &survey).await, 200).await;
    let e = &v["evaluations"][0];
    assert_eq!(
        (&e["contact_before"], &e["contact_during"], &e["attitude"], &e["result"]),
        (&json!("face_to_face"), &json!("none"), &json!("satisfied"), &json!("satisfied"))
    );
    assert!(v["proposer_contact"].is_null());
}

#[tokio::test]
async fn statistics_default_to_the_current_session_and_say_how_each_rate_is_computed() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let sessions = staff.get_json("/api/v1/sessions").await;
    let latest = sessions["items"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).max().unwrap();
    let s = staff.get_json("/api/v1/proposals/stats").await;
    assert_eq!(s["session_id"], json!(latest), "the current session by default");
    let defs = s["definitions"].as_array().unwrap();
    let reply_rate = defs.iter().find(|d| d["figure"] == "办复率").expect("办复率 defined");
    assert!(reply_rate["definition"].as_str().unwrap().contains("已交办"));
    assert!(defs.iter().any(|d| d["figure"] == "沟通率") && defs.iter().any(|d| d["figure"] == "见面率"));
    for key in ["assigned", "surveyed", "contacted", "met", "contact_rate", "meeting_rate"] {
        assert!(s["totals"].get(key).is_some(), "totals.{key}");
    }
    assert_eq!(s["categories"][0]["name"], "经济建设");
    let all = staff.get_json("/api/v1/proposals/stats?all_sessions=true").await;
    assert!(all["session_id"].is_null());
    assert_eq!(all["scope_name"], "全部届次");
    assert_problem(staff.get(&format!("/api/v1/proposals/stats?all_sessions=true&session_id={latest}")).await, 422, "validation_failed").await;

    // The page: the current session selected, the definitions next to the figures, "all" on offer.
    let mut page = Browser::new(&app);
    page.login_ok("staff", DEMO_PASSWORD).await;
    let html = page.page("/proposals/stats").await;
    assert!(html.contains("办复率（已答复÷已交办）") && html.contains("沟通率") && html.contains("见面率"), "definitions on the page");
    assert!(html.contains(&format!("<option value=\"{latest}\" selected>")), "the current session is selected");
    let html = page.page("/proposals/stats?session_id=all").await;
    assert!(html.contains("统计范围：全部届次"));
}

#[tokio::test]
async fn keep_assignment_is_an_action_of_the_api_with_its_request_body() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let spec = staff.get_json("/api/openapi.json").await;
    let op = &spec["paths"]["/api/v1/proposals/{id}/keep_assignment"]["post"];
    assert!(op.is_object(), "documented");
    let schema = &spec["components"]["schemas"]["KeepAssignmentInput"];
    assert!(schema["properties"]["reason"].is_object(), "{schema}");
    let evaluate = &spec["components"]["schemas"]["EvaluateInput"]["properties"];
    assert!(evaluate["contact_before"].is_object() && evaluate["result"].is_object());
}
