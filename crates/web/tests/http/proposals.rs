//! Proposals over HTTP: the whole path through the API, attachments, bulk assignment, reply
//! templates and the public pages.

use serde_json::{Value, json};

use crate::helpers::*;
use eline_web::testing::spawn_demo_app;

const BODY: &str = "近年来我市老旧小区加装电梯需求旺盛，但协调难、资金难、审批慢等问题突出。建议简化审批流程，设立专项补贴，建立业主协商机制。";

async fn unit_id(app: &eline_web::testing::TestApp) -> i64 {
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_storage::users::get_by_username(&mut c.ex(), "unit").await.unwrap().unwrap().unit_id.unwrap()
}

/// A member's proposal, submitted and filed: its id.
async fn filed(member: &Api, staff: &Api, title: &str) -> i64 {
    let p = json_of(member.post("/api/v1/proposals", &json!({"title": title, "body": BODY})).await, 201).await;
    let id = p["id"].as_i64().unwrap();
    assert_eq!(p["status"], "draft");
    assert!(p["allowed_actions"].as_array().unwrap().contains(&json!("submit")));
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({"version": p["version"]})).await, 200).await;
    let v = json_of(staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    assert_eq!(v["status"], "filed");
    id
}

#[tokio::test]
async fn a_proposal_goes_from_draft_to_closed_through_the_api_with_its_timeline() {
    let app = spawn_demo_app().await;
    let (member, staff, unit) =
        (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await, Api::login(&app, "unit", DEMO_PASSWORD).await);
    let id = filed(&member, &staff, "关于加快推进老旧小区加装电梯的提案").await;
    // The unit cannot see it before it is assigned to it.
    assert_problem(unit.get(&format!("/api/v1/proposals/{id}")).await, 404, "not_found").await;
    let v = json_of(staff.post(&format!("/api/v1/proposals/{id}/assign"), &json!({"lead_unit_id": unit_id(&app).await})).await, 200).await;
    assert_eq!(v["status"], "assigned");
    assert!(v["due_label"].as_str().unwrap().starts_with("剩余"));
    // A reply with a class outside the configured list is refused in Chinese and changes nothing.
    let p = assert_problem(
        unit.post(&format!("/api/v1/proposals/{id}/reply"), &json!({"class": "D", "text": "答复", "signer": "李明"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(error_for(&p, "class").contains("答复类别"));
    let v = json_of(unit.post(&format!("/api/v1/proposals/{id}/reply"), &json!({"class": "A", "text": "已纳入民生实事。", "signer": "李明"})).await, 200).await;
    assert_eq!(v["status"], "replied");
    // Acting again on a stale version is a conflict.
    assert_problem(
        member.post(&format!("/api/v1/proposals/{id}/evaluate"), &json!({"satisfaction": "satisfied", "version": 1})).await,
        409,
        "version_conflict",
    )
    .await;
    // Dissatisfied without a reason is refused.
    let p = assert_problem(member.post(&format!("/api/v1/proposals/{id}/evaluate"), &json!({"satisfaction": "dissatisfied"})).await, 422, "validation_failed")
        .await;
    assert!(error_for(&p, "comment").contains("理由"));
    let v = json_of(member.post(&format!("/api/v1/proposals/{id}/evaluate"), &json!({"satisfaction": "satisfied"})).await, 200).await;
    assert_eq!(v["status"], "closed");
    let actions: Vec<&str> = v["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["create", "submit", "review", "assign", "reply", "evaluate"]);
    // An action the state does not allow is invalid_transition.
    assert_problem(member.post(&format!("/api/v1/proposals/{id}/withdraw"), &json!({})).await, 409, "invalid_transition").await;
    assert_audit_chain_ok(&app).await;
}

#[tokio::test]
async fn two_hundred_filed_proposals_are_assigned_in_one_request_or_not_at_all() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let mut ids = Vec::new();
    for i in 0..200 {
        ids.push(filed(&member, &staff, &format!("关于第{i}件测试事项的提案")).await);
    }
    let draft = json_of(member.post("/api/v1/proposals", &json!({"title": "关于一件草稿的提案", "body": BODY})).await, 201).await["id"].as_i64().unwrap();
    let unit = unit_id(&app).await;
    // One draft in the batch (the office does not see drafts): nothing is assigned.
    let mut with_draft = ids[..5].to_vec();
    with_draft.push(draft);
    assert_problem(staff.post("/api/v1/proposals/assign", &json!({"ids": with_draft, "lead_unit_id": unit})).await, 404, "not_found").await;
    assert_eq!(staff.get_json(&format!("/api/v1/proposals/{}", ids[0])).await["status"], "filed");
    // One proposal not yet filed in the batch: nothing is assigned either.
    json_of(member.post(&format!("/api/v1/proposals/{draft}/submit"), &json!({})).await, 200).await;
    let mut with_submitted = ids[..5].to_vec();
    with_submitted.push(draft);
    let p =
        assert_problem(staff.post("/api/v1/proposals/assign", &json!({"ids": with_submitted, "lead_unit_id": unit})).await, 409, "invalid_transition").await;
    assert!(p["detail"].as_str().unwrap().contains(&format!("编号{draft}")), "{p}");
    assert_eq!(staff.get_json(&format!("/api/v1/proposals/{}", ids[0])).await["status"], "filed");
    let res = json_of(staff.post("/api/v1/proposals/assign", &json!({"ids": ids, "lead_unit_id": unit})).await, 200).await;
    assert_eq!(res["assigned"], 200);
    let assigned = staff.get_json("/api/v1/proposals?status=assigned&limit=200").await;
    assert_eq!(assigned["items"].as_array().unwrap().len(), 200);
}

#[tokio::test]
async fn files_are_checked_by_content_and_only_the_right_people_download_them() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let p = json_of(member.post("/api/v1/proposals", &json!({"title": "关于加强校园周边交通安全的提案", "body": BODY})).await, 201).await;
    let id = p["id"].as_i64().unwrap();
    // A program renamed to .pdf is refused.
    let res = member.upload(&format!("/api/v1/proposals/{id}/attachments?purpose=proposal"), "报告.pdf", b"MZ\x90\x00\x03".to_vec()).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert!(error_for(&problem, "file").contains("PDF"));
    let res = member.upload(&format!("/api/v1/proposals/{id}/attachments?purpose=proposal"), "../调研报告.pdf", b"%PDF-1.4 test".to_vec()).await;
    let file: Value = json_of(res, 201).await;
    assert_eq!(file["file_name"], "调研报告.pdf");
    assert_eq!(file["content_type"], "application/pdf");
    let fid = file["id"].as_i64().unwrap();
    let res = member.get(&format!("/api/v1/proposals/{id}/attachments/{fid}")).await;
    assert_eq!(res.status(), 200);
    assert!(header_str(res.headers(), reqwest::header::CONTENT_DISPOSITION).starts_with("attachment"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"%PDF-1.4 test");
    // Another member and a unit do not see the draft or its files.
    let unit = Api::login(&app, "unit", DEMO_PASSWORD).await;
    assert_problem(unit.get(&format!("/api/v1/proposals/{id}/attachments/{fid}")).await, 404, "not_found").await;
    // A unit cannot attach reply material to a proposal it does not handle.
    let res = unit.upload(&format!("/api/v1/proposals/{id}/attachments?purpose=reply"), "答复.pdf", b"%PDF-1.4 x".to_vec()).await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn the_public_sees_a_proposal_only_after_the_office_publishes_it() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let id = filed(&member, &staff, "关于建设城市慢行系统的提案").await;
    let anon = reqwest::Client::new();
    let page = |path: String| {
        let anon = anon.clone();
        let url = format!("{}{path}", app.base_url);
        async move { anon.get(url).send().await.unwrap() }
    };
    assert_eq!(page(format!("/public/proposals/{id}")).await.status(), 404);
    assert!(!page("/public/proposals".into()).await.text().await.unwrap().contains("城市慢行系统"));
    // The proposer did not state a 公开意愿: refused without the office's reason, then published with it.
    let p = assert_problem(staff.post(&format!("/api/v1/proposals/{id}/publish"), &json!({"published": true})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "override_reason").contains("公开意愿"));
    assert_eq!(page(format!("/public/proposals/{id}")).await.status(), 404);
    json_of(staff.post(&format!("/api/v1/proposals/{id}/publish"), &json!({"published": true, "override_reason": "典型案例"})).await, 200).await;
    let res = page(format!("/public/proposals/{id}")).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("关于建设城市慢行系统的提案") && html.contains("第0001号"));
    assert!(!html.contains("办理过程"), "the internal handling record stays internal");
}

#[tokio::test]
async fn a_unit_fills_its_reply_from_one_of_its_templates() {
    let app = spawn_demo_app().await;
    let (member, staff, unit) =
        (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await, Api::login(&app, "unit", DEMO_PASSWORD).await);
    let id = filed(&member, &staff, "关于优化公交线网的提案").await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/assign"), &json!({"lead_unit_id": unit_id(&app).await})).await, 200).await;
    let t = json_of(unit.post("/api/v1/reply-templates", &json!({"name": "纳入计划", "text": "该建议已纳入我局年度工作计划，将逐步推进。"})).await, 201).await;
    let mut b = Browser::new(&app);
    b.login_ok("unit", DEMO_PASSWORD).await;
    let html = b.page(&format!("/proposals/{id}?template={}", t["id"])).await;
    assert!(html.contains("该建议已纳入我局年度工作计划，将逐步推进。</textarea>"));
    // Another unit's user does not get this unit's templates.
    assert_problem(member.get("/api/v1/reply-templates").await, 403, "forbidden").await;
}

#[tokio::test]
async fn a_body_missing_a_field_is_answered_in_chinese_against_that_field() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let p = assert_problem(member.post("/api/v1/tokens", &json!({})).await, 422, "validation_failed").await;
    assert_eq!(error_for(&p, "name"), "请求内容格式有误：缺少字段“name”");
    let p = assert_problem(member.post("/api/v1/proposals", &json!({"title": 5, "body": BODY})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "body").contains("类型或取值不正确"), "{p}");
}

#[tokio::test]
async fn an_action_that_takes_the_callers_sight_of_the_proposal_answers_with_its_public_part_not_404() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let p = json_of(member.post("/api/v1/proposals", &json!({"title": "关于完善社区停车管理的提案", "body": BODY})).await, 201).await;
    let id = p["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    // Returned to its proposer, it is a draft again: the office no longer sees it, yet the
    // action it took succeeded and says so.
    let v = json_of(staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "return", "comment": "请补充停车位缺口数据"})).await, 200).await;
    assert_eq!((v["status"].as_str(), v["allowed_actions"].as_array().map(Vec::len)), (Some("draft"), Some(0)), "{v}");
    assert_problem(staff.get(&format!("/api/v1/proposals/{id}")).await, 404, "not_found").await;
}
