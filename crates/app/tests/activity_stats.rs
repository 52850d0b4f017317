//! Activity statistics after a scripted year (check-ins with codes, a late one, approved, denied
//! and late leave, a check-in by hand, a refused foreign code, a cancelled, a planned and a
//! running activity) equal what the test counts by hand, figure by figure; the member's
//! attendance list holds what their figures count; the workbook read back holds the same — on
//! both engines.

use std::collections::{BTreeMap, HashMap};

use calamine::{Data, Reader, Xlsx};
use eline_app::activities::{ActivityAction, NewActivity};
use eline_app::activity_stats::{ActivityStats, StatsYear, Tally};
use eline_app::auth::{actor_of, system_actor};
use eline_app::users::UserInput;
use eline_app::{App, AppError};
use eline_domain::Actor;
use eline_domain::activity::{Attendance, Kind, LeaveStatus, Status};
use eline_domain::org::DirectoryKind;
use eline_storage::activities::Activity;
use eline_storage::{Query, directory};
use serde_json::json;

/// A year no demo data reaches: every activity of it is this test's.
const YEAR: i64 = 2031;

struct World {
    app: App,
    staff: Actor,
    leader: Actor,
    /// Six members with accounts: (actor, member id, sector id).
    m: Vec<(Actor, i64, i64)>,
    special_committee: i64,
    t: eline_storage::testing::TestDb,
}

async fn world() -> World {
    let t = eline_storage::testing::fresh().await;
    let search_dir = eline_storage::testing::temp_dir("eline_search").join("index");
    let app = App::new(t.db.clone(), eline_app::Settings { search_dir: Some(search_dir), ..Default::default() });
    let (cid, _) = app.load_demo().await.expect("load demo");
    let mut c = t.db.acquire().await.unwrap();
    let user = async |c: &mut eline_storage::Conn, name: &str| actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.unwrap().unwrap());
    let staff = user(&mut c, "staff").await;
    let leader = user(&mut c, "leader").await;
    let demo_member = user(&mut c, "member").await.member_id;
    let members = eline_storage::members::list(&mut c.ex(), cid, &Default::default(), 1000).await.unwrap();
    let sc = directory::list(&mut c.ex(), DirectoryKind::SpecialCommittee, cid, false, None, 10).await.unwrap()[0].id;
    drop(c);
    let mut m = Vec::new();
    for r in members.iter().filter(|r| Some(r.member.id) != demo_member) {
        let input = UserInput {
            username: format!("stat.member{}", m.len() + 1),
            password: "eline-test-2026".into(),
            display_name: r.member.name.clone(),
            roles: vec!["member".into()],
            member_id: Some(r.member.id),
            unit_id: None,
            organization_id: None,
        };
        if let Ok(u) = app.create_user(&system_actor(cid), &input, false).await {
            m.push((actor_of(&u), r.member.id, r.member.sector_id));
        }
        if m.len() == 6 {
            break;
        }
    }
    assert_eq!(m.len(), 6, "six demo members without accounts");
    World { app, staff, leader, m, special_committee: sc, t }
}

impl World {
    fn id(&self, i: usize) -> i64 {
        self.m[i].1
    }

    /// Moves the activities' clock to a Beijing time.
    fn at(&self, beijing: &str) {
        let target = eline_app::activities::parse_at("at", "时间", beijing).unwrap();
        self.app.clock.advance(target - self.app.clock.now());
    }

    async fn create(&self, kind: Kind, title: &str, starts: &str, ends: &str, who: &[usize], extra: NewActivity) -> Activity {
        let input = NewActivity {
            kind: Some(kind),
            title: title.into(),
            place: "市政协会议中心".into(),
            starts_at: starts.into(),
            ends_at: ends.into(),
            invitee_member_ids: who.iter().map(|i| self.id(*i)).collect(),
            ..extra
        };
        self.app.create_activity(&self.staff, &input).await.expect("create activity")
    }

    async fn act(&self, who: &Actor, id: i64, name: &str, body: serde_json::Value) -> Result<Activity, AppError> {
        self.app.activity_act(who, id, None, ActivityAction::parse(name, body)?).await
    }

    async fn ok(&self, who: &Actor, id: i64, name: &str, body: serde_json::Value) -> Activity {
        self.act(who, id, name, body).await.unwrap_or_else(|e| panic!("{name} on {id}: {e:?}"))
    }

    /// Checks member `i` in with the code on the screen now.
    async fn check_in(&self, id: i64, i: usize) {
        let code = self.app.activity_code(&self.staff, id).await.expect("code").code;
        self.ok(&self.m[i].0, id, "check_in", json!({"code": code})).await;
    }

