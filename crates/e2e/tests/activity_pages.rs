//! Activities in the browser, as a meeting day goes: the office creates an activity through the
//! form (1280 px), invites every member and publishes it, opens check-in; the venue screen is
//! screenshotted and its QR code read back from the PNG (`rqrr`): it must hold exactly the
//! check-in link of `App::activity_code`. A member on a 360 px phone sees the activity with its
//! 签到 button, opens the QR's link, taps 确认签到 and is checked in. Another member asks for
//! leave on the phone and the office approves it from the leave queue. The sign-in sheet's print
//! view is screenshotted and printed by Chromium to A4. No member page scrolls sideways at 360 px.
//!
//! Skipped (with a message) without chromium/chromedriver, except under CI. Screenshots
//! (`activity-…`) land in `$ELINE_SHOTS_DIR` when set, else in `<workspace>/screenshots/`.

mod support;

use eline_domain::Actor;
use eline_e2e::thirtyfour::common::print::{PrintPage, PrintParameters};
use eline_e2e::{Browser, DEFAULT_WAIT, browser_tools};
use eline_web::testing::{TestApp, spawn_demo_app};
use support::pdf::{page_text, pdf_page_count, poppler, shot, shots_dir};
use support::{DESKTOP, PHONE, log_in, no_sideways_scroll};

const TITLE: &str = "关于社区养老服务的专题协商会";
const REASON: &str = "赴省里参加培训，无法到会";

async fn actor(app: &TestApp, name: &str) -> Actor {
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_app::auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.unwrap().unwrap())
}

/// Reads the QR code in a PNG screenshot: its text.
fn read_qr(png_bytes: &[u8]) -> String {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("the PNG's frame");
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    let grey = |x: usize, y: usize| -> u8 {
        let i = (y * w + x) * channels;
        if channels >= 3 { ((u32::from(buf[i]) * 299 + u32::from(buf[i + 1]) * 587 + u32::from(buf[i + 2]) * 114) / 1000) as u8 } else { buf[i] }
    };
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, grey);
    let grids = img.detect_grids();
    assert!(!grids.is_empty(), "no QR code found in the screenshot");
    grids[0].decode().expect("the QR code decodes").1
}

/// Sets a form field by script (datetime-local fields take their value this way everywhere).
async fn set_value(b: &Browser, id: &str, value: &str) {
    b.eval(&format!("document.getElementById('{id}').value = '{value}'; return true;")).await;
}

async fn click(b: &Browser, css: &str, what: &str) {
    let el = b.wait_for_element(css, DEFAULT_WAIT).await;
    b.click(&el, what).await;
}

