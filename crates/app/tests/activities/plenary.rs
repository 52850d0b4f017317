//! The plenary of issue 15's "done when": 300 invitees; leave asked on time and late, approved and
//! denied; check-ins with the code on the screen, refused ones with an expired, replayed or
//! foreign code, outside the window or by someone not invited (each recorded, none present); some
//! checked in by hand, some late, some leaving early; at close every invitee's status and the
//! person-times equal what this test counts by hand.

use std::collections::BTreeMap;

use eline_app::AppError;
use eline_app::activities::NewActivity;
use eline_domain::activity::{Attendance, CheckinRefusal, Kind, LeaveStatus, Status};
use serde_json::json;

use super::support::*;

fn refusal(result: &Result<eline_storage::activities::Activity, AppError>) -> Option<CheckinRefusal> {
    match result {
        Err(AppError::InvalidTransition(m)) => CheckinRefusal::from_message(m),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plenary_of_300_ends_with_every_status_and_the_person_times_counted_by_hand() {
    let w = World::new(301).await;
    let m = &w.members;
    let t0 = w.now() / MINUTE * MINUTE;
    let starts = t0 + 10 * DAY;
    let ends = starts + 3 * HOUR;
    let invited: Vec<i64> = m[..300].iter().map(|a| a.member_id.unwrap()).collect();
    let a = w
        .create(NewActivity {
            kind: Some(Kind::Plenary),
            title: "政协第十三届委员会第三次会议".into(),
            place: "市政协大会堂".into(),
            starts_at: w.at(starts),
            ends_at: w.at(ends),
            checkout: true,
            invitee_member_ids: invited.clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(a.status, Status::Planned);
    assert!(
        matches!(w.act(&m[0], a.id, "request_leave", json!({"reason": "出差"})).await, Err(AppError::NotFound)),
        "a planned activity is the office's alone"
    );
    w.ok(&w.staff, a.id, "publish", json!({})).await;
    assert_eq!(w.view(&w.staff, a.id).await.counts.invited, 300);

    // Leave on time: 0–9; approved 0–4, denied 5–7, 8–9 never decided.
    for i in 0..10 {
        w.ok(&m[i], a.id, "request_leave", json!({"reason": format!("第{i}位委员出差在外")})).await;
    }
    let empty = w.act(&m[10], a.id, "request_leave", json!({"reason": "  "})).await;
    assert!(matches!(empty, Err(AppError::Validation(ref e)) if e[0].field == "reason"), "{empty:?}");
    for i in 0..8 {
        w.ok(&w.staff, a.id, "approve_leave", json!({"member_id": invited[i], "approved": i < 5})).await;
    }
    // A member may not decide leave, nor read another's reason.
    assert!(matches!(w.act(&m[30], a.id, "approve_leave", json!({"member_id": invited[8], "approved": true})).await, Err(AppError::Forbidden)));
    let theirs = w.view(&m[30], a.id).await;
    assert!(theirs.invitees.is_empty(), "a member sees no one else's row");
    assert!(!serde_json::to_string(&theirs).unwrap().contains("出差在外"), "nor any leave reason");
    assert_eq!(w.view(&m[3], a.id).await.mine.unwrap().row.leave_reason.as_deref(), Some("第3位委员出差在外"));

    // Late leave (after the deadline, three days before the plenary): 10–12; approved 10–11, denied 12.
    w.app.clock.advance(8 * DAY);
    for i in 10..13 {
        w.ok(&m[i], a.id, "request_leave", json!({"reason": "临时有事"})).await;
    }
    for i in 10..13 {
        w.ok(&w.staff, a.id, "approve_leave", json!({"member_id": invited[i], "approved": i < 12})).await;
    }
    let staff_view = w.view(&w.staff, a.id).await;
    let late: Vec<bool> = staff_view.invitees.iter().filter(|i| i.listed.invitee.leave_status.is_some()).map(|i| i.listed.invitee.leave_late).collect();
    assert_eq!(late.iter().filter(|l| **l).count(), 3, "the three asked after the deadline are marked late");

    // Check-in: not before it is opened; then with the code on the screen.
    w.app.clock.advance(starts - 30 * MINUTE - w.now());
    assert!(matches!(w.act(&m[20], a.id, "check_in", json!({"code": "000000"})).await, Err(AppError::InvalidTransition(_))));
    assert!(matches!(w.app.activity_code(&w.staff, a.id).await, Err(AppError::InvalidTransition(_))));
    w.ok(&w.staff, a.id, "open_checkin", json!({})).await;
    assert!(matches!(w.app.activity_code(&m[20], a.id).await, Err(AppError::Forbidden)), "members never see the code");
    let mut used = BTreeMap::new();
    for i in 20..200 {
        let code = w.code(a.id).await;
        w.ok(&m[i], a.id, "check_in", json!({"code": code})).await;
        used.insert(i, code);
    }
    assert!(matches!(w.act(&m[20], a.id, "check_in", json!({"code": w.code(a.id).await})).await, Err(AppError::InvalidTransition(_))), "once only");

    // Refused, recorded, and nobody present by them.
    let expired = w.act(&m[200], a.id, "check_in", json!({"code": w.old_code(a.id, 5).await})).await;
    assert_eq!(refusal(&expired), Some(CheckinRefusal::Expired), "{expired:?}");
    let other = w
        .create(NewActivity {
            kind: Some(Kind::Study),
            title: "学习会".into(),
            place: "三楼".into(),
            starts_at: w.at(starts),
            ends_at: w.at(ends),
            ..Default::default()
        })
        .await;
    w.ok(&w.staff, other.id, "publish", json!({})).await;
    w.ok(&w.staff, other.id, "open_checkin", json!({})).await;
    let mut foreign_code = w.code(other.id).await;
    let mut ours = Vec::new();
    for back in 0..240 {
        ours.push(w.old_code(a.id, back).await);
    }
    while ours.contains(&foreign_code) {
        foreign_code = format!("{:06}", (foreign_code.parse::<u32>().unwrap() + 1) % 1_000_000);
    }
    let foreign = w.act(&m[201], a.id, "check_in", json!({"code": foreign_code})).await;
    assert_eq!(refusal(&foreign), Some(CheckinRefusal::Foreign), "{foreign:?}");
    let replayed = w.act(&m[20], a.id, "check_out", json!({"code": used[&20]})).await;
    assert_eq!(refusal(&replayed), Some(CheckinRefusal::Replayed), "{replayed:?}");
    let stranger = w.act(&m[300], a.id, "check_in", json!({"code": w.code(a.id).await})).await;
    assert_eq!(refusal(&stranger), Some(CheckinRefusal::NotInvited), "{stranger:?}");
    // Nobody checks in for someone else: a member cannot check in by hand.
    let proxy = w.act(&m[22], a.id, "check_in_by_hand", json!({"member_id": invited[201], "reason": "帮他签"})).await;
    assert!(matches!(proxy, Err(AppError::Forbidden)), "{proxy:?}");

    // By hand (the office, with a reason): 202–206.
    for i in 202..207 {
        w.ok(&w.staff, a.id, "check_in_by_hand", json!({"member_id": invited[i], "reason": "手机没电，现场核对身份"})).await;
    }
    let no_reason = w.act(&w.staff, a.id, "check_in_by_hand", json!({"member_id": invited[207], "reason": ""})).await;
    assert!(matches!(no_reason, Err(AppError::Validation(_))));

    // Late: 210–219 twenty minutes after the start.
    w.app.clock.advance(50 * MINUTE);
    for i in 210..220 {
        w.ok(&m[i], a.id, "check_in", json!({"code": w.code(a.id).await})).await;
    }
    // Leaving after an hour (a third of the meeting): 21–25; after 130 minutes: 26–28.
    w.app.clock.advance(40 * MINUTE);
    for i in 21..26 {
        w.ok(&m[i], a.id, "check_out", json!({"code": w.code(a.id).await})).await;
    }
    w.app.clock.advance(70 * MINUTE);
    for i in 26..29 {
        w.ok(&m[i], a.id, "check_out", json!({"code": w.code(a.id).await})).await;
    }
    // After the window: refused.
    w.app.clock.advance(ends + MINUTE - w.now());
    let after = w.act(&m[250], a.id, "check_in", json!({"code": w.code(a.id).await})).await;
    assert_eq!(refusal(&after), Some(CheckinRefusal::OutsideWindow), "{after:?}");
    assert_eq!(w.refused(a.id).await, ["expired", "foreign", "not_invited", "outside_window", "replayed"]);

    assert!(matches!(w.act(&m[20], a.id, "close", json!({})).await, Err(AppError::Forbidden)));
    let closed = w.ok(&w.staff, a.id, "close", json!({})).await;
    assert_eq!(closed.status, Status::Closed);

    // What this test expects, member by member.
    let expect = |i: usize| -> Attendance {
        match i {
            0..5 | 10 | 11 => Attendance::Excused,
            21..26 => Attendance::Absent,
            20..200 | 202..207 => Attendance::Present,
            210..220 => Attendance::Late,
            _ => Attendance::Absent,
        }
    };
    let v = w.view(&w.staff, a.id).await;
    let by_member: BTreeMap<i64, Option<Attendance>> = v.invitees.iter().map(|i| (i.listed.invitee.member_id, *i.listed.invitee.attendance)).collect();
    for (i, id) in invited.iter().enumerate() {
        assert_eq!(by_member[id], Some(expect(i)), "member {i}");
    }
    for i in [200, 201] {
        assert!(
            v.invitees.iter().any(|r| r.listed.invitee.member_id == invited[i] && r.listed.invitee.checked_in_at.is_none()),
            "refused codes check no one in"
        );
    }
    let count = |a: Attendance| (0..300).filter(|i| expect(*i) == a).count() as i64;
    assert_eq!(
        (v.counts.present, v.counts.late, v.counts.excused, v.counts.absent),
        (count(Attendance::Present), count(Attendance::Late), count(Attendance::Excused), count(Attendance::Absent))
    );
    assert_eq!((v.counts.present, v.counts.late, v.counts.excused, v.counts.absent), (180, 10, 7, 103));
    assert_eq!(v.counts.person_times, 190, "person-times are the present and late");
    assert_eq!(v.counts.leave_approved, 7);
    assert!(v.invitees.iter().any(|r| *r.listed.invitee.leave_status == Some(LeaveStatus::Requested)), "undecided leave stays visible");
    // Closed: attendance is final.
    assert!(matches!(
        w.act(&w.staff, a.id, "check_in_by_hand", json!({"member_id": invited[250], "reason": "补签"})).await,
        Err(AppError::InvalidTransition(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_members_checking_in_at_once_all_land_and_the_activity_keeps_its_version() {
    let w = World::new(40).await;
    let starts = w.now() / MINUTE * MINUTE + 20 * MINUTE;
    let a = w
        .create(NewActivity {
            kind: Some(Kind::Plenary),
            title: "全体会议".into(),
            place: "大会堂".into(),
            starts_at: w.at(starts),
            ends_at: w.at(starts + 3 * HOUR),
            invitee_member_ids: w.members.iter().map(|m| m.member_id.unwrap()).collect(),
            ..Default::default()
        })
        .await;
    w.ok(&w.staff, a.id, "publish", json!({})).await;
    let open = w.ok(&w.staff, a.id, "open_checkin", json!({})).await;
    let code = w.code(a.id).await;
    let mut all = tokio::task::JoinSet::new();
    for m in w.members.clone() {
        let (app, code) = (w.app.clone(), code.clone());
        all.spawn(async move {
            let action = eline_app::activities::ActivityAction::parse("check_in", json!({"code": code})).unwrap();
            app.activity_act(&m, a.id, None, action).await.map(|_| ())
        });
    }
    while let Some(done) = all.join_next().await {
        done.unwrap().expect("every check-in lands");
    }
    let v = w.view(&w.staff, a.id).await;
    assert_eq!(v.counts.checked_in, 40);
    assert_eq!(v.a.version, open.version, "check-ins change members' rows, not the activity");
    assert_eq!(v.events.iter().filter(|e| e.action == "check_in").count(), 40, "each on the timeline (and in the audit log)");
}
