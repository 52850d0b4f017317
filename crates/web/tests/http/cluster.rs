//! Two eline servers on one database behave as one (issue #5, "more than one server"): a login or
//! token made on one works on the other, a write on one is read on the other and found by the
//! other's search index (which follows the shared outbox), an upload on one downloads from the
//! other. Runs on PostgreSQL when ELINE_TEST_DATABASE_URL is set, else on one SQLite file.

use serde_json::json;

use crate::helpers::*;
use eline_web::testing::{TestApp, spawn_demo_pair};

fn on(app: &TestApp, api: &Api) -> Api {
    Api { client: api.client.clone(), base: app.base_url.clone(), token: api.token.clone() }
}

#[tokio::test]
async fn a_write_on_one_server_is_read_and_found_on_the_other() {
    let (a, b) = spawn_demo_pair().await;
    assert_ne!(a.base_url, b.base_url);
    let member_a = Api::login(&a, "member", DEMO_PASSWORD).await;
    let member_b = on(&b, &member_a);
    // The token made on A is known to B (sessions and tokens live in the database).
    assert_eq!(member_b.get_json("/api/v1/me").await["username"], "member");

    let p = json_of(
        member_a
            .post("/api/v1/proposals", &json!({"title": "关于在城区增设口袋公园的建议", "body": "城区老旧街区人口密集，缺少可供居民休憩的公共空间，老人和儿童只能在路边停留，存在安全隐患。建议由城管和自然资源部门牵头，利用边角地、闲置地建设口袋公园，增设座椅、遮阳和绿化设施，并纳入年度民生实事项目，方便群众就近休闲。"}))
            .await,
        201,
    )
    .await;
    let id = p["id"].as_i64().unwrap();
    assert_eq!(member_b.get_json(&format!("/api/v1/proposals/{id}")).await["title"], "关于在城区增设口袋公园的建议");

    // B's own index finds it: its indexer follows the outbox A wrote in the same transaction.
    let started = std::time::Instant::now();
    loop {
        let v = member_b.get_json(&format!("/api/v1/search?q={}", enc("口袋公园"))).await;
        if v["items"].as_array().unwrap().iter().any(|i| i["id"] == id) {
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_millis(1500), "not found on the other server: {v}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // An upload through A downloads through B (the shared upload directory).
    let up = member_a.upload(&format!("/api/v1/proposals/{id}/attachments?purpose=proposal"), "调研.pdf", b"%PDF-1.4 cluster".to_vec()).await;
    let file = json_of(up, 201).await;
    let res = member_b.get(&format!("/api/v1/proposals/{id}/attachments/{}", file["id"])).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"%PDF-1.4 cluster");

    // A browser session started on A is valid on B.
    let mut browser = Browser::new(&a);
    browser.login_ok("member", DEMO_PASSWORD).await;
    browser.base = b.base_url.clone();
    let html = browser.page(&format!("/proposals/{id}")).await;
    assert!(html.contains("口袋公园"));
    drop(b);
    drop(a);
}
