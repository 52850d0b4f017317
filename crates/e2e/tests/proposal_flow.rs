//! A whole proposal, from a member's draft to the member's rating of the reply, driven in
//! headless Chromium at phone size (360 px) against the demo app (`eline serve --demo`).
//!
//! Skipped (with a message) on a developer machine without chromium/chromedriver; under CI
//! (`CI` set) a missing browser is a failure. Screenshots (`proposal-NN-….png`) land in
//! `<workspace>/screenshots/`.

use eline_e2e::thirtyfour::components::SelectElement;
use eline_e2e::thirtyfour::prelude::*;
use eline_e2e::{Browser, DEFAULT_WAIT, browser_tools, wait_until};
use eline_web::testing::spawn_demo_app;

/// The password of every demo account.
const DEMO_PASSWORD: &str = "eline-demo";

/// (width, height) of a phone.
const PHONE: (u32, u32) = (360, 780);

const TITLE: &str = "关于加快推进老旧小区加装电梯的提案";

const BODY: &str = "我市建成于上世纪九十年代以前的老旧小区多为六层以下住宅，未配建电梯，居住的老年人比例高，上下楼困难已成为群众反映强烈的民生问题。\n\
目前加装电梯工作存在审批环节多、资金筹措难、低层住户意见难以协调等问题，推进速度较慢。\n\
建议：一是简化审批流程，推行联合审查和一窗受理；二是加大财政补贴力度，允许提取住房公积金用于加装电梯；三是由街道社区牵头建立协商机制，化解邻里矛盾。";

const REPLY: &str = "您提出的关于加快推进老旧小区加装电梯的提案收悉。我局高度重视，已会同相关部门制定加装电梯联合审批办法，\
实行一窗受理、限时办结；市财政对每部电梯给予补贴，并已开通住房公积金提取渠道。下一步将指导街道社区建立协商议事机制。感谢您对住房城乡建设工作的关心和支持。";

const SIGNER: &str = "王建国";

/// A word of the title written in traditional characters (老舊小區 → 老旧小区).
const SEARCH_TRADITIONAL: &str = "老舊小區 加裝電梯";

/// Logs in as `username` and waits for the home page.
async fn log_in(browser: &Browser, base_url: &str, username: &str) {
    browser.submit_login(base_url, username, DEMO_PASSWORD).await;
    browser.wait_for_path("/", DEFAULT_WAIT).await;
}

/// Logs out with the submit button of `form#logout-form` and waits for the login page.
async fn log_out(browser: &Browser) {
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
    browser.wait_for_path("/login", DEFAULT_WAIT).await;
}

/// Fails (with the elements past the right edge, and a screenshot) if the page scrolls sideways.
async fn assert_no_sideways_scroll(browser: &Browser, step: &str) {
    let (scroll_width, inner_width) = browser.scroll_and_inner_width().await;
    if scroll_width > inner_width + 1 {
        let culprits = browser.overflowing_elements().await;
        let path = browser.current_path().await;
        browser.screenshot(&format!("proposal-{step}-overflow.png")).await;
        panic!(
            "[{}px] step {step} at {path} scrolls sideways: scrollWidth {scroll_width} > innerWidth \
             {inner_width}; elements past the right edge: {culprits:?}",
            browser.size().0
        );
    }
}

/// Scrolls `element` to the top of the viewport (so a screenshot shows it).
async fn scroll_to(browser: &Browser, element: &WebElement) {
    browser
        .execute("arguments[0].scrollIntoView({block: 'start'});", vec![element.to_json().expect("element as JSON")])
        .await
        .expect("scroll element into view");
}

/// Scrolls back to the top of the page.
async fn scroll_to_top(browser: &Browser) {
    browser.eval("window.scrollTo(0, 0); return true").await;
}

/// Checks the page does not scroll sideways, then saves `proposal-<step>.png`.
async fn checkpoint(browser: &Browser, step: &str) {
    assert_no_sideways_scroll(browser, step).await;
    let shot = browser.screenshot(&format!("proposal-{step}.png")).await;
    eprintln!("[{}px] step {step} at {}: screenshot {}", browser.size().0, browser.current_path().await, shot.display());
}

