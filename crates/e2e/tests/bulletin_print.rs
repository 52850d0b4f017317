//! The bulletin compiler and an issue's A4 print view as the information office uses them: the
//! compiler of a draft digest at desktop (1280 px) and phone (360 px) size, then the issued
//! issue's print view at both sizes and printed by Chromium to an A4 PDF, read back page by page
//! (`pdftotext`): the masthead 社情民意, 期号, 编发单位 and the date in Chinese on page 1, each
//! report credited, the foot (报送, 抄送, 签发) whole on the last page beside the text's end, no
//! screen-only line printed.
//!
//! Skipped (with a message) without chromium/chromedriver or poppler-utils, except under CI.
//! Screenshots, the PDF and its page PNGs (`bulletin-…`) land in `$ELINE_SHOTS_DIR` when set,
//! else in `<workspace>/screenshots/`.

mod support;

use eline_app::bulletins::{AddItemInput, BulletinEdit, BulletinInput, ItemArrangement};
use eline_app::opinions::{OpinionAction, OpinionDraft};
use eline_domain::opinion::{BulletinForm, Channel};
use eline_e2e::thirtyfour::common::print::{PrintPage, PrintParameters};
use eline_e2e::{Browser, DEFAULT_WAIT, browser_tools};
use eline_web::testing::{TestApp, spawn_demo_app};
use support::pdf::{page_png, page_text, pdf_page_count, poppler, shot, shots_dir};
use support::{DESKTOP, PHONE, log_in, no_sideways_scroll};

const TITLES: [&str; 3] = ["关于加强社区居家养老服务的建议", "关于扩大社区食堂覆盖面的建议", "关于完善家庭养老床位补贴的建议"];
const CREDITS: [&str; 3] = ["王芳委员", "民建清河市委会", "特邀信息员李明"];
/// The last words of the issue's text: the foot must share a page with them.
const CLOSING: &str = "以上情况和建议，供领导决策参考";

/// An editorial text long enough to run over one A4 page.
fn editorial() -> String {
    let point = "近期，委员和特邀信息员围绕社区居家养老服务反映：我市60岁以上户籍老年人口已超过总人口的五分之一，\
        社区养老服务站点分布不均，专业护理人员缺乏，家庭养老床位补贴标准偏低、申请程序繁琐，部分老年人用餐难、就医难的问题较为突出。\
        建议统筹规划社区养老服务设施，培育专业护理队伍，完善家庭养老床位补贴政策，推动社区食堂向老旧小区延伸。";
    let mut paras: Vec<String> = (0..7).map(|i| format!("{}、{point}", ["一", "二", "三", "四", "五", "六", "七"][i])).collect();
    paras.push(format!("{CLOSING}。"));
    paras.join("\n")
}

async fn actor(app: &TestApp, name: &str) -> eline_domain::Actor {
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_app::auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.unwrap().unwrap())
}