    async fn leave(&self, id: i64, i: usize, approved: bool) {
        self.ok(&self.m[i].0, id, "request_leave", json!({"reason": "赴外地出差，无法参加"})).await;
        self.ok(&self.staff, id, "approve_leave", json!({"member_id": self.id(i), "approved": approved})).await;
    }
}

fn tally(places: i64, present: i64, late: i64, excused: i64, absent: i64) -> Tally {
    Tally { places, present, late, excused, absent }
}

/// The scripted year; returns (plenary, briefing, research) ids.
async fn script(w: &World) -> (i64, i64, i64) {
    w.at("2031-02-01 10:00");
    // A plenary: M0 on time, M1 late, M2 excused, M3 leave denied (absent), M4 by hand, M5 a
    // foreign code (refused) and nothing else (absent).
    let plenary =
        w.create(Kind::Plenary, "政协第十四届委员会第三次会议", "2031-03-05T09:00", "2031-03-05T12:00", &[0, 1, 2, 3, 4, 5], NewActivity::default()).await;
    let p = plenary.id;
    w.ok(&w.staff, p, "publish", json!({})).await;
    w.leave(p, 2, true).await;
    w.leave(p, 3, false).await;
    w.at("2031-03-05 08:40");
    w.ok(&w.staff, p, "open_checkin", json!({})).await;
    w.check_in(p, 0).await;
    let foreign = w.act(&w.m[5].0, p, "check_in", json!({"code": "abcdef"})).await;
    assert!(matches!(foreign, Err(AppError::InvalidTransition(_))), "a foreign code is refused: {foreign:?}");
    w.at("2031-03-05 09:01");
    w.ok(&w.staff, p, "check_in_by_hand", json!({"member_id": w.id(4), "reason": "手机没电，现场核对身份后代签"})).await;
    w.at("2031-03-05 09:20");
    w.check_in(p, 1).await;
    w.at("2031-03-05 12:10");
    w.ok(&w.staff, p, "close", json!({})).await;

    // A briefing: M0 present, M1 late leave approved (excused), M2 nothing (absent).
    let extra = NewActivity { briefing_leader: Some("市长 张三".into()), ..NewActivity::default() };
    let briefing = w.create(Kind::Briefing, "2031年一季度经济运行情况通报", "2031-03-20T14:00", "2031-03-20T16:00", &[0, 1, 2], extra).await;
    let b = briefing.id;
    w.ok(&w.staff, b, "publish", json!({})).await;
    w.at("2031-03-20 10:00");
    w.leave(b, 1, true).await;
    w.at("2031-03-20 13:55");
    w.ok(&w.staff, b, "open_checkin", json!({})).await;
    w.check_in(b, 0).await;
    w.at("2031-03-20 16:30");
    w.ok(&w.staff, b, "close", json!({})).await;

    // Research organised by a special committee: M0 and M3 present (M3 by hand).
    let extra = NewActivity { special_committee_id: Some(w.special_committee), ..NewActivity::default() };
    let research = w.create(Kind::Research, "老旧小区改造专题调研", "2031-04-10T09:00", "2031-04-10T11:00", &[0, 3], extra).await;
    let r = research.id;
    w.ok(&w.staff, r, "publish", json!({})).await;
    w.at("2031-04-10 08:50");
    w.ok(&w.staff, r, "open_checkin", json!({})).await;
    w.check_in(r, 0).await;
    w.ok(&w.staff, r, "check_in_by_hand", json!({"member_id": w.id(3), "reason": "现场核对身份后代签"})).await;
    w.at("2031-04-10 11:30");
    w.ok(&w.staff, r, "close", json!({})).await;

    // Cancelled, planned, published: no attendance counted.
    w.at("2031-04-11 10:00");
    let cancelled = w.create(Kind::Consultation, "专题协商会", "2031-04-15T09:00", "2031-04-15T11:00", &[0], NewActivity::default()).await;
    w.ok(&w.staff, cancelled.id, "publish", json!({})).await;
    w.ok(&w.staff, cancelled.id, "cancel", json!({"reason": "会期调整"})).await;
    w.create(Kind::Study, "理论学习", "2031-05-01T09:00", "2031-05-01T11:00", &[1], NewActivity::default()).await;
    let training = w.create(Kind::Training, "委员履职培训", "2031-05-02T09:00", "2031-05-02T17:00", &[1], NewActivity::default()).await;
    w.ok(&w.staff, training.id, "publish", json!({})).await;
    (p, b, r)
}

fn kind_line(s: &ActivityStats, kind: Kind) -> &eline_app::activity_stats::Line {
    &s.by_kind.iter().find(|k| k.kind == kind).expect("every kind listed").line
}

