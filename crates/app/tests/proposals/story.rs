//! One story per path of the proposal table (crates/domain/src/proposal.rs): the status after
//! every step, the timeline (action names and Chinese notes), one audit entry per accepted
//! action (checked by `World::ok` / `World::refused`), and what each party is offered.
//!
//! Multi-threaded runtimes: on PostgreSQL, `TestDb`'s drop blocks the test thread on DROP SCHEMA
//! while a just-refused action's connection may still have to roll back on the runtime; with a
//! single-threaded runtime that rollback never runs and the test hangs (see the report).

use std::time::{Duration, Instant};

use eline_app::AppError;
use eline_app::proposals::{ActionInput, AssignInput, CloseInput, ContactInput, DraftInput, today};
use eline_domain::calendar::{Calendar, Period};
use serde_json::json;

use crate::support::*;

fn due(period: Period, start: chrono::NaiveDate) -> String {
    period.due(&Calendar::national(), start).format("%Y-%m-%d").to_string()
}

/// A due date about `months` months after today, on a working day.
fn check_due_date(due_on: &str, months: i64) {
    let d = date(due_on);
    let days = (d - today()).num_days();
    assert!((months * 28..=months * 31 + 12).contains(&days), "{due_on} is {days} days away, not ~{months} months");
    assert!(Calendar::national().is_working_day(d), "{due_on} is not a working day");
}

