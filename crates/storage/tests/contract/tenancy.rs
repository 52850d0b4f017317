//! Committees as a tree, and one committee's records never visible or changed through another.

use eline_domain::org::DirectoryKind;
use eline_storage::{audit, committees, directory, members, testing, users};
use std::collections::HashMap;

use crate::common::*;

#[tokio::test]
async fn committees_are_created_as_a_tree_and_found_by_id_and_name() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    assert_eq!(committees::first(&mut ex).await.unwrap(), None);
    let city = committee(&mut ex, "清河市政协").await;
    let county = committees::create(&mut ex, Some(city), "清河市东城区政协", "东城区政协", "county").await.unwrap();
    let got = committees::get(&mut ex, county).await.unwrap().unwrap();
    assert_eq!(got.parent_id, Some(city));
    assert_eq!(got.short_name, "东城区政协");
    assert_eq!(got.level, "county");
    assert_eq!(committees::first(&mut ex).await.unwrap().unwrap().id, city);
    let names: Vec<String> = committees::list(&mut ex).await.unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(names, vec!["清河市政协", "清河市东城区政协"]);
    assert_eq!(committees::find_by_name(&mut ex, "清河市东城区政协").await.unwrap().map(|c| c.id), Some(county));
    assert_eq!(committees::find_by_name(&mut ex, "不存在").await.unwrap(), None);
    assert_eq!(committees::get(&mut ex, county + 100).await.unwrap(), None);
}

#[tokio::test]
async fn records_of_one_committee_are_never_visible_through_another() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "甲市政协").await;
    let b = committee(&mut ex, "乙市政协").await;

    let mut in_a = HashMap::new();
    for kind in DirectoryKind::ALL {
        let e = dir(&mut ex, kind, a, &format!("甲{}", kind.label()), 1).await;
        in_a.insert(kind, e.id);
        // B has records of its own, so an empty answer is not an accident.
        dir(&mut ex, kind, b, &format!("乙{}", kind.label()), 1).await;
    }
    let session_a = directory::create_session(&mut ex, a, &session_fields(13, 1, 2023)).await.unwrap();
    let session_b = directory::create_session(&mut ex, b, &session_fields(13, 1, 2023)).await.unwrap();
    let member_a = members::create(
        &mut ex,
        a,
        &member_fields("王建华", in_a[&DirectoryKind::Sector], Some(in_a[&DirectoryKind::WorkStation]), &[in_a[&DirectoryKind::SpecialCommittee]]),
    )
    .await
    .unwrap();
    let sector_b = directory::all_active(&mut ex, DirectoryKind::Sector, b).await.unwrap()[0].id;
    let member_b = members::create(&mut ex, b, &member_fields("李明", sector_b, None, &[])).await.unwrap();
    let user_a = users::create(&mut ex, &new_user(a, "user_a")).await.unwrap();
    let user_b = users::create(&mut ex, &new_user(b, "user_b")).await.unwrap();

    for kind in DirectoryKind::ALL {
        let id = in_a[&kind];
        assert_eq!(directory::get(&mut ex, kind, b, id).await.unwrap(), None, "{kind:?} of A read through B");
        assert!(directory::get(&mut ex, kind, a, id).await.unwrap().is_some());
        let listed = directory::list(&mut ex, kind, b, true, None, 100).await.unwrap();
        assert_eq!(listed.len(), 1, "{kind:?} list of B");
        assert!(listed.iter().all(|e| e.committee_id == b && e.id != id));
        assert_eq!(directory::count_active(&mut ex, kind, b).await.unwrap(), 1);
        assert_eq!(directory::unknown_ids(&mut ex, kind, b, &[id]).await.unwrap(), vec![id], "{kind:?} of A accepted as B's");
    }

    assert_eq!(directory::get_session(&mut ex, b, session_a.id).await.unwrap(), None);
    let sessions_b = directory::list_sessions(&mut ex, b, true, None, 100).await.unwrap();
    assert_eq!(sessions_b.iter().map(|s| s.id).collect::<Vec<_>>(), vec![session_b.id]);
    assert_eq!(directory::count_sessions(&mut ex, b).await.unwrap(), 1);

    assert_eq!(members::get(&mut ex, b, member_a.id).await.unwrap(), None);
    let listed = members::list(&mut ex, b, &members::Filter { include_archived: true, ..Default::default() }, 100).await.unwrap();
    assert_eq!(listed.iter().map(|r| r.member.id).collect::<Vec<_>>(), vec![member_b.id]);
    let by_a_filters = members::Filter { sector_id: Some(in_a[&DirectoryKind::Sector]), ..Default::default() };
    assert!(members::list(&mut ex, b, &by_a_filters, 100).await.unwrap().is_empty());
    let by_a_committee = members::Filter { special_committee_id: Some(in_a[&DirectoryKind::SpecialCommittee]), ..Default::default() };
    assert!(members::list(&mut ex, b, &by_a_committee, 100).await.unwrap().is_empty());
    let by_name = members::Filter { name: Some("王建华".into()), ..Default::default() };
    assert!(members::list(&mut ex, b, &by_name, 100).await.unwrap().is_empty());
    assert_eq!(members::count_active(&mut ex, b).await.unwrap(), 1);
    assert!(members::ids_by_name(&mut ex, b, "王建华").await.unwrap().is_empty());

    assert_eq!(users::get(&mut ex, b, user_a.id).await.unwrap(), None);
    assert_eq!(users::list(&mut ex, b, 0, 100).await.unwrap().iter().map(|u| u.id).collect::<Vec<_>>(), vec![user_b.id]);
    assert_eq!(users::count(&mut ex, b).await.unwrap(), 1);

    drop(c);
    record_committed(&t.db, Some(a), "甲的操作").await;
    let mut c = t.db.acquire().await.unwrap();
    let seen_by_b = audit::list(&mut c.ex(), b, &audit::Filter::default(), 100).await.unwrap();
    assert!(seen_by_b.is_empty(), "B sees A's audit entries: {seen_by_b:?}");
    assert_eq!(audit::list(&mut c.ex(), a, &audit::Filter::default(), 100).await.unwrap().len(), 1);
}

