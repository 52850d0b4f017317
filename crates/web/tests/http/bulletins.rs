//! Bulletin issues (期刊) over HTTP: the API round trip (create with `Location`, compile, order
//! and credits, issue, sends, what a member reads, Chinese problems for a report that may not be
//! compiled) and the compiler's pages without JavaScript (every error at once, the print view).

use eline_web::testing::{TestApp, spawn_demo_app};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

/// The demo account `name` as the application sees it.
pub async fn actor(app: &TestApp, name: &str) -> eline_domain::Actor {
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_app::auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.unwrap().unwrap())
}

/// A report of the demo member, adopted by the office (资政之声 when `direct`); its id.
pub async fn adopted_report(app: &TestApp, title: &str, direct: bool) -> i64 {
    let a = &app.state.app;
    let (member, staff) = (actor(app, "member").await, actor(app, "staff").await);
    let draft = eline_app::opinions::OpinionDraft { title: title.into(), body: "情况和建议。".repeat(20), direct, ..Default::default() };
    let id = a.create_opinion(&member, &draft).await.unwrap().id;
    for (who, action) in [(&member, "submit"), (&staff, "adopt")] {
        a.opinion_act(who, id, None, eline_app::opinions::OpinionAction::parse(action, json!({})).unwrap()).await.unwrap();
    }
    id
}

/// A digest draft of two adopted reports, signed and addressed (ready to issue), issued when
/// asked: (issue id, a report in it, an adopted report in no issue, the issue's version).
pub async fn bulletin_fixture(app: &TestApp, n: usize, issued: bool) -> (i64, i64, i64, i64) {
    let a = &app.state.app;
    let staff = actor(app, "staff").await;
    let mut reports = Vec::new();
    for i in 0..3 {
        reports.push(adopted_report(app, &format!("关于矩阵期刊第{n}-{i}号的建议"), false).await);
    }
    let input = eline_app::bulletins::BulletinInput {
        form: Some(eline_domain::opinion::BulletinForm::Digest),
        title: format!("矩阵综合第{n}期"),
        body: "编者按：综合如下。".into(),
        signed_off_by: Some("李明".into()),
        report_to: Some("市委、市政府主要领导".into()),
        ..Default::default()
    };
    let id = a.create_bulletin(&staff, &input).await.unwrap().id;
    for r in &reports[..2] {
        let add = eline_app::bulletins::AddItemInput { opinion_id: Some(*r), ..Default::default() };
        a.add_bulletin_item(&staff, id, None, &add).await.unwrap();
    }
    let b = if issued { a.issue_bulletin(&staff, id, None).await.unwrap() } else { a.get_bulletin(&staff, id).await.unwrap().b };
    (id, reports[0], reports[2], b.version)
}

/// The authorization matrix's record for a bulletin route (a fresh issue per request).
pub async fn matrix_fixture(app: &TestApp, template: &str, n: usize) -> Option<(i64, i64, i64, i64)> {
    if !template.starts_with("/api/v1/bulletins/") {
        return None;
    }
    Some(bulletin_fixture(app, n, template.ends_with("/sends")).await)
}

/// A valid body for a bulletin route of the matrix on its fixture.
pub fn matrix_body(method: &str, template: &str, (_, _, spare, version): (i64, i64, i64, i64), n: usize) -> Value {
    match (method, template) {
        ("PATCH", _) => json!({"title": format!("矩阵改题{n}"), "version": version}),
        (_, "/api/v1/bulletins/{id}/items") => json!({"opinion_id": spare}),
        (_, "/api/v1/bulletins/{id}/sends") => json!({"recipient_kind": "government", "recipient": "市政府办公室"}),
        _ => json!({}),
    }
}