fn actions(v: &[(String, String)]) -> Vec<&str> {
    v.iter().map(|(a, _)| a.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_individual_proposal_goes_from_draft_through_filing_assignment_and_reply_to_closed_when_the_proposer_is_satisfied() {
    let w = World::new().await;
    let p = w.draft(&w.member, "关于加快老旧小区加装电梯的建议").await;
    let id = p.id;
    assert_eq!(w.timeline(id).await, [("create".to_string(), "起草提案".to_string())]);
    assert_eq!(w.audited_changes(id).await.len(), 1);
    assert_eq!(w.allowed(&w.member, id).await, ["submit", "edit", "delete"]);
    assert!(matches!(w.app.get_proposal(&w.staff, id).await, Err(AppError::NotFound)), "a draft is its proposer's alone, the office does not see it");

    let p = w.ok(&w.member, id, "submit", json!({})).await;
    assert_eq!(p.status, "submitted");
    assert!(p.submitted_at.is_some());
    assert_eq!(w.last_note(id).await, "提交审查");
    assert_eq!(w.allowed(&w.member, id).await, ["withdraw"]);
    assert_eq!(w.allowed(&w.staff, id).await, ["review"]);

    let p = w.ok(&w.staff, id, "review", json!({"decision": "file"})).await;
    assert_eq!((p.status.as_str(), p.number), ("filed", Some(1)));
    assert_eq!(w.last_note(id).await, "立案，编号第0001号");
    assert_eq!(w.allowed(&w.staff, id).await, ["assign", "mark_key", "publish"]);
    assert!(w.allowed(&w.member, id).await.is_empty(), "a filed proposal cannot be withdrawn");

    let (lead, co) = (w.uid(&w.unit), w.uid(&w.unit_b));
    let p = w.ok(&w.staff, id, "assign", json!({"lead_unit_id": lead, "co_unit_ids": [co], "comment": "请抓紧办理"})).await;
    assert_eq!(p.status, "assigned");
    assert_eq!(p.handling_mode.as_deref(), Some("lead"));
    assert_eq!(p.assigned_on, Some(today().format("%Y-%m-%d").to_string()));
    let due_on = p.due_on.clone().expect("a due date");
    assert_eq!(due_on, due(Period::Months(3), today()));
    check_due_date(&due_on, 3);
    let v = w.view(&w.staff, id).await;
    let roles: Vec<(i64, &str, bool)> = v.assignments.iter().map(|a| (a.unit_id, a.role.as_str(), a.active)).collect();
    assert_eq!(roles, [(lead, "lead", true), (co, "co", true)]);
    let (lead_name, co_name) = (v.assignments[0].unit_name.clone(), v.assignments[1].unit_name.clone());
    assert_eq!(w.last_note(id).await, format!("交办至{lead_name}（主办）、{co_name}（会办），答复期限{due_on}（3个月）；请抓紧办理"));
    assert_eq!(w.allowed(&w.unit, id).await, ["object", "contact", "request_extension", "reply"]);
    assert_eq!(w.allowed(&w.unit_b, id).await, ["object", "contact", "co_opinion"]);
    assert_eq!(w.view(&w.unit_b, id).await.my_unit_role.as_deref(), Some("co"));
    assert_eq!(w.allowed(&w.staff, id).await, ["reassign", "mark_key", "publish"]);
    assert!(w.allowed(&w.member, id).await.is_empty());

    let p = w.ok(&w.unit_b, id, "co_opinion", json!({"text": "建议由住建局统筹，我局配合做好资金保障。"})).await;
    assert_eq!(p.status, "assigned");
    assert_eq!(w.last_note(id).await, format!("{co_name}提出会办意见"));
    assert_eq!(w.view(&w.unit, id).await.assignments[1].co_opinion.as_deref(), Some("建议由住建局统筹，我局配合做好资金保障。"));

    let p = w.ok(&w.unit, id, "contact", json!({"text": "已电话联系提案人，听取意见"})).await;
    assert_eq!(p.status, "assigned");
    assert_eq!(w.last_note(id).await, format!("{lead_name}与提案人沟通：已电话联系提案人，听取意见"));

    let p = w.ok(&w.unit, id, "reply", reply("A")).await;
    assert_eq!(p.status, "replied");
    assert_eq!(p.replied_on, Some(today().format("%Y-%m-%d").to_string()));
    assert_eq!(p.evaluation_due_on, Some(due(Period::WorkingDays(15), today())));
    assert_eq!(w.last_note(id).await, format!("{lead_name}答复（A类：所提问题已经解决或基本解决），签发人{SIGNER}"));
    let v = w.view(&w.member, id).await;
    assert_eq!((v.replies.len(), v.replies[0].class.as_str(), v.replies[0].round), (1, "A", 0));
    assert_eq!(v.allowed_actions, ["evaluate"]);
    assert_eq!(w.allowed(&w.staff, id).await, ["mark_key", "publish"], "no close while the evaluation window is open");

    let p = w.ok(&w.member, id, "evaluate", json!({"satisfaction": "satisfied", "comment": "答复具体，措施有力"})).await;
    assert_eq!(p.status, "closed");
    assert!(p.closed_at.is_some());
    assert_eq!(w.last_note(id).await, "评价：满意：答复具体，措施有力");
    let v = w.view(&w.member, id).await;
    assert_eq!(v.evaluations.len(), 1);
    assert!(v.evaluations[0].decisive);
    assert!(v.allowed_actions.is_empty());
    assert_eq!(w.allowed(&w.unit, id).await, ["follow_up"]);

    let timeline = w.timeline(id).await;
    let expected = ["create", "submit", "review", "assign", "co_opinion", "contact", "reply", "evaluate"];
    assert_eq!(actions(&timeline), expected);
    let audited: Vec<String> = w.audited_changes(id).await.into_iter().map(|e| e.action).collect();
    assert_eq!(audited, expected);
    assert_eq!(w.denials(id).await, 0);
    assert!(matches!(w.app.verify_audit().await, Ok(Ok(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filed_proposals_are_numbered_one_two_three_within_each_session() {
    let w = World::new().await;
    let mut numbers = Vec::new();
    for title in ["关于完善社区养老服务的建议", "关于加强校园周边交通安全的建议", "关于推进垃圾分类的建议"] {
        numbers.push(w.filed(title).await.number);
    }
    assert_eq!(numbers, [Some(1), Some(2), Some(3)]);
    let older = w.session_ids[1];
    let p = w
        .create(&w.member, DraftInput { title: "关于保护古村落的建议".into(), body: BODY.into(), session_id: Some(older), ..Default::default() })
        .await
        .unwrap();
    w.ok(&w.member, p.id, "submit", json!({})).await;
    let p = w.ok(&w.staff, p.id, "review", json!({"decision": "file"})).await;
    assert_eq!((p.session_id, p.number), (older, Some(1)), "numbers start again in another session");
    assert_eq!(w.last_note(p.id).await, "立案，编号第0001号");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joint_proposal_waits_for_its_cosigners_and_is_submitted_once_all_have_answered() {
    let w = World::new().await;
    let p = w.joint_draft(&w.member, "关于建设城市慢行系统的提案", &[&w.cosigner_a, &w.cosigner_b]).await;
    let id = p.id;
    assert_eq!(p.kind, "joint");
    assert!(matches!(w.app.get_proposal(&w.cosigner_a, id).await, Err(AppError::NotFound)), "a draft is private to its proposer");

    let p = w.ok(&w.member, id, "submit", json!({})).await;
    assert_eq!(p.status, "awaiting_cosigners");
    let cosign_due = due(Period::CalendarDays(3), today());
    assert_eq!(p.cosign_due_on.as_deref(), Some(cosign_due.as_str()));
    assert!(p.submitted_at.is_none());
    assert_eq!(w.last_note(id).await, format!("提交，等待2位联名委员确认（{cosign_due}前）"));
    assert_eq!(w.allowed(&w.cosigner_a, id).await, ["cosign"]);
    assert_eq!(w.allowed(&w.member, id).await, ["withdraw"], "no second submit while co-signers may still answer");
    let err = w.refused(&w.member, id, "submit", json!({})).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m.contains("联名确认期尚未结束")), "{err:?}");
    assert!(w.allowed(&w.staff, id).await.is_empty(), "nothing to review yet");

    let p = w.ok(&w.cosigner_a, id, "cosign", json!({"accept": true})).await;
    assert_eq!(p.status, "awaiting_cosigners");
    assert_eq!(w.last_note(id).await, "确认联名");
    assert!(w.allowed(&w.cosigner_a, id).await.is_empty());

    let p = w.ok(&w.cosigner_b, id, "cosign", json!({"accept": false})).await;
    assert_eq!(p.status, "submitted");
    assert!(p.submitted_at.is_some());
    assert_eq!(w.last_note(id).await, "谢绝联名；联名确认完毕，提交审查");
    let v = w.view(&w.member, id).await;
    let answers: Vec<(i64, &str)> = v.cosigners.iter().map(|c| (c.member_id, c.status.as_str())).collect();
    assert_eq!(answers, [(w.mid(&w.cosigner_a), "confirmed"), (w.mid(&w.cosigner_b), "declined")]);
    assert!(matches!(w.app.get_proposal(&w.cosigner_b, id).await, Err(AppError::NotFound)), "a decliner drops off");
    w.view(&w.cosigner_a, id).await;
    assert_eq!(actions(&w.timeline(id).await), ["create", "submit", "cosign", "cosign"]);
    assert_eq!(w.audited_changes(id).await.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joint_proposal_goes_on_without_silent_cosigners_once_the_confirm_window_has_passed() {
    let w = World::new().await;
    let p = w.joint_draft(&w.member, "关于建设城市慢行系统的提案", &[&w.cosigner_a, &w.cosigner_b, &w.cosigner_c]).await;
    let id = p.id;
    w.ok(&w.member, id, "submit", json!({})).await;
    w.ok(&w.cosigner_a, id, "cosign", json!({"accept": true})).await;
    assert_eq!(w.status(id).await, "awaiting_cosigners");
    w.refused(&w.member, id, "submit", json!({})).await;

    w.age(id, |p| p.cosign_due_on = Some(LONG_AGO.into())).await;
    assert_eq!(w.allowed(&w.member, id).await, ["submit", "withdraw"]);
    let version = w.row(id).await.version;
    let p = w.app.act(&w.member, id, None, ActionInput::Submit(Default::default())).await.expect("submit after the window");
    assert_eq!((p.status.as_str(), p.version), ("submitted", version + 1));
    assert_eq!(w.last_note(id).await, "提交审查（2位联名委员未在期限内确认，不再列为联名人）");
    let statuses: Vec<String> = w.view(&w.staff, id).await.cosigners.into_iter().map(|c| c.status.to_string()).collect();
    assert_eq!(statuses, ["confirmed", "lapsed", "lapsed"]);
    assert!(matches!(w.app.get_proposal(&w.cosigner_b, id).await, Err(AppError::NotFound)));
    assert_eq!(w.audited_changes(id).await.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collective_proposal_is_entered_by_staff_for_an_organisation_and_evaluated_by_that_staff_member() {
    let w = World::new().await;
    let org = w.org_ids[0];
    let input = DraftInput {
        title: "关于支持民营企业科技创新的提案".into(),
        body: BODY.into(),
        kind: Some("collective".into()),
        organization_id: Some(org),
        ..Default::default()
    };
    assert!(matches!(w.create(&w.member, input.clone()).await, Err(AppError::Forbidden)), "members do not enter collective proposals");
    let no_org = DraftInput { organization_id: None, ..input.clone() };
    assert!(is_validation(&w.create(&w.staff, no_org).await.unwrap_err(), "organization_id"));

    let p = w.create(&w.staff, input).await.unwrap();
    let id = p.id;
    assert_eq!((p.kind.as_str(), p.organization_id, p.proposer_member_id, p.created_by), ("collective", Some(org), None, w.staff.user_id));
    let v = w.view(&w.staff, id).await;
    assert!(v.is_proposer);
    assert!(v.organization_name.is_some());
    assert_eq!(v.allowed_actions, ["submit", "edit", "delete"]);
    assert!(matches!(w.app.get_proposal(&w.member, id).await, Err(AppError::NotFound)));

    assert_eq!(w.ok(&w.staff, id, "submit", json!({})).await.status, "submitted");
    assert_eq!(w.allowed(&w.staff, id).await, ["withdraw", "review"]);
    assert_eq!(w.ok(&w.staff, id, "review", json!({"decision": "file"})).await.status, "filed");
    assert_eq!(w.ok(&w.staff, id, "assign", json!({"lead_unit_id": w.uid(&w.unit)})).await.status, "assigned");
    assert_eq!(w.ok(&w.unit, id, "reply", reply("A")).await.status, "replied");

    let sys = eline_app::auth::system_actor(w.cid);
    let staff2 = eline_app::auth::actor_of(
        &w.app
            .create_user(
                &sys,
                &eline_app::users::UserInput {
                    username: "staff.two".into(),
                    password: "eline-test-2026".into(),
                    display_name: "另一位工作人员".into(),
                    roles: vec!["staff".into()],
                    member_id: None,
                    unit_id: None,
                    organization_id: None,
                },
                false,
            )
            .await
            .unwrap(),
    );
    let v2 = w.view(&staff2, id).await;
    assert!(!v2.is_proposer);
    assert!(!v2.allowed_actions.contains(&"evaluate"), "only the staff member who entered it evaluates");
    assert!(w.allowed(&w.staff, id).await.contains(&"evaluate"));

    let p = w.ok(&w.staff, id, "evaluate", json!({"satisfaction": "basically_satisfied"})).await;
    assert_eq!(p.status, "closed");
    assert_eq!(w.last_note(id).await, "评价：基本满意");
    let v = w.view(&w.staff, id).await;
    assert_eq!((v.evaluations.len(), v.evaluations[0].member_id, v.evaluations[0].decisive), (1, None, true));
    assert_eq!(w.list(&w.staff, json!({"scope": "mine"})).await.unwrap(), [id]);
    assert_eq!(actions(&w.timeline(id).await), ["create", "submit", "review", "assign", "reply", "evaluate"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisations_delegate_writes_submits_and_rates_its_own_collective_proposal_and_no_other_organisations() {
    let w = World::new().await;
    let (org, other_org) = (w.org_ids[0], w.org_ids[1]);
    let sys = eline_app::auth::system_actor(w.cid);
    // A member authorised by the admin to submit for the organisation (e.g. its liaison).
    let delegate_user = w
        .app
        .create_user(
            &sys,
            &eline_app::users::UserInput {
                username: "org.delegate".into(),
                password: "eline-test-2026".into(),
                display_name: "党派联络人".into(),
                roles: vec!["member".into()],
                member_id: w.cosigner_c.member_id,
                unit_id: None,
                organization_id: Some(org),
            },
            false,
        )
        .await
        .unwrap();
    assert_eq!(delegate_user.organization_id, Some(org));
    let delegate = eline_app::auth::actor_of(&delegate_user);
    let input = DraftInput {
        title: "关于加快发展新型农村集体经济的建议".into(),
        body: BODY.into(),
        kind: Some("collective".into()),
        organization_id: None,
        ..Default::default()
    };
    // Another organisation's name is refused; none given means the delegate's own.
    let foreign = DraftInput { organization_id: Some(other_org), ..input.clone() };
    assert!(matches!(w.create(&delegate, foreign).await, Err(AppError::Forbidden)));
    let p = w.create(&delegate, input).await.unwrap();
    assert_eq!((p.kind.as_str(), p.organization_id, p.proposer_member_id, p.created_by), ("collective", Some(org), None, delegate.user_id));
    let id = p.id;
    assert!(w.view(&delegate, id).await.is_proposer);
    assert!(matches!(w.app.get_proposal(&w.cosigner_a, id).await, Err(AppError::NotFound)));
    assert_eq!(w.ok(&delegate, id, "submit", json!({})).await.status, "submitted");
    assert_eq!(w.ok(&w.staff, id, "review", json!({"decision": "file"})).await.status, "filed");
    assert_eq!(w.ok(&w.staff, id, "assign", json!({"lead_unit_id": w.uid(&w.unit)})).await.status, "assigned");
    assert_eq!(w.ok(&w.unit, id, "reply", reply("A")).await.status, "replied");
    assert!(!w.allowed(&w.staff, id).await.contains(&"evaluate"), "the delegate who submitted it rates the reply, not the office");
    assert_eq!(w.ok(&delegate, id, "evaluate", json!({"satisfaction": "satisfied"})).await.status, "closed");
    // The delegate's own individual proposals are still theirs as a member.
    assert!(w.create(&delegate, DraftInput { title: "关于完善农村公路养护机制的建议".into(), body: BODY.into(), ..Default::default() }).await.is_ok());
    // An unknown or archived organisation cannot be given to an account.
    let bad = eline_app::users::UserInput {
        username: "org.bad".into(),
        password: "eline-test-2026".into(),
        display_name: "无效授权".into(),
        roles: vec!["member".into()],
        member_id: w.cosigner_b.member_id,
        unit_id: None,
        organization_id: Some(999_999),
    };
    assert!(is_validation(&w.app.create_user(&sys, &bad, false).await.unwrap_err(), "organization_id"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_proposal_is_not_filed_with_a_listed_reason_and_converted_to_public_opinion_information() {
    let w = World::new().await;
    let p = w.draft(&w.member, "关于小区邻里纠纷的建议").await;
    w.ok(&w.member, p.id, "submit", json!({})).await;
    let p = w.ok(&w.staff, p.id, "review", json!({"decision": "reject", "reason": "没有具体建议", "convert_to": "opinion"})).await;
    assert_eq!((p.status.as_str(), p.number), ("not_filed", None));
    assert_eq!((p.review_note.as_deref(), p.converted_to.as_deref()), (Some("没有具体建议"), Some("opinion")));
    let note = w.last_note(p.id).await;
    assert_eq!(note, "不立案（没有具体建议）；经提案人同意，转为社情民意信息");
    assert!(note.contains("社情民意"));
    assert!(w.allowed(&w.staff, p.id).await.is_empty());
    assert!(w.allowed(&w.member, p.id).await.is_empty());
    assert!(matches!(w.app.get_proposal(&w.leader, p.id).await, Err(AppError::NotFound)), "leaders see filed proposals only");

    // A reason of its own is marked as such.
    let q = w.draft(&w.member, "关于某楼盘质量的建议").await;
    w.ok(&w.member, q.id, "submit", json!({})).await;
    w.ok(&w.staff, q.id, "review", json!({"decision": "reject", "reason": "内容与往年提案重复"})).await;
    assert_eq!(w.last_note(q.id).await, "不立案（其他：内容与往年提案重复）");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejecting_without_a_reason_or_with_an_unknown_conversion_is_refused_and_the_proposal_stays_submitted() {
    let w = World::new().await;
    let p = w.draft(&w.member, "关于小区邻里纠纷的建议").await;
    w.ok(&w.member, p.id, "submit", json!({})).await;
    let err = w.refused(&w.staff, p.id, "review", json!({"decision": "reject"})).await;
    assert!(is_validation(&err, "reason"), "{err:?}");
    let err = w.refused(&w.staff, p.id, "review", json!({"decision": "reject", "reason": "  "})).await;
    assert!(is_validation(&err, "reason"), "{err:?}");
    let err = w.refused(&w.staff, p.id, "review", json!({"decision": "reject", "reason": "没有具体建议", "convert_to": "report"})).await;
    assert!(is_validation(&err, "convert_to"), "{err:?}");
    let err = w.refused(&w.staff, p.id, "review", json!({"decision": "postpone"})).await;
    assert!(is_validation(&err, "decision"), "{err:?}");
    assert_eq!(w.status(p.id).await, "submitted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposal_merged_into_a_filed_one_lets_its_proposer_read_the_target_but_nobody_else() {
    let w = World::new().await;
    let target = w.filed("关于加强食品安全监管的建议").await;
    let other_draft = w.draft(&w.member, "关于完善农贸市场管理的建议").await;
    let p = w.draft(&w.cosigner_a, "关于加强校园食品安全的建议").await;
    let id = p.id;
    w.ok(&w.cosigner_a, id, "submit", json!({})).await;
    assert!(matches!(w.app.get_proposal(&w.cosigner_a, target.id).await, Err(AppError::NotFound)));

    for into in [json!(other_draft.id), json!(id), json!(999_999), json!(null)] {
        let err = w.refused(&w.staff, id, "review", json!({"decision": "merge", "merge_into": into})).await;
        assert!(is_validation(&err, "merge_into"), "merge into {into}: {err:?}");
    }
    assert_eq!(w.status(id).await, "submitted");

    let target_events = w.events(target.id).await.len();
    let p = w.ok(&w.staff, id, "review", json!({"decision": "merge", "merge_into": target.id})).await;
    assert_eq!((p.status.as_str(), p.merged_into_id, p.number), ("merged", Some(target.id), None));
    assert_eq!(w.last_note(id).await, format!("并案：并入第0001号提案“{}”", target.title));
    let te = w.events(target.id).await;
    assert_eq!(te.len(), target_events + 1);
    let last = te.last().unwrap();
    assert_eq!((last.action.as_str(), last.status_after.as_deref()), ("merge", Some("filed")));
    assert_eq!(last.note, format!("并入提案“{}”，其提案人将一并收到答复", p.title));
    assert_eq!(w.status(target.id).await, "filed");

    let v = w.view(&w.cosigner_a, target.id).await;
    assert!(!v.is_proposer);
    assert!(v.allowed_actions.is_empty());
    assert!(matches!(w.app.get_proposal(&w.other_member, target.id).await, Err(AppError::NotFound)));
    assert!(matches!(w.app.get_proposal(&w.other_member, id).await, Err(AppError::NotFound)));

    // The merged proposer gets the target's reply too.
    w.ok(&w.staff, target.id, "assign", json!({"lead_unit_id": w.uid(&w.unit)})).await;
    w.ok(&w.unit, target.id, "reply", reply("B")).await;
    assert_eq!(w.view(&w.cosigner_a, target.id).await.replies.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposal_returned_for_revision_is_edited_by_its_proposer_and_submitted_again() {
    let w = World::new().await;
    let p = w.draft(&w.member, "关于改善交通的建议").await;
    let id = p.id;
    w.ok(&w.member, id, "submit", json!({})).await;
    let err = w.refused(&w.staff, id, "review", json!({"decision": "return"})).await;
    assert!(is_validation(&err, "comment"), "{err:?}");

    let p = w.ok(&w.staff, id, "review", json!({"decision": "return", "comment": "请聚焦一个路口，补充具体建议"})).await;
    assert_eq!(p.status, "draft");
    assert_eq!(p.review_note.as_deref(), Some("请聚焦一个路口，补充具体建议"));
    assert_eq!(w.last_note(id).await, "退回修改：请聚焦一个路口，补充具体建议");
    assert_eq!(w.allowed(&w.member, id).await, ["submit", "edit", "delete"]);

    let edit =
        DraftInput {
            title: "关于优化中山路与兴中道路口信号配时的建议".into(), body: format!("{BODY}补充：高峰时段左转车辆排队过长。"), ..Default::default()
        };
    assert!(matches!(w.app.update_draft(&w.other_member, id, p.version, &edit).await, Err(AppError::NotFound)));
    assert!(
        matches!(w.app.update_draft(&w.staff, id, p.version, &edit).await, Err(AppError::NotFound)),
        "returned, it is a draft again: the office no longer sees it"
    );
    assert!(matches!(w.app.update_draft(&w.member, id, p.version - 1, &edit).await, Err(AppError::VersionConflict)));
    let audited = w.audited_changes(id).await.len();
    let p = w.app.update_draft(&w.member, id, p.version, &edit).await.unwrap();
    assert_eq!((p.title.as_str(), p.status.as_str()), ("关于优化中山路与兴中道路口信号配时的建议", "draft"));
    let au = w.audited_changes(id).await;
    assert_eq!((au.len(), au.last().unwrap().action.as_str()), (audited + 1, "update"));

    assert_eq!(w.ok(&w.member, id, "submit", json!({})).await.status, "submitted");
    assert!(matches!(w.app.update_draft(&w.member, id, w.row(id).await.version, &edit).await, Err(AppError::InvalidTransition(_))));
    let p = w.ok(&w.staff, id, "review", json!({"decision": "file"})).await;
    assert_eq!((p.status.as_str(), p.number), ("filed", Some(1)));
    assert_eq!(actions(&w.timeline(id).await), ["create", "submit", "review", "submit", "review"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposal_can_be_withdrawn_by_its_proposer_before_filing_but_not_after() {
    let w = World::new().await;
    // A draft is deleted (drafts.rs), not withdrawn.
    let a = w.draft(&w.member, "关于草稿撤回的建议").await;
    let err = w.refused(&w.member, a.id, "withdraw", json!({})).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m == "该提案当前不能撤回"), "{err:?}");

    let b = w.draft(&w.member, "关于提交后撤回的建议").await;
    w.ok(&w.member, b.id, "submit", json!({})).await;
    assert_eq!(w.ok(&w.member, b.id, "withdraw", json!({"reason": "拟与其他委员联名提出"})).await.status, "withdrawn");
    assert_eq!(w.last_note(b.id).await, "撤回提案：拟与其他委员联名提出");

    let c = w.filed("关于立案后撤回的建议").await;
    let err = w.refused(&w.member, c.id, "withdraw", json!({})).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m == "该提案已立案，不能撤回"), "{err:?}");
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_guessing_another_units_proposal_id_is_told_it_does_not_exist() {
    let w = World::new().await;
    let p = w.assigned("关于整治河涌污染的建议").await;
    assert!(matches!(w.app.get_proposal(&w.unit_c, p.id).await, Err(AppError::NotFound)));
    let err = w.refused(&w.unit_c, p.id, "reply", reply("A")).await;
    assert!(matches!(err, AppError::NotFound), "{err:?}");
    let r = w.app.act(&w.unit_c, p.id + 1000, None, ActionInput::Contact(ContactInput { text: "猜一个编号".into(), ..Default::default() })).await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");
    assert!(w.list(&w.unit_c, json!({})).await.unwrap().is_empty());
    assert_eq!(w.list(&w.unit, json!({})).await.unwrap(), [p.id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_cannot_read_or_act_on_another_members_draft() {
    let w = World::new().await;
    let p = w.draft(&w.member, "关于完善社区养老服务的建议").await;
    assert!(matches!(w.app.get_proposal(&w.other_member, p.id).await, Err(AppError::NotFound)));
    let err = w.refused(&w.other_member, p.id, "submit", json!({})).await;
    assert!(matches!(err, AppError::NotFound), "{err:?}");
    assert!(w.list(&w.other_member, json!({})).await.unwrap().is_empty());
    assert!(matches!(w.list(&w.other_member, json!({"scope": "all"})).await, Err(AppError::Validation(_))));
    assert_eq!(w.list(&w.member, json!({})).await.unwrap(), [p.id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaders_see_filed_proposals_but_not_submitted_ones() {
    let w = World::new().await;
    let submitted = w.draft(&w.member, "关于完善社区养老服务的建议").await;
    w.ok(&w.member, submitted.id, "submit", json!({})).await;
    let filed = w.filed("关于加强校园周边交通安全的建议").await;
    assert!(matches!(w.app.get_proposal(&w.leader, submitted.id).await, Err(AppError::NotFound)));
    assert!(w.view(&w.leader, filed.id).await.allowed_actions.is_empty());
    assert_eq!(w.list(&w.leader, json!({})).await.unwrap(), [filed.id]);
    assert_eq!(w.list(&w.staff, json!({})).await.unwrap(), [filed.id, submitted.id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_filed_proposal_can_be_read_by_anyone_signed_in() {
    let w = World::new().await;
    let p = w.replied("关于建设城市书房的建议").await;
    assert!(matches!(w.app.get_proposal(&w.other_member, p.id).await, Err(AppError::NotFound)));
    let q = w.ok(&w.staff, p.id, "publish", json!({})).await;
    assert!(q.published);
    assert_eq!(w.last_note(p.id).await, "公开提案及答复");
    let v = w.view(&w.other_member, p.id).await;
    assert_eq!(v.replies.len(), 1);
    assert!(v.allowed_actions.is_empty());
    w.view(&w.unit_d, p.id).await;
    assert_eq!(w.list(&w.other_member, json!({"scope": "public"})).await.unwrap(), [p.id]);
    w.ok(&w.staff, p.id, "publish", json!({"published": false})).await;
    assert_eq!(w.last_note(p.id).await, "取消公开");
    assert!(matches!(w.app.get_proposal(&w.other_member, p.id).await, Err(AppError::NotFound)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acting_with_a_stale_version_is_a_conflict_and_changes_nothing() {
    let w = World::new().await;
    let p = w.draft(&w.member, "关于完善社区养老服务的建议").await;
    let stale = p.version;
    w.ok(&w.member, p.id, "submit", json!({})).await;
    let before = w.row(p.id).await;
    let (events, audited) = (w.events(p.id).await.len(), w.audit(p.id).await.len());
    let r =
        w.app.act(&w.staff, p.id, Some(stale), ActionInput::Review(eline_app::proposals::ReviewInput { decision: "file".into(), ..Default::default() })).await;
    assert!(matches!(r, Err(AppError::VersionConflict)), "{r:?}");
    assert_eq!(w.row(p.id).await, before);
    assert_eq!((w.events(p.id).await.len(), w.audit(p.id).await.len()), (events, audited));
    assert_eq!(w.view(&w.staff, p.id).await.proposal.number, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_filed_proposals_are_assigned_in_one_call() {
    let w = World::new().await;
    let mut items = Vec::new();
    for i in 0..200 {
        let p = w.draft(&w.member, &format!("关于第{i}项民生实事的建议")).await;
        let p = w.app.act(&w.member, p.id, Some(p.version), ActionInput::Submit(Default::default())).await.unwrap();
        let review = ActionInput::Review(eline_app::proposals::ReviewInput { decision: "file".into(), ..Default::default() });
        let p = w.app.act(&w.staff, p.id, Some(p.version), review).await.unwrap();
        assert_eq!(p.number, Some(i + 1));
        items.push((p.id, Some(p.version)));
    }
    let input = AssignInput { lead_unit_id: Some(w.uid(&w.unit)), co_unit_ids: vec![w.uid(&w.unit_b)], ..Default::default() };
    let started = Instant::now();
    assert_eq!(w.app.assign_many(&w.staff, &items, &input).await.unwrap(), 200);
    eprintln!("assign_many of 200 took {:?}", started.elapsed());
    for (id, version) in &items {
        let p = w.row(*id).await;
        assert_eq!((p.status.as_str(), Some(p.version)), ("assigned", version.map(|v| v + 1)));
        assert_eq!(w.timeline(*id).await.last().map(|(a, _)| a.clone()).as_deref(), Some("assign"));
    }
    let f = eline_storage::audit::Filter { action: Some("assign".into()), target_type: Some("proposal".into()), ..Default::default() };
    let mut c = w.t.db.acquire().await.unwrap();
    assert_eq!(eline_storage::audit::list(&mut c.ex(), w.cid, &f, 10_000).await.unwrap().len(), 200);
    drop(c);
    assert_eq!(w.list(&w.unit_b, json!({})).await.unwrap().len(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_assignment_with_one_unfiled_proposal_assigns_none_of_them() {
    let w = World::new().await;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(w.filed(&format!("关于第{i}项民生实事的建议")).await.id);
    }
    let stray = w.draft(&w.member, "关于尚未立案事项的建议").await;
    w.ok(&w.member, stray.id, "submit", json!({})).await;
    ids.insert(3, stray.id);
    let mut before = Vec::new();
    for id in &ids {
        before.push((w.row(*id).await, w.audit(*id).await.len(), w.events(*id).await.len()));
    }
    let items: Vec<(i64, Option<i64>)> = ids.iter().map(|id| (*id, None)).collect();
    let input = AssignInput { lead_unit_id: Some(w.uid(&w.unit)), ..Default::default() };
    let err = w.app.assign_many(&w.staff, &items, &input).await.unwrap_err();
    assert!(matches!(&err, AppError::InvalidTransition(m) if m.contains(&format!("提案（编号{}）", stray.id))), "{err:?}");
    for (id, b) in ids.iter().zip(&before) {
        assert_eq!((w.row(*id).await, w.audit(*id).await.len(), w.events(*id).await.len()), b.clone(), "proposal {id} changed");
    }
    // A stale version in the batch also stops all of it.
    ids.remove(3);
    let mut items: Vec<(i64, Option<i64>)> = ids.iter().map(|id| (*id, None)).collect();
    items[4].1 = Some(1);
    assert!(matches!(w.app.assign_many(&w.staff, &items, &input).await, Err(AppError::VersionConflict)));
    assert!(matches!(w.app.assign_many(&w.staff, &[], &input).await, Err(AppError::Validation(_))));
    for id in &ids {
        assert_eq!(w.status(*id).await, "filed");
    }
}

/// Regression: on SQLite a refused action used to wait 10 s on the write lock and answer an
/// internal error (the denial was audited in a second transaction while the first was open).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_action_is_answered_forbidden_at_once_and_audited_as_denied() {
    let w = World::new().await;
    let p = w.draft(&w.member, "关于加快老旧小区加装电梯的建议").await;
    w.ok(&w.member, p.id, "submit", json!({})).await;
    let started = Instant::now();
    let err = w.refused(&w.member, p.id, "review", json!({"decision": "file"})).await;
    let took = started.elapsed();
    assert!(matches!(err, AppError::Forbidden), "{err:?} after {took:?}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert_eq!(w.denials(p.id).await, 1);
    let denial = w.audit(p.id).await.pop().unwrap();
    assert_eq!((denial.action.as_str(), denial.actor_user_id), ("permission_denied", Some(w.member.user_id)));
}

/// Bug: filing is numbered with `MAX(number) + 1` without a lock, so on PostgreSQL two staff
/// members filing at the same moment collide on the unique (session, number) index.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proposals_filed_at_the_same_moment_each_get_their_own_number() {
    let w = World::new().await;
    let mut ids = Vec::new();
    for i in 0..8 {
        let p = w.draft(&w.member, &format!("关于第{i}项民生实事的建议")).await;
        w.ok(&w.member, p.id, "submit", json!({})).await;
        ids.push(p.id);
    }
    let mut set = tokio::task::JoinSet::new();
    for id in ids.clone() {
        let (app, staff) = (w.app.clone(), w.staff.clone());
        set.spawn(async move {
            let review = ActionInput::Review(eline_app::proposals::ReviewInput { decision: "file".into(), ..Default::default() });
            (id, app.act(&staff, id, None, review).await)
        });
    }
    let mut failures = Vec::new();
    while let Some(joined) = set.join_next().await {
        let (id, r) = joined.expect("task");
        if let Err(e) = r {
            failures.push((id, e));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
    let mut numbers = Vec::new();
    for id in &ids {
        numbers.push(w.row(*id).await.number.expect("numbered"));
    }
    numbers.sort();
    assert_eq!(numbers, (1..=8).collect::<Vec<i64>>());
}

/// Regression (fixed in 78bcf07): a joint proposal returned for revision and submitted again unchanged went to
/// awaiting_cosigners although every co-signer has already answered; nobody can confirm, the
/// note says it waits for them, and the proposer has to submit a second time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_returned_joint_proposal_submitted_again_unchanged_does_not_wait_for_cosigners_who_already_answered() {
    let w = World::new().await;
    let p = w.joint_draft(&w.member, "关于建设城市慢行系统的提案", &[&w.cosigner_a, &w.cosigner_b]).await;
    let id = p.id;
    w.ok(&w.member, id, "submit", json!({})).await;
    w.ok(&w.cosigner_a, id, "cosign", json!({"accept": true})).await;
    w.ok(&w.cosigner_b, id, "cosign", json!({"accept": true})).await;
    w.ok(&w.staff, id, "review", json!({"decision": "return", "comment": "请补充数据"})).await;
    assert_eq!(w.status(id).await, "draft");
    let p = w.ok(&w.member, id, "submit", json!({})).await;
    assert!(w.allowed(&w.cosigner_a, id).await.is_empty(), "nobody is asked to confirm");
    assert_eq!(p.status, "submitted", "note: {}", w.last_note(id).await);
}

/// Regression (fixed in 78bcf07): the "mine" list of a co-signer who declined (or lapsed) showed the proposal, which
/// then answers "not found" when opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cosigner_who_declined_no_longer_finds_the_proposal_in_their_list() {
    let w = World::new().await;
    let p = w.joint_draft(&w.member, "关于建设城市慢行系统的提案", &[&w.cosigner_a, &w.cosigner_b]).await;
    w.ok(&w.member, p.id, "submit", json!({})).await;
    assert_eq!(w.list(&w.cosigner_b, json!({})).await.unwrap(), [p.id], "a pending co-signer finds it");
    w.ok(&w.cosigner_b, p.id, "cosign", json!({"accept": false})).await;
    assert!(matches!(w.app.get_proposal(&w.cosigner_b, p.id).await, Err(AppError::NotFound)));
    assert!(w.list(&w.cosigner_b, json!({})).await.unwrap().is_empty(), "listed but not readable");
}

/// Regression (fixed in 78bcf07): `allowed_actions` offered "evaluate" to a co-signer who had already evaluated this round's
/// reply, and the action then always fails ("您已对本轮答复作出评价").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cosigner_who_has_evaluated_the_reply_is_not_offered_evaluate_again() {
    let w = World::new().await;
    let p = w.joint_draft(&w.member, "关于建设城市慢行系统的提案", &[&w.cosigner_a]).await;
    let id = p.id;
    w.ok(&w.member, id, "submit", json!({})).await;
    w.ok(&w.cosigner_a, id, "cosign", json!({"accept": true})).await;
    w.ok(&w.staff, id, "review", json!({"decision": "file"})).await;
    w.ok(&w.staff, id, "assign", json!({"lead_unit_id": w.uid(&w.unit)})).await;
    w.ok(&w.unit, id, "reply", reply("A")).await;
    assert_eq!(w.allowed(&w.cosigner_a, id).await, ["evaluate"]);
    let p = w.ok(&w.cosigner_a, id, "evaluate", json!({"satisfaction": "satisfied"})).await;
    assert_eq!(p.status, "replied", "a co-signer's evaluation is recorded; the first proposer decides");
    let v = w.view(&w.member, id).await;
    assert_eq!((v.evaluations.len(), v.evaluations[0].decisive), (1, false));
    let offered = w.allowed(&w.cosigner_a, id).await;
    let err = w.refused(&w.cosigner_a, id, "evaluate", json!({"satisfaction": "satisfied"})).await;
    assert!(matches!(&err, AppError::InvalidTransition(m) if m == "您已对本轮答复作出评价"), "{err:?}");
    assert_eq!(w.ok(&w.member, id, "evaluate", json!({"satisfaction": "satisfied"})).await.status, "closed");
    assert!(w.allowed(&w.cosigner_a, id).await.is_empty());
    // Checked last: this is what fails.
    assert!(offered.is_empty(), "offered {offered:?} after evaluating, but evaluate is always refused then");
}

/// Regression (fixed in 78bcf07): only the first proposer of a merged proposal could read the proposal it was merged into;
/// its confirmed co-signers (also proposers, DOMAIN.md: "every proposer still gets the reply") cannot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_confirmed_cosigners_of_a_merged_joint_proposal_read_the_target_and_its_reply_too() {
    let w = World::new().await;
    let target = w.filed("关于加强食品安全监管的建议").await;
    let p = w.joint_draft(&w.cosigner_b, "关于加强校园食品安全的提案", &[&w.cosigner_c]).await;
    w.ok(&w.cosigner_b, p.id, "submit", json!({})).await;
    w.ok(&w.cosigner_c, p.id, "cosign", json!({"accept": true})).await;
    w.ok(&w.staff, p.id, "review", json!({"decision": "merge", "merge_into": target.id})).await;
    w.ok(&w.staff, target.id, "assign", json!({"lead_unit_id": w.uid(&w.unit)})).await;
    w.ok(&w.unit, target.id, "reply", reply("A")).await;
    assert_eq!(w.view(&w.cosigner_b, target.id).await.replies.len(), 1);
    let r = w.app.get_proposal(&w.cosigner_c, target.id).await;
    assert!(r.is_ok(), "the co-signer of the merged proposal: {:?}", r.err());
}

/// Bug: a repeated supervisor id hits the unique index proposal_supervisors_pair and comes back
/// as an internal error instead of being taken once (or refused as a validation error).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marking_a_key_proposal_with_the_same_leader_twice_is_not_an_internal_error() {
    let w = World::new().await;
    let p = w.filed("关于打造湾区文化名城的建议").await;
    match w.act(&w.staff, p.id, "mark_key", json!({"supervisor_ids": [w.leader.user_id, w.leader.user_id]})).await {
        Ok(_) => assert_eq!(w.view(&w.staff, p.id).await.supervisors.len(), 1),
        Err(e) => assert!(is_validation(&e, "supervisor_ids"), "{e:?}"),
    }
}

/// Bug: a repeated co-signer id hits the unique index proposal_cosigners_pair and comes back as an
/// internal error instead of being taken once (or refused as a validation error).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joint_draft_naming_the_same_cosigner_twice_is_not_an_internal_error() {
    let w = World::new().await;
    let input = DraftInput {
        title: "关于建设城市慢行系统的提案".into(),
        body: BODY.into(),
        kind: Some("joint".into()),
        cosigner_ids: vec![w.mid(&w.cosigner_a), w.mid(&w.cosigner_a)],
        ..Default::default()
    };
    match w.create(&w.member, input).await {
        Ok(q) => assert_eq!(w.view(&w.member, q.id).await.cosigners.len(), 1),
        Err(e) => assert!(is_validation(&e, "cosigner_ids"), "{e:?}"),
    }
}
