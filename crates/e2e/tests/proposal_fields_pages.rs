//! The pages of issue 12, points 12–14, in headless Chromium at phone (360 px) and desktop
//! (1280 px) size: the proposal form with 提案分类, 大会/平时提案, 建议承办单位 and 公开意愿; the lead
//! unit's reply form warning of a missing 会办意见; the proposer's 测评表; the statistics page with
//! the current session chosen, 沟通率/见面率 and the definitions.
//!
//! Skipped (with a message) without chromium/chromedriver, except under CI. Screenshots
//! (`fields-….png`) land in `<workspace>/screenshots/`.

mod support;

use eline_e2e::{DEFAULT_WAIT, browser_tools};
use eline_web::testing::spawn_demo_app;
use serde_json::json;
use support::{Api, DESKTOP, PHONE, log_in, no_sideways_scroll};

const BODY: &str = "我市部分老旧小区雨污混流、排水管网老化，汛期内涝时有发生，群众反映强烈。\n\
    建议：一是开展排水管网普查，建立问题清单；二是分年度实施雨污分流改造；三是建立管网日常养护和考核机制。";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_the_survey_the_co_unit_warning_and_the_statistics_read_well_on_a_phone_and_a_desktop() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let (member, staff, unit) = (Api::login(&base, "member").await, Api::login(&base, "staff").await, Api::login(&base, "unit").await);
    let units: Vec<i64> = staff.get("/api/v1/units").await["items"].as_array().expect("units").iter().map(|u| u["id"].as_i64().unwrap()).collect();
    let mut c = app.state.app.db.acquire().await.expect("connection");
    let own = eline_storage::users::get_by_username(&mut c.ex(), "unit").await.unwrap().unwrap().unit_id.unwrap();
    drop(c);
    let co = *units.iter().find(|u| **u != own).expect("another unit");
    let proposal = async |title: &str| {
        let input =
            json!({"title": title, "body": BODY, "category": "生态文明建设", "occasion": "plenary", "suggested_unit_ids": [own], "publish_consent": true});
        let id = member.post("/api/v1/proposals", input).await["id"].as_i64().expect("id");
        member.post(&format!("/api/v1/proposals/{id}/submit"), json!({})).await;
        staff.post(&format!("/api/v1/proposals/{id}/review"), json!({"decision": "file"})).await;
        staff.post(&format!("/api/v1/proposals/{id}/assign"), json!({"lead_unit_id": own, "co_unit_ids": [co]})).await;
        id
    };
    let waiting = proposal("关于推进老旧小区雨污分流改造的提案").await;
    let replied = proposal("关于加强城市内涝防治的提案").await;
    unit.post(
        &format!("/api/v1/proposals/{replied}/reply"),
        json!({"class": "B", "text": "经研究，现答复如下：已列入明年改造计划。", "signer": "李明", "confirm_without_co_opinions": true}),
    )
    .await;

    for (width, height) in [PHONE, DESKTOP] {
        let browser = eline_e2e::Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "member").await;
        browser.goto(format!("{base}/proposals/new")).await.expect("open the form");
        browser.wait_for_element("select#category", DEFAULT_WAIT).await;
        let text = browser.wait_for_text("form", DEFAULT_WAIT, |t| t.contains("建议承办单位")).await;
        assert!(text.contains("大会提案") && text.contains("平时提案") && text.contains("同意公开提案及答复"), "[{width}px] {text}");
        no_sideways_scroll(&browser, "the proposal form").await;
        browser.eval("document.querySelector('#category').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("fields-form-{width}.png")).await;

        browser.goto(format!("{base}/proposals/{replied}")).await.expect("open the replied proposal");
        let form = browser.wait_for_text("fieldset.survey", DEFAULT_WAIT, |t| t.contains("办前沟通")).await;
        assert!(form.contains("当面") && form.contains("未联系") && form.contains("办理结果"), "[{width}px] {form}");
        no_sideways_scroll(&browser, "the evaluation form").await;
        browser.eval("document.querySelector('fieldset.survey').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("fields-survey-{width}.png")).await;
        drop(browser);

        let browser = eline_e2e::Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "unit").await;
        browser.goto(format!("{base}/proposals/{waiting}")).await.expect("open the waiting proposal");
        let warning = browser.wait_for_text("div.notice[role=alert]", DEFAULT_WAIT, |t| t.contains("尚未提出会办意见")).await;
        assert!(warning.contains("仍然答复"), "[{width}px] {warning}");
        browser.eval("document.querySelector('div.notice[role=alert]').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("fields-reply-warning-{width}.png")).await;
        drop(browser);

        let browser = eline_e2e::Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "staff").await;
        browser.goto(format!("{base}/proposals/stats")).await.expect("open the statistics");
        let main = browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("沟通率")).await;
        assert!(main.contains("办复率（已答复÷已交办）") && main.contains("见面率") && main.contains("指标说明"), "[{width}px]");
        no_sideways_scroll(&browser, "the statistics").await;
        browser.screenshot(&format!("fields-stats-top-{width}.png")).await;
        browser.eval("document.querySelector('#h-handling').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("fields-stats-rates-{width}.png")).await;
        browser.eval("document.querySelector('#h-categories').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("fields-stats-categories-{width}.png")).await;
    }
}
