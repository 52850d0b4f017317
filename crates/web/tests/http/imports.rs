//! Member import (all or nothing, row-level errors), the template and the export.

use std::time::Instant;

use eline_app::members::COLUMNS;
use eline_app::spreadsheet::{Sheet, read_table, write_xlsx};
use eline_web::testing::spawn_demo_app;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use serde_json::Value;

use crate::helpers::*;

fn headers() -> Vec<String> {
    COLUMNS.iter().map(|c| c.to_string()).collect()
}

/// A row in the template's columns from 姓名, 性别, 出生年份, 政治面貌, 界别, 专委会, 职务, 手机.
fn row([name, gender, birth_year, party, sector, committees, positions, phone]: [&str; 8]) -> Vec<String> {
    vec![
        name.into(),
        gender.into(),
        birth_year.into(),
        party.into(),
        sector.into(),
        committees.into(),
        positions.into(),
        String::new(),
        "13".into(),
        phone.into(),
        String::new(),
        String::new(),
        "否".into(),
        "在任".into(),
    ]
}

fn with_id(columns: Vec<String>) -> Vec<String> {
    std::iter::once(eline_app::members::ID_COLUMN.to_string()).chain(columns).collect()
}

fn xlsx(rows: Vec<Vec<String>>) -> Vec<u8> {
    write_xlsx(&[Sheet::text("委员", headers(), rows)]).expect("xlsx")
}

async fn members_named(api: &Api, name: &str) -> Vec<Value> {
    api.get_json(&format!("/api/v1/members?name={}", enc(name))).await["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_good_xlsx_file_imports_every_member_in_it() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let sectors = sector_names(&app).await;
    let before = member_count(&app, app.committee_id).await;
    let file = xlsx(vec![
        row(["导入甲", "男", "1970", "中共党员", &sectors[21], "提案委员会、经济委员会", "常委", "13800000001"]),
        row(["导入乙", "女", "1985", "群众", &sectors[17], "", "", "0755-12345678"]),
        row(["导入丙", "", "", "", &sectors[0], "", "", ""]),
    ]);
    let res = staff.upload("/api/v1/imports/members", "委员.xlsx", file).await;
    let v = json_of(res, 201).await;
    assert_eq!(v["imported"], 3);
    assert_eq!(member_count(&app, app.committee_id).await, before + 3);

    let found = members_named(&staff, "导入甲").await;
    assert_eq!(found.len(), 1);
    let m = staff.get_json(&format!("/api/v1/members/{}", found[0]["id"])).await;
    assert_eq!(m["gender"], "male");
    assert_eq!(m["birth_year"], 1970);
    assert_eq!(m["sector_name"], sectors[21].as_str());
    assert_eq!(m["committee_ids"].as_array().unwrap().len(), 2);
    assert_eq!(m["roles"], serde_json::json!(["standing", "member"]));
    assert_eq!(m["term_number"], 13);
    assert_eq!(members_named(&staff, "导入乙").await[0]["phone"], "0755-12345678");
    assert_eq!(members_named(&staff, "导入丙").await.len(), 1);

    // Each imported member is in the audit log.
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let audit = admin.get_json("/api/v1/audit?action=import").await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn one_bad_row_among_good_ones_imports_nothing_and_names_row_column_and_problem() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let sectors = sector_names(&app).await;
    let before = member_count(&app, app.committee_id).await;
    let file = xlsx(vec![
        row(["好行一", "男", "1970", "中共党员", &sectors[1], "", "", "13800000001"]),
        row(["好行二", "女", "1971", "群众", &sectors[2], "", "", "13800000002"]),
        row(["坏行", "男", "1972", "群众", "不存在的界", "", "", "13800000003"]),
        row(["好行三", "女", "1973", "群众", &sectors[3], "", "", "13800000004"]),
    ]);
    let res = staff.upload("/api/v1/imports/members", "委员.xlsx", file).await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert!(p["detail"].as_str().unwrap().contains("没有导入任何委员"), "{p}");
    let errors = p["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{p}");
    assert_eq!(errors[0]["row"], 4, "header is row 1, so the third data row is row 4");
    assert_eq!(errors[0]["column"], "界别*");
    assert_eq!(errors[0]["message"], "系统中没有界别“不存在的界”");
    assert!(errors[0]["field"].is_string());
    assert_eq!(member_count(&app, app.committee_id).await, before, "nothing imported");
    assert!(members_named(&staff, "好行一").await.is_empty());
}

#[tokio::test]
async fn every_problem_of_a_file_is_listed_at_once() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let sectors = sector_names(&app).await;
    let before = member_count(&app, app.committee_id).await;
    let file = xlsx(vec![row(["", "男", "1970", "中共党员", &sectors[1], "", "", ""]), row(["问题二", "未知", "abc", "某党", "", "无此委员会", "国王", "12"])]);
    let res = staff.upload("/api/v1/imports/members", "委员.xlsx", file).await;
    let p = assert_problem(res, 422, "validation_failed").await;
    let errors = p["errors"].as_array().unwrap();
    let at = |row: i64, column: &str| errors.iter().any(|e| e["row"] == row && e["column"] == column && has_chinese(e["message"].as_str().unwrap_or("")));
    assert!(at(2, "姓名*"), "{p}");
    for column in ["性别", "出生年份", "政治面貌", "界别*", "专委会", "职务", "手机"] {
        assert!(at(3, column), "row 3 column {column}: {p}");
    }
    assert_eq!(member_count(&app, app.committee_id).await, before);
}

