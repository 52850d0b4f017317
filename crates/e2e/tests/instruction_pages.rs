//! Leaders' instructions (领导批示) in headless Chromium at phone (360 px) and desktop (1280 px)
//! size: a leader records one on a proposal's page through the no-JS form, the page shows it
//! with its follow-up, and the office's /instructions page counts and lists it.
//!
//! Skipped (with a message) without chromium/chromedriver, except under CI. Screenshots
//! (`instructions-….png`) land in `<workspace>/screenshots/`.

mod support;

use eline_e2e::{DEFAULT_WAIT, browser_tools};
use eline_web::testing::spawn_demo_app;
use serde_json::json;
use support::{Api, DESKTOP, PHONE, log_in, no_sideways_scroll};

const TITLE: &str = "关于加快老旧小区加装电梯的提案";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_records_an_instruction_on_a_proposal_and_the_office_counts_it() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let (member, staff) = (Api::login(&base, "member").await, Api::login(&base, "staff").await);
    let body = "我市老旧小区多为六层以下无电梯住宅，居住老年人比例高，加装电梯群众呼声高，但业主协调难、资金筹措难。\n建议简化审批流程，完善财政补贴办法。";
    let id = member.post("/api/v1/proposals", json!({"title": TITLE, "body": body})).await["id"].as_i64().expect("id");
    member.post(&format!("/api/v1/proposals/{id}/submit"), json!({})).await;
    staff.post(&format!("/api/v1/proposals/{id}/review"), json!({"decision": "file"})).await;
    let earlier = json!({"record_kind": "proposal", "record_id": id, "leader_name": "王刚", "leader_post": "副市长", "rank": "province",
        "given_on": "2026-01-10", "gist": "请市财政局会同住建局研究补贴办法。"});
    let first = staff.post("/api/v1/instructions", earlier).await["id"].as_i64().expect("instruction id");
    staff
        .post(
            &format!("/api/v1/instructions/{first}/followups"),
            json!({"done_on": "2026-02-01", "by_whom": "市财政局", "what": "已出台加装电梯财政补贴办法。"}),
        )
        .await;

    for (n, (width, height)) in [PHONE, DESKTOP].into_iter().enumerate() {
        let browser = eline_e2e::Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "leader").await;
        browser.goto(format!("{base}/proposals/{id}")).await.expect("open the proposal");
        let part = browser.wait_for_text("#instructions", DEFAULT_WAIT, |t| t.contains("王刚")).await;
        assert!(part.contains("市财政局") && part.contains("省级批示"), "[{width}px] the instruction and its follow-up: {part}");
        let summary = browser.wait_for_element("#instructions details > summary", DEFAULT_WAIT).await;
        browser.click(&summary, "记录领导批示").await;
        let leader = format!("李强{n}");
        browser
            .eval(&format!(
                "const f = document.querySelector('form[action^=\"/instructions/new\"]');
                 f.leader_name.value = '{leader}'; f.leader_post.value = '市委书记'; f.gist.value = '这件提案反映的问题很重要，请抓紧办理。';
                 return true;"
            ))
            .await;
        let save = browser.wait_for_element("form[action^='/instructions/new'] button[type=submit]", DEFAULT_WAIT).await;
        browser.click(&save, "保存批示").await;
        browser.wait_for_text("#instructions", DEFAULT_WAIT, |t| t.contains(&leader)).await;
        no_sideways_scroll(&browser, "a proposal with instructions").await;
        browser.eval("document.querySelector('#instructions').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("instructions-proposal-{width}.png")).await;

        browser.goto(format!("{base}/instructions?year=2026")).await.expect("open the instructions page");
        let lead = browser.wait_for_text("p.lead", DEFAULT_WAIT, |t| t.contains("批示")).await;
        assert!(lead.contains(&format!("作出批示{}次", n + 2)), "[{width}px] {lead}");
        let rows = browser.wait_for_text("table.list", DEFAULT_WAIT, |t| t.contains(TITLE)).await;
        assert!(rows.contains("王刚") && rows.contains(&leader), "[{width}px] {rows}");
        no_sideways_scroll(&browser, "the instructions page").await;
        browser.screenshot(&format!("instructions-list-{width}.png")).await;
        browser.quit().await;
    }
}
