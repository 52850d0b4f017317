//! One story per path of the proposal table (crates/domain/src/proposal.rs): the status after
//! every step, the timeline (action names and Chinese notes), one audit entry per accepted
//! action (checked by `World::ok` / `World::refused`), and what each party is offered.
//!
//! Multi-threaded runtimes: on PostgreSQL, `TestDb`'s drop blocks the test thread on DROP SCHEMA
//! while a just-refused action's connection may still have to roll back on the runtime; with a
//! single-threaded runtime that rollback never runs and the test hangs (see the report).

use eline_app::AppError;
use eline_app::proposals::{ActionInput, DraftInput, today};
use eline_domain::calendar::Period;
use serde_json::json;

use crate::support::*;

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
