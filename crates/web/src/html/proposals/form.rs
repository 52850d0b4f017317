//! Writing a proposal: the draft form (new and edit), saved or submitted at once.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use eline_app::AppError;
use eline_app::proposals::{ActionInput, DraftInput};
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource, can};
use eline_domain::proposal::{Kind, ProposalRules};
use eline_storage::directory::{Entry, Session};

use super::office;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::picker::{Picker, interact};
use crate::html::{Errors, FormData, Layout, PagePath, flash, form_errors, render, render_invalid};
use eline_app::pickers::Source;

#[derive(Template)]
#[template(path = "proposal_form.html")]
struct FormPage {
    l: Layout,
    id: Option<i64>,
    f: FormData,
    /// The co-signers' picker, when the writer may write joint proposals.
    cosigners: Option<Picker>,
    organizations: Vec<Entry>,
    sessions: Vec<Session>,
    /// May write collective proposals: the office (any organisation) or an organisation's delegate.
    collective: bool,
    errors: Errors,
    hint: Option<&'static str>,
    rules: ProposalRules,
    /// The units the proposer suggests (建议承办单位), picked by name or initials.
    suggested: Picker,
}

impl FormPage {
    fn is(&self, key: &str, value: &str) -> bool {
        self.f.get(key) == value
    }
    /// The form offers individual and joint proposals (the writer is a member).
    fn personal(&self) -> bool {
        self.cosigners.is_some()
    }
}

async fn form_page(state: &AppState, user: &PageUser, id: Option<i64>, f: FormData, errors: Errors) -> Result<FormPage, PageError> {
    form_page_picking(state, user, id, f, errors, None).await
}

async fn form_page_picking(
    state: &AppState,
    user: &PageUser,
    id: Option<i64>,
    f: FormData,
    errors: Errors,
    searched: Option<&str>,
) -> Result<FormPage, PageError> {
    let title = if id.is_some() { "修改提案草稿" } else { "撰写提案" };
    let path = id.map(|i| format!("/proposals/{i}/edit")).unwrap_or_else(|| "/proposals/new".into());
    let l = Layout::page(state, user, &path, title, &[("提案", "/proposals")]).await?;
    let staff = office(&user.actor);
    let collective = can(&user.actor, Action::WriteProposal(Kind::Collective), Resource::Any);
    let cosigners = if can(&user.actor, Action::WriteProposal(Kind::Joint), Resource::Any) {
        let p = Picker::new(
            "cosigner_ids",
            Source::Members,
            true,
            "联名委员（联名提案必选）",
            "按姓名、拼音首字母（如 zs）或界别查找，点选添加；所选委员将收到确认请求",
        );
        let mut p = p.load(state, &user.actor, &f, searched, errors.get("cosigner_ids")).await?;
        if let Some(results) = p.results.as_mut() {
            results.retain(|c| Some(c.id) != user.actor.member_id);
        }
        Some(p)
    } else {
        None
    };
    let organizations = if collective {
        let mine = user.actor.organization_id.filter(|_| !staff);
        state.app.directory_choices(&user.actor, DirectoryKind::Organization).await?.into_iter().filter(|o| mine.is_none_or(|m| m == o.id)).collect()
    } else {
        vec![]
    };
    let sessions = state.app.list_sessions(&user.actor, false, None, 20).await?.items;
    let hint = eline_domain::proposal::Text { title: f.get("title").to_string(), body: String::new() }.one_matter_hint();
    let rules = state.app.current_proposal_rules(&user.actor).await?;
    let suggested = Picker::new("suggested_unit_ids", Source::Units, true, "建议承办单位（可选，最多5个）", "供政协机关交办时参考；按单位名称或拼音首字母查找")
        .load(state, &user.actor, &f, searched, errors.get("suggested_unit_ids"))
        .await?;
    Ok(FormPage { l, id, f, cosigners, organizations, sessions, collective, errors, hint, rules, suggested })
}

fn draft_of(f: &FormData) -> DraftInput {
    DraftInput {
        title: f.get("title").to_string(),
        body: f.get("body").to_string(),
        kind: f.opt("kind"),
        cosigner_ids: f.ints("cosigner_ids"),
        organization_id: f.get("organization_id").parse().ok(),
        session_id: f.get("session_id").parse().ok(),
        category: f.opt("category"),
        occasion: f.opt("occasion"),
        suggested_unit_ids: f.ints("suggested_unit_ids"),
        publish_consent: match f.get("publish_consent") {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
    }
}

pub(super) async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let kind = if can(&user.actor, Action::WriteProposal(Kind::Individual), Resource::Any) { Kind::Individual } else { Kind::Collective };
    // A new proposal is a plenary one (大会提案) unless the proposer says otherwise.
    let start = FormData(vec![("kind".into(), kind.as_str().into()), ("occasion".into(), "plenary".into())]);
    Ok(render(&form_page(&state, &user, None, start, Errors::default()).await?))
}

