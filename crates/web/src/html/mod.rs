//! Server-rendered pages. Every page extends `base.html` through a `Layout`; forms post back,
//! re-render with Chinese field errors on bad input, and redirect after success.

mod account;
mod accounts;
mod activities;
mod activity_stats;
mod audit;
mod bulletins;
mod directory;
mod home;
pub mod instructions;
mod login;
mod members;
mod notification_admin;
pub mod notifications;
mod opinion_import;
mod opinion_stats;
mod opinions;
pub mod picker;
mod proposal_history;
mod proposal_stats;
mod proposals;
mod public;
mod record_files;
mod reply_templates;
mod search;
mod settings;

pub use members::{Upload, read_upload, workbook, xlsx as members_xlsx};
pub use proposals::file_response;
mod users;

use std::collections::HashMap;

use axum::Router;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use eline_app::AppError;
use eline_domain::policy::{Action, Resource, can};
use eline_domain::{Actor, FieldError, Role};
use tower_sessions::Session;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(login::router())
        .merge(home::router())
        .merge(directory::router())
        .merge(members::router())
        .merge(accounts::router())
        .merge(opinion_stats::router())
        .merge(activity_stats::router())
        .merge(opinion_import::router())
        .merge(proposal_stats::router())
        .merge(proposal_history::router())
        .merge(proposals::router())
        .merge(opinions::router())
        .merge(activities::router())
        .merge(instructions::router())
        .merge(bulletins::router())
        .merge(public::router())
        .merge(reply_templates::router())
        .merge(search::router())
        .merge(settings::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(account::router())
        .merge(notifications::router())
        .merge(notification_admin::router())
}

pub struct NavItem {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
}

use eline_app::notify::inbox::BADGE_MAX;

pub struct UserBar {
    pub display_name: String,
    pub role_label: &'static str,
    /// Unread notifications (the header's badge).
    pub unread: i64,
}

impl UserBar {
    /// What the badge says to a screen reader: "120条" is "99条以上" (the page counts only one
    /// past the badge's largest number).
    pub fn unread_label(&self) -> String {
        if self.unread > BADGE_MAX { format!("{BADGE_MAX}条以上") } else { format!("{}条", self.unread) }
    }

    /// The badge's largest number, for the script that updates it live (`static/app.js`).
    pub fn badge_max(&self) -> i64 {
        BADGE_MAX
    }

    /// The badge's number: "99+" above 99.
    pub fn unread_text(&self) -> String {
        if self.unread > BADGE_MAX { format!("{BADGE_MAX}+") } else { self.unread.to_string() }
    }
}

/// What the base template needs.
pub struct Layout {
    pub title: String,
    pub committee: String,
    pub user: Option<UserBar>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub large_text: bool,
    pub crumbs: Vec<(String, String)>,
    pub notice: Option<String>,
}

const FLASH_KEY: &str = "flash";
pub const TEXT_COOKIE: &str = "eline_text";

/// Whether the request asks for large text (a remembered cookie).
pub fn large_text(parts_headers: &axum::http::HeaderMap) -> bool {
    parts_headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.split(';').any(|p| p.trim() == format!("{TEXT_COOKIE}=large")))
}

/// Leaves a one-time message for the next page.
pub async fn flash(session: &Session, message: &str) {
    let _ = session.insert(FLASH_KEY, message).await;
}

/// The pending one-time message, removed. Reading first matters: removing a key marks the session
/// changed even when the key was absent, and a changed session is written back at the end of the
/// request — a database write on every page view.
async fn take_flash(session: &Session) -> Option<String> {
    match session.get::<String>(FLASH_KEY).await {
        Ok(Some(_)) => session.remove::<String>(FLASH_KEY).await.ok().flatten(),
        _ => None,
    }
}

