//! Bad input is answered field by field in Chinese and changes nothing; writes carry the version
//! they were based on.

use eline_web::testing::spawn_demo_app;
use reqwest::Method;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn count_items(api: &Api, path: &str) -> usize {
    api.list_all(path).await.len()
}

#[tokio::test]
async fn a_member_without_name_and_sector_is_refused_with_an_error_for_each_field() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let before = member_count(&app, app.committee_id).await;
    let p = assert_problem(staff.post("/api/v1/members", &json!({"gender": "female"})).await, 422, "validation_failed").await;
    assert_eq!(error_for(&p, "name"), "姓名不能为空");
    assert_eq!(error_for(&p, "sector_id"), "请选择界别");
    assert_eq!(member_count(&app, app.committee_id).await, before);
}

#[tokio::test]
async fn a_member_with_an_empty_name_and_no_sector_is_refused_with_an_error_for_each_field() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let before = member_count(&app, app.committee_id).await;
    let p = assert_problem(staff.post("/api/v1/members", &json!({"name": "  ", "sector_id": 0})).await, 422, "validation_failed").await;
    assert_eq!(error_for(&p, "name"), "姓名不能为空");
    assert_eq!(error_for(&p, "sector_id"), "请选择界别");
    assert_eq!(member_count(&app, app.committee_id).await, before);
}

#[tokio::test]
async fn a_member_with_several_bad_fields_gets_every_error_at_once() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let before = member_count(&app, app.committee_id).await;
    let body = json!({"name": "王测试", "sector_id": 999999999, "gender": "x", "birth_year": 1800, "party": "某党", "phone": "abc", "email": "no-at", "roles": ["king"], "status": "gone"});
    let p = assert_problem(staff.post("/api/v1/members", &body).await, 422, "validation_failed").await;
    for field in ["gender", "birth_year", "party", "phone", "email", "roles", "status"] {
        assert!(has_chinese(&error_for(&p, field)), "{field}: {p}");
    }
    // The unknown sector is reported once the fields themselves are right.
    let p = assert_problem(staff.post("/api/v1/members", &json!({"name": "王测试", "sector_id": 999999999})).await, 422, "validation_failed").await;
    assert_eq!(error_for(&p, "sector_id"), "所选界别不存在或已归档");
    assert_eq!(member_count(&app, app.committee_id).await, before);
}

#[tokio::test]
async fn a_sector_with_an_empty_name_is_refused_and_nothing_is_created() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let before = count_items(&staff, "/api/v1/sectors?include_archived=true").await;
    let p = assert_problem(staff.post("/api/v1/sectors", &json!({"name": "   "})).await, 422, "validation_failed").await;
    assert_eq!(error_for(&p, "name"), "名称不能为空");
    let p = assert_problem(staff.post("/api/v1/sectors", &json!({"name": "界".repeat(61)})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "name").contains("不能超过60个字"));
    assert_eq!(count_items(&staff, "/api/v1/sectors?include_archived=true").await, before);
}

#[tokio::test]
async fn a_duplicate_sector_name_is_refused_in_chinese_and_nothing_is_created() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let before = count_items(&staff, "/api/v1/sectors?include_archived=true").await;
    let p = assert_problem(staff.post("/api/v1/sectors", &json!({"name": "教育界"})).await, 422, "validation_failed").await;
    assert_eq!(error_for(&p, "name"), "已有同名的界别（可能已归档），请换一个名称");
    assert_eq!(count_items(&staff, "/api/v1/sectors?include_archived=true").await, before);
    // Renaming another sector to an existing name is refused the same way.
    let sectors = staff.list_all("/api/v1/sectors").await;
    let other = sectors.iter().find(|s| s["name"] == "体育界").unwrap();
    let p = assert_problem(
        staff.patch(&format!("/api/v1/sectors/{}", other["id"]), &json!({"name": "教育界", "version": other["version"]})).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(error_for(&p, "name").contains("已有同名的界别"));
    let again = staff.get_json(&format!("/api/v1/sectors/{}", other["id"])).await;
    assert_eq!(again["name"], "体育界");
    assert_eq!(again["version"], other["version"]);
}

