//! Writing a report: the form (new and edit, saved or submitted at once) with the character count
//! against the committee's limit — counted by the server on every showing, live with app.js —,
//! the 资政之声 box and, for the office, whom it writes for (a member by the picker, an
//! organisation, special committee or sector, or an informant by name). Deleting a draft;
//! turning a report into a proposal draft.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use eline_app::AppError;
use eline_app::opinions::{OpinionAction, OpinionDraft};
use eline_app::pickers::Source;
use eline_domain::opinion::{Channel, OpinionRules, Status, Submitter};
use eline_domain::org::DirectoryKind;
use eline_domain::{Actor, Role};
use eline_storage::directory::Entry;

use super::P;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::picker::{Picker, interact};
use crate::html::{Errors, FormData, Layout, PagePath, flash, form_errors, render, render_invalid};

#[derive(Template)]
#[template(path = "opinion_form.html")]
struct FormPage {
    l: Layout,
    id: Option<i64>,
    f: FormData,
    errors: Errors,
    rules: OpinionRules,
    /// The office writes for someone: the member picker and the directory's lists.
    office: Option<OfficeChoices>,
    /// The reason the office gave when it returned the report (edit of a returned report).
    return_reason: Option<String>,
}

/// What the office chooses from when it writes for a submitter.
struct OfficeChoices {
    member: Picker,
    organizations: Vec<Entry>,
    committees: Vec<Entry>,
    sectors: Vec<Entry>,
}

impl FormPage {
    fn is(&self, key: &str, value: &str) -> bool {
        self.f.get(key) == value
    }
    fn body_chars(&self) -> usize {
        P::chars(self.f.get("body"))
    }
    fn over(&self) -> bool {
        self.body_chars() > self.rules.body_max_chars
    }
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Submitter::ALL.iter().filter(|k| **k != Submitter::Committee).map(|k| (k.as_str(), k.label())).collect()
    }
    /// The directory lists the office picks an organisation, committee or sector from.
    /// (submitter kind, field, label, entries).
    fn lists<'a>(&self, o: &'a OfficeChoices) -> [(&'static str, &'static str, &'static str, &'a [Entry]); 3] {
        [
            ("organization", "organization_id", "党派团体", &o.organizations),
            ("special_committee", "special_committee_id", "专委会", &o.committees),
            ("sector", "sector_id", "界别", &o.sectors),
        ]
    }
    fn picked(&self, field: &str, id: &i64) -> bool {
        self.f.get(field) == id.to_string()
    }
}

/// Whether the office writes for someone else: a staff account that is not itself a member.
fn writes_for_others(actor: &Actor) -> bool {
    actor.has(Role::Staff) && actor.member_id.is_none()
}

async fn form_page(state: &AppState, user: &PageUser, id: Option<i64>, f: FormData, errors: Errors, searched: Option<&str>) -> Result<FormPage, PageError> {
    let title = if id.is_some() { "修改信息" } else { "撰写社情民意信息" };
    let path = id.map(|i| format!("/opinions/{i}/edit")).unwrap_or_else(|| "/opinions/new".into());
    let l = Layout::page(state, user, &path, title, &[("社情民意", "/opinions")]).await?;
    let rules = state.app.current_opinion_rules(&user.actor).await?;
    let office = if writes_for_others(&user.actor) && id.is_none() {
        let a = &user.actor;
        let member = Picker::new("member_id", Source::Members, false, "报送委员", "按姓名、拼音首字母（如 zs）或界别查找，点选一位")
            .load(state, a, &f, searched, errors.get("submitter_id"))
            .await?;
        Some(OfficeChoices {
            member,
            organizations: state.app.directory_choices(a, DirectoryKind::Organization).await?,
            committees: state.app.directory_choices(a, DirectoryKind::SpecialCommittee).await?,
            sectors: state.app.directory_choices(a, DirectoryKind::Sector).await?,
        })
    } else {
        None
    };
    let return_reason = match id {
        Some(i) => state.app.get_opinion(&user.actor, i).await?.o,
        None => return Ok(FormPage { l, id, f, errors, rules, office, return_reason: None }),
    };
    let return_reason = return_reason.return_reason.filter(|_| return_reason.status == Status::Returned);
    Ok(FormPage { l, id, f, errors, rules, office, return_reason })
}

