//! The defects an outside probe found (each test fails on the code as it was and passes now),
//! and the suites that look for such bugs by themselves (docs/security.md): records
//! (published proposals, drafts, the record matrix), accounts (tokens, the login throttle) and
//! limits (offsets, spreadsheets, slow clients, the in-flight limit, the smaller ones).

mod accounts;
mod limits;
mod records;

use serde_json::json;

use crate::helpers::*;

pub const BODY: &str = "近年来我市老旧小区加装电梯需求旺盛，但协调难、资金难、审批慢等问题突出。建议简化审批流程，设立专项补贴，建立业主协商机制。";

pub async fn alive(app: &eline_web::testing::TestApp) {
    let res = client().get(format!("{}/healthz", app.base_url)).send().await.expect("the server still answers");
    assert_eq!(res.status(), reqwest::StatusCode::OK);
}

pub async fn unit_id(app: &eline_web::testing::TestApp, username: &str) -> i64 {
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_storage::users::get_by_username(&mut c.ex(), username).await.unwrap().unwrap().unit_id.unwrap()
}

/// A proposal of the demo member carried to its evaluation, with a contact note, an objection
/// reason, an evaluation comment and an evaluation file — then published.
pub async fn published_with_a_record(app: &eline_web::testing::TestApp) -> i64 {
    let (member, staff, unit) =
        (Api::login(app, "member", DEMO_PASSWORD).await, Api::login(app, "staff", DEMO_PASSWORD).await, Api::login(app, "unit", DEMO_PASSWORD).await);
    let p = json_of(member.post("/api/v1/proposals", &json!({"title": "关于规范电动自行车停放充电的提案", "body": BODY})).await, 201).await;
    let id = p["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/assign"), &json!({"lead_unit_id": unit_id(app, "unit").await})).await, 200).await;
    json_of(unit.post(&format!("/api/v1/proposals/{id}/object"), &json!({"reason": "内部调整理由：此事应由住建部门牵头"})).await, 200).await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/reassign"), &json!({"lead_unit_id": unit_id(app, "unit").await, "comment": "维持原交办"})).await, 200)
        .await;
    json_of(unit.post(&format!("/api/v1/proposals/{id}/contact"), &json!({"text": "电话沟通记录：委员手机13800001111"})).await, 200).await;
    json_of(unit.post(&format!("/api/v1/proposals/{id}/reply"), &json!({"class": "B", "text": "正在推进充电设施建设。", "signer": "李明"})).await, 200).await;
    let res = member.upload(&format!("/api/v1/proposals/{id}/attachments?purpose=evaluation"), "评价意见.pdf", b"%PDF-1.4 evaluation".to_vec()).await;
    json_of(res, 201).await;
    json_of(member.post(&format!("/api/v1/proposals/{id}/evaluate"), &json!({"satisfaction": "dissatisfied", "comment": "私下评价：答复敷衍"})).await, 200)
        .await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/publish"), &json!({"published": true, "override_reason": "测试：机关决定公开"})).await, 200).await;
    id
}

pub const INTERNAL: [&str; 5] = ["内部调整理由", "电话沟通记录", "私下评价", "评价意见.pdf", "13800001111"];

pub async fn attachment_ids(app: &eline_web::testing::TestApp, proposal_id: i64) -> Vec<i64> {
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_storage::attachments::of(&mut c.ex(), app.committee_id, eline_domain::RecordRef::proposal(proposal_id))
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect()
}

pub async fn member_other_than_demo(app: &eline_web::testing::TestApp) -> i64 {
    let demo = {
        let mut c = app.state.app.db.acquire().await.unwrap();
        eline_storage::users::get_by_username(&mut c.ex(), "member").await.unwrap().unwrap().member_id.unwrap()
    };
    let staff = Api::login(app, "staff", DEMO_PASSWORD).await;
    let members = staff.get_json("/api/v1/members?limit=5").await;
    members["items"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).find(|m| *m != demo).unwrap()
}
