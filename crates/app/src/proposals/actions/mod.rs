//! The proposal actions: each a typed input (`super::inputs`) with its step and its effects,
//! run by the workflow kernel. `proposal_actions!` is the one list of them: `ActionInput`, the
//! dispatch below, the API routes and the page's action forms all come from it.

mod follow;
mod handling;
mod lifecycle;
mod reply;

use std::future::Future;

use eline_domain::Actor;
use eline_domain::proposal::{Act, Step};

use super::flow::ProposalFlow;
use super::inputs::*;
use crate::workflow::{self, Action, Cx};
use crate::{App, AppError, AppResult};

/// Calls `$callback!` with every proposal action as `name: Act variant => input type`.
#[macro_export]
macro_rules! proposal_actions {
    ($callback:ident) => {
        $callback! {
            submit: Submit => SubmitInput,
            cosign: Cosign => CosignInput,
            withdraw: Withdraw => WithdrawInput,
            review: Review => ReviewInput,
            assign: Assign => AssignInput,
            object: Object => ObjectInput,
            reassign: Reassign => ReassignInput,
            keep_assignment: KeepAssignment => KeepAssignmentInput,
            contact: Contact => ContactInput,
            co_opinion: CoOpinion => CoOpinionInput,
            request_extension: RequestExtension => RequestExtensionInput,
            decide_extension: DecideExtension => DecideExtensionInput,
            reply: Reply => ReplyInput,
            evaluate: Evaluate => EvaluateInput,
            close: Close => CloseInput,
            follow_up: FollowUp => FollowUpInput,
            mark_key: MarkKey => MarkKeyInput,
            supervise: Supervise => SuperviseInput,
            publish: Publish => PublishInput,
        }
    };
}

/// A proposal action: which `Act` it is, its step, its effects.
pub(crate) trait ProposalAction: Send + Sync {
    const ACT: Act;
    fn step(&self) -> AppResult<Step>;
    /// The effects; returns the timeline note.
    fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> impl Future<Output = AppResult<String>> + Send;
}

impl<T: ProposalAction> Action<ProposalFlow> for T {
    fn name(&self) -> &'static str {
        T::ACT.as_str()
    }
    fn label(&self) -> &'static str {
        T::ACT.label()
    }
    fn step(&self) -> AppResult<Step> {
        ProposalAction::step(self)
    }
    fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> impl Future<Output = AppResult<String>> + Send {
        ProposalAction::apply(self, cx)
    }
}

macro_rules! define_inputs {
    ($($name:ident: $act:ident => $input:ident,)*) => {
        crate::workflow_actions!(ProposalFlow, ActionInput, act; $($name: $act => $input,)*);

        impl ActionInput {
            pub fn act(&self) -> Act {
                match self {
                    $(ActionInput::$act(_) => Act::$act,)*
                }
            }
        }
    };
}

proposal_actions!(define_inputs);

impl App {
    /// Assigns many filed proposals the same way, all or none (one transaction).
    pub async fn assign_many(&self, actor: &Actor, items: &[(i64, Option<i64>)], input: &AssignInput) -> AppResult<usize> {
        if items.is_empty() {
            return Err(AppError::field("ids", "请选择要交办的提案"));
        }
        if items.len() > 1000 {
            return Err(AppError::field("ids", "一次最多交办1000件提案"));
        }
        let mut tx = self.db.begin().await?;
        for (id, version) in items {
            if let Err(e) = workflow::run_in::<ProposalFlow, _>(self, &mut tx, actor, *id, *version, input).await {
                drop(tx);
                let record = eline_domain::RecordRef::proposal(*id);
                return Err(match workflow::audit_refusal(self, actor, record, Act::Assign.label(), e).await {
                    AppError::InvalidTransition(m) => AppError::InvalidTransition(format!("提案（编号{id}）：{m}")),
                    other => other,
                });
            }
        }
        tx.commit().await?;
        Ok(items.len())
    }
}

/// A required text of at most `max` characters, trimmed.
fn required(field: &str, label: &str, raw: &str, max: usize) -> AppResult<String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(AppError::field(field, format!("{label}不能为空")));
    }
    if v.chars().count() > max {
        return Err(AppError::field(field, format!("{label}不能超过{max}个字")));
    }
    Ok(v.to_string())
}

/// "撤回提案：<reason>", or the bare words without a detail.
fn with_detail(words: &str, detail: Option<&str>) -> String {
    match detail {
        Some(d) => format!("{words}：{d}"),
        None => words.to_string(),
    }
}

/// An optional text, trimmed; empty is none.
fn optional(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|c| !c.is_empty())
}

fn parse_date(field: &str, raw: Option<&str>) -> AppResult<Option<String>> {
    match raw.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| Some(super::config::fmt_date(d)))
            .map_err(|_| AppError::field(field, "日期格式应为 年-月-日，如2026-06-30")),
    }
}
