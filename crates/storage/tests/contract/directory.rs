//! Reference data (界别, 专委会, units …) and sessions: versions, duplicates, archiving, paging.

use eline_domain::org::DirectoryKind;
use eline_storage::directory::Cursor;
use eline_storage::{directory, testing};

use crate::common::*;

#[tokio::test]
async fn every_directory_kind_is_created_read_and_updated_with_a_version_bump() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    for kind in DirectoryKind::ALL {
        let e = dir(&mut ex, kind, a, "第一名称", 5).await;
        assert_eq!(e.committee_id, a);
        assert_eq!(e.name, "第一名称");
        assert_eq!(e.category.as_deref(), kind.categories().first().map(|(v, _)| *v));
        assert_eq!(e.note.as_deref(), Some("备注"));
        assert_eq!(e.sort_order, 5);
        assert!(!e.archived);
        assert_eq!(e.version, 1);
        assert_eq!(e.created_at, e.updated_at);
        assert_eq!(directory::get(&mut ex, kind, a, e.id).await.unwrap().as_ref(), Some(&e));

        let u = directory::update(&mut ex, kind, a, e.id, 1, &dir_fields(kind, "第二名称", 8)).await.unwrap();
        assert_eq!(u.version, 2, "{kind:?}");
        assert_eq!(u.name, "第二名称");
        assert_eq!(u.sort_order, 8);
        assert_eq!(u.created_at, e.created_at);
        assert!(u.updated_at >= e.updated_at);
        assert_eq!(directory::get(&mut ex, kind, a, e.id).await.unwrap(), Some(u));
    }
}

#[tokio::test]
async fn a_stale_directory_version_is_refused_and_changes_nothing() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    for kind in DirectoryKind::ALL {
        let e = dir(&mut ex, kind, a, "原名", 1).await;
        let current = directory::update(&mut ex, kind, a, e.id, e.version, &dir_fields(kind, "新名", 1)).await.unwrap();
        assert_conflict(directory::update(&mut ex, kind, a, e.id, e.version, &dir_fields(kind, "抢改", 3)).await, "stale update");
        assert_conflict(directory::set_archived(&mut ex, kind, a, e.id, e.version, true).await, "stale archive");
        assert_eq!(directory::get(&mut ex, kind, a, e.id).await.unwrap(), Some(current));
        assert_not_found(directory::update(&mut ex, kind, a, e.id + 1000, 1, &dir_fields(kind, "无此记录", 1)).await, "update of a missing record");
    }
}

#[tokio::test]
async fn a_duplicate_name_is_refused_in_chinese_within_a_committee_but_allowed_in_another() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "甲市政协").await;
    let b = committee(&mut ex, "乙市政协").await;
    for kind in DirectoryKind::ALL {
        let first = dir(&mut ex, kind, a, "经济界", 1).await;
        let msg = duplicate_message(directory::create(&mut ex, kind, a, &dir_fields(kind, "经济界", 2)).await, "same name, same committee");
        assert!(is_chinese(&msg) && msg.contains(kind.label()), "message: {msg}");
        let other = directory::create(&mut ex, kind, b, &dir_fields(kind, "经济界", 1)).await.expect("same name in another committee");
        assert_eq!(other.committee_id, b);

        // Renaming onto an existing name is refused too, also when that one is archived.
        let second = dir(&mut ex, kind, a, "科技界", 2).await;
        let msg = duplicate_message(
            directory::update(&mut ex, kind, a, second.id, second.version, &dir_fields(kind, "经济界", 2)).await,
            "rename onto an existing name",
        );
        assert!(is_chinese(&msg), "message: {msg}");
        directory::set_archived(&mut ex, kind, a, first.id, first.version, true).await.unwrap();
        duplicate_message(directory::create(&mut ex, kind, a, &dir_fields(kind, "经济界", 3)).await, "same name as an archived record");
        assert_eq!(directory::get(&mut ex, kind, a, second.id).await.unwrap(), Some(second));
    }
}

#[tokio::test]
async fn archiving_hides_a_record_from_lists_and_active_counts_until_restored() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    for kind in DirectoryKind::ALL {
        let keep = dir(&mut ex, kind, a, "保留", 1).await;
        let gone = dir(&mut ex, kind, a, "归档", 2).await;
        assert_eq!(directory::count_active(&mut ex, kind, a).await.unwrap(), 2);

        let archived = directory::set_archived(&mut ex, kind, a, gone.id, gone.version, true).await.unwrap();
        assert!(archived.archived);
        assert_eq!(archived.version, gone.version + 1);
        let ids = |v: Vec<directory::Entry>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids(directory::list(&mut ex, kind, a, false, None, 100).await.unwrap()), vec![keep.id]);
        assert_eq!(ids(directory::all_active(&mut ex, kind, a).await.unwrap()), vec![keep.id]);
        assert_eq!(ids(directory::list(&mut ex, kind, a, true, None, 100).await.unwrap()), vec![keep.id, gone.id]);
        assert_eq!(directory::count_active(&mut ex, kind, a).await.unwrap(), 1);
        assert_eq!(directory::unknown_ids(&mut ex, kind, a, &[keep.id, gone.id]).await.unwrap(), vec![gone.id]);
        // Still readable by id (history keeps pointing at it).
        assert!(directory::get(&mut ex, kind, a, gone.id).await.unwrap().unwrap().archived);

        let restored = directory::set_archived(&mut ex, kind, a, gone.id, archived.version, false).await.unwrap();
        assert!(!restored.archived);
        assert_eq!(directory::count_active(&mut ex, kind, a).await.unwrap(), 2);
    }
}

