//! The index on its own: words, grants, facets, snippets, generations and recovery.

use eline_search::{Cursor, Doc, Opened, Request, SCHEMA_VERSION, SearchIndex, Similar};

fn doc(id: i64, title: &str, body: &str, acl: &[&str]) -> Doc {
    Doc {
        kind: "proposal".into(),
        id,
        committee_id: 1,
        title: title.into(),
        body: body.into(),
        year: Some(2024 + id % 2),
        status: if id % 2 == 0 { "filed".into() } else { "replied".into() },
        units: vec![10 + id % 3],
        lead_unit: Some(10 + id % 3),
        sector: Some(5),
        acl: acl.iter().map(|s| s.to_string()).collect(),
        ..Doc::default()
    }
}

fn cursor(n: i64) -> Cursor {
    Cursor { outbox: n, built_at: 1, schema: SCHEMA_VERSION }
}

fn staff(text: &str) -> Request {
    Request { committee_id: 1, text: text.into(), grants: vec!["staff".into()], limit: 10, ..Request::default() }
}

fn ids(index: &SearchIndex, req: &Request) -> Vec<i64> {
    let mut v: Vec<i64> = index.search(req).unwrap().hits.into_iter().map(|h| h.id).collect();
    v.sort();
    v
}

fn sample() -> Vec<Doc> {
    vec![
        doc(1, "关于加快深中通道配套道路建设的建议", "深中通道通车后，东部组团交通压力增大。", &["staff", "m:1"]),
        doc(2, "关于完善居家养老服务体系的建议", "老年人口增多，社区养老服务站覆盖不足。", &["staff", "m:2", "public"]),
        doc(3, "关于推进老旧小区加装电梯的建议", "老旧小区居民多为老年人，上下楼难。", &["staff"]),
        doc(4, "关于加强中小学课后服务的建议", "双减之后，课后服务的质量参差不齐。", &["staff", "unit:11"]),
    ]
}

#[test]
fn finds_by_term_phrase_and_traditional_characters_with_highlights() {
    let dir = tempfile::tempdir().unwrap();
    let (index, opened) = SearchIndex::open(dir.path()).unwrap();
    assert!(matches!(opened, Opened::Rebuild(_)));
    index.apply(&sample(), &[], cursor(4)).unwrap();
    assert_eq!(ids(&index, &staff("深中通道")), vec![1]);
    assert_eq!(ids(&index, &staff("养老")), vec![2]);
    assert_eq!(ids(&index, &staff("养老服务站")), vec![2], "a one-character piece (站) does not have to be a word of the text");
    assert_eq!(ids(&index, &staff("養老")), vec![2], "traditional query finds the simplified record");
    assert_eq!(ids(&index, &staff("老旧小区 电梯")), vec![3]);
    assert_eq!(ids(&index, &staff("老舊小區")), vec![3]);
    let r = index.search(&staff("课后服务")).unwrap();
    assert_eq!(r.total, 1);
    let hit = &r.hits[0];
    assert!(!hit.title.marks.is_empty());
    let (a, b) = hit.title.marks[0];
    assert!(hit.title.text[a..b].contains("课后") || hit.title.text[a..b].contains("服务"), "{:?}", hit.title);
    assert_eq!(r.facets.kind.get("proposal"), Some(&1));
    assert_eq!(r.facets.unit.get(&11), Some(&1));
}

