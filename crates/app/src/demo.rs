//! Loads the demo committee (`eline serve --demo`) once: reference data, ~320 members and one
//! account per role. Loading again changes nothing.

use eline_domain::member::{MemberFields, MemberInput};
use eline_domain::org::{DirectoryFields, DirectoryKind, SessionFields};
use eline_storage::users::NewUser;
use eline_storage::{committees, directory, members, users};

use crate::auth::{hash_password, system_actor};
use crate::context::audit_write;
use crate::demo_data as data;
use crate::{App, AppError, AppResult};

pub const DEMO_PASSWORD: &str = "eline-demo";

/// (username, display name, roles, link) of the demo accounts, shown on the login page in demo mode.
pub const DEMO_ACCOUNTS: [(&str, &str, &str); 6] = [
    ("admin", "系统管理员", "admin"),
    ("staff", "提案委工作人员", "staff"),
    ("member", "委员（演示）", "member"),
    ("unit", "承办单位联络员", "unit"),
    ("leader", "分管领导", "leader"),
    ("informant", "特邀信息员（演示）", "informant"),
];

/// The demo member whose account is `member` (an ordinary member, not a chair).
const DEMO_MEMBER_INDEX: usize = 20;

fn fields(kind: DirectoryKind, name: &str, category: Option<&str>, note: Option<&str>, order: usize) -> AppResult<DirectoryFields> {
    Ok(DirectoryFields::parse(kind, name, category, note, Some(order as i64 * 10))?)
}