#[tokio::test]
async fn cursor_paging_returns_every_record_exactly_once_in_display_order() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    for kind in DirectoryKind::ALL {
        let mut expected = Vec::new();
        for i in 0..25i64 {
            // Many equal sort orders, created out of order: the id breaks the ties.
            let e = dir(&mut ex, kind, a, &format!("记录{i:02}"), (i * 7) % 4).await;
            expected.push((e.sort_order, e.id));
        }
        expected.sort();

        let mut seen = Vec::new();
        let mut cursor: Option<Cursor> = None;
        let mut pages = 0;
        loop {
            let page = directory::list(&mut ex, kind, a, false, cursor, 10).await.unwrap();
            pages += 1;
            assert!(page.len() <= 10);
            let Some(last) = page.last() else { break };
            let next = Cursor { sort_order: last.sort_order, id: last.id };
            // The cursor survives its text form (it travels through URLs).
            assert_eq!(Cursor::decode(&next.encode()), Some(next));
            cursor = Some(next);
            seen.extend(page.iter().map(|e| (e.sort_order, e.id)));
            assert!(pages < 10, "paging does not end");
        }
        assert_eq!(seen, expected, "{kind:?}");
        assert_eq!(pages, 4, "three full-or-partial pages and one empty");
    }
}

// ---------------------------------------------------------------------------------------------
// sessions (届次)

#[tokio::test]
async fn a_session_is_created_named_updated_and_archived() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    let s = directory::create_session(&mut ex, a, &session_fields(13, 2, 2023)).await.unwrap();
    assert_eq!(s.name(), "十三届二次会议");
    assert_eq!((s.term_number, s.session_number, s.year), (13, 2, 2023));
    assert_eq!(s.opens_on.as_deref(), Some("2023-01-10"));
    assert_eq!(s.version, 1);
    assert!(!s.archived);
    assert_eq!(directory::count_sessions(&mut ex, a).await.unwrap(), 1);

    let u = directory::update_session(&mut ex, a, s.id, s.version, &session_fields(13, 3, 2024)).await.unwrap();
    assert_eq!(u.name(), "十三届三次会议");
    assert_eq!(u.version, 2);
    assert_conflict(directory::update_session(&mut ex, a, s.id, s.version, &session_fields(13, 4, 2025)).await, "stale session update");
    assert_conflict(directory::set_session_archived(&mut ex, a, s.id, s.version, true).await, "stale session archive");
    assert_eq!(directory::get_session(&mut ex, a, s.id).await.unwrap(), Some(u.clone()));

    let archived = directory::set_session_archived(&mut ex, a, s.id, u.version, true).await.unwrap();
    assert!(archived.archived);
    assert_eq!(archived.version, 3);
    assert_eq!(directory::count_sessions(&mut ex, a).await.unwrap(), 0);
    assert!(directory::list_sessions(&mut ex, a, false, None, 10).await.unwrap().is_empty());
    assert_eq!(directory::list_sessions(&mut ex, a, true, None, 10).await.unwrap(), vec![archived]);
}

#[tokio::test]
async fn the_same_term_and_session_twice_is_refused() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "甲市政协").await;
    let b = committee(&mut ex, "乙市政协").await;
    directory::create_session(&mut ex, a, &session_fields(13, 1, 2023)).await.unwrap();
    let msg = duplicate_message(directory::create_session(&mut ex, a, &session_fields(13, 1, 2024)).await, "same term and session");
    assert!(is_chinese(&msg), "message: {msg}");
    let second = directory::create_session(&mut ex, a, &session_fields(13, 2, 2024)).await.unwrap();
    duplicate_message(
        directory::update_session(&mut ex, a, second.id, second.version, &session_fields(13, 1, 2024)).await,
        "renumbering onto an existing session",
    );
    assert_eq!(directory::get_session(&mut ex, a, second.id).await.unwrap(), Some(second));
    directory::create_session(&mut ex, b, &session_fields(13, 1, 2023)).await.expect("the same session in another committee");
}

#[tokio::test]
async fn sessions_are_listed_newest_first_and_paged_by_id() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    let mut ids = Vec::new();
    for n in 1..=5 {
        ids.push(directory::create_session(&mut ex, a, &session_fields(13, n, 2022 + n)).await.unwrap().id);
    }
    ids.reverse();
    let first = directory::list_sessions(&mut ex, a, false, None, 3).await.unwrap();
    let rest = directory::list_sessions(&mut ex, a, false, Some(first[2].id), 3).await.unwrap();
    let got: Vec<i64> = first.iter().chain(rest.iter()).map(|s| s.id).collect();
    assert_eq!(got, ids);
}

// ---------------------------------------------------------------------------------------------
// members