#[test]
fn all_words_must_match_unless_none_does() {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = SearchIndex::open(dir.path()).unwrap();
    index.apply(&sample(), &[], cursor(4)).unwrap();
    let r = index.search(&staff("老旧小区 电梯")).unwrap();
    assert!(!r.relaxed);
    assert_eq!(r.total, 1);
    let r = index.search(&staff("养老 电梯")).unwrap();
    assert!(r.relaxed, "no record speaks of both, so records of either are offered");
    assert_eq!(r.total, 2);
    let r = index.search(&staff("养老 火箭")).unwrap();
    assert!(r.relaxed);
    assert_eq!(r.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2]);
    // Of three words, a record must have two: one word of three is no match, and never a
    // single character (站) alone.
    assert_eq!(index.search(&staff("养老 火箭 芯片")).unwrap().total, 0);
    assert_eq!(index.search(&staff("养老 老旧小区 芯片")).unwrap().total, 0);
    assert_eq!(index.search(&staff("量子计算机芯片")).unwrap().total, 0);
    assert_eq!(index.search(&staff("火箭 站")).unwrap().total, 0, "a lone character does not make a relaxed match");
    let r = index.search(&staff("养老 服务站 芯片")).unwrap();
    assert!(r.relaxed);
    assert_eq!(r.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2]);
    assert_eq!(index.search(&staff("  ，。")).unwrap().total, 0);
    assert_eq!(index.search(&staff("zzqx")).unwrap().total, 0);
}

#[test]
fn grants_and_filters_limit_what_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = SearchIndex::open(dir.path()).unwrap();
    index.apply(&sample(), &[], cursor(4)).unwrap();
    let as_member = |m: &str, text: &str| Request { grants: vec![m.into(), "public".into()], ..staff(text) };
    assert_eq!(ids(&index, &as_member("m:1", "建议")), vec![1, 2]);
    assert_eq!(ids(&index, &as_member("m:9", "深中通道")), Vec::<i64>::new());
    assert_eq!(ids(&index, &Request { grants: vec!["unit:11".into()], ..staff("建议") }), vec![4]);
    let other_committee = Request { committee_id: 2, ..staff("建议") };
    assert_eq!(index.search(&other_committee).unwrap().total, 0);
    // With a second committee in the index, each sees only its own (also after a replacement
    // leaves deleted documents behind).
    let theirs = Doc { committee_id: 2, ..doc(9, "关于建设智慧城市的建议", "", &["staff"]) };
    index.apply(std::slice::from_ref(&theirs), &[], cursor(5)).unwrap();
    index.apply(&[theirs], &[], cursor(6)).unwrap();
    assert_eq!(ids(&index, &other_committee), vec![9]);
    assert_eq!(ids(&index, &staff("建议")), vec![1, 2, 3, 4]);
    index.apply(&[], &[("proposal".into(), 9)], cursor(7)).unwrap();
    assert_eq!(ids(&index, &staff("建议")), vec![1, 2, 3, 4]);
    assert_eq!(index.search(&other_committee).unwrap().total, 0);
    assert_eq!(ids(&index, &Request { status: Some("filed".into()), ..staff("建议") }), vec![2, 4]);
    assert_eq!(ids(&index, &Request { year: Some(2025), ..staff("建议") }), vec![1, 3]);
    assert_eq!(ids(&index, &Request { exclude: vec![("proposal".into(), 1)], ..staff("深中通道") }), Vec::<i64>::new());
    let page = Request { offset: 2, limit: 1, ..staff("建议") };
    let r = index.search(&page).unwrap();
    assert_eq!((r.total, r.hits.len()), (4, 1));
}

#[test]
fn a_record_is_replaced_not_duplicated_and_can_be_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = SearchIndex::open(dir.path()).unwrap();
    index.apply(&sample(), &[], cursor(4)).unwrap();
    let mut changed = sample()[0].clone();
    changed.title = "关于优化深中通道收费的建议".into();
    index.apply(&[changed], &[], cursor(5)).unwrap();
    assert_eq!(index.len(), 4);
    assert_eq!(ids(&index, &staff("收费")), vec![1]);
    index.apply(&[], &[("proposal".into(), 1)], cursor(6)).unwrap();
    assert_eq!(index.len(), 3);
    assert_eq!(index.cursor().unwrap().outbox, 6);
}

#[test]
fn similar_items_come_first_by_shared_rare_words() {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = SearchIndex::open(dir.path()).unwrap();
    index.apply(&sample(), &[], cursor(4)).unwrap();
    let like = Similar { title: "关于社区居家养老服务的建议".into(), body: "养老服务站不足".into(), ..Similar::default() };
    let hits = index.similar(&like, &staff("")).unwrap();
    assert_eq!(hits.first().map(|h| h.id), Some(2));
}

