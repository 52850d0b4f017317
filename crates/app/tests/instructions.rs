//! Leaders' instructions (领导批示) on proposals, on either engine: who records them, who sees
//! them (on the record, on the home page, in search), every error at once with nothing written,
//! follow-ups, and counts that equal what the test counts by hand.

use eline_app::instructions::{InstructionFilter, InstructionFollowUpInput, InstructionInput};
use eline_app::proposals::{ActionInput, DraftInput};
use eline_app::search::SearchQuery;
use eline_app::users::UserInput;
use eline_app::{App, AppError, Settings, auth};
use eline_domain::opinion::Level;
use eline_domain::{Actor, RecordKind, RecordRef};
use eline_storage::testing::{TestDb, fresh, temp_dir};
use serde_json::json;

struct World {
    app: App,
    staff: Actor,
    member: Actor,
    other_member: Actor,
    unit: Actor,
    leader: Actor,
    dir: std::path::PathBuf,
    _t: TestDb,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn actor(app: &App, name: &str) -> Actor {
    let mut c = app.db.acquire().await.unwrap();
    auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.unwrap().unwrap())
}

async fn world() -> World {
    let t = fresh().await;
    let dir = temp_dir("eline_instructions");
    let app = App::new(t.db.clone(), Settings { data_dir: dir.clone(), search_dir: Some(dir.join("search")), ..Settings::default() });
    let (cid, _) = app.load_demo().await.unwrap();
    let (staff, member, unit, leader) = (actor(&app, "staff").await, actor(&app, "member").await, actor(&app, "unit").await, actor(&app, "leader").await);
    let mut c = app.db.acquire().await.unwrap();
    let other_id = eline_storage::members::list(&mut c.ex(), cid, &Default::default(), 50)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.member.id)
        .find(|id| Some(*id) != member.member_id)
        .unwrap();
    drop(c);
    let input = UserInput {
        username: "other.member".into(),
        password: "eline-test-2026".into(),
        display_name: "其他委员".into(),
        roles: vec!["member".into()],
        member_id: Some(other_id),
        unit_id: None,
        organization_id: None,
    };
    let other_member = auth::actor_of(&app.create_user(&auth::system_actor(cid), &input, false).await.unwrap());
    World { app, staff, member, other_member, unit, leader, dir, _t: t }
}

fn input(leader: &str, rank: &str, day: &str, gist: &str) -> InstructionInput {
    InstructionInput {
        item_opinion_id: None,
        leader_name: leader.into(),
        leader_post: "市长".into(),
        rank: rank.into(),
        given_on: day.into(),
        gist: gist.into(),
    }
}

impl World {
    /// A proposal of the demo member: a draft, or submitted and filed.
    async fn proposal(&self, title: &str, file: bool) -> RecordRef {
        let body = "近年来我市老旧小区加装电梯需求持续增长，审批环节多、资金分摊难。建议简化审批流程，设立专项补贴资金，建立协调机制。";
        let draft = DraftInput { title: title.into(), body: body.into(), kind: Some("individual".into()), ..Default::default() };
        let id = self.app.create_proposal(&self.member, &draft).await.unwrap().id;
        if file {
            self.app.act(&self.member, id, None, ActionInput::parse("submit", json!({})).unwrap()).await.unwrap();
            self.app.act(&self.staff, id, None, ActionInput::parse("review", json!({"decision": "file"})).unwrap()).await.unwrap();
        }
        RecordRef::proposal(id)
    }

    async fn assign_to_demo_unit(&self, p: RecordRef) {
        let assign = ActionInput::parse("assign", json!({"lead_unit_id": self.unit.unit_id.unwrap()})).unwrap();
        self.app.act(&self.staff, p.id, None, assign).await.unwrap();
    }

