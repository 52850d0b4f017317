//! Sign-up with a waiting list, changes after publishing, series, cancellation, the calendar feed,
//! the leader as approver, and who sees what.

use eline_app::AppError;
use eline_app::activities::{ActivityFilter, NewActivity};
use eline_domain::activity::{Kind, Participation, Status};
use eline_domain::{Access, RecordKind, RecordRef};
use serde_json::json;

use super::support::*;

fn study(w: &World, starts: i64) -> NewActivity {
    NewActivity {
        kind: Some(Kind::Study),
        title: "委员读书会".into(),
        place: "政协三楼会议室".into(),
        starts_at: w.at(starts),
        ends_at: w.at(starts + 2 * HOUR),
        ..Default::default()
    }
}

async fn unread_kinds(w: &World, who: &eline_domain::Actor) -> Vec<String> {
    let page = w.app.inbox(who, &Default::default(), None, Some(200)).await.unwrap();
    page.items.into_iter().map(|i| i.kind).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_fills_the_places_then_the_waiting_list_and_a_place_given_up_moves_the_first_up() {
    let w = World::new(4).await;
    let m = &w.members;
    let a = w.create(NewActivity { capacity: Some(2), ..study(&w, w.now() + 5 * DAY) }).await;
    assert_eq!(a.participation, Participation::Signup);
    assert!(matches!(w.act(&m[0], a.id, "sign_up", json!({})).await, Err(AppError::NotFound)), "not before publishing");
    w.ok(&w.staff, a.id, "publish", json!({})).await;
    let open = w.app.activities(&m[0], &ActivityFilter { signup: true, ..Default::default() }).await.unwrap();
    assert_eq!(open.items.iter().map(|r| r.id).collect::<Vec<_>>(), [a.id], "members find open sign-ups");
    for i in 0..3 {
        w.ok(&m[i], a.id, "sign_up", json!({})).await;
    }
    assert!(matches!(w.act(&m[0], a.id, "sign_up", json!({})).await, Err(AppError::InvalidTransition(_))), "once");
    let v = w.view(&w.staff, a.id).await;
    assert_eq!((v.counts.invited, v.counts.waiting), (2, 1));
    assert!(w.view(&m[2], a.id).await.mine.unwrap().row.waiting);
    assert!(matches!(w.act(&m[2], a.id, "request_leave", json!({"reason": "x"})).await, Err(AppError::Forbidden)), "the waiting list asks no leave");
    // The first gives the place up: the third moves up and is told.
    w.ok(&m[0], a.id, "rsvp", json!({"attending": false})).await;
    let v = w.view(&w.staff, a.id).await;
    assert_eq!((v.counts.invited, v.counts.waiting), (2, 0));
    assert!(!w.view(&m[2], a.id).await.mine.unwrap().row.waiting);
    assert!(unread_kinds(&w, &m[2]).await.contains(&"activity.place_offered".to_string()));
    assert!(w.view(&m[0], a.id).await.mine.is_none());
    // An invited activity takes no sign-up.
    let b = w.create(study(&w, w.now() + 6 * DAY)).await;
    w.ok(&w.staff, b.id, "publish", json!({})).await;
    assert!(matches!(w.act(&m[3], b.id, "sign_up", json!({})).await, Err(AppError::InvalidTransition(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_of_time_or_place_after_publishing_is_shown_and_told_and_cancelling_tells_everyone() {
    let w = World::new(3).await;
    let m = &w.members;
    let starts = w.now() / MINUTE * MINUTE + 5 * DAY;
    let ids: Vec<i64> = m[..2].iter().map(|a| a.member_id.unwrap()).collect();
    let a = w.create(NewActivity { invitee_member_ids: ids.clone(), ..study(&w, starts) }).await;
    // Before publishing a change is no news.
    let a = w.ok(&w.staff, a.id, "edit", json!({"place": "二楼会议室"})).await;
    assert_eq!(a.changes, 0);
    w.ok(&w.staff, a.id, "publish", json!({})).await;
    assert!(unread_kinds(&w, &m[0]).await.contains(&"activity.published".to_string()));
    assert!(!unread_kinds(&w, &m[2]).await.contains(&"activity.published".to_string()), "only the invitees are told");
    let a = w.ok(&w.staff, a.id, "edit", json!({"starts_at": w.at(starts + HOUR), "ends_at": w.at(starts + 3 * HOUR), "place": "五楼报告厅"})).await;
    assert_eq!(a.changes, 1);
    let v = w.view(&m[0], a.id).await;
    let fields: Vec<&str> = v.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["time", "place"]);
    assert_eq!(v.changes[1].after_value, "五楼报告厅");
    assert!(unread_kinds(&w, &m[1]).await.contains(&"activity.changed".to_string()));
    let bad = w.act(&w.staff, a.id, "edit", json!({"ends_at": w.at(starts - HOUR)})).await;
    assert!(matches!(bad, Err(AppError::Validation(ref e)) if e[0].field == "ends_at"), "{bad:?}");
    // The feed carries the change as a new sequence.
    let url = w.app.regenerate_calendar_feed(&m[0]).await.unwrap();
    let token = url.rsplit('/').next().unwrap().trim_end_matches(".ics");
    let feed = w.app.calendar_feed(token).await.unwrap().expect("the feed");
    assert!(feed.contains("BEGIN:VCALENDAR") && feed.contains("SEQUENCE:1") && feed.contains("五楼报告厅"), "{feed}");
    let again = w.app.regenerate_calendar_feed(&m[0]).await.unwrap();
    assert!(w.app.calendar_feed(token).await.unwrap().is_none(), "the old link stops working");
    let token2 = again.rsplit('/').next().unwrap().trim_end_matches(".ics").to_string();
    assert!(w.app.revoke_calendar_feed(&m[0]).await.unwrap());
    assert!(w.app.calendar_feed(&token2).await.unwrap().is_none());
    let no_reason = w.act(&w.staff, a.id, "cancel", json!({"reason": ""})).await;
    assert!(matches!(no_reason, Err(AppError::Validation(_))));
    let a = w.ok(&w.staff, a.id, "cancel", json!({"reason": "台风预警，延期举行"})).await;
    assert_eq!(a.status, Status::Cancelled);
    assert!(unread_kinds(&w, &m[1]).await.contains(&"activity.cancelled".to_string()));
    assert!(w.app.activity_ics(&m[1], a.id).await.unwrap().body.contains("STATUS:CANCELLED"));
    assert!(matches!(w.act(&m[0], a.id, "request_leave", json!({"reason": "x"})).await, Err(AppError::InvalidTransition(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_monthly_series_is_created_at_once_and_a_leader_approves_the_leave_of_a_standing_meeting() {
    let w = World::new(2).await;
    let m = &w.members;
    let starts = w.now() / MINUTE * MINUTE + 3 * DAY;
    let first = w
        .create(NewActivity { repeat: Some("monthly".into()), repeat_count: Some(6), invitee_member_ids: vec![m[0].member_id.unwrap()], ..study(&w, starts) })
        .await;
    let all = w.app.activities(&w.staff, &ActivityFilter::default()).await.unwrap();
    let series: Vec<_> = all.items.iter().filter(|r| r.title == "委员读书会").collect();
    assert_eq!(series.len(), 6);
    let mut c = w.t.db.acquire().await.unwrap();
    let last = eline_storage::activities::get(&mut c.ex(), w.cid, series[0].id).await.unwrap().unwrap();
    drop(c);
    assert_eq!(last.series_id, Some(first.id));
    let bad = w.app.create_activity(&w.staff, &NewActivity { repeat: Some("daily".into()), repeat_count: Some(3), ..study(&w, starts) }).await;
    assert!(matches!(bad, Err(AppError::Validation(ref e)) if e[0].field == "repeat"), "{bad:?}");
    let missing = w.app.create_activity(&w.staff, &NewActivity::default()).await;
    assert!(matches!(missing, Err(AppError::Validation(ref e)) if e.len() >= 4), "every missing field at once: {missing:?}");
    assert!(matches!(w.app.create_activity(&m[0], &study(&w, starts)).await, Err(AppError::Forbidden)));

    // A standing-committee meeting whose leave the leader decides, not the office.
    let meeting = w
        .create(NewActivity {
            kind: Some(Kind::Standing),
            approver_id: Some(w.leader.user_id),
            invitee_member_ids: vec![m[1].member_id.unwrap()],
            ..study(&w, starts)
        })
        .await;
    w.ok(&w.staff, meeting.id, "publish", json!({})).await;
    w.ok(&m[1], meeting.id, "request_leave", json!({"reason": "住院治疗"})).await;
    assert_eq!(w.app.leave_queue(&w.leader).await.unwrap().len(), 1);
    assert!(w.app.leave_queue(&w.staff).await.unwrap().iter().all(|r| r.activity_id != meeting.id), "not the office's to decide");
    // The figure on the approvers' home pages counts the queue each of them reads.
    for approver in [&w.leader, &w.staff] {
        assert_eq!(w.app.leave_waiting(approver).await.unwrap(), w.app.leave_queue(approver).await.unwrap().len() as i64);
    }
    assert_eq!(w.app.leave_waiting(&w.leader).await.unwrap(), 1);
    assert!(matches!(w.app.leave_waiting(&m[1]).await, Err(AppError::Forbidden)), "members approve no leave");
    assert!(matches!(w.act(&w.staff, meeting.id, "approve_leave", json!({"member_id": m[1].member_id, "approved": true})).await, Err(AppError::Forbidden)));
    let seen = w.view(&w.leader, meeting.id).await;
    assert_eq!(seen.access, Access::Full);
    assert_eq!(seen.invitees[0].listed.invitee.leave_reason.as_deref(), Some("住院治疗"), "the approver reads the reason");
    w.ok(&w.leader, meeting.id, "approve_leave", json!({"member_id": m[1].member_id, "approved": true, "note": "早日康复"})).await;
    assert!(unread_kinds(&w, &m[1]).await.contains(&"activity.leave_decided".to_string()));
    assert!(w.app.leave_queue(&w.leader).await.unwrap().is_empty());
    assert_eq!(w.app.leave_waiting(&w.leader).await.unwrap(), 0);
    // A unit account sees no activity at all.
    let mut c = w.t.db.acquire().await.unwrap();
    let unit = eline_app::auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), "unit").await.unwrap().unwrap());
    drop(c);
    assert!(matches!(w.app.activity(&unit, meeting.id).await, Err(AppError::NotFound)));
    let seen = w.app.see(&m[0], RecordRef::new(RecordKind::ACTIVITY, meeting.id)).await.unwrap();
    assert_eq!(seen.access, Access::Public, "another member reads the notice only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undecided_leave_is_reminded_to_its_approver_once_per_stage() {
    use chrono::Datelike;
    let w = World::new(3).await;
    let m = &w.members;
    // A Wednesday at least a week ahead, 09:00 Beijing.
    let mut day = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive() + chrono::Duration::days(7);
    while day.weekday() != chrono::Weekday::Wed {
        day += chrono::Duration::days(1);
    }
    let starts = format!("{day}T09:00");
    let input = NewActivity {
        kind: Some(Kind::Standing),
        title: "常委会议".into(),
        place: "常委会议室".into(),
        starts_at: starts,
        ends_at: format!("{day}T11:00"),
        approver_id: Some(w.leader.user_id),
        invitee_member_ids: m.iter().map(|a| a.member_id.unwrap()).collect(),
        ..Default::default()
    };
    let a = w.create(input).await;
    w.ok(&w.staff, a.id, "publish", json!({})).await;
    w.ok(&m[0], a.id, "request_leave", json!({"reason": "出差"})).await;
    w.ok(&m[1], a.id, "request_leave", json!({"reason": "开会"})).await;
    async fn due(w: &World) -> usize {
        unread_kinds(w, &w.leader).await.iter().filter(|k| *k == "activity.leave_due").count()
    }
    // Two working days before (Monday): one reminder for the two requests; a rerun adds nothing.
    let monday = day - chrono::Duration::days(2);
    assert!(w.app.remind(w.cid, monday).await.unwrap() >= 1);
    assert_eq!(due(&w).await, 1);
    assert_eq!(w.app.remind(w.cid, monday).await.unwrap(), 0);
    // Once decided, nothing more on the day.
    for i in 0..2 {
        w.ok(&w.leader, a.id, "approve_leave", json!({"member_id": m[i].member_id, "approved": true})).await;
    }
    w.app.remind(w.cid, day).await.unwrap();
    assert_eq!(due(&w).await, 1);
    // The office is not told of a leader's queue.
    assert!(!unread_kinds(&w, &w.staff).await.contains(&"activity.leave_due".to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_has_meetings_held_one_open_for_check_in_and_some_to_come() {
    let w = World::new(1).await;
    assert_eq!(w.app.load_demo_activities(w.cid).await.unwrap(), 8);
    let all = w.app.activities(&w.staff, &ActivityFilter::default()).await.unwrap();
    let statuses: Vec<Status> = all.items.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == Status::Closed).count(), 2);
    assert_eq!(statuses.iter().filter(|s| **s == Status::CheckinOpen).count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == Status::Planned).count(), 1);
    let held = all.items.iter().find(|r| r.kind == Kind::Standing).unwrap();
    let v = w.view(&w.staff, held.id).await;
    assert_eq!((v.counts.invited, v.counts.person_times), (45, 38), "the demo member and 37 from the paper sheet");
    // The demo member's own list: the inspection open now, the plenary, the reading group.
    let mine = w.app.activities(&w.members[0], &ActivityFilter::default()).await.unwrap();
    let kinds: Vec<Kind> = mine.items.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [Kind::Inspection, Kind::Study, Kind::Plenary], "{kinds:?}");
    assert!(w.view(&w.members[0], mine.items[0].id).await.actions.contains(&"check_in"));
    assert!(w.now().abs_diff(eline_storage::now_micros()) < 60_000_000, "the clock is back to now");
}
