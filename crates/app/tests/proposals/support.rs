//! The world the proposal tests act in: the demo committee on a fresh database, with more
//! accounts (co-signers, units, a second leader), and helpers that take an action and check what
//! every accepted action must leave behind (one audit entry, one timeline entry, a new version)
//! or what a refused one must not.

use chrono::NaiveDate;
use eline_app::auth::{actor_of, system_actor};
use eline_app::proposals::{ActionInput, DraftInput, ProposalFilter, ProposalView};
use eline_app::users::UserInput;
use eline_app::{App, AppError, AppResult};
use eline_domain::Actor;
use eline_domain::org::DirectoryKind;
use eline_storage::audit::{self, Entry, Filter};
use eline_storage::proposals::{self, Proposal};
use eline_storage::testing::TestDb;
use serde_json::{Value, json};

/// A body long enough for the content rules (情况、分析、建议).
pub const BODY: &str = "近年来我市老旧小区加装电梯需求持续增长，但审批环节多、资金分摊难、邻里协调难等问题较为突出。\
建议由住建部门牵头简化审批流程，设立专项补贴资金，并在街道层面建立协调机制，推动加装电梯工作提速增效。";

pub const SIGNER: &str = "王建国";

/// Everyone who acts in the stories.
pub struct World {
    pub app: App,
    pub cid: i64,
    pub staff: Actor,
    /// The demo member — the proposer in most stories.
    pub member: Actor,
    pub cosigner_a: Actor,
    pub cosigner_b: Actor,
    pub cosigner_c: Actor,
    /// A member with nothing to do with the proposals at hand.
    pub other_member: Actor,
    /// The demo unit account (the lead unit in most stories).
    pub unit: Actor,
    pub unit_b: Actor,
    pub unit_c: Actor,
    pub unit_d: Actor,
    pub leader: Actor,
    pub leader2: Actor,
    pub org_ids: Vec<i64>,
    /// Sessions, newest first (proposals default to the newest).
    pub session_ids: Vec<i64>,
    // Last: dropped after the app (PostgreSQL schema dropped with it).
    pub t: TestDb,
}

fn user_input(username: &str, display_name: &str, role: &str, member_id: Option<i64>, unit_id: Option<i64>) -> UserInput {
    UserInput {
        username: username.into(),
        password: "eline-test-2026".into(),
        display_name: display_name.into(),
        roles: vec![role.into()],
        member_id,
        unit_id,
        organization_id: None,
    }
}

