//! Deadline reminders: the stage each deadline reached on the working-day calendar is told once
//! per person, whatever the runs — a second run, a restart, two servers at once — and a run
//! missed over a weekend tells the stage reached by then, not the milder ones it missed.

use eline_app::App;
use serde_json::json;

use crate::support::{World, date, reply};
use crate::{ids, messages, staff_ids, told_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_deadline_is_reminded_once_per_threshold_across_reruns_restarts_and_two_servers_then_escalated() {
    let w = World::new().await;
    let db = &w.t.db;
    let p = w.assigned("关于优化公交线网的提案").await;
    let id = p.id;
    w.ok(&w.staff, id, "mark_key", json!({"key": true, "supervisor_ids": [w.leader.user_id]})).await;
    // Due Friday 18 December 2026 (no holidays in between).
    w.age(id, |p| p.due_on = Some("2026-12-18".into())).await;
    let reply_due = async || told_of(db, "proposal", id, "proposal.reply_due").await;

    assert_eq!(w.app.remind(w.cid, date("2026-12-03")).await.unwrap(), 0, "11 working days before: nothing yet");
    assert!(reply_due().await.is_empty());
    w.app.remind(w.cid, date("2026-12-04")).await.unwrap();
    assert_eq!(reply_due().await, ids(&[&w.unit]), "10 working days before: the lead unit (not the co-unit)");
    assert_eq!(w.app.remind(w.cid, date("2026-12-04")).await.unwrap(), 0, "the same day again: nothing");
    let restarted = App::new(db.clone(), eline_app::Settings::default());
    assert_eq!(restarted.remind(w.cid, date("2026-12-04")).await.unwrap(), 0, "after a restart: nothing");
    restarted.remind(w.cid, date("2026-12-07")).await.unwrap();
    assert_eq!(reply_due().await.len(), 1, "9 working days before is still the 10-day stage: not again");

    // Two servers run the check at once on the day the 3-day stage is reached.
    let other = App::new(db.clone(), eline_app::Settings::default());
    let (a, b) = tokio::join!(w.app.remind(w.cid, date("2026-12-15")), other.remind(w.cid, date("2026-12-15")));
    a.unwrap();
    b.unwrap();
    assert_eq!(reply_due().await, ids(&[&w.unit, &w.unit]), "the 3-day reminder once, not twice");
    let messages = messages(db, "proposal", id, "proposal.reply_due").await;
    assert_eq!(messages, ["答复期限2026-12-18，还有10个工作日", "答复期限2026-12-18，还有3个工作日"]);

    // Saturday after the due date: no run on a day off.
    assert_eq!(w.app.remind(w.cid, date("2026-12-19")).await.unwrap(), 0);
    // The server was down until Monday 28 December, 6 working days late: the escalation goes to
    // the office and the supervising leader, the unit hears it is overdue once; the 3-day stage
    // is not repeated and the overdue notice is not sent twice afterwards.
    w.app.remind(w.cid, date("2026-12-28")).await.unwrap();
    assert_eq!(told_of(db, "proposal", id, "proposal.reply_overdue").await, ids(&[&w.unit]));
    let mut escalated = staff_ids(db, w.cid).await;
    escalated.push(w.leader.user_id);
    escalated.sort_unstable();
    assert_eq!(told_of(db, "proposal", id, "proposal.reply_escalated").await, escalated);
    assert!(!told_of(db, "proposal", id, "proposal.reply_escalated").await.contains(&w.leader2.user_id));
    w.app.remind(w.cid, date("2026-12-29")).await.unwrap();
    assert_eq!(told_of(db, "proposal", id, "proposal.reply_overdue").await.len(), 1);
    assert_eq!(reply_due().await.len(), 2);

    // A reply ends the watch; a new due date (rehandling) starts over.
    w.ok(&w.unit, id, "reply", reply("B")).await;
    w.app.remind(w.cid, date("2026-12-30")).await.unwrap();
    assert_eq!(told_of(db, "proposal", id, "proposal.reply_overdue").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cosigners_and_proposers_are_reminded_of_their_windows_and_the_office_of_a_missed_evaluation() {
    let w = World::new().await;
    let db = &w.t.db;
    let p = w.joint_draft(&w.member, "关于建设城市绿道的提案", &[&w.cosigner_a, &w.cosigner_b]).await;
    w.ok(&w.member, p.id, "submit", json!({})).await;
    w.ok(&w.cosigner_a, p.id, "cosign", json!({"accept": true})).await;
    w.age(p.id, |p| p.cosign_due_on = Some("2026-12-10".into())).await;
    w.app.remind(w.cid, date("2026-12-08")).await.unwrap();
    assert!(told_of(db, "proposal", p.id, "proposal.cosign_due").await.is_empty(), "two working days before: not yet");
    w.app.remind(w.cid, date("2026-12-09")).await.unwrap();
    assert_eq!(told_of(db, "proposal", p.id, "proposal.cosign_due").await, ids(&[&w.cosigner_b]), "only the one who has not answered");

    let q = w.replied("关于规范校外培训机构的提案").await;
    w.age(q.id, |p| p.evaluation_due_on = Some("2026-12-11".into())).await;
    w.app.remind(w.cid, date("2026-12-10")).await.unwrap();
    assert_eq!(told_of(db, "proposal", q.id, "proposal.evaluation_due").await, ids(&[&w.member]), "the proposer, 1 working day before");
    w.app.remind(w.cid, date("2026-12-14")).await.unwrap();
    let mut expected = staff_ids(db, w.cid).await;
    expected.push(w.member.user_id);
    expected.sort_unstable();
    assert_eq!(told_of(db, "proposal", q.id, "proposal.evaluation_due").await, expected, "then the office, once it is missed");
}