/// A picker button was pressed: the form again, changed, nothing saved.
async fn picking(state: &AppState, user: &PageUser, id: Option<i64>, f: &mut FormData) -> Result<Option<Response>, PageError> {
    let Some(searched) = interact(f, &[("cosigner_ids", true), ("suggested_unit_ids", true)]) else { return Ok(None) };
    let page = form_page_picking(state, user, id, std::mem::take(f), Errors::default(), Some(&searched)).await?;
    Ok(Some(render(&page)))
}

pub(super) async fn create(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let mut f = FormData::parse(&body);
    if let Some(page) = picking(&state, &user, None, &mut f).await? {
        return Ok(page);
    }
    match state.app.create_proposal(&user.actor, &draft_of(&f)).await {
        Ok(p) => {
            if f.get("then") == "submit" {
                match state.app.act(&user.actor, p.id, None, ActionInput::Submit(Default::default())).await {
                    Ok(_) => flash(&user.session, "提案已提交").await,
                    Err(e) => flash(&user.session, &format!("草稿已保存，但未能提交：{e}")).await,
                }
            } else {
                flash(&user.session, "草稿已保存").await;
            }
            Ok(Redirect::to(&format!("/proposals/{}", p.id)).into_response())
        }
        Err(e) => Ok(render_invalid(&form_page(&state, &user, None, f, form_errors(e)?).await?)),
    }
}

pub(super) async fn edit_form(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let v = state.app.get_proposal(&user.actor, id).await?;
    if !v.allowed_actions.contains(&"edit") {
        return Err(PageError(AppError::InvalidTransition("只有提案人可以修改草稿".into())));
    }
    let mut pairs = vec![
        ("title".to_string(), v.proposal.title.clone()),
        ("body".into(), v.proposal.body.clone()),
        ("kind".into(), v.proposal.kind.to_string()),
        ("version".into(), v.proposal.version.to_string()),
        ("session_id".into(), v.proposal.session_id.to_string()),
    ];
    if let Some(o) = v.proposal.organization_id {
        pairs.push(("organization_id".into(), o.to_string()));
    }
    pairs.extend(v.cosigners.iter().map(|c| ("cosigner_ids".to_string(), c.member_id.to_string())));
    pairs.extend(v.suggested_units.iter().map(|(u, _)| ("suggested_unit_ids".to_string(), u.to_string())));
    pairs.extend(v.proposal.category.iter().map(|c| ("category".to_string(), c.clone())));
    pairs.extend(v.proposal.occasion.iter().map(|o| ("occasion".to_string(), o.clone())));
    pairs.extend(v.proposal.publish_consent.map(|c| ("publish_consent".to_string(), c.to_string())));
    Ok(render(&form_page(&state, &user, Some(id), FormData(pairs), Errors::default()).await?))
}

pub(super) async fn update(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let mut f = FormData::parse(&body);
    if let Some(page) = picking(&state, &user, Some(id), &mut f).await? {
        return Ok(page);
    }
    let version = f.get("version").parse().unwrap_or(0);
    match state.app.update_draft(&user.actor, id, version, &draft_of(&f)).await {
        Ok(_) => {
            if f.get("then") == "submit" {
                match state.app.act(&user.actor, id, None, ActionInput::Submit(Default::default())).await {
                    Ok(_) => flash(&user.session, "提案已提交").await,
                    Err(e) => flash(&user.session, &format!("已保存，但未能提交：{e}")).await,
                }
            } else {
                flash(&user.session, "草稿已保存").await;
            }
            Ok(Redirect::to(&format!("/proposals/{id}")).into_response())
        }
        Err(e) => Ok(render_invalid(&form_page(&state, &user, Some(id), f, form_errors(e)?).await?)),
    }
}

/// 删除草稿: the proposer's own draft, after the page's confirmation.
pub(super) async fn delete(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let title = state.app.get_proposal(&user.actor, id).await?.proposal.title;
    state.app.delete_draft(&user.actor, id, f.get("version").parse().ok()).await?;
    flash(&user.session, &format!("已删除草稿“{title}”")).await;
    Ok(Redirect::to("/proposals?scope=mine").into_response())
}
