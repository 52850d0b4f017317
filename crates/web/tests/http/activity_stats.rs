//! Activity statistics over HTTP: the JSON, the workbook, the page with its links into the
//! activity list and the members' attendance lists, and a member's own list.

use eline_app::activities::{ActivityAction, NewActivity, parse_at};
use eline_app::auth::actor_of;
use eline_domain::Actor;
use eline_domain::activity::Kind;
use eline_web::testing::{TestApp, spawn_demo_app};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use serde_json::json;

use crate::helpers::*;

async fn actor(app: &TestApp, username: &str) -> Actor {
    let mut c = app.state.app.db.acquire().await.unwrap();
    actor_of(&eline_storage::users::get_by_username(&mut c.ex(), username).await.unwrap().unwrap())
}

/// A closed plenary of 2031 the demo member attended (checked in by hand); returns its id.
async fn held(app: &TestApp) -> i64 {
    let (staff, member) = (actor(app, "staff").await, actor(app, "member").await);
    let a = &app.state.app;
    let input = NewActivity {
        kind: Some(Kind::Plenary),
        title: "政协第十四届委员会第三次会议".into(),
        place: "市政协大会堂".into(),
        starts_at: "2031-03-05T09:00".into(),
        ends_at: "2031-03-05T12:00".into(),
        invitee_member_ids: vec![member.member_id.unwrap()],
        ..Default::default()
    };
    let id = a.create_activity(&staff, &input).await.unwrap().id;
    let act = async |name: &str, body: serde_json::Value| a.activity_act(&staff, id, None, ActivityAction::parse(name, body).unwrap()).await.unwrap();
    act("publish", json!({})).await;
    a.clock.advance(parse_at("at", "时间", "2031-03-05T08:50").unwrap() - a.clock.now());
    act("open_checkin", json!({})).await;
    act("check_in_by_hand", json!({"member_id": member.member_id, "reason": "现场核对身份后代签"})).await;
    act("close", json!({})).await;
    id
}

#[tokio::test]
async fn the_statistics_answer_json_a_workbook_and_a_page_whose_figures_link_to_their_lists() {
    let app = spawn_demo_app().await;
    let id = held(&app).await;
    let member_id = actor(&app, "member").await.member_id.unwrap();
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let s = staff.get_json("/api/v1/activities/stats?year=2031").await;
    assert_eq!(s["year"], 2031);
    assert_eq!(s["totals"]["closed"], 1);
    assert_eq!(s["totals"]["attendance"]["attended"], 1);
    let plenary = s["by_type"].as_array().unwrap().iter().find(|k| k["type"] == "plenary").unwrap();
    assert_eq!((plenary["label"].as_str(), plenary["held"].as_i64()), (Some("全体会议"), Some(1)));
    assert_eq!(s["by_month"][2]["month"], 3);
    assert_eq!(s["by_month"][2]["attendance"]["present"], 1);
    assert_eq!(s["members"][0]["id"], member_id);
    assert_eq!(s["members"][0]["attendance"]["rate"], 1.0);
    assert!(s["definitions"].as_array().unwrap().iter().any(|d| d["figure"] == "出勤率"));
    assert_eq!(staff.get("/api/v1/activities/stats?year=abc").await.status(), 422);

    let res = staff.get("/api/v1/activities/stats.xlsx?year=2031").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[CONTENT_TYPE], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(res.headers()[CONTENT_DISPOSITION].to_str().unwrap().contains("filename*=UTF-8''"));
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));

    let list = staff.get_json(&format!("/api/v1/activities/stats/members/{member_id}?year=2031")).await;
    assert_eq!(list["items"][0]["activity_id"], id);
    assert_eq!(list["items"][0]["attendance"], "present");
    assert_eq!(list["items"][0]["checkin_method"], "hand");
    assert!(list["items"][0]["starts_at"].as_str().unwrap().starts_with("2031-03-05T09:00:00+08:00"));

    // The member reads their own list, not another's, nor the statistics.
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    assert_eq!(member.get_json(&format!("/api/v1/activities/stats/members/{member_id}?year=2031")).await["attendance"]["attended"], 1);
    assert_eq!(member.get("/api/v1/activities/stats?year=2031").await.status(), 403);

    let mut browser = Browser::new(&app);
    browser.login_ok("staff", DEMO_PASSWORD).await;
    let html = browser.page("/activities/stats?year=2031").await;
    assert_eq!(h1(&html), "活动统计");
    // Askama writes & in attributes as &#38;.
    assert!(html.contains("href=\"/activities?type=plenary&#38;year=2031\""), "a type's count links to its list");
    assert!(html.contains("href=\"/activities?type=plenary&#38;status=closed&#38;year=2031\""));
    assert!(html.contains("href=\"/activities?year=2031&#38;month=3\""), "a month's count links to the month's list");
    assert!(html.contains(&format!("href=\"/activities/stats/members/{member_id}?year=2031\"")), "a member's figures link to their list");
    assert!(html.contains("/activities/stats.xlsx?year=2031"));
    let page = browser.page(&format!("/activities/stats/members/{member_id}?year=2031")).await;
    assert!(page.contains(&format!("href=\"/activities/{id}\"")) && page.contains("工作人员代签"));
}
