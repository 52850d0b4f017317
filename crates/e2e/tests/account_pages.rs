//! Accounts for the roster as the office uses them, in headless Chromium at phone (360 px) and
//! desktop (1280 px) size: the clerk ticks the members without an account, opens them, and prints
//! the account letters — one A4 page per member, checked in the PDF Chromium prints.
//!
//! Skipped (with a message) without chromium/chromedriver, except under CI. Screenshots and the
//! PDF (`accounts-….png`, `accounts-letters.pdf`) land in `<workspace>/screenshots/`.

mod support;

use eline_e2e::{Browser, DEFAULT_WAIT, browser_tools, screenshots_dir};
use eline_web::testing::spawn_demo_app;
use support::{DESKTOP, PHONE, log_in, no_sideways_scroll};

/// Pages of a PDF as Chromium writes it (one `/Type /Page` object per page).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page").filter(|(i, _)| !text[i + 11..].starts_with('s')).count()
}

/// Opening a few hundred accounts (a password hash each) and the page of their letters.
const LETTERS_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_opens_accounts_and_prints_one_letter_page_per_member() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();

    let browser = Browser::launch(&tools, DESKTOP.0, DESKTOP.1).await;
    log_in(&browser, &base, "staff").await;
    browser.goto(format!("{base}/members/accounts")).await.expect("open the accounts page");
    browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("还没有账号")).await;
    let ticked = browser.eval("return document.querySelectorAll('input[name=member_id]:checked').length;").await.as_u64().unwrap_or(0);
    assert!(ticked >= 3, "members without accounts are ticked: {ticked}");
    // Untick one: only the others get accounts.
    browser.eval("document.querySelector('input[name=member_id]').click(); return true;").await;
    browser.screenshot("accounts-pick-1280.png").await;
    let button = browser.wait_for_element("form[action='/members/accounts'] button[type=submit]", DEFAULT_WAIT).await;
    browser.click(&button, "为勾选的委员开通账号").await;
    let text = browser.wait_for_text("main", LETTERS_WAIT, |t| t.contains("已为")).await;
    let opened = (ticked - 1) as usize;
    assert!(text.contains(&format!("已为{opened}位委员开通账号")), "{text}");
    let batch_path = browser.current_path().await;
    browser.screenshot("accounts-batch-1280.png").await;

    // One page per member with a QR code each: a heavy page; on a loaded CI machine it can take
    // longer than the default wait to replace the batch page.
    browser.goto(format!("{base}{batch_path}/letters")).await.expect("open the letters");
    browser.wait_for_path(&format!("{batch_path}/letters"), LETTERS_WAIT).await;
    browser.wait_for_text("body", LETTERS_WAIT, |t| t.contains("委员e线通账号开通通知")).await;
    browser.screenshot("accounts-letter-1280.png").await;
    let pdf = browser.driver().print_page(Default::default()).await.expect("print to PDF");
    std::fs::write(screenshots_dir().join("accounts-letters.pdf"), &pdf).expect("save the PDF");
    assert_eq!(pdf_pages(&pdf), opened, "one A4 page per letter");
    browser.quit().await;

    // A clerk on a phone reads the letter too (the page reflows; nothing scrolls sideways).
    let phone = Browser::launch(&tools, PHONE.0, PHONE.1).await;
    log_in(&phone, &base, "staff").await;
    phone.goto(format!("{base}/members/accounts")).await.expect("open the accounts page");
    phone.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("开通委员账号")).await;
    no_sideways_scroll(&phone, "the accounts page").await;
    phone.screenshot("accounts-pick-360.png").await;
    phone.goto(format!("{base}{batch_path}")).await.expect("open the batch");
    phone.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("初始密码")).await;
    no_sideways_scroll(&phone, "the batch").await;
    phone.screenshot("accounts-batch-360.png").await;
    phone.goto(format!("{base}{batch_path}/letters")).await.expect("open the letters");
    phone.wait_for_path(&format!("{batch_path}/letters"), LETTERS_WAIT).await;
    phone.wait_for_text("body", LETTERS_WAIT, |t| t.contains("登录步骤")).await;
    no_sideways_scroll(&phone, "the letters").await;
    phone.screenshot("accounts-letter-360.png").await;
    phone.quit().await;
}
