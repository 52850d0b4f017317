//! Search over HTTP: a write becomes findable within a second, the page and the API show
//! highlights and facets, other roles do not find what they may not open, bad queries get a
//! Chinese answer, and the office's merge and unit suggestions.

use serde_json::{Value, json};

use crate::helpers::*;
use eline_web::testing::spawn_demo_app;

const BODY: &str = "近年来我市老年人口持续增加，社区居家养老服务站覆盖不足，助餐、助浴等服务供给有限。建议民政部门牵头布局社区养老服务站，完善补贴机制。";

/// Polls the search API until `id` is among the hits of `q` (the indexer runs every 250 ms).
async fn found_within_a_second(api: &Api, q: &str, id: i64) -> Value {
    let started = std::time::Instant::now();
    loop {
        let v = api.get_json(&format!("/api/v1/search?q={}", enc(q))).await;
        if v["items"].as_array().unwrap().iter().any(|i| i["id"] == id) {
            return v;
        }
        assert!(started.elapsed() < std::time::Duration::from_millis(1500), "not found within a second and a half: {v}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_new_proposal_is_found_within_a_second_with_highlights_by_those_who_may_see_it() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let unit = Api::login(&app, "unit", DEMO_PASSWORD).await;
    let p = json_of(member.post("/api/v1/proposals", &json!({"title": "关于完善社区居家养老服务的建议", "body": BODY})).await, 201).await;
    let id = p["id"].as_i64().unwrap();
    let v = found_within_a_second(&member, "居家养老", id).await;
    let item = v["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap().clone();
    assert_eq!(item["type"], "proposal");
    assert_eq!(item["url"], format!("/proposals/{id}"));
    let marks = item["title_marks"].as_array().unwrap();
    assert!(!marks.is_empty(), "{item}");
    let title = item["title"].as_str().unwrap();
    let (a, b) = (marks[0][0].as_u64().unwrap() as usize, marks[0][1].as_u64().unwrap() as usize);
    assert!(["居家", "养老", "居家养老"].contains(&&title[a..b]), "{}", &title[a..b]);
    // Traditional characters find it too.
    found_within_a_second(&member, "居家養老", id).await;
    // A draft is its proposer's alone: neither the office nor a unit finds it …
    for other in [&unit, &staff] {
        let v = other.get_json(&format!("/api/v1/search?q={}", enc("居家养老"))).await;
        assert!(v["items"].as_array().unwrap().iter().all(|i| i["id"] != id), "{v}");
    }
    // … until it is submitted: then the office does.
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    found_within_a_second(&staff, "居家养老", id).await;
    // The page: highlighted title, a facet, a link to the record.
    let mut browser = Browser::new(&app);
    browser.login_ok("member", DEMO_PASSWORD).await;
    let html = browser.page(&format!("/search?q={}", enc("居家养老"))).await;
    assert!(html.contains("<mark>"), "{html}");
    assert!(html.contains(&format!("href=\"/proposals/{id}\"")));
    assert!(html.contains("找到"));
    assert!(html.contains("header-q"), "the header has a search box");
}

#[tokio::test]
async fn empty_nonsense_and_bad_queries_get_a_helpful_answer() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let v = staff.get_json("/api/v1/search").await;
    assert_eq!(v["total"], 0);
    let v = staff.get_json(&format!("/api/v1/search?q={}", enc("啊啊啊zzqx"))).await;
    assert_eq!(v["total"], 0);
    let p = assert_problem(staff.get(&format!("/api/v1/search?q={}", enc(&"养".repeat(101)))).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "q")));
    let p = assert_problem(staff.get("/api/v1/search?q=a&type=bogus").await, 422, "validation_failed").await;
    assert!(error_for(&p, "type").contains("proposal"));
    let mut browser = Browser::new(&app);
    browser.login_ok("staff", DEMO_PASSWORD).await;
    let html = browser.page("/search").await;
    assert!(html.contains("繁体字也可以"), "an empty query explains how to search");
    let html = browser.page(&format!("/search?q={}", enc("啊啊啊zzqx"))).await;
    assert!(html.contains("没有找到"), "{html}");
    let res = browser.get(&format!("/search?q={}", enc(&"养".repeat(101)))).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("最多 100 个字"));
}