impl World {
    pub async fn new() -> World {
        let t = eline_storage::testing::fresh().await;
        let search_dir = eline_storage::testing::temp_dir("eline_search").join("index");
        let app = App::new(t.db.clone(), eline_app::Settings { search_dir: Some(search_dir), ..Default::default() });
        let (cid, loaded) = app.load_demo().await.expect("load demo");
        assert!(loaded);
        let mut c = t.db.acquire().await.expect("connection");
        let mut user = async |name: &str| actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.expect("read user").expect("demo user"));
        let (staff, member, unit, leader) = (user("staff").await, user("member").await, user("unit").await, user("leader").await);
        let member_ids: Vec<i64> = eline_storage::members::list(&mut c.ex(), cid, &Default::default(), 1000)
            .await
            .expect("members")
            .into_iter()
            .map(|r| r.member.id)
            .filter(|id| Some(*id) != member.member_id)
            .collect();
        let unit_ids: Vec<i64> =
            eline_storage::directory::all_active(&mut c.ex(), DirectoryKind::Unit, cid).await.expect("units").into_iter().map(|e| e.id).collect();
        let org_ids: Vec<i64> =
            eline_storage::directory::all_active(&mut c.ex(), DirectoryKind::Organization, cid).await.expect("orgs").into_iter().map(|e| e.id).collect();
        let session_ids: Vec<i64> =
            eline_storage::directory::list_sessions(&mut c.ex(), cid, false, None, 100).await.expect("sessions").into_iter().map(|s| s.id).collect();
        drop(c);
        assert_eq!((member_ids.len(), unit_ids.len(), org_ids.len(), session_ids.len()), (319, 60, 18, 5));
        assert_eq!(unit.unit_id, Some(unit_ids[1]), "the demo unit account works for the second unit");
        let sys = system_actor(cid);
        let mk = async |u: UserInput| actor_of(&app.create_user(&sys, &u, false).await.expect("create user"));
        let cosigner_a = mk(user_input("cosigner.a", "联名委员甲", "member", Some(member_ids[40]), None)).await;
        let cosigner_b = mk(user_input("cosigner.b", "联名委员乙", "member", Some(member_ids[41]), None)).await;
        let cosigner_c = mk(user_input("cosigner.c", "联名委员丙", "member", Some(member_ids[42]), None)).await;
        let other_member = mk(user_input("other.member", "其他委员", "member", Some(member_ids[43]), None)).await;
        let unit_b = mk(user_input("unit.b", "会办单位联络员", "unit", None, Some(unit_ids[2]))).await;
        let unit_c = mk(user_input("unit.c", "第三单位联络员", "unit", None, Some(unit_ids[3]))).await;
        let unit_d = mk(user_input("unit.d", "第四单位联络员", "unit", None, Some(unit_ids[4]))).await;
        let leader2 = mk(user_input("leader.two", "另一位领导", "leader", None, None)).await;
        World {
            app,
            cid,
            staff,
            member,
            cosigner_a,
            cosigner_b,
            cosigner_c,
            other_member,
            unit,
            unit_b,
            unit_c,
            unit_d,
            leader,
            leader2,
            org_ids,
            session_ids,
            t,
        }
    }

    pub fn uid(&self, a: &Actor) -> i64 {
        a.unit_id.expect("a unit account")
    }

    pub fn mid(&self, a: &Actor) -> i64 {
        a.member_id.expect("a member account")
    }

    // ---- writing ----

    pub async fn create(&self, who: &Actor, input: DraftInput) -> AppResult<Proposal> {
        self.app.create_proposal(who, &input).await
    }

    /// A new individual draft of `who`.
    pub async fn draft(&self, who: &Actor, title: &str) -> Proposal {
        let p = self.create(who, DraftInput { title: title.into(), body: BODY.into(), ..Default::default() }).await.expect("create draft");
        assert_eq!(p.status, "draft");
        p
    }

    /// A new joint draft of `who` with these co-signers.
    pub async fn joint_draft(&self, who: &Actor, title: &str, cosigners: &[&Actor]) -> Proposal {
        let input = DraftInput {
            title: title.into(),
            body: BODY.into(),
            kind: Some("joint".into()),
            cosigner_ids: cosigners.iter().map(|c| self.mid(c)).collect(),
            ..Default::default()
        };
        self.create(who, input).await.expect("create joint draft")
    }

    /// An individual proposal of the demo member, submitted and filed.
    pub async fn filed(&self, title: &str) -> Proposal {
        let p = self.draft(&self.member, title).await;
        self.ok(&self.member, p.id, "submit", json!({})).await;
        self.ok(&self.staff, p.id, "review", json!({"decision": "file"})).await
    }

    /// Filed and assigned to the demo unit (lead) and unit B (co).
    pub async fn assigned(&self, title: &str) -> Proposal {
        let p = self.filed(title).await;
        self.ok(&self.staff, p.id, "assign", json!({"lead_unit_id": self.uid(&self.unit), "co_unit_ids": [self.uid(&self.unit_b)]})).await
    }

    /// Assigned and answered by the lead unit with a class-A reply.
    pub async fn replied(&self, title: &str) -> Proposal {
        let p = self.assigned(title).await;
        self.ok(&self.unit, p.id, "reply", reply("A")).await
    }

    // ---- reading ----

    pub async fn view(&self, who: &Actor, id: i64) -> ProposalView {
        self.app.get_proposal(who, id).await.unwrap_or_else(|e| panic!("{} cannot read proposal {id}: {e:?}", who.username))
    }

    /// The whole record in any state: a draft as its proposer sees it (it is theirs alone), the
    /// rest as the office does.
    pub async fn full_view(&self, id: i64) -> ProposalView {
        match self.app.get_proposal(&self.staff, id).await {
            Ok(v) => v,
            Err(_) => self.view(&self.member, id).await,
        }
    }

    /// The stored row, whoever may see it.
    pub async fn row(&self, id: i64) -> Proposal {
        let mut c = self.t.db.acquire().await.expect("connection");
        proposals::get(&mut c.ex(), self.cid, id).await.expect("read").expect("proposal exists")
    }

    /// Ids listed for `who` (newest first); `query` is the list query as the API takes it.
    pub async fn list(&self, who: &Actor, query: Value) -> AppResult<Vec<i64>> {
        let q = ProposalFilter { limit: Some(200), ..serde_json::from_value(query).expect("a list query") };
        Ok(self.app.list_proposals(who, &q).await?.items.into_iter().map(|r| r.id).collect())
    }

    pub async fn status(&self, id: i64) -> String {
        self.row(id).await.status.to_string()
    }

    pub async fn allowed(&self, who: &Actor, id: i64) -> Vec<&'static str> {
        self.view(who, id).await.allowed_actions
    }

    pub async fn events(&self, id: i64) -> Vec<eline_storage::timeline::Event> {
        let mut c = self.t.db.acquire().await.expect("connection");
        eline_storage::timeline::list(&mut c.ex(), eline_domain::RecordRef::proposal(id)).await.expect("events")
    }

    /// (action, note) of the timeline, oldest first.
    pub async fn timeline(&self, id: i64) -> Vec<(String, String)> {
        self.events(id).await.into_iter().map(|e| (e.action, e.note)).collect()
    }

    pub async fn last_note(&self, id: i64) -> String {
        self.events(id).await.pop().expect("a timeline entry").note
    }

    /// The audit entries about this proposal, oldest first.
    pub async fn audit(&self, id: i64) -> Vec<Entry> {
        let mut c = self.t.db.acquire().await.expect("connection");
        let f = Filter { target_type: Some("proposal".into()), ..Default::default() };
        let mut all = audit::list(&mut c.ex(), self.cid, &f, 1_000_000).await.expect("audit");
        all.retain(|e| e.target_id == Some(id));
        all.reverse();
        all
    }

    /// Audit entries of changes (not of refused attempts, which are audited as `permission_denied`).
    pub async fn audited_changes(&self, id: i64) -> Vec<Entry> {
        let mut all = self.audit(id).await;
        all.retain(|e| e.action != "permission_denied");
        all
    }

    pub async fn denials(&self, id: i64) -> usize {
        self.audit(id).await.iter().filter(|e| e.action == "permission_denied").count()
    }

    // ---- acting ----

    /// Takes an action with the current version (as the page would).
    pub async fn act(&self, who: &Actor, id: i64, action: &str, body: Value) -> AppResult<Proposal> {
        let input = ActionInput::parse(action, body.clone())?;
        self.act_input(who, id, input).await
    }

    pub async fn act_input(&self, who: &Actor, id: i64, input: ActionInput) -> AppResult<Proposal> {
        let version = self.row(id).await.version;
        self.app.act(who, id, Some(version), input).await
    }

    /// An action that must be accepted: afterwards there is exactly one more timeline entry and
    /// one more audit entry (both named after the action), and the version went up by one.
    pub async fn ok(&self, who: &Actor, id: i64, action: &str, body: Value) -> Proposal {
        let before = self.row(id).await;
        let (events, audited) = (self.events(id).await.len(), self.audited_changes(id).await.len());
        let after = match self.act(who, id, action, body.clone()).await {
            Ok(p) => p,
            Err(e) => panic!("{} {action} {body} on proposal {id} ({}) was refused: {e:?}", who.username, before.status),
        };
        assert_eq!(after.version, before.version + 1, "{action}: version");
        assert_eq!(self.row(id).await, after, "{action}: the stored row is the one returned");
        let ev = self.events(id).await;
        assert_eq!(ev.len(), events + 1, "{action}: one timeline entry");
        let last = ev.last().expect("an event");
        assert_eq!((last.action.as_str(), last.status_after.as_deref()), (action, Some(after.status.as_str())), "{action}: timeline entry");
        let au = self.audited_changes(id).await;
        assert_eq!(au.len(), audited + 1, "{action}: one audit entry");
        let entry = au.last().expect("an audit entry");
        assert_eq!((entry.action.as_str(), entry.actor_user_id), (action, Some(who.user_id)), "{action}: audit entry");
        assert!(entry.summary.contains(&last.note), "{action}: the audit summary repeats the note: {} / {}", entry.summary, last.note);
        after
    }

    /// An action that must be refused: the proposal, its timeline and its audited changes stay as they were.
    pub async fn refused(&self, who: &Actor, id: i64, action: &str, body: Value) -> AppError {
        let before = self.row(id).await;
        let (events, audited) = (self.events(id).await.len(), self.audited_changes(id).await.len());
        let err = match self.act(who, id, action, body.clone()).await {
            Ok(p) => panic!("{} {action} {body} on proposal {id} ({}) was accepted → {}", who.username, before.status, p.status),
            Err(e) => e,
        };
        assert_eq!(self.row(id).await, before, "{action} refused ({err:?}) but the proposal changed");
        assert_eq!(self.events(id).await.len(), events, "{action} refused but the timeline grew");
        assert_eq!(self.audited_changes(id).await.len(), audited, "{action} refused but a change was audited");
        err
    }

    /// Moves stored dates (as time passing would), without going through an action.
    pub async fn age(&self, id: i64, change: impl FnOnce(&mut Proposal)) {
        let mut p = self.row(id).await;
        change(&mut p);
        let mut tx = self.t.db.begin().await.expect("transaction");
        proposals::save(&mut tx.ex(), &p, p.version).await.expect("move dates");
        tx.commit().await.expect("commit");
    }
}

