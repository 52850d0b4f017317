//! Proposal statistics (提案统计) and the catalogue (提案目录) of a small session with known
//! outcomes: every figure and rate is checked exactly. Runs on SQLite, or on PostgreSQL when
//! ELINE_TEST_DATABASE_URL is set.

use eline_app::auth::{actor_of, system_actor};
use eline_app::directory::SessionInput;
use eline_app::proposals::{ActionInput, DraftInput, GroupStats, ProposalStats, percent};
use eline_app::users::UserInput;
use eline_app::{App, AppError};
use eline_domain::Actor;
use eline_domain::org::DirectoryKind;
use eline_storage::proposals::{self, Proposal};
use eline_storage::testing::TestDb;
use serde_json::{Value, json};

const BODY: &str = "近年来我市老旧小区加装电梯需求持续增长，但审批环节多、资金分摊难、邻里协调难等问题较为突出。\
建议由住建部门牵头简化审批流程，设立专项补贴资金，并在街道层面建立协调机制，推动加装电梯工作提速增效。";

struct World {
    app: App,
    cid: i64,
    staff: Actor,
    member: Actor,
    /// A member of another sector than the demo member's.
    other: Actor,
    unit: Actor,
    leader: Actor,
    /// Units: [0] the demo unit account's, [1] and [2] two more.
    units: [i64; 3],
    org: i64,
    /// The session under test, and one beside it.
    session: i64,
    other_session: i64,
    // Last: dropped after the app.
    _t: TestDb,
}

impl World {
    async fn new() -> World {
        let t = eline_storage::testing::fresh().await;
        let app = App::new(t.db.clone(), Default::default());
        let (cid, _) = app.load_demo().await.expect("load demo");
        let mut c = t.db.acquire().await.expect("connection");
        let mut user = async |name: &str| actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.expect("read user").expect("demo user"));
        let (staff, member, unit, leader) = (user("staff").await, user("member").await, user("unit").await, user("leader").await);
        let members = eline_storage::members::list(&mut c.ex(), cid, &Default::default(), 1000).await.expect("members");
        let own_sector = members.iter().find(|m| Some(m.member.id) == member.member_id).expect("the demo member").member.sector_id;
        let other_id = members.iter().find(|m| m.member.sector_id != own_sector).expect("a member of another sector").member.id;
        let unit_ids: Vec<i64> =
            eline_storage::directory::all_active(&mut c.ex(), DirectoryKind::Unit, cid).await.expect("units").into_iter().map(|e| e.id).collect();
        let org = eline_storage::directory::all_active(&mut c.ex(), DirectoryKind::Organization, cid).await.expect("orgs")[0].id;
        drop(c);
        let own_unit = unit.unit_id.expect("the demo unit account has a unit");
        let more: Vec<i64> = unit_ids.into_iter().filter(|u| *u != own_unit).take(2).collect();
        let sys = system_actor(cid);
        let input = UserInput {
            username: "stats.member".into(),
            password: "eline-test-2026".into(),
            display_name: "统计测试委员".into(),
            roles: vec!["member".into()],
            member_id: Some(other_id),
            unit_id: None,
            organization_id: None,
        };
        let other = actor_of(&app.create_user(&sys, &input, false).await.expect("create user"));
        let session = async |term: i64| {
            let s = SessionInput { term_number: Some(term), session_number: Some(1), year: Some(2031), ..Default::default() };
            app.create_session(&sys, &s).await.expect("create session").id
        };
        let (session, other_session) = (session(21).await, session(22).await);
        World { app, cid, staff, member, other, unit, leader, units: [own_unit, more[0], more[1]], org, session, other_session, _t: t }
    }

    async fn draft(&self, who: &Actor, title: &str, kind: &str, session: i64, cosigners: Vec<i64>) -> Proposal {
        let input = DraftInput {
            title: title.into(),
            body: BODY.into(),
            kind: Some(kind.into()),
            cosigner_ids: cosigners,
            organization_id: (kind == "collective").then_some(self.org),
            session_id: Some(session),
            ..Default::default()
        };
        self.app.create_proposal(who, &input).await.expect("create draft")
    }

    async fn act(&self, who: &Actor, id: i64, action: &str, body: Value) -> Proposal {
        let input = ActionInput::parse(action, body.clone()).expect("an action");
        self.app.act(who, id, None, input).await.unwrap_or_else(|e| panic!("{} {action} {body} on {id}: {e:?}", who.username))
    }

    async fn submitted(&self, who: &Actor, title: &str, kind: &str) -> Proposal {
        let p = self.draft(who, title, kind, self.session, vec![]).await;
        self.act(who, p.id, "submit", json!({})).await
    }

    async fn file(&self, id: i64) {
        self.act(&self.staff, id, "review", json!({"decision": "file"})).await;
    }

    async fn reply(&self, id: i64, class: &str) {
        let body = json!({"class": class, "text": "经研究，具体答复如下……", "signer": "王建国", "confirm_without_co_opinions": true});
        self.act(&self.unit, id, "reply", body).await;
    }

    /// Moves the due date (as an earlier assignment would have), without an action.
    async fn set_due(&self, id: i64, due: &str) {
        let mut c = self.app.db.acquire().await.expect("connection");
        let mut p = proposals::get(&mut c.ex(), self.cid, id).await.expect("read").expect("proposal");
        p.due_on = Some(due.into());
        proposals::save(&mut c.ex(), &p, p.version).await.expect("save");
    }

    async fn unit_name(&self, id: i64) -> String {
        let mut c = self.app.db.acquire().await.expect("connection");
        eline_storage::directory::get(&mut c.ex(), DirectoryKind::Unit, self.cid, id).await.expect("read").expect("unit").name
    }

    async fn stats(&self, session: Option<i64>) -> ProposalStats {
        self.app.proposal_stats(&self.staff, session).await.expect("statistics")
    }
}

