//! Notifications in headless Chromium at phone (360 px) and desktop (1280 px) size: the inbox a
//! member's proposals filled (the header's badge following a new notification live, without a
//! reload), the preferences page, the administrator's page, and a daily digest email as a mail
//! reader shows its HTML.
//!
//! Skipped (with a message) without chromium/chromedriver, except under CI. Screenshots
//! (`notifications-….png`) go to `$ELINE_SHOTS_DIR`, else `<workspace>/screenshots/`.

mod support;

use eline_app::notify::deliver::{Item, MAIL_GROUPS};
use eline_domain::notice::Mode;
use eline_e2e::{DEFAULT_WAIT, browser_tools};
use eline_storage::notifications::Addressee;
use eline_web::testing::spawn_demo_app;
use serde_json::json;
use support::pdf::{shot, shots_dir};
use support::{Api, DESKTOP, PHONE, log_in, no_sideways_scroll};

const TITLES: [&str; 4] =
    ["关于加快老旧小区加装电梯的提案", "关于规范校外培训机构收费的提案", "关于完善社区居家养老服务网络的提案", "关于加强农村饮用水安全保障的提案"];

async fn submitted(member: &Api, title: &str) -> i64 {
    let body = "情况分析：群众反映强烈，现有政策落实不够。\n具体建议：一是简化审批；二是加大财政支持；三是建立长效机制。";
    let id = member.post("/api/v1/proposals", json!({"title": title, "body": body})).await["id"].as_i64().expect("id");
    member.post(&format!("/api/v1/proposals/{id}/submit"), json!({})).await;
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_preferences_and_admin_pages_on_a_phone_and_a_desktop_with_a_live_badge() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let (member, staff) = (Api::login(&base, "member").await, Api::login(&base, "staff").await);
    let mut ids = Vec::new();
    for title in TITLES {
        let id = submitted(&member, title).await;
        ids.push(id);
    }
    staff.post(&format!("/api/v1/proposals/{}/review", ids[0]), json!({"decision": "file"})).await;
    staff.post(&format!("/api/v1/proposals/{}/review", ids[1]), json!({"decision": "reject", "reason": "没有具体建议"})).await;

    // One read, the others unread; a message that failed, and the committee's gateway, for the
    // administrator's page.
    let filed = member.get("/api/v1/notifications?module=proposal&limit=1").await["items"][0]["id"].as_i64().expect("an item");
    member.post(&format!("/api/v1/notifications/{filed}/read"), json!({})).await;
    {
        let mut c = app.state.app.db.acquire().await.expect("connection");
        let uid = eline_storage::users::get_by_username(&mut c.ex(), "member").await.expect("query").expect("member").id;
        let m = eline_storage::notifications::new_message(&mut c.ex(), app.committee_id, uid, "email", "daily").await.expect("message");
        let next = eline_storage::now_micros() + 600_000_000;
        eline_storage::notifications::mark_failed(&mut c.ex(), m, "smtp: Connection refused (os error 111)", next).await.expect("failed");
    }
    let admin_api = Api::login(&base, "admin").await;
    admin_api.call(reqwest::Method::PUT, "/api/v1/admin/notification-webhook", json!({"url": "https://sms.example.cn/eline", "active": true})).await;

    for (n, (width, height)) in [PHONE, DESKTOP].into_iter().enumerate() {
        let browser = eline_e2e::Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "member").await;
        browser.goto(format!("{base}/notifications")).await.expect("open the inbox");
        let list = browser.wait_for_text("ol.inbox", DEFAULT_WAIT, |t| t.contains(TITLES[0])).await;
        assert!(list.contains("提案已立案") && list.contains("提案不予立案") && list.contains("未读"), "[{width}px] {list}");
        let badge = browser.wait_for_element("#unread-badge", DEFAULT_WAIT).await;
        let before = badge.attr("aria-label").await.expect("label").unwrap_or_default();
        no_sideways_scroll(&browser, "the inbox").await;
        shot(&browser, &format!("notifications-inbox-{width}.png")).await;

        // A new notification while the page is open: the badge changes without a reload.
        let count: i64 = before.trim_start_matches("未读通知").trim_end_matches('条').parse().expect("a count in the label");
        staff.post(&format!("/api/v1/proposals/{}/review", ids[2 + n]), json!({"decision": "file"})).await;
        let want = format!("未读通知{}条", count + 1);
        let (b, w) = (&browser, want.as_str());
        eline_e2e::wait_until("the live badge", DEFAULT_WAIT, || async move {
            let label = b.eval("return document.getElementById('unread-badge').getAttribute('aria-label')").await;
            (label.as_str() == Some(w)).then_some(())
        })
        .await;
        let shown = browser.eval("return document.querySelector('#unread-badge .badge-count').textContent").await;
        assert_eq!(shown.as_str(), Some((count + 1).to_string().as_str()), "[{width}px]");

        browser.goto(format!("{base}/notifications?module=proposal&unread=on")).await.expect("open unread proposals");
        browser.wait_for_text("ol.inbox", DEFAULT_WAIT, |t| t.contains("提案")).await;
        no_sideways_scroll(&browser, "the unread proposals").await;

        browser.goto(format!("{base}/notifications/preferences")).await.expect("open the preferences");
        browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("通知设置") && t.contains("提案已答复")).await;
        no_sideways_scroll(&browser, "the preferences").await;
        shot(&browser, &format!("notifications-preferences-{width}.png")).await;
        browser.eval("document.querySelector('table.prefs-table').scrollIntoView(); return true;").await;
        shot(&browser, &format!("notifications-preferences-table-{width}.png")).await;
        browser.quit().await;

        let admin = eline_e2e::Browser::launch(&tools, width, height).await;
        log_in(&admin, &base, "admin").await;
        admin.goto(format!("{base}/admin/notifications")).await.expect("open the admin page");
        let text = admin.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("发送情况") && t.contains("截止提醒与督办规则")).await;
        assert!(text.contains("Connection refused") && text.contains("生成新密钥"), "[{width}px] {text}");
        no_sideways_scroll(&admin, "the notification admin page").await;
        shot(&admin, &format!("notifications-admin-{width}.png")).await;
        admin.eval("document.getElementById('webhook').scrollIntoView(); return true;").await;
        shot(&admin, &format!("notifications-admin-webhook-{width}.png")).await;
        admin.quit().await;
    }
}

