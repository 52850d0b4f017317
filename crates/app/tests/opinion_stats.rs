//! 社情民意 statistics after a scripted scenario equal what the test counts by hand, each figure's
//! list holds what it counts, the export holds the list, and the history import is all or
//! nothing — on both engines.

#[allow(dead_code)]
#[path = "opinions/support.rs"]
mod support;

use chrono::Datelike;
use eline_app::AppError;
use eline_app::members::ImportOutcome;
use eline_app::opinions::{OpinionDraft, OpinionFilter};
use eline_app::opinions_stats::{GroupStats, OpinionStats, StatsPeriod};
use eline_domain::Actor;
use eline_domain::opinion::{Channel, Level, OutcomeKind, Scope, Status};
use eline_domain::org::DirectoryKind;
use eline_storage::bulk::{self, Rows, Val};
use eline_storage::opinions::Opinion;
use eline_storage::{Arg, Query, directory};
use serde_json::json;
use support::*;

/// The first column of a query's first row (this test crate has no SQL macros of its own).
async fn int(w: &World, q: &Query) -> Option<i64> {
    let mut c = w.t.db.acquire().await.unwrap();
    q.fetch_all::<(Option<i64>,)>(&mut c.ex()).await.unwrap().first().and_then(|r| r.0)
}

/// `sql` followed by the placeholder of `arg`.
fn with_arg(sql: &'static str, arg: i64) -> Query {
    let mut q = Query::new(sql);
    q.arg(Arg::I64(arg));
    q
}

fn year() -> i64 {
    i64::from(eline_app::proposals::today().year())
}

fn today() -> String {
    eline_app::proposals::today().format("%Y-%m-%d").to_string()
}

async fn first(w: &World, kind: DirectoryKind) -> (i64, String) {
    let mut c = w.t.db.acquire().await.unwrap();
    let e = directory::list(&mut c.ex(), kind, w.cid, false, None, 10).await.unwrap().into_iter().next().expect("demo directory entry");
    (e.id, e.name)
}

async fn for_submitter(w: &World, kind: &str, id: i64, title: &str) -> Opinion {
    let input = OpinionDraft { title: title.into(), body: BODY.into(), submitter_kind: Some(kind.into()), submitter_id: Some(id), ..Default::default() };
    let o = w.app.create_opinion(&w.staff, &input).await.expect("office writes for a submitter");
    w.ok(&w.staff, o.id, "submit", json!({})).await
}

async fn ids(w: &World, who: &Actor, f: OpinionFilter) -> Vec<i64> {
    let mut v: Vec<i64> = w.app.list_opinions(who, &f).await.expect("list").items.into_iter().map(|r| r.id).collect();
    v.sort();
    v
}

fn all() -> OpinionFilter {
    OpinionFilter { year: Some(year()), ..OpinionFilter::scope(Scope::All) }
}

fn group(groups: &[GroupStats], id: i64) -> &GroupStats {
    groups.iter().find(|g| g.id == id).unwrap_or_else(|| panic!("group {id} in {groups:?}"))
}

fn outcome(s: &OpinionStats, level: Level, kind: OutcomeKind) -> i64 {
    s.outcomes.iter().find(|l| l.level == level).and_then(|l| l.kinds.iter().find(|k| k.0 == kind)).map(|k| k.1).expect("every kind of the level is listed")
}