/// Types `text` into `element` and checks the field really holds it (CJK input included).
async fn type_into(element: &WebElement, text: &str, what: &str) {
    element.clear().await.unwrap_or_else(|err| panic!("clear {what}: {err}"));
    element.send_keys(text).await.unwrap_or_else(|err| panic!("type into {what}: {err}"));
    let want = text.replace("\r\n", "\n");
    wait_until(&format!("{what} to hold the typed text"), DEFAULT_WAIT, || async {
        let value = element.prop("value").await.ok().flatten().unwrap_or_default();
        (value.replace("\r\n", "\n") == want).then_some(())
    })
    .await;
}

/// Clicks a radio button (found by `css`) and waits until it is checked.
async fn choose_radio(browser: &Browser, css: &str, what: &str) {
    let radio = browser.wait_for_element(css, DEFAULT_WAIT).await;
    browser.click(&radio, what).await;
    wait_until(&format!("{what} to be checked"), DEFAULT_WAIT, || async { radio.is_selected().await.ok().filter(|&on| on) }).await;
}

/// The status shown in bold in the detail page's lead line.
async fn wait_for_status(browser: &Browser, status: &str) -> String {
    browser.wait_for_text("p.lead strong", DEFAULT_WAIT, |text| text.trim() == status).await
}

/// Opens `/proposals/{id}` and waits until it has loaded.
async fn open_proposal(browser: &Browser, base_url: &str, id: i64) {
    let path = format!("/proposals/{id}");
    browser.goto(format!("{base_url}{path}")).await.unwrap_or_else(|err| panic!("open {path}: {err}"));
    browser.wait_for_path(&path, DEFAULT_WAIT).await;
    browser.wait_for_text("h1", DEFAULT_WAIT, |text| text.contains(TITLE)).await;
}

/// The form on the detail page that posts to `/proposals/{id}/act/{action}`.
fn action_form(id: i64, action: &str) -> String {
    format!("form[action='/proposals/{id}/act/{action}']")
}

/// Clicks the (single) submit button of the form matched by `form_css`.
async fn submit_form(browser: &Browser, form_css: &str, what: &str) {
    let button = browser.wait_for_element(&format!("{form_css} button[type=submit]"), DEFAULT_WAIT).await;
    browser.click(&button, what).await;
}

