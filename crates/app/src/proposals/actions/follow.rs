//! After and around handling: following up promises (跟踪落实), key proposals with their
//! supervising leaders (重点提案, 督办), publication (公开).

use eline_domain::proposal::{Act, Step};
use eline_storage::proposals;

use super::super::flow::ProposalFlow;
use super::super::inputs::{FollowUpInput, MarkKeyInput, PublishInput, SuperviseInput};
use super::{ProposalAction, parse_date, required};
use crate::workflow::Cx;
use crate::{AppError, AppResult};

impl ProposalAction for FollowUpInput {
    const ACT: Act = Act::FollowUp;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::FollowUp)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let l = &cx.loaded.l;
        let id = l.p.id;
        let unit = l.my_assignment(cx.actor).map(|a| a.unit_id).or_else(|| l.assignments.iter().find(|a| a.active && a.role.replies()).map(|a| a.unit_id));
        match (self.promise.as_deref(), self.commitment_id) {
            (Some(promise), None) => {
                let promise = required("promise", "承诺事项", promise, 500)?;
                let due = parse_date("due_on", self.due_on.as_deref())?;
                proposals::add_commitment(&mut cx.tx.ex(), id, unit, &promise, due.as_deref()).await?;
                Ok(format!("登记承诺事项：{promise}{}", due.map(|d| format!("（{d}前）")).unwrap_or_default()))
            }
            (None, Some(commitment)) => {
                let evidence = required("evidence", "落实情况", self.evidence.as_deref().unwrap_or(""), 2000)?;
                if !proposals::fulfil_commitment(&mut cx.tx.ex(), id, commitment, &evidence).await? {
                    return Err(AppError::field("commitment_id", "该承诺事项不存在或已落实"));
                }
                let open = proposals::commitments(&mut cx.tx.ex(), id).await?.iter().filter(|c| c.done_at.is_none()).count();
                Ok(if open == 0 {
                    format!("承诺事项已落实：{evidence}；全部承诺已落实，请提案人对落实情况作出评价")
                } else {
                    format!("承诺事项已落实：{evidence}")
                })
            }
            _ => Err(AppError::field("promise", "请登记一项承诺事项，或填写某项承诺的落实情况")),
        }
    }
}

impl ProposalAction for MarkKeyInput {
    const ACT: Act = Act::MarkKey;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::MarkKey)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let mut supervisor_ids = self.supervisor_ids.clone();
        supervisor_ids.sort_unstable();
        supervisor_ids.dedup();
        let leaders = eline_storage::users::with_role(&mut cx.tx.ex(), cx.actor.committee_id, "leader").await?;
        if let Some(u) = supervisor_ids.iter().find(|u| !leaders.iter().any(|l| l.id == **u)) {
            return Err(AppError::field("supervisor_ids", format!("编号为{u}的用户不是本会的领导账号")));
        }
        let id = cx.loaded.p.id;
        cx.loaded.p.is_key = self.key;
        proposals::set_supervisors(&mut cx.tx.ex(), id, if self.key { &supervisor_ids } else { &[] }).await?;
        if !self.key {
            return Ok("取消重点提案".into());
        }
        let names: Vec<String> = proposals::supervisors(&mut cx.tx.ex(), id).await?.into_iter().map(|(_, n)| n).collect();
        Ok(if names.is_empty() { "设为重点提案".into() } else { format!("设为重点提案，督办领导：{}", names.join("、")) })
    }
}

impl ProposalAction for SuperviseInput {
    const ACT: Act = Act::Supervise;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Supervise)
    }

    async fn apply(&self, _cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        Ok(format!("督办：{}", required("text", "督办情况", &self.text, 2000)?))
    }
}

impl ProposalAction for PublishInput {
    const ACT: Act = Act::Publish;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Publish)
    }

    /// Publication follows the proposer's 公开意愿; without consent the office must say why it
    /// publishes anyway (the reason is the timeline note, and so in the audit entry).
    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let reason = super::optional(&self.override_reason);
        let note = match (self.published, cx.loaded.p.publish_consent) {
            (false, _) => "取消公开".to_string(),
            (true, Some(true)) => "公开提案及答复（提案人同意公开）".to_string(),
            (true, consent) => {
                let said = if consent.is_some() { "提案人不同意公开" } else { "提案人未表明公开意愿" };
                let Some(reason) = reason else {
                    return Err(AppError::field("override_reason", format!("{said}：如确需公开，请填写机关决定公开的理由")));
                };
                if reason.chars().count() > 200 {
                    return Err(AppError::field("override_reason", "理由不能超过200个字"));
                }
                format!("公开提案及答复（{said}，机关决定公开，理由：{reason}）")
            }
        };
        cx.loaded.p.published = self.published;
        Ok(note)
    }
}
