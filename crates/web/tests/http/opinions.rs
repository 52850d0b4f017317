//! 社情民意 over HTTP: the API's whole path (write, submit, take, revise with its diff, return and
//! resubmit, adopt, outcomes), refusals in Chinese that change nothing, version conflicts,
//! others' reports answered as not found, the informant account, the pages of each role and the
//! settings of the information work.

use serde_json::{Value, json};

use crate::helpers::*;
use eline_web::testing::{TestApp, spawn_demo_app};

const BODY: &str = "近期不少市民反映，老旧小区加装电梯协调难、审批慢。建议简化审批，设立专项补贴。";

/// A second member with an account: (username).
async fn other_member(app: &TestApp) -> Api {
    let sector = create_sector(app, "测试界").await;
    let m = create_member(app, "另一位委员", sector).await;
    create_user(app, "other.member", &["member"], Some(m), None).await;
    Api::login(app, "other.member", PASSWORD).await
}

/// A draft of the caller: its JSON.
async fn draft(api: &Api, title: &str) -> Value {
    json_of(api.post("/api/v1/opinions", &json!({"title": title, "body": BODY})).await, 201).await
}

fn actions(v: &Value) -> Vec<String> {
    v["allowed_actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_report_goes_from_draft_to_adopted_through_the_api_with_its_revisions_and_outcomes() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let d = draft(&member, "关于老旧小区加装电梯的情况反映").await;
    let id = d["id"].as_i64().unwrap();
    assert_eq!(d["status"], "draft");
    assert_eq!(d["channel"], "opinion");
    assert_eq!(actions(&d), ["submit", "edit", "delete"]);
    // The office does not see a draft.
    assert_problem(staff.get(&format!("/api/v1/opinions/{id}")).await, 404, "not_found").await;
    let v = json_of(member.post(&format!("/api/v1/opinions/{id}/submit"), &json!({"version": d["version"]})).await, 200).await;
    assert_eq!(v["status"], "submitted");
    assert!(v["due_on"].as_str().is_some());
    // The office's queue holds it; taking and revising it keeps every revision.
    let queue = staff.get_json("/api/v1/opinions?queue=opinion").await;
    assert!(queue["items"].as_array().unwrap().iter().any(|r| r["id"] == id), "{queue}");
    let v = json_of(staff.post(&format!("/api/v1/opinions/{id}/take"), &json!({})).await, 200).await;
    assert_eq!(v["status"], "editing");
    assert!(actions(&v).contains(&"revise".to_string()) && !actions(&v).contains(&"submit".to_string()));
    let revised = json!({"title": "关于加快老旧小区加装电梯的建议", "body": BODY.replace("审批慢", "审批周期长"), "note": "标题改为建议"});
    let v = json_of(staff.post(&format!("/api/v1/opinions/{id}/revise"), &revised).await, 200).await;
    assert_eq!(v["title"], "关于加快老旧小区加装电梯的建议");
    assert_eq!(v["revision_count"], 2);
    let revs = member.get_json(&format!("/api/v1/opinions/{id}/revisions")).await;
    let last = &revs["items"][1];
    assert_eq!(last["note"], "标题改为建议");
    let parts: Vec<(String, String)> = last["body_diff"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["parts"].as_array().unwrap().iter().map(|p| (p["kind"].as_str().unwrap().to_string(), p["text"].as_str().unwrap().to_string())))
        .collect();
    assert!(parts.contains(&("removed".into(), "慢".into())) && parts.contains(&("added".into(), "周期长".into())), "{parts:?}");
    // Adopted, then an outcome of the city level; a kind of another level is refused.
    let v = json_of(staff.post(&format!("/api/v1/opinions/{id}/adopt"), &json!({})).await, 200).await;
    assert_eq!(v["status"], "adopted");
    assert_eq!(v["outcome_levels"], json!(["city", "province", "national"]));
    let wrong = json!({"level": "city", "kind": "to_ministries", "decided_on": "2026-11-20"});
    let p = assert_problem(staff.post(&format!("/api/v1/opinions/{id}/record_outcome"), &wrong).await, 422, "validation_failed").await;
    assert!(has_chinese(&p["detail"].to_string()), "{p}");
    let ok = json!({"level": "city", "kind": "dept_adopted", "body": "市住房和城乡建设局", "decided_on": "2026-11-20"});
    let v = json_of(staff.post(&format!("/api/v1/opinions/{id}/record_outcome"), &ok).await, 200).await;
    assert_eq!(v["outcomes"][0]["kind_label"], "部门采纳");
    assert_eq!((v["outcomes"][0]["by_hand"].clone(), v["outcomes"][0]["from_above"].clone()), (json!(false), json!(false)), "recorded at its own level");
    // The author sees the fate of the report.
    let mine = member.get_json(&format!("/api/v1/opinions/{id}")).await;
    assert_eq!(mine["status_label"], "已录用");
    assert_eq!(mine["outcomes"][0]["body"], "市住房和城乡建设局");
    assert!(actions(&mine).contains(&"convert_to_proposal".to_string()));
    let timeline: Vec<&str> = mine["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(timeline, ["create", "submit", "take", "revise", "adopt", "record_outcome"]);
    // Into a proposal draft, linked.
    let c = json_of(member.post(&format!("/api/v1/opinions/{id}/convert_to_proposal"), &json!({})).await, 201).await;
    let p = member.get_json(c["url"].as_str().unwrap()).await;
    assert_eq!(p["status"], "draft");
    assert_eq!(p["title"], "关于加快老旧小区加装电梯的建议");
    assert_problem(member.post(&format!("/api/v1/opinions/{id}/convert_to_proposal"), &json!({})).await, 409, "invalid_transition").await;
    // Both pages show the link.
    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    assert!(b.page(&format!("/opinions/{id}")).await.contains(&format!("href=\"/proposals/{}\"", c["proposal_id"])));
    assert!(b.page(&format!("/proposals/{}", c["proposal_id"])).await.contains(&format!("href=\"/opinions/{id}\"")));
    assert_audit_chain_ok(&app).await;
}

#[tokio::test]
async fn a_returned_report_is_edited_and_resubmitted_and_stale_versions_conflict() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let d = draft(&member, "关于校园周边交通的情况").await;
    let id = d["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/opinions/{id}/submit"), &json!({})).await, 200).await;
    // Returning needs a reason.
    let p = assert_problem(staff.post(&format!("/api/v1/opinions/{id}/return"), &json!({"reason": " "})).await, 422, "validation_failed").await;
    assert!(has_chinese(&error_for(&p, "reason")), "{p}");
    assert_eq!(member.get_json(&format!("/api/v1/opinions/{id}")).await["status"], "submitted");
    let v = json_of(staff.post(&format!("/api/v1/opinions/{id}/return"), &json!({"reason": "请补充具体路段和建议措施"})).await, 200).await;
    assert_eq!(v["status"], "returned");
    let mine = member.get_json(&format!("/api/v1/opinions/{id}")).await;
    assert_eq!(mine["return_reason"], "请补充具体路段和建议措施");
    assert!(actions(&mine).contains(&"edit".to_string()) && !actions(&mine).contains(&"delete".to_string()));
    // A stale version is a conflict and changes nothing; If-Match with the read ETag works.
    let stale = json!({"title": "关于学府路校门口交通拥堵的建议", "version": 1});
    assert_problem(member.patch(&format!("/api/v1/opinions/{id}"), &stale).await, 409, "version_conflict").await;
    let res = member.get(&format!("/api/v1/opinions/{id}")).await;
    let etag = header_str(res.headers(), reqwest::header::ETAG);
    assert!(etag.starts_with(&format!("\"{}-", mine["version"])), "{etag}");
    let res = member
        .req(reqwest::Method::PATCH, &format!("/api/v1/opinions/{id}"))
        .header("If-Match", etag)
        .json(&json!({"title": "关于学府路校门口交通拥堵的建议"}))
        .send()
        .await
        .unwrap();
    let v = json_of(res, 200).await;
    assert_eq!(v["title"], "关于学府路校门口交通拥堵的建议");
    assert_eq!(v["body"], BODY, "fields not sent stay as they were");
    // An unknown field is refused against that field.
    let p =
        assert_problem(member.patch(&format!("/api/v1/opinions/{id}"), &json!({"status": "adopted", "version": v["version"]})).await, 422, "validation_failed")
            .await;
    assert!(error_for(&p, "status").contains("不能修改"));
    let v = json_of(member.post(&format!("/api/v1/opinions/{id}/submit"), &json!({"version": v["version"]})).await, 200).await;
    assert_eq!(v["status"], "submitted");
    assert_eq!(v["returns"], 1);
    // Once submitted, the author can neither edit nor delete it.
    assert_problem(member.patch(&format!("/api/v1/opinions/{id}"), &json!({"title": "再改", "version": v["version"]})).await, 409, "invalid_transition").await;
    let res = member.req(reqwest::Method::DELETE, &format!("/api/v1/opinions/{id}")).send().await.unwrap();
    assert_problem(res, 409, "invalid_transition").await;
}

