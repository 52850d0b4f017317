//! Instructions (领导批示): on records of any kind, their follow-ups, their counts, and those on
//! a member's own reports — directly or through a bulletin issue that carries the report.

use chrono::NaiveDate;
use eline_domain::instruction::{FollowUp, Given};
use eline_domain::opinion::Level;
use eline_domain::org::DirectoryKind;
use eline_domain::{RecordKind, RecordRef};
use eline_storage::instructions::{self, Filter, NewInstruction};
use eline_storage::{Ex, members, now_micros, run, scalar, testing, users};

use crate::common::*;

fn given(leader: &str, rank: Level, day: &str) -> Given {
    Given {
        leader_name: leader.into(),
        leader_post: "市长".into(),
        rank,
        given_on: NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap(),
        gist: format!("{leader}的批示要点"),
    }
}

async fn instruct(ex: &mut Ex<'_>, committee_id: i64, record: RecordRef, item: Option<i64>, g: &Given) -> i64 {
    let created_by: i64 = scalar!(&mut *ex, i64, "SELECT MIN(id) FROM users").expect("a user");
    let n = NewInstruction { committee_id, record, item_opinion_id: item, given: g, created_by };
    instructions::insert(ex, &n).await.expect("insert instruction").id
}

/// A report of the committee written by `user` (credited to `member`).
async fn opinion(ex: &mut Ex<'_>, committee_id: i64, user: i64, member: Option<i64>, title: &str) -> i64 {
    let now = now_micros();
    scalar!(
        ex,
        i64,
        "INSERT INTO opinions (committee_id, year, channel, status, title, body, submitter_kind, member_id, author_name, created_by, created_at, updated_at)
         VALUES ($1, 2027, 'opinion', 'adopted', $2, '正文', 'member', $3, '作者', $4, $5, $5) RETURNING id",
        committee_id,
        title,
        member,
        user,
        now
    )
    .expect("insert opinion")
}

async fn bulletin(ex: &mut Ex<'_>, committee_id: i64, user: i64, items: &[i64]) -> i64 {
    let now = now_micros();
    let id: i64 = scalar!(
        &mut *ex,
        i64,
        "INSERT INTO bulletins (committee_id, series, year, number, form, status, title, body, editor_unit, created_by, created_at, updated_at)
         VALUES ($1, 'opinion', 2027, 1, 'digest', 'issued', '综合', '正文', '政协办公室', $2, $3, $3) RETURNING id",
        committee_id,
        user,
        now
    )
    .expect("insert bulletin");
    for (i, o) in items.iter().enumerate() {
        run!(&mut *ex, "INSERT INTO bulletin_items (bulletin_id, opinion_id, position, credit) VALUES ($1, $2, $3, '某委员')", id, *o, i as i64 + 1)
            .expect("insert item");
    }
    id
}

#[tokio::test]
async fn instructions_on_a_members_reports_reach_them_directly_and_through_a_bulletin() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    let sector = dir(&mut ex, DirectoryKind::Sector, a, "经济界", 1).await.id;
    let m1 = members::create(&mut ex, a, &member_fields("李委员", sector, None, &[])).await.unwrap().id;
    let m2 = members::create(&mut ex, a, &member_fields("王委员", sector, None, &[])).await.unwrap().id;
    let u1 = users::create(&mut ex, &new_user(a, "li")).await.unwrap().id;
    let u2 = users::create(&mut ex, &new_user(a, "wang")).await.unwrap().id;
    let own = opinion(&mut ex, a, u1, Some(m1), "关于停车难的建议").await;
    let credited = opinion(&mut ex, a, u2, Some(m1), "关于养老服务的建议").await;
    let others = opinion(&mut ex, a, u2, Some(m2), "关于公交线路的建议").await;
    let issue = bulletin(&mut ex, a, u2, &[own, others]).await;
    assert!(instructions::is_bulletin_item(&mut ex, issue, own).await.unwrap());
    assert!(!instructions::is_bulletin_item(&mut ex, issue, credited).await.unwrap());

    let on_own = instruct(&mut ex, a, RecordRef::new(RecordKind::OPINION, own), None, &given("张明", Level::City, "2027-03-01")).await;
    let on_credited = instruct(&mut ex, a, RecordRef::new(RecordKind::OPINION, credited), None, &given("赵刚", Level::Province, "2027-03-02")).await;
    let on_issue = instruct(&mut ex, a, RecordRef::new(RecordKind::BULLETIN, issue), None, &given("周伟", Level::National, "2027-03-03")).await;
    let on_other_item = instruct(&mut ex, a, RecordRef::new(RecordKind::BULLETIN, issue), Some(others), &given("吴军", Level::City, "2027-03-04")).await;

    let mine = instructions::on_records_of(&mut ex, a, u1, Some(m1), 20).await.unwrap();
    let got: Vec<(i64, &str, i64)> = mine.iter().map(|r| (r.id, r.own_kind.as_str(), r.own_id)).collect();
    // Newest first; the issue's instruction reaches the member through their report in it; the
    // one singling out another member's report does not.
    assert_eq!(got, [(on_issue, "opinion", own), (on_credited, "opinion", credited), (on_own, "opinion", own)]);
    let theirs = instructions::on_records_of(&mut ex, a, u2, Some(m2), 20).await.unwrap();
    let got: Vec<i64> = theirs.iter().map(|r| r.id).collect();
    // u2 wrote the credited report and `others`: both issue instructions reach `others`.
    assert_eq!(got, [on_other_item, on_issue, on_credited]);
    assert_eq!(theirs[0].own_title, "关于公交线路的建议");
    assert!(instructions::on_records_of(&mut ex, a, 9999, None, 20).await.unwrap().is_empty());

    let one = instructions::get(&mut ex, a, on_other_item).await.unwrap().unwrap();
    assert_eq!((one.item_opinion_id, one.item_title.as_deref()), (Some(others), Some("关于公交线路的建议")));
    assert!(instructions::get(&mut ex, a + 1, on_other_item).await.unwrap().is_none(), "another committee's");
}

