//! 活动 pages over HTTP: who may open the venue screen and the sign-in sheet, what a member sees
//! of others' leave (nothing), CSRF on the action forms, the create form's errors by field, the
//! check-in page the QR code opens (login and back, a refused code in Chinese with what to do, a
//! good one checks in), the leave queue's inline decision, and the calendar feed by its secret
//! link (public, stops when made again or revoked) with the .ics download.

use eline_app::activities::{ActivityAction, NewActivity};
use eline_domain::Actor;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use eline_web::testing::{TestApp, spawn_demo_app};

const SECRET_REASON: &str = "赴外地参加家人婚礼无法到会";

async fn actor(app: &TestApp, username: &str) -> Actor {
    let mut c = app.state.app.db.acquire().await.unwrap();
    eline_app::auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), username).await.unwrap().unwrap())
}

/// A published activity starting in ten minutes with the demo member and a second member (with
/// the account `other.member`) invited; the second one has asked for leave. Check-in is open
/// when `open`. Its id.
async fn activity(app: &TestApp, open: bool) -> i64 {
    let a = &app.state.app;
    let staff = actor(app, "staff").await;
    let member = actor(app, "member").await;
    let sector = create_sector(app, "活动测试界").await;
    let other = create_member(app, "另一位委员", sector).await;
    create_user(app, "other.member", &["member"], Some(other), None).await;
    let now = a.clock.now();
    let input = NewActivity {
        kind: Some(eline_domain::activity::Kind::Consultation),
        title: "关于老旧小区改造的专题协商会".into(),
        place: "市政协三楼会议室".into(),
        starts_at: eline_app::activities::rfc3339(now + 10 * 60_000_000),
        ends_at: eline_app::activities::rfc3339(now + 130 * 60_000_000),
        invitee_member_ids: vec![member.member_id.unwrap(), other],
        ..Default::default()
    };
    let id = a.create_activity(&staff, &input).await.expect("create").id;
    a.activity_act(&staff, id, None, ActivityAction::parse("publish", json!({})).unwrap()).await.expect("publish");
    let other_actor = actor(app, "other.member").await;
    a.activity_act(&other_actor, id, None, ActivityAction::parse("request_leave", json!({"reason": SECRET_REASON})).unwrap()).await.expect("leave");
    if open {
        a.activity_act(&staff, id, None, ActivityAction::parse("open_checkin", json!({})).unwrap()).await.expect("open");
    }
    id
}

#[tokio::test]
async fn a_member_cannot_open_the_screen_or_the_sheet_nor_read_anothers_leave_reason() {
    let app = spawn_demo_app().await;
    let id = activity(&app, true).await;
    let mut member = Browser::new(&app);
    member.login_ok("member", DEMO_PASSWORD).await;
    let page = member.page(&format!("/activities/{id}")).await;
    assert!(page.contains("关于老旧小区改造的专题协商会") && page.contains("我的参加情况") && page.contains("待回复"), "{page}");
    assert!(!page.contains(SECRET_REASON), "a member never sees another member's leave reason");
    assert!(!page.contains("参加名单") && !page.contains("另一位委员"), "nor the list");
    for path in [format!("/activities/{id}/screen"), format!("/activities/{id}/sheet")] {
        let status = member.get(&path).await.status();
        assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{path}: {status}");
    }
    // The office reads the reason, the sheet and the screen with the code of now.
    let mut staff = Browser::new(&app);
    staff.login_ok("staff", DEMO_PASSWORD).await;
    let page = staff.page(&format!("/activities/{id}")).await;
    assert!(page.contains(SECRET_REASON) && page.contains("参加名单"), "{page}");
    let sheet = staff.page(&format!("/activities/{id}/sheet")).await;
    for part in ["签到表", "序号", "签名", "另一位委员", "市政协三楼会议室", "待审批"] {
        assert!(sheet.contains(part), "the sheet shows {part}: {sheet}");
    }
    let screen = staff.page(&format!("/activities/{id}/screen")).await;
    let code = app.state.app.activity_code(&actor(&app, "staff").await, id).await.unwrap();
    assert!(screen.contains("<svg") && screen.contains("每30秒更新"), "{screen}");
    assert!(screen.contains(&format!("{} {}", &code.code[..3], &code.code[3..])), "the screen shows the code of now");
    assert!(screen.contains(&format!("http-equiv=\"refresh\" content=\"{}\"", code.seconds_left)), "it reloads when the code expires");
}

