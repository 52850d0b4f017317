//! Committees are tenants: nothing of another committee can be seen, changed or referenced.

use eline_app::auth::system_actor;
use eline_app::users::UserInput;
use eline_domain::member::MemberInput;
use eline_domain::org::DirectoryKind;
use eline_web::testing::{TestApp, spawn_demo_app};
use serde_json::{Value, json};

use crate::helpers::*;

/// Another committee with one record of each kind, a session, a member and an admin account.
struct Other {
    committee_id: i64,
    directory: Vec<(DirectoryKind, i64)>,
    session_id: i64,
    member_id: i64,
    user_id: i64,
}

async fn other_committee(app: &TestApp) -> Other {
    let committee_id = {
        let mut tx = app.state.app.db.begin().await.unwrap();
        let id = eline_storage::committees::create(&mut tx.ex(), None, "政协邻县委员会", "邻县政协", "county").await.unwrap();
        tx.commit().await.unwrap();
        id
    };
    let actor = system_actor(committee_id);
    let a = &app.state.app;
    let mut directory = Vec::new();
    for kind in DirectoryKind::ALL {
        let category = match kind {
            DirectoryKind::Organization => Some("party".to_string()),
            DirectoryKind::Unit => Some("government".to_string()),
            _ => None,
        };
        // The same names as the demo committee's records: names are unique per committee only.
        let name = match kind {
            DirectoryKind::Sector => "教育界".to_string(),
            _ => format!("邻县{}", kind.label()),
        };
        let input = eline_app::directory::DirectoryInput { name, category, ..Default::default() };
        directory.push((kind, a.create_directory(&actor, kind, &input).await.expect("other committee's directory").id));
    }
    let sector = directory[0].1;
    let session = eline_app::directory::SessionInput { term_number: Some(9), session_number: Some(1), year: Some(2024), ..Default::default() };
    let session_id = a.create_session(&actor, &session).await.unwrap().id;
    let member_id = a
        .create_member(&actor, &MemberInput { name: "邻县委员".into(), sector_id: Some(sector), phone: Some("13012345678".into()), ..Default::default() })
        .await
        .unwrap()
        .id;
    let user = UserInput {
        username: "county.admin".into(),
        password: PASSWORD.into(),
        display_name: "邻县管理员".into(),
        roles: vec!["admin".into()],
        member_id: None,
        unit_id: None,
        organization_id: None,
    };
    let user_id = a.create_user(&actor, &user, false).await.unwrap().id;
    Other { committee_id, directory, session_id, member_id, user_id }
}

#[tokio::test]
async fn records_of_another_committee_are_not_found_for_reading_or_writing() {
    let app = spawn_demo_app().await;
    let other = other_committee(&app).await;
    let theirs = Api::login(&app, "county.admin", PASSWORD).await;
    assert_eq!(theirs.get_json("/api/v1/me").await["committee_id"], other.committee_id);

    let mut paths: Vec<String> =
        other.directory.iter().map(|(kind, id)| format!("/api/v1/{}/{id}", kind.slug())).chain([format!("/api/v1/sessions/{}", other.session_id)]).collect();
    paths.push(format!("/api/v1/members/{}", other.member_id));
    let before: Vec<Value> = {
        let mut v = Vec::new();
        for p in &paths {
            v.push(theirs.get_json(p).await);
        }
        v
    };

    // The office (who may write) gets 404 for every id of theirs; other roles are refused
    // before the record is even looked up (403) or do not find it (404).
    for role in ["admin", "staff", "leader", "member", "unit"] {
        let office = matches!(role, "admin" | "staff");
        let api = Api::login(&app, role, DEMO_PASSWORD).await;
        for (path, record) in paths.iter().zip(&before) {
            let version = record["version"].clone();
            assert_problem(api.get(path).await, 404, "not_found").await;
            let mut writes = vec![api.patch(path, &json!({"name": "越权修改", "version": version})).await];
            for action in ["archive", "restore"] {
                writes.push(api.post(&format!("{path}/{action}"), &json!({"version": version})).await);
            }
            for res in writes {
                let status = res.status().as_u16();
                if office {
                    assert_problem(res, 404, "not_found").await;
                } else {
                    assert!(matches!(status, 403 | 404), "{role} writing {path}: {status}");
                }
            }
        }
    }
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let upath = format!("/api/v1/users/{}", other.user_id);
    assert_problem(admin.get(&upath).await, 404, "not_found").await;
    assert_problem(admin.patch(&upath, &json!({"display_name": "越权", "version": 1})).await, 404, "not_found").await;
    assert_problem(admin.post(&format!("{upath}/reset-password"), &json!({"password": "Yuequan2024"})).await, 404, "not_found").await;

    // Nothing changed: same versions, same names; their admin can still log in with the old password.
    for (path, record) in paths.iter().zip(&before) {
        assert_eq!(&theirs.get_json(path).await, record, "{path} changed");
    }
    let theirs_again = Api::login(&app, "county.admin", PASSWORD).await;
    let me = theirs_again.get_json(&upath).await;
    assert_eq!(me["display_name"], "邻县管理员");
    assert_eq!(me["must_change_password"], false);
}

