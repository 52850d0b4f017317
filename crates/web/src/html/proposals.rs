//! Proposal pages for every role: lists with deadlines, writing, the detail page with the
//! timeline and a form for each action the user may take, bulk assignment, the reply letter.

use super::PagePath;
use super::PageQuery;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use eline_app::proposals::{ActionInput, AssignInput, DraftInput, ListQuery, ProposalView};
use eline_app::{AppError, Page};
use eline_domain::org::DirectoryKind;
use eline_domain::proposal::{Kind, ProposalRules, Status};
use eline_domain::{FieldError, Role};
use eline_storage::directory::{Entry, Session};
use eline_storage::proposals::Row;
use serde::Deserialize;

use super::{Errors, F, FormData, Layout, flash, form_errors, render, render_invalid};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/proposals", get(list).post(create))
        .route("/proposals/new", get(new_form))
        .route("/proposals/assign", post(bulk_assign))
        .route("/proposals/{id}", get(detail))
        .route("/proposals/{id}/edit", get(edit_form).post(update))
        .route("/proposals/{id}/act/{action}", post(act))
        .route("/proposals/{id}/letter", get(letter))
        .route("/proposals/{id}/files", post(upload))
        .route("/proposals/{id}/files/{file}", get(download))
}

/// File labels callable from templates as `Pf::…`.
pub struct Pf;

impl Pf {
    pub fn purpose(p: &str) -> &'static str {
        eline_app::proposals::purpose_label(p)
    }
    pub fn size(n: &i64) -> String {
        match *n {
            n if n >= 1024 * 1024 => format!("{:.1}MB", n as f64 / 1048576.0),
            n if n >= 1024 => format!("{}KB", n / 1024),
            n => format!("{n}B"),
        }
    }
}

/// Labels callable from templates as `P::…`.
pub struct P;

impl P {
    pub fn status(s: &Status) -> &'static str {
        s.label()
    }
    pub fn kind(k: &Kind) -> &'static str {
        k.label()
    }
    pub fn number(n: &Option<i64>) -> String {
        n.map(|n| format!("第{n:04}号")).unwrap_or_default()
    }
    pub fn satisfaction(s: &eline_domain::proposal::Satisfaction) -> &'static str {
        s.label()
    }
    pub fn role(r: &eline_domain::proposal::UnitRole) -> &'static str {
        r.label()
    }
    pub fn cosign(s: &eline_domain::proposal::CosignStatus) -> &'static str {
        s.label()
    }
    pub fn action(a: &str) -> &'static str {
        match a {
            "create" => "起草",
            "edit" => "修改",
            "merge" => "并案",
            "attach" => "上传附件",
            other => eline_domain::proposal::Act::parse(other).map(|a| a.label()).unwrap_or(""),
        }
    }
    pub fn days(due: &Option<String>) -> String {
        let Some(d) = due.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) else { return String::new() };
        eline_domain::calendar::days_left_label(eline_app::proposals::today(), d)
    }
    pub fn overdue(due: &Option<String>, status: &Status) -> bool {
        status.awaits_reply()
            && due.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).is_some_and(|d| d < eline_app::proposals::today())
    }
    pub fn queue(q: &str) -> &'static str {
        match q {
            "objection" => "调整申请",
            "extension" => "延期申请",
            "to_close" => "待办结",
            "lookback" => "承诺待落实（回头看）",
            _ => "",
        }
    }
    pub fn awaiting(status: &Status) -> bool {
        status.awaits_reply()
    }
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    scope: Option<String>,
    status: Option<String>,
    session_id: Option<String>,
    kind: Option<String>,
    q: Option<String>,
    key: Option<String>,
    due: Option<String>,
    queue: Option<String>,
    cursor: Option<String>,
}

