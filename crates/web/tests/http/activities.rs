//! Activities over the API (docs/api.md "活动与会议"): the whole cycle of a meeting — create,
//! invite, publish, leave and its approval, the check-in screen's code, check-in, refused codes
//! (replayed, foreign, expired, not on the list), check-in by hand, check-out, close, the final
//! attendance — what a member may not see or do, edits with their versions, series, lists,
//! .ics and the calendar feed; and the fixtures of the authorization matrix.

use eline_web::testing::{TestApp, spawn_demo_app};
use serde_json::{Value, json};

use crate::helpers::*;

const MINUTE: i64 = 60_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

pub async fn actor(app: &TestApp, name: &str) -> eline_domain::Actor {
    crate::bulletins::actor(app, name).await
}

/// The app's clock now (microseconds), the one the activities module reads.
fn now(app: &TestApp) -> i64 {
    app.state.app.clock.now()
}

/// Moves the app's clock to `at` (microseconds).
fn set_clock(app: &TestApp, at: i64) {
    app.state.app.clock.advance(at - now(app));
}

/// RFC 3339 (Beijing) of a moment, whole minutes.
fn rfc(at: i64) -> String {
    eline_app::activities::rfc3339(at - at.rem_euclid(MINUTE))
}

/// A member of the first demo sector with a member account of the same name; its member id.
async fn member_with_account(app: &TestApp, username: &str, name: &str) -> (i64, Api) {
    let sector = app.state.app.directory_choices(&system(app), eline_domain::org::DirectoryKind::Sector).await.unwrap()[0].id;
    let id = create_member(app, name, sector).await;
    create_user(app, username, &["member"], Some(id), None).await;
    (id, Api::login(app, username, PASSWORD).await)
}

async fn own_member_id(api: &Api) -> i64 {
    api.get_json("/api/v1/me").await["member_id"].as_i64().expect("a member account")
}

fn act(id: i64, action: &str) -> String {
    format!("/api/v1/activities/{id}/{action}")
}

/// The current code of the venue screen, as the office reads it.
async fn code_now(staff: &Api, id: i64) -> String {
    let code = json_of(staff.get(&format!("/api/v1/activities/{id}/check-in-code")).await, 200).await;
    code["code"].as_str().unwrap().to_string()
}

