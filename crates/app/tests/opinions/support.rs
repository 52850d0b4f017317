//! The world the report tests act in: the demo committee with an informant, a second member and a
//! parent (province) and grandparent (national) committee on the platform, each with its office.

use eline_app::auth::{actor_of, system_actor};
use eline_app::opinions::{OpinionAction, OpinionDraft, OpinionView};
use eline_app::users::UserInput;
use eline_app::{App, AppResult};
use eline_domain::Actor;
use eline_storage::opinions::Opinion;
use eline_storage::testing::TestDb;
use serde_json::{Value, json};

pub const BODY: &str = "近期走访发现，部分老旧小区加装电梯后维保责任不清，业主、物业和维保单位相互推诿，\
已有多部电梯因故障停运超过一个月。建议由住建部门明确加装电梯的维保责任主体，推行“电梯养老保险”，\
并将维保情况纳入物业服务考评。";

pub struct World {
    pub app: App,
    pub cid: i64,
    pub staff: Actor,
    pub member: Actor,
    pub other_member: Actor,
    pub informant: Actor,
    pub leader: Actor,
    pub unit: Actor,
    pub province_staff: Actor,
    pub national_staff: Actor,
    pub t: TestDb,
}

fn input(username: &str, name: &str, role: &str, member_id: Option<i64>) -> UserInput {
    UserInput {
        username: username.into(),
        password: "eline-test-2026".into(),
        display_name: name.into(),
        roles: vec![role.into()],
        member_id,
        unit_id: None,
        organization_id: None,
    }
}

impl World {
    pub async fn new() -> World {
        let t = eline_storage::testing::fresh().await;
        let search_dir = eline_storage::testing::temp_dir("eline_search").join("index");
        let app = App::new(t.db.clone(), eline_app::Settings { search_dir: Some(search_dir), ..Default::default() });
        let (cid, _) = app.load_demo().await.expect("load demo");
        let mut c = t.db.acquire().await.expect("connection");
        let mut user = async |name: &str| actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.expect("read user").expect("demo user"));
        let (staff, member, leader, unit) = (user("staff").await, user("member").await, user("leader").await, user("unit").await);
        let other_id = eline_storage::members::list(&mut c.ex(), cid, &Default::default(), 1000)
            .await
            .expect("members")
            .into_iter()
            .map(|r| r.member.id)
            .find(|id| Some(*id) != member.member_id)
            .expect("another member");
        let national = eline_storage::committees::create(&mut c.ex(), None, "全国政协", "全国政协", "national").await.unwrap();
        let province = eline_storage::committees::create(&mut c.ex(), Some(national), "广东省政协", "省政协", "province").await.unwrap();
        eline_storage::committees::set_parent(&mut c.ex(), cid, Some(province)).await.unwrap();
        drop(c);
        let mk = async |committee: i64, u: UserInput| actor_of(&app.create_user(&system_actor(committee), &u, false).await.expect("create user"));
        let other_member = mk(cid, input("other.member", "其他委员", "member", Some(other_id))).await;
        let informant = mk(cid, input("informant.li", "特邀信息员李明", "informant", None)).await;
        let province_staff = mk(province, input("province.staff", "省政协信息处", "staff", None)).await;
        let national_staff = mk(national, input("national.staff", "全国政协信息局", "staff", None)).await;
        World { app, cid, staff, member, other_member, informant, leader, unit, province_staff, national_staff, t }
    }

    pub async fn draft(&self, who: &Actor, title: &str) -> Opinion {
        self.app.create_opinion(who, &OpinionDraft { title: title.into(), body: BODY.into(), ..Default::default() }).await.expect("create report")
    }

    pub async fn act(&self, who: &Actor, id: i64, name: &str, body: Value) -> AppResult<Opinion> {
        let action = OpinionAction::parse(name, body)?;
        self.app.opinion_act(who, id, None, action).await
    }

    /// Takes an action that must succeed.
    pub async fn ok(&self, who: &Actor, id: i64, name: &str, body: Value) -> Opinion {
        self.act(who, id, name, body).await.unwrap_or_else(|e| panic!("{name} on {id}: {e:?}"))
    }

    pub async fn view(&self, who: &Actor, id: i64) -> OpinionView {
        self.app.get_opinion(who, id).await.expect("view report")
    }

    /// A report of `who`, submitted.
    pub async fn submitted(&self, who: &Actor, title: &str) -> Opinion {
        let o = self.draft(who, title).await;
        self.ok(who, o.id, "submit", json!({})).await
    }
}