impl ListParams {
    fn query(&self) -> ListQuery {
        ListQuery {
            scope: self.scope.clone().filter(|s| !s.is_empty()),
            status: self.status.clone().filter(|s| !s.is_empty()),
            session_id: self.session_id.as_deref().and_then(|s| s.parse().ok()),
            kind: self.kind.clone().filter(|s| !s.is_empty()),
            key_only: self.key.is_some(),
            due_within_days: self.due.as_deref().and_then(|d| d.parse().ok()),
            q: self.q.clone().filter(|s| !s.is_empty()),
            queue: self.queue.clone().filter(|s| !s.is_empty()),
        }
    }
    fn qs(&self) -> String {
        let pairs: Vec<(&str, String)> = [
            ("scope", &self.scope),
            ("status", &self.status),
            ("session_id", &self.session_id),
            ("kind", &self.kind),
            ("q", &self.q),
            ("key", &self.key),
            ("due", &self.due),
            ("queue", &self.queue),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
    fn is(&self, key: &str, value: &str) -> bool {
        let v = match key {
            "scope" => &self.scope,
            "status" => &self.status,
            "session_id" => &self.session_id,
            "kind" => &self.kind,
            "due" => &self.due,
            _ => &None,
        };
        v.as_deref() == Some(value)
    }
    fn has_filters(&self) -> bool {
        [&self.status, &self.session_id, &self.kind, &self.q, &self.key, &self.due, &self.queue].iter().any(|v| v.as_deref().is_some_and(|s| !s.is_empty()))
    }
    fn text(&self) -> &str {
        self.q.as_deref().unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "proposals_list.html")]
struct ListPage {
    l: Layout,
    page: Page<Row>,
    p: ListParams,
    qs: String,
    scopes: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    sessions: Vec<Session>,
    units: Vec<Entry>,
    staff: bool,
    leader: bool,
    can_write: bool,
    errors: Errors,
}

fn scopes_for(actor: &eline_domain::Actor) -> Vec<(&'static str, &'static str)> {
    let mut v = Vec::new();
    if actor.has(Role::Staff) {
        v.push(("all", "全部提案"));
        v.push(("mine", "我录入的"));
    } else if actor.has(Role::Leader) {
        v.push(("all", "已立案提案"));
    }
    if actor.has(Role::Leader) {
        v.push(("supervised", "我督办的"));
    }
    if actor.has(Role::Member) && actor.member_id.is_some() {
        v.push(("mine", "我的提案"));
    }
    if actor.has(Role::Unit) && actor.unit_id.is_some() {
        v.push(("unit", "本单位承办"));
    }
    v.push(("public", "公开的提案"));
    v.dedup_by_key(|(k, _)| *k);
    v
}

async fn list_page(state: &AppState, user: &PageUser, mut p: ListParams, errors: Errors) -> Result<ListPage, PageError> {
    if p.scope.as_deref().is_none_or(str::is_empty) {
        // Mark the tab of the list shown by default.
        p.scope = Some(eline_app::proposals::default_scope(&user.actor).to_string());
    }
    let page = state.app.list_proposals(&user.actor, &p.query(), p.cursor.as_deref(), 50).await?;
    let staff = user.actor.has(Role::Staff);
    let units = if staff { state.app.directory_choices(&user.actor, DirectoryKind::Unit).await? } else { vec![] };
    let sessions = state.app.list_sessions(&user.actor, false, None, 50).await?.items;
    let l = Layout::page(state, user, "/proposals", "提案", &[]).await?;
    let qs = p.qs();
    Ok(ListPage {
        l,
        page,
        qs,
        scopes: scopes_for(&user.actor),
        statuses: Status::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        sessions,
        units,
        staff,
        leader: user.actor.has(Role::Leader),
        can_write: (user.actor.has(Role::Member) && user.actor.member_id.is_some()) || staff,
        errors,
        p,
    })
}

async fn list(State(state): State<AppState>, user: PageUser, PageQuery(p): PageQuery<ListParams>) -> Result<Response, PageError> {
    Ok(render(&list_page(&state, &user, p, Errors::default()).await?))
}

async fn bulk_assign(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let mut errs = Vec::new();
    let items: Vec<(i64, Option<i64>)> = f.ints("ids").into_iter().map(|id| (id, None)).collect();
    let input = AssignInput {
        lead_unit_id: f.int("lead_unit_id", "主办单位", &mut errs),
        co_unit_ids: f.ints("co_unit_ids"),
        split_unit_ids: vec![],
        comment: f.opt("comment"),
        version: None,
    };
    let result = if errs.is_empty() { state.app.assign_many(&user.actor, &items, &input).await } else { Err(AppError::Validation(errs)) };
    match result {
        Ok(n) => {
            flash(&user.session, &format!("已交办{n}件提案")).await;
            Ok(Redirect::to("/proposals?status=assigned").into_response())
        }
        Err(AppError::InvalidTransition(m)) => {
            let errors = Errors::from_list(&[FieldError::new("ids", m)]);
            Ok(render_invalid(&list_page(&state, &user, ListParams { status: Some("filed".into()), ..Default::default() }, errors).await?))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            Ok(render_invalid(&list_page(&state, &user, ListParams { status: Some("filed".into()), ..Default::default() }, errors).await?))
        }
    }
}

#[derive(Template)]
#[template(path = "proposal_form.html")]
struct FormPage {
    l: Layout,
    id: Option<i64>,
    f: FormData,
    members: Vec<(i64, String)>,
    organizations: Vec<Entry>,
    sessions: Vec<Session>,
    /// May write collective proposals: the office (any organisation) or an organisation's delegate.
    collective: bool,
    errors: Errors,
    hint: Option<&'static str>,
    rules: ProposalRules,
}

impl FormPage {
    fn is(&self, key: &str, value: &str) -> bool {
        self.f.get(key) == value
    }
    fn has(&self, key: &str, value: &i64) -> bool {
        self.f.all(key).iter().any(|v| v == &value.to_string())
    }
}

async fn form_page(state: &AppState, user: &PageUser, id: Option<i64>, f: FormData, errors: Errors) -> Result<FormPage, PageError> {
    let title = if id.is_some() { "修改提案草稿" } else { "撰写提案" };
    let path = id.map(|i| format!("/proposals/{i}/edit")).unwrap_or_else(|| "/proposals/new".into());
    let l = Layout::page(state, user, &path, title, &[("提案", "/proposals")]).await?;
    let staff = user.actor.has(Role::Staff);
    let collective = staff || user.actor.organization_id.is_some();
    let members = if user.actor.has(Role::Member) {
        state.app.member_choices(&user.actor).await?.into_iter().filter(|(mid, _)| Some(*mid) != user.actor.member_id).collect()
    } else {
        vec![]
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
    Ok(FormPage { l, id, f, members, organizations, sessions, collective, errors, hint, rules })
}

fn draft_of(f: &FormData) -> DraftInput {
    DraftInput {
        title: f.get("title").to_string(),
        body: f.get("body").to_string(),
        kind: f.opt("kind"),
        cosigner_ids: f.ints("cosigner_ids"),
        organization_id: f.get("organization_id").parse().ok(),
        session_id: f.get("session_id").parse().ok(),
    }
}

async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let kind = if user.actor.has(Role::Member) { "individual" } else { "collective" };
    Ok(render(&form_page(&state, &user, None, FormData(vec![("kind".into(), kind.into())]), Errors::default()).await?))
}

async fn create(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
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

async fn edit_form(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
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
    Ok(render(&form_page(&state, &user, Some(id), FormData(pairs), Errors::default()).await?))
}

async fn update(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
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

#[derive(Template)]
#[template(path = "proposal_detail.html")]
struct DetailPage {
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
}

async fn detail_page(state: &AppState, user: &PageUser, id: i64, errors: Errors, failed_action: String) -> Result<DetailPage, PageError> {
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
    let staff = user.actor.has(Role::Staff);
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
    let l = Layout::page(state, user, &format!("/proposals/{id}"), title, &[("提案", "/proposals")]).await?;
    Ok(DetailPage {
        l,
        v,
        errors,
        failed_action,
        units,
        leaders,
        merge_targets,
        rules: state.app.current_proposal_rules(&user.actor).await?,
        reply_templates,
        reply_prefill,
        similar,
        merge_candidates,
        unit_suggestions,
    })
}

#[derive(Deserialize)]
struct DetailQuery {
    /// A reply template to fill the reply form with.
    template: Option<i64>,
}

async fn detail(
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

async fn act(State(state): State<AppState>, user: PageUser, PagePath((id, action)): PagePath<(i64, String)>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let version = f.get("version").parse().ok();
    let result = match form_input(&action, &f) {
        Ok(input) => state.app.act(&user.actor, id, version, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(p) => {
            let label = eline_domain::proposal::Act::parse(&action).map(|a| a.label()).unwrap_or("操作");
            flash(&user.session, &format!("{label}：已完成（当前状态：{}）", p.status.label())).await;
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

#[derive(Template)]
#[template(path = "proposal_letter.html")]
struct LetterPage {
    v: ProposalView,
    committee: String,
    reply: eline_storage::proposals::Reply,
    class_label: String,
    date: String,
}

/// The reply letter (答复函) in an A4 print layout: the latest reply of the viewer's unit, or the latest reply.
async fn letter(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let v = state.app.get_proposal(&user.actor, id).await?;
    let mine = user.actor.unit_id.filter(|_| user.actor.has(Role::Unit));
    let reply =
        v.replies.iter().rev().find(|r| mine.is_none_or(|u| r.unit_id == u)).or_else(|| v.replies.last()).cloned().ok_or(PageError(AppError::NotFound))?;
    let committee = state.app.committee_name(user.actor.committee_id).await?;
    let class_label = state.app.current_proposal_rules(&user.actor).await?.reply_class_label(&reply.class).unwrap_or("").to_string();
    let date = F::time(&reply.at).chars().take(10).collect();
    Ok(render(&LetterPage { v, committee, reply, class_label, date }))
}

#[derive(Deserialize)]
struct UploadQuery {
    purpose: Option<String>,
}

async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<UploadQuery>,
    multipart: crate::html::Upload,
) -> Result<Response, PageError> {
    let purpose = q.purpose.unwrap_or_default();
    let result = match super::read_upload(multipart).await {
        Ok((name, bytes)) => state.app.attach_to_proposal(&user.actor, id, &purpose, &name, &bytes).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(a) => {
            flash(&user.session, &format!("已上传“{}”", a.file_name)).await;
            Ok(Redirect::to(&format!("/proposals/{id}#files")).into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            Ok(render_invalid(&detail_page(&state, &user, id, errors, String::new()).await?))
        }
    }
}

/// Serves a stored file as a download (never rendered inline).
pub fn file_response(a: &eline_storage::attachments::Attachment, bytes: Vec<u8>) -> Response {
    let disposition = super::attachment_disposition(&a.file_name);
    (
        [
            (axum::http::header::CONTENT_TYPE, a.content_type.clone()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
            (axum::http::header::CACHE_CONTROL, "private, max-age=300".to_string()),
        ],
        bytes,
    )
        .into_response()
}

async fn download(State(state): State<AppState>, user: PageUser, PagePath((id, file)): PagePath<(i64, i64)>) -> Result<Response, PageError> {
    let (a, bytes) = state.app.proposal_file(&user.actor, id, file).await?;
    Ok(file_response(&a, bytes))
}
