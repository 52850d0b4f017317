//! Stories of handling (办理): objections and reassignment, extensions, rehandling after 不满意,
//! closing, split handling, promises followed up after closing, key proposals and supervision.
//! Multi-threaded runtimes: on PostgreSQL, `TestDb`'s drop blocks the test thread on DROP SCHEMA
//! while a just-refused action's connection may still have to roll back on the runtime (see story.rs).

use eline_app::AppError;
use eline_app::proposals::{ActionInput, CloseInput, today};
use eline_domain::calendar::Period;
use serde_json::json;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_objects_within_the_window_and_after_reassignment_only_the_new_unit_replies() {
    let w = World::new().await;
    let p = w.filed("关于整治河涌污染的建议").await;
    let id = p.id;
    w.ok(&w.staff, id, "assign", json!({"lead_unit_id": w.uid(&w.unit)})).await;
    let old_name = w.view(&w.unit, id).await.assignments[0].unit_name.clone();

    let err = w.refused(&w.unit, id, "object", json!({"reason": " "})).await;
    assert!(is_validation(&err, "reason"), "{err:?}");
    let p = w.ok(&w.unit, id, "object", json!({"reason": "河涌整治属水务局职责"})).await;
    assert_eq!(p.status, "assigned");
    assert!(p.objection_open);
    assert_eq!(w.last_note(id).await, format!("{old_name}申请调整：河涌整治属水务局职责"));
    assert_eq!(w.view(&w.staff, id).await.assignments[0].objection_reason.as_deref(), Some("河涌整治属水务局职责"));
    assert_eq!(w.allowed(&w.unit, id).await, ["contact", "request_extension"], "no reply and no second objection while it is open");
    let err = w.refused(&w.unit, id, "reply", reply("A")).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m.contains("调整申请")), "{err:?}");
    w.refused(&w.unit, id, "object", json!({"reason": "再次申请"})).await;
    assert!(w.allowed(&w.staff, id).await.contains(&"reassign"));

    let new = w.uid(&w.unit_c);
    let p = w.ok(&w.staff, id, "reassign", json!({"lead_unit_id": new})).await;
    assert_eq!(p.status, "assigned");
    assert!(!p.objection_open);
    let due_on = p.due_on.clone().unwrap();
    let v = w.view(&w.staff, id).await;
    let rows: Vec<(i64, bool)> = v.assignments.iter().map(|a| (a.unit_id, a.active)).collect();
    assert_eq!(rows, [(new, true), (w.uid(&w.unit), false)]);
    let new_name = v.assignments[0].unit_name.clone();
    assert_eq!(w.last_note(id).await, format!("重新交办至{new_name}（主办），答复期限{due_on}（3个月）"));

    // The old unit still reads what it handled, but has nothing left to do.
    let old_view = w.view(&w.unit, id).await;
    assert!(old_view.allowed_actions.is_empty());
    assert_eq!(old_view.my_unit_role, None);
    assert!(!w.list(&w.unit, json!({})).await.unwrap().contains(&id), "no longer in the old unit's list");

    assert_eq!(w.allowed(&w.unit_c, id).await, ["object", "contact", "request_extension", "reply"]);
    let p = w.ok(&w.unit_c, id, "reply", reply("A")).await;
    assert_eq!(p.status, "replied");
    assert_eq!(w.view(&w.member, id).await.replies[0].unit_id, new);
    assert_eq!(actions(&w.timeline(id).await), ["create", "submit", "review", "assign", "object", "reassign", "reply"]);

    let err = w.refused(&w.unit, id, "contact", json!({"text": "补充沟通"})).await;
    assert!(matches!(err, AppError::Forbidden), "{err:?}");
    assert_eq!(w.denials(id).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_objection_after_the_seven_working_day_window_is_refused() {
    let w = World::new().await;
    let p = w.assigned("关于整治河涌污染的建议").await;
    w.age(p.id, |p| p.assigned_on = Some(LONG_AGO.into())).await;
    assert!(!w.allowed(&w.unit, p.id).await.contains(&"object"));
    let err = w.refused(&w.unit, p.id, "object", json!({"reason": "不属于本单位职责"})).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m == "已超过申请调整的期限"), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extension_approved_by_staff_moves_the_due_date_to_six_months_after_assignment() {
    let w = World::new().await;
    let p = w.assigned("关于建设区域医疗中心的建议").await;
    let id = p.id;
    let three = p.due_on.clone().unwrap();
    assert!(!w.allowed(&w.unit_b, id).await.contains(&"request_extension"), "a co-unit does not reply, so does not ask for more time");
    assert!(!w.allowed(&w.staff, id).await.contains(&"decide_extension"));

    let err = w.refused(&w.unit, id, "request_extension", json!({"reason": ""})).await;
    assert!(is_validation(&err, "reason"), "{err:?}");
    let p = w.ok(&w.unit, id, "request_extension", json!({"reason": "涉及多部门协调及财政预算安排"})).await;
    assert_eq!(p.status, "assigned");
    assert!(p.extension_requested);
    assert_eq!(p.due_on.as_deref(), Some(three.as_str()), "nothing moves before staff decide");
    assert_eq!(w.last_note(id).await, "申请延期答复：涉及多部门协调及财政预算安排");
    w.refused(&w.unit, id, "request_extension", json!({"reason": "再次申请"})).await;
    assert!(w.allowed(&w.staff, id).await.contains(&"decide_extension"));

    let p = w.ok(&w.staff, id, "decide_extension", json!({"approved": true, "comment": "同意"})).await;
    assert_eq!(p.status, "assigned");
    assert!(p.extended && !p.extension_requested);
    let six = p.due_on.clone().unwrap();
    assert_eq!(six, due(Period::Months(6), date(p.assigned_on.as_deref().unwrap())));
    check_due_date(&six, 6);
    assert_eq!(w.last_note(id).await, format!("同意延期，答复期限延至{six}；同意"));
    let err = w.refused(&w.unit, id, "request_extension", json!({"reason": "再延期"})).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m == "已申请过延期"), "{err:?}");
    w.refused(&w.staff, id, "decide_extension", json!({"approved": true})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_extension_keeps_the_due_date_and_none_is_granted_once_overdue() {
    let w = World::new().await;
    let p = w.assigned("关于建设区域医疗中心的建议").await;
    let three = p.due_on.clone();
    w.ok(&w.unit, p.id, "request_extension", json!({"reason": "情况复杂"})).await;
    let q = w.ok(&w.staff, p.id, "decide_extension", json!({"approved": false, "comment": "请按期答复"})).await;
    assert_eq!((q.due_on, q.extended, q.extension_requested), (three, false, false));
    assert_eq!(w.last_note(p.id).await, "不同意延期；请按期答复");

    let r = w.assigned("关于完善急救网络的建议").await;
    w.age(r.id, |p| p.due_on = Some(LONG_AGO.into())).await;
    let v = w.view(&w.unit, r.id).await;
    assert!(v.overdue);
    assert!(!v.allowed_actions.contains(&"request_extension"));
    let err = w.refused(&w.unit, r.id, "request_extension", json!({"reason": "情况复杂"})).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m.contains("已超过答复期限")), "{err:?}");
    assert_eq!(w.ok(&w.unit, r.id, "reply", reply("C")).await.status, "replied", "a late reply is still taken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_twice_dissatisfied_proposal_is_rehandled_once_then_closed_by_staff_with_a_consultation_note() {
    let w = World::new().await;
    let p = w.replied("关于增加公交线路的建议").await;
    let id = p.id;
    let err = w.refused(&w.member, id, "evaluate", json!({"satisfaction": "dissatisfied"})).await;
    assert!(is_validation(&err, "comment"), "{err:?}");
    let err = w.refused(&w.member, id, "evaluate", json!({"satisfaction": "so-so"})).await;
    assert!(is_validation(&err, "satisfaction"), "{err:?}");

    let p = w.ok(&w.member, id, "evaluate", json!({"satisfaction": "dissatisfied", "comment": "答复未回应线路调整"})).await;
    assert_eq!(p.status, "rehandling");
    assert_eq!((p.round, p.dissatisfied_rounds, p.evaluation_due_on.as_deref()), (1, 1, None));
    let again = p.due_on.clone().unwrap();
    assert_eq!(again, due(Period::Months(3), today()));
    check_due_date(&again, 3);
    assert_eq!(w.last_note(id).await, "评价：不满意：答复未回应线路调整");
    assert_eq!(w.allowed(&w.unit, id).await, ["contact", "reply"]);
    assert_eq!(w.allowed(&w.unit_b, id).await, ["contact", "co_opinion"]);
    assert!(w.allowed(&w.member, id).await.is_empty());

    let p = w.ok(&w.unit, id, "reply", reply("C")).await;
    assert_eq!(p.status, "replied");
    assert!(p.evaluation_due_on.is_some());
    let v = w.view(&w.member, id).await;
    assert_eq!(v.replies.iter().map(|r| r.round).collect::<Vec<_>>(), [0, 1]);
    assert_eq!(v.allowed_actions, ["evaluate"]);

    let p = w.ok(&w.member, id, "evaluate", json!({"satisfaction": "dissatisfied", "comment": "仍未解决"})).await;
    assert_eq!(p.status, "replied", "a second 不满意 does not send it back again");
    assert_eq!((p.round, p.dissatisfied_rounds), (1, 2));
    assert!(w.allowed(&w.member, id).await.is_empty());
    let err = w.refused(&w.member, id, "evaluate", json!({"satisfaction": "satisfied"})).await;
    assert!(matches!(err, AppError::InvalidTransition(_)), "{err:?}");

    assert!(w.allowed(&w.staff, id).await.contains(&"close"));
    let err = w.refused(&w.staff, id, "close", json!({})).await;
    assert!(is_validation(&err, "comment"), "{err:?}");
    let p = w.ok(&w.staff, id, "close", json!({"comment": "已与提案人面商，说明线路调整计划"})).await;
    assert_eq!(p.status, "closed");
    assert!(p.closed_at.is_some());
    assert_eq!(w.last_note(id).await, "办结：已与提案人面商，说明线路调整计划");
    assert_eq!(w.view(&w.staff, id).await.evaluations.len(), 2);
    assert_eq!(actions(&w.timeline(id).await), ["create", "submit", "review", "assign", "reply", "evaluate", "reply", "evaluate", "close"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replied_proposal_is_closed_by_staff_only_once_the_evaluation_window_has_passed() {
    let w = World::new().await;
    let p = w.replied("关于增加公交线路的建议").await;
    let err = w.refused(&w.staff, p.id, "close", json!({})).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m.contains("评价期尚未结束")), "{err:?}");
    w.age(p.id, |p| p.evaluation_due_on = Some(LONG_AGO.into())).await;
    assert!(w.allowed(&w.member, p.id).await.is_empty());
    let err = w.refused(&w.member, p.id, "evaluate", json!({"satisfaction": "satisfied"})).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m == "已超过评价期限"), "{err:?}");
    let q = w.app.act(&w.staff, p.id, None, ActionInput::Close(CloseInput::default())).await.unwrap();
    assert_eq!(q.status, "closed");
    assert_eq!(w.last_note(p.id).await, "评价期满，办结");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn split_handling_stays_assigned_after_the_first_unit_replies_and_is_replied_after_the_second() {
    let w = World::new().await;
    let p = w.filed("关于统筹城乡供水的建议").await;
    let id = p.id;
    let (a, b) = (w.uid(&w.unit), w.uid(&w.unit_b));
    for bad in [
        json!({"split_unit_ids": [a]}),
        json!({"split_unit_ids": [a, b], "co_unit_ids": [w.uid(&w.unit_c)]}),
        json!({"lead_unit_id": a, "split_unit_ids": [b, w.uid(&w.unit_c)]}),
        json!({}),
        json!({"lead_unit_id": a, "co_unit_ids": [a]}),
        json!({"lead_unit_id": 999_999}),
    ] {
        let err = w.refused(&w.staff, id, "assign", bad.clone()).await;
        assert!(matches!(err, AppError::Validation(_)), "{bad}: {err:?}");
    }
    let p = w.ok(&w.staff, id, "assign", json!({"split_unit_ids": [a, b]})).await;
    assert_eq!((p.status.as_str(), p.handling_mode.as_deref()), ("assigned", Some("split")));
    let v = w.view(&w.staff, id).await;
    assert_eq!(v.assignments.iter().map(|x| x.role.as_str()).collect::<Vec<_>>(), ["split", "split"]);
    assert!(w.last_note(id).await.contains("（分办）"));
    assert!(w.allowed(&w.unit_b, id).await.contains(&"reply"));

    let p = w.ok(&w.unit, id, "reply", reply("A")).await;
    assert_eq!(p.status, "assigned");
    assert!(p.evaluation_due_on.is_none());
    assert!(!w.allowed(&w.unit, id).await.contains(&"reply"));
    assert!(w.allowed(&w.member, id).await.is_empty(), "no evaluation before every part is answered");
    let err = w.refused(&w.unit, id, "reply", reply("A")).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m == "本单位已经答复"), "{err:?}");

    let p = w.ok(&w.unit_b, id, "reply", reply("B")).await;
    assert_eq!(p.status, "replied");
    assert_eq!(w.view(&w.member, id).await.replies.len(), 2);
    assert_eq!(w.allowed(&w.member, id).await, ["evaluate"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_class_b_reply_records_a_commitment_that_is_followed_up_after_closing() {
    let w = World::new().await;
    let p = w.assigned("关于建设社区体育公园的建议").await;
    let id = p.id;
    let mut body = reply("B");
    body["commitments"] = json!([{"promise": "年底前建成两个社区体育公园", "due_on": "2026-31-12"}]);
    let err = w.refused(&w.unit, id, "reply", body.clone()).await;
    assert!(is_validation(&err, "commitments"), "{err:?}");
    assert!(w.view(&w.staff, id).await.replies.is_empty(), "a refused reply leaves no reply behind");

    body["commitments"] = json!([{"promise": "年底前建成两个社区体育公园", "due_on": "2026-12-31"}]);
    let p = w.ok(&w.unit, id, "reply", body).await;
    assert_eq!(p.status, "replied");
    assert!(w.last_note(id).await.contains("（B类：所提问题正在解决或已列入计划逐步解决）"));
    let c = w.view(&w.member, id).await.commitments;
    assert_eq!(c.len(), 1);
    assert_eq!(
        (c[0].unit_id, c[0].promise.as_str(), c[0].due_on.as_deref(), c[0].done_at),
        (Some(w.uid(&w.unit)), "年底前建成两个社区体育公园", Some("2026-12-31"), None)
    );
    let cid = c[0].id;
    let err = w.refused(&w.unit, id, "follow_up", json!({"commitment_id": cid, "evidence": "已建成"})).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m.contains("办结后")), "{err:?}");

    w.ok(&w.member, id, "evaluate", json!({"satisfaction": "basically_satisfied"})).await;
    assert_eq!(w.status(id).await, "closed");
    assert!(w.allowed(&w.staff, id).await.contains(&"follow_up"));
    let err = w.refused(&w.unit, id, "follow_up", json!({"commitment_id": cid, "evidence": ""})).await;
    assert!(is_validation(&err, "evidence"), "{err:?}");
    let p = w.ok(&w.unit, id, "follow_up", json!({"commitment_id": cid, "evidence": "两个社区体育公园已于11月建成开放"})).await;
    assert_eq!(p.status, "closed");
    assert_eq!(w.last_note(id).await, "承诺事项已落实：两个社区体育公园已于11月建成开放；全部承诺已落实，请提案人对落实情况作出评价");
    // Every promise kept: the proposer rates the delivery once; it decides nothing.
    assert_eq!(w.allowed(&w.member, id).await, ["evaluate"]);
    let p = w.ok(&w.member, id, "evaluate", json!({"satisfaction": "satisfied", "comment": "已经用上了"})).await;
    assert_eq!(p.status, "closed");
    assert_eq!(w.last_note(id).await, "承诺事项落实后评价：满意：已经用上了");
    assert!(w.allowed(&w.member, id).await.is_empty());
    let v = w.view(&w.member, id).await;
    assert!(!v.evaluations.last().unwrap().decisive);
    let c = v.commitments;
    assert!(c[0].done_at.is_some());
    assert_eq!(c[0].evidence.as_deref(), Some("两个社区体育公园已于11月建成开放"));
    let err = w.refused(&w.unit, id, "follow_up", json!({"commitment_id": cid, "evidence": "再次落实"})).await;
    assert!(is_validation(&err, "commitment_id"), "{err:?}");

    let p = w.ok(&w.staff, id, "follow_up", json!({"promise": "明年纳入回头看", "due_on": "2027-06-30"})).await;
    assert_eq!(p.status, "closed");
    assert_eq!(w.last_note(id).await, "登记承诺事项：明年纳入回头看（2027-06-30前）");
    let err = w.refused(&w.staff, id, "follow_up", json!({})).await;
    assert!(is_validation(&err, "promise"), "{err:?}");
    assert_eq!(w.view(&w.member, id).await.commitments.len(), 2);
    assert_eq!(actions(&w.timeline(id).await)[5..], ["evaluate", "follow_up", "evaluate", "follow_up"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_proposal_is_supervised_by_its_supervising_leader_and_by_no_other() {
    let w = World::new().await;
    let p = w.filed("关于打造湾区文化名城的建议").await;
    let id = p.id;
    let err = w.refused(&w.staff, id, "mark_key", json!({"supervisor_ids": [w.member.user_id]})).await;
    assert!(is_validation(&err, "supervisor_ids"), "{err:?}");
    let err = w.refused(&w.staff, id, "mark_key", json!({"supervisor_ids": [w.leader.user_id, w.staff.user_id]})).await;
    assert!(is_validation(&err, "supervisor_ids"), "{err:?}");

    let p = w.ok(&w.staff, id, "mark_key", json!({"supervisor_ids": [w.leader.user_id]})).await;
    assert_eq!((p.status.as_str(), p.is_key), ("filed", true));
    assert_eq!(w.last_note(id).await, format!("设为重点提案，督办领导：{}", w.leader.display_name));
    let v = w.view(&w.leader, id).await;
    assert_eq!(v.supervisors, [(w.leader.user_id, w.leader.display_name.clone())]);
    assert!(v.allowed_actions.is_empty(), "supervision starts with the assignment");
    assert_eq!(w.list(&w.leader, json!({"scope": "supervised"})).await.unwrap(), [id]);
    assert!(w.list(&w.leader2, json!({"scope": "supervised"})).await.unwrap().is_empty());
    assert!(w.list(&w.member, json!({"scope": "supervised"})).await.is_err());
    assert_eq!(w.list(&w.staff, json!({"key_only": true})).await.unwrap(), [id]);
    let err = w.refused(&w.leader, id, "supervise", json!({"text": "请抓紧"})).await;
    assert!(matches!(err, AppError::InvalidTransition(_)), "{err:?}");

    w.ok(&w.staff, id, "assign", json!({"lead_unit_id": w.uid(&w.unit)})).await;
    assert_eq!(w.allowed(&w.leader, id).await, ["supervise"]);
    let err = w.refused(&w.leader, id, "supervise", json!({"text": ""})).await;
    assert!(is_validation(&err, "text"), "{err:?}");
    let p = w.ok(&w.leader, id, "supervise", json!({"text": "实地调研，要求年内见成效"})).await;
    assert_eq!(p.status, "assigned");
    assert_eq!(w.last_note(id).await, "督办：实地调研，要求年内见成效");

    let v2 = w.view(&w.leader2, id).await;
    assert!(v2.allowed_actions.is_empty(), "another leader reads a filed proposal but does not supervise it");
    let err = w.refused(&w.leader2, id, "supervise", json!({"text": "我也督办"})).await;
    assert!(matches!(err, AppError::Forbidden), "{err:?}");
    let denial = w.audit(id).await.pop().unwrap();
    assert_eq!((denial.action.as_str(), denial.actor_user_id), ("permission_denied", Some(w.leader2.user_id)));
    assert_eq!(w.denials(id).await, 1);
}
