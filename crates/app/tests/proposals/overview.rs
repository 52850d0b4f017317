//! The leader's home (issue 12, point 8): the current session's rates, the units with overdue
//! proposals (most first) and the key proposals' progress, counted from the records.

use eline_app::AppError;
use serde_json::json;

use super::support::{LONG_AGO, World, reply};

#[tokio::test]
async fn a_leader_sees_the_sessions_rates_the_overdue_units_and_the_key_proposals() {
    let w = World::new().await;
    let before = w.app.leader_overview(&w.leader).await.expect("overview");
    let late_a = w.assigned("关于完善社区养老服务设施的提案").await;
    let late_b = w.assigned("关于加强中小学课后服务的提案").await;
    let late_c = w.filed("关于推进垃圾分类减量的提案").await;
    w.ok(&w.staff, late_c.id, "assign", json!({"lead_unit_id": w.uid(&w.unit_c)})).await;
    let on_time = w.assigned("关于优化公交线网的提案").await;
    for p in [&late_a, &late_b, &late_c] {
        w.age(p.id, |p| p.due_on = Some(LONG_AGO.into())).await;
    }
    // Replied late is no longer overdue.
    w.ok(&w.unit, late_b.id, "reply", reply("A")).await;
    let key = w.filed("关于打造湾区文化名城的提案").await;
    w.ok(&w.staff, key.id, "mark_key", json!({"supervisor_ids": [w.leader.user_id]})).await;

    let o = w.app.leader_overview(&w.leader).await.expect("overview");
    assert_eq!(o.session_id, Some(w.session_ids[0]), "the current session");
    assert_eq!(o.overdue, before.overdue + 2);
    let count = |o: &eline_app::proposals::LeaderOverview, unit: i64| o.overdue_units.iter().find(|u| u.unit_id == unit).map_or(0, |u| u.overdue);
    assert_eq!(count(&o, w.uid(&w.unit)), count(&before, w.uid(&w.unit)) + 1, "late_a; late_b was replied");
    assert_eq!(count(&o, w.uid(&w.unit_c)), count(&before, w.uid(&w.unit_c)) + 1);
    assert_eq!(count(&o, w.uid(&w.unit_b)), count(&before, w.uid(&w.unit_b)), "co-units are not counted");
    assert!(o.overdue_units.windows(2).all(|u| u[0].overdue >= u[1].overdue), "most overdue first");
    // The rates are the session's statistics.
    let stats = w.app.proposal_stats(&w.staff, Some(w.session_ids[0])).await.expect("stats");
    assert_eq!(o.figures, stats.totals);
    assert_eq!(o.figures.filed, before.figures.filed + 5);
    assert_eq!(o.figures.replied, before.figures.replied + 1);
    // Key proposals of the session.
    assert!(o.key.iter().any(|r| r.id == key.id) && o.key_total >= 1);
    assert!(!o.key.iter().any(|r| r.id == on_time.id));
    // Only those who read statistics.
    assert!(matches!(w.app.leader_overview(&w.member).await, Err(AppError::Forbidden)));
}