    /// How many rows of what this test touches: instructions, follow-ups, audit entries (the
    /// last 1,000) and timeline entries of `p`.
    async fn count(&self, what: &'static str, p: RecordRef) -> i64 {
        let mut c = self.app.db.acquire().await.unwrap();
        let cid = self.staff.committee_id;
        match what {
            "instructions" => eline_storage::instructions::counts(&mut c.ex(), cid, &Default::default()).await.unwrap().iter().map(|c| c.n).sum(),
            "instruction_followups" => {
                let ids: Vec<i64> = eline_storage::instructions::list(&mut c.ex(), cid, &Default::default(), 200).await.unwrap().iter().map(|i| i.id).collect();
                eline_storage::instructions::followups(&mut c.ex(), &ids).await.unwrap().len() as i64
            }
            "audit_log" => eline_storage::audit::list(&mut c.ex(), cid, &Default::default(), 1000).await.unwrap().len() as i64,
            _ => eline_storage::timeline::list(&mut c.ex(), p).await.unwrap().len() as i64,
        }
    }

    async fn find(&self, who: &Actor, q: &str) -> Vec<(String, i64)> {
        self.app.search.as_ref().unwrap().tick(&self.app.db).await.unwrap();
        let q = SearchQuery { q: q.into(), kind: Some("instruction".into()), ..Default::default() };
        self.app.search(who, &q, 50).await.unwrap().items.into_iter().map(|i| (i.kind, i.id)).collect()
    }
}

#[tokio::test]
async fn an_instruction_on_a_proposal_reaches_its_page_its_timeline_and_its_proposers_home_only() {
    let w = world().await;
    let p = w.proposal("关于加快老旧小区加装电梯的建议", true).await;
    let v = w.app.record_instruction(&w.leader, p, &input("张明", "city", "2026-03-01", "请市住建局牵头研究落实。")).await.unwrap();
    assert_eq!((v.record_label, v.record_title.as_str()), ("提案", "关于加快老旧小区加装电梯的建议"));
    assert_eq!(v.record_url.as_deref(), Some(format!("/proposals/{}", p.id).as_str()));

    // On the record's page, for those who see it whole.
    let on_page = w.app.instructions_of(&w.member, p).await.unwrap();
    assert_eq!(on_page.items.len(), 1);
    assert!(!on_page.may_record, "the proposer is told, not asked to record");
    assert!(w.app.instructions_of(&w.staff, p).await.unwrap().may_record);
    assert!(matches!(w.app.instructions_of(&w.other_member, p).await, Err(AppError::NotFound)));
    // The unit sees it once the proposal is assigned to it.
    assert!(matches!(w.app.instructions_of(&w.unit, p).await, Err(AppError::NotFound)));
    w.assign_to_demo_unit(p).await;
    assert_eq!(w.app.instructions_of(&w.unit, p).await.unwrap().items[0].instruction.leader_name, "张明");

    // On the proposal's timeline, in its words.
    let events = w.app.get_proposal(&w.member, p.id).await.unwrap().events;
    assert!(events.iter().any(|e| e.note == "领导批示：张明 市长：请市住建局牵头研究落实。"), "{events:?}");

    // On the proposer's home page, nobody else's.
    let mine = w.app.my_instructions(&w.member).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].row.own_kind.as_str(), mine[0].row.own_id, mine[0].own_label), ("proposal", p.id, "提案"));
    assert!(w.app.my_instructions(&w.other_member).await.unwrap().is_empty());

    // Found in search by those who see the proposal whole, and opened as an instruction.
    let hit = ("instruction".to_string(), v.instruction.id);
    assert_eq!(w.find(&w.member, "住建局牵头").await, std::slice::from_ref(&hit));
    assert_eq!(w.find(&w.staff, "住建局牵头").await, [hit]);
    assert!(w.find(&w.other_member, "住建局牵头").await.is_empty());
    let seen = w.app.see(&w.member, RecordRef::new(RecordKind::INSTRUCTION, v.instruction.id)).await.unwrap();
    assert_eq!(seen.title, "张明（市长）批示");
    assert!(w.app.see(&w.other_member, RecordRef::new(RecordKind::INSTRUCTION, v.instruction.id)).await.is_err());
}