#[tokio::test]
async fn the_office_sees_merge_candidates_and_suggested_units() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let mut ids = Vec::new();
    for title in ["关于完善社区居家养老服务的建议", "关于加快社区养老服务站建设的建议"] {
        let p = json_of(member.post("/api/v1/proposals", &json!({"title": title, "body": BODY})).await, 201).await;
        let id = p["id"].as_i64().unwrap();
        json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
        ids.push(id);
    }
    json_of(staff.post(&format!("/api/v1/proposals/{}/review", ids[0]), &json!({"decision": "file"})).await, 200).await;
    let unit_id = {
        let mut c = app.state.app.db.acquire().await.unwrap();
        eline_storage::users::get_by_username(&mut c.ex(), "unit").await.unwrap().unwrap().unit_id.unwrap()
    };
    json_of(staff.post(&format!("/api/v1/proposals/{}/assign", ids[0]), &json!({"lead_unit_id": unit_id})).await, 200).await;
    found_within_a_second(&staff, "养老服务站", ids[1]).await;
    // Wait for the index to hold the assignment (not only the proposal).
    let started = std::time::Instant::now();
    loop {
        let v = found_within_a_second(&staff, "居家养老", ids[0]).await;
        if v["items"].as_array().unwrap().iter().any(|i| i["id"] == ids[0] && i["status"] == "assigned") {
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_millis(1500), "assignment not indexed: {v}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let v = staff.get_json(&format!("/api/v1/proposals/{}/merge-candidates", ids[1])).await;
    assert_eq!(v["items"][0]["id"], ids[0], "{v}");
    let v = staff.get_json(&format!("/api/v1/proposals/{}/unit-suggestions", ids[1])).await;
    assert_eq!(v["items"][0]["unit_id"], unit_id, "{v}");
    assert_eq!(v["items"][0]["because"][0]["id"], ids[0]);
    // The review and assignment forms show them.
    let mut browser = Browser::new(&app);
    browser.login_ok("staff", DEMO_PASSWORD).await;
    let html = browser.page(&format!("/proposals/{}", ids[1])).await;
    assert!(html.contains("可并案的相似提案"), "{html}");
    let v = member.get_json(&format!("/api/v1/search/similar?title={}", enc("关于社区养老服务的建议"))).await;
    assert!(v["items"].as_array().unwrap().iter().any(|i| i["id"] == ids[0] || i["id"] == ids[1]), "{v}");
}

#[tokio::test]
async fn a_query_whose_words_match_only_in_part_answers_an_empty_list_and_a_page_that_says_so() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let p = json_of(member.post("/api/v1/proposals", &json!({"title": "关于支持集成电路芯片设计企业发展的建议", "body": BODY})).await, 201).await;
    let id = p["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    found_within_a_second(&staff, "芯片", id).await;
    // One word of three (芯片) is no match: an empty list, not the 芯片 proposal.
    let v = staff.get_json(&format!("/api/v1/search?q={}", enc("芯片 量子 计算机"))).await;
    assert_eq!((v["items"].clone(), v["total"].clone(), v["relaxed"].clone()), (json!([]), json!(0), json!(false)), "{v}");
    let mut browser = Browser::new(&app);
    browser.login_ok("staff", DEMO_PASSWORD).await;
    let html = browser.page(&format!("/search?q={}", enc("芯片 量子 计算机"))).await;
    assert!(html.contains("没有找到与“芯片 量子 计算机”相关的记录"), "{html}");
    assert!(html.contains("分别搜索") && html.contains(&format!("href=\"/search?q={}\"", enc("芯片"))), "the hint offers each word: {html}");
    assert!(!html.contains(&format!("href=\"/proposals/{id}\"")), "{html}");
    // Filed, it waits for assignment; no earlier proposal is like it, and the form says so.
    json_of(staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    let v = staff.get_json(&format!("/api/v1/proposals/{id}/unit-suggestions")).await;
    assert_eq!(v["items"], json!([]), "{v}");
    let html = browser.page(&format!("/proposals/{id}")).await;
    assert!(html.contains("没有足够相似的以往提案，请人工选择承办单位"), "{html}");
}
