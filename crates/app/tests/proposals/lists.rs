//! The list as the office reads it (issue 12, point 7): sorted by 编号 within a session, by
//! days left or newest first, paged without gaps or repeats in every order, and narrowed by
//! handling unit and by the proposer's 界别 — the same rows on both engines.

use eline_app::proposals::ProposalFilter;
use eline_domain::Actor;
use eline_domain::proposal::ListSort;
use eline_storage::proposals::Row;
use serde_json::json;

use super::support::World;

/// Every row of a list, walking its pages of `limit`.
async fn walk(w: &World, who: &Actor, f: ProposalFilter, limit: i64) -> Vec<Row> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = w.app.list_proposals(who, &ProposalFilter { limit: Some(limit), cursor: cursor.clone(), ..f.clone() }).await.expect("list");
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
        assert!(out.len() < 10_000, "paging ends");
    }
    out
}

#[tokio::test]
async fn a_session_lists_by_number_and_every_order_pages_without_gaps_or_repeats() {
    let w = World::new().await;
    let session = w.session_ids[0];
    // Written in one order, filed (numbered) in another.
    let a = w.draft(&w.member, "关于完善社区养老服务设施的提案").await;
    let b = w.draft(&w.member, "关于加强中小学课后服务的提案").await;
    let c = w.draft(&w.member, "关于推进垃圾分类减量的提案").await;
    for p in [&c, &a, &b] {
        w.ok(&w.member, p.id, "submit", json!({})).await;
        w.ok(&w.staff, p.id, "review", json!({"decision": "file"})).await;
    }
    w.ok(&w.staff, a.id, "assign", json!({"lead_unit_id": w.uid(&w.unit)})).await;
    w.ok(&w.staff, b.id, "assign", json!({"lead_unit_id": w.uid(&w.unit_c)})).await;

    let in_session = ProposalFilter { session_id: Some(session), ..Default::default() };
    assert_eq!(in_session.order(), ListSort::Number, "a session's list is by 编号 unless asked otherwise");
    let rows = walk(&w, &w.staff, in_session.clone(), 2).await;
    let ours: Vec<i64> = rows.iter().map(|r| r.id).filter(|id| [a.id, b.id, c.id].contains(id)).collect();
    assert_eq!(ours, vec![c.id, a.id, b.id], "filed first, numbered first");
    let keys: Vec<i64> = rows.iter().map(|r| r.number.unwrap_or(i64::MAX)).collect();
    assert!(keys.windows(2).all(|k| k[0] <= k[1]), "numbers ascend, unnumbered last: {keys:?}");

    // Every order, paged by 2, gives the same rows as one page of 200, once each.
    for sort in ListSort::ALL {
        let f = ProposalFilter { sort: Some(*sort), ..in_session.clone() };
        let paged: Vec<i64> = walk(&w, &w.staff, f.clone(), 2).await.iter().map(|r| r.id).collect();
        let whole: Vec<i64> = walk(&w, &w.staff, f, 200).await.iter().map(|r| r.id).collect();
        assert_eq!(paged, whole, "{sort:?}");
        let mut unique = paged.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), paged.len(), "{sort:?}: no repeats");
    }
    // Days left: the soonest deadline first, none last.
    let by_due = walk(&w, &w.staff, ProposalFilter { sort: Some(ListSort::Due), ..Default::default() }, 3).await;
    let dues: Vec<String> = by_due.iter().map(|r| r.due_on.clone().unwrap_or_else(|| "9999-12-31".into())).collect();
    assert!(dues.windows(2).all(|d| d[0] <= d[1]), "{dues:?}");
    assert!(by_due.first().is_some_and(|r| r.due_on.is_some()));
    // Newest first stays the default outside a session.
    let newest = walk(&w, &w.staff, ProposalFilter::default(), 50).await;
    assert!(newest.windows(2).all(|r| r[0].id > r[1].id));

    // Narrowed by handling unit.
    let of_c = walk(&w, &w.staff, ProposalFilter { unit_id: Some(w.uid(&w.unit_c)), ..Default::default() }, 50).await;
    assert_eq!(of_c.iter().map(|r| r.id).collect::<Vec<_>>(), vec![b.id]);
    // Narrowed by the proposer's 界别: the member's proposals are in, a collective one is not.
    let sector = w.app.get_member(&w.staff, w.mid(&w.member)).await.expect("member").0.sector_id;
    let of_sector = walk(&w, &w.staff, ProposalFilter { sector_id: Some(sector), ..Default::default() }, 200).await;
    for p in [&a, &b, &c] {
        assert!(of_sector.iter().any(|r| r.id == p.id));
    }
    assert!(of_sector.iter().all(|r| r.proposer_name.is_some()), "collective proposals have no proposer's 界别");
    // The office's one-line tally of the session agrees with the list, status by status.
    let tally = w.app.session_tally(&w.staff, session).await.expect("tally");
    assert!(tally.iter().any(|t| t.status == eline_domain::proposal::Status::Assigned && t.count >= 2));
    for t in &tally {
        let listed = walk(&w, &w.staff, ProposalFilter { status: Some(t.status), ..in_session.clone() }, 200).await.len();
        assert_eq!(listed as i64, t.count, "{:?}", t.status);
    }
    assert!(w.app.session_tally(&w.member, session).await.is_err(), "members do not read the office's tally");
    // A forged cursor is a Chinese refusal, not an error page.
    let bad = ProposalFilter { sort: Some(ListSort::Number), cursor: Some("1 OR 1=1".into()), ..Default::default() };
    let e = w.app.list_proposals(&w.staff, &bad).await.unwrap_err();
    assert!(format!("{e:?}").contains("分页游标无效"), "{e:?}");
}