#[tokio::test]
async fn the_action_forms_need_the_csrf_token_and_change_nothing_without_it() {
    let app = spawn_demo_app().await;
    let id = activity(&app, false).await;
    let mut member = Browser::new(&app);
    member.login_ok("member", DEMO_PASSWORD).await;
    member.page(&format!("/activities/{id}")).await;
    let res = member.post_form_raw(&format!("/activities/{id}/act/rsvp"), &[("attending", "true")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let me = actor(&app, "member").await;
    assert!(app.state.app.activity(&me, id).await.unwrap().mine.unwrap().row.rsvp.is_none(), "nothing changed");
    let res = member.post_form(&format!("/activities/{id}/act/rsvp"), &[("attending", "true")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = member.page(&format!("/activities/{id}")).await;
    assert!(page.contains("已回复：参加"), "{page}");
    let mine = app.state.app.activity(&me, id).await.unwrap().mine.unwrap();
    assert_eq!(*mine.row.rsvp, Some(eline_domain::activity::Rsvp::Yes));
    // The member's list shows it with their answer.
    let list = member.page("/activities").await;
    assert!(list.contains("即将参加") && list.contains("关于老旧小区改造的专题协商会") && list.contains(">参加<"), "{list}");
}

#[tokio::test]
async fn the_create_form_reports_errors_by_field_and_creates_a_planned_activity() {
    let app = spawn_demo_app().await;
    let mut staff = Browser::new(&app);
    staff.login_ok("staff", DEMO_PASSWORD).await;
    let form = staff.page("/activities/new").await;
    assert!(form.contains("datetime-local") && form.contains("请假审批人") && form.contains("提案委工作人员"), "{form}");
    let res = staff.post_form("/activities", &[("type", "research"), ("title", ""), ("place", "市民中心"), ("starts_at", "2027-03-01T09:00")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("field-error") && html.contains("市民中心"), "errors by field, what was typed kept: {html}");
    let res = staff
        .post_form(
            "/activities",
            &[("type", "research"), ("title", "养老服务专题调研"), ("place", "市民中心"), ("starts_at", "2027-03-01T09:00"), ("ends_at", "2027-03-01T11:30")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
    let to = location(&res);
    let page = staff.page(&to).await;
    assert!(page.contains("养老服务专题调研") && page.contains("筹备中") && page.contains("2027-03-01 09:00—11:30") && page.contains("发布通知"), "{page}");
    // A member may not open the form.
    let mut member = Browser::new(&app);
    member.login_ok("member", DEMO_PASSWORD).await;
    assert_eq!(member.get("/activities/new").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_qr_link_goes_through_login_and_checks_in_and_a_bad_code_is_explained() {
    let app = spawn_demo_app().await;
    let id = activity(&app, true).await;
    let code = app.state.app.activity_code(&actor(&app, "staff").await, id).await.unwrap();
    let path = format!("/activities/{id}/check-in?code={}", code.code);
    assert!(code.url.ends_with(&path), "the QR holds the check-in page: {}", code.url);
    let mut member = Browser::new(&app);
    let res = member.get(&path).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login?next="), "not logged in: to the login page and back");
    member.login_ok("member", DEMO_PASSWORD).await;
    let page = member.page(&path).await;
    assert!(page.contains("确认签到") && page.contains(&format!("name=\"code\" value=\"{}\"", code.code)), "{page}");
    // A code that is not this activity's: refused, said in Chinese with what to do; recorded.
    let wrong = if code.code == "000000" { "111111" } else { "000000" };
    let res = member.post_form(&format!("/activities/{id}/check-in"), &[("code", wrong)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("未能签到") && html.contains("签到码不正确") && html.contains("请确认扫描的是本次活动"), "{html}");
    let me = actor(&app, "member").await;
    assert!(app.state.app.activity(&me, id).await.unwrap().mine.unwrap().row.checked_in_at.is_none());
    let res = member.post_form(&format!("/activities/{id}/check-in"), &[("code", &code.code)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = member.page(&format!("/activities/{id}")).await;
    assert!(page.contains("签到成功") && page.contains("已签到"), "{page}");
    // Once there, the page no longer asks whether they come, for leave, or for a code.
    for gone in ["是否参加", "提交请假", "checkin-form"] {
        assert!(!page.contains(gone), "after check-in the page still offers {gone}: {page}");
    }
    assert!(app.state.app.activity(&me, id).await.unwrap().mine.unwrap().row.checked_in_at.is_some());
    // Again: already checked in.
    assert!(member.page(&path).await.contains("无需再次签到"));
    // The office sees the refused attempt.
    let mut staff = Browser::new(&app);
    staff.login_ok("staff", DEMO_PASSWORD).await;
    let page = staff.page(&format!("/activities/{id}")).await;
    assert!(page.contains("被拒绝的签到") && page.contains(wrong), "{page}");
}

#[tokio::test]
async fn the_leave_queue_decides_in_the_row_and_the_member_hears_it() {
    let app = spawn_demo_app().await;
    let id = activity(&app, false).await;
    let mut staff = Browser::new(&app);
    staff.login_ok("staff", DEMO_PASSWORD).await;
    let home = staff.page("/").await;
    assert!(home.contains("活动请假待审批") && home.contains("href=\"/activities/leave\""), "{home}");
    let queue = staff.page("/activities/leave").await;
    assert!(queue.contains("另一位委员") && queue.contains(SECRET_REASON), "{queue}");
    let other = actor(&app, "other.member").await;
    let version = app.state.app.activity(&other, id).await.unwrap().a.version.to_string();
    let member_id = other.member_id.unwrap().to_string();
    let res = staff
        .post_form(
            &format!("/activities/{id}/act/approve_leave"),
            &[("version", &version), ("member_id", &member_id), ("back", "leave"), ("note", "同意"), ("approved", "true")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/activities/leave");
    let queue = staff.page("/activities/leave").await;
    assert!(queue.contains("已准假") && !queue.contains(SECRET_REASON), "decided, the request leaves the queue: {queue}");
    let mut member = Browser::new(&app);
    member.login_ok("other.member", PASSWORD).await;
    let page = member.page(&format!("/activities/{id}")).await;
    assert!(page.contains("已准假") && page.contains("审批意见：同意") && page.contains(SECRET_REASON), "the member sees their own: {page}");
}

#[tokio::test]
async fn the_calendar_feed_is_public_by_its_secret_link_and_stops_when_made_again_or_revoked() {
    let app = spawn_demo_app().await;
    let id = activity(&app, false).await;
    let mut member = Browser::new(&app);
    member.login_ok("member", DEMO_PASSWORD).await;
    let page = member.page("/activities/calendar").await;
    assert!(page.contains("生成订阅链接"), "{page}");
    let link = |html: &str| {
        let start = html.find("/calendar/cal_").expect("the page shows the link");
        let end = start + html[start..].find(".ics").unwrap() + 4;
        html[start..end].to_string()
    };
    let html = member.post_form("/activities/calendar", &[("do", "regenerate")]).await.text().await.unwrap();
    assert!(html.contains("webcal://"), "{html}");
    let first = link(&html);
    let anon = client();
    let res = anon.get(format!("{}{first}", app.base_url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_str(res.headers(), "content-type"), "text/calendar; charset=utf-8");
    assert!(res.text().await.unwrap().contains("关于老旧小区改造的专题协商会"));
    member.page("/activities/calendar").await;
    let second = link(&member.post_form("/activities/calendar", &[("do", "regenerate")]).await.text().await.unwrap());
    assert_ne!(first, second);
    assert_eq!(anon.get(format!("{}{first}", app.base_url)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "the old link stops");
    assert_eq!(anon.get(format!("{}{second}", app.base_url)).send().await.unwrap().status(), StatusCode::OK);
    member.page("/activities/calendar").await;
    assert_eq!(member.post_form("/activities/calendar", &[("do", "revoke")]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(anon.get(format!("{}{second}", app.base_url)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "revoked");
    assert_eq!(anon.get(format!("{}/calendar/nonsense", app.base_url)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // One activity's file, named after it.
    let res = member.get(&format!("/activities/{id}/ics")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header_str(res.headers(), "content-disposition").contains(".ics"));
    assert!(res.text().await.unwrap().contains("BEGIN:VEVENT"));
}

#[tokio::test]
async fn a_member_not_invited_reads_the_notice_and_downloads_its_materials_but_not_the_list() {
    let app = spawn_demo_app().await;
    let id = activity(&app, false).await;
    let staff = actor(&app, "staff").await;
    let record = eline_domain::RecordRef::new(eline_domain::RecordKind::ACTIVITY, id);
    let file = app.state.app.attach(&staff, record, "material", "协商会议程.pdf", b"%PDF-1.4 agenda").await.expect("material");
    let sector = create_sector(&app, "旁听界").await;
    let third = create_member(&app, "第三位委员", sector).await;
    create_user(&app, "third.member", &["member"], Some(third), None).await;
    let mut b = Browser::new(&app);
    b.login_ok("third.member", PASSWORD).await;
    let page = b.page(&format!("/activities/{id}")).await;
    assert!(page.contains("关于老旧小区改造的专题协商会") && page.contains("市政协三楼会议室") && page.contains("协商会议程.pdf"), "{page}");
    assert!(!page.contains("id=\"list-title\"") && !page.contains("另一位委员") && !page.contains(SECRET_REASON), "the notice only: {page}");
    assert!(page.contains("您不在本次活动的参加名单中"), "told they are not on the list: {page}");
    let res = b.get(&format!("/activities/{id}/files/{}", file.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"%PDF-1.4 agenda");
    // A unit account sees neither the notice nor its files.
    let unit = app.state.app.files_of(&actor(&app, "unit").await, record).await;
    assert!(matches!(unit, Err(eline_app::AppError::NotFound)), "{unit:?}");
}