pub fn reply(class: &str) -> Value {
    // The co-unit of `assigned` has not sent its opinion: the lead unit confirms it replies anyway.
    json!({"class": class, "text": "经研究，我局已会同相关部门制定工作方案，具体答复如下……", "signer": SIGNER, "confirm_without_co_opinions": true})
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| panic!("not a date: {s}"))
}

pub fn is_validation(e: &AppError, field: &str) -> bool {
    matches!(e, AppError::Validation(errors) if errors.iter().any(|f| f.field == field))
}

pub const LONG_AGO: &str = "2000-01-03";

pub fn due(period: eline_domain::calendar::Period, start: chrono::NaiveDate) -> String {
    period.due(&eline_domain::calendar::Calendar::national(), start).format("%Y-%m-%d").to_string()
}

/// A due date about `months` months after today, on a working day.
pub fn check_due_date(due_on: &str, months: i64) {
    let d = date(due_on);
    let days = (d - eline_app::proposals::today()).num_days();
    assert!((months * 28..=months * 31 + 12).contains(&days), "{due_on} is {days} days away, not ~{months} months");
    assert!(eline_domain::calendar::Calendar::national().is_working_day(d), "{due_on} is not a working day");
}

pub fn actions(v: &[(String, String)]) -> Vec<&str> {
    v.iter().map(|(a, _)| a.as_str()).collect()
}