#[tokio::test]
async fn the_office_compiles_issues_and_records_sends_through_the_api_and_members_read_it() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let reports = [adopted_report(&app, "关于公园增设无障碍设施的建议", false).await, adopted_report(&app, "关于公厕开放时间的建议", false).await];
    let body = json!({"series": "opinion", "form": "digest", "title": "关于公共设施的几点建议", "body": "编者按：近期委员反映了以下情况。",
        "signed_off_by": "李明", "report_to": "市委、市政府主要领导"});
    let res = staff.post("/api/v1/bulletins", &body).await;
    let loc = location(&res);
    let created = json_of(res, 201).await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(loc, format!("/api/v1/bulletins/{id}"));
    assert_eq!((created["status"].as_str(), created["number"].as_i64()), (Some("draft"), Some(0)));
    assert_eq!(created["next_number"], 1);
    assert!(created["missing"].as_array().unwrap().iter().any(|m| m["field"] == "items"), "{created}");
    // A member never sees a draft.
    assert_problem(member.get(&format!("/api/v1/bulletins/{id}")).await, 404, "not_found").await;

    // A draft report of the member may not be compiled: 422 on opinion_id, in Chinese.
    let member_actor = actor(&app, "member").await;
    let draft = eline_app::opinions::OpinionDraft { title: "草稿信息".into(), body: "情况。".repeat(10), ..Default::default() };
    let draft_id = app.state.app.create_opinion(&member_actor, &draft).await.unwrap().id;
    let p = assert_problem(staff.post(&format!("/api/v1/bulletins/{id}/items"), &json!({"opinion_id": draft_id})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "opinion_id").contains("已录用"), "{p}");

    for (r, credit) in reports.iter().zip(["王芳委员", ""]) {
        let v = json_of(staff.post(&format!("/api/v1/bulletins/{id}/items"), &json!({"opinion_id": r, "credit": credit})).await, 200).await;
        assert!(v["items"].as_array().unwrap().iter().any(|i| i["opinion_id"] == *r));
    }
    let v = staff.get_json(&format!("/api/v1/bulletins/{id}")).await;
    assert_eq!(v["items"][1]["credit"], v["items"][1]["author_name"], "a blank credit is the author's name");
    // Reverse the order with a stale version: 409; with the current one: done.
    let order = json!([{"opinion_id": reports[1], "credit": "民革清河市委会"}, {"opinion_id": reports[0], "credit": "王芳委员"}]);
    assert_problem(staff.patch(&format!("/api/v1/bulletins/{id}"), &json!({"items": order, "version": 1})).await, 409, "version_conflict").await;
    let v = json_of(staff.patch(&format!("/api/v1/bulletins/{id}"), &json!({"items": order, "version": v["version"]})).await, 200).await;
    assert_eq!(v["items"][0]["opinion_id"], reports[1]);
    assert_eq!(v["items"][0]["credit"], "民革清河市委会");
    // Remove and add back.
    let res = staff.req(Method::DELETE, &format!("/api/v1/bulletins/{id}/items/{}", reports[0])).send().await.unwrap();
    assert_eq!(json_of(res, 200).await["items"].as_array().unwrap().len(), 1);
    json_of(staff.post(&format!("/api/v1/bulletins/{id}/items"), &json!({"opinion_id": reports[0]})).await, 200).await;

    assert_problem(
        staff.post(&format!("/api/v1/bulletins/{id}/sends"), &json!({"recipient_kind": "government", "recipient": "市政府办公室"})).await,
        409,
        "invalid_transition",
    )
    .await;
    let issued = json_of(staff.post(&format!("/api/v1/bulletins/{id}/issue"), &json!({})).await, 200).await;
    assert_eq!((issued["status"].as_str(), issued["number"].as_i64()), (Some("issued"), Some(1)));
    assert!(issued["label"].as_str().unwrap().ends_with("年第1期"));
    let bad = json!({"recipient_kind": "", "recipient": "", "sent_on": "昨天"});
    let p = assert_problem(staff.post(&format!("/api/v1/bulletins/{id}/sends"), &bad).await, 422, "validation_failed").await;
    let fields: Vec<String> = field_errors(&p).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["recipient_kind", "recipient", "sent_on"]);
    let sent =
        json_of(staff.post(&format!("/api/v1/bulletins/{id}/sends"), &json!({"recipient_kind": "government", "recipient": "市政府办公室"})).await, 201).await;
    assert_eq!(sent["sends"][0]["recipient"], "市政府办公室");

    // The member reads the issue (no sends) and the reports it printed.
    let read = member.get_json(&format!("/api/v1/bulletins/{id}")).await;
    assert_eq!(read["sends"], json!([]));
    assert_eq!(read["allowed_actions"], json!([]));
    let list = member.get_json("/api/v1/bulletins").await;
    assert_eq!(list["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>(), [id]);
    let p = assert_problem(member.get("/api/v1/bulletins?status=draft").await, 422, "validation_failed").await;
    assert!(error_for(&p, "status").contains("编辑中"));
    assert_problem(member.post(&format!("/api/v1/bulletins/{id}/sends"), &json!({"recipient_kind": "other", "recipient": "x"})).await, 403, "forbidden").await;
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[tokio::test]
async fn the_compiler_works_without_javascript_and_shows_every_error_at_once() {
    let app = spawn_demo_app().await;
    let report = adopted_report(&app, "关于加强夜间经济管理的建议", false).await;
    let second = adopted_report(&app, "关于夜市油烟治理的建议", false).await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let form = b.page("/bulletins/new").await;
    assert!(form.contains("关于加强夜间经济管理的建议"), "the picking list offers the adopted report");
    assert!(form.contains("政协办公室信息科"), "编发单位 defaults to the committee's information office");
    // Bad fields: all errors on one answer, nothing created.
    let long = "签".repeat(21);
    let res = b.post_form("/bulletins", &[("series", "opinion"), ("form", "digest"), ("title", ""), ("signed_off_by", &long), ("body", "")]).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("期刊标题不能为空") && html.contains("签发人不能超过20个字"), "both errors");
    assert!(app.state.app.list_bulletins(&actor(&app, "staff").await, &Default::default()).await.unwrap().items.is_empty(), "nothing created");
    // A single issue from the report: title and text taken from it.
    let res =
        b.post_form("/bulletins", &[("series", "opinion"), ("form", "single"), ("opinion_id", &report.to_string()), ("editor_unit", "政协办公室信息科")]).await;
    assert_eq!(res.status(), 303);
    let page_path = location(&res);
    let html = b.page(&page_path).await;
    assert!(html.contains("<h1>关于加强夜间经济管理的建议</h1>"), "{}", h1(&html));
    assert!(html.contains("印发前还需") && html.contains("请填写签发人") && html.contains("请填写报送单位"));
    assert!(html.contains("单篇期刊只编入一篇信息"), "a full single issue offers no picking list");
    let id: i64 = page_path.trim_start_matches("/bulletins/").parse().unwrap();
    let version = app.state.app.get_bulletin(&actor(&app, "staff").await, id).await.unwrap().b.version.to_string();
    // Issuing now lists every missing part at once.
    let res = b.post_form(&format!("/bulletins/{id}/issue"), &[("version", &version)]).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert_eq!(count(&html, "请填写签发人"), 3, "in the error box, the 印发前还需 panel and beside its field");
    // Make it a digest, sign it, address it; then add the second report from the picking list.
    let fields = [
        ("version", version.as_str()),
        ("form", "digest"),
        ("title", "关于夜间经济的综合建议"),
        ("body", "编者按：委员近期围绕夜间经济反映了以下情况。"),
        ("editor_unit", "政协办公室信息科"),
        ("signed_off_by", "李明"),
        ("report_to", "市委、市政府主要领导"),
        ("copy_to", "市商务局"),
    ];
    assert_eq!(b.post_form(&format!("/bulletins/{id}/edit"), &fields).await.status(), 303);
    let html = b.page(&page_path).await;
    assert!(html.contains("关于夜市油烟治理的建议") && html.contains("编入本期"), "the digest's picking list");
    let version = app.state.app.get_bulletin(&actor(&app, "staff").await, id).await.unwrap().b.version.to_string();
    assert_eq!(b.post_form(&format!("/bulletins/{id}/items"), &[("version", &version), ("opinion_id", &second.to_string())]).await.status(), 303);
    // Order and credits in one form; a blank credit is refused beside its report.
    let version = app.state.app.get_bulletin(&actor(&app, "staff").await, id).await.unwrap().b.version.to_string();
    let (r, s) = (report.to_string(), second.to_string());
    let arrange = |credit: &'static str| {
        vec![
            ("version", version.clone()),
            ("items[0][opinion_id]", r.clone()),
            ("items[0][position]", "2".to_string()),
            ("items[0][credit]", "王芳委员".to_string()),
            ("items[1][opinion_id]", s.clone()),
            ("items[1][position]", "1".to_string()),
            ("items[1][credit]", credit.to_string()),
        ]
    };
    let blank_rows = arrange(" ");
    let blank: Vec<(&str, &str)> = blank_rows.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post_form(&format!("/bulletins/{id}/arrange"), &blank).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("署名不能为空"));
    let good_rows = arrange("民盟清河市委会");
    let good: Vec<(&str, &str)> = good_rows.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(b.post_form(&format!("/bulletins/{id}/arrange"), &good).await.status(), 303);
    let version = app.state.app.get_bulletin(&actor(&app, "staff").await, id).await.unwrap().b.version.to_string();
    let res = b.post_form(&format!("/bulletins/{id}/issue"), &[("version", &version)]).await;
    assert_eq!(res.status(), 303);
    let html = b.page(&page_path).await;
    assert!(html.contains("已印发") && html.contains("登记报送"), "an issued issue takes sends");
    // The print view: masthead, number, the two credits in order, the foot.
    let print = b.page(&format!("/bulletins/{id}/print")).await;
    assert!(print.contains("class=\"masthead\">社情民意<"));
    assert!(print.contains("年第1期") && !print.contains("样稿"));
    let (first, then) = (print.find("关于夜市油烟治理的建议（民盟清河市委会）").unwrap(), print.find("关于加强夜间经济管理的建议（王芳委员）").unwrap());
    assert!(first < then, "credited in the order arranged");
    assert!(print.contains("报送：") && print.contains("抄送：") && print.contains("签发：李明"));
    // The list shows it under its number.
    let list = b.page("/bulletins").await;
    assert!(list.contains("关于夜间经济的综合建议") && list.contains("年第1期"));
}