#[tokio::test]
async fn units_need_a_category_from_the_list() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let before = count_items(&staff, "/api/v1/units?include_archived=true").await;
    let p = assert_problem(staff.post("/api/v1/units", &json!({"name": "新单位"})).await, 422, "validation_failed").await;
    assert_eq!(error_for(&p, "category"), "请选择类别");
    let p = assert_problem(staff.post("/api/v1/units", &json!({"name": "新单位", "category": "martian"})).await, 422, "validation_failed").await;
    assert_eq!(error_for(&p, "category"), "类别不在可选范围内");
    assert_eq!(count_items(&staff, "/api/v1/units?include_archived=true").await, before);
    let created = json_of(staff.post("/api/v1/units", &json!({"name": "新单位", "category": "government"})).await, 201).await;
    assert_eq!(created["kind"], "unit");
}

#[tokio::test]
async fn bad_list_parameters_are_validation_problems_not_crashes() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    for path in
        ["/api/v1/members?limit=0", "/api/v1/members?limit=100000", "/api/v1/members?cursor=abc", "/api/v1/sectors?cursor=%%%", "/api/v1/members?sector_id=x"]
    {
        assert_problem(staff.get(path).await, 422, "validation_failed").await;
    }
}

#[tokio::test]
async fn lists_page_with_next_cursor_without_gaps_or_repeats() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let first = staff.get_json("/api/v1/members?limit=7").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 7);
    assert!(first["next_cursor"].is_string());
    let all = staff.list_all("/api/v1/members").await;
    assert_eq!(all.len() as i64, member_count(&app, app.committee_id).await);
    let mut ids: Vec<i64> = all.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
    let sectors = staff.list_all("/api/v1/sectors").await;
    assert_eq!(sectors.len(), 30);
}

// ---- versions ----

async fn patch_with_if_match(api: &Api, path: &str, version: &Value, body: &Value) -> reqwest::Response {
    api.req(Method::PATCH, path).header("if-match", format!("\"{version}\"")).json(body).send().await.unwrap()
}

#[tokio::test]
async fn a_sector_patch_with_a_stale_version_is_a_conflict_and_changes_nothing() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let id = create_sector(&app, "版本界").await;
    let path = format!("/api/v1/sectors/{id}");
    let v1 = staff.get_json(&path).await;
    assert_eq!(v1["version"], 1);

    let v2 = json_of(staff.patch(&path, &json!({"name": "版本界甲", "version": 1})).await, 200).await;
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["name"], "版本界甲");

    let p = assert_problem(staff.patch(&path, &json!({"name": "版本界乙", "version": 1})).await, 409, "version_conflict").await;
    assert_eq!(p["detail"], "记录已被他人修改，请刷新后重试");
    let now = staff.get_json(&path).await;
    assert_eq!(now["name"], "版本界甲");
    assert_eq!(now["version"], 2);

    // If-Match instead of the body's version.
    let v3 = json_of(patch_with_if_match(&staff, &path, &json!(2), &json!({"name": "版本界丙"})).await, 200).await;
    assert_eq!(v3["version"], 3);
    assert_eq!(v3["name"], "版本界丙");
    assert_problem(patch_with_if_match(&staff, &path, &json!(2), &json!({"name": "版本界丁"})).await, 409, "version_conflict").await;
    let res = staff.req(Method::PATCH, &path).header("if-match", "W/\"3\"").json(&json!({"sort_order": 5})).send().await.unwrap();
    assert_eq!(json_of(res, 200).await["version"], 4, "a weak If-Match is accepted");
    let res = staff.req(Method::PATCH, &path).header("if-match", "\"abc\"").json(&json!({"name": "x"})).send().await.unwrap();
    let p = assert_problem(res, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "version")));

    // Without a version at all.
    let p = assert_problem(staff.patch(&path, &json!({"name": "版本界戊"})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "version").contains("缺少版本号"));
    let now = staff.get_json(&path).await;
    assert_eq!(now["name"], "版本界丙");
    assert_eq!(now["version"], 4);
}