impl App {
    /// Loads the demo committee unless it exists; returns its id and whether it was loaded now.
    pub async fn load_demo(&self) -> AppResult<(i64, bool)> {
        {
            let mut c = self.db.acquire().await?;
            if let Some(existing) = committees::find_by_name(&mut c.ex(), data::COMMITTEE_NAME).await? {
                return Ok((existing.id, false));
            }
        }
        let mut hashes = Vec::new();
        for _ in DEMO_ACCOUNTS {
            hashes.push(hash_password(DEMO_PASSWORD.to_string()).await?);
        }
        let mut tx = self.db.begin().await?;
        let cid = committees::create(&mut tx.ex(), None, data::COMMITTEE_NAME, data::COMMITTEE_SHORT_NAME, "city").await?;
        committees::set_full_name(&mut tx.ex(), cid, Some(data::COMMITTEE_FULL_NAME)).await?;

        let mut ids = std::collections::HashMap::<DirectoryKind, Vec<i64>>::new();
        let mut add = async |tx: &mut eline_storage::Tx, kind: DirectoryKind, f: DirectoryFields| -> AppResult<()> {
            let e = directory::create(&mut tx.ex(), kind, cid, &f).await?;
            ids.entry(kind).or_default().push(e.id);
            Ok(())
        };
        for (i, s) in data::SECTORS.iter().enumerate() {
            add(&mut tx, DirectoryKind::Sector, fields(DirectoryKind::Sector, s, None, None, i)?).await?;
        }
        for (i, s) in data::SPECIAL_COMMITTEES.iter().enumerate() {
            add(&mut tx, DirectoryKind::SpecialCommittee, fields(DirectoryKind::SpecialCommittee, s, None, None, i)?).await?;
        }
        for (i, (name, kind)) in data::ORGANIZATIONS.iter().enumerate() {
            add(&mut tx, DirectoryKind::Organization, fields(DirectoryKind::Organization, name, Some(kind), None, i)?).await?;
        }
        for (i, u) in data::UNITS.iter().enumerate() {
            let category = if u.contains("法院") || u.contains("检察院") {
                "judicial"
            } else if u.contains("公司") || u.contains("供电局") {
                "enterprise"
            } else {
                "government"
            };
            add(&mut tx, DirectoryKind::Unit, fields(DirectoryKind::Unit, u, Some(category), None, i)?).await?;
        }
        for (i, t) in data::TOWNS.iter().enumerate() {
            add(&mut tx, DirectoryKind::WorkStation, fields(DirectoryKind::WorkStation, &format!("{t}委员工作站"), None, Some(t), i)?).await?;
        }
        for (term, session, opens_on) in data::SESSIONS {
            let year: i64 = opens_on[..4].parse().map_err(|_| AppError::Internal("demo date".into()))?;
            let f = SessionFields::parse(Some(i64::from(*term)), Some(i64::from(*session)), Some(year), Some(opens_on))?;
            directory::create_session(&mut tx.ex(), cid, &f).await?;
        }

        let id_of = |kind: DirectoryKind, i: usize| ids.get(&kind).and_then(|v| v.get(i)).copied();
        let current_term = data::TERMS.last().map(|t| t.0).unwrap_or(13);
        let mut member_ids = Vec::new();
        for i in 0..data::MEMBER_COUNT {
            let d = data::member(i);
            let input = MemberInput {
                name: d.name.clone(),
                gender: Some(d.gender.to_string()),
                birth_year: Some(i64::from(d.birth_year)),
                party: Some(d.party.to_string()),
                sector_id: id_of(DirectoryKind::Sector, d.sector_index),
                work_station_id: id_of(DirectoryKind::WorkStation, d.town_index),
                committee_ids: d.special_committee_indexes.iter().filter_map(|&i| id_of(DirectoryKind::SpecialCommittee, i)).collect(),
                roles: d.roles.iter().map(|r| r.to_string()).collect(),
                term_number: Some(i64::from(current_term)),
                phone: Some(d.phone.clone()),
                email: None,
                address: None,
                hk_macao: d.hk_macao,
                status: None,
            };
            let f = MemberFields::parse(&input, 2026)?;
            member_ids.push(members::create(&mut tx.ex(), cid, &f).await?.id);
        }

        for ((username, display, role), hash) in DEMO_ACCOUNTS.iter().zip(&hashes) {
            let exists = users::get_by_username(&mut tx.ex(), username).await?.is_some();
            if exists {
                tracing::warn!(username, "demo account name already taken; skipped");
                continue;
            }
            let (member_id, unit_id, display_name) = match *role {
                "member" => (member_ids.get(DEMO_MEMBER_INDEX).copied(), None, data::member(DEMO_MEMBER_INDEX).name),
                "unit" => (None, id_of(DirectoryKind::Unit, 1), display.to_string()),
                _ => (None, None, display.to_string()),
            };
            users::create(
                &mut tx.ex(),
                &NewUser {
                    committee_id: cid,
                    username,
                    display_name: &display_name,
                    password_hash: hash,
                    roles: role,
                    member_id,
                    unit_id,
                    organization_id: None,
                    must_change_password: false,
                },
            )
            .await?;
        }
        let actor = system_actor(cid);
        audit_write(
            &mut tx,
            Some(&actor),
            "demo_loaded",
            "committee",
            Some(cid),
            format!("加载演示数据：{}，委员{}名", data::COMMITTEE_NAME, data::MEMBER_COUNT),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok((cid, true))
    }

    /// Creates the default committee on first start (when there is none); returns the first committee's id.
    pub async fn ensure_committee(&self, name: &str) -> AppResult<i64> {
        let mut tx = self.db.begin().await?;
        if let Some(c) = committees::first(&mut tx.ex()).await? {
            return Ok(c.id);
        }
        let short = name.trim_start_matches("政协").trim_end_matches("委员会");
        let short_name = if short.is_empty() { name.to_string() } else { format!("{short}政协") };
        let id = committees::create(&mut tx.ex(), None, name, &short_name, "city").await?;
        audit_write(&mut tx, Some(&system_actor(id)), "create", "committee", Some(id), format!("首次启动，创建委员会“{name}”"), None, None).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// Real published proposal titles (from the shared reference data, copied into the repo) for the
/// current session's proposals, in the order of their stage (see `load_demo_proposals`).
const DEMO_TITLES: &str = include_str!("demo_titles.txt");

/// The 150 real titles with the lead unit a clerk gave each (`search/assignments.jsonl`, also
/// the quality set); those not in [`DEMO_TITLES`] are the committee's earlier sessions.
const PAST_TITLES: &str = include_str!("search/assignments.jsonl");

/// One past proposal for the history workbook (`import_proposal_history`).
pub(crate) struct PastRow {
    pub session: String,
    pub number: usize,
    pub title: String,
    pub proposer: String,
    pub lead_unit: String,
    /// 答复类别 A/B/C.
    pub class: &'static str,
    /// 满意, 基本满意.
    pub satisfaction: &'static str,
}

/// The history workbook (the import's own columns) of closed past proposals.
pub(crate) fn history_workbook(rows: &[PastRow]) -> AppResult<Vec<u8>> {
    use crate::proposals::HISTORY_COLUMNS;
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let number = r.number.to_string();
            let cells: [(&str, &str); 8] = [
                ("届次*", &r.session),
                ("编号", &number),
                ("标题*", &r.title),
                ("类型*", "个人"),
                ("提案者*", &r.proposer),
                ("主办单位", &r.lead_unit),
                ("答复类别", r.class),
                ("满意度", r.satisfaction),
            ];
            HISTORY_COLUMNS.iter().map(|c| cells.iter().find(|(k, _)| k == c).map(|(_, v)| v.to_string()).unwrap_or_default()).collect()
        })
        .collect();
    crate::spreadsheet::write_xlsx(&[crate::spreadsheet::Sheet::text("导入", HISTORY_COLUMNS.iter().map(|c| c.to_string()).collect(), rows)])
}

/// The name of a session of the current term (index into [`data::SESSIONS`]).
pub(crate) fn session_name(i: usize) -> AppResult<String> {
    let (term, session, opens_on) = data::SESSIONS[i];
    let year: i64 = opens_on[..4].parse().map_err(|_| AppError::Internal("demo date".into()))?;
    Ok(SessionFields::parse(Some(i64::from(term)), Some(i64::from(session)), Some(year), None)?.name())
}

#[derive(serde::Deserialize)]
struct PastTitle {
    title: String,
    lead_unit: String,
}

impl App {
    /// The committee's earlier sessions: the real titles not used for the current session,
    /// spread over the four earlier sessions and many proposers (the demo member among them),
    /// each closed with a reply of the unit a clerk would have chosen, and published. So similar proposals and
    /// unit suggestions have a history to draw on (a new draft about 养老 finds earlier 养老
    /// proposals, and 民政局 is suggested).
    async fn load_demo_history(&self, staff: &eline_domain::Actor) -> AppResult<usize> {
        let current: Vec<&str> = DEMO_TITLES.lines().map(str::trim).filter(|t| !t.is_empty()).collect();
        let past: Vec<PastTitle> = PAST_TITLES
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .map_err(|e| AppError::Internal(format!("assignments.jsonl: {e}")))?;
        let earlier = data::SESSIONS.len() - 1;
        let sessions: Vec<String> = (0..earlier).map(session_name).collect::<AppResult<_>>()?;
        let mut numbers = vec![0usize; earlier];
        let mut rows = Vec::new();
        for (i, p) in past.into_iter().filter(|p| !current.contains(&p.title.as_str())).enumerate() {
            let s = i % earlier;
            numbers[s] += 1;
            // Every eleventh is the demo member's own; the others spread over the members.
            let proposer = if i % 11 == 5 { DEMO_MEMBER_INDEX } else { (i * 37 + 11) % data::MEMBER_COUNT };
            rows.push(PastRow {
                session: sessions[s].clone(),
                number: numbers[s],
                title: p.title,
                proposer: data::member(proposer).name,
                lead_unit: p.lead_unit,
                class: ["A", "A", "B", "A", "C"][i % 5],
                satisfaction: if i % 4 == 3 { "基本满意" } else { "满意" },
            });
        }
        if let crate::members::ImportOutcome::Rejected(errors) = self.import_proposal_history(staff, "往届提案.xlsx", &history_workbook(&rows)?).await? {
            return Err(AppError::Internal(format!("演示往届提案导入失败：{errors:?}")));
        }
        // Published, as committees publish answered proposals: so every member finds them as
        // earlier proposals (a member sees their own and the published ones).
        let every = eline_storage::proposals::Filter { scope: Some(eline_domain::policy::ScopeRule::AllButDrafts), ..Default::default() };
        for p in self.list_rows(staff.committee_id, &every, 1000).await? {
            let publish = crate::proposals::ActionInput::Publish(crate::proposals::PublishInput {
                published: true,
                override_reason: Some("往届已办结提案，按本会提案公开办法公开".into()),
                version: None,
            });
            self.act(staff, p.id, None, publish).await?;
        }
        Ok(rows.len())
    }

