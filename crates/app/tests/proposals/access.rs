//! Who may read and act (a unit guessing ids, another member's draft, leaders, the public), stale
//! versions, batch assignment, refusals audited, numbering under concurrency, and co-signers'
//! edge cases.
//! Multi-threaded runtimes: on PostgreSQL, `TestDb`'s drop blocks the test thread on DROP SCHEMA
//! while a just-refused action's connection may still have to roll back on the runtime (see story.rs).

use std::time::{Duration, Instant};

use eline_app::AppError;
use eline_app::proposals::{ActionInput, AssignInput, ContactInput, DraftInput};
use serde_json::json;

use crate::support::*;

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
    // The proposer did not state a 公开意愿: the office publishes with its reason.
    let q = w.ok(&w.staff, p.id, "publish", json!({"override_reason": "作为办理范例公开"})).await;
    assert!(q.published);
    assert_eq!(w.last_note(p.id).await, "公开提案及答复（提案人未表明公开意愿，机关决定公开，理由：作为办理范例公开）");
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