/// A proposal number as the pages print it: `第` + digits + `号`.
fn has_proposal_number(text: &str) -> bool {
    text.match_indices('第').any(|(at, _)| {
        let rest = &text[at + '第'.len_utf8()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && rest[digits..].starts_with('号')
    })
}

/// The proposal id in a `/proposals/{id}` path.
fn proposal_id(path: &str) -> Option<i64> {
    path.strip_prefix("/proposals/").and_then(|rest| rest.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_submits_staff_file_and_assign_the_unit_replies_and_the_member_rates_on_a_phone() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();

    // The handling unit the demo `unit` account works for.
    let unit_id = {
        let mut conn = app.state.app.db.acquire().await.expect("database connection");
        let user =
            eline_storage::users::get_by_username(&mut conn.ex(), "unit").await.expect("read the demo unit user").expect("the demo has a `unit` account");
        user.unit_id.expect("the demo `unit` account belongs to a handling unit")
    };

    let (width, height) = PHONE;
    let browser = Browser::launch(&tools, width, height).await;

    // 1. The member writes an individual proposal and submits it.
    log_in(&browser, &base, "member").await;
    browser.goto(format!("{base}/proposals/new")).await.expect("open /proposals/new");
    browser.wait_for_path("/proposals/new", DEFAULT_WAIT).await;
    choose_radio(&browser, "input[name=kind][value=individual]", "the 个人提案 radio").await;
    let title = browser.wait_for_element("input#title", DEFAULT_WAIT).await;
    type_into(&title, TITLE, "the title").await;
    let body = browser.wait_for_element("textarea#body", DEFAULT_WAIT).await;
    type_into(&body, BODY, "the body").await;
    assert!(BODY.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count() >= 50, "the body must have at least 50 Chinese characters");
    checkpoint(&browser, "01-member-writes").await;
    let submit = browser.wait_for_element("button[name=then][value=submit]", DEFAULT_WAIT).await;
    assert_eq!(submit.text().await.unwrap_or_default().trim(), "保存并提交");
    browser.click(&submit, "保存并提交").await;

    let id = wait_until("the new proposal's page", DEFAULT_WAIT, || async { proposal_id(&browser.current_path().await) }).await;
    browser.wait_for_path(&format!("/proposals/{id}"), DEFAULT_WAIT).await;
    wait_for_status(&browser, "待审查").await;
    browser.wait_for_text("p.notice[role=status]", DEFAULT_WAIT, |text| text.contains("提案已提交")).await;
    let h1 = browser.wait_for_text("h1", DEFAULT_WAIT, |text| text.contains(TITLE)).await;
    assert_eq!(h1.trim(), TITLE);
    let lead = browser.wait_for_text("p.lead", DEFAULT_WAIT, |text| text.contains("个人提案")).await;
    assert!(!has_proposal_number(&lead), "a submitted proposal has no number yet: {lead:?}");
    checkpoint(&browser, "02-member-submitted").await;
    log_out(&browser).await;

    // 2. Staff review the proposal and file it (立案 is the preselected decision).
    log_in(&browser, &base, "staff").await;
    open_proposal(&browser, &base, id).await;
    wait_for_status(&browser, "待审查").await;
    let review = action_form(id, "review");
    let review_form = browser.wait_for_element(&review, DEFAULT_WAIT).await;
    let file = browser.wait_for_element(&format!("{review} input[name=decision][value=file]"), DEFAULT_WAIT).await;
    assert!(file.is_selected().await.unwrap_or(false), "立案 should be the preselected review decision");
    scroll_to(&browser, &review_form).await;
    checkpoint(&browser, "03-staff-reviews").await;
    submit_form(&browser, &review, "提交审查结论").await;

    wait_for_status(&browser, "已立案").await;
    browser.wait_for_text("p.notice[role=status]", DEFAULT_WAIT, |text| text.contains("已立案")).await;
    let lead = browser.wait_for_text("p.lead", DEFAULT_WAIT, has_proposal_number).await;
    eprintln!("filed: {lead:?}");
    scroll_to_top(&browser).await;
    checkpoint(&browser, "04-staff-filed").await;

    // 3. Staff assign it to the demo unit as the lead unit.
    let assign = action_form(id, "assign");
    let assign_form = browser.wait_for_element(&assign, DEFAULT_WAIT).await;
    let lead_select = browser.wait_for_element(&format!("{assign} select#a-lead"), DEFAULT_WAIT).await;
    SelectElement::new(&lead_select)
        .await
        .expect("select#a-lead is a <select>")
        .select_by_value(&unit_id.to_string())
        .await
        .unwrap_or_else(|err| panic!("select#a-lead has no option for the demo unit {unit_id}: {err}"));
    let unit_name = wait_until("the demo unit to be chosen as 主办单位", DEFAULT_WAIT, || async {
        let value = lead_select.prop("value").await.ok().flatten()?;
        if value != unit_id.to_string() {
            return None;
        }
        let option = lead_select.find(By::Css(format!("option[value='{unit_id}']"))).await.ok()?;
        option.text().await.ok().map(|text| text.trim().to_owned())
    })
    .await;
    assert!(!unit_name.is_empty(), "the demo unit's option has no name");
    scroll_to(&browser, &assign_form).await;
    checkpoint(&browser, "05-staff-assigns").await;
    submit_form(&browser, &assign, "交办").await;

    wait_for_status(&browser, "办理中").await;
    let due = browser.wait_for_text("dl.facts dd .tag", DEFAULT_WAIT, |text| text.starts_with("剩余") && text.ends_with('天')).await;
    let tag = format!("{unit_name}（主办）");
    browser.wait_for_text("dl.facts dd .tag", DEFAULT_WAIT, |text| text.contains(&tag)).await;
    eprintln!("assigned to {unit_name}, due label {due:?}");
    scroll_to_top(&browser).await;
    checkpoint(&browser, "06-staff-assigned").await;
    log_out(&browser).await;

    // 4. The unit finds the proposal in its default list and replies (class A).
    log_in(&browser, &base, "unit").await;
    browser.goto(format!("{base}/proposals")).await.expect("open /proposals");
    browser.wait_for_path("/proposals", DEFAULT_WAIT).await;
    let link_css = format!("table.list a[href='/proposals/{id}']");
    let link = browser.wait_for_element(&link_css, DEFAULT_WAIT).await;
    assert_eq!(link.text().await.unwrap_or_default().trim(), TITLE);
    let table = browser.wait_for_element("table.list", DEFAULT_WAIT).await;
    scroll_to(&browser, &table).await;
    checkpoint(&browser, "07-unit-list").await;
    browser.click(&link, "the proposal in the unit's list").await;
    browser.wait_for_path(&format!("/proposals/{id}"), DEFAULT_WAIT).await;
    wait_for_status(&browser, "办理中").await;

    let reply = action_form(id, "reply");
    let reply_form = browser.wait_for_element(&reply, DEFAULT_WAIT).await;
    choose_radio(&browser, &format!("{reply} input[name=class][value=A]"), "the class A radio").await;
    let text = browser.wait_for_element(&format!("{reply} textarea#p-text"), DEFAULT_WAIT).await;
    type_into(&text, REPLY, "the reply text").await;
    let signer = browser.wait_for_element(&format!("{reply} input#p-signer"), DEFAULT_WAIT).await;
    type_into(&signer, SIGNER, "the signer").await;
    scroll_to(&browser, &reply_form).await;
    checkpoint(&browser, "08-unit-replies").await;
    submit_form(&browser, &reply, "提交答复").await;

    wait_for_status(&browser, "已答复").await;
    let heading = format!("{unit_name} · A类");
    browser.wait_for_text("article.reply h3", DEFAULT_WAIT, |text| text.contains(&heading)).await;
    browser.wait_for_text("article.reply .hint", DEFAULT_WAIT, |text| text.contains(SIGNER)).await;
    scroll_to_top(&browser).await;
    checkpoint(&browser, "09-unit-replied").await;
    log_out(&browser).await;

    // 5. The member reads the reply and rates it 满意, which closes the proposal.
    log_in(&browser, &base, "member").await;
    open_proposal(&browser, &base, id).await;
    wait_for_status(&browser, "已答复").await;
    let evaluate = action_form(id, "evaluate");
    let evaluate_form = browser.wait_for_element(&evaluate, DEFAULT_WAIT).await;
    // The 测评表 first (办前/办中沟通, 办理态度, 办理结果), then the overall rating.
    for (field, value) in [("contact_before", "face_to_face"), ("contact_during", "phone"), ("attitude", "satisfied"), ("result", "satisfied")] {
        choose_radio(&browser, &format!("{evaluate} input[name={field}][value={value}]"), field).await;
    }
    choose_radio(&browser, &format!("{evaluate} input[name=satisfaction][value=satisfied]"), "the 满意 radio").await;
    scroll_to(&browser, &evaluate_form).await;
    checkpoint(&browser, "10-member-rates").await;
    submit_form(&browser, &evaluate, "提交评价").await;

    wait_for_status(&browser, "已办结").await;
    browser.wait_for_text("section[aria-labelledby=evals] li", DEFAULT_WAIT, |text| text.contains("满意")).await;
    let timeline = browser.wait_for_element("h2#timeline", DEFAULT_WAIT).await;
    let wanted = ["提交", "审查", "交办", "答复", "评价"];
    let actions = wait_until("the timeline to list every step", DEFAULT_WAIT, || async {
        let mut actions = Vec::new();
        for strong in browser.find_all(By::Css("ol.timeline li strong")).await.ok()? {
            actions.push(strong.text().await.ok()?.trim().to_owned());
        }
        wanted.iter().all(|want| actions.iter().any(|a| a == want)).then_some(actions)
    })
    .await;
    eprintln!("timeline: {actions:?}");
    scroll_to(&browser, &timeline).await;
    checkpoint(&browser, "11-member-closed").await;

    // 6. The member finds it again with the search box in the header, in traditional characters.
    scroll_to_top(&browser).await;
    let search_box = browser.wait_for_element("input#header-q", DEFAULT_WAIT).await;
    type_into(&search_box, SEARCH_TRADITIONAL, "the header search box").await;
    let go = browser.wait_for_element("form.header-search button", DEFAULT_WAIT).await;
    browser.click(&go, "搜索").await;
    browser.wait_for_path("/search", DEFAULT_WAIT).await;
    browser.wait_for_text("ol.results", DEFAULT_WAIT, |text| text.contains(TITLE)).await;
    let marked = browser.wait_for_element("ol.results mark", DEFAULT_WAIT).await;
    eprintln!("search highlights {:?}", marked.text().await.unwrap_or_default());
    assert_no_sideways_scroll(&browser, "12-member-searches").await;
    checkpoint(&browser, "12-member-searches").await;

    browser.quit().await;
    drop(app);
}
