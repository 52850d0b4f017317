//! The pages the workflow kernel changed, in headless Chromium at phone (360 px) and desktop
//! (1280 px) size: a link between two proposals shown at both ends (关联记录), the audit log
//! naming each record by its kind with a link to it, the member list's filter kept in its URL,
//! and the proposal list's filters.
//!
//! Skipped (with a message) without chromium/chromedriver, except under CI. Screenshots
//! (`kernel-….png`) land in `<workspace>/screenshots/`.

mod support;

use eline_e2e::{DEFAULT_WAIT, browser_tools};
use eline_web::testing::spawn_demo_app;
use serde_json::json;
use support::{Api, DESKTOP, PHONE, log_in, no_sideways_scroll};

const EARLIER: &str = "关于加快老旧小区加装电梯的提案";
const LATER: &str = "关于完善既有住宅加装电梯财政补贴办法的提案";

/// A proposal of the demo member, submitted and filed by the office.
async fn filed(member: &Api, staff: &Api, title: &str) -> i64 {
    let body = "我市建成于上世纪的老旧小区多为六层以下无电梯住宅，居住老年人比例高，加装电梯群众呼声高，但业主协调难、资金筹措难、审批环节多。\n\
        建议：一是简化审批流程，推行一站式联合审查；二是完善财政补贴办法，允许提取住房公积金；三是推广代建代运营模式。";
    let id = member.post("/api/v1/proposals", json!({"title": title, "body": body})).await["id"].as_i64().expect("id");
    member.post(&format!("/api/v1/proposals/{id}/submit"), json!({})).await;
    staff.post(&format!("/api/v1/proposals/{id}/review"), json!({"decision": "file"})).await;
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_shows_at_both_ends_and_the_audit_log_names_each_record_by_its_kind() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let (member, staff) = (Api::login(&base, "member").await, Api::login(&base, "staff").await);
    let (earlier, later) = (filed(&member, &staff, EARLIER).await, filed(&member, &staff, LATER).await);
    let link = staff.post(&format!("/api/v1/proposals/{earlier}/links"), json!({"to": {"kind": "proposal", "id": later}, "relation": "led_to"})).await;
    assert_eq!(link["label"], "引出");

    for (width, height) in [PHONE, DESKTOP] {
        let browser = eline_e2e::Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "staff").await;
        browser.goto(format!("{base}/proposals/{earlier}")).await.expect("open the earlier proposal");
        let links = browser.wait_for_text("section[aria-labelledby=links-title]", DEFAULT_WAIT, |t| t.contains(LATER)).await;
        assert!(links.contains("关联记录") && links.contains("引出提案"), "[{width}px] the earlier end names the later one: {links}");
        no_sideways_scroll(&browser, "a proposal with a link").await;
        browser.eval("document.querySelector('section[aria-labelledby=links-title]').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("kernel-links-{width}.png")).await;
        let to_later = browser.wait_for_element(&format!("section[aria-labelledby=links-title] a[href='/proposals/{later}']"), DEFAULT_WAIT).await;
        browser.click(&to_later, "the link to the later proposal").await;
        browser.wait_for_path(&format!("/proposals/{later}"), DEFAULT_WAIT).await;
        let back = browser.wait_for_text("section[aria-labelledby=links-title]", DEFAULT_WAIT, |t| t.contains(EARLIER)).await;
        assert!(back.contains("源自提案"), "[{width}px] the later end names the earlier one: {back}");
        let timeline = browser.wait_for_text("ol.timeline", DEFAULT_WAIT, |t| t.contains("关联记录")).await;
        assert!(timeline.contains(&format!("源自提案“{EARLIER}”")), "[{width}px] the link is on the timeline: {timeline}");

        // The member's list keeps its filter in the URL and in the form.
        browser.goto(format!("{base}/members?include_archived=true")).await.expect("open the member list");
        browser.wait_for_text("h1", DEFAULT_WAIT, |t| t.contains("委员")).await;
        let checked = browser.eval("return document.querySelector('input[name=include_archived]').checked;").await;
        assert_eq!(checked, json!(true), "[{width}px] the box shows the filter in force");
        no_sideways_scroll(&browser, "the member list").await;
        browser.screenshot(&format!("kernel-members-{width}.png")).await;

        browser.goto(format!("{base}/proposals?scope=all&status=filed")).await.expect("open the proposal list");
        let list = browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains(LATER)).await;
        assert!(list.contains(EARLIER), "[{width}px] both filed proposals are listed: {list}");
        no_sideways_scroll(&browser, "the proposal list").await;
        browser.screenshot(&format!("kernel-proposal-list-{width}.png")).await;
        browser.quit().await;

        let browser = eline_e2e::Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "admin").await;
        browser.goto(format!("{base}/audit?action=link")).await.expect("open the audit log");
        let rows = browser.wait_for_text("table.list", DEFAULT_WAIT, |t| t.contains("关联记录")).await;
        assert!(rows.contains(&format!("提案 #{earlier}")) && rows.contains(&format!("提案 #{later}")), "[{width}px] both ends: {rows}");
        browser.wait_for_element(&format!("table.list a[href='/proposals/{later}']"), DEFAULT_WAIT).await;
        no_sideways_scroll(&browser, "the audit log").await;
        browser.screenshot(&format!("kernel-audit-{width}.png")).await;
        browser.quit().await;
    }
}