fn yesterday() -> String {
    (eline_app::proposals::today() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string()
}

/// Proposals of the session under test (and one in another session), with these outcomes:
/// 1 individual — filed, lead: the demo unit, co: unit 2; replied A on time; satisfied.
/// 2 collective — filed, the demo unit; due yesterday, replied B late; basically satisfied.
/// 3 joint (with the other member) — filed, key, unit 1; not replied yet.
/// 4 individual of the other member — not filed.
/// 5 individual — merged into 1.
/// 6 individual — submitted, not yet reviewed.
/// Besides: a draft and a withdrawn proposal (not submitted), a proposal in the other session.
async fn session_with_known_outcomes(w: &World) -> [i64; 5] {
    let p1 = w.submitted(&w.member, "关于加快老旧小区加装电梯的提案", "individual").await.id;
    w.file(p1).await;
    let p2 = w.submitted(&w.staff, "关于发展民营经济的提案", "collective").await.id;
    w.file(p2).await;
    let p3 = w.draft(&w.member, "关于加强社区养老服务的提案", "joint", w.session, vec![w.other.member_id.unwrap()]).await.id;
    w.act(&w.member, p3, "submit", json!({})).await;
    w.act(&w.other, p3, "cosign", json!({"accept": true})).await;
    w.file(p3).await;
    let p4 = w.submitted(&w.other, "关于调解邻里纠纷的提案", "individual").await.id;
    w.act(&w.staff, p4, "review", json!({"decision": "reject", "reason": "没有具体建议"})).await;
    let p5 = w.submitted(&w.member, "关于老旧小区电梯补贴的提案", "individual").await.id;
    w.act(&w.staff, p5, "review", json!({"decision": "merge", "merge_into": p1})).await;

    w.draft(&w.member, "关于尚未提交的提案", "individual", w.session, vec![]).await;
    let withdrawn = w.submitted(&w.member, "关于撤回的提案", "individual").await.id;
    w.act(&w.member, withdrawn, "withdraw", json!({})).await;
    w.submitted(&w.member, "关于尚待审查的提案", "individual").await;
    let other = w.draft(&w.member, "关于另一届次会议的提案", "individual", w.other_session, vec![]).await.id;
    w.act(&w.member, other, "submit", json!({})).await;

    w.act(&w.staff, p1, "assign", json!({"lead_unit_id": w.units[0], "co_unit_ids": [w.units[2]]})).await;
    w.act(&w.staff, p2, "assign", json!({"lead_unit_id": w.units[0]})).await;
    w.act(&w.staff, p3, "assign", json!({"lead_unit_id": w.units[1]})).await;
    w.act(&w.staff, p3, "mark_key", json!({"key": true})).await;
    w.reply(p1, "A").await;
    w.set_due(p2, &yesterday()).await;
    w.reply(p2, "B").await;
    w.act(&w.member, p1, "evaluate", json!({"satisfaction": "satisfied"})).await;
    w.act(&w.staff, p2, "evaluate", json!({"satisfaction": "basically_satisfied"})).await;
    [p1, p2, p3, p4, p5]
}

fn group<'a>(groups: &'a [GroupStats], name: &str) -> &'a GroupStats {
    groups.iter().find(|g| g.name == name).unwrap_or_else(|| panic!("no row for {name}"))
}

