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

/// The office's and a unit's home figures (migration 0019 counts each from its own index)
/// against the same figures counted here from every proposal's stored row.
#[tokio::test]
async fn the_office_and_unit_home_figures_equal_a_count_of_the_records_by_hand() {
    let w = World::new().await;
    let submitted = w.draft(&w.member, "关于规范校外培训机构的提案").await;
    w.ok(&w.member, submitted.id, "submit", json!({})).await;
    w.filed("关于完善公共法律服务体系的提案").await;
    let objected = w.assigned("关于加强河涌综合整治的提案").await;
    w.ok(&w.unit, objected.id, "object", json!({"reason": "河涌整治属水务局职责"})).await;
    let extended = w.assigned("关于推进老旧小区改造的提案").await;
    w.ok(&w.unit, extended.id, "request_extension", json!({"reason": "涉及多部门协调"})).await;
    let late = w.assigned("关于优化营商环境的提案").await;
    w.age(late.id, |p| p.due_on = Some(LONG_AGO.into())).await;
    let unrated = w.replied("关于发展夜间经济的提案").await;
    w.age(unrated.id, |p| p.evaluation_due_on = Some(LONG_AGO.into())).await;
    w.replied("关于加强食品安全监管的提案").await;
    // Two closed with a promise each: one kept, one not yet (回头看).
    let mut promised = Vec::new();
    for title in ["关于建设社区体育公园的提案", "关于增设公共充电桩的提案"] {
        let p = w.assigned(title).await;
        let mut body = reply("B");
        body["commitments"] = json!([{"promise": "年底前完成", "due_on": "2030-12-31"}]);
        w.ok(&w.unit, p.id, "reply", body).await;
        w.ok(&w.member, p.id, "evaluate", json!({"satisfaction": "basically_satisfied"})).await;
        promised.push(p.id);
    }
    let kept = w.view(&w.staff, promised[0]).await.commitments[0].id;
    w.ok(&w.unit, promised[0], "follow_up", json!({"commitment_id": kept, "evidence": "已完成"})).await;

    let today = eline_app::proposals::today().format("%Y-%m-%d").to_string();
    let mut office = eline_storage::proposals::Queues::default();
    let mut unit = eline_storage::proposals::Queues::default();
    let unit_id = w.uid(&w.unit);
    for id in w.list(&w.staff, json!({"scope": "all"})).await.expect("all proposals") {
        let p = w.row(id).await;
        let v = w.view(&w.staff, id).await;
        let status = p.status.to_string();
        let handling = ["assigned", "rehandling"].contains(&status.as_str());
        let mine = eline_storage::proposals::Queues {
            to_review: i64::from(status == "submitted"),
            to_assign: i64::from(status == "filed"),
            objections: i64::from(status == "assigned" && p.objection_open),
            extensions: i64::from(status == "assigned" && p.extension_requested),
            overdue: i64::from(handling && p.due_on.as_deref().is_some_and(|d| d < today.as_str())),
            to_close: i64::from(status == "replied" && (p.evaluation_due_on.as_deref().is_some_and(|d| d < today.as_str()) || p.dissatisfied_rounds >= 2)),
            lookback: i64::from(status == "closed" && v.commitments.iter().any(|c| c.done_at.is_none())),
            in_handling: i64::from(handling),
            closed: i64::from(status == "closed"),
        };
        add(&mut office, &mine);
        if v.assignments.iter().any(|a| a.unit_id == unit_id && a.active) {
            add(&mut unit, &mine);
        }
    }
    let o = &office;
    let every = [o.to_review, o.to_assign, o.objections, o.extensions, o.overdue, o.to_close, o.lookback, o.in_handling, o.closed];
    assert!(every.iter().all(|n| *n >= 1), "the story reaches every figure: {o:?}");
    assert_eq!(w.app.proposal_home(&w.staff).await.expect("office home").queues, office);
    assert_eq!(w.app.proposal_home(&w.unit).await.expect("unit home").queues, unit);
}

fn add(sum: &mut eline_storage::proposals::Queues, one: &eline_storage::proposals::Queues) {
    sum.to_review += one.to_review;
    sum.to_assign += one.to_assign;
    sum.objections += one.objections;
    sum.extensions += one.extensions;
    sum.overdue += one.overdue;
    sum.to_close += one.to_close;
    sum.lookback += one.lookback;
    sum.in_handling += one.in_handling;
    sum.closed += one.closed;
}