/// A draft digest of three adopted reports (credited, ordered) and one more adopted report on the
/// picking list: the issue's id.
async fn draft_digest(app: &TestApp) -> i64 {
    let a = &app.state.app;
    let (member, staff) = (actor(app, "member").await, actor(app, "staff").await);
    let mut ids = Vec::new();
    for title in TITLES.iter().chain(["关于夜市油烟治理的建议"].iter()) {
        let draft = OpinionDraft { title: title.to_string(), body: "情况、分析和建议。".repeat(20), ..Default::default() };
        let id = a.create_opinion(&member, &draft).await.unwrap().id;
        for (who, action) in [(&member, "submit"), (&staff, "adopt")] {
            a.opinion_act(who, id, None, OpinionAction::parse(action, serde_json::json!({})).unwrap()).await.unwrap();
        }
        ids.push(id);
    }
    let input = BulletinInput {
        series: Some(Channel::Opinion),
        form: Some(BulletinForm::Digest),
        title: "关于加强社区居家养老服务的几点建议".into(),
        body: editorial(),
        signed_off_by: Some("李明".into()),
        report_to: Some("市委、市政府主要领导，市委、市政府分管领导".into()),
        copy_to: Some("市民政局、市卫生健康局、市财政局".into()),
        ..Default::default()
    };
    let id = a.create_bulletin(&staff, &input).await.unwrap().id;
    for o in &ids[..3] {
        a.add_bulletin_item(&staff, id, None, &AddItemInput { opinion_id: Some(*o), ..Default::default() }).await.unwrap();
    }
    let items = ids[..3].iter().zip(CREDITS).map(|(o, c)| ItemArrangement { opinion_id: *o, credit: c.into(), position: None }).collect();
    a.update_bulletin(&staff, id, None, &BulletinEdit { items: Some(items), ..Default::default() }).await.unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_compiler_and_the_a4_print_view_of_a_bulletin_issue() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let id = draft_digest(&app).await;

    for (size, name) in [(DESKTOP, "1280"), (PHONE, "360")] {
        let browser = Browser::launch(&tools, size.0, size.1).await;
        log_in(&browser, &base, "staff").await;
        browser.goto(format!("{base}/bulletins/{id}")).await.expect("open the compiler");
        let page = browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("待编发信息")).await;
        assert!(page.contains("关于夜市油烟治理的建议") && page.contains("印发时编为"), "the compiler offers the picking list:\n{page}");
        for c in CREDITS {
            let credited = browser.eval(&format!("return [...document.querySelectorAll('input[name$=\"[credit]\"]')].some(i => i.value === '{c}');")).await;
            assert_eq!(credited, serde_json::json!(true), "the credit {c} is in its field");
        }
        no_sideways_scroll(&browser, "the compiler").await;
        shot(&browser, &format!("bulletin-compiler-{name}.png")).await;
        browser.eval("document.getElementById('candidates').scrollIntoView(); return true;").await;
        shot(&browser, &format!("bulletin-compiler-picking-{name}.png")).await;
        browser.eval("document.getElementById('text').scrollIntoView(); return true;").await;
        shot(&browser, &format!("bulletin-compiler-text-{name}.png")).await;
        browser.quit().await;
    }

    let staff = actor(&app, "staff").await;
    let issued = app.state.app.issue_bulletin(&staff, id, None).await.expect("issue");
    let today = eline_app::dates::chinese_date(chrono::Utc::now().timestamp_micros());
    let number = format!("{}年第{}期", issued.year, issued.number);

    let browser = Browser::launch(&tools, DESKTOP.0, DESKTOP.1).await;
    log_in(&browser, &base, "staff").await;
    browser.goto(format!("{base}/bulletins/{id}/print")).await.expect("open the print view");
    let page = browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains(CLOSING)).await;
    for part in ["社情民意", number.as_str(), "政协办公室信息科", today.as_str(), "本期信息来源", "报送：", "抄送：", "签发：李明"]
    {
        assert!(page.contains(part), "the print view shows “{part}”:\n{page}");
    }
    for (t, c) in TITLES.iter().zip(CREDITS) {
        assert!(page.contains(&format!("{t}（{c}）")), "{t} is credited to {c}");
    }
    no_sideways_scroll(&browser, "the print view").await;
    shot(&browser, "bulletin-print-1280.png").await;
    let a4 = PrintParameters { page: PrintPage { width: 21.0, height: 29.7 }, background: true, ..Default::default() };
    let pdf = browser.driver().print_page(a4).await.expect("print the issue to PDF");
    let pdf_path = shots_dir().join("bulletin.pdf");
    std::fs::write(&pdf_path, &pdf).expect("save the PDF");
    browser.quit().await;

    if poppler() {
        let pages = pdf_page_count(&pdf_path);
        assert!((2..=4).contains(&pages), "the issue runs over one page but not four: {pages} pages");
        let first = page_text(&pdf_path, 1);
        for part in ["社情民意", number.as_str(), "政协办公室信息科", today.as_str()] {
            assert!(first.contains(part), "page 1 holds “{part}”:\n{first}");
        }
        let last = page_text(&pdf_path, pages);
        for part in ["报送：", "抄送：", "签发：李明", CLOSING] {
            assert!(last.contains(part), "the foot is whole on the last page, with the text's end: “{part}”\n{last}");
        }
        let all: String = (1..=pages).map(|p| page_text(&pdf_path, p)).collect();
        assert!(!all.contains("返回期刊"), "the screen-only line is not printed");
        for c in CREDITS {
            assert!(all.contains(c), "{c} is credited in print");
        }
        page_png(&pdf_path, 1, "bulletin-pdf-page1");
        page_png(&pdf_path, pages, "bulletin-pdf-last");
    }

    let phone = Browser::launch(&tools, PHONE.0, PHONE.1).await;
    log_in(&phone, &base, "member").await;
    phone.goto(format!("{base}/bulletins/{id}/print")).await.expect("a member opens the print view");
    phone.wait_for_text("main", DEFAULT_WAIT, |t| t.contains(CLOSING)).await;
    no_sideways_scroll(&phone, "the print view").await;
    shot(&phone, "bulletin-print-360.png").await;
    phone.goto(format!("{base}/bulletins")).await.expect("the list");
    phone.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("已印发")).await;
    no_sideways_scroll(&phone, "the bulletin list").await;
    shot(&phone, "bulletin-list-360.png").await;
    phone.quit().await;
}
