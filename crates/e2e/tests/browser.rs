//! End-to-end tests in headless Chromium against the demo app (`eline serve --demo`).
//!
//! Skipped (with a message) on a developer machine without chromium/chromedriver; under CI
//! (`CI` set) a missing browser is a failure. Screenshots land in `<workspace>/screenshots/`.

use eline_e2e::thirtyfour::prelude::*;
use eline_e2e::{Browser, DEFAULT_WAIT, browser_tools};
use eline_web::testing::spawn_demo_app;

/// The password of every demo account.
const DEMO_PASSWORD: &str = "eline-demo";

/// Demo accounts and the heading each one's home page shows.
const DEMO_ACCOUNTS: &[(&str, &str)] = &[
    ("admin", "系统管理"),
    ("staff", "机关工作台"),
    ("member", "我的履职"),
    ("unit", "承办单位工作台"),
    ("leader", "领导督办"),
    ("informant", "我的信息报送"),
];

/// (width, height) of a phone and of a desktop window.
const PHONE: (u32, u32) = (360, 780);
const DESKTOP: (u32, u32) = (1280, 900);

/// Logs out with the submit button of `form#logout-form`.
async fn submit_logout(browser: &Browser) {
    let button = browser.wait_for_element("form#logout-form button[type=submit]", DEFAULT_WAIT).await;
    let shown = button.is_displayed().await.unwrap_or(false);
    if shown {
        browser.click(&button, "the logout button").await;
    } else {
        // E.g. inside a collapsed phone menu: submit the form through that same button.
        eprintln!("note: [{}px] the logout button is not visible; submitting form#logout-form by script", browser.size().0);
        browser
            .execute("const b = arguments[0]; b.form.requestSubmit(b);", vec![button.to_json().expect("element as JSON")])
            .await
            .expect("submit form#logout-form");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_role_logs_in_and_sees_its_home_page_on_phone_and_desktop() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();

    for (width, height) in [PHONE, DESKTOP] {
        let browser = Browser::launch(&tools, width, height).await;
        for &(username, heading) in DEMO_ACCOUNTS {
            browser.submit_login(&base, username, DEMO_PASSWORD).await;
            browser.wait_for_path("/", DEFAULT_WAIT).await;

            let h1 = browser.wait_for_text("h1", DEFAULT_WAIT, |text| text.contains(heading)).await;
            assert!(h1.contains(heading), "[{width}px] {username}'s home page h1 is {h1:?}, expected it to contain {heading:?}");

            if width == PHONE.0 {
                let (scroll_width, inner_width) = browser.scroll_and_inner_width().await;
                if scroll_width > inner_width + 1 {
                    let culprits = browser.overflowing_elements().await;
                    browser.screenshot(&format!("home-{username}-{width}-overflow.png")).await;
                    panic!(
                        "[{width}px] {username}'s home page scrolls sideways: scrollWidth \
                         {scroll_width} > innerWidth {inner_width}; elements past the right \
                         edge: {culprits:?}"
                    );
                }
            }

            let shot = browser.screenshot(&format!("home-{username}-{width}.png")).await;
            eprintln!("[{width}px] {username}: {h1:?}, screenshot {}", shot.display());

            submit_logout(&browser).await;
            browser.wait_for_path("/login", DEFAULT_WAIT).await;
        }
        browser.quit().await;
    }
    drop(app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_page_shows_demo_accounts_and_rejects_a_bad_password() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let (width, height) = DESKTOP;
    let browser = Browser::launch(&tools, width, height).await;

    browser.goto(format!("{base}/login")).await.expect("open /login");
    browser.wait_for_path("/login", DEFAULT_WAIT).await;
    browser.wait_for_element("form#login-form", DEFAULT_WAIT).await;
    let text = browser.body_text().await;
    for &(username, _) in DEMO_ACCOUNTS {
        assert!(text.contains(username), "the login page does not list the demo account {username:?}; page text:\n{text}");
    }

    browser.submit_login(&base, "admin", "not-the-password").await;
    let error = browser.wait_for_text(".error", DEFAULT_WAIT, |text| text.contains("用户名（或手机号）或密码错误")).await;
    assert!(error.contains("用户名（或手机号）或密码错误"), "error text: {error:?}");
    assert_eq!(browser.current_path().await, "/login", "a wrong password must keep the user on the login page");
    // The form is shown again, ready for another try.
    let still_login = browser.find_all(By::Css("form#login-form")).await.map(|forms| !forms.is_empty()).unwrap_or(false);
    assert!(still_login, "the login form should be shown again after a wrong password");
    browser.screenshot("login-error.png").await;

    browser.quit().await;
    drop(app);
}
