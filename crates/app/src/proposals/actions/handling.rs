//! Assignment to handling units and what happens while they handle: objections and
//! reassignment, contacts with the proposer, co-units' opinions, extensions of the deadline.

use std::collections::HashSet;

use eline_domain::proposal::{Act, Step, UnitRole};
use eline_storage::proposals;

use super::super::check_units;
use super::super::config::fmt_date;
use super::super::flow::ProposalFlow;
use super::super::inputs::{AssignInput, CoOpinionInput, ContactInput, DecideExtensionInput, ObjectInput, ReassignInput, RequestExtensionInput};
use super::{ProposalAction, optional, required};
use crate::workflow::Cx;
use crate::{AppError, AppResult};

impl ProposalAction for AssignInput {
    const ACT: Act = Act::Assign;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Assign)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        assign(cx, self, false).await
    }
}

impl ProposalAction for ReassignInput {
    const ACT: Act = Act::Reassign;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Reassign)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        assign(cx, &self.0, true).await
    }
}

/// 交办 (or 重新交办: the current assignments end, kept for the record); the reply is due by
/// the configured time limit from today.
async fn assign(cx: &mut Cx<'_, ProposalFlow>, a: &AssignInput, reassign: bool) -> AppResult<String> {
    let (mode, units) = check_assignment(a)?;
    let id = cx.loaded.p.id;
    check_units(&mut cx.tx.ex(), cx.actor.committee_id, &units.iter().map(|(u, _)| *u).collect::<Vec<_>>(), "lead_unit_id").await?;
    if reassign {
        proposals::deactivate_assignments(&mut cx.tx.ex(), id).await?;
    }
    let today = fmt_date(cx.loaded.today);
    for (unit, role) in &units {
        proposals::add_assignment(&mut cx.tx.ex(), id, *unit, *role, &today).await?;
    }
    let w = &mut *cx.loaded;
    let due = w.config.deadlines.reply.due(&w.config.calendar, w.today);
    w.p.handling_mode = Some(mode.into());
    w.p.assigned_on = Some(today);
    w.p.due_on = Some(fmt_date(due));
    w.p.objection_open = false;
    w.p.extension_requested = false;
    w.p.extended = false;
    let names = unit_names(cx, &units).await?;
    let comment = optional(&a.comment).map(|c| format!("；{c}")).unwrap_or_default();
    let limit = cx.loaded.config.deadlines.reply.label();
    Ok(format!("{}至{names}，答复期限{}（{limit}）{comment}", if reassign { "重新交办" } else { "交办" }, fmt_date(due)))
}

/// Lead + co-units, or split units; no unit twice.
fn check_assignment(a: &AssignInput) -> AppResult<(&'static str, Vec<(i64, UnitRole)>)> {
    let mut units: Vec<(i64, UnitRole)> = Vec::new();
    match (a.lead_unit_id, a.split_unit_ids.is_empty()) {
        (Some(lead), true) => {
            units.push((lead, UnitRole::Lead));
            units.extend(a.co_unit_ids.iter().map(|u| (*u, UnitRole::Co)));
        }
        (None, false) => {
            if !a.co_unit_ids.is_empty() {
                return Err(AppError::field("co_unit_ids", "分办时不设会办单位：每个分办单位各自答复"));
            }
            if a.split_unit_ids.len() < 2 {
                return Err(AppError::field("split_unit_ids", "分办至少需要两个单位；只有一个单位时请设为主办"));
            }
            units.extend(a.split_unit_ids.iter().map(|u| (*u, UnitRole::Split)));
        }
        (Some(_), false) => return Err(AppError::field("split_unit_ids", "主办和分办只能选择一种")),
        (None, true) => return Err(AppError::field("lead_unit_id", "请选择主办单位，或选择两个以上分办单位")),
    }
    let mut seen = HashSet::new();
    if units.iter().any(|(u, _)| !seen.insert(*u)) {
        return Err(AppError::field("co_unit_ids", "同一单位不能重复选择"));
    }
    if units.len() > 20 {
        return Err(AppError::field("co_unit_ids", "承办单位不能超过20个"));
    }
    Ok((if a.lead_unit_id.is_some() { "lead" } else { "split" }, units))
}

/// "市住建局（主办）、市财政局（会办）".
async fn unit_names(cx: &mut Cx<'_, ProposalFlow>, units: &[(i64, UnitRole)]) -> AppResult<String> {
    let mut parts = Vec::new();
    for (u, role) in units {
        let name = eline_storage::directory::get(&mut cx.tx.ex(), eline_domain::org::DirectoryKind::Unit, cx.actor.committee_id, *u)
            .await?
            .map(|e| e.name)
            .unwrap_or_default();
        parts.push(format!("{}（{}）", name, role.label()));
    }
    Ok(parts.join("、"))
}

impl ProposalAction for ObjectInput {
    const ACT: Act = Act::Object;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Object)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let reason = required("reason", "申请调整的理由", &self.reason, 500)?;
        let mine = cx.loaded.l.my_assignment(cx.actor).ok_or(AppError::Forbidden)?.clone();
        proposals::set_objection(&mut cx.tx.ex(), mine.id, &reason).await?;
        cx.loaded.p.objection_open = true;
        Ok(format!("{}申请调整：{reason}", mine.unit_name))
    }
}

impl ProposalAction for ContactInput {
    const ACT: Act = Act::Contact;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Contact)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let t = required("text", "沟通情况", &self.text, 2000)?;
        let unit = cx.loaded.l.my_assignment(cx.actor).map(|a| a.unit_name.clone()).unwrap_or_default();
        Ok(format!("{unit}与提案人沟通：{t}"))
    }
}

impl ProposalAction for CoOpinionInput {
    const ACT: Act = Act::CoOpinion;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::CoOpinion)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let t = required("text", "会办意见", &self.text, 5000)?;
        let mine = cx.loaded.l.my_assignment(cx.actor).ok_or(AppError::Forbidden)?.clone();
        proposals::set_co_opinion(&mut cx.tx.ex(), mine.id, &t).await?;
        Ok(format!("{}提出会办意见", mine.unit_name))
    }
}

impl ProposalAction for RequestExtensionInput {
    const ACT: Act = Act::RequestExtension;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::RequestExtension)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let reason = required("reason", "延期理由", &self.reason, 500)?;
        cx.loaded.p.extension_requested = true;
        cx.loaded.p.extension_reason = Some(reason.clone());
        Ok(format!("申请延期答复：{reason}"))
    }
}

impl ProposalAction for DecideExtensionInput {
    const ACT: Act = Act::DecideExtension;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::DecideExtension)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let w = &mut *cx.loaded;
        w.p.extension_requested = false;
        let c = optional(&self.comment).map(|c| format!("；{c}")).unwrap_or_default();
        if !self.approved {
            return Ok(format!("不同意延期{c}"));
        }
        let start = w.p.assigned_on.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).unwrap_or(w.today);
        let due = w.config.deadlines.extended_reply.due(&w.config.calendar, start);
        w.p.extended = true;
        w.p.due_on = Some(fmt_date(due));
        Ok(format!("同意延期，答复期限延至{}{c}", fmt_date(due)))
    }
}