#[tokio::test]
async fn changing_a_record_through_another_committee_is_not_found_and_changes_nothing() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "甲市政协").await;
    let b = committee(&mut ex, "乙市政协").await;

    for kind in DirectoryKind::ALL {
        let e = dir(&mut ex, kind, a, "甲的记录", 1).await;
        assert_not_found(directory::update(&mut ex, kind, b, e.id, e.version, &dir_fields(kind, "被改名", 2)).await, "directory update through B");
        assert_not_found(directory::set_archived(&mut ex, kind, b, e.id, e.version, true).await, "directory archive through B");
        assert_eq!(directory::get(&mut ex, kind, a, e.id).await.unwrap(), Some(e), "{kind:?} changed through B");
    }

    let s = directory::create_session(&mut ex, a, &session_fields(13, 1, 2023)).await.unwrap();
    assert_not_found(directory::update_session(&mut ex, b, s.id, s.version, &session_fields(14, 1, 2028)).await, "session update through B");
    assert_not_found(directory::set_session_archived(&mut ex, b, s.id, s.version, true).await, "session archive through B");
    assert_eq!(directory::get_session(&mut ex, a, s.id).await.unwrap(), Some(s));

    let sector = dir(&mut ex, DirectoryKind::Sector, a, "经济界", 1).await;
    let m = members::create(&mut ex, a, &member_fields("王建华", sector.id, None, &[])).await.unwrap();
    assert_not_found(members::update(&mut ex, b, m.id, m.version, &member_fields("被改名", sector.id, None, &[])).await, "member update through B");
    assert_not_found(members::set_archived(&mut ex, b, m.id, m.version, true).await, "member archive through B");
    assert_eq!(members::get(&mut ex, a, m.id).await.unwrap(), Some(m));

    let u = users::create(&mut ex, &new_user(a, "zhangsan")).await.unwrap();
    assert_not_found(users::update(&mut ex, b, u.id, u.version, "被改名", "admin", None, None, None, true).await, "user update through B");
    assert_eq!(users::get(&mut ex, a, u.id).await.unwrap(), Some(u));
}

// ---------------------------------------------------------------------------------------------
// directory records
