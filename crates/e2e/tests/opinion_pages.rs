//! 社情民意 in headless Chromium at phone (360 px) and desktop (1280 px) size: a member writes a
//! report (the live character count) and submits it; the information office finds it in its
//! queue, takes it, revises it on the editor page (the diff of the revision: removed struck
//! through, added underlined) and adopts it; the member sees the outcome on the report's page.
//!
//! Skipped (with a message) without chromium/chromedriver, except under CI. Screenshots
//! (`opinion-….png`) land in `<workspace>/screenshots/`.

mod support;

use eline_e2e::thirtyfour::prelude::*;
use eline_e2e::{Browser, DEFAULT_WAIT, browser_tools, wait_until};
use eline_web::testing::spawn_demo_app;
use serde_json::json;
use support::{Api, DESKTOP, PHONE, log_in, no_sideways_scroll};

const TITLE: &str = "关于老旧小区加装电梯的情况反映";
const EDITED: &str = "关于加快老旧小区加装电梯的建议";
const BODY: &str = "近期不少居民反映，老旧小区加装电梯协调难、审批慢、资金筹措难，进展缓慢。\n\
建议：一是简化审批，推行一窗受理；二是设立专项补贴；三是由社区牵头建立协商机制。";

async fn type_into(element: &WebElement, text: &str, what: &str) {
    element.clear().await.unwrap_or_else(|err| panic!("clear {what}: {err}"));
    element.send_keys(text).await.unwrap_or_else(|err| panic!("type into {what}: {err}"));
    wait_until(&format!("{what} to hold the typed text"), DEFAULT_WAIT, || async {
        let value = element.prop("value").await.ok().flatten().unwrap_or_default();
        (value.replace("\r\n", "\n") == text).then_some(())
    })
    .await;
}

async fn shot(browser: &Browser, name: &str, css: &str) {
    no_sideways_scroll(browser, name).await;
    browser.eval(&format!("document.querySelector('{css}').scrollIntoView(); return true;")).await;
    let path = browser.screenshot(&format!("opinion-{name}-{}.png", browser.size().0)).await;
    eprintln!("[{}px] {name}: {}", browser.size().0, path.display());
}

async fn click_submit(browser: &Browser, form_css: &str, what: &str) {
    let button = browser.wait_for_element(&format!("{form_css} button[type=submit]"), DEFAULT_WAIT).await;
    browser.click(&button, what).await;
}

