//! A proposal's page: everything recorded about it, a form for each action the actor may take
//! (posted as the action's typed input), the office's helpers (similar proposals, merge
//! candidates, unit suggestions); the reply letter.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use eline_app::AppError;
use eline_app::proposals::{ActionInput, ProposalView};
use eline_domain::FieldError;
use eline_domain::org::DirectoryKind;
use eline_domain::proposal::{ProposalRules, Status};
use eline_storage::directory::Entry;
use serde::Deserialize;

use super::{P, Pf, office};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::{Errors, F, FormData, Layout, PagePath, PageQuery, flash, form_errors, render, render_invalid};

#[derive(Template)]
#[template(path = "proposal_detail.html")]
pub(super) struct DetailPage {
    l: Layout,
    v: ProposalView,
    errors: Errors,
    failed_action: String,
    units: Vec<Entry>,
    leaders: Vec<(i64, String)>,
    merge_targets: Vec<eline_storage::proposals::Row>,
    rules: ProposalRules,
    reply_templates: Vec<eline_storage::reply_templates::ReplyTemplate>,
    /// Reply text taken from a chosen template.
    reply_prefill: String,
    /// For the proposer of a draft: earlier proposals like it (all years).
    similar: Vec<eline_app::search::SearchItem>,
    /// For the office reviewing: proposals of the session like it (并案).
    merge_candidates: Vec<eline_app::search::SearchItem>,
    /// For the office assigning: units that led similar proposals.
    unit_suggestions: Vec<eline_app::search::UnitSuggestion>,
    /// 领导批示 (`record_instructions.html`).
    instructions: crate::html::instructions::RecordInstructionsPart,
}

impl DetailPage {
    fn can(&self, action: &str) -> bool {
        self.v.allowed_actions.contains(&action)
    }
    fn reply_class_label(&self, code: &str) -> String {
        self.rules.reply_class_label(code).unwrap_or("").to_string()
    }
    fn replied(&self, a: &eline_storage::proposals::Assignment) -> bool {
        a.role.replies() && a.replied_round == Some(self.v.proposal.round)
    }
    fn open_commitments(&self) -> bool {
        self.v.commitments.iter().any(|c| c.done_at.is_none())
    }
    /// The unit is one the proposer suggests (建议承办单位): marked in the assignment form.
    fn suggested(&self, unit: &i64) -> bool {
        self.v.suggested_units.iter().any(|(u, _)| u == unit)
    }
    /// At the first assignment the proposer's first suggestion is the proposed lead unit, the
    /// others co-units (the office changes what it wants).
    fn prefill_lead(&self, unit: &i64) -> bool {
        self.can("assign") && self.v.suggested_units.first().is_some_and(|(u, _)| u == unit)
    }
    fn prefill_co(&self, unit: &i64) -> bool {
        self.can("assign") && self.v.suggested_units.iter().skip(1).any(|(u, _)| u == unit)
    }
    /// The lead unit may reply while co-units have not sent their opinions: it is warned.
    fn co_opinions_missing(&self) -> bool {
        self.v.my_unit_role.as_deref() == Some("lead") && !self.v.pending_co_opinions.is_empty()
    }
    /// Publishing needs the proposer's consent, else the office's reason.
    fn needs_override(&self) -> bool {
        !self.v.proposal.published && self.v.proposal.publish_consent != Some(true)
    }
    fn contact_ways(&self) -> Vec<(&'static str, &'static str)> {
        eline_domain::proposal::ContactWay::choices()
    }
    fn ratings(&self) -> Vec<(&'static str, &'static str)> {
        eline_domain::proposal::Satisfaction::choices()
    }
}

pub(super) async fn detail_page(state: &AppState, user: &PageUser, id: i64, errors: Errors, failed_action: String) -> Result<DetailPage, PageError> {
    detail_with(state, user, id, errors, failed_action, None).await
}

async fn detail_with(
    state: &AppState,
    user: &PageUser,
    id: i64,
    errors: Errors,
    failed_action: String,
    template: Option<i64>,
) -> Result<DetailPage, PageError> {
    let v = state.app.get_proposal(&user.actor, id).await?;
    let replying = v.allowed_actions.contains(&"reply");
    let reply_templates = if replying { state.app.reply_templates(&user.actor).await.unwrap_or_default() } else { vec![] };
    let reply_prefill = match template.filter(|_| replying) {
        Some(t) => state.app.reply_template(&user.actor, t).await?.text,
        None => String::new(),
    };
    let staff = office(&user.actor);
    let units = if staff { state.app.directory_choices(&user.actor, DirectoryKind::Unit).await? } else { vec![] };
    let leaders = if staff { state.app.leader_choices(&user.actor).await? } else { vec![] };
    let merge_targets =
        if staff && v.allowed_actions.contains(&"review") { state.app.merge_targets(&user.actor, v.proposal.session_id).await? } else { vec![] };
    let title = match v.proposal.number {
        Some(n) => format!("第{n:04}号 {}", v.proposal.title),
        None => v.proposal.title.clone(),
    };
    // Search helps but never stands in the way: without an index the panels are simply absent.
    let can = |a: &str| v.allowed_actions.contains(&a);
    let similar = if can("submit") || can("edit") {
        state.app.similar_items(&user.actor, &v.proposal.title, &v.proposal.body, Some((eline_app::search::PROPOSAL, id))).await.unwrap_or_default()
    } else {
        vec![]
    };
    let merge_candidates = if staff && can("review") { state.app.merge_candidates(&user.actor, id).await.unwrap_or_default() } else { vec![] };
    // At assignment, and at reassignment once a unit has objected (not on every handled proposal).
    let unit_suggestions = if staff && (can("assign") || (can("reassign") && v.proposal.objection_open)) {
        state.app.suggest_units(&user.actor, id).await.unwrap_or_default()
    } else {
        vec![]
    };
    // The public view of a proposal shows no instructions: not even asked for.
    let instructions =
        if v.access == "full" { crate::html::instructions::of_record(state, user, eline_domain::RecordRef::proposal(id)).await? } else { Default::default() };
    let l = Layout::page(state, user, &format!("/proposals/{id}"), title, &[("提案", "/proposals")]).await?;
    let rules = v.rules.clone();
    Ok(DetailPage {
        l,
        v,
        errors,
        failed_action,
        units,
        leaders,
        merge_targets,
        rules,
        reply_templates,
        reply_prefill,
        similar,
        merge_candidates,
        unit_suggestions,
        instructions,
    })
}

