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
        let act = async |who: &Actor, id: i64, name: &str, body: serde_json::Value| -> AppResult<i64> {
            let saved = self.opinion_act(who, id, None, OpinionAction::parse(name, body)?).await?;
            Ok(saved.reported_up_id.unwrap_or(saved.id))
        };
        for (title, author, direct, stage) in REPORTS {
            let who = if author == "informant" { &informant } else { &member };
            let draft = OpinionDraft { title: title.into(), body: body(title), direct, ..Default::default() };
            let id = self.create_opinion(who, &draft).await?.id;
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
        Ok(REPORTS.len())
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