async fn yes_to_confirmations(b: &Browser) {
    b.eval("window.confirm = () => true; return true;").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_day_from_the_notice_to_the_qr_check_in_the_leave_and_the_sheet() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let a = &app.state.app;
    let staff_actor = actor(&app, "staff").await;

    // The office creates the activity through the form and invites every member.
    let office = Browser::launch(&tools, DESKTOP.0, DESKTOP.1).await;
    log_in(&office, &base, "staff").await;
    office.goto(format!("{base}/activities/new")).await.expect("open the form");
    office.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("新建活动")).await;
    let now = a.clock.now();
    let local = |m: i64| eline_app::activities::fmt_at(m).replacen(' ', "T", 1);
    set_value(&office, "type", "consultation").await;
    office.wait_for_element("input#title", DEFAULT_WAIT).await.send_keys(TITLE).await.unwrap();
    office.wait_for_element("input#place", DEFAULT_WAIT).await.send_keys("市政协三楼会议室").await.unwrap();
    office.wait_for_element("textarea#description", DEFAULT_WAIT).await.send_keys("请各位委员提前10分钟到场签到。").await.unwrap();
    set_value(&office, "starts_at", &local(now + 10 * 60_000_000)).await;
    set_value(&office, "ends_at", &local(now + 130 * 60_000_000)).await;
    shot(&office, "activity-new-1280.png").await;
    click(&office, "form[action='/activities'] .actions button[type=submit]", "保存").await;
    office.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("发布通知")).await;
    let id: i64 = office.current_path().await.trim_start_matches("/activities/").parse().expect("on the activity's page");
    office.goto(format!("{base}/activities/{id}/invite")).await.unwrap();
    click(&office, "input[name=positions][value=member]", "全体委员").await;
    click(&office, "form[action$='/invite'] .actions button[type=submit]", "邀请").await;
    office.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("已邀请")).await;
    yes_to_confirmations(&office).await;
    click(&office, "form[action$='/act/publish'] button", "发布通知").await;
    office.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("通知已发布")).await;
    yes_to_confirmations(&office).await;
    click(&office, "form[action$='/act/open_checkin'] button", "开始签到").await;
    office.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("打开签到屏幕")).await;
    shot(&office, "activity-office-1280.png").await;

    // The venue screen: the QR code read back holds the check-in link of now.
    let mut url = String::new();
    for _ in 0..3 {
        office.goto(format!("{base}/activities/{id}/screen")).await.unwrap();
        office.wait_for_text("body", DEFAULT_WAIT, |t| t.contains("每30秒更新")).await;
        let png = office.screenshot_as_png().await.expect("screenshot");
        std::fs::write(shots_dir().join("activity-screen-1280.png"), &png).unwrap();
        let code = a.activity_code(&staff_actor, id).await.expect("the code now");
        let read = read_qr(&png);
        if read == code.url {
            url = read;
            break;
        }
        // The code moved on between the screenshot and the question: read the next one.
        assert!(read.starts_with(&code.url[..code.url.len() - 6]), "the QR holds the check-in link: {read} vs {}", code.url);
    }
    assert!(!url.is_empty(), "the QR code equals CodeNow.url");
    let path = &url[url.find("/activities/").expect("a check-in link")..];

    // A member on a phone: the activity with its 签到 button, then the QR's link.
    let phone = Browser::launch(&tools, PHONE.0, PHONE.1).await;
    log_in(&phone, &base, "member").await;
    phone.goto(format!("{base}/activities")).await.unwrap();
    phone.wait_for_text("main", DEFAULT_WAIT, |t| t.contains(TITLE) && t.contains("签到")).await;
    no_sideways_scroll(&phone, "the member's activities").await;
    shot(&phone, "activity-list-360.png").await;
    phone.goto(format!("{base}/activities/{id}")).await.unwrap();
    phone.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("我的参加情况") && t.contains("签到")).await;
    no_sideways_scroll(&phone, "the activity").await;
    shot(&phone, "activity-member-before-360.png").await;
    phone.goto(format!("{base}{path}")).await.unwrap();
    phone.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("确认签到")).await;
    no_sideways_scroll(&phone, "the check-in page").await;
    shot(&phone, "activity-checkin-360.png").await;
    click(&phone, "form.checkin-confirm button[type=submit]", "确认签到").await;
    phone.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("签到成功")).await;
    no_sideways_scroll(&phone, "the activity after check-in").await;
    shot(&phone, "activity-member-after-360.png").await;
    let me = actor(&app, "member").await;
    assert!(a.activity(&me, id).await.unwrap().mine.unwrap().row.checked_in_at.is_some(), "checked in");
    phone.quit().await;

    // Another member asks for leave on the phone; the office approves it from the queue.
    let other = {
        let mut c = a.db.acquire().await.unwrap();
        let list = eline_storage::activities::invitees(&mut c.ex(), id).await.unwrap();
        list.into_iter().find(|l| Some(l.invitee.member_id) != me.member_id).expect("another invitee").invitee.member_id
    };
    let input = eline_app::users::UserInput {
        username: "other.member".into(),
        password: "Zhengxie2024".into(),
        display_name: "另一位委员".into(),
        roles: vec!["member".into()],
        member_id: Some(other),
        unit_id: None,
        organization_id: None,
    };
    a.create_user(&eline_app::auth::system_actor(app.committee_id), &input, false).await.expect("an account for another member");
    let phone = Browser::launch(&tools, PHONE.0, PHONE.1).await;
    phone.submit_login(&base, "other.member", "Zhengxie2024").await;
    phone.wait_for_path("/", DEFAULT_WAIT).await;
    phone.goto(format!("{base}/activities/{id}")).await.unwrap();
    phone.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("我的参加情况")).await;
    click(&phone, "details.leave-box summary", "请假").await;
    phone.wait_for_element("textarea#reason", DEFAULT_WAIT).await.send_keys(REASON).await.unwrap();
    shot(&phone, "activity-leave-360.png").await;
    click(&phone, "form[action$='/act/request_leave'] button[type=submit]", "提交请假").await;
    phone.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("请假申请已提交") && t.contains("请假待批")).await;
    no_sideways_scroll(&phone, "the activity after asking leave").await;

    office.goto(format!("{base}/activities/leave")).await.unwrap();
    office.wait_for_text("main", DEFAULT_WAIT, |t| t.contains(REASON)).await;
    shot(&office, "activity-leave-queue-1280.png").await;
    click(&office, &format!("form.leave-decide[action='/activities/{id}/act/approve_leave'] button[value=true]"), "准假").await;
    office.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("已准假") && !t.contains(REASON)).await;
    phone.refresh().await.unwrap();
    phone.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("已准假")).await;
    shot(&phone, "activity-leave-approved-360.png").await;
    phone.quit().await;

    // The sign-in sheet: on screen, and printed to A4.
    office.goto(format!("{base}/activities/{id}/sheet")).await.unwrap();
    let sheet = office.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("签到表")).await;
    assert!(sheet.contains("序号") && sheet.contains("签名") && sheet.contains("扫码") && sheet.contains("已准假"), "{sheet}");
    shot(&office, "activity-sheet-1280.png").await;
    let a4 = PrintParameters { page: PrintPage { width: 21.0, height: 29.7 }, background: true, ..Default::default() };
    let pdf = office.driver().print_page(a4).await.expect("print the sheet to PDF");
    let pdf_path = shots_dir().join("activity-sheet.pdf");
    std::fs::write(&pdf_path, &pdf).expect("save the PDF");
    office.quit().await;
    if poppler() {
        let pages = pdf_page_count(&pdf_path);
        assert!(pages >= 1, "the sheet prints on A4 pages");
        let first = page_text(&pdf_path, 1);
        assert!(first.contains("签到表") && first.contains(TITLE), "page 1 is headed by the title: {first}");
        assert!(!first.contains("返回活动") && !first.contains("退出登录"), "the screen-only parts are not printed: {first}");
        support::pdf::page_png(&pdf_path, 1, "activity-sheet-pdf-page1");
    }
}

