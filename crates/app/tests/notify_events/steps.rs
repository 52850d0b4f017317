//! Each proposal step tells exactly the people concerned, never the one who acted, and on the
//! channels their preferences or their role's defaults choose.

use serde_json::json;

use crate::support::{World, reply};
use crate::{deliveries, ids, staff_ids, told, told_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joint_proposal_tells_each_party_of_its_steps_and_a_cosigner_who_declined_hears_nothing_more() {
    let w = World::new().await;
    let db = &w.t.db;
    let p = w.joint_draft(&w.member, "关于推进老旧小区加装电梯的提案", &[&w.cosigner_a, &w.cosigner_b]).await;
    let id = p.id;
    assert!(told(db, "proposal", id).await.is_empty(), "a draft tells no one");

    w.ok(&w.member, id, "submit", json!({})).await;
    assert_eq!(told_of(db, "proposal", id, "proposal.cosign_requested").await, ids(&[&w.cosigner_a, &w.cosigner_b]));

    w.ok(&w.cosigner_a, id, "cosign", json!({"accept": true})).await;
    w.ok(&w.cosigner_b, id, "cosign", json!({"accept": false})).await;
    assert_eq!(told_of(db, "proposal", id, "proposal.cosign_answered").await, ids(&[&w.member, &w.member]));
    assert_eq!(told_of(db, "proposal", id, "proposal.submitted").await, staff_ids(db, w.cid).await, "the office hears of the submission once");

    w.ok(&w.staff, id, "review", json!({"decision": "file"})).await;
    assert_eq!(told_of(db, "proposal", id, "proposal.filed").await, ids(&[&w.member, &w.cosigner_a]), "not the co-signer who declined");

    w.ok(&w.staff, id, "assign", json!({"lead_unit_id": w.uid(&w.unit), "co_unit_ids": [w.uid(&w.unit_b)]})).await;
    assert_eq!(told_of(db, "proposal", id, "proposal.assigned").await, ids(&[&w.unit, &w.unit_b]), "the units assigned, not unit C or D");

    w.ok(&w.unit, id, "reply", reply("A")).await;
    assert_eq!(
        told_of(db, "proposal", id, "proposal.replied").await,
        ids(&[&w.member, &w.cosigner_a]),
        "the reply reaches the proposer and the confirmed co-signer only"
    );

    w.ok(&w.member, id, "evaluate", json!({"satisfaction": "dissatisfied", "comment": "措施不具体"})).await;
    assert_eq!(told_of(db, "proposal", id, "proposal.evaluated").await, ids(&[&w.unit]), "the replying unit hears the evaluation");
    assert_eq!(told_of(db, "proposal", id, "proposal.rehandling").await, ids(&[&w.unit]));

    let everyone: Vec<i64> = told(db, "proposal", id).await.into_iter().map(|(u, _)| u).collect();
    for outsider in [&w.other_member, &w.unit_c, &w.unit_d, &w.leader, &w.cosigner_c] {
        assert!(!everyone.contains(&outsider.user_id), "{} was told of a proposal that is none of theirs", outsider.username);
    }
    let after_decline: Vec<String> = told(db, "proposal", id).await.into_iter().filter(|(u, _)| *u == w.cosigner_b.user_id).map(|(_, k)| k).collect();
    assert_eq!(after_decline, ["proposal.cosign_requested"], "the decliner heard only the request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objections_extensions_and_key_marking_reach_the_office_the_units_and_the_supervising_leader() {
    let w = World::new().await;
    let db = &w.t.db;
    let p = w.assigned("关于整治城区河涌黑臭水体的提案").await;
    let id = p.id;
    w.ok(&w.unit, id, "object", json!({"reason": "河涌整治属水务局职责"})).await;
    assert_eq!(told_of(db, "proposal", id, "proposal.objection_raised").await, staff_ids(db, w.cid).await);
    w.ok(&w.staff, id, "reassign", json!({"lead_unit_id": w.uid(&w.unit_c), "co_unit_ids": [w.uid(&w.unit_b)]})).await;
    assert_eq!(told_of(db, "proposal", id, "proposal.objection_decided").await, ids(&[&w.unit]), "the unit the proposal left");
    let assigned = told_of(db, "proposal", id, "proposal.assigned").await;
    assert_eq!(assigned, ids(&[&w.unit, &w.unit_b, &w.unit_c]), "first the demo unit and B, then only the new unit C: {assigned:?}");

    w.ok(&w.staff, id, "mark_key", json!({"key": true, "supervisor_ids": [w.leader.user_id]})).await;
    assert_eq!(told_of(db, "proposal", id, "proposal.key_marked").await, ids(&[&w.leader]));
    assert!(told_of(db, "proposal", id, "proposal.key_marked").await.iter().all(|u| *u != w.leader2.user_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_channels_follow_the_role_defaults_and_each_persons_choices() {
    let w = World::new().await;
    let db = &w.t.db;
    let admin = {
        let mut c = db.acquire().await.expect("connection");
        eline_app::auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), "admin").await.expect("read").expect("demo admin"))
    };
    // Addresses for the unit and the proposer; the co-unit has none.
    for who in [&w.unit, &w.member] {
        let input = eline_app::notify::inbox::PrefsInput { email: Some(format!("{}@example.cn", who.username)), ..Default::default() };
        w.app.set_notification_prefs(who, &input).await.expect("set email");
    }
    // The member wants replies at once.
    let choice = eline_app::notify::inbox::PrefChoice {
        kind: "proposal.replied".into(),
        channel: eline_domain::notice::Channel::Email,
        mode: eline_domain::notice::Mode::Immediate,
    };
    let view =
        w.app.set_notification_prefs(&w.member, &eline_app::notify::inbox::PrefsInput { choices: vec![choice], ..Default::default() }).await.expect("choose");
    assert_eq!(view.kinds.iter().find(|k| k.kind == "proposal.replied").map(|k| k.email), Some(eline_domain::notice::Mode::Immediate));
    let p = w.assigned("关于完善社区养老服务设施的提案").await;
    assert_eq!(deliveries(db, w.unit.user_id, "proposal.assigned").await, [("email".to_string(), "immediate".to_string(), true)], "units: at once");
    assert!(deliveries(db, w.unit_b.user_id, "proposal.assigned").await.is_empty(), "no address, no email (the inbox has it)");
    assert_eq!(told_of(db, "proposal", p.id, "proposal.assigned").await, ids(&[&w.unit, &w.unit_b]));
    assert_eq!(deliveries(db, w.member.user_id, "proposal.filed").await, [("email".to_string(), "daily".to_string(), false)], "members: the daily digest");
    w.ok(&w.unit, p.id, "reply", reply("A")).await;
    assert_eq!(deliveries(db, w.member.user_id, "proposal.replied").await, [("email".to_string(), "immediate".to_string(), true)], "the member's own choice");

    // A webhook on: deadline kinds go to it at once by default, the rest do not.
    w.app
        .set_webhook(&admin, &eline_app::notify::inbox::WebhookInput { url: "http://127.0.0.1:9/hook".into(), active: true, new_secret: false })
        .await
        .expect("webhook");
    let q = w.assigned("关于加强校园周边交通安全的提案").await;
    let channels: Vec<String> = deliveries(db, w.unit.user_id, "proposal.assigned").await.into_iter().map(|(c, _, _)| c).collect();
    assert_eq!(channels, ["email", "email", "webhook"], "{q:?}");
    assert!(deliveries(db, w.member.user_id, "proposal.filed").await.iter().all(|(c, _, _)| c == "email"));

    // Bad choices change nothing.
    let bad = eline_app::notify::inbox::PrefsInput {
        email: Some("not-an-address".into()),
        choices: vec![eline_app::notify::inbox::PrefChoice {
            kind: "proposal.nothing".into(),
            channel: eline_domain::notice::Channel::Webhook,
            mode: eline_domain::notice::Mode::Daily,
        }],
        reset: true,
    };
    let err = w.app.set_notification_prefs(&w.member, &bad).await.expect_err("refused");
    assert!(matches!(&err, eline_app::AppError::Validation(e) if e.len() == 2), "{err:?}");
    let still = w.app.notification_prefs(&w.member).await.expect("prefs");
    assert_eq!(still.email.as_deref(), Some("member@example.cn"));
    assert_eq!(still.kinds.iter().find(|k| k.kind == "proposal.replied").map(|k| k.email), Some(eline_domain::notice::Mode::Immediate));
}