#[tokio::test]
async fn bad_reports_are_refused_in_chinese_and_nothing_is_saved() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let long = "字".repeat(1501);
    let p = assert_problem(member.post("/api/v1/opinions", &json!({"title": "", "body": long})).await, 422, "validation_failed").await;
    assert_eq!(error_for(&p, "title"), "请填写标题");
    assert!(error_for(&p, "body").contains("最多1500个字，现有1501个字"), "{p}");
    let p = assert_problem(member.post("/api/v1/opinions", &json!({"title": "标题", "body": BODY, "direct": "也许"})).await, 422, "validation_failed").await;
    assert!(has_chinese(&p["detail"].to_string()), "{p}");
    assert_eq!(member.get_json("/api/v1/opinions?scope=mine").await["items"], json!([]));
    // The office must say whom it writes for.
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let p = assert_problem(staff.post("/api/v1/opinions", &json!({"title": "标题", "body": BODY})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "submitter_kind").contains("代谁报送"));
    let v = json_of(
        staff
            .post(
                "/api/v1/opinions",
                &json!({"title": "关于农村饮水安全的建议", "body": BODY, "submitter_kind": "informant",
        "author_name": "王信息员"}),
            )
            .await,
        201,
    )
    .await;
    assert_eq!(v["author_name"], "王信息员");
    assert_eq!(v["submitter_kind"], "informant");
    // An unknown action is not found; a query value of the wrong kind is a Chinese error.
    assert_problem(member.post(&format!("/api/v1/opinions/{}/publish", v["id"]), &json!({})).await, 404, "not_found").await;
    let p = assert_problem(member.get("/api/v1/opinions?status=done").await, 422, "validation_failed").await;
    assert!(has_chinese(&p["detail"].to_string()), "{p}");
}