/// The row of `member_id` on the office's list.
fn row_of(activity: &Value, member_id: i64) -> Value {
    activity["invitees"].as_array().unwrap().iter().find(|i| i["member_id"] == member_id).cloned().unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_plenary_runs_over_the_api_from_invitation_to_true_attendance() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let me = own_member_id(&member).await;
    let (away, away_api) = member_with_account(&app, "act.away", "请假委员").await;
    let (slow, slow_api) = member_with_account(&app, "act.slow", "迟到委员").await;
    let (outsider, outsider_api) = member_with_account(&app, "act.outsider", "名单外委员").await;
    let sector = app.state.app.directory_choices(&system(&app), eline_domain::org::DirectoryKind::Sector).await.unwrap()[0].id;
    let by_hand = create_member(&app, "代签委员", sector).await;
    let absent = create_member(&app, "缺席委员", sector).await;

    // Five days ahead, three hours long: leave asked now is in time (3 days before a plenary).
    let start = now(&app) + 5 * DAY - (now(&app) + 5 * DAY).rem_euclid(MINUTE);
    let end = start + 3 * HOUR;
    let body = json!({"type": "plenary", "title": "政协第十三届委员会第三次会议", "place": "市政协大会堂", "description": "请携带会议材料。",
        "starts_at": rfc(start), "ends_at": rfc(end), "invitee_member_ids": [me, away, slow], "checkout": true});
    let res = staff.post("/api/v1/activities", &body).await;
    let loc = location(&res);
    let created = json_of(res, 201).await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(loc, format!("/api/v1/activities/{id}"));
    assert_eq!((created["status"].as_str(), created["type"].as_str(), created["type_label"].as_str()), (Some("planned"), Some("plenary"), Some("全体会议")));
    assert_eq!(created["starts_at"], rfc(start));
    assert!(created["starts_at"].as_str().unwrap().ends_with("+08:00"), "{created}");
    assert_eq!(created["counts"]["invited"], 3);
    assert!(created["allowed_actions"].as_array().unwrap().contains(&json!("publish")), "{created}");
    // A planned activity is the office's alone.
    assert_problem(member.get(&format!("/api/v1/activities/{id}")).await, 404, "not_found").await;

    let invited = json_of(staff.post(&act(id, "invite"), &json!({"member_ids": [by_hand, absent]})).await, 200).await;
    assert_eq!(invited["counts"]["invited"], 5);
    let published = json_of(staff.post(&act(id, "publish"), &json!({"version": invited["version"]})).await, 200).await;
    assert_eq!(published["status"], "published");

    // The member sees the notice and their own row, not the list.
    let mine = json_of(member.get(&format!("/api/v1/activities/{id}")).await, 200).await;
    assert_eq!((mine["access"].as_str(), mine["mine"]["source"].as_str()), (Some("full"), Some("hand")));
    assert_eq!(mine["invitees"], json!([]));
    assert!(mine["allowed_actions"].as_array().unwrap().contains(&json!("request_leave")), "{mine}");

    // Leave: asked in time, waiting in the office's queue with its reason, approved.
    let asked = json_of(away_api.post(&act(id, "request_leave"), &json!({"reason": "赴省外出差，无法参会"})).await, 200).await;
    assert_eq!((asked["mine"]["leave_status"].as_str(), asked["mine"]["leave_late"].as_bool()), (Some("requested"), Some(false)));
    let queue = json_of(staff.get("/api/v1/activities/leave-queue").await, 200).await;
    let item = queue["items"].as_array().unwrap().iter().find(|i| i["activity_id"] == id && i["member_id"] == away).cloned().expect("in the queue");
    assert_eq!(item["reason"], "赴省外出差，无法参会");
    // Another member never reads the reason, and cannot decide it.
    let seen = member.get(&format!("/api/v1/activities/{id}")).await.text().await.unwrap();
    assert!(!seen.contains("出差"), "a member read another's leave reason: {seen}");
    assert_problem(member.get("/api/v1/activities/leave-queue").await, 403, "forbidden").await;
    let p = assert_problem(member.post(&act(id, "approve_leave"), &json!({"member_id": away, "approved": true})).await, 403, "forbidden").await;
    assert!(has_chinese(p["detail"].as_str().unwrap_or_default()), "{p}");
    let decided = json_of(staff.post(&act(id, "approve_leave"), &json!({"member_id": away, "approved": true, "note": "同意"})).await, 200).await;
    assert_eq!(row_of(&decided, away)["leave_status"], "approved");
    let away_view = json_of(away_api.get(&format!("/api/v1/activities/{id}")).await, 200).await;
    assert_eq!((away_view["mine"]["leave_status"].as_str(), away_view["mine"]["leave_reason"].as_str()), (Some("approved"), Some("赴省外出差，无法参会")));

    // At the venue, ten minutes before the start.
    set_clock(&app, start - 10 * MINUTE);
    assert_problem(staff.get(&format!("/api/v1/activities/{id}/check-in-code")).await, 409, "invalid_transition").await;
    json_of(staff.post(&act(id, "open_checkin"), &json!({})).await, 200).await;
    let screen = json_of(staff.get(&format!("/api/v1/activities/{id}/check-in-code")).await, 200).await;
    let code = screen["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 6);
    assert!(screen["url"].as_str().unwrap().ends_with(&format!("/activities/{id}/check-in?code={code}")), "{screen}");
    assert!((1..=30).contains(&screen["seconds_left"].as_i64().unwrap()), "{screen}");
    assert!(screen["expires_at"].as_str().unwrap().ends_with("+08:00"));
    // Members never see the code.
    assert_problem(member.get(&format!("/api/v1/activities/{id}/check-in-code")).await, 403, "forbidden").await;

    let checked = json_of(member.post(&act(id, "check_in"), &json!({"code": code})).await, 200).await;
    assert!(checked["mine"]["checked_in_at"].is_string(), "{checked}");
    assert_eq!(checked["mine"]["checkin_method"], "code");
    // The same code again (to check out): replayed.
    let p = assert_problem(member.post(&act(id, "check_out"), &json!({"code": code})).await, 409, "invalid_transition").await;
    assert_eq!(p["detail"], eline_domain::activity::CheckinRefusal::Replayed.label(), "{p}");
    // A member not on the list, with the right code: refused by name.
    let p = assert_problem(outsider_api.post(&act(id, "check_in"), &json!({"code": code})).await, 409, "invalid_transition").await;
    assert!(p["detail"].as_str().unwrap().contains("不在本次活动的参加名单中"), "{p}");
    // The code of another activity's screen: foreign.
    let other = other_open_activity(&staff, &[slow], start, end).await;
    let mut foreign = code_now(&staff, other).await;
    if foreign == code {
        foreign = "000000".into();
    }
    let p = assert_problem(slow_api.post(&act(id, "check_in"), &json!({"code": foreign})).await, 409, "invalid_transition").await;
    assert_eq!(p["detail"], eline_domain::activity::CheckinRefusal::Foreign.label(), "{p}");
    // Staff check in a member whose phone is flat, with the reason.
    json_of(staff.post(&act(id, "check_in_by_hand"), &json!({"member_id": by_hand, "reason": "手机没电，现场核对身份后代签"})).await, 200).await;

    // Twenty minutes after the start the old code is expired; the fresh one is late.
    set_clock(&app, start + 20 * MINUTE);
    let p = assert_problem(slow_api.post(&act(id, "check_in"), &json!({"code": code})).await, 409, "invalid_transition").await;
    assert_eq!(p["detail"], eline_domain::activity::CheckinRefusal::Expired.label(), "{p}");
    let late_code = code_now(&staff, id).await;
    json_of(slow_api.post(&act(id, "check_in"), &json!({"code": late_code})).await, 200).await;

    // Near the end the member checks out with the screen's newest code.
    set_clock(&app, end - 5 * MINUTE);
    let out = json_of(member.post(&act(id, "check_out"), &json!({"code": code_now(&staff, id).await})).await, 200).await;
    assert!(out["mine"]["checked_out_at"].is_string(), "{out}");

    let sheet = json_of(staff.get(&format!("/api/v1/activities/{id}")).await, 200).await;
    let refused: Vec<&str> = sheet["refused_checkins"].as_array().unwrap().iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    for outcome in ["replayed", "not_invited", "foreign", "expired"] {
        assert!(refused.contains(&outcome), "{outcome} not recorded: {refused:?}");
    }
    assert_eq!(row_of(&sheet, outsider), Value::Null, "a refused outsider is not put on the list");

    let closed = json_of(staff.post(&act(id, "close"), &json!({"version": sheet["version"]})).await, 200).await;
    assert_eq!(closed["status"], "closed");
    let attendance = |m: i64| row_of(&closed, m)["attendance"].as_str().unwrap_or("").to_string();
    assert_eq!([me, by_hand, slow, away, absent].map(attendance), ["present", "present", "late", "excused", "absent"].map(String::from), "{closed}");
    assert_eq!(row_of(&closed, by_hand)["checkin_reason"], "手机没电，现场核对身份后代签");
    let c = &closed["counts"];
    assert_eq!(
        (c["present"].as_i64(), c["late"].as_i64(), c["excused"].as_i64(), c["absent"].as_i64(), c["person_times"].as_i64()),
        (Some(2), Some(1), Some(1), Some(1), Some(3))
    );
    let after = json_of(member.get(&format!("/api/v1/activities/{id}")).await, 200).await;
    assert_eq!((after["mine"]["attendance"].as_str(), after["mine"]["attendance_label"].as_str()), (Some("present"), Some("出席")));
    assert_eq!(after["allowed_actions"], json!([]));
    assert_audit_chain_ok(&app).await;
}

/// Another activity with check-in open now for `invitees` (its screen shows another code).
async fn other_open_activity(staff: &Api, invitees: &[i64], start: i64, end: i64) -> i64 {
    let body = json!({"type": "study", "title": "同时举行的学习会", "place": "二楼会议室", "starts_at": rfc(start), "ends_at": rfc(end),
        "invitee_member_ids": invitees});
    let id = json_of(staff.post("/api/v1/activities", &body).await, 201).await["id"].as_i64().unwrap();
    json_of(staff.post(&act(id, "publish"), &json!({})).await, 200).await;
    json_of(staff.post(&act(id, "open_checkin"), &json!({})).await, 200).await;
    id
}

#[tokio::test]
async fn edits_carry_the_version_and_changes_after_publishing_are_shown_to_the_invitees() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let me = own_member_id(&member).await;
    let start = now(&app) + 2 * DAY;
    let body = json!({"type": "inspection", "title": "视察城市防汛工作", "place": "市水务局", "starts_at": rfc(start), "ends_at": rfc(start + 4 * HOUR),
        "invitee_member_ids": [me]});
    let a = json_of(staff.post("/api/v1/activities", &body).await, 201).await;
    let id = a["id"].as_i64().unwrap();
    let a = json_of(staff.post(&act(id, "publish"), &json!({})).await, 200).await;
    let path = format!("/api/v1/activities/{id}");
    let p = assert_problem(staff.patch(&path, &json!({"place": "北郊泵站"})).await, 422, "validation_failed").await;
    assert_eq!(field_errors(&p)[0].0, "version");
    assert_problem(staff.patch(&path, &json!({"place": "北郊泵站", "version": a["version"].as_i64().unwrap() - 1})).await, 409, "version_conflict").await;
    let p = assert_problem(staff.patch(&path, &json!({"ends_at": rfc(start - HOUR), "version": a["version"]})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "ends_at").contains("结束时间"), "{p}");
    let edited = json_of(staff.patch(&path, &json!({"place": "北郊泵站", "version": a["version"]})).await, 200).await;
    assert_eq!(edited["version"], a["version"].as_i64().unwrap() + 1);
    let seen = json_of(member.get(&path).await, 200).await;
    assert_eq!(seen["place"], "北郊泵站");
    assert_eq!(seen["changes"][0]["field"], "place");
    assert_eq!((seen["changes"][0]["before"].as_str(), seen["changes"][0]["after"].as_str()), (Some("市水务局"), Some("北郊泵站")));
    // A member cannot edit; a bad action body is a Chinese 422.
    assert_problem(member.patch(&path, &json!({"place": "别处", "version": seen["version"]})).await, 403, "forbidden").await;
    let p = assert_problem(member.post(&act(id, "rsvp"), &json!({"attending": "也许"})).await, 422, "validation_failed").await;
    assert!(has_chinese(&p.to_string()), "{p}");
    let p = assert_problem(staff.post(&act(id, "cancel"), &json!({"reason": " "})).await, 422, "validation_failed").await;
    assert!(error_for(&p, "reason").contains("取消原因"), "{p}");
    let cancelled = json_of(staff.post(&act(id, "cancel"), &json!({"reason": "汛情紧急，改期举行"})).await, 200).await;
    assert_eq!((cancelled["status"].as_str(), cancelled["cancel_reason"].as_str()), (Some("cancelled"), Some("汛情紧急，改期举行")));
    let p = assert_problem(staff.post(&act(id, "publish"), &json!({})).await, 409, "invalid_transition").await;
    assert!(has_chinese(p["detail"].as_str().unwrap()), "{p}");
}