#[tokio::test]
async fn a_session_with_known_outcomes_gives_every_figure_and_rate_exactly() {
    let w = World::new().await;
    let before = w.stats(None).await.totals;
    session_with_known_outcomes(&w).await;
    let s = w.stats(Some(w.session)).await;
    assert_eq!(s.scope_name, "二十一届一次会议");
    let t = &s.totals;
    assert_eq!((t.submitted, t.pending_review, t.filed, t.not_filed, t.merged), (6, 1, 3, 1, 1), "{t:?}");
    assert_eq!((t.individual, t.joint, t.collective, t.key), (4, 1, 1, 1));
    assert_eq!((t.replied, t.on_time), (2, 1));
    assert_eq!((t.evaluated, t.satisfied, t.basically_satisfied, t.dissatisfied), (2, 1, 1, 0));
    assert_eq!(t.filing_rate, Some(0.5));
    assert_eq!(percent(t.filing_rate), "50.0%");
    assert_eq!(percent(t.reply_rate), "66.7%");
    assert_eq!(percent(t.on_time_rate), "33.3%");
    assert_eq!(percent(t.satisfaction_rate), "50.0%");
    assert_eq!(percent(t.basic_satisfaction_rate), "100.0%");
    let classes: Vec<(&str, i64)> = s.classes.iter().map(|c| (c.class.as_str(), c.count)).collect();
    assert_eq!(classes, vec![("A", 1), ("B", 1), ("C", 0)]);
    let statuses: Vec<(&str, i64)> = s.by_status.iter().map(|c| (c.status.as_str(), c.count)).collect();
    assert_eq!(statuses, vec![("submitted", 1), ("not_filed", 1), ("merged", 1), ("withdrawn", 1), ("assigned", 1), ("closed", 2)]);

    // Per unit: the demo unit replied to both of its proposals, one on time; unit 1 has not
    // replied yet; unit 2 is only a co-unit (nothing to reply: "—").
    assert_eq!(s.units.len(), 3);
    let u = &s.units[0];
    assert_eq!((u.unit_id, u.assigned, u.co_handled, u.replied, u.on_time), (w.units[0], 2, 0, 2, 1));
    assert_eq!((percent(u.reply_rate), percent(u.on_time_rate)), ("100.0%".into(), "50.0%".into()));
    assert_eq!(u.classes.iter().map(|c| c.count).collect::<Vec<_>>(), vec![1, 1, 0]);
    assert_eq!((u.evaluated, u.satisfied, u.basically_satisfied), (2, 1, 1));
    assert_eq!((percent(u.satisfaction_rate), percent(u.basic_satisfaction_rate)), ("50.0%".into(), "100.0%".into()));
    let u1 = s.units.iter().find(|u| u.unit_id == w.units[1]).expect("unit 1");
    assert_eq!((u1.assigned, u1.replied, percent(u1.reply_rate), percent(u1.satisfaction_rate)), (1, 0, "0.0%".into(), "—".into()));
    let u2 = s.units.iter().find(|u| u.unit_id == w.units[2]).expect("unit 2");
    assert_eq!((u2.assigned, u2.co_handled, percent(u2.reply_rate)), (0, 1, "—".into()));

    // Per sector of the first proposer, and per organisation (collective proposals).
    let mut c = w.app.db.acquire().await.unwrap();
    let members = eline_storage::members::list(&mut c.ex(), w.cid, &Default::default(), 1000).await.unwrap();
    drop(c);
    let sector_of = |who: &Actor| members.iter().find(|r| Some(r.member.id) == who.member_id).expect("member").sector_name.clone();
    let (own, others) = (sector_of(&w.member), sector_of(&w.other));
    assert_eq!(s.sectors.len(), 2);
    let g = group(&s.sectors, &own);
    assert_eq!((g.submitted, g.filed, g.not_filed, g.merged, g.key, g.replied), (4, 2, 0, 1, 1, 1), "{g:?}");
    assert_eq!((percent(g.filing_rate), percent(g.reply_rate)), ("50.0%".into(), "50.0%".into()));
    let g = group(&s.sectors, &others);
    assert_eq!((g.submitted, g.filed, g.not_filed, percent(g.filing_rate), percent(g.reply_rate)), (1, 0, 1, "0.0%".into(), "—".into()));
    assert_eq!(s.organizations.len(), 1);
    let o = &s.organizations[0];
    assert_eq!((o.submitted, o.filed, o.replied, percent(o.reply_rate)), (1, 1, 1, "100.0%".into()));

    // All sessions: the other session's proposal too.
    let all = w.stats(None).await.totals;
    assert_eq!(all.submitted - before.submitted, 7);
    assert_eq!(all.filed - before.filed, 3);
}

