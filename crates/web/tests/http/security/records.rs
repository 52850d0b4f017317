//! Who sees which part of which proposal: published ones, drafts, another committee's.

use std::time::Duration;

use eline_web::testing::spawn_demo_app;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;
use crate::helpers::*;

#[tokio::test]
async fn a_published_proposal_shows_others_its_public_view_never_its_internal_record() {
    let app = spawn_demo_app().await;
    let id = published_with_a_record(&app).await;
    create_user(&app, "other_member", &["member"], Some(member_other_than_demo(&app).await), None).await;
    let other = Api::login(&app, "other_member", PASSWORD).await;
    let v = other.get_json(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(v["access"], "public");
    assert_eq!(v["title"], "关于规范电动自行车停放充电的提案");
    assert_eq!(v["replies"].as_array().unwrap().len(), 1, "the reply is public");
    for part in ["timeline", "evaluations", "commitments", "supervisors"] {
        assert!(v[part].as_array().unwrap().is_empty(), "{part} must be empty in the public view: {v}");
    }
    assert!(v["allowed_actions"].as_array().unwrap().is_empty());
    let text = v.to_string();
    for secret in INTERNAL {
        assert!(!text.contains(secret), "the public view shows {secret}: {text}");
    }
    // Its files are not downloadable either.
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let full = staff.get_json(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(full["access"], "full");
    assert!(full.to_string().contains("私下评价"), "the office sees the whole record");
    let mut b = Browser::new(&app);
    b.login_ok("other_member", PASSWORD).await;
    let html = b.page(&format!("/proposals/{id}")).await;
    assert!(html.contains("关于规范电动自行车停放充电的提案"));
    for secret in INTERNAL {
        assert!(!html.contains(secret), "the page shows {secret} to another member");
    }
    // The participants still see everything.
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let own = member.get_json(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(own["access"], "full");
    assert!(own["timeline"].as_array().unwrap().len() > 5);
}

#[tokio::test]
async fn a_published_proposals_files_are_not_downloadable_by_others() {
    let app = spawn_demo_app().await;
    let id = published_with_a_record(&app).await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let files = attachment_ids(&app, id).await;
    assert!(!files.is_empty());
    create_user(&app, "other_member", &["member"], Some(member_other_than_demo(&app).await), None).await;
    let other = Api::login(&app, "other_member", PASSWORD).await;
    for f in &files {
        assert_problem(other.get(&format!("/api/v1/proposals/{id}/attachments/{f}")).await, 404, "not_found").await;
        assert_eq!(staff.get(&format!("/api/v1/proposals/{id}/attachments/{f}")).await.status(), StatusCode::OK);
    }
}

// ---- 4. drafts -------------------------------------------------------------------------------

#[tokio::test]
async fn a_members_draft_is_theirs_alone_until_submitted() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let p = json_of(member.post("/api/v1/proposals", &json!({"title": "关于草稿保密测试燕子湖的提案", "body": BODY})).await, 201).await;
    let id = p["id"].as_i64().unwrap();
    let res = member.upload(&format!("/api/v1/proposals/{id}/attachments?purpose=proposal"), "草稿材料.pdf", b"%PDF-1.4 draft".to_vec()).await;
    let fid = json_of(res, 201).await["id"].as_i64().unwrap();
    assert_problem(staff.get(&format!("/api/v1/proposals/{id}")).await, 404, "not_found").await;
    assert_problem(staff.get(&format!("/api/v1/proposals/{id}/attachments/{fid}")).await, 404, "not_found").await;
    let all = staff.list_all("/api/v1/proposals").await;
    assert!(all.iter().all(|p| p["id"] != id), "the office's list shows a member's draft");
    let drafts = staff.get_json("/api/v1/proposals?status=draft").await;
    assert!(drafts["items"].as_array().unwrap().iter().all(|p| p["id"] != id));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let hits = staff.get_json(&format!("/api/v1/search?q={}", enc("燕子湖"))).await;
    assert!(hits["items"].as_array().unwrap().is_empty(), "search shows the office a member's draft: {hits}");
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    assert_eq!(b.get(&format!("/proposals/{id}")).await.status(), StatusCode::NOT_FOUND);
    // The member finds it; once submitted the office sees it.
    let own = member.get_json(&format!("/api/v1/search?q={}", enc("燕子湖"))).await;
    assert_eq!(own["items"].as_array().unwrap().len(), 1);
    json_of(member.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    assert_eq!(staff.get_json(&format!("/api/v1/proposals/{id}")).await["status"], "submitted");
    assert_eq!(staff.get(&format!("/api/v1/proposals/{id}/attachments/{fid}")).await.status(), StatusCode::OK);
}

// ---- the record matrix: published records, drafts, a second committee -----------------------

/// What a viewer gets of a record: the API's `access` ("full", "public") or "404"; the page's
/// status must agree (200 for both views, 404 otherwise).
async fn seen(api: &Api, browser: &mut Browser, id: i64) -> String {
    let res = api.get(&format!("/api/v1/proposals/{id}")).await;
    let api_view = match res.status().as_u16() {
        200 => res.json::<Value>().await.unwrap()["access"].as_str().unwrap().to_string(),
        404 => "404".to_string(),
        other => panic!("GET proposal {id}: {other}"),
    };
    let page = browser.get(&format!("/proposals/{id}")).await.status().as_u16();
    assert_eq!(page == 200, api_view != "404", "page {page} vs API {api_view} for proposal {id}");
    api_view
}

/// A proposal of another committee, filed and published there by its own office.
async fn published_elsewhere(app: &eline_web::testing::TestApp) -> i64 {
    use eline_app::auth::system_actor;
    let a = &app.state.app;
    let cid = {
        let mut tx = a.db.begin().await.unwrap();
        let id = eline_storage::committees::create(&mut tx.ex(), None, "政协邻县委员会", "邻县政协", "county").await.unwrap();
        tx.commit().await.unwrap();
        id
    };
    let sys = system_actor(cid);
    let sector = a
        .create_directory(&sys, eline_domain::org::DirectoryKind::Sector, &eline_app::directory::DirectoryInput { name: "教育界".into(), ..Default::default() })
        .await
        .unwrap()
        .id;
    let session = eline_app::directory::SessionInput { term_number: Some(9), session_number: Some(1), year: Some(2026), ..Default::default() };
    a.create_session(&sys, &session).await.unwrap();
    let member =
        a.create_member(&sys, &eline_domain::member::MemberInput { name: "邻县委员".into(), sector_id: Some(sector), ..Default::default() }).await.unwrap().id;
    for (username, roles, member_id) in [("county.member", vec!["member".to_string()], Some(member)), ("county.staff", vec!["staff".to_string()], None)] {
        let input = eline_app::users::UserInput {
            username: username.into(),
            password: PASSWORD.into(),
            display_name: username.into(),
            roles,
            member_id,
            unit_id: None,
            organization_id: None,
        };
        a.create_user(&sys, &input, false).await.unwrap();
    }
    let (m, s) = (Api::login(app, "county.member", PASSWORD).await, Api::login(app, "county.staff", PASSWORD).await);
    let id = json_of(m.post("/api/v1/proposals", &json!({"title": "关于邻县乡村公路养护的提案", "body": BODY})).await, 201).await["id"].as_i64().unwrap();
    json_of(m.post(&format!("/api/v1/proposals/{id}/submit"), &json!({})).await, 200).await;
    json_of(s.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    json_of(s.post(&format!("/api/v1/proposals/{id}/publish"), &json!({"published": true, "override_reason": "测试：机关决定公开"})).await, 200).await;
    id
}

#[tokio::test]
async fn every_role_sees_drafts_submitted_filed_published_and_other_committees_records_as_the_policy_says() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let new = |title: &'static str| {
        let member = member.clone();
        async move { json_of(member.post("/api/v1/proposals", &json!({"title": title, "body": BODY})).await, 201).await["id"].as_i64().unwrap() }
    };
    let draft = new("关于矩阵草稿的提案").await;
    let submitted = new("关于矩阵已提交的提案").await;
    json_of(member.post(&format!("/api/v1/proposals/{submitted}/submit"), &json!({})).await, 200).await;
    let filed = new("关于矩阵已立案的提案").await;
    json_of(member.post(&format!("/api/v1/proposals/{filed}/submit"), &json!({})).await, 200).await;
    json_of(staff.post(&format!("/api/v1/proposals/{filed}/review"), &json!({"decision": "file"})).await, 200).await;
    let published = published_with_a_record(&app).await;
    let elsewhere = published_elsewhere(&app).await;
    create_user(&app, "other_member", &["member"], Some(member_other_than_demo(&app).await), None).await;

    #[rustfmt::skip]
    let expected: [(&str, &str, [&str; 5]); 7] = [
        //                                   draft  submitted filed   published elsewhere
        ("admin",         DEMO_PASSWORD, ["404", "404",   "404",  "public", "404"]),
        ("staff",         DEMO_PASSWORD, ["404", "full",  "full", "full",   "404"]),
        ("member",        DEMO_PASSWORD, ["full","full",  "full", "full",   "404"]),
        ("other_member",  PASSWORD,      ["404", "404",   "404",  "public", "404"]),
        ("unit",          DEMO_PASSWORD, ["404", "404",   "404",  "full",   "404"]),
        ("leader",        DEMO_PASSWORD, ["404", "404",   "full", "full",   "404"]),
        ("county.member", PASSWORD,      ["404", "404",   "404",  "404",    "full"]),
    ];
    let records = [draft, submitted, filed, published, elsewhere];
    let mut wrong = Vec::new();
    for (who, password, row) in expected {
        let api = Api::login(&app, who, password).await;
        let mut b = Browser::new(&app);
        b.login_ok(who, password).await;
        for (id, want) in records.iter().zip(row) {
            let got = seen(&api, &mut b, *id).await;
            if got != want {
                wrong.push(format!("{who} on proposal {id}: got {got}, expected {want}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The public pages show the committee's own published proposal, never another's.
    let anon = client();
    assert_eq!(anon.get(format!("{}/public/proposals/{published}", app.base_url)).send().await.unwrap().status(), 200);
    assert_eq!(anon.get(format!("{}/public/proposals/{elsewhere}", app.base_url)).send().await.unwrap().status(), 404);
    assert_eq!(anon.get(format!("{}/public/proposals/{filed}", app.base_url)).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_role_that_may_not_write_gets_the_403_page_whatever_its_form() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    for path in ["/users", "/users/1", "/members", "/members/1/edit", "/directory/sectors", "/directory/sessions", "/settings/deadlines", "/settings/calendar"]
    {
        let res = b.post_form(path, &[("member_id", "not-a-number"), ("year", "x"), ("birth_year", "abc")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(has_chinese(&res.text().await.unwrap()), "{path}");
    }
}
