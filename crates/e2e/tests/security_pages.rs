//! The pages the security work changed, looked at as their users do, in headless Chromium at
//! phone (360 px) and desktop (1280 px) size: another member opening a published proposal sees
//! its public view with a notice (no handling record); a member's account page lists their API
//! tokens with their expiry; an administrator revokes all of a user's tokens from the user page.
//!
//! Skipped (with a message) without chromium/chromedriver, except under CI. Screenshots
//! (`security-….png`) land in `<workspace>/screenshots/`.

mod support;

use eline_e2e::{Browser, DEFAULT_WAIT, browser_tools};
use eline_web::testing::spawn_demo_app;
use serde_json::json;
use support::{Api, DEMO_PASSWORD, DESKTOP, PHONE, log_in, no_sideways_scroll};

const TITLE: &str = "关于规范电动自行车停放充电管理的提案";
const BODY: &str = "近年来我市电动自行车保有量快速增长，楼道停放、飞线充电等现象屡禁不止，火灾隐患突出。\n\
建议：一是加快建设集中停放充电设施；二是明确物业管理责任；三是开展联合执法。";
const CONTACT_NOTE: &str = "电话沟通：委员同意分步推进";

/// The demo member's proposal, handled with a contact note, replied, rated and then published.
async fn published_proposal(base: &str) -> i64 {
    let (member, staff, unit) = (Api::login(base, "member").await, Api::login(base, "staff").await, Api::login(base, "unit").await);
    let id = member.post("/api/v1/proposals", json!({"title": TITLE, "body": BODY})).await["id"].as_i64().expect("id");
    member.post(&format!("/api/v1/proposals/{id}/submit"), json!({})).await;
    staff.post(&format!("/api/v1/proposals/{id}/review"), json!({"decision": "file"})).await;
    let unit_id = unit.get("/api/v1/me").await["unit_id"].as_i64().expect("the demo unit account has a unit");
    staff.post(&format!("/api/v1/proposals/{id}/assign"), json!({"lead_unit_id": unit_id})).await;
    unit.post(&format!("/api/v1/proposals/{id}/contact"), json!({"text": CONTACT_NOTE})).await;
    let reply = "经研究，我局已将集中充电设施建设列入年度民生实事，年内新建充电端口两万个，并会同消防部门开展联合整治。";
    unit.post(&format!("/api/v1/proposals/{id}/reply"), json!({"class": "B", "text": reply, "signer": "李明"})).await;
    member.post(&format!("/api/v1/proposals/{id}/evaluate"), json!({"satisfaction": "basically_satisfied", "comment": "希望加快进度"})).await;
    // The proposer did not state a 公开意愿: the office publishes with its reason.
    staff.post(&format!("/api/v1/proposals/{id}/publish"), json!({"published": true, "override_reason": "作为办理范例公开"})).await;
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_member_reads_a_published_proposal_without_its_handling_record() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let id = published_proposal(&base).await;
    for (width, height) in [PHONE, DESKTOP] {
        let browser = Browser::launch(&tools, width, height).await;
        // The demo administrator takes no part in the proposal: the public view.
        log_in(&browser, &base, "admin").await;
        browser.goto(format!("{base}/proposals/{id}")).await.expect("open the proposal");
        browser.wait_for_text("h1", DEFAULT_WAIT, |t| t.contains(TITLE)).await;
        let text = browser.body_text().await;
        assert!(text.contains("这是一件已公开的提案"), "[{width}px] the public view says what it is: {text}");
        assert!(text.contains("年内新建充电端口两万个"), "[{width}px] the reply is public");
        for internal in [CONTACT_NOTE, "希望加快进度"] {
            assert!(!text.contains(internal), "[{width}px] the public view shows {internal:?}");
        }
        let timeline = browser.eval("return document.getElementById('timeline') !== null;").await;
        assert_eq!(timeline, json!(false), "[{width}px] the public view has no handling record");
        no_sideways_scroll(&browser, "the published proposal").await;
        browser.screenshot(&format!("security-public-view-{width}.png")).await;
        browser.quit().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_sees_their_tokens_and_an_administrator_revokes_them_all() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    // The member's phone app logged in through the API.
    let phone = Api::login(&base, "member").await;
    let member_user = phone.get("/api/v1/me").await["user_id"].as_i64().expect("user id");

    // And the phone app, which names its device.
    let device = json!({"username": "member", "password": DEMO_PASSWORD, "device": "王委员的手机"});
    let res = reqwest::Client::new().post(format!("{base}/api/v1/auth/login")).json(&device).send().await.expect("device login");
    assert_eq!(res.status(), 200);

    for (width, height) in [PHONE, DESKTOP] {
        let browser = Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "member").await;
        browser.goto(format!("{base}/account")).await.expect("open /account");
        let text = browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("已登录的设备")).await;
        assert!(text.contains("接口登录") && text.contains("有效至"), "the account page lists the script's session with its expiry: {text}");
        assert!(text.contains("王委员的手机") && text.contains("已登录设备"), "the named device is listed as one: {text}");
        no_sideways_scroll(&browser, "/account").await;
        browser.eval("document.getElementById('tokens').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("security-account-tokens-{width}.png")).await;
        browser.quit().await;
    }

    for (width, height) in [PHONE, DESKTOP] {
        let browser = Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "admin").await;
        browser.goto(format!("{base}/users/{member_user}")).await.expect("open the user page");
        browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("接口令牌")).await;
        no_sideways_scroll(&browser, "the user page").await;
        browser.eval("document.getElementById('user-tokens').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("security-user-tokens-{width}.png")).await;
        if width == DESKTOP.0 {
            // The confirmation dialog is answered yes by script (headless Chromium has no user).
            browser.execute("window.confirm = () => true;", vec![]).await.expect("confirm");
            let button = browser.wait_for_element("form[action$='/revoke-tokens'] button[type=submit]", DEFAULT_WAIT).await;
            browser.click(&button, "吊销全部接口令牌").await;
            let text = browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("已吊销")).await;
            assert!(text.contains("已吊销该账号的全部接口令牌（2个）"), "{text}");
            browser.screenshot("security-user-tokens-revoked-1280.png").await;
        }
        browser.quit().await;
    }
    let res = reqwest::Client::new().get(format!("{base}/api/v1/me")).bearer_auth(&phone.token).send().await.expect("request");
    assert_eq!(res.status(), 401, "the phone's token no longer works");
}