#[tokio::test]
async fn the_catalogue_lists_filed_proposals_in_number_order_with_their_units() {
    let w = World::new().await;
    let [p1, p2, p3, ..] = session_with_known_outcomes(&w).await;
    let cat = w.app.proposal_catalogue(&w.leader, Some(w.session)).await.expect("catalogue");
    assert_eq!(cat.session_name, "二十一届一次会议");
    let ids: Vec<i64> = cat.items.iter().map(|i| i.id).collect();
    assert_eq!(ids, vec![p1, p2, p3]);
    let numbers: Vec<&str> = cat.items.iter().map(|i| i.number.as_str()).collect();
    assert_eq!(numbers, vec!["第0001号", "第0002号", "第0003号"]);
    let (u0, u1, u2) = (w.unit_name(w.units[0]).await, w.unit_name(w.units[1]).await, w.unit_name(w.units[2]).await);
    assert_eq!((cat.items[0].lead_units.as_str(), cat.items[0].co_units.as_str()), (u0.as_str(), u2.as_str()));
    assert_eq!((cat.items[2].lead_units.as_str(), cat.items[2].co_units.as_str()), (u1.as_str(), ""));
    let view = async |id: i64| w.app.get_proposal(&w.staff, id).await.unwrap();
    let v1 = view(p1).await;
    assert_eq!(cat.items[0].proposers, v1.proposer_name.unwrap());
    assert_eq!(Some(cat.items[1].proposers.clone()), view(p2).await.organization_name);
    let v3 = view(p3).await;
    assert_eq!(cat.items[2].proposers, format!("{}、{}", v3.proposer_name.unwrap(), v3.cosigners[0].name));

    // The latest session by default; the workbooks open with their Chinese headers.
    let latest = w.app.proposal_catalogue(&w.staff, None).await.expect("catalogue of the latest session");
    assert_eq!(latest.session_id, w.other_session);
    assert!(latest.items.is_empty(), "nothing filed there");
    let book = w.app.proposal_catalogue_xlsx(&w.staff, Some(w.session)).await.unwrap();
    assert_eq!(book.file_name, "提案目录（二十一届一次）.xlsx");
    let rows = eline_app::spreadsheet::read_table(&book.file_name, &book.bytes).unwrap();
    assert_eq!(rows[0], vec!["编号", "标题", "提案者", "界别", "党派", "主办单位", "会办单位"]);
    assert_eq!(rows.len(), 4);
    // Every member proposal names the first proposer's sector and party; a collective one its
    // organisation as the party.
    for row in &rows[1..] {
        assert!(!row[3].is_empty() || (row[4] == row[2] && !row[4].is_empty()), "界别/党派 of {row:?}");
    }
    let book = w.app.proposal_stats_xlsx(&w.leader, Some(w.session)).await.unwrap();
    assert!(book.file_name.starts_with("提案统计（") && book.file_name.ends_with("）.xlsx"), "{}", book.file_name);
    let rows = eline_app::spreadsheet::read_table(&book.file_name, &book.bytes).unwrap();
    assert_eq!(rows[0], vec!["指标", "数值"]);
    // Rates are numbers (shown 50.0% by their format), not text.
    assert!(rows.contains(&vec!["立案率".to_string(), "0.5".into()]), "{rows:?}");
}