#[tokio::test]
async fn the_office_attaches_the_notices_materials_and_invitees_read_them_over_the_api() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let me = own_member_id(&member).await;
    let start = now(&app) + 3 * DAY;
    let body = json!({"type": "consultation", "title": "专题协商城市更新工作", "place": "协商议事厅", "starts_at": rfc(start),
        "ends_at": rfc(start + 3 * HOUR), "invitee_member_ids": [me]});
    let id = json_of(staff.post("/api/v1/activities", &body).await, 201).await["id"].as_i64().unwrap();
    let upload = format!("/api/v1/activities/{id}/attachments");
    let agenda = b"%PDF-1.4 agenda of the consultation".to_vec();
    let f = json_of(staff.upload(&format!("{upload}?purpose=material"), "协商议程.pdf", agenda.clone()).await, 201).await;
    assert_eq!((f["purpose"].as_str(), f["file_name"].as_str()), (Some("material"), Some("协商议程.pdf")));
    // Another purpose, or a member, attaches nothing.
    let p = assert_problem(staff.upload(&format!("{upload}?purpose=reply"), "答复.pdf", agenda.clone()).await, 422, "validation_failed").await;
    assert!(has_chinese(&p.to_string()), "{p}");
    json_of(staff.post(&act(id, "publish"), &json!({})).await, 200).await;
    assert_problem(member.upload(&format!("{upload}?purpose=material"), "我的.pdf", agenda.clone()).await, 403, "forbidden").await;
    let seen = json_of(member.get(&format!("/api/v1/activities/{id}")).await, 200).await;
    let materials = seen["materials"].as_array().unwrap();
    assert_eq!(materials.len(), 1, "{seen}");
    assert_eq!((materials[0]["id"].as_i64(), materials[0]["file_name"].as_str()), (f["id"].as_i64(), Some("协商议程.pdf")));
    let res = member.get(&format!("{upload}/{}", f["id"])).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), agenda);
    // A malformed or foreign file id is not found.
    assert_eq!(member.get(&format!("{upload}/abc")).await.status(), 404);
    assert_eq!(member.get(&format!("{upload}/{}", f["id"].as_i64().unwrap() + 1000)).await.status(), 404);
}