#[tokio::test]
async fn another_members_report_is_not_found_until_it_is_published() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let other = other_member(&app).await;
    let id = draft(&member, "关于社区养老的情况").await["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/opinions/{id}/submit"), &json!({})).await, 200).await;
    let nowhere = assert_problem(other.get(&format!("/api/v1/opinions/{id}")).await, 404, "not_found").await;
    assert_eq!(nowhere, assert_problem(other.get("/api/v1/opinions/999999").await, 404, "not_found").await);
    assert_problem(other.get(&format!("/api/v1/opinions/{id}/revisions")).await, 404, "not_found").await;
    assert_problem(other.post(&format!("/api/v1/opinions/{id}/take"), &json!({})).await, 404, "not_found").await;
    assert_eq!(other.get_json("/api/v1/opinions?scope=mine").await["items"], json!([]));
    assert_eq!(other.get_json("/api/v1/opinions?scope=published").await["items"], json!([]));
    // Members may not open the office's list; a unit has no list at all.
    assert_problem(other.get("/api/v1/opinions?scope=all").await, 422, "validation_failed").await;
    let unit = Api::login(&app, "unit", DEMO_PASSWORD).await;
    assert_problem(unit.get("/api/v1/opinions").await, 403, "forbidden").await;
    // A leader sees it only once adopted.
    let (staff, leader) = (Api::login(&app, "staff", DEMO_PASSWORD).await, Api::login(&app, "leader", DEMO_PASSWORD).await);
    assert_problem(leader.get(&format!("/api/v1/opinions/{id}")).await, 404, "not_found").await;
    json_of(staff.post(&format!("/api/v1/opinions/{id}/adopt"), &json!({})).await, 200).await;
    let v = leader.get_json(&format!("/api/v1/opinions/{id}")).await;
    assert_eq!(v["status"], "adopted");
    assert_eq!(actions(&v), Vec::<String>::new(), "leaders read adopted reports");
}