#[derive(Deserialize)]
pub(super) struct DetailQuery {
    /// A reply template to fill the reply form with.
    template: Option<i64>,
}

pub(super) async fn detail(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<DetailQuery>,
) -> Result<Response, PageError> {
    Ok(render(&detail_with(&state, &user, id, Errors::default(), String::new(), q.template).await?))
}

macro_rules! form_input {
    ($($name:ident: $act:ident => $input:ident,)*) => {
        /// The action form posted as the action's typed input (the struct the API takes).
        fn form_input(action: &str, f: &FormData) -> Result<ActionInput, AppError> {
            use eline_app::proposals::*;
            match action {
                $(stringify!($name) => Ok(ActionInput::$act(crate::form::parse::<$input>(&f.0)?)),)*
                _ => Err(AppError::NotFound),
            }
        }
    };
}

eline_app::proposal_actions!(form_input);

pub(super) async fn act(
    State(state): State<AppState>,
    user: PageUser,
    PagePath((id, action)): PagePath<(i64, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let version = f.get("version").parse().ok();
    let result = match form_input(&action, &f) {
        Ok(input) => state.app.act(&user.actor, id, version, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            let label = eline_domain::proposal::Act::parse(&action).map(|a| a.label()).unwrap_or("操作");
            // The timeline's note of what was just done ("立案，编号第0012号") says it best.
            let note = state.app.get_proposal(&user.actor, id).await.ok().and_then(|v| v.events.last().map(|e| e.note.clone()));
            flash(&user.session, &done_message(label, note.as_deref())).await;
            Ok(Redirect::to(&format!("/proposals/{id}")).into_response())
        }
        Err(AppError::InvalidTransition(m)) => {
            let errors = Errors::from_list(&[FieldError::new("action", m)]);
            Ok(render_invalid(&detail_page(&state, &user, id, errors, action).await?))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            Ok(render_invalid(&detail_page(&state, &user, id, errors, action).await?))
        }
    }
}

/// What a person would say was done, from the timeline's note: "已立案，编号第0012号",
/// "已交办至……，答复期限……"; a note that names its doer ("××局答复……") is said as it is.
fn done_message(label: &str, note: Option<&str>) -> String {
    const DONE: [&str; 17] =
        ["立案", "交办", "重新交办", "提交", "退回", "并案", "设为", "取消", "同意", "办结", "评价", "登记", "督办", "申请延期", "承诺", "撤回", "确认"];
    match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) if n.starts_with('不') => format!("已决定{n}"),
        Some(n) if DONE.iter().any(|v| n.starts_with(v)) => format!("已{n}"),
        Some(n) => n.to_string(),
        None => format!("已{label}"),
    }
}

#[derive(Template)]
#[template(path = "proposal_letter.html")]
struct LetterPage {
    l: eline_app::proposals::letter::Letter,
}

/// The reply letter (答复函) in an A4 print layout.
pub(super) async fn letter(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    Ok(render(&LetterPage { l: state.app.reply_letter(&user.actor, id).await? }))
}

#[cfg(test)]
mod tests {
    use super::done_message;

    #[test]
    fn a_done_message_reads_as_a_person_would_say_it() {
        assert_eq!(done_message("审查", Some("立案，编号第0012号")), "已立案，编号第0012号");
        assert_eq!(
            done_message("交办", Some("交办至清河市教育局（主办），答复期限2027-03-01（3个月）")),
            "已交办至清河市教育局（主办），答复期限2027-03-01（3个月）"
        );
        assert_eq!(done_message("审查", Some("不立案（不属于政协提案范围）")), "已决定不立案（不属于政协提案范围）");
        assert_eq!(done_message("答复", Some("清河市教育局答复（A类：已解决），签发人王建国")), "清河市教育局答复（A类：已解决），签发人王建国");
        assert_eq!(done_message("督办", None), "已督办");
    }
}
