//! The demo committee's 社情民意 work (`eline serve --demo`): a parent committee on the platform
//! (广东省政协, with its information office's account `province`), and reports in every state —
//! a draft, waiting, being edited (with a revision to compare), returned, kept, adopted, 资政之声,
//! and one adopted by the city, reported up and adopted by the province, whose result came back.

use eline_domain::Actor;
use eline_storage::{committees, users};
use serde_json::json;

use crate::auth::{actor_of, hash_password};
use crate::demo::DEMO_PASSWORD;
use crate::opinions::{OpinionAction, OpinionDraft};
use crate::{App, AppError, AppResult};

/// The parent committee's information office account.
pub const PARENT_ACCOUNT: (&str, &str) = ("province", "省政协信息处（演示）");
pub const PARENT_NAME: &str = "广东省政协";

/// (title, author: member | informant, channel direct?, the stage it is left in).
const REPORTS: [(&str, &str, bool, &str); 14] = [
    ("关于加装电梯后维保责任不清问题的建议", "member", false, "province"),
    ("关于规范校外培训机构预付费管理的建议", "member", false, "adopted"),
    ("关于解决老旧小区电动自行车充电难的建议", "informant", false, "adopted"),
    ("关于加强农村独居老人关爱服务的建议", "member", false, "adopted"),
    ("关于优化跨境通关一站式服务的建议", "member", true, "adopted"),
    ("关于防范针对老年人养老诈骗的建议", "member", false, "editing"),
    ("关于提升基层医疗机构药品配备水平的建议", "member", false, "returned"),
    ("关于规范共享单车停放秩序的建议", "member", false, "kept"),
    ("关于加快低空经济基础设施布局的建议", "member", true, "submitted"),
    ("关于保障新就业形态劳动者权益的建议", "informant", false, "submitted"),
    ("关于推进中小学课后服务提质增效的建议", "member", false, "submitted"),
    ("关于加强预制菜食品安全监管的建议", "member", false, "draft"),
    ("关于系统治理城市易涝点的建议", "informant", false, "draft"),
    ("关于支持专精特新企业拓宽融资渠道的建议", "member", false, "adopted"),
];

fn body(title: &str) -> String {
    let subject = title.trim_start_matches("关于").trim_end_matches("的建议");
    format!(
        "近期在调研和走访中了解到，{subject}方面群众反映较为集中：一是相关规定不够明确，责任主体不清；二是部门之间信息不通、协同不够；三是基层力量和经费保障不足。\n\
         建议：一是由主管部门牵头，尽快明确责任分工和办理时限；二是建立部门会商和信息共享机制；三是加大经费和人员保障，定期评估并向社会公布进展。"
    )
}

