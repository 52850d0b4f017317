//! The issue list by year and series (drafts first, for the office) and a new issue's form.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use eline_app::bulletins::{BulletinFilter, BulletinInput};
use eline_domain::opinion::{BulletinStatus, Channel};
use eline_domain::policy::{Action, Resource, can};
use eline_storage::bulletins::{Candidate, Row};

use super::B;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::{Errors, FormData, Layout, PageQuery, flash, form_errors, render, render_invalid};

#[derive(Template)]
#[template(path = "bulletins_list.html")]
struct ListPage {
    l: Layout,
    f: BulletinFilter,
    office: bool,
    drafts: Vec<Row>,
    issued: Vec<Row>,
    next: Option<String>,
    years: Vec<i64>,
}

impl ListPage {
    /// The list's URL with the filter changed as given (the cursor dropped).
    fn href(&self, series: &Option<Channel>, year: &Option<i64>) -> String {
        let f = BulletinFilter { series: *series, year: *year, status: None, cursor: None, limit: None };
        let q = serde_urlencoded::to_string(&f).unwrap_or_default();
        if q.is_empty() { "/bulletins".into() } else { format!("/bulletins?{q}") }
    }
    fn series_tabs(&self) -> Vec<(Option<Channel>, &'static str)> {
        vec![(None, "全部期刊"), (Some(Channel::Opinion), "《社情民意》"), (Some(Channel::Direct), "《资政之声》")]
    }
    fn all_years_href(&self) -> String {
        self.href(&self.f.series, &None)
    }
    fn year_href(&self, y: &i64) -> String {
        self.href(&self.f.series, &Some(*y))
    }
    fn is_year(&self, y: &i64) -> bool {
        self.f.year == Some(*y)
    }
}

pub(super) async fn list(State(state): State<AppState>, user: PageUser, PageQuery(f): PageQuery<BulletinFilter>) -> Result<Response, PageError> {
    let a = &user.actor;
    let office = can(a, Action::ManageBulletins, Resource::Any);
    // The office's drafts stand above the issued ones (on the first page, whatever the filter).
    let drafts = if office && f.cursor.is_none() && f.status.is_none() {
        state.app.list_bulletins(a, &BulletinFilter { status: Some(BulletinStatus::Draft), cursor: None, ..f.clone() }).await?.items
    } else {
        Vec::new()
    };
    let shown = BulletinFilter { status: Some(f.status.unwrap_or(BulletinStatus::Issued)), ..f.clone() };
    let page = state.app.list_bulletins(a, &shown).await?;
    let next = page.next_cursor.map(|c| {
        let q = serde_urlencoded::to_string(BulletinFilter { cursor: Some(c), ..f.clone() }).unwrap_or_default();
        format!("/bulletins?{q}")
    });
    let years = state.app.bulletin_years(a).await?;
    let l = Layout::page(&state, &user, "/bulletins", "期刊", &[]).await?;
    Ok(render(&ListPage { l, f, office, drafts, issued: page.items, next, years }))
}

#[derive(Template)]
#[template(path = "bulletin_new.html")]
struct NewPage {
    l: Layout,
    f: FormData,
    errors: Errors,
    opinion: Vec<Candidate>,
    direct: Vec<Candidate>,
}

impl NewPage {
    fn is(&self, key: &str, value: &str) -> bool {
        self.f.get(key) == value
    }
}

async fn new_page(state: &AppState, user: &PageUser, f: FormData, errors: Errors) -> Result<NewPage, PageError> {
    let opinion = state.app.compilable_reports(&user.actor, Channel::Opinion).await?;
    let direct = state.app.compilable_reports(&user.actor, Channel::Direct).await?;
    let l = Layout::page(state, user, "/bulletins/new", "编辑新一期", &[("期刊", "/bulletins")]).await?;
    Ok(NewPage { l, f, errors, opinion, direct })
}

#[derive(serde::Deserialize, Default)]
pub(super) struct NewQuery {
    series: Option<String>,
    opinion_id: Option<String>,
}

pub(super) async fn new_form(State(state): State<AppState>, user: PageUser, PageQuery(q): PageQuery<NewQuery>) -> Result<Response, PageError> {
    if !can(&user.actor, Action::ManageBulletins, Resource::Any) {
        return Err(PageError(eline_app::AppError::Forbidden));
    }
    let editor_unit = state.app.bulletin_editor_unit(&user.actor).await?;
    let f = FormData(vec![
        ("series".into(), q.series.unwrap_or_else(|| "opinion".into())),
        ("form".into(), "single".into()),
        ("editor_unit".into(), editor_unit),
        ("opinion_id".into(), q.opinion_id.unwrap_or_default()),
    ]);
    Ok(render(&new_page(&state, &user, f, Errors::default()).await?))
}

pub(super) async fn create(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let result = match crate::form::parse::<BulletinInput>(&f.0) {
        Ok(input) => state.app.create_bulletin(&user.actor, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(b) => {
            flash(&user.session, &format!("已新建期刊“{}”，请编入信息、填写签发和报送后印发", b.title)).await;
            Ok(Redirect::to(&format!("/bulletins/{}", b.id)).into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            Ok(render_invalid(&new_page(&state, &user, f, errors).await?))
        }
    }
}

impl B {
    /// A list row's number: 第3期, or 待印发.
    pub fn number(r: &Row) -> String {
        if r.number > 0 { format!("{}年第{}期", r.year, r.number) } else { "待印发".into() }
    }
}