#[tokio::test]
async fn only_the_office_and_leaders_record_and_only_on_records_they_see_whole() {
    let w = world().await;
    let filed = w.proposal("关于完善社区养老服务的建议", true).await;
    w.assign_to_demo_unit(filed).await;
    let draft = w.proposal("关于规范共享单车停放的建议", false).await;
    let ok = input("张明", "city", "2026-03-01", "请研究。");
    for who in [&w.member, &w.unit] {
        assert!(matches!(w.app.record_instruction(who, filed, &ok).await, Err(AppError::Forbidden)), "{}", who.username);
    }
    // A record the actor may not see (another's draft; one that does not exist): not found.
    for who in [&w.staff, &w.leader] {
        assert!(matches!(w.app.record_instruction(who, draft, &ok).await, Err(AppError::NotFound)));
        assert!(matches!(w.app.record_instruction(who, RecordRef::proposal(999_999), &ok).await, Err(AppError::NotFound)));
    }
    assert!(matches!(w.app.record_instruction(&w.other_member, filed, &ok).await, Err(AppError::NotFound)));
    assert_eq!(w.count("instructions", filed).await, 0);
    w.app.record_instruction(&w.staff, filed, &ok).await.unwrap();
    assert!(matches!(w.app.record_ref("record_kind", "nothing", 1), Err(AppError::Validation(_))));
}

#[tokio::test]
async fn every_error_is_reported_at_once_and_nothing_is_written() {
    let w = world().await;
    let p = w.proposal("关于加强校园周边交通安全的建议", true).await;
    let before = (w.count("instructions", p).await, w.count("audit_log", p).await, w.count("timeline", p).await);
    let mut bad = input("", "national", "2999-01-01", "");
    bad.leader_post = String::new();
    bad.rank = "county".into();
    bad.item_opinion_id = Some(1);
    let Err(AppError::Validation(errors)) = w.app.record_instruction(&w.leader, p, &bad).await else { panic!("should be refused") };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["leader_name", "leader_post", "rank", "given_on", "gist", "item_opinion_id"]);
    assert!(errors.iter().all(|e| e.message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))), "{errors:?}");
    assert_eq!(before, (w.count("instructions", p).await, w.count("audit_log", p).await, w.count("timeline", p).await));
}

#[tokio::test]
async fn follow_ups_are_kept_in_order_and_checked_like_the_instruction() {
    let w = world().await;
    let p = w.proposal("关于推进垃圾分类的建议", true).await;
    let v = w.app.record_instruction(&w.leader, p, &input("赵刚", "province", "2026-02-01", "请认真研究办理。")).await.unwrap();
    let id = v.instruction.id;
    let f = |day: &str, who: &str| InstructionFollowUpInput {
        done_on: day.into(),
        by_whom: who.into(),
        what: "召开专题会议，制定实施方案。".into(),
        version: None,
    };
    w.app.add_followup(&w.staff, id, &f("2026-03-10", "市城管局")).await.unwrap();
    w.app.add_followup(&w.leader, id, &f("2026-02-20", "市发改委")).await.unwrap();
    let got = w.app.get_instruction(&w.member, id).await.unwrap();
    assert_eq!(got.followups.iter().map(|f| f.by_whom.as_str()).collect::<Vec<_>>(), ["市发改委", "市城管局"], "in the order they were done");
    assert_eq!(got.instruction.version, 3);
    assert!(!got.may_follow_up);

    let before = w.count("instruction_followups", p).await;
    let Err(AppError::Validation(e)) = w.app.add_followup(&w.staff, id, &f("2999-01-01", "")).await else { panic!() };
    assert_eq!(e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["done_on", "by_whom"]);
    let stale = InstructionFollowUpInput { version: Some(1), ..f("2026-03-11", "市城管局") };
    assert!(matches!(w.app.add_followup(&w.staff, id, &stale).await, Err(AppError::VersionConflict)));
    assert!(matches!(w.app.add_followup(&w.member, id, &f("2026-03-11", "某委员")).await, Err(AppError::Forbidden)));
    assert!(matches!(w.app.add_followup(&w.other_member, id, &f("2026-03-11", "某委员")).await, Err(AppError::NotFound)));
    assert_eq!(w.count("instruction_followups", p).await, before);
    let events = w.app.get_proposal(&w.staff, p.id).await.unwrap().events;
    assert!(events.iter().any(|e| e.note.starts_with("批示落实（赵刚 市长）：市城管局：")), "{events:?}");
}

