//! A report's page: its text, its fate at every level (status, outcomes, the chain of committees
//! above and below), record links, files, the timeline, and a form for each action the actor may
//! take (posted as the action's typed input). The revision history with the inline diff of each
//! revision, and — while the office may revise — the editor above it.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use eline_app::AppError;
use eline_app::opinions::{OpinionAction, OpinionView};
use eline_app::records::ShownLink;
use eline_domain::FieldError;
use eline_domain::opinion::{Channel, Level, OpinionRules, Status};
use eline_storage::attachments::Attachment;

use super::{P, record};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::{Errors, F, FormData, Layout, PagePath, flash, form_errors, render, render_invalid};

#[derive(Template)]
#[template(path = "opinion_detail.html")]
pub(super) struct DetailPage {
    l: Layout,
    v: OpinionView,
    links: Vec<ShownLink>,
    files: Vec<Attachment>,
    /// The file purposes the actor may attach now, with their names.
    can_attach: Vec<(&'static str, &'static str)>,
    errors: Errors,
    failed_action: String,
    /// Today (the outcome form's default date).
    today: String,
    /// 领导批示 (`record_instructions.html`).
    instructions: crate::html::instructions::RecordInstructionsPart,
    /// The bulletin issue the report is printed in (if the actor may read it).
    bulletins: Vec<eline_app::bulletins::BulletinRef>,
}

impl DetailPage {
    fn can(&self, action: &str) -> bool {
        self.v.actions.contains(&action)
    }
    fn direct(&self) -> bool {
        self.v.o.channel == Channel::Direct
    }
    fn returned(&self) -> bool {
        self.v.o.status == Status::Returned
    }
    /// The outcome kinds of each level the office may record here (市级: 采用, 部门采纳, 批示 …).
    fn outcome_choices(&self) -> Vec<(Level, Vec<(&'static str, &'static str)>)> {
        self.v.outcome_levels.iter().map(|l| (*l, l.outcome_kinds().iter().map(|k| (k.as_str(), k.label())).collect())).collect()
    }
    fn full(&self) -> bool {
        self.v.access == eline_domain::Access::Full
    }
    fn public(&self) -> bool {
        self.v.access == eline_domain::Access::Public
    }
}

pub(super) async fn detail_page(state: &AppState, user: &PageUser, id: i64, errors: Errors, failed_action: String) -> Result<DetailPage, PageError> {
    let v = state.app.get_opinion(&user.actor, id).await?;
    let full = v.access == eline_domain::Access::Full;
    // The public view of a published report shows no instructions: not even asked for.
    let instructions = if full { crate::html::instructions::of_record(state, user, record(id)).await? } else { Default::default() };
    let (links, files, can_attach) = if full {
        let seen = state.app.see(&user.actor, record(id)).await?;
        let purposes = eline_app::opinions::record::PURPOSES.iter().filter(|(p, _)| seen.purposes.contains(p)).copied().collect();
        (state.app.links_of(&user.actor, record(id)).await?, state.app.files_of(&user.actor, record(id)).await?, purposes)
    } else {
        (vec![], vec![], vec![])
    };
    let l = Layout::page(state, user, &format!("/opinions/{id}"), v.o.title.clone(), &[("社情民意", "/opinions")]).await?;
    let today = eline_app::proposals::config::fmt_date(eline_app::proposals::today());
    let bulletins = state.app.bulletins_of_opinion(&user.actor, id).await?;
    Ok(DetailPage { l, v, links, files, can_attach, errors, failed_action, today, instructions, bulletins })
}

pub(super) async fn detail(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    Ok(render(&detail_page(&state, &user, id, Errors::default(), String::new()).await?))
}

/// The action form posted as the action's typed input (the struct the API takes).
fn form_input(action: &str, f: &FormData) -> Result<OpinionAction, AppError> {
    // The form gives every value as text; the action's input says what each field is.
    macro_rules! typed {
        ($($name:ident: $act:ident => $input:ident,)*) => {
            match action {
                $(stringify!($name) => Ok(OpinionAction::$act(crate::form::parse::<eline_app::opinions::$input>(&f.0)?)),)*
                _ => Err(AppError::NotFound),
            }
        };
    }
    eline_app::opinion_actions!(typed)
}

pub(super) async fn act(
    State(state): State<AppState>,
    user: PageUser,
    PagePath((id, action)): PagePath<(i64, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let version = f.get("version").parse().ok();
    let result = match form_input(&action, &f) {
        Ok(input) => state.app.opinion_act(&user.actor, id, version, input).await,
        Err(e) => Err(e),
    };
    let back_to_editor = action == "revise";
    match result {
        Ok(_) => {
            let note = state.app.get_opinion(&user.actor, id).await.ok().and_then(|v| v.events.last().map(|e| e.note.clone()));
            let label = P::action(&action);
            flash(&user.session, &format!("已{}", note.filter(|n| !n.is_empty()).unwrap_or_else(|| label.to_string()))).await;
            let to = if back_to_editor { format!("/opinions/{id}/revisions") } else { format!("/opinions/{id}") };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let errors = match e {
                AppError::InvalidTransition(m) => Errors::from_list(&[FieldError::new("action", m)]),
                e => form_errors(e)?,
            };
            if back_to_editor {
                return Ok(render_invalid(&revisions_page(&state, &user, id, f, errors).await?));
            }
            Ok(render_invalid(&detail_page(&state, &user, id, errors, action).await?))
        }
    }
}

#[derive(Template)]
#[template(path = "opinion_revisions.html")]
struct RevisionsPage {
    l: Layout,
    v: OpinionView,
    /// The editor's fields (the current text, or what was sent when it failed).
    f: FormData,
    errors: Errors,
    rules: OpinionRules,
}

impl RevisionsPage {
    fn can_revise(&self) -> bool {
        self.v.actions.contains(&"revise")
    }
    fn body_chars(&self) -> usize {
        P::chars(self.f.get("body"))
    }
    fn over(&self) -> bool {
        self.body_chars() > self.rules.body_max_chars
    }
}

async fn revisions_page(state: &AppState, user: &PageUser, id: i64, f: FormData, errors: Errors) -> Result<RevisionsPage, PageError> {
    let v = state.app.get_opinion(&user.actor, id).await?;
    if v.access != eline_domain::Access::Full {
        return Err(PageError(AppError::NotFound));
    }
    let f = if f.0.is_empty() { FormData(vec![("title".into(), v.o.title.clone()), ("body".into(), v.o.body.clone())]) } else { f };
    let rules = state.app.current_opinion_rules(&user.actor).await?;
    let title = if v.actions.contains(&"revise") { "编辑修改" } else { "修改记录" };
    let back = format!("/opinions/{id}");
    let l = Layout::page(state, user, &format!("{back}/revisions"), title, &[("社情民意", "/opinions"), (v.o.title.as_str(), back.as_str())]).await?;
    Ok(RevisionsPage { l, v, f, errors, rules })
}

/// 修改记录: every kept revision with its inline diff; the office's editor while it may revise.
pub(super) async fn revisions(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    Ok(render(&revisions_page(&state, &user, id, FormData::default(), Errors::default()).await?))
}