impl App {
    /// Loads the demo's reports (after `load_demo` and the accounts it made). Returns how many.
    pub async fn load_demo_opinions(&self, committee_id: i64) -> AppResult<usize> {
        let parent_staff = self.demo_parent(committee_id).await?;
        let account = |name: &'static str| async move {
            let mut c = self.db.acquire().await?;
            let user = users::get_by_username(&mut c.ex(), name).await?.filter(|u| u.committee_id == committee_id).ok_or(AppError::NotFound)?;
            Ok::<_, AppError>(actor_of(&user))
        };
        let (member, informant, staff) = (account("member").await?, account("informant").await?, account("staff").await?);
        let leader = account("leader").await?;
        let mut ids = std::collections::HashMap::new();
        let act = async |who: &Actor, id: i64, name: &str, body: serde_json::Value| -> AppResult<i64> {
            let saved = self.opinion_act(who, id, None, OpinionAction::parse(name, body)?).await?;
            Ok(saved.reported_up_id.unwrap_or(saved.id))
        };
        for (title, author, direct, stage) in REPORTS {
            let who = if author == "informant" { &informant } else { &member };
            let draft = OpinionDraft { title: title.into(), body: body(title), direct, ..Default::default() };
            let id = self.create_opinion(who, &draft).await?.id;
            ids.insert(title, id);
            if stage == "draft" {
                continue;
            }
            act(who, id, "submit", json!({})).await?;
            match stage {
                "submitted" => {}
                "editing" | "returned" | "kept" | "adopted" | "province" => {
                    act(&staff, id, "take", json!({})).await?;
                    let edited = format!("{}\n（编者按：本条信息经信息科核实，相关数据截至本月。）", body(title));
                    act(&staff, id, "revise", json!({"title": title, "body": edited, "note": "核实数据，补充编者按"})).await?;
                    match stage {
                        "returned" => {
                            act(&staff, id, "return", json!({"reason": "请补充本市具体数据和典型案例后重新报送"})).await?;
                        }
                        "kept" => {
                            act(&staff, id, "keep", json!({"reason": "所反映问题已有部门专题研究，留存备查"})).await?;
                        }
                        "adopted" | "province" => {
                            act(&staff, id, "adopt", json!({})).await?;
                        }
                        _ => {}
                    }
                    if stage == "province" {
                        let today = crate::proposals::config::fmt_date(crate::proposals::today());
                        act(&staff, id, "record_outcome", json!({"level": "city", "kind": "dept_adopted", "body": "市住房和城乡建设局", "decided_on": today}))
                            .await?;
                        let up = act(&staff, id, "report_up", json!({"note": "建议省政协综合各地情况报送"})).await?;
                        act(&parent_staff, up, "take", json!({})).await?;
                        act(&parent_staff, up, "adopt", json!({})).await?;
                        act(
                            &parent_staff,
                            up,
                            "record_outcome",
                            json!({"level": "province", "kind": "forwarded", "body": "省住房和城乡建设厅", "decided_on": today}),
                        )
                        .await?;
                    }
                }
                _ => {}
            }
        }
        self.demo_bulletins(&staff, &leader, &ids).await?;
        Ok(REPORTS.len())
    }

    /// Two issued bulletins — a single 《资政之声》 and a 《社情民意》 digest of three reports — sent
    /// to their recipients, and a leader's instruction on the 《资政之声》 issue's report.
    async fn demo_bulletins(&self, staff: &Actor, leader: &Actor, ids: &std::collections::HashMap<&str, i64>) -> AppResult<()> {
        use crate::bulletins::{AddItemInput, BulletinInput, SendInput};
        use eline_domain::opinion::{BulletinForm, Channel, RecipientKind};
        let id_of = |t: &str| ids.get(t).copied().ok_or(AppError::NotFound);
        let direct = id_of(REPORTS[4].0)?;
        let single = BulletinInput {
            series: Some(Channel::Direct),
            form: Some(BulletinForm::Single),
            opinion_id: Some(direct),
            signed_off_by: Some("陈志强".into()),
            report_to: Some("市委、市政府主要领导".into()),
            copy_to: Some("市商务局、市口岸办".into()),
            ..Default::default()
        };
        let b = self.create_bulletin(staff, &single).await?;
        if b.status.as_str() == "draft" && self.get_bulletin(staff, b.id).await?.items.is_empty() {
            self.add_bulletin_item(staff, b.id, None, &AddItemInput { opinion_id: Some(direct), ..Default::default() }).await?;
        }
        self.issue_bulletin(staff, b.id, None).await?;
        let to_government = SendInput { recipient_kind: Some(RecipientKind::Government), recipient: "市人民政府办公室".into(), ..Default::default() };
        self.record_bulletin_send(staff, b.id, None, &to_government).await?;
        let digest = BulletinInput {
            series: Some(Channel::Opinion),
            form: Some(BulletinForm::Digest),
            title: "关于民生领域若干问题的意见建议".into(),
            body: "近期，委员和特邀信息员围绕校外培训预付费、电动自行车充电、农村独居老人关爱等问题反映了情况，现综合如下：\n                   一、校外培训机构预付费监管存在漏洞，建议推行资金存管。\n                   二、老旧小区电动自行车充电设施不足，建议统筹建设集中充电点。\n                   三、农村独居老人关爱服务覆盖不全，建议建立定期探访制度。"
                .into(),
            signed_off_by: Some("陈志强".into()),
            report_to: Some("市委、市政府，省政协办公厅".into()),
            copy_to: Some("市教育局、市住建局、市民政局".into()),
            ..Default::default()
        };
        let d = self.create_bulletin(staff, &digest).await?;
        for t in [REPORTS[1].0, REPORTS[2].0, REPORTS[3].0] {
            self.add_bulletin_item(staff, d.id, None, &AddItemInput { opinion_id: Some(id_of(t)?), ..Default::default() }).await?;
        }
        self.issue_bulletin(staff, d.id, None).await?;
        let to_parent = SendInput { recipient_kind: Some(RecipientKind::ParentCppcc), recipient: "广东省政协办公厅".into(), ..Default::default() };
        self.record_bulletin_send(staff, d.id, None, &to_parent).await?;
        let instruction = crate::instructions::InstructionInput {
            item_opinion_id: Some(direct),
            leader_name: "王海".into(),
            leader_post: "市长".into(),
            rank: "city".into(),
            given_on: crate::proposals::config::fmt_date(crate::proposals::today()),
            gist: "请市商务局会同口岸办研究，提出优化通关服务的具体措施。".into(),
        };
        let record = eline_domain::RecordRef::new(eline_domain::RecordKind::BULLETIN, b.id);
        self.record_instruction(leader, record, &instruction).await?;
        Ok(())
    }

    /// The demo's parent committee on the platform and its information office's account.
    async fn demo_parent(&self, committee_id: i64) -> AppResult<Actor> {
        let hash = hash_password(DEMO_PASSWORD.to_string()).await?;
        let mut tx = self.db.begin().await?;
        let parent = committees::create(&mut tx.ex(), None, PARENT_NAME, "省政协", "province").await?;
        committees::set_parent(&mut tx.ex(), committee_id, Some(parent)).await?;
        let user = users::create(
            &mut tx.ex(),
            &users::NewUser {
                committee_id: parent,
                username: PARENT_ACCOUNT.0,
                display_name: PARENT_ACCOUNT.1,
                password_hash: &hash,
                roles: "staff",
                member_id: None,
                unit_id: None,
                organization_id: None,
                must_change_password: false,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(actor_of(&user))
    }
}
