//! Pickers (issue 12, points 1 and 6): members and units are found by name, pinyin initials or
//! 界别 and chosen with a tap — the co-signers of a joint proposal and the member or unit of an
//! account — with and without JavaScript (the form's picker buttons come back to the form
//! changed and unsaved).

use reqwest::StatusCode;

use crate::helpers::*;
use eline_web::testing::spawn_demo_app;

const BODY: &str = "近年来我市老旧小区加装电梯需求旺盛，但协调难、资金难、审批慢等问题突出。建议简化审批流程，设立专项补贴，建立业主协商机制。";

#[tokio::test]
async fn members_are_found_by_name_pinyin_initials_and_sector_and_units_by_name() {
    let app = spawn_demo_app().await;
    let sector = create_sector(&app, "拾遗测试界").await;
    let id = create_member(&app, "欧阳明月", sector).await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    for q in ["欧阳", "oymy", "OYM", "ouyangming", "拾遗测试"] {
        let v = member.get_json(&format!("/api/v1/pickers/members?q={}", enc(q))).await;
        let items = v["items"].as_array().unwrap();
        assert!(items.iter().any(|i| i["id"] == id && i["label"] == "欧阳明月（拾遗测试界）"), "{q}: {v}");
    }
    let v = member.get_json(&format!("/api/v1/pickers/members?q={}", enc("qqqxxx"))).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    let v = member.get_json("/api/v1/pickers/members?limit=3").await;
    assert_eq!(v["items"].as_array().unwrap().len(), 3, "the limit is kept");
    // Units: by name and by initials.
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let units = admin.get_json("/api/v1/pickers/units?limit=50").await;
    let first = units["items"][0].clone();
    let name = first["name"].as_str().unwrap();
    let initials = eline_app::pickers::initials_of(name);
    let v = admin.get_json(&format!("/api/v1/pickers/units?q={}", enc(&initials))).await;
    assert!(v["items"].as_array().unwrap().iter().any(|i| i["id"] == first["id"]), "{initials}: {v}");
    // A unit's clerk does not browse the roster.
    let unit = Api::login(&app, "unit", DEMO_PASSWORD).await;
    assert_problem(unit.get("/api/v1/pickers/members").await, 403, "forbidden").await;
}

#[tokio::test]
async fn co_signers_are_searched_added_and_removed_on_the_form_without_javascript() {
    let app = spawn_demo_app().await;
    let sector = create_sector(&app, "拾遗测试界").await;
    let id = create_member(&app, "欧阳明月", sector).await;
    let (ids, chip) = (id.to_string(), format!("cosigner_ids:{id}"));
    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    let form = b.page("/proposals/new").await;
    assert!(form.contains("id=\"picker-cosigner_ids\""), "the form has the co-signer picker");
    assert!(!form.contains("<select id=\"cosigners\""), "no 300-line multi-select any more");
    let title = "关于老旧小区加装电梯的提案";
    let base = [("kind", "joint"), ("title", title), ("body", BODY)];
    let api = Api::login(&app, "member", DEMO_PASSWORD).await;
    let count = || async { api.list_all("/api/v1/proposals").await.len() };
    let before = count().await;

    // Search by initials: the member is offered, the form keeps what was typed, nothing is saved.
    let mut f = base.to_vec();
    f.extend([("pick_find", "cosigner_ids"), ("cosigner_ids_q", "oymy")]);
    let res = b.post_form("/proposals", &f).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("value=\"{chip}\"")) && html.contains("欧阳明月（拾遗测试界）"), "offered");
    assert!(html.contains(title), "the title is kept");
    // A search that finds nobody says so.
    let mut f = base.to_vec();
    f.extend([("pick_find", "cosigner_ids"), ("cosigner_ids_q", "qqqxxx")]);
    let html = b.post_form("/proposals", &f).await.text().await.unwrap();
    assert!(html.contains("没有找到“qqqxxx”"));

    // Add: a chip with the hidden id; remove: gone again.
    let mut f = base.to_vec();
    f.push(("pick_add", &chip));
    let html = b.post_form("/proposals", &f).await.text().await.unwrap();
    assert!(html.contains(&format!("name=\"cosigner_ids\" value=\"{id}\"")), "chosen");
    assert!(html.contains(&format!("name=\"pick_remove\" value=\"{chip}\"")), "removable");
    let mut f = base.to_vec();
    f.extend([("cosigner_ids", ids.as_str()), ("pick_remove", chip.as_str())]);
    let html = b.post_form("/proposals", &f).await.text().await.unwrap();
    assert!(!html.contains(&format!("name=\"cosigner_ids\" value=\"{id}\"")), "removed");
    assert_eq!(count().await, before, "picking saves nothing");

    // Saving keeps the chosen co-signer.
    let mut f = base.to_vec();
    f.extend([("cosigner_ids", ids.as_str()), ("then", "save")]);
    let res = b.post_form("/proposals", &f).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = b.page(&location(&res)).await;
    assert!(page.contains("欧阳明月"), "the draft names its co-signer");
    assert_eq!(count().await, before + 1);
}

#[tokio::test]
async fn an_account_is_linked_to_a_member_picked_by_name_not_a_typed_id() {
    let app = spawn_demo_app().await;
    let sector = create_sector(&app, "拾遗测试界").await;
    let id = create_member(&app, "欧阳明月", sector).await;
    let mut b = Browser::new(&app);
    b.login_ok("admin", DEMO_PASSWORD).await;
    let form = b.page("/users/new").await;
    assert!(form.contains("id=\"picker-member_id\"") && form.contains("id=\"picker-unit_id\""));
    assert!(!form.contains("type=\"number\" id=\"member_id\""), "no id typed from a URL");
    let base = [("username", "ouyang"), ("password", "Chushi2026x"), ("display_name", "欧阳明月"), ("roles", "member")];
    let mut f = base.to_vec();
    f.extend([("pick_find", "member_id"), ("member_id_q", "欧阳")]);
    let html = b.post_form("/users", &f).await.text().await.unwrap();
    let add = format!("member_id:{id}");
    assert!(html.contains(&format!("value=\"{add}\"")), "offered");
    let mut f = base.to_vec();
    f.push(("pick_add", &add));
    let html = b.post_form("/users", &f).await.text().await.unwrap();
    assert!(html.contains(&format!("name=\"member_id\" value=\"{id}\"")), "chosen");
    let ids = id.to_string();
    let mut f = base.to_vec();
    f.push(("member_id", &ids));
    let res = b.post_form("/users", &f).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
    let uid = user_id(&app, "ouyang").await;
    let u_committee = |app: &eline_web::testing::TestApp| system(app).committee_id;
    let mut c = app.state.app.db.acquire().await.unwrap();
    let u = eline_storage::users::get(&mut c.ex(), u_committee(&app), uid).await.unwrap().unwrap();
    assert_eq!(u.member_id, Some(id));
}
