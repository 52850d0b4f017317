//! The world the channel tests act in: the demo committee on a fresh database, an App that sends
//! email through the in-process SMTP sink, email addresses for the people involved, and helpers
//! for the proposal steps that notify them.

use eline_app::auth::{actor_of, system_actor};
use eline_app::notify::inbox::{OutboxView, PrefChoice, PrefsInput};
use eline_app::proposals::{ActionInput, DraftInput};
use eline_app::users::UserInput;
use eline_app::{App, Settings};
use eline_domain::Actor;
use eline_domain::notice::{Channel, Mode};
use eline_domain::org::DirectoryKind;
use eline_storage::testing::TestDb;
use serde_json::{Value, json};

use crate::mime::{self, Mail};
use crate::smtp_sink::SmtpSink;

/// Where people reach the service: every link in a mail or a webhook body starts with it.
pub const PUBLIC_URL: &str = "https://eline.example.cn";
pub const FROM: &str = "notice@eline.example.cn";
pub const PREFS_URL: &str = "https://eline.example.cn/notifications/preferences";

pub const BODY: &str = "近年来我市老旧小区加装电梯需求持续增长，但审批环节多、资金分摊难、邻里协调难等问题较为突出。\
建议由住建部门牵头简化审批流程，设立专项补贴资金，并在街道层面建立协调机制，推动加装电梯工作提速增效。";

pub struct World {
    pub app: App,
    pub sink: SmtpSink,
    pub cid: i64,
    pub admin: Actor,
    pub staff: Actor,
    /// The demo member: proposer of every proposal here (daily digests by default).
    pub member: Actor,
    /// The demo unit: lead unit of every assignment here (immediate by default).
    pub unit: Actor,
    pub leader: Actor,
    /// A unit account of another unit, with an address, never concerned.
    pub other_unit: Actor,
    // Last: dropped after the apps (PostgreSQL schema dropped with it).
    pub t: TestDb,
}

pub fn settings(smtp_url: String) -> Settings {
    Settings { smtp_url: Some(smtp_url), mail_from: format!("委员e线通 <{FROM}>"), public_url: PUBLIC_URL.into(), ..Default::default() }
}

pub fn address(a: &Actor) -> String {
    format!("{}@example.cn", a.username)
}

impl World {
    pub async fn new() -> World {
        let t = eline_storage::testing::fresh().await;
        let sink = SmtpSink::start().await;
        let app = App::new(t.db.clone(), settings(sink.url()));
        let (cid, _) = app.load_demo().await.expect("load demo");
        let mut c = t.db.acquire().await.expect("connection");
        let mut user = async |name: &str| actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.expect("read user").expect("demo user"));
        let (admin, staff, member, unit, leader) = (user("admin").await, user("staff").await, user("member").await, user("unit").await, user("leader").await);
        let units = eline_storage::directory::all_active(&mut c.ex(), DirectoryKind::Unit, cid).await.expect("units");
        let other_unit_id = units.iter().map(|u| u.id).find(|id| Some(*id) != unit.unit_id).expect("another unit");
        drop(c);
        let input = UserInput {
            username: "other.unit".into(),
            password: "eline-test-2026".into(),
            display_name: "其他单位联络员".into(),
            roles: vec!["unit".into()],
            member_id: None,
            unit_id: Some(other_unit_id),
            organization_id: None,
        };
        let other_unit = actor_of(&app.create_user(&system_actor(cid), &input, false).await.expect("create user"));
        let w = World { app, sink, cid, admin, staff, member, unit, leader, other_unit, t };
        for a in [&w.admin, &w.staff, &w.member, &w.unit, &w.leader, &w.other_unit] {
            w.app.set_notification_prefs(a, &PrefsInput { email: Some(address(a)), ..Default::default() }).await.expect("set the address");
        }
        // The demo's own steps queued nothing for these addresses (they had none then).
        assert_eq!(w.app.dispatch_all().await.expect("dispatch").sent, 0);
        w
    }

    /// Another server on the same database: its own connection pool, its own dispatcher state.
    pub async fn second_app(&self) -> App {
        let db = eline_storage::Db::connect_with(&self.t.url, 4).await.expect("connect again");
        App::new(db, settings(self.sink.url()))
    }

    pub async fn act(&self, who: &Actor, id: i64, action: &str, body: Value) {
        let version = {
            let mut c = self.t.db.acquire().await.expect("connection");
            eline_storage::proposals::get(&mut c.ex(), self.cid, id).await.expect("read").expect("proposal").version
        };
        let input = ActionInput::parse(action, body.clone()).expect("an action");
        if let Err(e) = self.app.act(who, id, Some(version), input).await {
            panic!("{} {action} {body} on proposal {id} was refused: {e:?}", who.username);
        }
    }

    /// A proposal of the demo member, submitted and filed by the office; returns its id.
    pub async fn filed(&self, title: &str) -> i64 {
        let input = DraftInput { title: title.into(), body: BODY.into(), ..Default::default() };
        let p = self.app.create_proposal(&self.member, &input).await.expect("create draft");
        self.act(&self.member, p.id, "submit", json!({})).await;
        self.act(&self.staff, p.id, "review", json!({"decision": "file"})).await;
        p.id
    }

    /// Gives the proposal to the demo unit (lead unit alone).
    pub async fn assign(&self, id: i64) {
        self.act(&self.staff, id, "assign", json!({"lead_unit_id": self.unit.unit_id.expect("a unit account")})).await;
    }

    /// The demo unit replies (class A).
    pub async fn reply(&self, id: i64) {
        let body = json!({"class": "A", "text": "经研究，我局已会同相关部门制定工作方案，具体答复如下……", "signer": "王建国"});
        self.act(&self.unit, id, "reply", body).await;
    }

    pub async fn set_pref(&self, who: &Actor, kind: &str, channel: Channel, mode: Mode) {
        let input = PrefsInput { choices: vec![PrefChoice { kind: kind.into(), channel, mode }], ..Default::default() };
        self.app.set_notification_prefs(who, &input).await.expect("set a preference");
    }

    /// The mails the sink received for `who`, parsed.
    pub fn mails(&self, who: &Actor) -> Vec<Mail> {
        self.sink.to(&address(who)).iter().map(|m| mime::parse(&m.data)).collect()
    }

    pub async fn outbox(&self) -> OutboxView {
        self.app.notification_outbox(&self.admin).await.expect("the outbox")
    }

    pub async fn committee_name(&self) -> String {
        let mut c = self.t.db.acquire().await.expect("connection");
        eline_storage::committees::get(&mut c.ex(), self.cid).await.expect("read").expect("the committee").name
    }

    pub async fn sent(&self) -> usize {
        self.app.dispatch_all().await.expect("dispatch").sent
    }
}

/// How often `needle` occurs in `haystack`.
pub fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

pub fn proposal_url(id: i64) -> String {
    format!("{PUBLIC_URL}/proposals/{id}")
}