/// The form as the typed input: the submitter's id comes from the list of the kind chosen.
fn draft_of(f: &FormData) -> OpinionDraft {
    let kind = f.opt("submitter_kind");
    let field = match kind.as_deref() {
        Some("member") => "member_id",
        Some("organization") => "organization_id",
        Some("special_committee") => "special_committee_id",
        Some("sector") => "sector_id",
        _ => "",
    };
    OpinionDraft {
        title: f.get("title").to_string(),
        body: f.get("body").to_string(),
        direct: f.checked("direct"),
        submitter_kind: kind,
        submitter_id: f.get(field).trim().parse().ok(),
        author_name: f.opt("author_name").filter(|_| f.get("submitter_kind") == "informant"),
        version: f.get("version").parse().ok(),
    }
}

pub(super) async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    if !eline_domain::opinion::may_write(&user.actor) {
        return Err(PageError(AppError::Forbidden));
    }
    let start = if writes_for_others(&user.actor) { FormData(vec![("submitter_kind".into(), "member".into())]) } else { FormData::default() };
    Ok(render(&form_page(&state, &user, None, start, Errors::default(), None).await?))
}

/// A picker button was pressed: the form again, changed, nothing saved.
async fn picking(state: &AppState, user: &PageUser, id: Option<i64>, f: &mut FormData) -> Result<Option<Response>, PageError> {
    let Some(searched) = interact(f, &[("member_id", false)]) else { return Ok(None) };
    let page = form_page(state, user, id, std::mem::take(f), Errors::default(), Some(&searched)).await?;
    Ok(Some(render(&page)))
}

/// Submits the saved report when the writer asked for it ("保存并提交").
async fn then_submit(state: &AppState, user: &PageUser, id: i64, f: &FormData, saved: &str) {
    if f.get("then") == "submit" {
        match state.app.opinion_act(&user.actor, id, None, OpinionAction::Submit(Default::default())).await {
            Ok(_) => flash(&user.session, "信息已提交，政协机关信息科将在处理期限内处理").await,
            Err(e) => flash(&user.session, &format!("{saved}，但未能提交：{e}")).await,
        }
    } else {
        flash(&user.session, saved).await;
    }
}

pub(super) async fn create(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let mut f = FormData::parse(&body);
    if let Some(page) = picking(&state, &user, None, &mut f).await? {
        return Ok(page);
    }
    match state.app.create_opinion(&user.actor, &draft_of(&f)).await {
        Ok(o) => {
            then_submit(&state, &user, o.id, &f, "草稿已保存").await;
            Ok(Redirect::to(&format!("/opinions/{}", o.id)).into_response())
        }
        Err(e) => Ok(render_invalid(&form_page(&state, &user, None, f, form_errors(e)?, None).await?)),
    }
}

pub(super) async fn edit_form(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let v = state.app.get_opinion(&user.actor, id).await?;
    if !v.editable {
        return Err(PageError(AppError::InvalidTransition("只有草稿或退回修改的信息可以由报送人修改".into())));
    }
    let mut pairs = vec![("title".to_string(), v.o.title.clone()), ("body".into(), v.o.body.clone()), ("version".into(), v.o.version.to_string())];
    if v.o.channel == Channel::Direct {
        pairs.push(("direct".into(), "true".into()));
    }
    Ok(render(&form_page(&state, &user, Some(id), FormData(pairs), Errors::default(), None).await?))
}

pub(super) async fn update(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let version = f.get("version").parse().ok();
    match state.app.update_opinion(&user.actor, id, version, &draft_of(&f)).await {
        Ok(_) => {
            then_submit(&state, &user, id, &f, "已保存").await;
            Ok(Redirect::to(&format!("/opinions/{id}")).into_response())
        }
        Err(e) => Ok(render_invalid(&form_page(&state, &user, Some(id), f, form_errors(e)?, None).await?)),
    }
}

/// 删除草稿: the author's own draft, after the page's confirmation.
pub(super) async fn delete(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let title = state.app.get_opinion(&user.actor, id).await?.o.title;
    state.app.delete_opinion(&user.actor, id, f.get("version").parse().ok()).await?;
    flash(&user.session, &format!("已删除草稿“{title}”")).await;
    Ok(Redirect::to("/opinions?scope=mine").into_response())
}

/// 转为提案: the author's report becomes a proposal draft, which opens for editing.
pub(super) async fn convert(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let p = state.app.convert_opinion_to_proposal(&user.actor, id).await?;
    flash(&user.session, "已转为提案草稿：请按提案的要求补充完善后提交").await;
    Ok(Redirect::to(&format!("/proposals/{}/edit", p.id)).into_response())
}