/// Bulletin issues and instructions written directly (their modules fill these tables).
async fn bulletins_and_instructions(w: &World, proposal_id: i64, report_id: i64) {
    let (y, last, staff) = (year(), year() - 1, w.staff.user_id);
    let mut bulletins = Rows::new(
        "bulletins",
        &["committee_id", "series", "year", "number", "form", "status", "title", "body", "editor_unit", "issued_on", "created_by", "created_at", "updated_at"],
    );
    for (series, number, form, status, year, issued) in [
        ("opinion", 1, "single", "issued", y, Some(today())),
        ("opinion", 2, "single", "issued", y, Some(today())),
        ("opinion", 3, "digest", "issued", y, Some(today())),
        ("opinion", 4, "single", "draft", y, None),
        ("direct", 1, "single", "issued", y, Some(today())),
        ("opinion", 9, "single", "issued", last, Some(format!("{last}-06-01"))),
    ] {
        bulletins.push([
            Val::Int(w.cid),
            Val::Static(series),
            Val::Int(year),
            Val::Int(number),
            Val::Static(form),
            Val::Static(status),
            Val::Static("期刊"),
            Val::Static("正文"),
            Val::Static("政协办公室"),
            Val::OptText(issued),
            Val::Int(staff),
            Val::Int(0),
            Val::Int(0),
        ]);
    }
    let mut instructions = Rows::new(
        "instructions",
        &["committee_id", "record_kind", "record_id", "leader_name", "leader_post", "rank", "given_on", "gist", "created_by", "created_at", "updated_at"],
    );
    for (kind, id, rank, on) in [
        ("opinion", report_id, "city", today()),
        ("opinion", report_id, "city", today()),
        ("proposal", proposal_id, "province", today()),
        ("proposal", proposal_id, "national", format!("{last}-03-01")),
    ] {
        instructions.push([
            Val::Int(w.cid),
            Val::Static(kind),
            Val::Int(id),
            Val::Static("王市长"),
            Val::Static("市长"),
            Val::Static(rank),
            Val::Text(on),
            Val::Static("请研究落实"),
            Val::Int(staff),
            Val::Int(0),
            Val::Int(0),
        ]);
    }
    let mut tx = w.t.db.begin().await.unwrap();
    bulk::insert(&mut tx, &bulletins).await.unwrap();
    bulk::insert(&mut tx, &instructions).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_after_a_scripted_year_equal_the_figures_counted_by_hand() {
    let w = World::new().await;
    let (org, _) = first(&w, DirectoryKind::Organization).await;
    let (sc, _) = first(&w, DirectoryKind::SpecialCommittee).await;
    let (sector, _) = first(&w, DirectoryKind::Sector).await;

    // The member: one adopted with outcomes at every level (reported up, adopted above), one
    // kept, one 资政之声 adopted.
    let r1 = w.submitted(&w.member, "关于老旧小区电梯维保的建议").await;
    w.ok(&w.staff, r1.id, "adopt", json!({})).await;
    w.ok(&w.staff, r1.id, "record_outcome", json!({"level": "city", "kind": "dept_adopted", "body": "市住建局", "decided_on": today()})).await;
    w.ok(&w.staff, r1.id, "record_outcome", json!({"level": "city", "kind": "instructed", "decided_on": today()})).await;
    let r1 = w.ok(&w.staff, r1.id, "report_up", json!({})).await;
    let up = r1.reported_up_id.expect("in the province's queue");
    w.ok(&w.province_staff, up, "adopt", json!({})).await;
    let up = w.ok(&w.province_staff, up, "report_up", json!({})).await;
    w.ok(&w.national_staff, up.reported_up_id.expect("in the national queue"), "adopt", json!({})).await;
    let r2 = w.submitted(&w.member, "关于规范校外培训收费的建议").await;
    w.ok(&w.staff, r2.id, "keep", json!({"reason": "已有同类信息"})).await;
    let d = w
        .app
        .create_opinion(&w.member, &OpinionDraft { title: "关于优化营商环境的建议".into(), body: BODY.into(), direct: true, ..Default::default() })
        .await
        .unwrap();
    let r3 = w.ok(&w.member, d.id, "submit", json!({})).await;
    assert_eq!(r3.channel, Channel::Direct);
    w.ok(&w.staff, r3.id, "adopt", json!({})).await;
    // Another member's returned report, an informant's waiting one, a draft that never counts.
    let r4 = w.submitted(&w.other_member, "关于公交线路优化的建议").await;
    w.ok(&w.staff, r4.id, "return", json!({"reason": "请补充数据"})).await;
    let r5 = w.submitted(&w.informant, "关于菜市场改造的情况反映").await;
    w.draft(&w.member, "尚未提交的草稿").await;
    // Written by the office for an organisation (adopted), a sector (kept), a special committee
    // (adopted, with a city outcome).
    let r6 = for_submitter(&w, "organization", org, "关于民营企业融资的建议").await;
    w.ok(&w.staff, r6.id, "adopt", json!({})).await;
    let r7 = for_submitter(&w, "sector", sector, "关于乡村教师待遇的建议").await;
    w.ok(&w.staff, r7.id, "keep", json!({"reason": "留作参考"})).await;
    let r8 = for_submitter(&w, "special_committee", sc, "关于河道治理的建议").await;
    w.ok(&w.staff, r8.id, "adopt", json!({})).await;
    w.ok(&w.staff, r8.id, "record_outcome", json!({"level": "city", "kind": "adopted", "decided_on": today()})).await;

    // The instructions' proposal need not exist here: only their counts are read.
    bulletins_and_instructions(&w, 1, r1.id).await;

    // Counted by hand. Submitted: r1–r8 (the draft is not); adopted r1 r3 r6 r8; kept r2 r7.
    let s = w.app.opinion_stats(&w.staff, &StatsPeriod::default()).await.expect("stats");
    assert_eq!(s.period.year, Some(year()), "the current year by default");
    let t = &s.totals;
    assert_eq!((t.submitted, t.pending, t.returned, t.adopted, t.kept, t.decided), (8, 1, 1, 4, 2, 6));
    assert_eq!(t.adoption_rate, Some(4.0 / 6.0));
    assert_eq!((t.direct_submitted, t.direct_adopted, t.direct_adoption_rate), (1, 1, Some(1.0)));
    assert_eq!((t.from_below, t.reported_up), (0, 1));
    assert_eq!(outcome(&s, Level::City, OutcomeKind::DeptAdopted), 1);
    assert_eq!(outcome(&s, Level::City, OutcomeKind::Instructed), 1);
    assert_eq!(outcome(&s, Level::City, OutcomeKind::Adopted), 1, "r8");
    assert_eq!(outcome(&s, Level::Province, OutcomeKind::Adopted), 1, "the province's adoption came back down");
    assert_eq!(outcome(&s, Level::National, OutcomeKind::SingleAdopted), 1, "and the national one");
    assert_eq!(s.outcomes.iter().map(|l| l.reports).collect::<Vec<_>>(), [2, 1, 1]);
    let series: Vec<(Channel, i64, i64, i64, i64)> = s.bulletins.iter().map(|b| (b.series, b.issued, b.single, b.digest, b.drafts)).collect();
    assert_eq!(series, [(Channel::Opinion, 3, 2, 1, 1), (Channel::Direct, 1, 1, 0, 0)], "last year's issue left out");
    let col = |kind: &str| s.instructions.kinds.iter().position(|(k, _)| k == kind).expect("kind column");
    let rank = |l: Level| s.instructions.rows.iter().find(|r| r.rank == l).unwrap();
    assert_eq!((rank(Level::City).counts[col("opinion")], rank(Level::Province).counts[col("proposal")]), (2, 1));
    assert_eq!((rank(Level::National).total, s.instructions.total), (0, 3), "last year's instruction left out");
    assert!(s.instructions.kinds.iter().all(|(k, _)| k != "member" && k != "instruction"), "columns are kinds of outcome: {:?}", s.instructions.kinds);

    // Per member, sector, organisation and special committee.
    let m = group(&s.members, w.member.member_id.unwrap());
    assert_eq!((m.submitted, m.adopted, m.kept, m.direct_submitted, m.direct_adopted), (3, 2, 1, 1, 1));
    assert_eq!((m.city, m.province, m.national), (1, 1, 1));
    let o = group(&s.members, w.other_member.member_id.unwrap());
    assert_eq!((o.submitted, o.adopted, o.adoption_rate), (1, 0, None));
    assert_eq!(s.members.len(), 2, "informants and organisations are not members");
    assert_eq!((group(&s.organizations, org).submitted, group(&s.organizations, org).adopted), (1, 1));
    assert_eq!((group(&s.special_committees, sc).adopted, group(&s.special_committees, sc).city), (1, 1));
    let sector_of = |m: Option<i64>| with_arg("SELECT sector_id FROM members WHERE id = ", m.unwrap());
    let (ms, os) = (int(&w, &sector_of(w.member.member_id)).await, int(&w, &sector_of(w.other_member.member_id)).await);
    let by_hand = [(ms, 3), (os, 1), (Some(sector), 1)].iter().filter(|(id, _)| *id == Some(sector)).map(|(_, n)| n).sum::<i64>();
    assert_eq!(group(&s.sectors, sector).submitted, by_hand, "the report's sector, else its member's");

    // Each figure's list holds exactly what it counts.
    let staff = &w.staff;
    assert_eq!(ids(&w, staff, OpinionFilter { status: Some(Status::Adopted), ..all() }).await, [r1.id, r3.id, r6.id, r8.id]);
    assert_eq!(ids(&w, staff, all()).await.len() as i64, t.submitted);
    assert_eq!(ids(&w, staff, OpinionFilter { outcome_level: Some(Level::Province), ..all() }).await, [r1.id]);
    let city_adopted = OpinionFilter { outcome_level: Some(Level::City), outcome_kind: Some(OutcomeKind::Adopted), ..all() };
    assert_eq!(ids(&w, staff, city_adopted).await, [r8.id]);
    assert_eq!(ids(&w, staff, OpinionFilter { member_id: w.member.member_id, status: Some(Status::Kept), ..all() }).await, [r2.id]);
    assert_eq!(ids(&w, staff, OpinionFilter { organization_id: Some(org), ..all() }).await, [r6.id]);
    assert_eq!(ids(&w, staff, OpinionFilter { special_committee_id: Some(sc), ..all() }).await, [r8.id]);
    assert_eq!(ids(&w, staff, OpinionFilter { sector_id: Some(sector), ..all() }).await.len() as i64, by_hand);
    assert_eq!(ids(&w, staff, OpinionFilter { channel: Some(Channel::Direct), status: Some(Status::Adopted), ..all() }).await, [r3.id]);
    assert!(ids(&w, staff, OpinionFilter { from: Some("2999-01-01".into()), ..all() }).await.is_empty());
    let bad = w.app.list_opinions(staff, &OpinionFilter { outcome_kind: Some(OutcomeKind::Adopted), ..all() }).await;
    assert!(matches!(bad, Err(AppError::Validation(ref e)) if e[0].field == "outcome_level"), "{bad:?}");

    // Periods: a range, another year, all years.
    let ranged = w.app.opinion_stats(staff, &StatsPeriod { from: Some(today()), to: Some(today()), ..Default::default() }).await.unwrap();
    assert_eq!((ranged.period.year, ranged.totals.submitted), (None, 8));
    let future = w.app.opinion_stats(staff, &StatsPeriod { from: Some("2999-01-01".into()), ..Default::default() }).await.unwrap();
    assert_eq!((future.totals.submitted, future.instructions.total), (0, 0));
    let mut q = with_arg("UPDATE opinions SET year = ", year() - 1);
    q.sql(" WHERE id = ").arg(Arg::I64(r5.id)).sql(" RETURNING id");
    assert_eq!(int(&w, &q).await, Some(r5.id));
    let last = w.app.opinion_stats(staff, &StatsPeriod::year(year() - 1)).await.unwrap();
    assert_eq!((last.totals.submitted, last.totals.pending, last.bulletins[0].issued, last.instructions.total), (1, 1, 1, 1));
    let every = w.app.opinion_stats(staff, &StatsPeriod { all_years: true, ..Default::default() }).await.unwrap();
    assert_eq!((every.totals.submitted, every.scope_name.as_str()), (8, "全部年度"));
    assert_eq!(every.years, [year(), year() - 1]);
    let wrong = w.app.opinion_stats(staff, &StatsPeriod { from: Some("2026-13-01".into()), ..Default::default() }).await;
    assert!(matches!(wrong, Err(AppError::Validation(ref e)) if e[0].field == "from" && e[0].message.contains("YYYY-MM-DD")));

    // The parent committee counts what reached it; leaders read statistics, members do not.
    let p = w.app.opinion_stats(&w.province_staff, &StatsPeriod::default()).await.unwrap();
    assert_eq!((p.totals.submitted, p.totals.adopted, p.totals.from_below, p.totals.reported_up), (1, 1, 1, 1));
    // Its own adoption is its 录用 (the 省级采用 row is fed back to the city's report); the
    // national adoption came back down to it.
    assert_eq!((outcome(&p, Level::Province, OutcomeKind::Adopted), outcome(&p, Level::National, OutcomeKind::SingleAdopted)), (0, 1));
    let now = w.app.opinion_stats(staff, &StatsPeriod::default()).await.unwrap().totals;
    assert_eq!(w.app.opinion_stats(&w.leader, &StatsPeriod::default()).await.unwrap().totals, now, "leaders read the same figures");
    assert!(matches!(w.app.opinion_stats(&w.member, &StatsPeriod::default()).await, Err(AppError::Forbidden)));
    assert!(matches!(w.app.opinion_stats_xlsx(&w.informant, &StatsPeriod::default()).await, Err(AppError::Forbidden)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statistics_workbook_and_the_list_export_hold_the_figures_and_the_rows() {
    let w = World::new().await;
    let r1 = w.submitted(&w.member, "关于老旧小区电梯维保的建议").await;
    w.ok(&w.staff, r1.id, "adopt", json!({})).await;
    w.ok(&w.staff, r1.id, "record_outcome", json!({"level": "city", "kind": "dept_adopted", "decided_on": today()})).await;
    let r2 = w.submitted(&w.other_member, "关于规范校外培训收费的建议").await;
    w.ok(&w.staff, r2.id, "keep", json!({"reason": "已有同类信息"})).await;

    let book = w.app.opinion_stats_xlsx(&w.staff, &StatsPeriod::default()).await.unwrap();
    assert_eq!(book.file_name, format!("社情民意统计（{}年）.xlsx", year()));
    let overall = eline_app::spreadsheet::read_table("s.xlsx", &book.bytes).unwrap();
    let figure = |name: &str| overall.iter().find(|r| r[0] == name).map(|r| r[1].clone()).unwrap_or_else(|| panic!("{name}"));
    assert_eq!((figure("报送（篇）"), figure("录用（篇）"), figure("留存（篇）")), ("2".into(), "1".into(), "1".into()));
    assert_eq!(figure("录用率"), "0.5", "a rate is a number cell (formatted as 0.0%)");

    let export = w.app.export_opinions(&w.staff, &all()).await.unwrap();
    let rows = eline_app::spreadsheet::read_table("e.xlsx", &export.bytes).unwrap();
    assert_eq!(rows[0], eline_app::opinions_stats::EXPORT_COLUMNS.map(String::from).to_vec());
    assert_eq!(rows.len(), 3);
    let adopted = rows.iter().find(|r| r[0] == r1.id.to_string()).unwrap();
    assert_eq!((adopted[3].as_str(), adopted[6].as_str(), adopted[10].as_str()), ("关于老旧小区电梯维保的建议", "已录用", "市级·部门采纳"));
    // The same visibility as the list: a member's export holds only the member's own report.
    let mine = w.app.export_opinions(&w.other_member, &OpinionFilter::scope(Scope::Mine)).await.unwrap();
    let rows = eline_app::spreadsheet::read_table("m.xlsx", &mine.bytes).unwrap();
    assert_eq!(rows.iter().skip(1).map(|r| r[0].clone()).collect::<Vec<_>>(), [r2.id.to_string()]);
    assert!(matches!(w.app.export_opinions(&w.other_member, &all()).await, Err(AppError::Validation(_))), "a member has no list of all");
}

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut s = eline_app::opinions_stats::HISTORY_COLUMNS.join(",");
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.into_bytes()
}

async fn count(w: &World) -> i64 {
    int(w, &with_arg("SELECT COUNT(*) FROM opinions WHERE committee_id = ", w.cid)).await.unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_years_reports_are_imported_all_or_nothing_and_counted() {
    let w = World::new().await;
    let (_, org) = first(&w, DirectoryKind::Organization).await;
    let member = {
        let mut c = w.t.db.acquire().await.unwrap();
        eline_storage::members::get(&mut c.ex(), w.cid, w.member.member_id.unwrap()).await.unwrap().unwrap().name
    };
    let y = year() - 2;
    let good = csv(&[
        &format!("{y},社情民意,关于加强养老服务的建议,正文,委员,{member},录用,{y}-05-10,市级:部门采纳；省级:采用"),
        &format!("{y},资政之声,关于优化营商环境的建议,,,{org},录用,,"),
        &format!("{y}年,,关于菜市场改造的情况反映,,特邀信息员,李明,留存,{y}-12-01,"),
    ]);
    let before = count(&w).await;

    // Row errors are listed with their row numbers, and nothing is imported.
    let bad = csv(&[
        &format!("{y},社情民意,关于加强养老服务的建议,正文,委员,{member},录用,{y}-05-10,市级:部门采纳"),
        &format!("{y},社情民意,,正文,委员,查无此人,通过,,"),
        &format!("{y},社情民意,关于规范收费的建议,,特邀信息员,李明,留存,,市级:采用"),
        &format!("1800,社情民意,关于公交的建议,,,{org},录用,,省级:部门采纳"),
    ]);
    let ImportOutcome::Rejected(errors) = w.app.import_opinion_history(&w.staff, "h.csv", &bad).await.unwrap() else { panic!("bad rows accepted") };
    let at: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(at, [(3, "标题*"), (3, "报送者*"), (3, "状态*"), (4, "采用情况"), (5, "年度*"), (5, "采用情况")], "{errors:?}");
    assert!(errors[1].message.contains("查无此人") && errors[5].message.contains("省级"), "{errors:?}");
    assert_eq!(count(&w).await, before, "a file with errors changes nothing");

    assert!(matches!(w.app.import_opinion_history(&w.member, "h.csv", &good).await, Err(AppError::Forbidden)));
    assert!(matches!(w.app.import_opinion_history(&w.leader, "h.csv", &good).await, Err(AppError::Forbidden)));
    let ImportOutcome::Imported(n) = w.app.import_opinion_history(&w.staff, "h.csv", &good).await.unwrap() else { panic!("good file refused") };
    assert_eq!((n, count(&w).await), (3, before + 3));

    let s = w.app.opinion_stats(&w.staff, &StatsPeriod::year(y)).await.unwrap();
    let t = &s.totals;
    assert_eq!((t.submitted, t.adopted, t.kept, t.direct_submitted, t.direct_adopted), (3, 2, 1, 1, 1));
    assert_eq!((outcome(&s, Level::City, OutcomeKind::DeptAdopted), outcome(&s, Level::Province, OutcomeKind::Adopted)), (1, 1));
    let m = group(&s.members, w.member.member_id.unwrap());
    assert_eq!((m.submitted, m.adopted, m.city, m.province), (1, 1, 1, 1));
    assert_eq!(s.organizations.iter().map(|g| (g.name.as_str(), g.submitted)).collect::<Vec<_>>(), [(org.as_str(), 1)], "matched by name");
    // The member finds the imported report among their own; the office sees its record.
    let mine = w.app.list_opinions(&w.member, &OpinionFilter { year: Some(y), ..OpinionFilter::scope(Scope::Mine) }).await.unwrap();
    assert_eq!(mine.items.len(), 1);
    let v = w.view(&w.staff, mine.items[0].id).await;
    assert_eq!((v.o.status, v.o.submitted_on.as_deref(), v.outcomes.len()), (Status::Adopted, Some(format!("{y}-05-10").as_str()), 2));
    let audited = int(&w, &Query::new("SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND target_type = 'opinion'")).await;
    assert_eq!(audited, Some(3), "each imported report is audited");
}
