//! Account administration pages (admins).

use super::PagePath;
use super::PageQuery;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use eline_app::users::{UserInput, UserUpdate};
use eline_app::{AppError, Page};
use eline_domain::Role;
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource};
use eline_storage::directory::Entry;
use eline_storage::users::User;
use serde::Deserialize;

use super::picker::{Picker, interact};
use super::{Errors, F, FormData, Layout, flash, form_errors, render, render_invalid};
use crate::AppState;
use crate::auth::{ManageUsers, PageAllowed, PageUser};
use crate::error::PageError;
use eline_app::pickers::Source;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/new", get(new_form))
        .route("/users/{id}", get(edit_form).post(update))
        .route("/users/{id}/password", post(reset_password))
        .route("/users/{id}/revoke-tokens", post(revoke_tokens))
}

#[derive(Deserialize)]
struct ListQuery {
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "users_list.html")]
struct ListPage {
    l: Layout,
    page: Page<User>,
}

async fn list(State(state): State<AppState>, user: PageUser, PageQuery(q): PageQuery<ListQuery>) -> Result<Response, PageError> {
    let page = state.app.list_users(&user.actor, q.cursor.as_deref(), 100).await?;
    let l = Layout::page(&state, &user, "/users", "用户账号", &[]).await?;
    Ok(render(&ListPage { l, page }))
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct FormPage {
    l: Layout,
    user: Option<User>,
    f: FormData,
    /// The member and the handling unit the account belongs to, picked from searchable lists.
    member: Picker,
    unit: Picker,
    organizations: Vec<Entry>,
    errors: Errors,
    all_roles: Vec<(&'static str, &'static str)>,
    /// The account's API tokens (editing an account).
    tokens: Vec<eline_storage::users::Token>,
    now: i64,
    own_tokens: bool,
}

impl FormPage {
    fn has(&self, key: &str, value: &str) -> bool {
        self.f.all(key).iter().any(|v| v == value)
    }
    fn is(&self, key: &str, value: &str) -> bool {
        self.f.get(key) == value
    }
}

async fn form_page(state: &AppState, user: &PageUser, target: Option<User>, f: FormData, errors: Errors) -> Result<FormPage, PageError> {
    form_page_picking(state, user, target, f, errors, None).await
}

/// The pickers of the account form: (field, several may be chosen).
const PICKERS: &[(&str, bool)] = &[("member_id", false), ("unit_id", false)];

async fn form_page_picking(
    state: &AppState,
    user: &PageUser,
    target: Option<User>,
    f: FormData,
    errors: Errors,
    searched: Option<&str>,
) -> Result<FormPage, PageError> {
    let title = match &target {
        Some(u) => format!("编辑账号：{}", u.username),
        None => "新建用户账号".into(),
    };
    let l = Layout::page(state, user, "/users", title, &[("用户账号", "/users")]).await?;
    let member = Picker::new("member_id", Source::Members, false, "关联委员（委员账号必选）", "按姓名、拼音首字母（如 zs）或界别查找，点选即关联")
        .load(state, &user.actor, &f, searched, errors.get("member_id"))
        .await?;
    let unit = Picker::new("unit_id", Source::Units, false, "关联承办单位（承办单位账号必选）", "按单位名称或拼音首字母查找")
        .load(state, &user.actor, &f, searched, errors.get("unit_id"))
        .await?;
    let organizations = state.app.directory_choices(&user.actor, DirectoryKind::Organization).await?;
    let all_roles = Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect();
    let tokens = match &target {
        Some(u) => state.app.user_tokens(&user.actor, u.id).await?,
        None => Vec::new(),
    };
    Ok(FormPage { l, user: target, f, member, unit, organizations, errors, all_roles, tokens, now: eline_storage::now_micros(), own_tokens: false })
}

async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    state.app.require(&user.actor, Action::ManageUsers, Resource::Any).await?;
    Ok(render(&form_page(&state, &user, None, FormData::default(), Errors::default()).await?))
}

