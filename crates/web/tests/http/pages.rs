//! Browser flows: forms re-render with Chinese errors, stale forms do not overwrite, imports
//! through the upload form.

use eline_app::members::COLUMNS;
use eline_web::testing::spawn_demo_app;
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;

use crate::helpers::*;

#[tokio::test]
async fn the_member_form_re_renders_with_chinese_errors_and_creates_nothing() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let html = b.page("/members/new").await;
    assert!(html.contains("新增委员"));
    let before = member_count(&app, app.committee_id).await;
    let res = b.post_form("/members", &[("name", ""), ("sector_id", ""), ("phone", "12"), ("roles", "member")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    for message in ["姓名不能为空", "请选择界别", "电话号码格式不正确"] {
        assert!(html.contains(message), "{message} missing");
    }
    assert!(html.contains("value=\"12\""), "what was typed is kept");
    let res = b.post_form("/members", &[("name", "甲"), ("birth_year", "一九七零"), ("roles", "member")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("出生年份应填写数字"));
    assert_eq!(member_count(&app, app.committee_id).await, before);

    let sector = app.state.app.directory_choices(&system(&app), eline_domain::org::DirectoryKind::Sector).await.unwrap()[0].id.to_string();
    let res = b.post_form("/members", &[("name", "表单委员"), ("sector_id", &sector), ("gender", "female"), ("roles", "member")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.starts_with("/members/"), "{to}");
    let html = b.page(&to).await;
    assert!(html.contains("表单委员"));
    assert!(html.contains("已新增委员“表单委员”"));
    assert_eq!(member_count(&app, app.committee_id).await, before + 1);
}

#[tokio::test]
async fn a_stale_member_edit_form_does_not_overwrite_a_newer_change() {
    let app = spawn_demo_app().await;
    let sector = create_sector(&app, "表单版本界").await;
    let id = create_member(&app, "表单版本委员", sector).await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let html = b.page(&format!("/members/{id}/edit")).await;
    assert!(html.contains("name=\"version\" value=\"1\""), "the form carries the version");

    // Someone else saves first.
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    json_of(staff.patch(&format!("/api/v1/members/{id}"), &serde_json::json!({"phone": "13800001111", "version": 1})).await, 200).await;

    let sector = sector.to_string();
    let res =
        b.post_form(&format!("/members/{id}/edit"), &[("name", "表单版本委员"), ("sector_id", &sector), ("phone", "13900002222"), ("version", "1")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("记录已被他人修改"));
    let m = staff.get_json(&format!("/api/v1/members/{id}")).await;
    assert_eq!(m["phone"], "13800001111");
    assert_eq!(m["version"], 2);
}

#[tokio::test]
async fn archiving_from_a_stale_page_tells_the_user_and_changes_nothing() {
    let app = spawn_demo_app().await;
    let id = create_sector(&app, "过期归档界").await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    json_of(staff.patch(&format!("/api/v1/sectors/{id}"), &serde_json::json!({"sort_order": 3, "version": 1})).await, 200).await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let res = b.post_form(&format!("/directory/sectors/{id}/archive"), &[("version", "1")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = b.page(&location(&res)).await;
    assert!(html.contains("记录已被他人修改"));
    assert_eq!(staff.get_json(&format!("/api/v1/sectors/{id}")).await["archived"], false);
}

fn multipart(bytes: Vec<u8>, name: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()))
}

#[tokio::test]
async fn the_import_form_imports_a_file_and_shows_row_errors_in_a_table() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let html = b.page("/members/import").await;
    let csrf = b.csrf.clone().unwrap();
    assert!(html.contains(&format!("action=\"/members/import?_csrf={csrf}\"")), "the upload form carries the token in its address");
    let before = member_count(&app, app.committee_id).await;
    let sectors = sector_names(&app).await;

    // Without the token: refused.
    let good = format!("{}\n网页导入甲,男,1970,群众,{}\n", COLUMNS.join(","), sectors[3]);
    let res = b.client.post(b.url("/members/import")).multipart(multipart(good.clone().into_bytes(), "a.csv")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(member_count(&app, app.committee_id).await, before);

    // A bad file: a table of problems, nothing imported.
    let bad = format!("姓名*,界别*\n网页导入乙,{}\n网页导入丙,火星界\n", sectors[3]);
    let res = b.client.post(b.url(&format!("/members/import?_csrf={csrf}"))).multipart(multipart(bad.into_bytes(), "b.csv")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(header_str(res.headers(), CONTENT_TYPE).starts_with("text/html"));
    let html = res.text().await.unwrap();
    assert!(html.contains("没有导入任何委员"), "{html}");
    assert!(html.contains("系统中没有界别“火星界”"));
    assert_eq!(member_count(&app, app.committee_id).await, before);

    // A good file.
    let res = b.client.post(b.url(&format!("/members/import?_csrf={csrf}"))).multipart(multipart(good.into_bytes(), "a.csv")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/members");
    let html = b.page("/members").await;
    assert!(html.contains("已导入1名委员"));
    assert_eq!(member_count(&app, app.committee_id).await, before + 1);
}

#[tokio::test]
async fn the_export_link_downloads_the_filtered_members() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let res = b.get("/members/export.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_str(res.headers(), CONTENT_TYPE), XLSX);
    let disposition = header_str(res.headers(), "content-disposition");
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let rows = eline_app::spreadsheet::read_table("e.xlsx", &res.bytes().await.unwrap()).unwrap();
    assert_eq!(rows.len() as i64, member_count(&app, app.committee_id).await + 1);
}

#[tokio::test]
async fn a_member_sees_their_own_file_in_the_navigation_and_not_the_member_list() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let own = member.get_json("/api/v1/me").await["member_id"].as_i64().unwrap();
    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    let html = b.page("/").await;
    assert!(html.contains(&format!("href=\"/members/{own}\"")), "我的档案 link");
    assert!(!html.contains("href=\"/members\""), "no member list link for a member");
    assert!(!html.contains("href=\"/users\"") && !html.contains("href=\"/audit\""));
    let html = b.page(&format!("/members/{own}")).await;
    assert!(html.contains("委员档案"));
}

#[tokio::test]
async fn the_audit_page_lists_entries_for_admins() {
    let app = spawn_demo_app().await;
    create_sector(&app, "审计页面界").await;
    let mut b = Browser::new(&app);
    b.login_ok("admin", DEMO_PASSWORD).await;
    let html = b.page("/audit").await;
    assert!(html.contains("新建界别“审计页面界”"));
    let html = b.page("/audit?action=create&target_type=sectors").await;
    assert!(html.contains("审计页面界"));
    let html = b.page("/audit?action=login_failed").await;
    assert!(!html.contains("审计页面界"));
}
