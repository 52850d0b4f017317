//! The world the activity tests act in: the demo committee, its office and leader, and an account
//! for each of the first members of the roster.

use eline_app::activities::{ActivityAction, ActivityView, NewActivity};
use eline_app::auth::actor_of;
use eline_app::{App, AppResult};
use eline_domain::Actor;
use eline_storage::activities::Activity;
use eline_storage::testing::TestDb;
use serde_json::Value;

pub const MINUTE: i64 = 60_000_000;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;

pub struct World {
    pub app: App,
    pub cid: i64,
    pub staff: Actor,
    pub leader: Actor,
    /// Member accounts, in roster order.
    pub members: Vec<Actor>,
    pub t: TestDb,
}

impl World {
    /// The demo committee with accounts for `n` members (the demo's own member account first).
    pub async fn new(n: usize) -> World {
        let t = eline_storage::testing::fresh().await;
        let app = App::new(t.db.clone(), eline_app::Settings::default());
        let (cid, _) = app.load_demo().await.expect("load demo");
        let mut c = t.db.acquire().await.expect("connection");
        let mut user = async |name: &str| actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.expect("read user").expect("demo user"));
        let (staff, leader, member) = (user("staff").await, user("leader").await, user("member").await);
        let roster = eline_storage::members::list(&mut c.ex(), cid, &Default::default(), 1000).await.expect("members");
        let mut members = vec![member.clone()];
        for r in roster.iter().filter(|r| Some(r.member.id) != member.member_id).take(n.saturating_sub(1)) {
            let username = format!("m{}", r.member.id);
            let u = eline_storage::users::create(
                &mut c.ex(),
                &eline_storage::users::NewUser {
                    committee_id: cid,
                    username: &username,
                    display_name: &r.member.name,
                    password_hash: "not-a-login",
                    roles: "member",
                    member_id: Some(r.member.id),
                    unit_id: None,
                    organization_id: None,
                    must_change_password: false,
                },
            )
            .await
            .expect("member account");
            members.push(actor_of(&u));
        }
        assert_eq!(members.len(), n, "the demo roster has enough members");
        drop(c);
        World { app, cid, staff, leader, members, t }
    }

    pub fn now(&self) -> i64 {
        self.app.clock.now()
    }

    /// "2027-01-10T09:00:00+08:00" of a moment.
    pub fn at(&self, micros: i64) -> String {
        eline_app::activities::rfc3339(micros)
    }

    pub async fn create(&self, input: NewActivity) -> Activity {
        self.app.create_activity(&self.staff, &input).await.expect("create activity")
    }

    pub async fn act(&self, who: &Actor, id: i64, name: &str, body: Value) -> AppResult<Activity> {
        let action = ActivityAction::parse(name, body)?;
        self.app.activity_act(who, id, None, action).await
    }

    /// Takes an action that must succeed.
    pub async fn ok(&self, who: &Actor, id: i64, name: &str, body: Value) -> Activity {
        self.act(who, id, name, body).await.unwrap_or_else(|e| panic!("{name} on {id} by {}: {e:?}", who.display_name))
    }

    pub async fn view(&self, who: &Actor, id: i64) -> ActivityView {
        self.app.activity(who, id).await.expect("view activity")
    }

    /// The code on the venue screen now, as the office reads it.
    pub async fn code(&self, id: i64) -> String {
        self.app.activity_code(&self.staff, id).await.expect("check-in code").code
    }

    /// The code of the activity `windows_ago` windows before now (an old photo of the screen).
    pub async fn old_code(&self, id: i64, windows_ago: i64) -> String {
        let mut c = self.t.db.acquire().await.expect("connection");
        let a = eline_storage::activities::get(&mut c.ex(), self.cid, id).await.unwrap().unwrap();
        eline_app::activities::code_of(&a.checkin_secret, id, eline_domain::activity::window_of(self.now()) - windows_ago)
    }

    /// The attempts refused on the activity, by outcome.
    pub async fn refused(&self, id: i64) -> Vec<String> {
        let mut c = self.t.db.acquire().await.expect("connection");
        let mut out: Vec<String> = eline_storage::activities::attempts(&mut c.ex(), id).await.unwrap().into_iter().map(|a| a.outcome).collect();
        out.sort();
        out
    }
}
