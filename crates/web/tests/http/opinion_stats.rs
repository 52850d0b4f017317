//! 社情民意 statistics, the list export and the history import over HTTP: JSON, workbooks, the
//! page with its links, and the import's answers.

use eline_app::auth::actor_of;
use eline_app::opinions::{OpinionAction, OpinionDraft};
use eline_app::spreadsheet::read_table;
use eline_domain::Actor;
use eline_web::testing::{TestApp, spawn_demo_app};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::helpers::*;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn actor(app: &TestApp, username: &str) -> Actor {
    let mut c = app.state.app.db.acquire().await.unwrap();
    actor_of(&eline_storage::users::get_by_username(&mut c.ex(), username).await.unwrap().unwrap())
}

/// The demo member's report, submitted and then adopted or kept by the office.
async fn decided(app: &TestApp, title: &str, adopt: bool) -> i64 {
    let (member, staff) = (actor(app, "member").await, actor(app, "staff").await);
    let a = &app.state.app;
    let body = "近期走访发现，部分老旧小区加装电梯后维保责任不清，建议明确维保责任主体并纳入物业考评。";
    let o = a.create_opinion(&member, &OpinionDraft { title: title.into(), body: body.into(), ..Default::default() }).await.unwrap();
    a.opinion_act(&member, o.id, None, OpinionAction::parse("submit", json!({})).unwrap()).await.unwrap();
    let decision = if adopt { OpinionAction::parse("adopt", json!({})) } else { OpinionAction::parse("keep", json!({"reason": "留存备查"})) };
    a.opinion_act(&staff, o.id, None, decision.unwrap()).await.unwrap();
    if adopt {
        let today = eline_app::proposals::today().format("%Y-%m-%d").to_string();
        let outcome = OpinionAction::parse("record_outcome", json!({"level": "city", "kind": "dept_adopted", "decided_on": today})).unwrap();
        a.opinion_act(&staff, o.id, None, outcome).await.unwrap();
    }
    o.id
}

