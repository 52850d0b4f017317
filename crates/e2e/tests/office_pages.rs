//! The pages of issue 12 as their users meet them, in headless Chromium at phone (360 px) and
//! desktop (1280 px) size: a member picks co-signers by pinyin initials with the picker's chips,
//! the office reads a session's list on a phone, and a leader opens the home page.
//!
//! Skipped (with a message) without chromium/chromedriver, except under CI. Screenshots
//! (`office-….png`) land in `<workspace>/screenshots/`.

mod support;

use eline_e2e::{Browser, DEFAULT_WAIT, browser_tools, wait_until};
use eline_web::testing::spawn_demo_app;
use serde_json::json;
use support::{Api, DESKTOP, PHONE, log_in, no_sideways_scroll};

const BODY: &str =
    "近年来我市老旧小区加装电梯需求持续增长，但审批环节多、资金分摊难、邻里协调难等问题较为突出。建议由住建部门牵头简化审批流程，设立专项补贴资金。";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_picks_co_signers_by_initials_and_office_and_leader_pages_fit_a_phone() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let staff = Api::login(&base, "staff").await;
    let sector = staff.post("/api/v1/sectors", json!({"name": "拾遗测试界"})).await["id"].as_i64().expect("sector");
    staff.post("/api/v1/members", json!({"name": "欧阳明月", "sector_id": sector})).await;

    for (width, height) in [PHONE, DESKTOP] {
        let browser = Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "member").await;
        browser.goto(format!("{base}/proposals/new")).await.expect("open the form");
        // Individual proposals ask for no co-signers.
        let picker_shown = "return getComputedStyle(document.getElementById('picker-cosigner_ids')).display !== 'none';";
        browser.eval("document.querySelector('input[name=kind][value=individual]').click(); return true;").await;
        assert_eq!(browser.eval(picker_shown).await, false, "hidden for an individual proposal");
        browser.eval("document.querySelector('input[name=kind][value=joint]').click(); return true;").await;
        assert_eq!(browser.eval(picker_shown).await, true, "shown for a joint proposal");
        browser
            .eval(&format!(
                "document.getElementById('title').value = '关于加快老旧小区加装电梯的提案'; document.getElementById('body').value = '{BODY}'; return true;"
            ))
            .await;
        let search = browser.wait_for_element("#picker-cosigner_ids input[type=search]", DEFAULT_WAIT).await;
        search.send_keys("oymy").await.expect("type the initials");
        let found = browser.wait_for_element("#picker-cosigner_ids .picker-results button.pick", DEFAULT_WAIT).await;
        assert!(found.text().await.unwrap_or_default().contains("欧阳明月（拾遗测试界）"));
        browser.click(&found, "欧阳明月").await;
        let chips = "return Array.from(document.querySelectorAll('#picker-cosigner_ids .chip')).map(c => c.textContent).join('|');";
        wait_until("the chip", DEFAULT_WAIT, || async { browser.eval(chips).await.as_str().filter(|t| t.contains("欧阳明月")).map(|_| ()) }).await;
        no_sideways_scroll(&browser, "the proposal form").await;
        browser.screenshot(&format!("office-picker-{width}.png")).await;
        // Removed with its ×, added again.
        let remove = browser.wait_for_element("#picker-cosigner_ids .chip-remove", DEFAULT_WAIT).await;
        browser.click(&remove, "移除").await;
        assert_eq!(browser.eval(chips).await, "", "removed");
        search.clear().await.expect("clear");
        search.send_keys("拾遗").await.expect("type the sector");
        let found = browser.wait_for_element("#picker-cosigner_ids .picker-results button.pick", DEFAULT_WAIT).await;
        browser.click(&found, "欧阳明月").await;
        let save = browser.wait_for_element("button[name=then][value=save]", DEFAULT_WAIT).await;
        browser.click(&save, "保存草稿").await;
        browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("草稿已保存") && t.contains("欧阳明月")).await;
        browser.quit().await;
    }

    // A session's proposals: filed in another order than written, two assigned.
    let member = Api::login(&base, "member").await;
    let unit = staff.get("/api/v1/pickers/units?limit=1").await["items"][0]["id"].as_i64().expect("a unit");
    let mut ids = Vec::new();
    for title in ["关于完善社区居家养老服务的提案", "关于加强中小学课后服务的提案", "关于推进生活垃圾分类减量的提案", "关于优化城市公交线网的提案"]
    {
        let p = member.post("/api/v1/proposals", json!({"title": title, "body": BODY})).await;
        let id = p["id"].as_i64().expect("id");
        member.post(&format!("/api/v1/proposals/{id}/submit"), json!({})).await;
        ids.push(id);
    }
    for id in ids.iter().rev() {
        staff.post(&format!("/api/v1/proposals/{id}/review"), json!({"decision": "file"})).await;
    }
    for id in &ids[..2] {
        staff.post(&format!("/api/v1/proposals/{id}/assign"), json!({"lead_unit_id": unit})).await;
    }
    let session = member.get(&format!("/api/v1/proposals/{}", ids[0])).await["session_id"].as_i64().expect("its session");
    for (who, path, name) in [("staff", format!("/proposals?session_id={session}"), "staff-list"), ("leader", "/".to_string(), "leader-home")] {
        for (width, height) in [PHONE, DESKTOP] {
            let browser = Browser::launch(&tools, width, height).await;
            log_in(&browser, &base, who).await;
            browser.goto(format!("{base}{path}")).await.expect("open the page");
            browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains(if who == "staff" { "按编号" } else { "办复率" })).await;
            no_sideways_scroll(&browser, name).await;
            if who == "staff" && width == PHONE.0 {
                // A phone row: no "编号：" labels, nothing for empty cells.
                let labels = browser.eval("return Array.from(document.querySelectorAll('table.list td')).filter(td => getComputedStyle(td, '::before').content.includes('：')).length;").await;
                assert_eq!(labels, 0, "no labels on a phone row");
            }
            browser.screenshot(&format!("office-{name}-{width}.png")).await;
            if who == "staff" {
                // The rows, as the clerk scrolls to them.
                browser.eval("document.querySelector('table.list').scrollIntoView(); return true;").await;
                browser.screenshot(&format!("office-{name}-rows-{width}.png")).await;
            }
            browser.quit().await;
        }
    }
}