#[tokio::test]
async fn a_series_is_created_at_once_and_members_list_read_and_subscribe_to_their_activities() {
    let app = spawn_demo_app().await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let me = own_member_id(&member).await;
    let start = now(&app) + 3 * DAY;
    let body = json!({"type": "study", "title": "月度学习会", "place": "机关会议室", "starts_at": rfc(start), "ends_at": rfc(start + 2 * HOUR),
        "invitee_member_ids": [me], "repeat": "monthly", "repeat_count": 3});
    let first = json_of(staff.post("/api/v1/activities", &body).await, 201).await;
    let series: Vec<i64> = first["series_ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert_eq!(series.len(), 3, "{first}");
    assert_eq!(series[0], first["id"].as_i64().unwrap());
    let third = json_of(staff.get(&format!("/api/v1/activities/{}", series[2])).await, 200).await;
    assert_eq!((third["series_id"].as_i64(), third["series_ids"].as_array().map(Vec::len)), (Some(series[0]), Some(3)));
    let bad = json!({"type": "study", "title": "学习会", "place": "机关", "starts_at": rfc(start), "ends_at": rfc(start + HOUR), "repeat": "daily"});
    assert!(error_for(&assert_problem(staff.post("/api/v1/activities", &bad).await, 422, "validation_failed").await, "repeat").contains("重复方式"));
    assert_problem(member.post("/api/v1/activities", &body).await, 403, "forbidden").await;

    for id in &series[..2] {
        json_of(staff.post(&act(*id, "publish"), &json!({})).await, 200).await;
    }
    // The member's list: their published activities, soonest first, with their own row.
    let list = json_of(member.get("/api/v1/activities?type=study").await, 200).await;
    let ids: Vec<i64> = list["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, series[..2].to_vec(), "{list}");
    assert_eq!(list["items"][0]["on_list"], true);
    let paged = json_of(member.get("/api/v1/activities?type=study&limit=1").await, 200).await;
    let next = paged["next_cursor"].as_str().expect("a second page").to_string();
    let second = json_of(member.get(&format!("/api/v1/activities?type=study&limit=1&cursor={}", enc(&next))).await, 200).await;
    assert_eq!(second["items"][0]["id"].as_i64(), Some(series[1]));
    let office = json_of(staff.get("/api/v1/activities?status=planned&type=study").await, 200).await;
    assert_eq!(office["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![series[2]]);
    assert_problem(member.get("/api/v1/activities?when=someday").await, 422, "validation_failed").await;

    let res = member.get(&format!("/api/v1/activities/{}/ics", series[0])).await;
    assert_eq!(res.status(), 200);
    assert!(header_str(res.headers(), reqwest::header::CONTENT_TYPE).starts_with("text/calendar"));
    let text = res.text().await.unwrap();
    assert!(text.contains("BEGIN:VCALENDAR") && text.contains("月度学习会"), "{text}");
    assert_problem(member.get(&format!("/api/v1/activities/{}/ics", series[2])).await, 404, "not_found").await;

    // The calendar feed: made, shown as active, revoked.
    assert_eq!(json_of(member.get("/api/v1/calendar-feed").await, 200).await["active"], false);
    let link = json_of(member.post("/api/v1/calendar-feed", &json!({})).await, 200).await;
    assert!(link["url"].as_str().unwrap().contains("/calendar/cal_"), "{link}");
    let status = json_of(member.get("/api/v1/calendar-feed").await, 200).await;
    assert_eq!(status["active"], true);
    assert!(status["since"].as_str().unwrap().ends_with("+08:00"));
    let res = member.req(reqwest::Method::DELETE, "/api/v1/calendar-feed").send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(json_of(member.get("/api/v1/calendar-feed").await, 200).await["active"], false);
}

#[tokio::test]
async fn the_openapi_document_has_a_route_with_its_typed_body_for_every_activity_action() {
    let app = spawn_demo_app().await;
    let doc = json_of(Api::anon(&app).get("/api/openapi.json").await, 200).await;
    let paths = &doc["paths"];
    for name in eline_app::activities::ActivityAction::NAMES {
        let op = &paths[format!("/api/v1/activities/{{id}}/{name}")]["post"];
        let schema = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str().unwrap_or("");
        assert!(schema.starts_with("#/components/schemas/"), "{name}: {op}");
        assert!(op["responses"]["409"].is_object(), "{name}");
    }
    for (path, method) in [
        ("/api/v1/activities", "get"),
        ("/api/v1/activities", "post"),
        ("/api/v1/activities/{id}", "get"),
        ("/api/v1/activities/{id}", "patch"),
        ("/api/v1/activities/{id}/check-in-code", "get"),
        ("/api/v1/activities/{id}/ics", "get"),
        ("/api/v1/activities/leave-queue", "get"),
        ("/api/v1/calendar-feed", "get"),
        ("/api/v1/calendar-feed", "post"),
        ("/api/v1/calendar-feed", "delete"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path} missing");
    }
    let code = &doc["components"]["schemas"]["CodeNow"]["properties"];
    for field in ["code", "expires_at", "seconds_left", "url"] {
        assert!(code[field].is_object(), "CodeNow.{field}");
    }
    assert!(doc["components"]["schemas"]["When"].is_object(), "the list's `when` enum");
}

/// An activity for one request of the authorization matrix, in the state the route needs.
pub struct Matrix {
    pub id: i64,
    pub version: i64,
    /// The demo member's id (on the list).
    pub member_id: i64,
    /// A code the demo member may present now (check-in and check-out routes).
    pub code: String,
    /// A material of the notice (the download route).
    pub file_id: Option<i64>,
}

/// The activity a matrix request on `template` acts on (`None`: not an activity route with an id).
/// Published, starting in half an hour with the demo member on its list; `publish` gets a planned
/// one, `sign_up` an open sign-up; `approve_leave` has the member's request; the check-in routes
/// have check-in open (and for `check_out` the member checked in with the code before this one).
pub async fn matrix_fixture(app: &TestApp, template: &str, n: usize) -> Option<Matrix> {
    let rest = template.strip_prefix("/api/v1/activities/{id}")?;
    let a = &app.state.app;
    let (staff, member) = (actor(app, "staff").await, actor(app, "member").await);
    let member_id = member.member_id.expect("the demo member account is linked");
    let start = now(app) + 30 * MINUTE;
    let signup = rest == "/sign_up";
    let input = eline_app::activities::NewActivity {
        kind: Some(eline_domain::activity::Kind::Consultation),
        title: format!("矩阵活动{n}"),
        place: "协商议事厅".into(),
        starts_at: rfc(start),
        ends_at: rfc(start + 3 * HOUR),
        capacity: signup.then_some(10),
        checkout: true,
        invitee_member_ids: if signup { Vec::new() } else { vec![member_id] },
        ..Default::default()
    };
    let id = a.create_activity(&staff, &input).await.unwrap().id;
    let run = |who: &eline_domain::Actor, name: &str, body: Value| {
        let who = who.clone();
        let action = eline_app::activities::ActivityAction::parse(name, body).unwrap();
        async move { a.activity_act(&who, id, None, action).await.unwrap() }
    };
    if rest != "/publish" {
        run(&staff, "publish", json!({})).await;
    }
    if rest == "/approve_leave" {
        run(&member, "request_leave", json!({"reason": "矩阵测试请假"})).await;
    }
    let mut code = String::new();
    if matches!(rest, "/check_in" | "/check_out" | "/check_in_by_hand" | "/check-in-code") {
        run(&staff, "open_checkin", json!({})).await;
        let mut c = a.db.acquire().await.unwrap();
        let row = eline_storage::activities::get(&mut c.ex(), app.committee_id, id).await.unwrap().unwrap();
        let window = eline_domain::activity::window_of(now(app));
        code = eline_app::activities::code_of(&row.checkin_secret, id, window);
        if rest == "/check_out" {
            // Checked in with the code just before (still accepted), so that this one is newer.
            let before = eline_app::activities::code_of(&row.checkin_secret, id, window - 1);
            run(&member, "check_in", json!({"code": before})).await;
        }
    }
    let file_id = match rest {
        "/attachments/{file_id}" => {
            let record = eline_domain::RecordRef::new(eline_domain::RecordKind::ACTIVITY, id);
            Some(a.attach(&staff, record, "material", "会议议程.pdf", b"%PDF-1.4 agenda").await.unwrap().id)
        }
        _ => None,
    };
    let mut c = a.db.acquire().await.unwrap();
    let version = eline_storage::activities::get(&mut c.ex(), app.committee_id, id).await.unwrap().unwrap().version;
    Some(Matrix { id, version, member_id, code, file_id })
}

/// A valid body for an activity route of the matrix on its fixture.
pub fn matrix_body(method: &str, template: &str, m: &Matrix, n: usize) -> Value {
    match (method, template.trim_start_matches("/api/v1/activities")) {
        ("PATCH", "/{id}") | ("POST", "/{id}/edit") => json!({"title": format!("矩阵改名{n}"), "version": m.version}),
        (_, "/{id}/invite") => json!({"member_ids": [m.member_id]}),
        (_, "/{id}/rsvp") => json!({"attending": true}),
        (_, "/{id}/request_leave") => json!({"reason": "矩阵测试请假"}),
        (_, "/{id}/approve_leave") => json!({"member_id": m.member_id, "approved": true}),
        (_, "/{id}/check_in") | (_, "/{id}/check_out") => json!({"code": m.code}),
        (_, "/{id}/check_in_by_hand") => json!({"member_id": m.member_id, "reason": "矩阵测试代签"}),
        (_, "/{id}/cancel") => json!({"reason": "矩阵测试取消"}),
        _ => json!({}),
    }
}