#[tokio::test]
async fn lists_never_include_another_committees_records() {
    let app = spawn_demo_app().await;
    let other = other_committee(&app).await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let theirs = Api::login(&app, "county.admin", PASSWORD).await;
    for (kind, id) in &other.directory {
        let path = format!("/api/v1/{}?include_archived=true", kind.slug());
        let ours = admin.list_all(&path).await;
        assert!(ours.iter().all(|e| e["id"] != *id), "{path} lists the other committee's record");
        let their_list = theirs.list_all(&path).await;
        assert_eq!(their_list.len(), 1, "{path} of the other committee: {their_list:?}");
    }
    let sessions = admin.list_all("/api/v1/sessions?include_archived=true").await;
    assert!(sessions.iter().all(|s| s["id"] != other.session_id));
    let members = admin.list_all("/api/v1/members?include_archived=true").await;
    assert!(members.iter().all(|m| m["id"] != other.member_id));
    assert_eq!(members.len() as i64, member_count(&app, app.committee_id).await);
    let by_name = admin.get_json(&format!("/api/v1/members?name={}", enc("邻县"))).await;
    assert_eq!(by_name["items"], json!([]), "a name search does not reach the other committee");
    let users = admin.list_all("/api/v1/users").await;
    assert!(users.iter().all(|u| u["id"] != other.user_id));
    assert_eq!(theirs.list_all("/api/v1/users").await.len(), 1);
    // The audit logs are separate too.
    let audit = admin.list_all("/api/v1/audit").await;
    assert!(audit.iter().all(|e| !e["summary"].as_str().unwrap_or("").contains("邻县")), "our audit log shows their entries");
    let their_audit = theirs.list_all("/api/v1/audit").await;
    assert!(!their_audit.is_empty());
    assert!(their_audit.iter().all(|e| !e["summary"].as_str().unwrap_or("").contains("演示")));
    // Export contains only our members.
    let res = admin.get("/api/v1/members/export").await;
    assert_eq!(res.status(), 200);
    let rows = eline_app::spreadsheet::read_table("x.xlsx", &res.bytes().await.unwrap()).unwrap();
    assert!(rows.iter().all(|r| r.first().map(String::as_str) != Some("邻县委员")));
}

#[tokio::test]
async fn another_committees_records_cannot_be_referenced_from_ours() {
    let app = spawn_demo_app().await;
    let other = other_committee(&app).await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let id_of = |k: DirectoryKind| other.directory.iter().find(|(kind, _)| *kind == k).unwrap().1;
    let before = member_count(&app, app.committee_id).await;
    let p =
        assert_problem(staff.post("/api/v1/members", &json!({"name": "跨界委员", "sector_id": id_of(DirectoryKind::Sector)})).await, 422, "validation_failed")
            .await;
    assert!(has_chinese(&error_for(&p, "sector_id")));
    let ours = staff.list_all("/api/v1/sectors").await;
    let sector = ours[0]["id"].clone();
    let body = json!({"name": "跨界委员", "sector_id": sector, "work_station_id": id_of(DirectoryKind::WorkStation), "committee_ids": [id_of(DirectoryKind::SpecialCommittee)]});
    let p = assert_problem(staff.post("/api/v1/members", &body).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "work_station_id")));
    assert!(has_chinese(&error_for(&p, "committee_ids")));
    assert_eq!(member_count(&app, app.committee_id).await, before);

    let p = assert_problem(
        admin
            .post(
                "/api/v1/users",
                &json!({"username": "cross.member", "password": PASSWORD, "display_name": "跨界", "roles": ["member"], "member_id": other.member_id}),
            )
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_for(&p, "member_id"), "关联的委员不存在");
    let p = assert_problem(
        admin
            .post(
                "/api/v1/users",
                &json!({"username": "cross.unit", "password": PASSWORD, "display_name": "跨界", "roles": ["unit"], "unit_id": id_of(DirectoryKind::Unit)}),
            )
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_for(&p, "unit_id"), "关联的承办单位不存在");
    // Their member cannot be moved into our committee by pointing at our sector either.
    let res = staff.patch(&format!("/api/v1/members/{}", other.member_id), &json!({"sector_id": sector, "version": 1})).await;
    assert_problem(res, 404, "not_found").await;
    let theirs = Api::login(&app, "county.admin", PASSWORD).await;
    let m = theirs.get_json(&format!("/api/v1/members/{}", other.member_id)).await;
    assert_eq!(m["sector_id"], id_of(DirectoryKind::Sector));
    assert_eq!(m["version"], 1);
}

#[tokio::test]
async fn another_committees_pages_are_not_found_in_the_browser() {
    let app = spawn_demo_app().await;
    let other = other_committee(&app).await;
    let mut b = Browser::new(&app);
    b.login_ok("admin", DEMO_PASSWORD).await;
    let mut paths = vec![format!("/members/{}", other.member_id), format!("/members/{}/edit", other.member_id), format!("/users/{}", other.user_id)];
    paths.extend(other.directory.iter().map(|(k, id)| format!("/directory/{}/{id}", k.slug())));
    paths.push(format!("/directory/sessions/{}", other.session_id));
    for path in &paths {
        let res = b.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
    }
    let html = b.page(&format!("/members?name={}", enc("邻县"))).await;
    assert!(!html.contains("邻县委员"));
    // Posting a form at their member changes nothing.
    let res = b.post_form(&format!("/members/{}/archive", other.member_id), &[("version", "1")]).await;
    assert_eq!(res.status(), 404);
    let theirs = Api::login(&app, "county.admin", PASSWORD).await;
    assert_eq!(theirs.get_json(&format!("/api/v1/members/{}", other.member_id)).await["archived"], false);
}
