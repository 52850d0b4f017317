//! 删除草稿 (issue 12, point 9): a draft is its author's alone, so it is deleted — with its
//! co-signer invitations and files, the audit log keeping its last text — not withdrawn; what
//! was submitted is withdrawn, never deleted.

use eline_app::AppError;
use eline_domain::RecordRef;
use serde_json::json;

use super::support::World;

#[tokio::test]
async fn a_draft_is_deleted_by_its_author_alone_and_a_submitted_proposal_is_not() {
    let w = World::new().await;
    let d = w.joint_draft(&w.member, "关于建设城市口袋公园的提案", &[&w.cosigner_a]).await;
    w.app.attach(&w.member, RecordRef::proposal(d.id), "proposal", "调研材料.pdf", b"%PDF-1.4 draft").await.expect("attach");
    assert_eq!(w.allowed(&w.member, d.id).await, ["submit", "edit", "delete"], "a draft offers 删除草稿, not 撤回");
    assert!(w.act(&w.member, d.id, "withdraw", json!({})).await.is_err(), "a draft is not withdrawn");

    // Nobody else may; a stale version deletes nothing.
    for who in [&w.cosigner_a, &w.other_member, &w.staff, &w.unit] {
        assert!(matches!(w.app.delete_draft(who, d.id, None).await, Err(AppError::NotFound)), "{}", who.username);
    }
    assert!(matches!(w.app.delete_draft(&w.member, d.id, Some(d.version + 7)).await, Err(AppError::VersionConflict)));
    assert_eq!(w.row(d.id).await.title, "关于建设城市口袋公园的提案", "still there");

    w.app.delete_draft(&w.member, d.id, Some(d.version)).await.expect("delete");
    assert!(matches!(w.app.get_proposal(&w.member, d.id).await, Err(AppError::NotFound)), "gone");
    let mut c = w.t.db.acquire().await.expect("connection");
    assert!(eline_storage::attachments::of(&mut c.ex(), w.cid, RecordRef::proposal(d.id)).await.expect("files").is_empty(), "its files went with it");
    assert!(eline_storage::timeline::list(&mut c.ex(), RecordRef::proposal(d.id)).await.expect("events").is_empty(), "and its timeline");
    drop(c);
    let audit = w.audit(d.id).await;
    let last = audit.iter().find(|e| e.action == "delete").expect("the deletion is audited");
    assert!(last.summary.contains("删除草稿") && last.summary.contains("口袋公园") && last.before_digest.is_some(), "{last:?}");
    assert!(w.list(&w.member, json!({"scope": "mine"})).await.unwrap().iter().all(|id| *id != d.id));

    // Submitted: withdrawn, not deleted.
    let s = w.draft(&w.member, "关于规范共享单车停放的提案").await;
    w.ok(&w.member, s.id, "submit", json!({})).await;
    assert!(matches!(w.app.delete_draft(&w.member, s.id, None).await, Err(AppError::InvalidTransition(_))));
    assert!(w.allowed(&w.member, s.id).await.contains(&"withdraw"));
    w.ok(&w.member, s.id, "withdraw", json!({"reason": "与他人提案重复"})).await;
    assert_eq!(w.status(s.id).await, "withdrawn");
}
