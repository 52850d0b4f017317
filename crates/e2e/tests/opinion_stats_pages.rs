//! 社情民意 statistics and the history import as the office meets them, in headless Chromium at
//! phone (360 px) and desktop (1280 px) size: the figures' page fits a phone, its numbers open
//! their lists, and a bad import file lists its rows.
//!
//! Skipped (with a message) without chromium/chromedriver, except under CI. Screenshots
//! (`opinion-stats-….png`, `opinion-import-….png`) land in `<workspace>/screenshots/`.

mod support;

use eline_app::auth::actor_of;
use eline_app::members::ImportOutcome;
use eline_e2e::{Browser, DEFAULT_WAIT, browser_tools};
use eline_web::testing::spawn_demo_app;
use support::{Api, DESKTOP, PHONE, log_in, no_sideways_scroll};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_reads_the_statistics_on_a_phone_and_sees_a_bad_files_rows() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = spawn_demo_app().await;
    let base = app.base_url.trim_end_matches('/').to_owned();
    let api = Api::login(&base, "staff").await;
    let members: Vec<String> =
        api.get("/api/v1/members?limit=4").await["items"].as_array().expect("members").iter().map(|m| m["name"].as_str().unwrap().to_string()).collect();
    let org = api.get("/api/v1/organizations?limit=1").await["items"][0]["name"].as_str().expect("an organisation").to_string();
    let year = chrono::Datelike::year(&eline_app::proposals::today());
    let rows = [
        format!("{year},,关于老旧小区加装电梯维保的建议,,,{},录用,,市级:部门采纳；省级:采用", members[0]),
        format!("{year},,关于规范校外培训收费的建议,,,{},留存,,", members[0]),
        format!("{year},资政之声,关于优化营商环境的建议,,,{},录用,,市级:批示", members[1]),
        format!("{year},,关于乡村教师待遇的建议,,,{},录用,,全国:综合采用", members[2]),
        format!("{year},,关于民营企业融资的建议,,党派团体,{org},录用,,市级:采用"),
        format!("{year},,关于菜市场改造的情况反映,,特邀信息员,李明,留存,,"),
    ];
    let csv = format!("{}\n{}\n", eline_app::opinions_stats::HISTORY_COLUMNS.join(","), rows.join("\n"));
    let staff = {
        let mut c = app.state.app.db.acquire().await.expect("connection");
        actor_of(&eline_storage::users::get_by_username(&mut c.ex(), "staff").await.expect("read").expect("staff"))
    };
    let outcome = app.state.app.import_opinion_history(&staff, "history.csv", csv.as_bytes()).await.expect("import");
    assert!(matches!(outcome, ImportOutcome::Imported(6)), "{outcome:?}");

    let bad = std::env::temp_dir().join(format!("opinion-history-bad-{}.csv", std::process::id()));
    std::fs::write(&bad, format!("{}\n{year},,,,委员,查无此人,通过,,\n", eline_app::opinions_stats::HISTORY_COLUMNS.join(","))).expect("bad file");

    for (width, height) in [PHONE, DESKTOP] {
        let browser = Browser::launch(&tools, width, height).await;
        log_in(&browser, &base, "staff").await;
        browser.goto(format!("{base}/opinions/stats")).await.expect("open the statistics");
        browser.wait_for_text("h1", DEFAULT_WAIT, |t| t == "社情民意统计").await;
        let text = browser.body_text().await;
        assert!(text.contains(&format!("统计范围：{year}年")) && text.contains("部门采纳"), "{text}");
        no_sideways_scroll(&browser, "the statistics").await;
        browser.screenshot(&format!("opinion-stats-{width}.png")).await;
        browser.eval("document.getElementById('h-outcomes').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("opinion-stats-outcomes-{width}.png")).await;
        browser.eval("document.getElementById('h-members').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("opinion-stats-members-{width}.png")).await;
        // The adopted figure opens the list of adopted reports of the year.
        let href = browser
            .eval("return Array.from(document.querySelectorAll('.card a')).find(a => a.nextElementSibling.textContent === '录用').getAttribute('href');")
            .await;
        assert_eq!(href.as_str(), Some(format!("/opinions?scope=all&status=adopted&year={year}").as_str()));

        browser.goto(format!("{base}/opinions/import")).await.expect("open the import page");
        let input = browser.wait_for_element("input[type=file]", DEFAULT_WAIT).await;
        input.send_keys(bad.to_string_lossy().to_string()).await.expect("choose the file");
        let submit = browser.wait_for_element("form[action^=\"/opinions/import\"] button[type=submit]", DEFAULT_WAIT).await;
        browser.click(&submit, "上传并导入").await;
        let text = browser.wait_for_text("main", DEFAULT_WAIT, |t| t.contains("本次没有导入任何信息")).await;
        assert!(text.contains("查无此人") && text.contains("标题不能为空"), "{text}");
        no_sideways_scroll(&browser, "the import errors").await;
        browser.screenshot(&format!("opinion-import-{width}.png")).await;
        browser.eval("document.getElementById('import-errors').scrollIntoView(); return true;").await;
        browser.screenshot(&format!("opinion-import-errors-{width}.png")).await;
        browser.quit().await;
    }
    let _ = std::fs::remove_file(&bad);
}