#[tokio::test]
async fn a_patch_naming_a_field_that_cannot_change_is_refused() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let id = create_sector(&app, "字段界").await;
    let path = format!("/api/v1/sectors/{id}");
    let p = assert_problem(staff.patch(&path, &json!({"id": 5, "version": 1})).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "id")));
    assert_eq!(staff.get_json(&path).await["version"], 1);
}

#[tokio::test]
async fn a_member_patch_with_a_stale_version_is_a_conflict_and_changes_nothing() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let sector = create_sector(&app, "委员版本界").await;
    let id = create_member(&app, "版本委员", sector).await;
    let path = format!("/api/v1/members/{id}");
    let m = staff.get_json(&path).await;
    assert_eq!(m["version"], 1);

    let m2 = json_of(staff.patch(&path, &json!({"phone": "13800138000", "version": 1})).await, 200).await;
    assert_eq!(m2["version"], 2);
    assert_eq!(m2["phone"], "13800138000");
    assert_eq!(m2["name"], "版本委员", "fields not named keep their value");
    assert_eq!(m2["sector_id"], sector);

    assert_problem(staff.patch(&path, &json!({"phone": "13900139000", "version": 1})).await, 409, "version_conflict").await;
    assert_eq!(staff.get_json(&path).await["phone"], "13800138000");

    let m3 = json_of(patch_with_if_match(&staff, &path, &json!(2), &json!({"address": "清河市河东路1号"})).await, 200).await;
    assert_eq!(m3["version"], 3);
    assert_eq!(m3["address"], "清河市河东路1号");

    let p = assert_problem(staff.patch(&path, &json!({"phone": "13700137000"})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "version").contains("缺少版本号"));

    // Archive also carries the version.
    assert_problem(staff.post(&format!("{path}/archive"), &json!({"version": 2})).await, 409, "version_conflict").await;
    let p = assert_problem(staff.req(Method::POST, &format!("{path}/archive")).send().await.unwrap(), 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "version")));
    let archived = json_of(staff.post(&format!("{path}/archive"), &json!({"version": 3})).await, 200).await;
    assert_eq!(archived["archived"], true);
    assert_eq!(archived["allowed_actions"], json!(["edit", "restore"]));
    let now = staff.get_json(&path).await;
    assert_eq!(now["phone"], "13800138000");
    assert_eq!(now["version"], 4);
}

#[tokio::test]
async fn a_user_patch_with_a_stale_version_is_a_conflict() {
    let app = spawn_demo_app().await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let uid = create_user(&app, "versioned", &["staff"], None, None).await;
    let path = format!("/api/v1/users/{uid}");
    let u = json_of(admin.patch(&path, &json!({"display_name": "改名一", "version": 1})).await, 200).await;
    assert_eq!(u["version"], 2);
    assert_problem(admin.patch(&path, &json!({"display_name": "改名二", "version": 1})).await, 409, "version_conflict").await;
    assert_eq!(admin.get_json(&path).await["display_name"], "改名一");
    let p = assert_problem(admin.patch(&path, &json!({"display_name": "改名三"})).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "version")));
}

#[tokio::test]
async fn an_admin_cannot_remove_their_own_admin_role() {
    let app = spawn_demo_app().await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let me = admin.get_json("/api/v1/me").await;
    let path = format!("/api/v1/users/{}", me["user_id"]);
    let u = admin.get_json(&path).await;
    let p = assert_problem(admin.patch(&path, &json!({"roles": ["staff"], "version": u["version"]})).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "roles")));
    let p = assert_problem(admin.patch(&path, &json!({"active": false, "version": u["version"]})).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "roles")));
    assert_eq!(admin.get_json(&path).await["roles"], json!(["admin"]));
}

#[tokio::test]
async fn a_deactivated_account_loses_its_tokens_and_cannot_log_in() {
    let app = spawn_demo_app().await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let uid = create_user(&app, "leaving", &["staff"], None, None).await;
    let leaving = Api::login(&app, "leaving", PASSWORD).await;
    let path = format!("/api/v1/users/{uid}");
    let res = admin.patch(&path, &json!({"active": false, "version": 1})).await;
    assert_eq!(json_of(res, 200).await["active"], false);
    assert_problem(leaving.get("/api/v1/me").await, 401, "unauthenticated").await;
    let p =
        assert_problem(Api::anon(&app).post("/api/v1/auth/login", &json!({"username": "leaving", "password": PASSWORD})).await, 422, "validation_failed").await;
    assert_eq!(error_for(&p, "password"), "用户名（或手机号）或密码错误");
}