fn report_id(path: &str) -> Option<i64> {
    path.strip_prefix("/opinions/")?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_writes_a_report_on_a_phone_and_the_office_takes_revises_and_adopts_it() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let staff_api = Api::login(&base, "staff").await;

    for (width, height) in [PHONE, DESKTOP] {
        // The member writes and submits.
        let browser = Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "member").await;
        browser.goto(format!("{base}/opinions/new")).await.expect("open the form");
        let title = browser.wait_for_element("input#title", DEFAULT_WAIT).await;
        type_into(&title, TITLE, "the title").await;
        let body = browser.wait_for_element("textarea#body", DEFAULT_WAIT).await;
        type_into(&body, BODY, "the body").await;
        let n = BODY.trim().chars().count();
        browser.wait_for_text("#body-count", DEFAULT_WAIT, |t| t == format!("已写{n}字，最多1500字")).await;
        shot(&browser, "form", "textarea#body").await;
        let submit = browser.wait_for_element("button[name=then][value=submit]", DEFAULT_WAIT).await;
        browser.click(&submit, "保存并提交").await;
        let id = wait_until("the report's page", DEFAULT_WAIT, || async { report_id(&browser.current_path().await) }).await;
        browser.wait_for_text("p.lead strong", DEFAULT_WAIT, |t| t.trim() == "待受理").await;
        browser.goto(format!("{base}/opinions?scope=mine")).await.expect("my reports");
        let list = browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains(TITLE)).await;
        assert!(list.contains("待受理") && list.contains("剩余"), "[{width}px] {list}");
        shot(&browser, "mine", "table.list").await;
        drop(browser);

        // The office: the queue, take, revise on the editor, the diff, adopt.
        let browser = Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "staff").await;
        browser.goto(format!("{base}/opinions")).await.expect("the queue");
        let queue = browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains(TITLE)).await;
        assert!(queue.contains("社情民意待处理") && queue.contains("资政之声待处理"), "[{width}px] {queue}");
        shot(&browser, "queue", "nav[aria-label=信息范围]").await;
        browser.goto(format!("{base}/opinions/new")).await.expect("the office's form");
        let form = browser.wait_for_text("form.stack", DEFAULT_WAIT, |t| t.contains("代谁报送")).await;
        assert!(form.contains("特邀信息员") && form.contains("报送委员"), "[{width}px] {form}");
        shot(&browser, "office-form", "form.stack").await;
        browser.goto(format!("{base}/opinions/{id}")).await.expect("the report");
        click_submit(&browser, &format!("form[action='/opinions/{id}/act/take']"), "受理").await;
        browser.wait_for_text("p.lead strong", DEFAULT_WAIT, |t| t.trim() == "编辑中").await;
        browser.goto(format!("{base}/opinions/{id}/revisions")).await.expect("the editor");
        let title = browser.wait_for_element("input#title", DEFAULT_WAIT).await;
        type_into(&title, EDITED, "the edited title").await;
        let body = browser.wait_for_element("textarea#body", DEFAULT_WAIT).await;
        type_into(&body, &BODY.replace("审批慢", "审批周期长"), "the edited body").await;
        let note = browser.wait_for_element("input#note", DEFAULT_WAIT).await;
        type_into(&note, "标题改为建议", "the note").await;
        click_submit(&browser, &format!("form[action='/opinions/{id}/act/revise']"), "保存为新的一稿").await;
        let history = browser.wait_for_text("section[aria-labelledby=history]", DEFAULT_WAIT, |t| t.contains("第2稿")).await;
        assert!(history.contains("标题改为建议"), "[{width}px] {history}");
        let marks = browser.eval("return [...document.querySelectorAll('.revision ins, .revision del')].map(e => e.tagName + ':' + e.textContent);").await;
        let marks = marks.to_string();
        assert!(marks.contains("DEL:慢") && marks.contains("INS:周期长") && marks.contains("INS:加快"), "[{width}px] {marks}");
        shot(&browser, "diff", "article.revision").await;
        browser.goto(format!("{base}/opinions/{id}")).await.expect("the report");
        click_submit(&browser, &format!("form[action='/opinions/{id}/act/adopt']"), "录用").await;
        browser.wait_for_text("p.lead strong", DEFAULT_WAIT, |t| t.trim() == "已录用").await;
        drop(browser);
        let outcome = json!({"level": "city", "kind": "dept_adopted", "body": "市住房和城乡建设局", "decided_on": "2026-11-20"});
        staff_api.post(&format!("/api/v1/opinions/{id}/record_outcome"), outcome).await;

        // The member reads the fate of the report.
        let browser = Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "member").await;
        browser.goto(format!("{base}/opinions/{id}")).await.expect("the report");
        let page = browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("部门采纳")).await;
        assert!(page.contains(EDITED) && page.contains("市住房和城乡建设局") && page.contains("转为提案草稿"), "[{width}px] {page}");
        shot(&browser, "detail", "main").await;
        shot(&browser, "outcomes", "#outcomes").await;
        browser.goto(format!("{base}/")).await.expect("the home page");
        browser.wait_for_text("section[aria-labelledby=my-opinions]", DEFAULT_WAIT, |t| t.contains("已录用")).await;
        shot(&browser, "home", "#my-opinions").await;
        drop(browser);

        let browser = Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "admin").await;
        browser.goto(format!("{base}/settings")).await.expect("the settings");
        browser.wait_for_text("#opinion-rules", DEFAULT_WAIT, |t| t.contains("社情民意要求")).await;
        shot(&browser, "settings", "#opinion-rules").await;
        drop(browser);
    }
}
