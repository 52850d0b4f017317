//! Members: special committees, versions, filters and paging.

use eline_domain::org::DirectoryKind;
use eline_storage::{Ex, members, testing};

use crate::common::*;

struct MemberWorld {
    a: i64,
    economy: i64,
    science: i64,
    east: i64,
    west: i64,
    proposals: i64,
    culture: i64,
}

async fn member_world(ex: &mut Ex<'_>) -> MemberWorld {
    let a = committee(ex, "清河市政协").await;
    MemberWorld {
        a,
        economy: dir(ex, DirectoryKind::Sector, a, "经济界", 1).await.id,
        science: dir(ex, DirectoryKind::Sector, a, "科技界", 2).await.id,
        east: dir(ex, DirectoryKind::WorkStation, a, "东城工作站", 1).await.id,
        west: dir(ex, DirectoryKind::WorkStation, a, "西城工作站", 2).await.id,
        proposals: dir(ex, DirectoryKind::SpecialCommittee, a, "提案委员会", 1).await.id,
        culture: dir(ex, DirectoryKind::SpecialCommittee, a, "文史委员会", 2).await.id,
    }
}

#[tokio::test]
async fn a_member_keeps_its_special_committees_and_an_update_replaces_them() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let w = member_world(&mut ex).await;
    let f = member_fields("王建华", w.economy, Some(w.east), &[w.culture, w.proposals]);
    let m = members::create(&mut ex, w.a, &f).await.unwrap();
    assert_eq!(m.name, "王建华");
    assert_eq!(m.gender.as_deref(), Some("female"));
    assert_eq!(m.birth_year, Some(1970));
    assert_eq!(m.party.as_deref(), Some("民盟盟员"));
    assert_eq!(m.roles, "standing,member");
    assert_eq!(m.term_number, Some(13));
    assert_eq!(m.status, "active");
    assert_eq!(m.version, 1);
    let mut both = vec![w.proposals, w.culture];
    both.sort();
    assert_eq!(members::committee_ids(&mut ex, m.id).await.unwrap(), both);

    let mut g = member_fields("王建华", w.science, None, &[w.culture]);
    g.hk_macao = true;
    let u = members::update(&mut ex, w.a, m.id, m.version, &g).await.unwrap();
    assert_eq!(u.version, 2);
    assert_eq!(u.sector_id, w.science);
    assert_eq!(u.work_station_id, None);
    assert!(u.hk_macao);
    assert_eq!(members::committee_ids(&mut ex, m.id).await.unwrap(), vec![w.culture]);

    let h = member_fields("王建华", w.science, None, &[]);
    members::update(&mut ex, w.a, m.id, u.version, &h).await.unwrap();
    assert!(members::committee_ids(&mut ex, m.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_stale_member_version_is_refused_and_changes_nothing() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let w = member_world(&mut ex).await;
    let m = members::create(&mut ex, w.a, &member_fields("王建华", w.economy, None, &[w.proposals])).await.unwrap();
    let current = members::update(&mut ex, w.a, m.id, m.version, &member_fields("王建华", w.economy, None, &[w.proposals])).await.unwrap();
    assert_conflict(members::update(&mut ex, w.a, m.id, m.version, &member_fields("抢改", w.science, None, &[w.culture])).await, "stale member update");
    assert_conflict(members::set_archived(&mut ex, w.a, m.id, m.version, true).await, "stale member archive");
    assert_eq!(members::get(&mut ex, w.a, m.id).await.unwrap(), Some(current));
    assert_eq!(members::committee_ids(&mut ex, m.id).await.unwrap(), vec![w.proposals], "a refused update must not touch the special committees");
    assert_not_found(members::set_archived(&mut ex, w.a, m.id + 1000, 1, true).await, "archive of a missing member");
}

#[tokio::test]
async fn members_are_filtered_by_sector_work_station_special_committee_and_name() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let w = member_world(&mut ex).await;
    let wang = members::create(&mut ex, w.a, &member_fields("王建华", w.economy, Some(w.east), &[w.proposals])).await.unwrap();
    let li = members::create(&mut ex, w.a, &member_fields("李建国", w.science, Some(w.west), &[w.culture])).await.unwrap();
    let zhao = members::create(&mut ex, w.a, &member_fields("赵丽", w.economy, None, &[w.proposals, w.culture])).await.unwrap();

    let mut list = async |f: members::Filter| -> Vec<i64> { members::list(&mut ex, w.a, &f, 100).await.unwrap().into_iter().map(|r| r.member.id).collect() };
    assert_eq!(list(members::Filter::default()).await, vec![wang.id, li.id, zhao.id]);
    assert_eq!(list(members::Filter { sector_id: Some(w.economy), ..Default::default() }).await, vec![wang.id, zhao.id]);
    assert_eq!(list(members::Filter { work_station_id: Some(w.west), ..Default::default() }).await, vec![li.id]);
    assert_eq!(list(members::Filter { special_committee_id: Some(w.culture), ..Default::default() }).await, vec![li.id, zhao.id]);
    assert_eq!(list(members::Filter { name: Some("建".into()), ..Default::default() }).await, vec![wang.id, li.id]);
    assert_eq!(list(members::Filter { name: Some("建".into()), special_committee_id: Some(w.proposals), ..Default::default() }).await, vec![wang.id]);
    // Wildcards typed by a user are dropped, not interpreted: "%_" filters nothing out.
    assert_eq!(list(members::Filter { name: Some("%_".into()), ..Default::default() }).await.len(), 3);
    assert!(list(members::Filter { name: Some("孙".into()), ..Default::default() }).await.is_empty());

    let rows = members::list(&mut ex, w.a, &members::Filter::default(), 100).await.unwrap();
    assert_eq!(rows[0].sector_name, "经济界");
    assert_eq!(rows[0].work_station_name.as_deref(), Some("东城工作站"));
    assert_eq!(rows[2].work_station_name, None);

    members::set_archived(&mut ex, w.a, li.id, li.version, true).await.unwrap();
    assert_eq!(
        members::list(&mut ex, w.a, &members::Filter::default(), 100).await.unwrap().iter().map(|r| r.member.id).collect::<Vec<_>>(),
        vec![wang.id, zhao.id]
    );
    assert_eq!(members::list(&mut ex, w.a, &members::Filter { include_archived: true, ..Default::default() }, 100).await.unwrap().len(), 3);
    assert_eq!(members::count_active(&mut ex, w.a).await.unwrap(), 2);
    assert_eq!(members::ids_by_name(&mut ex, w.a, "王建华").await.unwrap(), vec![wang.id]);
    assert!(members::ids_by_name(&mut ex, w.a, "李建国").await.unwrap().is_empty());
}

#[tokio::test]
async fn members_are_paged_in_id_order_after_a_cursor() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let w = member_world(&mut ex).await;
    let mut expected = Vec::new();
    for i in 0..12 {
        let m = members::create(&mut ex, w.a, &member_fields(&format!("委员{i:02}"), w.economy, None, &[])).await.unwrap();
        expected.push(m.id);
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let f = members::Filter { after_id: after, ..Default::default() };
        let page = members::list(&mut ex, w.a, &f, 5).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.member.id);
        seen.extend(page.iter().map(|r| r.member.id));
        assert!(seen.len() <= expected.len(), "paging repeats");
    }
    assert_eq!(seen, expected);
}

// ---------------------------------------------------------------------------------------------
// users, tokens, login failures