#[test]
fn a_floor_keeps_alike_records_and_drops_those_sharing_a_common_word_only() {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = SearchIndex::open(dir.path()).unwrap();
    index.apply(&sample(), &[], cursor(4)).unwrap();
    let like = |title: &str, floor: f32| Similar { title: title.into(), body: String::new(), floor };
    // 小区 is in a record: without a floor it comes back for a title about something else.
    let unrelated = like("关于量子计算机芯片进小区的建议", 0.0);
    assert!(!index.similar(&unrelated, &staff("")).unwrap().is_empty());
    assert!(index.similar(&Similar { floor: 0.3, ..unrelated }, &staff("")).unwrap().is_empty());
    let hits = index.similar(&like("关于完善社区居家养老服务的建议", 0.3), &staff("")).unwrap();
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2]);
    assert!(hits[0].likeness >= 0.3 && hits[0].likeness <= 1.0, "{}", hits[0].likeness);
    // A title of filler words only has nothing to be alike in.
    assert!(index.similar(&like("关于进一步做好工作的建议", 0.3), &staff("")).unwrap().is_empty());
    // Drafts can be left out by status.
    let no_filed = Request { exclude_status: vec!["filed".into()], ..staff("") };
    assert!(index.similar(&like("关于完善社区居家养老服务的建议", 0.3), &no_filed).unwrap().is_empty(), "record 2 is filed");
}

#[test]
fn likeness_is_the_shared_weight_over_the_smaller_titles_title_words_in_full_text_words_at_half() {
    let words = |w: &[(&str, f32)]| w.iter().map(|(a, b)| (a.to_string(), *b)).collect::<Vec<_>>();
    let query = words(&[("养老", 3.0), ("社区", 1.0)]);
    assert_eq!(eline_search::likeness(&query, &words(&[("养老", 3.0), ("社区", 1.0), ("助餐", 4.0)]), ""), 1.0, "the query is within it");
    assert_eq!(eline_search::likeness(&query, &words(&[("养老", 3.0), ("医疗", 5.0)]), ""), 0.75);
    assert_eq!(eline_search::likeness(&query, &words(&[("养老", 3.0)]), ""), 1.0, "a short title within the query");
    assert_eq!(eline_search::likeness(&query, &words(&[("老年", 4.0)]), "社区食堂"), 0.125);
    assert_eq!(eline_search::likeness(&query, &words(&[("无关", 4.0)]), "无关"), 0.0);
    assert_eq!(eline_search::likeness(&[], &query, "养老"), 0.0);
}

#[test]
fn reopening_resumes_from_the_committed_cursor() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (index, _) = SearchIndex::open(dir.path()).unwrap();
        index.apply(&sample(), &[], cursor(42)).unwrap();
    }
    let (index, opened) = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(opened, Opened::Ready(cursor(42)));
    assert_eq!(index.len(), 4);
}

#[test]
fn a_missing_or_corrupt_index_is_replaced_by_an_empty_one_to_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (index, _) = SearchIndex::open(dir.path()).unwrap();
        index.apply(&sample(), &[], cursor(4)).unwrap();
    }
    // Corrupt: the generation's files are gone but CURRENT still names it.
    for e in std::fs::read_dir(dir.path()).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with("gen-") {
            for f in std::fs::read_dir(e.path()).unwrap().flatten() {
                std::fs::write(f.path(), b"garbage").unwrap();
            }
        }
    }
    let (index, opened) = SearchIndex::open(dir.path()).unwrap();
    assert!(matches!(opened, Opened::Rebuild(_)), "{opened:?}");
    assert_eq!(index.len(), 0);
    std::fs::remove_dir_all(dir.path()).unwrap();
    let (index, opened) = SearchIndex::open(dir.path()).unwrap();
    assert!(matches!(opened, Opened::Rebuild(_)));
    assert!(index.is_empty());
}