#[tokio::test]
async fn issued_issues_show_to_members_and_leaders_but_drafts_only_to_the_office() {
    let app = spawn_demo_app().await;
    let (draft, ..) = bulletin_fixture(&app, 1, false).await;
    let (issued, in_it, ..) = bulletin_fixture(&app, 2, true).await;
    for who in ["member", "leader"] {
        let mut b = Browser::new(&app);
        b.login_ok(who, DEMO_PASSWORD).await;
        assert_eq!(b.get(&format!("/bulletins/{draft}")).await.status(), 404, "{who}");
        let html = b.page(&format!("/bulletins/{issued}")).await;
        assert!(html.contains("矩阵综合第2期") && !html.contains(&format!("/bulletins/{issued}/sends")), "{who}: no send form");
        // Leaders read an issued issue whole (its timeline too); members the printed issue only.
        assert_eq!(html.contains("编发过程"), who == "leader", "{who}");
        assert!(html.contains(&format!("/opinions/{in_it}")), "links to the reports it printed");
        let list = b.page("/bulletins").await;
        assert!(list.contains("矩阵综合第2期") && !list.contains("矩阵综合第1期"), "{who}");
    }
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let v: Value = staff.get_json(&format!("/api/v1/bulletins/{issued}")).await;
    assert_eq!(v["allowed_actions"], json!(["send"]));
}
