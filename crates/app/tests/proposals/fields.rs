//! What offices record on a proposal besides its text (issue 12, points 12–14): category,
//! plenary or regular, suggested units, the proposer's consent to publication and contact
//! details; the proposer's 测评表; keeping an assignment against an objection (维持原交办); the
//! lead unit warned before replying without the co-units' opinions; closings shown to the
//! supervising leader.

use eline_app::AppError;
use eline_app::proposals::DraftInput;
use serde_json::json;

use crate::support::*;

fn draft_with(title: &str, fields: serde_json::Value) -> DraftInput {
    let mut v = json!({"title": title, "body": BODY});
    v.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
    serde_json::from_value(v).expect("a draft input")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_keeps_its_category_occasion_suggested_units_and_consent_and_refuses_what_is_not_on_the_lists() {
    let w = World::new().await;
    let (u1, u2) = (w.uid(&w.unit), w.uid(&w.unit_b));
    let fields = json!({"category": "社会建设", "occasion": "regular", "suggested_unit_ids": [u2, u1], "publish_consent": false});
    let p = w.create(&w.member, draft_with("关于完善社区托育服务的提案", fields)).await.expect("draft");
    assert_eq!((p.category.as_deref(), p.occasion.as_deref(), p.publish_consent), (Some("社会建设"), Some("regular"), Some(false)));
    let v = w.view(&w.member, p.id).await;
    assert_eq!(v.occasion_label, Some("平时提案"));
    assert_eq!(v.suggested_units.iter().map(|(u, _)| *u).collect::<Vec<_>>(), [u2, u1], "in the order the proposer gave");

    let before = w.list(&w.member, json!({"scope": "mine"})).await.unwrap();
    for (fields, field) in [
        (json!({"category": "党的建设"}), "category"),
        (json!({"occasion": "special"}), "occasion"),
        (json!({"suggested_unit_ids": [u1, u1]}), "suggested_unit_ids"),
        (json!({"suggested_unit_ids": [999_999]}), "suggested_unit_ids"),
    ] {
        let err = w.create(&w.member, draft_with("关于不合规定的提案", fields.clone())).await.unwrap_err();
        assert!(is_validation(&err, field), "{fields} → {err:?}");
    }
    let err = w.create(&w.member, draft_with("关于不合规定的提案", json!({"category": "党的建设"}))).await.unwrap_err();
    assert!(matches!(&err, AppError::Validation(e) if e[0].message.contains("经济建设")), "the message lists the categories: {err:?}");
    assert_eq!(w.list(&w.member, json!({"scope": "mine"})).await.unwrap(), before, "nothing saved");

    // Editing the draft changes them; the office's own list of categories decides.
    let edit = draft_with("关于完善社区托育服务的提案", json!({"category": "其他", "occasion": "plenary", "publish_consent": true}));
    let q = w.app.update_draft(&w.member, p.id, p.version, &edit).await.expect("edit");
    assert_eq!((q.category.as_deref(), q.occasion.as_deref(), q.publish_consent), (Some("其他"), Some("plenary"), Some(true)));
    assert!(w.view(&w.member, p.id).await.suggested_units.is_empty());
    assert_eq!(w.list(&w.member, json!({"category": "其他"})).await.unwrap(), [p.id]);
    assert!(w.list(&w.member, json!({"category": "社会建设"})).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_needs_the_proposers_consent_or_a_reason_the_office_records() {
    let w = World::new().await;
    // Consent refused: the office must give a reason; without one nothing changes.
    let refused = w.create(&w.member, draft_with("关于规范校外培训的提案", json!({"publish_consent": false}))).await.unwrap();
    w.ok(&w.member, refused.id, "submit", json!({})).await;
    w.ok(&w.staff, refused.id, "review", json!({"decision": "file"})).await;
    let err = w.refused(&w.staff, refused.id, "publish", json!({"published": true})).await;
    assert!(matches!(&err, AppError::Validation(e) if e[0].field == "override_reason" && e[0].message.contains("不同意公开")), "{err:?}");
    let err = w.refused(&w.staff, refused.id, "publish", json!({"published": true, "override_reason": "  "})).await;
    assert!(is_validation(&err, "override_reason"), "{err:?}");
    assert!(!w.row(refused.id).await.published);
    let p = w.ok(&w.staff, refused.id, "publish", json!({"published": true, "override_reason": "经主席会议研究同意公开"})).await;
    assert!(p.published);
    let note = "公开提案及答复（提案人不同意公开，机关决定公开，理由：经主席会议研究同意公开）";
    assert_eq!(w.last_note(refused.id).await, note);
    assert!(w.audited_changes(refused.id).await.last().unwrap().summary.contains("经主席会议研究同意公开"), "the reason is audited");

    // Consent given: published without a reason.
    let agreed = w.create(&w.member, draft_with("关于建设口袋公园的提案", json!({"publish_consent": true}))).await.unwrap();
    w.ok(&w.member, agreed.id, "submit", json!({})).await;
    w.ok(&w.staff, agreed.id, "review", json!({"decision": "file"})).await;
    w.ok(&w.staff, agreed.id, "publish", json!({})).await;
    assert_eq!(w.last_note(agreed.id).await, "公开提案及答复（提案人同意公开）");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proposers_contact_details_are_shown_to_the_office_and_the_assigned_units_only() {
    let w = World::new().await;
    let p = w.assigned("关于改善公交接驳的提案").await;
    let mut c = w.t.db.acquire().await.unwrap();
    let phone = eline_storage::members::get(&mut c.ex(), w.cid, w.mid(&w.member)).await.unwrap().unwrap().phone;
    drop(c);
    assert!(phone.is_some(), "the demo member has a phone");
    for who in [&w.staff, &w.unit, &w.unit_b] {
        let contact = w.view(who, p.id).await.proposer_contact.unwrap_or_else(|| panic!("{} sees the contact", who.username));
        assert_eq!(contact.phone, phone);
    }
    for who in [&w.member, &w.leader, &w.unit_c] {
        if let Ok(v) = w.app.get_proposal(who, p.id).await {
            assert!(v.proposer_contact.is_none(), "{} must not see the proposer's contact details", who.username);
        }
    }
    w.ok(&w.staff, p.id, "publish", json!({"override_reason": "公开测试"})).await;
    let public = w.view(&w.other_member, p.id).await;
    assert!(public.proposer_contact.is_none() && public.suggested_units.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_may_keep_the_assignment_against_an_objection_with_a_reason_the_unit_reads() {
    let w = World::new().await;
    let p = w.filed("关于整治河涌黑臭水体的提案").await;
    w.ok(&w.staff, p.id, "assign", json!({"lead_unit_id": w.uid(&w.unit)})).await;
    let err = w.refused(&w.staff, p.id, "keep_assignment", json!({"reason": "没有申请"})).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m.contains("调整申请")), "{err:?}");
    let due = w.row(p.id).await.due_on;
    w.ok(&w.unit, p.id, "object", json!({"reason": "河涌整治属水务局职责"})).await;
    assert_eq!(w.allowed(&w.staff, p.id).await, ["reassign", "keep_assignment", "mark_key", "publish"]);
    let err = w.refused(&w.unit, p.id, "keep_assignment", json!({"reason": "自己维持"})).await;
    assert!(matches!(err, AppError::Forbidden), "{err:?}");
    let err = w.refused(&w.staff, p.id, "keep_assignment", json!({"reason": ""})).await;
    assert!(is_validation(&err, "reason"), "{err:?}");

    let q = w.ok(&w.staff, p.id, "keep_assignment", json!({"reason": "该河段整治由区住建局牵头，请按原交办办理"})).await;
    assert!(!q.objection_open);
    assert_eq!(q.due_on, due, "the due date stays");
    let v = w.view(&w.unit, p.id).await;
    let unit_name = v.assignments[0].unit_name.clone();
    assert_eq!(v.assignments.iter().map(|a| (a.unit_id, a.active)).collect::<Vec<_>>(), [(w.uid(&w.unit), true)], "the same assignment");
    assert_eq!(v.assignments[0].objection_reason, None);
    let note = format!("维持原交办：该河段整治由区住建局牵头，请按原交办办理；请{unit_name}按原交办继续办理（答复期限{}）", due.unwrap());
    assert_eq!(v.events.last().unwrap().note, note, "the unit reads the decision in the timeline");
    assert!(v.allowed_actions.contains(&"reply"), "the unit replies again");
    assert!(!w.allowed(&w.staff, p.id).await.contains(&"keep_assignment"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_unit_replying_before_a_co_units_opinion_is_warned_and_must_confirm() {
    let w = World::new().await;
    let p = w.assigned("关于推进垃圾分类的提案").await;
    let co_name = w.view(&w.staff, p.id).await.assignments[1].unit_name.clone();
    assert_eq!(w.view(&w.unit, p.id).await.pending_co_opinions, std::slice::from_ref(&co_name));
    let plain = json!({"class": "A", "text": "经研究，答复如下……", "signer": SIGNER});
    let err = w.refused(&w.unit, p.id, "reply", plain.clone()).await;
    assert!(
        matches!(&err, AppError::Validation(e) if e[0].field == "confirm_without_co_opinions" && e[0].message.contains(&co_name)),
        "the warning names the co-unit: {err:?}"
    );
    let mut confirmed = plain.clone();
    confirmed["confirm_without_co_opinions"] = json!(true);
    w.ok(&w.unit, p.id, "reply", confirmed).await;
    assert!(w.last_note(p.id).await.ends_with(&format!("（答复时会办单位{co_name}尚未提出会办意见）")), "recorded for the office");

    // With the co-unit's opinion in, no warning and no confirmation needed.
    let p = w.assigned("关于建设城市绿道的提案").await;
    w.ok(&w.unit_b, p.id, "co_opinion", json!({"text": "同意主办单位意见"})).await;
    assert!(w.view(&w.unit, p.id).await.pending_co_opinions.is_empty());
    w.ok(&w.unit, p.id, "reply", plain).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proposer_fills_the_survey_with_all_four_ratings_or_none() {
    let w = World::new().await;
    let p = w.replied("关于优化营商环境的提案").await;
    let err = w.refused(&w.member, p.id, "evaluate", json!({"satisfaction": "satisfied", "contact_before": "face_to_face"})).await;
    let AppError::Validation(errors) = &err else { panic!("{err:?}") };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["contact_during", "attitude", "result"], "each missing rating named");
    let bad = json!({"satisfaction": "satisfied", "contact_before": "email", "contact_during": "phone", "attitude": "satisfied", "result": "ok"});
    let err = w.refused(&w.member, p.id, "evaluate", bad).await;
    assert!(is_validation(&err, "contact_before") && is_validation(&err, "result"), "{err:?}");

    let table = json!({"satisfaction": "basically_satisfied", "contact_before": "face_to_face", "contact_during": "phone",
        "attitude": "satisfied", "result": "basically_satisfied"});
    w.ok(&w.member, p.id, "evaluate", table).await;
    assert_eq!(w.last_note(p.id).await, "评价：基本满意（办前沟通：当面；办中沟通：电话；办理态度：满意；办理结果：基本满意）");
    let e = w.view(&w.staff, p.id).await.evaluations.pop().unwrap();
    let stored = (e.contact_before.as_deref(), e.contact_during.as_deref(), e.attitude.as_deref(), e.result.as_deref());
    assert_eq!(stored, (Some("face_to_face"), Some("phone"), Some("satisfied"), Some("basically_satisfied")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervising_leader_sees_the_closing_of_the_key_proposal_on_the_home_page() {
    let w = World::new().await;
    let p = w.replied("关于建设区域医疗中心的提案").await;
    w.ok(&w.staff, p.id, "mark_key", json!({"key": true, "supervisor_ids": [w.leader.user_id]})).await;
    assert!(w.app.proposal_home(&w.leader).await.unwrap().closings.is_empty(), "not closed yet");
    w.ok(&w.member, p.id, "evaluate", json!({"satisfaction": "satisfied"})).await;
    let home = w.app.proposal_home(&w.leader).await.unwrap();
    assert_eq!(home.closings.iter().map(|c| (c.id, c.satisfaction.as_deref())).collect::<Vec<_>>(), [(p.id, Some("satisfied"))]);
    assert!(home.closings[0].closed_at.is_some());
    assert!(w.app.proposal_home(&w.leader2).await.unwrap().closings.is_empty(), "only to the supervising leader");
}