async fn create(State(state): State<AppState>, PageAllowed(user, _): PageAllowed<ManageUsers>, body: Bytes) -> Result<Response, PageError> {
    let mut f = FormData::parse(&body);
    if let Some(searched) = interact(&mut f, PICKERS) {
        return Ok(render(&form_page_picking(&state, &user, None, f, Errors::default(), Some(&searched)).await?));
    }
    let mut errs = Vec::new();
    let input = UserInput {
        username: f.get("username").into(),
        password: f.get("password").into(),
        display_name: f.get("display_name").into(),
        roles: f.all("roles"),
        member_id: f.int("member_id", "委员编号", &mut errs),
        unit_id: f.int("unit_id", "承办单位", &mut errs),
        organization_id: f.int("organization_id", "党派团体", &mut errs),
    };
    let result = if errs.is_empty() { state.app.create_user(&user.actor, &input, true).await } else { Err(AppError::Validation(errs)) };
    match result {
        Ok(u) => {
            flash(&user.session, &format!("已创建账号 {}，首次登录时需修改密码", u.username)).await;
            Ok(Redirect::to("/users").into_response())
        }
        Err(e) => Ok(render_invalid(&form_page(&state, &user, None, f, form_errors(e)?).await?)),
    }
}

fn form_of(u: &User) -> FormData {
    let mut pairs = vec![
        ("display_name".to_string(), u.display_name.clone()),
        ("member_id".into(), u.member_id.map(|v| v.to_string()).unwrap_or_default()),
        ("unit_id".into(), u.unit_id.map(|v| v.to_string()).unwrap_or_default()),
        ("organization_id".into(), u.organization_id.map(|v| v.to_string()).unwrap_or_default()),
        ("version".into(), u.version.to_string()),
    ];
    if u.active {
        pairs.push(("active".into(), "on".into()));
    }
    pairs.extend(u.roles.split(',').map(|r| ("roles".to_string(), r.to_string())));
    FormData(pairs)
}

async fn edit_form(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let target = state.app.get_user(&user.actor, id).await?;
    let f = form_of(&target);
    Ok(render(&form_page(&state, &user, Some(target), f, Errors::default()).await?))
}

async fn update(
    State(state): State<AppState>,
    PageAllowed(user, _): PageAllowed<ManageUsers>,
    PagePath(id): PagePath<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let mut f = FormData::parse(&body);
    if let Some(searched) = interact(&mut f, PICKERS) {
        let target = state.app.get_user(&user.actor, id).await?;
        return Ok(render(&form_page_picking(&state, &user, Some(target), f, Errors::default(), Some(&searched)).await?));
    }
    let mut errs = Vec::new();
    let input = UserUpdate {
        display_name: f.get("display_name").into(),
        roles: f.all("roles"),
        member_id: f.int("member_id", "委员编号", &mut errs),
        unit_id: f.int("unit_id", "承办单位", &mut errs),
        organization_id: f.int("organization_id", "党派团体", &mut errs),
        active: f.checked("active"),
        version: f.get("version").parse().ok(),
    };
    let result = if errs.is_empty() { state.app.update_user(&user.actor, id, &input).await } else { Err(AppError::Validation(errs)) };
    match result {
        Ok(u) => {
            flash(&user.session, &format!("已保存账号 {}", u.username)).await;
            Ok(Redirect::to("/users").into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            let target = state.app.get_user(&user.actor, id).await?;
            Ok(render_invalid(&form_page(&state, &user, Some(target), f, errors).await?))
        }
    }
}

async fn reset_password(
    State(state): State<AppState>,
    PageAllowed(user, _): PageAllowed<ManageUsers>,
    PagePath(id): PagePath<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    match state.app.reset_password(&user.actor, id, f.get("password")).await {
        Ok(()) => {
            flash(&user.session, "已重置密码；该用户下次登录时需修改密码").await;
            Ok(Redirect::to(&format!("/users/{id}")).into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            let target = state.app.get_user(&user.actor, id).await?;
            let f = form_of(&target);
            Ok(render_invalid(&form_page(&state, &user, Some(target), f, errors).await?))
        }
    }
}

async fn revoke_tokens(
    State(state): State<AppState>,
    PageAllowed(user, _): PageAllowed<ManageUsers>,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let n = state.app.revoke_user_tokens(&user.actor, id).await?;
    flash(&user.session, &format!("已吊销该账号的全部接口令牌（{n}个）")).await;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}