#[tokio::test]
async fn statistics_are_for_the_office_and_leaders_only() {
    let w = World::new().await;
    session_with_known_outcomes(&w).await;
    assert!(w.app.proposal_stats(&w.leader, Some(w.session)).await.is_ok());
    for who in [&w.member, &w.unit] {
        assert!(matches!(w.app.proposal_stats(who, Some(w.session)).await, Err(AppError::Forbidden)), "{}", who.username);
        assert!(matches!(w.app.proposal_catalogue(who, Some(w.session)).await, Err(AppError::Forbidden)), "{}", who.username);
        assert!(matches!(w.app.proposal_stats_xlsx(who, None).await, Err(AppError::Forbidden)), "{}", who.username);
    }
    let admin = system_actor(w.cid);
    assert!(matches!(w.app.proposal_stats(&admin, None).await, Err(AppError::Forbidden)));
}

#[tokio::test]
async fn a_session_with_nothing_submitted_shows_dashes_not_zero_rates() {
    let w = World::new().await;
    let s = w.stats(Some(w.other_session)).await;
    assert_eq!(s.totals.submitted, 0);
    for r in [s.totals.filing_rate, s.totals.reply_rate, s.totals.on_time_rate, s.totals.satisfaction_rate, s.totals.basic_satisfaction_rate] {
        assert_eq!(percent(r), "—");
    }
    assert!(s.units.is_empty() && s.sectors.is_empty() && s.organizations.is_empty());
    let e = w.app.proposal_stats(&w.staff, Some(999_999)).await.unwrap_err();
    assert!(matches!(&e, AppError::Validation(f) if f[0].field == "session_id"), "{e:?}");
}