#[tokio::test]
async fn counts_follow_the_filter_and_follow_ups_move_the_version() {
    let t = testing::fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let mut ex = c.ex();
    let a = committee(&mut ex, "清河市政协").await;
    let b = committee(&mut ex, "白水县政协").await;
    let u = users::create(&mut ex, &new_user(a, "office")).await.unwrap().id;
    let p = |id| RecordRef::new(RecordKind::PROPOSAL, id);
    let o = |id| RecordRef::new(RecordKind::OPINION, id);
    let cases =
        [(p(1), Level::City, "2026-05-01"), (p(1), Level::City, "2027-01-01"), (p(2), Level::Province, "2027-12-31"), (o(3), Level::City, "2027-06-01")];
    let mut ids = Vec::new();
    for (r, rank, day) in cases {
        ids.push(instruct(&mut ex, a, r, None, &given("张明", rank, day)).await);
    }
    instruct(&mut ex, b, p(1), None, &given("他县", Level::City, "2027-02-01")).await;

    let counts = instructions::counts(&mut ex, a, &Filter::default()).await.unwrap();
    let got: Vec<(i64, Level, &str, i64)> = counts.iter().map(|c| (c.year, c.rank, c.record_kind.as_str(), c.n)).collect();
    assert_eq!(
        got,
        [(2026, Level::City, "proposal", 1), (2027, Level::City, "opinion", 1), (2027, Level::City, "proposal", 1), (2027, Level::Province, "proposal", 1)]
    );
    let y2027 = Filter { year: Some(2027), ..Default::default() };
    assert_eq!(instructions::counts(&mut ex, a, &y2027).await.unwrap().iter().map(|c| c.n).sum::<i64>(), 3);
    let listed: Vec<i64> = instructions::list(&mut ex, a, &y2027, 10).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(listed, [ids[3], ids[2], ids[1]]);
    let page2 = Filter { before_id: Some(ids[2]), ..y2027.clone() };
    assert_eq!(instructions::list(&mut ex, a, &page2, 10).await.unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), [ids[1]]);
    let filtered = Filter { rank: Some(Level::City), record_kind: Some("proposal".into()), ..Default::default() };
    assert_eq!(instructions::list(&mut ex, a, &filtered, 10).await.unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), [ids[1], ids[0]]);
    assert_eq!(instructions::of_record(&mut ex, a, p(1)).await.unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), [ids[0], ids[1]]);
    assert_eq!(instructions::years(&mut ex, a).await.unwrap(), [2027, 2026]);

    let f = FollowUp { done_on: NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(), by_whom: "市住建局".into(), what: "已出台方案".into() };
    let row = instructions::add_followup(&mut ex, ids[1], &f, u).await.unwrap();
    assert_eq!((row.done_on.as_str(), row.by_whom.as_str()), ("2027-02-01", "市住建局"));
    assert_eq!(instructions::get(&mut ex, a, ids[1]).await.unwrap().unwrap().version, 2);
    assert_eq!(instructions::followups(&mut ex, &[ids[0], ids[1]]).await.unwrap().len(), 1);
    let (rows, followups) = instructions::range(&mut ex, ids[0], ids[1]).await.unwrap();
    assert_eq!((rows.len(), followups.len()), (2, 1));
    assert!(instructions::max_id(&mut ex).await.unwrap() > ids[3]);
}
