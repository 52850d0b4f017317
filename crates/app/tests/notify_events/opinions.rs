//! 社情民意, bulletins and instructions tell the report's author and the office.

use serde_json::json;

use crate::opinion_support::World;
use crate::{ids, told_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_tells_the_office_on_submission_and_its_author_of_each_decision() {
    let w = World::new().await;
    let db = &w.t.db;
    let o = w.submitted(&w.member, "关于加装电梯维保责任的建议").await;
    let staff = told_of(db, "opinion", o.id, "opinion.submitted").await;
    assert!(staff.contains(&w.staff.user_id) && !staff.contains(&w.member.user_id), "{staff:?}");
    w.ok(&w.staff, o.id, "return", json!({"reason": "请补充具体小区和时间"})).await;
    assert_eq!(told_of(db, "opinion", o.id, "opinion.returned").await, ids(&[&w.member]));
    assert!(told_of(db, "opinion", o.id, "opinion.returned").await.iter().all(|u| *u != w.other_member.user_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_sent_up_tells_the_parents_office_and_its_results_reach_the_author_below() {
    let w = World::new().await;
    let db = &w.t.db;
    let o = w.submitted(&w.member, "关于规范电动自行车停放充电的建议").await;
    w.ok(&w.staff, o.id, "adopt", json!({})).await;
    assert_eq!(told_of(db, "opinion", o.id, "opinion.adopted").await, ids(&[&w.member]));
    let up = w.ok(&w.staff, o.id, "report_up", json!({})).await.reported_up_id.expect("sent up");
    assert_eq!(told_of(db, "opinion", up, "opinion.received").await, ids(&[&w.province_staff]), "the parent's office, nobody below");
    w.ok(&w.province_staff, up, "adopt", json!({})).await;
    assert!(told_of(db, "opinion", up, "opinion.adopted").await.is_empty(), "the record up there has no author in the parent committee");
    assert_eq!(told_of(db, "opinion", o.id, "opinion.outcome").await, ids(&[&w.member]), "the province's 采用 comes back down as a result");
    w.ok(&w.province_staff, up, "record_outcome", json!({"level": "province", "kind": "to_national", "decided_on": "2026-11-30"})).await;
    assert_eq!(told_of(db, "opinion", o.id, "opinion.outcome").await, ids(&[&w.member, &w.member]), "and so does each result recorded there");

    // A leader's instruction on the report reaches its author too.
    let input = eline_app::instructions::InstructionInput {
        leader_name: "张明".into(),
        leader_post: "市长".into(),
        rank: "city".into(),
        given_on: "2026-11-30".into(),
        gist: "请市住建局牵头研究。".into(),
        ..Default::default()
    };
    let record = eline_domain::RecordRef::new(eline_domain::RecordKind::OPINION, o.id);
    w.app.record_instruction(&w.leader, record, &input).await.expect("instruction");
    assert_eq!(told_of(db, "opinion", o.id, "instruction.recorded").await, ids(&[&w.member]));
    assert!(told_of(db, "opinion", o.id, "instruction.recorded").await.iter().all(|u| *u != w.other_member.user_id));
}
