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
    // A joint draft with a file and a suggested unit: everything a draft can hold.
    let input = eline_app::proposals::DraftInput {
        title: "关于建设城市口袋公园的提案".into(),
        body: super::support::BODY.into(),
        kind: Some("joint".into()),
        cosigner_ids: vec![w.mid(&w.cosigner_a)],
        suggested_unit_ids: vec![w.uid(&w.unit)],
        ..Default::default()
    };
    let d = w.create(&w.member, input).await.expect("draft");
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

#[tokio::test]
async fn a_draft_with_several_mistakes_is_answered_with_all_of_them_at_once() {
    let w = World::new().await;
    let input = eline_app::proposals::DraftInput {
        title: " ".into(),
        body: "太短".into(),
        kind: Some("joint".into()),
        category: Some("不存在的分类".into()),
        occasion: Some("sometimes".into()),
        session_id: Some(987_654),
        ..Default::default()
    };
    let err = w.app.create_proposal(&w.member, &input).await.unwrap_err();
    let AppError::Validation(errors) = err else { panic!("{err:?}") };
    let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["body", "category", "cosigner_ids", "occasion", "session_id", "title"], "{errors:?}");
    assert!(errors.iter().all(|e| e.message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))), "in Chinese");
    // Editing a draft: the same.
    let d = w.draft(&w.member, "关于建设城市口袋公园的提案").await;
    let input = eline_app::proposals::DraftInput { title: String::new(), body: String::new(), occasion: Some("x".into()), ..Default::default() };
    let AppError::Validation(errors) = w.app.update_draft(&w.member, d.id, d.version, &input).await.unwrap_err() else { panic!() };
    assert_eq!(errors.len(), 3, "{errors:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_with_several_mistakes_names_them_all_and_saves_nothing() {
    let w = World::new().await;
    let p = w.assigned("关于优化城市公交线网的提案").await;
    let body = json!({"class": "Z", "text": " ", "signer": "", "contact_phone": "12", "commitments": [{"promise": "", "due_on": "明年"}]});
    let err = w.refused(&w.unit, p.id, "reply", body).await;
    let AppError::Validation(errors) = err else { panic!("{err:?}") };
    let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    fields.sort_unstable();
    fields.dedup();
    assert_eq!(fields, ["class", "commitments", "confirm_without_co_opinions", "contact_phone", "signer", "text"], "{errors:?}");
}