#[tokio::test]
async fn creating_users_checks_username_password_roles_and_links() {
    let app = spawn_demo_app().await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let before = count_items(&admin, "/api/v1/users").await;
    let p = assert_problem(
        admin.post("/api/v1/users", &json!({"username": "a", "password": "short", "display_name": "", "roles": []})).await,
        422,
        "validation_failed",
    )
    .await;
    for field in ["username", "password", "display_name", "roles"] {
        assert!(has_chinese(&error_for(&p, field)), "{field}: {p}");
    }
    let p = assert_problem(
        admin.post("/api/v1/users", &json!({"username": "member2", "password": PASSWORD, "display_name": "委员二", "roles": ["member"]})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_for(&p, "member_id"), "委员账号需关联一名委员");
    let p = assert_problem(
        admin.post("/api/v1/users", &json!({"username": "admin", "password": PASSWORD, "display_name": "重名", "roles": ["staff"]})).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(has_chinese(&error_for(&p, "username")));
    let p = assert_problem(
        admin.post("/api/v1/users", &json!({"username": "wizard", "password": PASSWORD, "display_name": "巫师", "roles": ["wizard"]})).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(has_chinese(&error_for(&p, "roles")));
    assert_eq!(count_items(&admin, "/api/v1/users").await, before);
    let res = admin.post("/api/v1/users", &json!({"username": "fine.user", "password": PASSWORD, "display_name": "好用户", "roles": ["leader"]})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_json_body_over_the_size_limit_is_a_413_problem() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let before = count_items(&staff, "/api/v1/sectors?include_archived=true").await;
    let huge = format!("{{\"name\": \"大\", \"note\": \"{}\"}}", "x".repeat(26 * 1024 * 1024));
    let res = staff.req(Method::POST, "/api/v1/sectors").header("content-type", "application/json").body(huge).send().await.unwrap();
    assert_problem(res, 413, "payload_too_large").await;
    assert_eq!(count_items(&staff, "/api/v1/sectors?include_archived=true").await, before);
}

#[tokio::test]
async fn an_import_file_over_the_size_limit_is_a_413_problem() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let before = member_count(&app, app.committee_id).await;
    let mut csv = String::from("姓名*,界别*\n");
    while csv.len() < 26 * 1024 * 1024 {
        csv.push_str("超大文件委员,教育界\n");
    }
    let res = staff.upload("/api/v1/imports/members", "big.csv", csv.into_bytes()).await;
    assert_problem(res, 413, "payload_too_large").await;
    assert_eq!(member_count(&app, app.committee_id).await, before);
}

/// A collection that does not exist is 404 whoever asks and whatever the body — not a 422 about
/// a missing field, nor a 403 about a role (issue 12, point 4).
#[tokio::test]
async fn an_unknown_collection_is_not_found_before_anything_else() {
    let app = eline_web::testing::spawn_demo_app().await;
    for who in ["staff", "member"] {
        let api = Api::login(&app, who, DEMO_PASSWORD).await;
        for body in [serde_json::json!({}), serde_json::json!({"name": "甲"}), serde_json::json!("not an object")] {
            assert_problem(api.post("/api/v1/widgets", &body).await, 404, "not_found").await;
            assert_problem(api.patch("/api/v1/widgets/1", &body).await, 404, "not_found").await;
            assert_problem(api.post("/api/v1/widgets/1/archive", &body).await, 404, "not_found").await;
        }
        assert_problem(api.get("/api/v1/widgets").await, 404, "not_found").await;
    }
    // A known collection still checks the role, then the body.
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    assert_problem(member.post("/api/v1/sectors", &serde_json::json!({})).await, 403, "forbidden").await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    assert_problem(staff.post("/api/v1/sectors", &serde_json::json!({})).await, 422, "validation_failed").await;
}
