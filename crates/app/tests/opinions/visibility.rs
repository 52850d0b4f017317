//! Who sees which report: a member never sees another member's unadopted report (list, detail,
//! search, files); published ones are read by members without their handling record; an
//! informant sees only their own.

use eline_app::AppError;
use eline_app::opinions::OpinionFilter;
use eline_app::search::SearchQuery;
use eline_domain::opinion::Scope;
use eline_domain::{Access, Actor, RecordKind, RecordRef};
use serde_json::json;

use super::support::*;

async fn found(w: &World, who: &Actor, q: &str) -> Vec<i64> {
    let query = SearchQuery { q: q.into(), kind: Some(RecordKind::OPINION.as_str().into()), ..SearchQuery::default() };
    w.app.search(who, &query, 50).await.unwrap().items.into_iter().map(|i| i.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_never_sees_another_members_unpublished_report() {
    let w = World::new().await;
    let o = w.submitted(&w.member, "关于规范共享单车停放的建议").await;
    let record = RecordRef::new(RecordKind::OPINION, o.id);
    let draft = w.draft(&w.member, "关于共享单车押金退还的建议").await;
    w.app.attach(&w.member, RecordRef::new(RecordKind::OPINION, draft.id), "material", "照片.pdf", b"%PDF-1.4 photo").await.unwrap();
    let index = w.app.search.clone().expect("search is on");
    index.tick(&w.app.db).await.unwrap();

    for who in [&w.other_member, &w.informant, &w.unit, &w.leader] {
        assert!(matches!(w.app.get_opinion(who, o.id).await, Err(AppError::NotFound)), "{}", who.username);
        assert!(found(&w, who, "共享单车").await.is_empty(), "{}", who.username);
        assert!(matches!(w.app.files_of(who, RecordRef::new(RecordKind::OPINION, draft.id)).await, Err(AppError::NotFound)));
    }
    assert!(matches!(w.app.get_opinion(&w.staff, draft.id).await, Err(AppError::NotFound)), "the office does not see drafts");
    assert_eq!(found(&w, &w.staff, "共享单车").await, vec![o.id]);
    let mut mine = found(&w, &w.member, "共享单车").await;
    mine.sort();
    assert_eq!(mine, vec![o.id, draft.id]);
    assert!(matches!(w.app.list_opinions(&w.other_member, &OpinionFilter::scope(Scope::All)).await, Err(AppError::Validation(_))));
    let theirs = w.app.list_opinions(&w.other_member, &OpinionFilter::scope(Scope::Mine)).await.unwrap();
    assert!(theirs.items.is_empty());
    let informant = w.app.list_opinions(&w.informant, &OpinionFilter::default()).await.unwrap();
    assert!(informant.items.is_empty(), "an informant's first list is their own");

    // Published (printed in an issued bulletin): members read it, without its handling record.
    w.ok(&w.staff, o.id, "adopt", json!({})).await;
    let mut c = w.t.db.acquire().await.unwrap();
    eline_storage::opinions::set_published(&mut c.ex(), &[o.id]).await.unwrap();
    eline_storage::outbox::push(&mut c.ex(), Some(w.cid), eline_storage::outbox::SEARCH, "opinion", o.id).await.unwrap();
    drop(c);
    index.tick(&w.app.db).await.unwrap();
    let v = w.view(&w.other_member, o.id).await;
    assert_eq!(v.access, Access::Public);
    assert!(v.events.is_empty() && v.revisions.is_empty(), "no handling record for readers");
    assert_eq!(found(&w, &w.other_member, "共享单车").await, vec![o.id]);
    assert!(found(&w, &w.informant, "共享单车").await.is_empty(), "an informant sees only their own");
    assert!(matches!(w.app.files_of(&w.other_member, record).await, Err(AppError::NotFound)));
    let published = w.app.list_opinions(&w.other_member, &OpinionFilter::scope(Scope::Published)).await.unwrap();
    assert_eq!(published.items.iter().map(|r| r.id).collect::<Vec<_>>(), vec![o.id]);
}
