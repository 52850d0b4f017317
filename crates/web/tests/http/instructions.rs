//! Leaders' instructions (领导批示) over HTTP: the API's create, read, list, follow-up and export,
//! and the no-JS forms on a proposal's page (errors all at once), the staff page and the home
//! page of the proposer.

use serde_json::json;

use crate::helpers::*;
use eline_web::testing::spawn_demo_app;

const BODY: &str = "近年来我市老旧小区加装电梯需求旺盛，但协调难、资金难、审批慢等问题突出。建议简化审批流程，设立专项补贴，建立业主协商机制。";

async fn filed(member: &Api, staff: &Api, title: &str) -> i64 {
    let p = json_of(member.post("/api/v1/proposals", &json!({"title": title, "body": BODY})).await, 201).await;
    let id = p["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    json_of(staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    id
}

#[tokio::test]
async fn an_instruction_is_recorded_read_listed_followed_up_and_exported_through_the_api() {
    let app = spawn_demo_app().await;
    let (member, staff, leader) =
        (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await, Api::login(&app, "leader", DEMO_PASSWORD).await);
    let id = filed(&member, &staff, "关于加快推进老旧小区加装电梯的提案").await;
    let body = json!({"record_kind": "proposal", "record_id": id, "leader_name": "张明", "leader_post": "市长", "rank": "city",
        "given_on": "2026-01-05", "gist": "请市住建局牵头研究。"});
    let res = leader.post("/api/v1/instructions", &body).await;
    let loc = location(&res);
    let created = json_of(res, 201).await;
    let iid = created["id"].as_i64().unwrap();
    assert_eq!(loc, format!("/api/v1/instructions/{iid}"));
    assert_eq!((created["record_label"].as_str(), created["rank"].as_str()), (Some("提案"), Some("city")));
    assert_eq!(created["allowed_actions"], json!(["follow_up"]));

    // Every error at once, in Chinese; an unknown kind names the kinds.
    let bad = json!({"record_kind": "proposal", "record_id": id, "leader_name": "", "leader_post": "", "rank": "county", "given_on": "2999-01-01", "gist": ""});
    let p = assert_problem(staff.post("/api/v1/instructions", &bad).await, 422, "validation_failed").await;
    assert_eq!(field_errors(&p).len(), 5, "{p}");
    let p = assert_problem(staff.post("/api/v1/instructions", &json!({"record_kind": "nothing", "record_id": id})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "record_kind").contains("proposal（提案）"), "{p}");

    let read = member.get_json(&format!("/api/v1/instructions/{iid}")).await;
    assert_eq!(read["allowed_actions"], json!([]), "the proposer reads it and is not asked to follow up");
    let fu = json!({"done_on": "2026-01-06", "by_whom": "市住建局", "what": "已制定方案"});
    let stale = json!({"done_on": "2026-01-06", "by_whom": "市住建局", "what": "已制定方案", "version": 9});
    assert_problem(staff.post(&format!("/api/v1/instructions/{iid}/followups"), &stale).await, 409, "version_conflict").await;
    json_of(staff.post(&format!("/api/v1/instructions/{iid}/followups"), &fu).await, 201).await;
    let read = staff.get_json(&format!("/api/v1/instructions/{iid}")).await;
    assert_eq!((read["version"].as_i64(), read["followups"][0]["by_whom"].as_str()), (Some(2), Some("市住建局")));

    let mine = member.get_json(&format!("/api/v1/instructions?record=proposal:{id}")).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_problem(member.get("/api/v1/instructions").await, 403, "forbidden").await;
    let listed = leader.get_json("/api/v1/instructions?year=2026&rank=city&record_kind=proposal").await;
    assert_eq!(listed["items"][0]["id"].as_i64(), Some(iid));
    assert!(leader.get_json("/api/v1/instructions?year=2025").await["items"].as_array().unwrap().is_empty());
    let res = staff.get("/api/v1/instructions/export?year=2026").await;
    assert_eq!((res.status().as_u16(), header_str(res.headers(), reqwest::header::CONTENT_TYPE)), (200, XLSX.to_string()));
}

#[tokio::test]
async fn the_proposal_page_records_an_instruction_shows_errors_at_once_and_the_proposer_is_told_at_home() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let id = filed(&member, &staff, "关于规范共享单车停放管理的提案").await;
    let mut b = Browser::new(&app);
    b.login_ok("leader", DEMO_PASSWORD).await;
    let page = b.page(&format!("/proposals/{id}")).await;
    assert!(page.contains("记录领导批示") && page.contains(&format!("/instructions/new?record=proposal:{id}")), "the form is on the page");
    let action = format!("/instructions/new?record=proposal:{id}");
    let res = b.post_form(&action, &[("leader_name", ""), ("leader_post", ""), ("rank", "city"), ("given_on", "2999-01-01"), ("gist", "")]).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    for m in ["批示领导姓名不能为空", "批示领导职务不能为空", "批示日期不能晚于今天", "批示要点不能为空"] {
        assert!(html.contains(m), "{m} missing");
    }
    let fields =
        [("leader_name", "李强"), ("leader_post", "市委书记"), ("rank", "city"), ("given_on", "2026-02-01"), ("gist", "这件提案很有价值，请认真办理。")];
    let res = b.post_form(&action, &fields).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/proposals/{id}#instructions"));
    let page = b.page(&format!("/proposals/{id}")).await;
    assert!(page.contains("李强（市委书记）") && page.contains("这件提案很有价值"));
    assert!(page.contains("领导批示：李强 市委书记：这件提案很有价值，请认真办理。"), "on the timeline");
    let list = b.page("/instructions").await;
    assert!(list.contains("对政协履职成果作出批示<strong>1</strong>次"), "{}", &list[..list.len().min(3000)]);

    let mut m = Browser::new(&app);
    m.login_ok("member", DEMO_PASSWORD).await;
    let home = m.page("/").await;
    assert!(home.contains("my-instructions") && home.contains("李强（市委书记）"), "the proposer is told at home");
    let proposal = m.page(&format!("/proposals/{id}")).await;
    assert!(proposal.contains("李强（市委书记）") && !proposal.contains("记录领导批示"), "shown, without the form");
}