fn item(id: i64, kind_label: &str, title: &str, message: &str, record: i64, time: &str) -> Item {
    Item {
        id,
        kind: "proposal.replied".into(),
        kind_label: kind_label.into(),
        title: title.into(),
        message: message.into(),
        target_type: "proposal".into(),
        target_id: record,
        url: format!("https://eline.example.cn/proposals/{record}"),
        created_at: "2026-12-01T09:12:00+08:00".into(),
        time: time.into(),
        lead: if message.starts_with(kind_label) { String::new() } else { kind_label.into() },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daily_digest_email_reads_well_on_a_phone_and_a_desktop() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let who = Addressee { user_id: 3, username: "member".into(), display_name: "王芳".into(), phone: None, email: Some("wangfang@example.cn".into()) };
    let items = vec![
        item(1, "提案已立案", TITLES[0], "提案已立案，编号第0123号", 12, "11-30 16:20"),
        item(2, "交办提案", TITLES[0], "已交市住房城乡建设局主办，答复期限2027-03-01", 12, "11-30 17:05"),
        item(3, "提案已答复", TITLES[1], "承办单位已答复，请在2026-12-22前评价", 15, "12-01 08:40"),
        item(4, "领导作出批示", TITLES[1], "张明市长批示：请市教育局牵头研究，规范收费行为。", 15, "12-01 09:12"),
    ];
    let mail = app.state.app.render_mail("清河市政协", &who, Mode::Daily, items).expect("render the digest");
    assert_eq!(mail.subject, "【委员e线通】每日汇总：4条通知");
    // Grouped by record: each record's title once, above its items.
    assert_eq!(mail.html.matches(TITLES[0]).count(), 1, "{}", mail.html);
    assert_eq!(mail.html.matches(TITLES[1]).count(), 1, "{}", mail.html);
    let dir = shots_dir();
    let file = dir.join("notifications-digest.html");
    std::fs::write(&file, &mail.html).expect("write the email");
    for (width, height) in [PHONE, DESKTOP] {
        let browser = eline_e2e::Browser::launch(&tools, width, height).await;
        browser.goto(format!("file://{}", file.display())).await.expect("open the email");
        let text = browser.wait_for_text("body", DEFAULT_WAIT, |t| t.contains("王芳")).await;
        for want in ["每日", TITLES[0], TITLES[1], "张明市长批示", "调整通知设置", "查看详情"] {
            assert!(text.contains(want), "[{width}px] {want}: {text}");
        }
        no_sideways_scroll(&browser, "the digest email").await;
        shot(&browser, &format!("notifications-digest-{width}.png")).await;
        browser.quit().await;
    }
}

/// An escalation over more records than an email lists: the first [`MAIL_GROUPS`] records, then
/// one line that counts the rest and leads to the inbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escalation_over_many_records_lists_the_first_and_counts_the_rest() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let who = Addressee { user_id: 2, username: "office".into(), display_name: "李静".into(), phone: None, email: Some("lijing@example.cn".into()) };
    let records = MAIL_GROUPS + 3;
    let items = (0..records)
        .map(|i| {
            let n = i as i64;
            let title = format!("{}（第{:04}号）", TITLES[i % TITLES.len()], i + 1);
            item(n + 1, "办理逾期", &title, "已超过答复期限3个工作日，承办单位尚未答复", 100 + n, "12-01 09:00")
        })
        .collect();
    let mail = app.state.app.render_mail("清河市政协", &who, Mode::Immediate, items).expect("render the escalation");
    assert_eq!(mail.subject, format!("【委员e线通】{records}条通知"));
    assert!(mail.html.contains("另有3条通知未在邮件中列出"), "{}", mail.html);
    assert!(mail.html.contains(&format!("（第{MAIL_GROUPS:04}号）")) && !mail.html.contains(&format!("（第{:04}号）", MAIL_GROUPS + 1)));
    let file = shots_dir().join("notifications-escalation.html");
    std::fs::write(&file, &mail.html).expect("write the email");
    for (width, height) in [PHONE, DESKTOP] {
        let browser = eline_e2e::Browser::launch(&tools, width, height).await;
        browser.goto(format!("file://{}", file.display())).await.expect("open the email");
        browser.wait_for_text("body", DEFAULT_WAIT, |t| t.contains("李静")).await;
        no_sideways_scroll(&browser, "the escalation email").await;
        browser.eval("window.scrollTo(0, document.body.scrollHeight); return true;").await;
        let text = browser.body_text().await;
        assert!(text.contains("另有3条通知未在邮件中列出，请到") && text.contains("通知中心"), "[{width}px] {text}");
        shot(&browser, &format!("notifications-escalation-end-{width}.png")).await;
        browser.quit().await;
    }
}