#[tokio::test]
async fn an_admin_creates_an_informant_who_writes_and_sees_only_own_reports() {
    let app = spawn_demo_app().await;
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let mut b = Browser::new(&app);
    b.login_ok("admin", DEMO_PASSWORD).await;
    assert!(b.page("/users/new").await.contains("value=\"informant\""), "the user form offers the informant role");
    let body = json!({"username": "xinxiyuan", "password": PASSWORD, "display_name": "赵信息员", "roles": ["informant"]});
    json_of(admin.post("/api/v1/users", &body).await, 201).await;
    // An account an admin made changes its initial password first.
    let first = json!({"username": "xinxiyuan", "password": PASSWORD, "new_password": "Xinmima2024"});
    json_of(Api::anon(&app).post("/api/v1/auth/first-login", &first).await, 200).await;
    let informant = Api::login(&app, "xinxiyuan", "Xinmima2024").await;
    let v = draft(&informant, "关于菜市场环境卫生的情况").await;
    assert_eq!(v["submitter_kind"], "informant");
    // Material on the draft: checked by content, read by the author only.
    let path = format!("/api/v1/opinions/{}/attachments", v["id"]);
    assert_problem(informant.upload(&format!("{path}?purpose=material"), "照片.pdf", b"MZ\x90\x00".to_vec()).await, 422, "validation_failed").await;
    let f = json_of(informant.upload(&format!("{path}?purpose=material"), "照片.pdf", b"%PDF-1.4 x".to_vec()).await, 201).await;
    assert_eq!(informant.get(&format!("{path}/{}", f["id"])).await.status(), 200);
    let other = Api::login(&app, "member", DEMO_PASSWORD).await;
    assert_problem(other.get(&format!("{path}/{}", f["id"])).await, 404, "not_found").await;
    assert_eq!(v["author_name"], "赵信息员");
    let list = informant.get_json("/api/v1/opinions").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // The member's report is not the informant's to see.
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let theirs = draft(&member, "关于停车难的情况").await["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/opinions/{theirs}/submit"), &json!({})).await, 200).await;
    assert_problem(informant.get(&format!("/api/v1/opinions/{theirs}")).await, 404, "not_found").await;
    // The informant's pages: the nav entry, the home block and the writing form.
    let mut b = Browser::new(&app);
    b.login_ok("xinxiyuan", "Xinmima2024").await;
    let home = b.page("/").await;
    assert!(home.contains("href=\"/opinions\"") && home.contains("我的社情民意") && home.contains("草稿"), "{home}");
    assert!(b.page("/opinions/new").await.contains("已写0字，最多1500字"));
}

#[tokio::test]
async fn the_writing_form_counts_characters_without_javascript_and_keeps_what_was_written() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    let form = b.page("/opinions/new").await;
    assert!(form.contains("已写0字，最多1500字") && form.contains("name=\"direct\""));
    let long = "长".repeat(1510);
    let res = b.post_form("/opinions", &[("title", "关于城市绿道建设的建议"), ("body", &long), ("then", "submit")]).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("已写1510字，最多1500字") && html.contains("现有1510个字"), "the server counts");
    assert!(html.contains("关于城市绿道建设的建议"), "what was written is kept");
    let res = b.post_form("/opinions", &[("title", "关于城市绿道建设的建议"), ("body", BODY), ("direct", "true"), ("then", "submit")]).await;
    assert_eq!(res.status(), 303);
    let page = b.page(&location(&res)).await;
    assert!(page.contains("资政之声") && page.contains("待受理"), "submitted as 资政之声");
}

#[tokio::test]
async fn the_office_works_its_queues_and_the_diff_page_shows_each_revision() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let id = draft(&member, "关于电梯的情况反映").await["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/opinions/{id}/submit"), &json!({})).await, 200).await;
    let mut b = Browser::new(&app);
    b.login_ok("staff", DEMO_PASSWORD).await;
    let queue = b.page("/opinions").await;
    assert!(queue.contains("社情民意待处理（1）") && queue.contains("资政之声待处理") && queue.contains("待编发") && queue.contains("下级报送"));
    assert!(queue.contains(&format!("/opinions/{id}")));
    let home = b.page("/").await;
    assert!(home.contains("社情民意待办"), "the office's home counts its queues");
    assert_eq!(b.post_form(&format!("/opinions/{id}/act/take"), &[("version", "2")]).await.status(), 303);
    let editor = b.page(&format!("/opinions/{id}/revisions")).await;
    assert!(editor.contains("保存为新的一稿"));
    let res =
        b.post_form(&format!("/opinions/{id}/act/revise"), &[("title", "关于加装电梯的建议"), ("body", BODY), ("note", "改标题"), ("version", "3")]).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap_or_default());
    let diff = b.page(&format!("/opinions/{id}/revisions")).await;
    assert!(diff.contains("<ins>加装</ins>") && diff.contains("<del>情况反映</del>") && diff.contains("<ins>建议</ins>"), "{diff}");
    // The return form without a reason: the page again with a Chinese error, nothing changed.
    let res = b.post_form(&format!("/opinions/{id}/act/return"), &[("reason", ""), ("version", "4")]).await;
    assert_eq!(res.status(), 422);
    assert!(has_chinese(&res.text().await.unwrap()));
    assert_eq!(member.get_json(&format!("/api/v1/opinions/{id}")).await["status"], "editing");
    assert_eq!(b.post_form(&format!("/opinions/{id}/act/adopt"), &[("version", "4")]).await.status(), 303);
    let outcome = [("level", "city"), ("kind", "adopted"), ("decided_on", "2026-11-20"), ("version", "5")];
    assert_eq!(b.post_form(&format!("/opinions/{id}/act/record_outcome"), &outcome).await.status(), 303);
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let instruction = json!({"record_kind": "opinion", "record_id": id, "leader_name": "张明", "leader_post": "市长", "rank": "city",
        "given_on": "2026-11-25", "gist": "请市住建局研究落实。"});
    json_of(staff.post("/api/v1/instructions", &instruction).await, 201).await;
    let mut m = Browser::new(&app);
    m.login_ok("member", DEMO_PASSWORD).await;
    let page = m.page(&format!("/opinions/{id}")).await;
    assert!(page.contains("请市住建局研究落实。"), "the report's page shows the leader's instruction");
    assert!(page.contains("采用情况") && page.contains("市级") && page.contains("<strong>采用</strong>"), "the author sees the outcome");
    assert!(!page.contains("上级政协平台反馈"), "an outcome of this committee is not one from above");
}