    /// Gives the demo committee its earlier sessions' proposals (see `load_demo_history`) and
    /// the current session's in every stage of the work, from real published titles: some
    /// waiting for review, for assignment, in handling by the demo unit, replied, closed.
    /// Only for `eline serve --demo`, right after the committee was loaded. Returns the number
    /// of proposals made.
    pub async fn load_demo_proposals(&self, committee_id: i64) -> AppResult<usize> {
        use crate::proposals::{ActionInput, AssignInput, DraftInput, EvaluateInput, ReplyInput, ReviewInput, SubmitInput};
        let account = |name: &'static str| async move {
            let mut c = self.db.acquire().await?;
            let user = users::get_by_username(&mut c.ex(), name).await?.filter(|u| u.committee_id == committee_id).ok_or(AppError::NotFound)?;
            Ok::<_, AppError>(crate::auth::actor_of(&user))
        };
        let (member, staff, unit) = (account("member").await?, account("staff").await?, account("unit").await?);
        let past = self.load_demo_history(&staff).await?;
        let unit_id = unit.unit_id.ok_or(AppError::NotFound)?;
        let titles: Vec<&str> = DEMO_TITLES.lines().map(str::trim).filter(|t| !t.is_empty()).collect();
        for (i, title) in titles.iter().enumerate() {
            let body = format!(
                "{title}。\n近年来，我市在这方面做了大量工作，取得了一定成效，但仍存在统筹不够、投入不足、机制不健全等问题，群众反映较多。\n为此建议：一是加强统筹规划，明确牵头部门和时间表；二是加大资金和政策支持力度；三是建立健全考核评估和公众参与机制，定期通报进展。"
            );
            let categories = ["经济建设", "社会建设", "生态文明建设", "文化建设", "政治建设"];
            let draft = DraftInput {
                title: title.to_string(),
                body,
                kind: Some("individual".into()),
                category: Some(categories[i % categories.len()].into()),
                occasion: Some(if i % 4 == 3 { "regular" } else { "plenary" }.into()),
                suggested_unit_ids: vec![unit_id],
                publish_consent: Some(i % 5 != 4),
                ..Default::default()
            };
            let id = self.create_proposal(&member, &draft).await?.id;
            let stage = i % 7;
            if stage == 0 {
                continue; // a draft
            }
            self.act(&member, id, None, ActionInput::Submit(SubmitInput::default())).await?;
            if stage == 1 {
                continue; // waiting for review
            }
            self.act(&staff, id, None, ActionInput::Review(ReviewInput { decision: "file".into(), ..Default::default() })).await?;
            if stage == 2 {
                continue; // waiting for assignment
            }
            self.act(&staff, id, None, ActionInput::Assign(AssignInput { lead_unit_id: Some(unit_id), ..Default::default() })).await?;
            if stage == 3 {
                continue; // in handling
            }
            let class = ["A", "B", "C"][i % 3];
            let text = "经认真研究，现答复如下：我们已将相关建议纳入年度工作计划，正在会同有关部门推进落实，并将及时向您反馈进展。";
            let reply = ReplyInput { class: class.into(), text: text.into(), signer: "办公室主任".into(), ..Default::default() };
            self.act(&unit, id, None, ActionInput::Reply(reply)).await?;
            if stage == 4 {
                continue; // waiting for the member's evaluation
            }
            let satisfaction = if stage == 5 { "satisfied" } else { "basically_satisfied" };
            let evaluation = EvaluateInput {
                satisfaction: satisfaction.into(),
                contact_before: Some(if i % 2 == 0 { "face_to_face" } else { "phone" }.into()),
                contact_during: Some("phone".into()),
                attitude: Some("satisfied".into()),
                result: Some(satisfaction.into()),
                ..Default::default()
            };
            self.act(&member, id, None, ActionInput::Evaluate(evaluation)).await?;
        }
        Ok(past + titles.len())
    }
}