/// A member who is not invited opens a published notice (from a link, the calendar or a
/// colleague): the notice and its materials, no list and nothing to answer, on a phone and on a
/// desktop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_not_invited_reads_the_notice_and_its_materials() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let a = &app.state.app;
    let staff = actor(&app, "staff").await;
    let me = actor(&app, "member").await.member_id.expect("the demo member");
    let others = {
        let mut c = a.db.acquire().await.unwrap();
        eline_storage::members::list(&mut c.ex(), app.committee_id, &Default::default(), 10).await.unwrap()
    };
    let other = others.iter().map(|m| m.member.id).find(|id| *id != me).expect("another member");
    let start = a.clock.now() + 3 * 24 * 3_600_000_000;
    let input = eline_app::activities::NewActivity {
        kind: Some(eline_domain::activity::Kind::Inspection),
        title: "视察城市防汛工作".into(),
        place: "市水务局北郊泵站".into(),
        description: "视察组集中乘车前往，请受邀委员按时到场。".into(),
        starts_at: eline_app::activities::fmt_at(start).replacen(' ', "T", 1),
        ends_at: eline_app::activities::fmt_at(start + 4 * 3_600_000_000).replacen(' ', "T", 1),
        invitee_member_ids: vec![other],
        ..Default::default()
    };
    let id = a.create_activity(&staff, &input).await.expect("create").id;
    let record = eline_domain::RecordRef::new(eline_domain::RecordKind::ACTIVITY, id);
    a.attach(&staff, record, "material", "防汛视察路线.pdf", b"%PDF-1.4 route").await.expect("material");
    let publish = eline_app::activities::ActivityAction::parse("publish", serde_json::json!({})).unwrap();
    a.activity_act(&staff, id, None, publish).await.expect("publish");
    for (w, h, name) in [(PHONE.0, PHONE.1, "activity-not-invited-360.png"), (DESKTOP.0, DESKTOP.1, "activity-not-invited-1280.png")] {
        let b = Browser::launch(&tools, w, h).await;
        log_in(&b, &base, "member").await;
        b.goto(format!("{base}/activities/{id}")).await.unwrap();
        let text = b.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("视察城市防汛工作")).await;
        assert!(text.contains("市水务局北郊泵站") && text.contains("防汛视察路线.pdf"), "the notice with its materials: {text}");
        assert!(text.contains("您不在本次活动的参加名单中"), "told they are not on the list: {text}");
        assert!(!text.contains("我的参加情况") && !text.contains("出席情况"), "nothing of the list or to answer: {text}");
        no_sideways_scroll(&b, "the notice").await;
        shot(&b, name).await;
        b.quit().await;
    }
}
