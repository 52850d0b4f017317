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
