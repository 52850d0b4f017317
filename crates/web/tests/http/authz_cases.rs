//! Authorization cases beside the matrix (`authz.rs`): a member's own file and no other's, and
//! refused writes in the audit log.

use eline_web::testing::spawn_demo_app;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_member_reads_their_own_file_through_the_api_but_no_other() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let own = member.get_json("/api/v1/me").await["member_id"].as_i64().unwrap();
    let file = member.get_json(&format!("/api/v1/members/{own}")).await;
    assert_eq!(file["id"], own);
    assert_eq!(file["allowed_actions"], json!([]), "a member may not edit or archive their file");
    let p = assert_problem(member.get(&format!("/api/v1/members/{}", own + 1)).await, 404, "not_found").await;
    // The same answer as for an id that does not exist at all.
    let q = assert_problem(member.get("/api/v1/members/999999999").await, 404, "not_found").await;
    assert_eq!(p, q);
    let res = member.patch(&format!("/api/v1/members/{own}"), &json!({"phone": "13111111111", "version": file["version"]})).await;
    assert_problem(res, 403, "forbidden").await;
    assert_eq!(member.get_json(&format!("/api/v1/members/{own}")).await["version"], file["version"]);
}

#[tokio::test]
async fn refused_writes_are_audited_as_permission_denied() {
    let app = spawn_demo_app().await;
    let unit = Api::login(&app, "unit", DEMO_PASSWORD).await;
    let res = unit.post("/api/v1/sectors", &json!({"name": "越权界"})).await;
    assert_problem(res, 403, "forbidden").await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let audit = admin.get_json("/api/v1/audit?action=permission_denied").await;
    let items = audit["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{audit}");
    assert!(items[0]["actor_name"].as_str().unwrap().contains("unit"), "{audit}");
    assert!(!sector_names(&app).await.contains(&"越权界".to_string()));
}