#[tokio::test]
async fn counts_by_year_rank_and_kind_equal_the_hand_count() {
    let w = world().await;
    let a = w.proposal("关于加快发展数字经济的建议", true).await;
    let b = w.proposal("关于优化营商环境的建议", true).await;
    let given = [(a, "city", "2025-06-01"), (a, "province", "2026-01-15"), (b, "city", "2026-03-01"), (b, "national", "2026-11-30"), (a, "city", "2026-07-07")];
    for (i, (p, rank, day)) in given.iter().enumerate() {
        w.app.record_instruction(&w.leader, *p, &input(&format!("领导{i}"), rank, day, "请研究办理。")).await.unwrap();
    }
    let all = w.app.instruction_counts(&w.staff, &InstructionFilter::default()).await.unwrap();
    assert_eq!(all.total, 5);
    assert_eq!(all.by_rank, [(Level::City, 3), (Level::Province, 1), (Level::National, 1)]);
    assert_eq!(all.by_year, [(2026, 4), (2025, 1)]);
    assert_eq!(all.by_kind, [("proposal".to_string(), "提案", 5)]);
    assert_eq!(all.years, [2026, 2025]);
    let y2026 = InstructionFilter { year: Some(2026), ..Default::default() };
    let counted = w.app.instruction_counts(&w.leader, &y2026).await.unwrap();
    let by_hand = given.iter().filter(|g| g.2.starts_with("2026")).count() as i64;
    assert_eq!(counted.total, by_hand);
    assert_eq!(counted.by_rank, [(Level::City, 2), (Level::Province, 1), (Level::National, 1)]);
    let city = InstructionFilter { rank: Some(Level::City), record_kind: Some("proposal".into()), ..y2026.clone() };
    assert_eq!(w.app.instruction_counts(&w.staff, &city).await.unwrap().total, 2);

    // The list walks every page, newest first; its rows agree with the counts.
    let mut seen = Vec::new();
    let mut f = InstructionFilter { limit: Some(2), ..y2026.clone() };
    loop {
        let page = w.app.list_instructions(&w.staff, &f).await.unwrap();
        seen.extend(page.items.iter().map(|v| v.instruction.given_on.clone()));
        match page.next_cursor {
            Some(c) => f.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, ["2026-07-07", "2026-11-30", "2026-03-01", "2026-01-15"]);
    let one = InstructionFilter { record: Some(format!("proposal:{}", b.id)), ..Default::default() };
    assert_eq!(w.app.list_instructions(&w.member, &one).await.unwrap().items.len(), 2, "the proposer lists those on their proposal");
    assert!(matches!(w.app.list_instructions(&w.member, &InstructionFilter::default()).await, Err(AppError::Forbidden)));
    assert!(matches!(w.app.list_instructions(&w.other_member, &one).await, Err(AppError::NotFound)));
    assert!(matches!(w.app.instruction_counts(&w.unit, &y2026).await, Err(AppError::Forbidden)));
    let book = w.app.export_instructions(&w.staff, &y2026).await.unwrap();
    assert_eq!(book.file_name, "领导批示（2026年）.xlsx");
    let rows = eline_app::spreadsheet::read_table(&book.file_name, &book.bytes).unwrap();
    assert_eq!(rows.len(), 1 + 4);
    assert_eq!(rows[0][0], "批示日期");
}