#[tokio::test]
async fn the_admin_sets_the_information_rules_with_every_error_at_once() {
    let app = spawn_demo_app().await;
    let mut b = Browser::new(&app);
    b.login_ok("admin", DEMO_PASSWORD).await;
    let page = b.page("/settings").await;
    assert!(page.contains("社情民意要求") && page.contains("政协办公室信息科"));
    let bad = [
        ("year", "2026"),
        ("op_title_max_chars", "5"),
        ("op_body_max_chars", "100"),
        ("op_opinion_target_days", "15"),
        ("op_direct_target_days", "0"),
        ("op_editor_unit", " "),
    ];
    let res = b.post_form("/settings/opinion-rules", &bad).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    for m in ["正文字数上限应在200到20000之间", "标题字数上限应在10到200之间", "办理时限应在1到60个工作日之间", "请填写编发单位"]
    {
        assert!(html.contains(m), "missing {m}");
    }
    let year = chrono::Utc::now().format("%Y").to_string();
    let good = [
        ("year", year.as_str()),
        ("op_title_max_chars", "60"),
        ("op_body_max_chars", "800"),
        ("op_opinion_target_days", "10"),
        ("op_direct_target_days", "3"),
        ("op_editor_unit", "政协信息中心"),
    ];
    assert_eq!(b.post_form("/settings/opinion-rules", &good).await.status(), 303);
    // The writing form counts against the new limit; the audit log has the change.
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let p = assert_problem(member.post("/api/v1/opinions", &json!({"title": "标题", "body": "字".repeat(801)})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "body").contains("最多800个字"), "{p}");
    let admin = Api::login(&app, "admin", DEMO_PASSWORD).await;
    let audit = admin.get_json("/api/v1/audit?action=settings_changed").await;
    assert!(audit.to_string().contains("社情民意"), "{audit}");
}

#[tokio::test]
async fn the_openapi_document_gives_every_report_action_its_own_body_and_keeps_the_proposal_enums() {
    let app = spawn_demo_app().await;
    let spec = json_of(Api::anon(&app).get("/api/openapi.json").await, 200).await;
    let mut bodies = Vec::new();
    for name in eline_app::opinions::OpinionAction::NAMES {
        let op = &spec["paths"][format!("/api/v1/opinions/{{id}}/{name}")]["post"];
        assert_eq!(op["operationId"], format!("opinions.{name}"), "{name}");
        let body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str().unwrap_or_else(|| panic!("{name} has a body")).to_string();
        bodies.push(body);
    }
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), eline_app::opinions::OpinionAction::NAMES.len(), "one typed body per action: {bodies:?}");
    // The reports' enums do not take the place of the proposals' of the same name.
    let enums = |name: &str| spec["components"]["schemas"][name]["enum"].to_string();
    assert!(enums("Status").contains("filed") && !enums("Status").contains("editing"));
    assert!(enums("OpinionStatus").contains("editing"));
    assert!(enums("Queue").contains("lookback") && enums("OpinionQueue").contains("to_compile"));
    assert!(enums("Scope").contains("unit") && enums("OpinionScope").contains("published"));
}
