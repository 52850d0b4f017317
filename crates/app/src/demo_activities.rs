//! The demo committee's activities (`eline serve --demo`): a standing-committee meeting held last
//! month (the demo member checked in with the code, most others entered from the paper sign-in
//! sheet, a few absent), a briefing (政情通报) held last week, an inspection today with check-in
//! open (the office can show the venue screen), a plenary next month with the demo member
//! invited, a monthly reading group open for sign-up, and a research trip still being planned.

use eline_domain::Actor;
use eline_domain::activity::Kind;
use eline_storage::{members, users};
use serde_json::{Value, json};

use crate::activities::{ActivityAction, NewActivity, rfc3339};
use crate::auth::actor_of;
use crate::{App, AppError, AppResult};

const MINUTE: i64 = 60_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

impl App {
    /// Loads the demo's activities (after `load_demo`). Returns how many were created.
    pub async fn load_demo_activities(&self, committee_id: i64) -> AppResult<usize> {
        let account = |name: &'static str| async move {
            let mut c = self.db.acquire().await?;
            let user = users::get_by_username(&mut c.ex(), name).await?.filter(|u| u.committee_id == committee_id).ok_or(AppError::NotFound)?;
            Ok::<_, AppError>(actor_of(&user))
        };
        let (staff, member, leader) = (account("staff").await?, account("member").await?, account("leader").await?);
        let me = member.member_id.ok_or(AppError::NotFound)?;
        let roster: Vec<i64> = {
            let mut c = self.db.acquire().await?;
            members::list(&mut c.ex(), committee_id, &Default::default(), 1000).await?.into_iter().map(|r| r.member.id).collect()
        };
        let act = async |who: &Actor, id: i64, name: &str, body: Value| -> AppResult<()> {
            self.activity_act(who, id, None, ActivityAction::parse(name, body)?).await.map(|_| ())
        };
        // Today 09:00 Beijing, as microseconds.
        let today = (self.clock.now() + 8 * HOUR) / DAY * DAY - 8 * HOUR;
        let new = |kind: Kind, title: &str, place: &str, starts: i64, hours: i64| NewActivity {
            kind: Some(kind),
            title: title.into(),
            place: place.into(),
            starts_at: rfc3339(starts),
            ends_at: rfc3339(starts + hours * HOUR),
            ..Default::default()
        };
        let mut count = 0;

        // Held last month: leave, the demo member by code, the rest from the paper sheet.
        for (kind, title, place, days_ago, invited, leader_name) in [
            (Kind::Standing, "政协第十三届委员会常务委员会第十五次会议", "市政协三楼常委会议室", 30, 45usize, None),
            (Kind::Briefing, "2026年前三季度全市经济运行情况通报会", "市政协大会堂", 9, 120usize, Some("副市长 林建国")),
        ] {
            let starts = today + 9 * HOUR - days_ago * DAY;
            let mut input = new(kind, title, place, starts, 3);
            input.description = "请各位委员准时出席。会议材料已上传，请提前阅读。".into();
            input.checkout = kind == Kind::Standing;
            input.briefing_leader = leader_name.map(String::from);
            input.invitee_member_ids = std::iter::once(me).chain(roster.iter().copied().filter(|m| *m != me).take(invited - 1)).collect();
            let a = self.create_activity(&staff, &input).await?;
            let shift = starts - 10 * DAY - self.clock.now();
            self.clock.advance(shift);
            let held = async {
                act(&staff, a.id, "publish", json!({})).await?;
                self.clock.advance(10 * DAY - 20 * MINUTE);
                act(&staff, a.id, "open_checkin", json!({})).await?;
                let code = self.activity_code(&staff, a.id).await?.code;
                act(&member, a.id, "check_in", json!({"code": code})).await?;
                for m in input.invitee_member_ids.iter().skip(4).take(invited - 8) {
                    act(&staff, a.id, "check_in_by_hand", json!({"member_id": m, "reason": "据会场纸质签到表录入"})).await?;
                }
                self.clock.advance(3 * HOUR + 20 * MINUTE);
                act(&staff, a.id, "close", json!({})).await
            };
            let result = held.await;
            self.clock.advance(-(shift + 10 * DAY + 3 * HOUR));
            result?;
            count += 1;
        }

        // Today: an inspection with check-in open (it starts in half an hour).
        let now = self.clock.now() / MINUTE * MINUTE;
        let mut inspection = new(Kind::Inspection, "视察市区内涝治理和排水管网改造工程", "市水务局（集合）", now + 30 * MINUTE, 3);
        inspection.description = "视察东区排水泵站、城区易涝点改造现场，听取市水务局情况汇报。统一乘车前往。".into();
        inspection.invitee_member_ids = std::iter::once(me).chain(roster.iter().copied().filter(|m| *m != me).take(24)).collect();
        let a = self.create_activity(&staff, &inspection).await?;
        act(&staff, a.id, "publish", json!({})).await?;
        act(&staff, a.id, "open_checkin", json!({})).await?;
        count += 1;

        // Next month: the plenary, leave decided by the leader.
        let mut plenary = new(Kind::Plenary, "政协第十三届委员会第五次会议", "市会展中心", today + 9 * HOUR + 40 * DAY, 8);
        plenary.description = "审议常务委员会工作报告和提案工作情况报告，列席市人大会议。".into();
        plenary.approver_id = Some(leader.user_id);
        plenary.checkout = true;
        plenary.invitee_member_ids = roster.clone();
        let a = self.create_activity(&staff, &plenary).await?;
        act(&staff, a.id, "publish", json!({})).await?;
        count += 1;

        // A monthly reading group open for sign-up; the demo member signed up for the first.
        let mut reading =
            new(Kind::Study, "委员读书会：《习近平关于加强和改进人民政协工作的重要思想学习纲要》", "市政协图书室", today + 15 * HOUR + 6 * DAY, 2);
        reading.capacity = Some(30);
        reading.repeat = Some("monthly".into());
        reading.repeat_count = Some(3);
        let a = self.create_activity(&staff, &reading).await?;
        for id in a.id..a.id + 3 {
            let part = self.activity(&staff, id).await?;
            if part.a.series_id.unwrap_or(part.a.id) == a.id {
                act(&staff, id, "publish", json!({})).await?;
            }
        }
        act(&member, a.id, "sign_up", json!({})).await?;
        count += 3;

        // Still being planned.
        let research = new(Kind::Research, "“百千万工程”镇村产业发展专题调研", "各镇街", today + 9 * HOUR + 20 * DAY, 6);
        self.create_activity(&staff, &research).await?;
        Ok(count + 1)
    }
}