fn nav_for(actor: &Actor, path: &str) -> Vec<NavItem> {
    let mut items: Vec<(&'static str, String)> = vec![("首页", "/".into())];
    let may = |action| can(actor, action, Resource::Any);
    if may(Action::ViewMember) {
        items.push(("委员", "/members".into()));
    } else if let Some(id) = actor.member_id.filter(|id| can(actor, Action::ViewMember, Resource::Member(*id))) {
        items.push(("我的档案", format!("/members/{id}")));
    }
    items.push(("提案", "/proposals".into()));
    if eline_domain::opinion::default_scope(actor).is_some() {
        items.push(("社情民意", "/opinions".into()));
    }
    if may(Action::ViewActivities) {
        items.push(("活动", "/activities".into()));
    }
    if may(Action::ViewInstructions) {
        items.push(("领导批示", "/instructions".into()));
    }
    if may(Action::ManageBulletins) {
        items.push(("期刊", "/bulletins".into()));
    }
    if may(Action::ViewDirectory) {
        items.push(("组织机构", "/directory".into()));
    }
    for (action, label, href) in [
        (Action::ManageUsers, "用户账号", "/users"),
        (Action::ViewAudit, "审计日志", "/audit"),
        (Action::ManageSettings, "日历与期限", "/settings"),
        (Action::ManageSettings, "通知发送", "/admin/notifications"),
    ] {
        if may(action) {
            items.push((label, href.into()));
        }
    }
    items.push(("我的账号", "/account".into()));
    items
        .into_iter()
        .map(|(label, href)| {
            let current = if href == "/" { path == "/" } else { path.starts_with(&href) };
            NavItem { label, href, current }
        })
        .collect()
}

impl Layout {
    /// The layout of a logged-in page; takes the pending flash message.
    pub async fn page(state: &AppState, user: &PageUser, path: &str, title: impl Into<String>, crumbs: &[(&str, &str)]) -> Result<Layout, PageError> {
        let committee = state.app.committee_name(user.actor.committee_id).await?;
        // One indexed count per page (notifications_unread: user_id, read_at), stopped at 100.
        let unread = state.app.unread_badge(&user.actor).await?;
        let notice = take_flash(&user.session).await;
        let mut all_crumbs = vec![("首页".to_string(), "/".to_string())];
        all_crumbs.extend(crumbs.iter().map(|(a, b)| (a.to_string(), b.to_string())));
        let title = title.into();
        if path != "/" {
            all_crumbs.push((title.clone(), String::new()));
        } else {
            all_crumbs.clear();
        }
        Ok(Layout {
            title,
            committee,
            user: Some(UserBar { display_name: user.actor.display_name.clone(), role_label: user.actor.primary_role().label(), unread }),
            nav: nav_for(&user.actor, path),
            csrf: user.csrf.clone(),
            large_text: user.large_text,
            crumbs: all_crumbs,
            notice,
        })
    }

    /// The layout of a page without a user (login).
    pub fn public(title: &str, committee: String, csrf: String, large_text: bool) -> Layout {
        Layout { title: title.into(), committee, user: None, nav: vec![], csrf, large_text, crumbs: vec![], notice: None }
    }
}

/// Renders a template, or the error page when rendering fails.
pub fn render<T: askama::Template>(t: &T) -> Response {
    match t.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            PageError(AppError::Internal(e.to_string())).into_response()
        }
    }
}

/// Like `render`, with the status a form with errors answers (422).
pub fn render_invalid<T: askama::Template>(t: &T) -> Response {
    let mut res = render(t);
    *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    res
}

