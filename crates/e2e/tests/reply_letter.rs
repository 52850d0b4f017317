//! The reply letter (答复函) in its official layout, as a unit prints it: the page at desktop
//! (1280 px) and phone (360 px) size, then the PDF Chromium prints on A4, read back page by page
//! (`pdftotext`) and turned into PNGs (`pdftoppm`): the committee's full name in the title, 文号,
//! 公开属性, the date in Chinese form, 联系人/联系电话, and the signature block on the page that
//! holds the end of the text.
//!
//! Skipped (with a message) without chromium/chromedriver or poppler-utils, except under CI.
//! Screenshots, the PDF and its page PNGs (`letter-…`) land in `$ELINE_SHOTS_DIR` when set, else
//! in `<workspace>/screenshots/`.

mod support;

use eline_e2e::thirtyfour::common::print::{PrintPage, PrintParameters};
use eline_e2e::{Browser, DEFAULT_WAIT, browser_tools};
use eline_web::testing::spawn_demo_app;
use serde_json::json;
use support::pdf::{page_png, page_text, pdf_page_count, poppler, shot, shots_dir};
use support::{Api, DESKTOP, PHONE, log_in, no_sideways_scroll};

const TITLE: &str = "关于加强社区居家养老服务的提案";
const BODY: &str = "我市60岁以上户籍老年人口已超过总人口的五分之一，社区居家养老服务供给不足、专业护理人员缺乏的问题日益突出。\
建议：一是加快社区养老服务站点建设；二是培育专业护理队伍；三是完善家庭养老床位补贴政策。";
const DOC_NUMBER: &str = "清民函〔2026〕12号";
const CONTACT: &str = "张丽";
const PHONE_NO: &str = "0760-88312345";
/// The last words of the unit's text: the signature block must share a page with them.
const CLOSING: &str = "感谢您对民政工作的关心和支持，欢迎继续提出宝贵意见";

/// The unit's own text: long enough to run over one A4 page, ending with its own thanks.
fn reply_text() -> String {
    let mut paras = vec!["您提出的关于加强社区居家养老服务的提案收悉。我局高度重视，经认真研究，现答复如下：".to_string()];
    let points = [
        "一、关于加快社区养老服务站点建设。近年来，我局按照“15分钟养老服务圈”的目标，统筹规划全市社区养老服务设施布局，\
         将社区养老服务站点建设纳入年度民生实事项目，已建成镇街综合养老服务中心24个、村（社区）养老服务站186个，覆盖率达到92%。",
        "二、关于培育专业护理队伍。我局会同人力资源社会保障局实施养老护理员职业技能提升行动，开展养老护理员培训3200人次，\
         落实入职补贴和岗位津贴，并与本地职业院校合作开设老年服务与管理专业，逐步缓解专业护理人员不足的问题。",
        "三、关于完善家庭养老床位补贴政策。我局已会同财政局起草家庭养老床位建设和服务补贴办法，对经济困难的失能、半失能老年人\
         家庭适老化改造和上门服务给予补贴，目前正在征求意见，计划于2027年上半年印发实施。",
        "下一步，我局将继续推进社区居家养老服务提质增效，加强对养老服务机构的监管和评估，推动养老服务高质量发展。",
    ];
    for _ in 0..2 {
        paras.extend(points.iter().map(|p| p.to_string()));
    }
    paras.push(format!("{CLOSING}。"));
    paras.join("\n")
}