#[test]
fn a_rebuild_elsewhere_is_followed_and_searches_go_on_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _) = SearchIndex::open(dir.path()).unwrap();
    server.apply(&sample()[..2], &[], cursor(2)).unwrap();
    // Another process (eline reindex) opens the same directory and builds a new generation.
    let (cli, opened) = SearchIndex::open(dir.path()).unwrap();
    let cli = std::sync::Arc::new(cli);
    assert!(matches!(opened, Opened::Ready(_)));
    let mut build = cli.rebuild().unwrap();
    for d in sample() {
        build.add(&d).unwrap();
    }
    assert_eq!(ids(&server, &staff("建议")), vec![1, 2], "the server answers from its generation meanwhile");
    assert_eq!(build.finish(cursor(9)).unwrap(), 4);
    assert_eq!(server.follow().unwrap(), Some(cursor(9)));
    assert_eq!(ids(&server, &staff("建议")), vec![1, 2, 3, 4]);
    assert_eq!(server.follow().unwrap(), None);
    server.apply(&[doc(5, "关于治理黑臭水体的建议", "", &["staff"])], &[], cursor(10)).unwrap();
    assert_eq!(ids(&server, &staff("黑臭水体")), vec![5]);
}

/// Facets are counted from tables the reader builds per segment: over several segments, after
/// updates and removals (hidden documents), under grants and filters, they equal a count by hand.
#[test]
fn facets_over_many_segments_equal_a_count_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = SearchIndex::open(dir.path()).unwrap();
    let make = |id: i64, round: i64| Doc {
        kind: if id % 5 == 0 { "report".into() } else { "proposal".into() },
        id,
        committee_id: 1,
        title: format!("关于养老服务第{id}号的建议"),
        body: if id % 3 == 0 { "社区养老".into() } else { "交通出行".into() },
        year: (id % 4 != 0).then_some(2020 + (id + round) % 3),
        status: ["filed", "replied", "closed", ""][((id + round) % 4) as usize].into(),
        units: (0..(id % 3)).map(|k| 100 + (id + k + round) % 7).collect(),
        sector: (id % 6 != 0).then_some(id % 4 + 1),
        acl: if id % 7 == 0 { vec!["m:1".into()] } else { vec!["staff".into(), "public".into()] },
        ..Doc::default()
    };
    let mut live: std::collections::BTreeMap<i64, Doc> = Default::default();
    let mut n = 0;
    // Three commits: three segments; later rounds rewrite some documents, the last removes others.
    for round in 0..3 {
        let docs: Vec<Doc> = (1..=60).filter(|id| round == 0 || id % (round + 2) == 0).map(|id| make(id, round)).collect();
        let removed: Vec<(String, i64)> =
            if round == 2 { (1..=60).filter(|id| id % 11 == 0 && id % 4 != 0).map(|id| (make(id, 0).kind, id)).collect() } else { Vec::new() };
        for d in &docs {
            live.insert(d.id, d.clone());
        }
        for (_, id) in &removed {
            live.remove(id);
        }
        n += 1;
        index.apply(&docs, &removed, cursor(n)).unwrap();
    }
    for (req, keep) in [
        (staff("养老"), Box::new(|_: &Doc| true) as Box<dyn Fn(&Doc) -> bool>),
        (Request { grants: vec!["public".into()], ..staff("养老") }, Box::new(|d: &Doc| d.acl.iter().any(|a| a == "public"))),
        (Request { year: Some(2021), ..staff("社区") }, Box::new(|d: &Doc| d.year == Some(2021) && d.body.contains("社区"))),
    ] {
        let r = index.search(&Request { limit: 100, ..req }).unwrap();
        let mut want = eline_search::Facets::default();
        let hits: Vec<&Doc> = live.values().filter(|d| keep(d)).collect();
        for d in &hits {
            *want.kind.entry(d.kind.clone()).or_default() += 1;
            *want.status.entry(d.status.clone()).or_default() += 1;
            if let Some(y) = d.year {
                *want.year.entry(y).or_default() += 1;
            }
            if let Some(s) = d.sector {
                *want.sector.entry(s).or_default() += 1;
            }
            for u in &d.units {
                *want.unit.entry(*u).or_default() += 1;
            }
        }
        assert_eq!(r.total, hits.len());
        assert_eq!(r.facets, want);
    }
}