/// A submitted form as ordered pairs (repeated keys for checkboxes).
#[derive(Debug, Default, Clone)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn parse(bytes: &[u8]) -> FormData {
        FormData(serde_urlencoded::from_bytes(bytes).unwrap_or_default())
    }
    pub fn get(&self, key: &str) -> &str {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or("")
    }
    pub fn opt(&self, key: &str) -> Option<String> {
        Some(self.get(key).trim().to_string()).filter(|v| !v.is_empty())
    }
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
    }
    /// A number field; text that is not a number is reported against the field.
    pub fn int(&self, key: &str, label: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
        let v = self.get(key).trim();
        if v.is_empty() {
            return None;
        }
        match v.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(FieldError::new(key, format!("{label}应填写数字")));
                None
            }
        }
    }
    pub fn ints(&self, key: &str) -> Vec<i64> {
        self.all(key).iter().filter_map(|v| v.trim().parse().ok()).collect()
    }
    pub fn checked(&self, key: &str) -> bool {
        matches!(self.get(key), "on" | "true" | "1" | "yes")
    }
}

/// Field errors by field name, for templates.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub HashMap<String, String>);

impl Errors {
    pub fn from_list(list: &[FieldError]) -> Errors {
        let mut map = HashMap::new();
        for e in list {
            map.entry(e.field.clone()).or_insert_with(|| e.message.clone());
        }
        Errors(map)
    }
    pub fn get(&self, field: &str) -> &str {
        self.0.get(field).map(String::as_str).unwrap_or("")
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn messages(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.0.values().map(String::as_str).collect();
        v.sort();
        v
    }
}

/// Splits an error from a form submission: field errors re-render the form; others become pages.
pub fn form_errors(e: AppError) -> Result<Errors, PageError> {
    match e {
        AppError::Validation(list) => Ok(Errors::from_list(&list)),
        AppError::VersionConflict => Ok(Errors::from_list(&[FieldError::new("version", "记录已被他人修改：请刷新页面，查看最新内容后再提交")])),
        other => Err(PageError(other)),
    }
}

/// Formats stored microseconds as Beijing time.
pub fn datetime(micros: i64) -> String {
    let tz = eline_app::dates::beijing();
    chrono::DateTime::from_timestamp_micros(micros).map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
}

/// Reads the parts a public page needs.
pub fn parts_large_text(parts: &Parts) -> bool {
    large_text(&parts.headers)
}

/// Formatting helpers callable from templates as `F::name(..)`.
pub struct F;

impl F {
    pub fn time(t: &i64) -> String {
        datetime(*t)
    }
    pub fn when(t: &Option<i64>) -> String {
        t.map(datetime).unwrap_or_else(|| "—".into())
    }
    /// The Beijing date of stored microseconds.
    pub fn date(t: &i64) -> String {
        datetime(*t).chars().take(10).collect()
    }
    pub fn roles(roles: &str) -> String {
        Role::parse_list(roles).unwrap_or_default().iter().map(|r| r.label()).collect::<Vec<_>>().join("、")
    }
    pub fn short(hash: &str) -> &str {
        &hash[..hash.len().min(12)]
    }
}

/// `Content-Disposition` of a download: the UTF-8 name (RFC 5987) and a plain-ASCII fallback made
/// of the name's ASCII letters and its extension, for old clients.
pub fn attachment_disposition(name: &str) -> String {
    let encoded: String =
        name.bytes().map(|b| if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let ascii: String = stem.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    let fallback = match (ascii.is_empty(), ext.chars().all(|c| c.is_ascii_alphanumeric())) {
        (false, true) if !ext.is_empty() => format!("{ascii}.{ext}"),
        (true, true) if !ext.is_empty() => format!("download.{ext}"),
        (false, _) => ascii,
        _ => "download".to_string(),
    };
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Path parameters of a page: a malformed one (`/proposals/x`) is a page that does not exist
/// (404), not a bad request.
pub struct PagePath<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for PagePath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|axum::extract::Path(v)| PagePath(v)).map_err(|_| PageError(AppError::NotFound))
    }
}

/// Query parameters of a page: a malformed one (`?cursor=x&year=abc`) is a Chinese error page
/// (422), not the extractor's English 400.
pub struct PageQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for PageQuery<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| PageQuery(v))
            .map_err(|e| PageError(crate::api::query_error(&e.body_text())))
    }
}