#[tokio::test]
async fn the_statistics_answer_json_and_a_workbook_for_the_office_and_leaders() {
    let app = spawn_demo_app().await;
    let (base_staff, base_leader) = (Api::login(&app, "staff", DEMO_PASSWORD).await, Api::login(&app, "leader", DEMO_PASSWORD).await);
    let before = base_staff.get_json("/api/v1/opinions/stats").await;
    decided(&app, "关于老旧小区电梯维保的建议", true).await;
    decided(&app, "关于规范校外培训收费的建议", false).await;

    let s = base_staff.get_json("/api/v1/opinions/stats").await;
    let n = |v: &Value, k: &str| v["totals"][k].as_i64().unwrap();
    assert_eq!((n(&s, "submitted") - n(&before, "submitted"), n(&s, "adopted") - n(&before, "adopted")), (2, 1));
    assert_eq!(s["year"], json!(i64::from(chrono::Datelike::year(&eline_app::proposals::today()))));
    let city = s["outcomes"].as_array().unwrap().iter().find(|l| l["level"] == "city").unwrap();
    let dept = city["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == "dept_adopted").unwrap();
    assert!(dept["reports"].as_i64().unwrap() >= 1 && dept["label"] == "部门采纳");
    assert!(s["definitions"].as_array().unwrap().iter().any(|d| d["figure"] == "录用率"));
    assert!(s["members"].as_array().unwrap().iter().any(|m| m["submitted"].as_i64().unwrap() >= 2));
    assert_eq!(base_leader.get_json("/api/v1/opinions/stats").await["totals"], s["totals"]);

    let all = base_staff.get_json("/api/v1/opinions/stats?all_years=true").await;
    assert_eq!((all["year"].clone(), all["scope_name"].clone()), (Value::Null, json!("全部年度")));
    let bad = base_staff.get("/api/v1/opinions/stats?from=2026-02-30").await;
    assert!(error_for(&assert_problem(bad, 422, "validation_failed").await, "from").contains("YYYY-MM-DD"));
    let both = base_staff.get("/api/v1/opinions/stats?year=2025&all_years=true").await;
    assert_problem(both, 422, "validation_failed").await;

    let res = base_staff.get("/api/v1/opinions/stats.xlsx").await;
    assert_eq!(res.status(), 200);
    assert_eq!(header_str(res.headers(), CONTENT_TYPE), XLSX);
    assert!(header_str(res.headers(), CONTENT_DISPOSITION).contains("filename*"));
    let rows = read_table("s.xlsx", &res.bytes().await.unwrap()).unwrap();
    let submitted = rows.iter().find(|r| r[0] == "报送（篇）").unwrap();
    assert_eq!(submitted[1], n(&s, "submitted").to_string());
}

#[tokio::test]
async fn the_statistics_page_links_each_figure_to_its_list() {
    let app = spawn_demo_app().await;
    decided(&app, "关于老旧小区电梯维保的建议", true).await;
    let year = chrono::Datelike::year(&eline_app::proposals::today());
    let mut staff = Browser::new(&app);
    staff.login_ok("staff", DEMO_PASSWORD).await;
    let html = staff.page("/opinions/stats").await;
    assert_eq!(h1(&html), "社情民意统计");
    assert!(html.contains(&format!("统计范围：{year}年")));
    // Askama writes & in attributes as &#38;.
    let adopted = format!("href=\"/opinions?scope=all&#38;status=adopted&#38;year={year}\"");
    assert!(html.contains(&adopted), "the adopted figure links to its list");
    assert!(html.contains(&format!("/opinions?scope=all&#38;status=adopted&#38;year={year}&#38;outcome_level=city&#38;outcome_kind=dept_adopted")));
    assert!(html.contains("/opinions/stats.xlsx?year="));
    // A leader's list holds adopted reports only: no link to the kept ones.
    let mut leader = Browser::new(&app);
    leader.login_ok("leader", DEMO_PASSWORD).await;
    let html = leader.page("/opinions/stats?year=all").await;
    assert!(html.contains("status=adopted") && !html.contains("status=kept"));
    assert!(html.contains("统计范围：全部年度"));
}

#[tokio::test]
async fn a_report_list_exports_as_the_caller_sees_it() {
    let app = spawn_demo_app().await;
    let adopted = decided(&app, "关于老旧小区电梯维保的建议", true).await;
    decided(&app, "关于规范校外培训收费的建议", false).await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let res = staff.get("/api/v1/opinions/export?scope=all&status=adopted").await;
    assert_eq!((res.status().as_u16(), header_str(res.headers(), CONTENT_TYPE)), (200, XLSX.to_string()));
    let rows = read_table("e.xlsx", &res.bytes().await.unwrap()).unwrap();
    assert_eq!(rows[0][0], "ID");
    assert!(rows.iter().skip(1).all(|r| r[6] == "已录用"));
    assert!(rows.iter().any(|r| r[0] == adopted.to_string() && r[10] == "市级·部门采纳"));
    let bad = staff.get("/api/v1/opinions/export?outcome_kind=adopted").await;
    assert_eq!(error_for(&assert_problem(bad, 422, "validation_failed").await, "outcome_level"), "按采用情况筛选时请同时选择级别");
    // A member's export holds only their own reports.
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let rows = read_table("m.xlsx", &member.get("/api/v1/opinions/export").await.bytes().await.unwrap()).unwrap();
    assert!(rows.len() >= 3);
    let mut browser = Browser::new(&app);
    browser.login_ok("member", DEMO_PASSWORD).await;
    let res = browser.get("/opinions/export.xlsx?scope=mine").await;
    assert_eq!(header_str(res.headers(), CONTENT_TYPE), XLSX);
}

#[tokio::test]
async fn past_reports_import_over_the_api_all_or_nothing() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let res = staff.get("/api/v1/opinions/import/template").await;
    let header = read_table("t.xlsx", &res.bytes().await.unwrap()).unwrap().remove(0);
    assert_eq!(header, eline_app::opinions_stats::HISTORY_COLUMNS.map(String::from).to_vec());
    let head = header.join(",");

    let bad = format!("{head}\n2024,,关于甲的建议,,,王某,录用,,市级:部门采纳\n2024,,关于乙的建议,,,王某,搁置,,\n");
    let problem = assert_problem(staff.upload("/api/v1/opinions/import", "h.csv", bad.into_bytes()).await, 422, "validation_failed").await;
    assert_eq!(problem["total_errors"], 1);
    assert_eq!((problem["errors"][0]["row"].clone(), problem["errors"][0]["column"].clone()), (json!(3), json!("状态*")));
    let count = staff.get_json("/api/v1/opinions/stats?year=2024").await["totals"]["submitted"].as_i64().unwrap();
    assert_eq!(count, 0, "nothing imported");

    let good = format!("{head}\n2024,,关于甲的建议,,,王某,录用,2024-06-01,市级:部门采纳\n2024,资政之声,关于乙的建议,,,王某,留存,,\n");
    let res = staff.upload("/api/v1/opinions/import", "h.csv", good.into_bytes()).await;
    assert_eq!(json_of(res, 201).await["imported"], 2);
    let s = staff.get_json("/api/v1/opinions/stats?year=2024").await;
    assert_eq!((s["totals"]["submitted"].clone(), s["totals"]["direct_kept"].clone()), (json!(2), json!(1)));

    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let res = member.upload("/api/v1/opinions/import", "h.csv", format!("{head}\n").into_bytes()).await;
    assert_problem(res, 403, "forbidden").await;
    // The page: the office sees the form and the row errors of a bad file.
    let mut browser = Browser::new(&app);
    browser.login_ok("staff", DEMO_PASSWORD).await;
    let html = browser.page("/opinions/import").await;
    assert!(html.contains("/opinions/import/template.xlsx") && html.contains("enctype=\"multipart/form-data\""));
}