/// On time is judged on Beijing dates: a reply at 23:30 Beijing time on the due date counts, one
/// at 00:30 the next morning does not (though both fall on the due date in UTC).
#[tokio::test]
async fn a_reply_is_on_time_until_midnight_beijing_time_of_the_due_date() {
    let w = World::new().await;
    let due = "2026-03-10";
    for (title, beijing) in [("关于赶在截止日深夜答复的提案", "2026-03-10 23:30:00"), ("关于截止次日凌晨答复的提案", "2026-03-11 00:30:00")]
    {
        let id = w.submitted(&w.member, title, "individual").await.id;
        w.file(id).await;
        w.act(&w.staff, id, "assign", json!({"lead_unit_id": w.units[0]})).await;
        w.reply(id, "A").await;
        w.set_due(id, due).await;
        let at = chrono::NaiveDateTime::parse_from_str(beijing, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp_micros() - 8 * 3600 * 1_000_000;
        let mut c = w.app.db.acquire().await.expect("connection");
        let reply = proposals::replies(&mut c.ex(), id).await.expect("replies")[0].id;
        proposals::backdate_reply(&mut c.ex(), reply, at).await.expect("backdate");
    }
    let s = w.stats(Some(w.session)).await;
    assert_eq!((s.totals.replied, s.totals.on_time), (2, 1), "{:?}", s.totals);
    let u = s.units.iter().find(|u| u.unit_id == w.units[0]).expect("the unit's row");
    assert_eq!((u.replied, u.on_time), (2, 1));
}

/// 办复率 is measured against the assigned proposals (a filed one waiting for assignment does not
/// lower it); 沟通率 and 见面率 come from the proposers' 测评表 (ratings without one are left
/// out); categories are counted in the committee's order; the default scope is the current session.
#[tokio::test]
async fn the_reply_rate_counts_assigned_proposals_and_the_survey_gives_contact_and_meeting_rates() {
    let w = World::new().await;
    session_with_known_outcomes(&w).await;
    let survey = |before: &str, during: &str| json!({"contact_before": before, "contact_during": during, "attitude": "satisfied", "result": "satisfied"});
    // 1 and 2 were rated without the table: they stay outside the base of both rates.
    let categorized = async |title: &str, category: &str| {
        let input = DraftInput { title: title.into(), body: BODY.into(), session_id: Some(w.session), category: Some(category.into()), ..Default::default() };
        let id = w.app.create_proposal(&w.member, &input).await.expect("draft").id;
        w.act(&w.member, id, "submit", json!({})).await;
        w.file(id).await;
        id
    };
    let p7 = categorized("关于推进垃圾分类的提案", "生态文明建设").await;
    let p8 = categorized("关于建设城市书房的提案", "文化建设").await;
    let p9 = categorized("关于加强河道治理的提案", "生态文明建设").await;
    for (id, before, during) in [(p7, "face_to_face", "phone"), (p8, "none", "written")] {
        w.act(&w.staff, id, "assign", json!({"lead_unit_id": w.units[0]})).await;
        w.reply(id, "A").await;
        let mut body = survey(before, during);
        body["satisfaction"] = json!("satisfied");
        w.act(&w.member, id, "evaluate", body).await;
    }
    // p9 stays filed, not assigned: it counts for 立案 but not for 办复率's base.
    let t = w.stats(Some(w.session)).await;
    let f = &t.totals;
    assert_eq!((f.filed, f.assigned, f.replied), (6, 5, 4), "{f:?}");
    assert_eq!(percent(f.reply_rate), "80.0%", "replied ÷ assigned, not ÷ filed (66.7%)");
    assert_eq!(percent(f.on_time_rate), "60.0%");
    assert_eq!((f.evaluated, f.surveyed, f.contacted, f.met), (4, 2, 2, 1), "{f:?}");
    assert_eq!((percent(f.contact_rate), percent(f.meeting_rate)), ("100.0%".into(), "50.0%".into()));
    // One more, where the unit never contacted the proposer.
    let p10 = categorized("关于规范共享单车停放的提案", "社会建设").await;
    w.act(&w.staff, p10, "assign", json!({"lead_unit_id": w.units[0]})).await;
    w.reply(p10, "C").await;
    let mut body = survey("none", "none");
    body["satisfaction"] = json!("dissatisfied");
    body["comment"] = json!("办理前后均未与我联系");
    w.act(&w.member, p10, "evaluate", body).await;
    let f = w.stats(Some(w.session)).await.totals;
    assert_eq!((f.surveyed, f.contacted, f.met), (3, 2, 1));
    assert_eq!((percent(f.contact_rate), percent(f.meeting_rate)), ("66.7%".into(), "33.3%".into()));

    let s = w.stats(Some(w.session)).await;
    let names: Vec<&str> = s.categories.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "其他", "未分类"]);
    let eco = group(&s.categories, "生态文明建设");
    assert_eq!((eco.submitted, eco.filed, eco.assigned, eco.replied, percent(eco.reply_rate)), (2, 2, 1, 1, "100.0%".into()));
    assert_eq!(group(&s.categories, "未分类").submitted, 6);
    assert_eq!(group(&s.categories, "经济建设").submitted, 0);
    let listed: Vec<i64> = w
        .app
        .list_proposals(&w.staff, &serde_json::from_value(json!({"category": "生态文明建设"})).unwrap())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed, [p9, p7], "the list filter by category");

    // The current session is the latest one: what pages and the API show by default.
    assert_eq!(w.app.current_session_id(&w.staff).await.unwrap(), Some(w.other_session));
}
