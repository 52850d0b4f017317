//! Relevance floors as a user meets them, in headless Chromium at phone (360 px) and desktop
//! (1280 px) size, on the demo committee with its earlier sessions: the proposal form shows
//! earlier proposals for a title about 养老 and says there are none for a title about a subject
//! the committee never had; the search page says "没有找到" for a query whose words match only in
//! part, with a hint.
//!
//! Skipped (with a message) without chromium/chromedriver, except under CI. Screenshots
//! (`search-….png`) land in `<workspace>/screenshots/`.

mod support;

use eline_e2e::{Browser, DEFAULT_WAIT, browser_tools, wait_until};
use eline_web::testing::spawn_demo_app;
use support::{Api, DESKTOP, PHONE, log_in, no_sideways_scroll};

const RELATED: &str = "关于完善养老服务体系的建议";
const UNRELATED: &str = "关于发展量子计算机芯片产业的建议";
const NO_MATCH: &str = "量子计算机芯片";

async fn type_title(browser: &Browser, text: &str) {
    let title = browser.wait_for_element("#title", DEFAULT_WAIT).await;
    title.clear().await.expect("clear the title");
    title.send_keys(text).await.expect("type the title");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_shows_earlier_proposals_only_when_alike_and_search_says_when_nothing_matches() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    app.state.app.load_demo_proposals(app.committee_id).await.expect("demo proposals");
    let base = app.base_url.trim_end_matches('/').to_owned();
    let staff = Api::login(&base, "staff").await;
    wait_until("the demo's history to be indexed", DEFAULT_WAIT, || async {
        let v = staff.get("/api/v1/search?q=%E5%85%BB%E8%80%81&type=proposal").await;
        (v["total"].as_u64().unwrap_or(0) >= 2).then_some(())
    })
    .await;

    for (width, height) in [PHONE, DESKTOP] {
        let browser = Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "member").await;
        browser.goto(format!("{base}/proposals/new")).await.expect("open the proposal form");
        type_title(&browser, RELATED).await;
        let shown = browser.wait_for_text("#similar-live ol", DEFAULT_WAIT, |t| t.contains("养老")).await;
        assert!(!shown.contains("草稿"), "[{width}px] no draft among earlier proposals: {shown}");
        no_sideways_scroll(&browser, "the proposal form with similar proposals").await;
        browser.eval("document.querySelector('label[for=title]').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("search-form-related-{width}.png")).await;

        type_title(&browser, UNRELATED).await;
        let none = browser.wait_for_text("#similar-live", DEFAULT_WAIT, |t| t.contains("没有足够相似的以往提案")).await;
        let visible =
            browser.eval("return !document.querySelector('#similar-live ol').hidden && document.querySelectorAll('#similar-live li').length > 0;").await;
        assert_eq!(visible, serde_json::json!(false), "[{width}px] no list for an unrelated title: {none}");
        browser.eval("document.querySelector('label[for=title]').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("search-form-unrelated-{width}.png")).await;

        browser.goto(format!("{base}/search?q={NO_MATCH}")).await.expect("open the search page");
        let empty = browser.wait_for_text(".empty", DEFAULT_WAIT, |t| t.contains("没有找到")).await;
        assert!(empty.contains("分别搜索"), "[{width}px] the hint offers the words one by one: {empty}");
        no_sideways_scroll(&browser, "the search page with no match").await;
        browser.screenshot(&format!("search-no-match-{width}.png")).await;
        browser.quit().await;
    }
}