/// The special committees of members (the directory's own table, read directly).
async fn memberships(w: &World) -> HashMap<i64, Vec<i64>> {
    let mut c = w.t.db.acquire().await.unwrap();
    let rows: Vec<(i64, i64)> = Query::new("SELECT member_id, special_committee_id FROM member_committees").fetch_all(&mut c.ex()).await.unwrap();
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for (m, sc) in rows {
        out.entry(m).or_default().push(sc);
    }
    out
}

#[tokio::test]
async fn every_figure_equals_the_hand_count() {
    let w = world().await;
    let (p, b, r) = script(&w).await;
    let s = w.app.activity_stats(&w.staff, &StatsYear::of(YEAR)).await.expect("stats");
    assert_eq!(w.app.activity_stats(&w.leader, &StatsYear::of(YEAR)).await.expect("leaders read them too"), s);
    assert!(matches!(w.app.activity_stats(&w.m[0].0, &StatsYear::of(YEAR)).await, Err(AppError::Forbidden)));
    assert!(matches!(w.app.activity_stats(&w.staff, &StatsYear::of(20_000)).await, Err(AppError::Validation(_))));

    // Activities: 6 created, 1 cancelled (not counted), 3 closed, 1 planned, 1 published.
    let a = &s.totals.activities;
    assert_eq!((a.held(), a.planned, a.published, a.checkin_open, a.closed, a.cancelled), (5, 1, 1, 0, 3, 1));
    assert_eq!(kind_line(&s, Kind::Plenary).activities.closed, 1);
    assert_eq!(kind_line(&s, Kind::Consultation).activities.cancelled, 1);
    assert_eq!(kind_line(&s, Kind::Consultation).activities.held(), 0);
    assert_eq!(kind_line(&s, Kind::Study).activities.planned, 1);
    assert_eq!(kind_line(&s, Kind::Training).activities.published, 1);
    assert_eq!(kind_line(&s, Kind::Visit).activities.held(), 0);
    assert_eq!(s.by_kind.len(), Kind::ALL.len());
    let held: Vec<(u32, i64, i64)> = s.by_month.iter().map(|m| (m.month, m.line.activities.held(), m.line.activities.cancelled)).collect();
    assert_eq!(held.iter().filter(|m| m.1 + m.2 > 0).copied().collect::<Vec<_>>(), vec![(3, 2, 0), (4, 1, 1), (5, 2, 0)]);

    // Attendance: plenary 2 present (on time, by hand), 1 late, 1 excused, 2 absent; briefing 1
    // present, 1 excused, 1 absent; research 2 present.
    assert_eq!(kind_line(&s, Kind::Plenary).attendance, tally(6, 2, 1, 1, 2));
    assert_eq!(kind_line(&s, Kind::Briefing).attendance, tally(3, 1, 0, 1, 1));
    assert_eq!(kind_line(&s, Kind::Research).attendance, tally(2, 2, 0, 0, 0));
    assert_eq!(kind_line(&s, Kind::Training).attendance, Tally::default(), "a running activity counts no attendance");
    assert_eq!(s.totals.attendance, tally(11, 5, 1, 2, 3));
    assert_eq!(s.totals.attendance.attended(), 6);
    assert_eq!(s.totals.attendance.rate(), Some(6.0 / 11.0));
    assert_eq!(s.by_month[2].line.attendance, tally(9, 3, 1, 2, 3));
    assert_eq!(s.by_month[3].line.attendance, tally(2, 2, 0, 0, 0));

    // Briefings apart.
    assert_eq!((s.briefings, s.briefing_attended), (1, 1));
    assert_eq!(s.briefing_list.len(), 1);
    assert_eq!((s.briefing_list[0].id, s.briefing_list[0].leader.as_deref(), s.briefing_list[0].attended), (b, Some("市长 张三"), 1));

    // Members.
    let expected: [(usize, Tally); 6] = [
        (0, tally(3, 3, 0, 0, 0)),
        (1, tally(2, 0, 1, 1, 0)),
        (2, tally(2, 0, 0, 1, 1)),
        (3, tally(2, 1, 0, 0, 1)),
        (4, tally(1, 1, 0, 0, 0)),
        (5, tally(1, 0, 0, 0, 1)),
    ];
    assert_eq!(s.members.len(), 6, "members with a place on a closed activity: {:?}", s.members);
    for (i, t) in &expected {
        let line = s.members.iter().find(|m| m.id == w.id(*i)).expect("member listed");
        assert_eq!(line.attendance, *t, "member {i}");
        assert_eq!(line.sector_id, Some(w.m[*i].2));
    }
    assert_eq!(s.members[0].id, w.id(0), "most places first");
    assert_eq!(s.members.iter().find(|m| m.id == w.id(1)).unwrap().attendance.rate(), Some(0.5));

    // Sectors and special committees: the members' figures added up by hand.
    let mut sectors: BTreeMap<i64, (i64, Tally)> = BTreeMap::new();
    let mut committees: BTreeMap<i64, (i64, Tally)> = BTreeMap::new();
    let of = memberships(&w).await;
    let add = |e: &mut (i64, Tally), t: &Tally| {
        e.0 += 1;
        e.1 = tally(e.1.places + t.places, e.1.present + t.present, e.1.late + t.late, e.1.excused + t.excused, e.1.absent + t.absent);
    };
    for (i, t) in &expected {
        add(sectors.entry(w.m[*i].2).or_default(), t);
        for sc in of.get(&w.id(*i)).cloned().unwrap_or_default() {
            add(committees.entry(sc).or_default(), t);
        }
    }
    assert_eq!(s.sectors.len(), sectors.len());
    for g in &s.sectors {
        assert_eq!((g.members, g.attendance), sectors[&g.id], "sector {}", g.name);
        assert_eq!(g.organised, None);
    }
    committees.entry(w.special_committee).or_default();
    assert_eq!(s.special_committees.len(), committees.len());
    for g in &s.special_committees {
        assert_eq!((g.members, g.attendance), committees[&g.id], "special committee {}", g.name);
        assert_eq!(g.organised, Some(i64::from(g.id == w.special_committee)), "research organised by {}", g.name);
    }

    // The leave and absence lists, meeting by meeting, excused first.
    let list: Vec<(i64, i64, Attendance, Option<LeaveStatus>, bool)> =
        s.absences.iter().map(|a| (a.activity_id, a.member_id, a.attendance, a.leave_status, a.leave_late)).collect();
    assert_eq!(s.absences_total, 5);
    assert_eq!(list.len(), 5);
    assert_eq!(list[0], (p, w.id(2), Attendance::Excused, Some(LeaveStatus::Approved), false));
    let mut plenary_absent: Vec<(i64, Option<LeaveStatus>)> = list[1..3].iter().map(|x| (x.1, x.3)).collect();
    plenary_absent.sort();
    let mut want = vec![(w.id(3), Some(LeaveStatus::Denied)), (w.id(5), None)];
    want.sort();
    assert_eq!(plenary_absent, want);
    assert!(list[1..3].iter().all(|x| x.0 == p && x.2 == Attendance::Absent));
    assert_eq!(list[3], (b, w.id(1), Attendance::Excused, Some(LeaveStatus::Approved), true), "late leave marked");
    assert_eq!(list[4], (b, w.id(2), Attendance::Absent, None, false));
    assert!(!list.iter().any(|x| x.0 == r));
    assert!(s.years.contains(&YEAR));

    // A member's attendance list holds what their figures count; the member reads their own.
    let mine = w.app.member_activity_year(&w.m[1].0, w.id(1), &StatsYear::of(YEAR)).await.expect("own list");
    assert_eq!(mine.attendance, tally(2, 0, 1, 1, 0));
    let rows: Vec<(Kind, Status, Option<Attendance>)> = mine.items.iter().map(|i| (i.kind, i.status, i.attendance)).collect();
    assert_eq!(
        rows,
        vec![
            (Kind::Plenary, Status::Closed, Some(Attendance::Late)),
            (Kind::Briefing, Status::Closed, Some(Attendance::Excused)),
            (Kind::Study, Status::Planned, None),
            (Kind::Training, Status::Published, None)
        ]
    );
    assert_eq!(w.app.member_activity_year(&w.leader, w.id(1), &StatsYear::of(YEAR)).await.unwrap(), mine);
    assert!(matches!(w.app.member_activity_year(&w.m[0].0, w.id(1), &StatsYear::of(YEAR)).await, Err(AppError::Forbidden)));

    // A month's figure links to the list of that month (the list filter's `month`).
    let f = eline_app::activities::ActivityFilter { year: Some(YEAR), month: Some(3), ..Default::default() };
    let mut march: Vec<i64> = w.app.activities(&w.staff, &f).await.expect("list").items.iter().map(|a| a.id).collect();
    march.sort();
    assert_eq!(march, vec![p, b]);
    let f = eline_app::activities::ActivityFilter { month: Some(3), ..Default::default() };
    assert!(matches!(w.app.activities(&w.staff, &f).await, Err(AppError::Validation(_))), "a month needs its year");

    // The workbook holds the same figures.
    let book = w.app.activity_stats_xlsx(&w.staff, &StatsYear::of(YEAR)).await.expect("workbook");
    assert_eq!(book.file_name, "活动统计（2031年）.xlsx");
    assert!(matches!(w.app.activity_stats_xlsx(&w.m[0].0, &StatsYear::of(YEAR)).await, Err(AppError::Forbidden)));
    let mut x: Xlsx<_> = Xlsx::new(std::io::Cursor::new(book.bytes)).expect("an XLSX file");
    let names = x.sheet_names();
    assert_eq!(names, ["按类型", "按月份", "政情通报", "委员出勤", "界别", "专委会", "请假缺席名单", "指标说明"]);
    let sheet = |x: &mut Xlsx<_>, name: &str| -> Vec<Vec<String>> {
        let range = x.worksheet_range(name).expect("sheet");
        range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                        Data::Float(f) => format!("{f:.4}"),
                        Data::Int(n) => n.to_string(),
                        Data::DateTime(d) => (chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap() + chrono::Duration::days(d.as_f64() as i64)).to_string(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect()
    };
    let kinds = sheet(&mut x, "按类型");
    let plenary_row = kinds.iter().find(|r| r[0] == "全体会议").expect("plenary row");
    assert_eq!(plenary_row[1..].to_vec(), ["1", "0", "0", "0", "1", "0", "6", "2", "1", "1", "2", "3"]);
    let total_row = kinds.last().unwrap();
    assert_eq!(total_row[..].to_vec(), ["合计", "5", "1", "1", "0", "3", "1", "11", "5", "1", "2", "3", "6"]);
    let months = sheet(&mut x, "按月份");
    assert_eq!(months.len(), 13);
    assert_eq!(months[3][..].to_vec(), ["3月", "2", "0", "0", "0", "2", "0", "9", "3", "1", "2", "3", "4"]);
    let briefings = sheet(&mut x, "政情通报");
    assert_eq!(briefings[1][..].to_vec(), ["2031-03-20", "2031年一季度经济运行情况通报", "市长 张三", "已结束", "1"]);
    let members = sheet(&mut x, "委员出勤");
    assert_eq!(members.len(), 7);
    for (i, t) in &expected {
        let line = s.members.iter().find(|m| m.id == w.id(*i)).unwrap();
        let row = members.iter().find(|r| r[0] == line.name).expect("member row");
        let rate = t.rate().map(|r| format!("{r:.4}")).map(|r| {
            if r == "1.0000" {
                "1".into()
            } else if r == "0.0000" {
                "0".into()
            } else {
                r
            }
        });
        let want: Vec<String> = [t.places, t.present, t.late, t.excused, t.absent, t.attended()].iter().map(|n| n.to_string()).collect();
        assert_eq!(row[2..8].to_vec(), want, "member {i}");
        assert_eq!(Some(row[8].clone()), rate, "member {i} rate");
    }
    let sector_rows = sheet(&mut x, "界别");
    assert_eq!(sector_rows.len(), s.sectors.len() + 1);
    for g in &s.sectors {
        let row = sector_rows.iter().find(|r| r[0] == g.name).unwrap();
        assert_eq!(
            row[1..7].to_vec(),
            [g.members, g.attendance.places, g.attendance.present, g.attendance.late, g.attendance.excused, g.attendance.absent].map(|n| n.to_string())
        );
    }
    let committee_rows = sheet(&mut x, "专委会");
    let sc = s.special_committees.iter().find(|g| g.id == w.special_committee).unwrap();
    assert_eq!(committee_rows.iter().find(|r| r[0] == sc.name).unwrap()[2], "1", "organised");
    let absences = sheet(&mut x, "请假缺席名单");
    assert_eq!(absences.len(), 6);
    assert_eq!(absences[4][5..8].to_vec(), ["请假", "已准假", "是"]);
    assert_eq!(absences[5][5..8].to_vec(), ["缺席", "未请假", ""]);
}

#[tokio::test]
async fn a_year_without_activities_is_all_zeros_and_the_default_is_this_year() {
    let w = world().await;
    let s = w.app.activity_stats(&w.staff, &StatsYear::default()).await.expect("stats");
    assert_eq!(s.year, i64::from(chrono::Datelike::year(&eline_app::proposals::today())));
    assert_eq!(s.totals.activities.held(), 0);
    assert_eq!(s.totals.attendance, Tally::default());
    assert_eq!(s.totals.attendance.rate(), None);
    assert!(s.members.is_empty() && s.absences.is_empty() && s.briefing_list.is_empty());
    assert_eq!(s.by_month.len(), 12);
}