/// A proposal replied to by the demo unit with the letter's details; returns (id, unit name).
async fn replied_proposal(base: &str) -> (i64, String) {
    let (member, staff, unit) = (Api::login(base, "member").await, Api::login(base, "staff").await, Api::login(base, "unit").await);
    let id = member.post("/api/v1/proposals", json!({"title": TITLE, "body": BODY})).await["id"].as_i64().expect("proposal id");
    member.post(&format!("/api/v1/proposals/{id}/submit"), json!({})).await;
    staff.post(&format!("/api/v1/proposals/{id}/review"), json!({"decision": "file"})).await;
    let unit_id = unit.get("/api/v1/me").await["unit_id"].as_i64().expect("the unit account's unit");
    staff.post(&format!("/api/v1/proposals/{id}/assign"), json!({"lead_unit_id": unit_id})).await;
    let reply = json!({
        "class": "B", "text": reply_text(), "signer": "王建国",
        "doc_number": DOC_NUMBER, "contact_name": CONTACT, "contact_phone": PHONE_NO, "disclosure": "public",
    });
    let v = unit.post(&format!("/api/v1/proposals/{id}/reply"), reply).await;
    let r = &v["replies"][0];
    assert_eq!(r["doc_number"], DOC_NUMBER, "the reply keeps its letter details: {r}");
    assert_eq!(r["disclosure"], "public");
    (id, r["unit_name"].as_str().expect("unit name").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reply_letter_prints_in_official_layout_with_the_signature_beside_the_last_lines() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let (id, unit_name) = replied_proposal(&base).await;
    let today = eline_app::dates::chinese_date(chrono::Utc::now().timestamp_micros());

    let browser = Browser::launch(&tools, DESKTOP.0, DESKTOP.1).await;
    log_in(&browser, &base, "unit").await;
    browser.goto(format!("{base}/proposals/{id}")).await.expect("open the proposal");
    let details = browser.wait_for_text(".letter-details", DEFAULT_WAIT, |t| t.contains(DOC_NUMBER)).await;
    assert!(details.contains(PHONE_NO) && details.contains("主动公开"), "the reply shows its letter details: {details}");
    browser.eval("document.querySelector('.letter-details').closest('section').scrollIntoView(); return true;").await;
    shot(&browser, "letter-reply-on-detail-1280.png").await;

    browser.goto(format!("{base}/proposals/{id}/letter")).await.expect("open the letter");
    let page = browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains(CLOSING)).await;
    for part in [
        "关于中国人民政治协商会议清河市委员会",
        "提案的答复",
        DOC_NUMBER,
        "公开属性：主动公开",
        "委员：",
        CONTACT,
        PHONE_NO,
        &today,
        "抄送：清河市政协提案委员会",
    ] {
        assert!(page.contains(part), "the letter shows “{part}”:\n{page}");
    }
    // The letter adds the salutation and the heading around the unit's text: nothing twice.
    assert_eq!(page.matches("提案收悉").count(), 1, "{page}");
    assert_eq!(page.matches(CLOSING).count(), 1, "{page}");
    no_sideways_scroll(&browser, "the letter").await;
    shot(&browser, "letter-1280.png").await;

    let a4 = PrintParameters { page: PrintPage { width: 21.0, height: 29.7 }, background: true, ..Default::default() };
    let pdf = browser.driver().print_page(a4).await.expect("print the letter to PDF");
    let pdf_path = shots_dir().join("letter.pdf");
    std::fs::write(&pdf_path, &pdf).expect("save the PDF");
    browser.quit().await;

    if poppler() {
        let pages = pdf_page_count(&pdf_path);
        assert!((2..=4).contains(&pages), "the letter runs over one page but not four: {pages} pages");
        let first = page_text(&pdf_path, 1);
        assert!(first.contains("中国人民政治协商会议清河市委员会") && first.contains(DOC_NUMBER), "the heading is on page 1:\n{first}");
        assert!(!first.contains("返回提案"), "the screen-only line is not printed");
        let last = page_text(&pdf_path, pages);
        assert!(last.contains(&unit_name) && last.contains(&today), "the signature block is on the last page:\n{last}");
        assert!(last.contains(CLOSING), "the last lines of the text share the page with the signature:\n{last}");
        page_png(&pdf_path, 1, "letter-pdf-page1");
        page_png(&pdf_path, pages, "letter-pdf-last");
    }

    let phone = Browser::launch(&tools, PHONE.0, PHONE.1).await;
    log_in(&phone, &base, "unit").await;
    phone.goto(format!("{base}/proposals/{id}/letter")).await.expect("open the letter");
    phone.wait_for_text("main", DEFAULT_WAIT, |t| t.contains(CLOSING)).await;
    no_sideways_scroll(&phone, "the letter").await;
    shot(&phone, "letter-360.png").await;
    // The unit's list links its export (the list as filtered, as a file).
    phone.goto(format!("{base}/proposals?scope=unit")).await.expect("open the unit's list");
    let link = phone.wait_for_element("#export-xlsx", DEFAULT_WAIT).await;
    assert_eq!(link.attr("href").await.expect("href").as_deref(), Some("/proposals/export.xlsx?scope=unit"));
    no_sideways_scroll(&phone, "the unit's list").await;
    shot(&phone, "list-export-360.png").await;
    phone.quit().await;
}