#[tokio::test]
async fn files_that_are_not_tables_or_lack_required_columns_are_refused_in_chinese() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let before = member_count(&app, app.committee_id).await;
    let p = assert_problem(staff.upload("/api/v1/imports/members", "x.pdf", b"%PDF-1.4 hello".to_vec()).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "file")));
    let p = assert_problem(staff.upload("/api/v1/imports/members", "x.xlsx", b"PK\x03\x04 broken".to_vec()).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "file")));
    let p = assert_problem(staff.upload("/api/v1/imports/members", "x.csv", vec![0xD5, 0xC5, 0x2C, 0x0A]).await, 422, "validation_failed").await;
    assert!(error_for(&p, "file").contains("UTF-8"));
    let p = assert_problem(staff.upload("/api/v1/imports/members", "x.csv", "性别,手机\n男,13800000000\n".as_bytes().to_vec()).await, 422, "validation_failed")
        .await;
    let errors = p["errors"].as_array().unwrap();
    assert!(errors.iter().any(|e| e["row"] == 1 && e["column"] == "姓名*"), "{p}");
    assert!(errors.iter().any(|e| e["row"] == 1 && e["column"] == "界别*"), "{p}");
    let p = assert_problem(staff.upload("/api/v1/imports/members", "x.csv", "姓名*,界别*\n".as_bytes().to_vec()).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "file")));
    let p = assert_problem(staff.upload("/api/v1/imports/members", "x.csv", Vec::new()).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "file")));
    let res = staff.req(reqwest::Method::POST, "/api/v1/imports/members").multipart(reqwest::multipart::Form::new().text("other", "x")).send().await.unwrap();
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(error_for(&p, "file"), "请选择要上传的文件");
    assert_eq!(member_count(&app, app.committee_id).await, before);
}

#[tokio::test]
async fn a_10000_row_csv_imports_completely() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let sectors = sector_names(&app).await;
    let before = member_count(&app, app.committee_id).await;
    let mut csv = String::from("\u{feff}");
    csv.push_str(&COLUMNS.join(","));
    csv.push('\n');
    for i in 0..10_000 {
        let gender = if i % 2 == 0 { "男" } else { "女" };
        let sector = &sectors[i % sectors.len()];
        csv.push_str(&format!("批量委员{i:05},{gender},{},群众,{sector},,,,13,139{i:08},,,否,在任\n", 1950 + i % 50));
    }
    let started = Instant::now();
    let res = staff.upload("/api/v1/imports/members", "委员.csv", csv.into_bytes()).await;
    let elapsed = started.elapsed();
    eprintln!("10,000-row CSV import took {:.1} s", elapsed.as_secs_f64());
    let v = json_of(res, 201).await;
    assert_eq!(v["imported"], 10_000);
    assert_eq!(member_count(&app, app.committee_id).await, before + 10_000);
    assert_eq!(members_named(&staff, "批量委员09999").await.len(), 1);
    assert_audit_chain_ok(&app).await;
}

#[tokio::test]
async fn the_template_is_an_xlsx_with_the_import_columns() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let res = staff.get("/api/v1/imports/members/template").await;
    assert_eq!(res.status(), 200);
    assert_eq!(header_str(res.headers(), CONTENT_TYPE), XLSX);
    assert!(header_str(res.headers(), CONTENT_DISPOSITION).starts_with("attachment"));
    let rows = read_table("t.xlsx", &res.bytes().await.unwrap()).unwrap();
    assert_eq!(rows.len(), 1, "only the header row");
    assert_eq!(rows[0], with_id(headers()), "编号 (empty for new members), then the columns");
}

#[tokio::test]
async fn the_export_reads_back_with_one_row_per_active_member_and_its_id() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let count = member_count(&app, app.committee_id).await;
    assert!(count >= 300, "demo members: {count}");
    let res = staff.get("/api/v1/members/export").await;
    assert_eq!(res.status(), 200);
    assert_eq!(header_str(res.headers(), CONTENT_TYPE), XLSX);
    let bytes = res.bytes().await.unwrap().to_vec();
    let rows = read_table("e.xlsx", &bytes).unwrap();
    assert_eq!(rows[0], with_id(headers()));
    assert_eq!(rows.len() as i64, count + 1);
    assert!(rows[1..].iter().all(|r| r[0].parse::<i64>().is_ok()), "every row carries its member id");

    // A filter narrows the export.
    let sector = staff.list_all("/api/v1/sectors").await[21].clone();
    let in_sector = staff.list_all(&format!("/api/v1/members?sector_id={}", sector["id"])).await.len();
    let res = staff.get(&format!("/api/v1/members/export?sector_id={}", sector["id"])).await;
    let rows = read_table("e.xlsx", &res.bytes().await.unwrap()).unwrap();
    assert_eq!(rows.len(), in_sector + 1);
    assert!(rows[1..].iter().all(|r| r[5] == sector["name"].as_str().unwrap()));

    // An archived member is not exported.
    let first = staff.list_all("/api/v1/members").await[0].clone();
    let res = staff.post(&format!("/api/v1/members/{}/archive", first["id"]), &serde_json::json!({"version": first["version"]})).await;
    assert_eq!(res.status(), 200);
    let rows = read_table("e.xlsx", &staff.get("/api/v1/members/export").await.bytes().await.unwrap()).unwrap();
    assert_eq!(rows.len() as i64, count);
}
