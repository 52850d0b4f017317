//! A person's notifications: the inbox (newest first, by module, unread only), opening one (read,
//! then its record's page), marking all read, the live badge's event stream, and the
//! preferences page (email address, how often each kind comes by email or SMS/WeChat).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, TimeZone};
use eline_app::AppError;
use eline_app::notify::inbox::{InboxFilter, InboxItem, PrefChoice, PrefRow, PrefsInput, PrefsView, check_email, modules};
use eline_domain::FieldError;
use eline_domain::notice::{Channel, Mode};
use serde::Deserialize;

use super::{Errors, FormData, Layout, PagePath, PageQuery, flash, form_errors, render, render_invalid};
use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(inbox))
        .route("/notifications/read-all", post(read_all))
        .route("/notifications/stream", get(stream))
        .route("/notifications/preferences", get(prefs_page).post(save_prefs))
        .route("/notifications/{id}/open", get(open))
}

/// When a notification came, as the inbox says it: "今天 09:12", "昨天 18:30", "11月28日", and
/// "2025年11月28日" for another year (Beijing time).
pub fn when(micros: i64, now_micros: i64) -> String {
    let tz = eline_app::dates::beijing();
    let (Some(t), Some(now)) = (chrono::DateTime::from_timestamp_micros(micros), chrono::DateTime::from_timestamp_micros(now_micros)) else {
        return String::new();
    };
    let (t, now) = (tz.from_utc_datetime(&t.naive_utc()), tz.from_utc_datetime(&now.naive_utc()));
    let days = (now.date_naive() - t.date_naive()).num_days();
    match days {
        0 => t.format("今天 %H:%M").to_string(),
        1 => t.format("昨天 %H:%M").to_string(),
        _ if t.year() == now.year() => format!("{}月{}日", t.month(), t.day()),
        _ => format!("{}年{}月{}日", t.year(), t.month(), t.day()),
    }
}

/// One line of the inbox.
pub struct Row {
    pub item: InboxItem,
    pub when: String,
    /// 2026-12-01 09:12 (the time element's title).
    pub at: String,
    /// 2026-12-01T09:12:00+08:00
    pub iso: String,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct InboxPage {
    l: Layout,
    f: InboxFilter,
    rows: Vec<Row>,
    next_cursor: Option<String>,
    modules: Vec<(&'static str, &'static str)>,
    unread: i64,
}

impl InboxPage {
    /// The filter as a query string (no cursor).
    fn qs(&self) -> String {
        serde_urlencoded::to_string(&self.f).unwrap_or_default()
    }
    /// The inbox of one module (`""`: all), keeping "unread only".
    fn module_href(&self, module: &str) -> String {
        let f = InboxFilter { module: Some(module.to_string()).filter(|m| !m.is_empty()), ..self.f.clone() };
        href(&f)
    }
    fn module_is(&self, module: &str) -> bool {
        self.f.module().unwrap_or("") == module
    }
    /// The same module with "unread only" switched.
    fn unread_href(&self) -> String {
        href(&InboxFilter { unread: !self.f.unread, ..self.f.clone() })
    }
    fn module_label(&self) -> &'static str {
        let m = self.f.module().unwrap_or("");
        self.modules.iter().find(|(k, _)| *k == m).map(|(_, label)| *label).unwrap_or("")
    }
}

fn href(f: &InboxFilter) -> String {
    match serde_urlencoded::to_string(f).unwrap_or_default() {
        qs if qs.is_empty() => "/notifications".into(),
        qs => format!("/notifications?{qs}"),
    }
}

#[derive(Deserialize)]
struct CursorQuery {
    #[serde(default)]
    cursor: Option<String>,
}

async fn inbox(
    State(state): State<AppState>,
    user: PageUser,
    PageQuery(f): PageQuery<InboxFilter>,
    PageQuery(c): PageQuery<CursorQuery>,
) -> Result<Response, PageError> {
    let cursor = c.cursor.filter(|c| !c.trim().is_empty());
    let page = state.app.inbox(&user.actor, &f, cursor.as_deref(), Some(30)).await?;
    let now = eline_storage::now_micros();
    let rows = page
        .items
        .into_iter()
        .map(|item| Row { when: when(item.created_at, now), at: super::datetime(item.created_at), iso: crate::api::dto::ts(item.created_at), item })
        .collect();
    let l = Layout::page(&state, &user, "/notifications", "通知", &[]).await?;
    // The header's badge counted them already.
    let unread = l.user.as_ref().map_or(0, |u| u.unread);
    Ok(render(&InboxPage { l, f, rows, next_cursor: page.next_cursor, modules: modules(), unread }))
}

/// Marks the notification read and goes to its record's page; another person's is not found.
async fn open(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    let item = state.app.open_notification(&user.actor, id).await?;
    Ok(Redirect::to(&item.url).into_response())
}

async fn read_all(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let form = FormData::parse(&body);
    let f = InboxFilter { module: form.opt("module"), unread: form.checked("unread") };
    let n = state.app.mark_all_read(&user.actor, &f).await?;
    let message = if n == 0 { "没有未读的通知".to_string() } else { format!("已将{n}条通知标为已读") };
    flash(&user.session, &message).await;
    Ok(Redirect::to(&href(&f)).into_response())
}

/// The live badge's events (session cookie; a visitor without a session gets 401).
async fn stream(State(state): State<AppState>, ApiUser(actor): ApiUser) -> Response {
    crate::live::unread_stream(state, actor)
}

// ---- preferences ----

/// A module's kinds on the preferences page.
pub struct Group {
    pub module: &'static str,
    pub rows: Vec<PrefRow>,
}

#[derive(Template)]
#[template(path = "notification_prefs.html")]
struct PrefsPage {
    l: Layout,
    v: PrefsView,
    groups: Vec<Group>,
    /// What the form shows: the posted values after an error, else the stored ones.
    chosen: HashMap<String, String>,
    email: String,
    errors: Errors,
}

impl PrefsPage {
    fn new(l: Layout, v: PrefsView, posted: Option<&FormData>, errors: Errors) -> PrefsPage {
        let mut groups: Vec<Group> = Vec::new();
        let mut chosen = HashMap::new();
        for row in &v.kinds {
            chosen.insert(field(Channel::Email, row.kind), row.email.as_str().to_string());
            chosen.insert(field(Channel::Webhook, row.kind), row.webhook.as_str().to_string());
            match groups.iter_mut().find(|g| g.module == row.module) {
                Some(g) => g.rows.push(row.clone()),
                None => groups.push(Group { module: row.module, rows: vec![row.clone()] }),
            }
        }
        let mut email = v.email.clone().unwrap_or_default();
        if let Some(f) = posted {
            for (k, val) in &f.0 {
                if chosen.contains_key(k) {
                    chosen.insert(k.clone(), val.clone());
                }
            }
            email = f.get("email").to_string();
        }
        PrefsPage { l, v, groups, chosen, email, errors }
    }

    fn email_field(&self, kind: &str) -> String {
        field(Channel::Email, kind)
    }
    fn webhook_field(&self, kind: &str) -> String {
        field(Channel::Webhook, kind)
    }
    fn is(&self, name: &str, mode: &Mode) -> bool {
        self.chosen.get(name).is_some_and(|m| m == mode.as_str())
    }
    /// The email modes, then the SMS/WeChat ones.
    fn email_modes(&self) -> &'static [Mode] {
        Mode::offered(Channel::Email)
    }
    fn webhook_modes(&self) -> &'static [Mode] {
        Mode::offered(Channel::Webhook)
    }
    fn customised(&self, r: &PrefRow) -> bool {
        r.email != r.email_default || (self.v.webhook_on && r.webhook != r.webhook_default)
    }
}

/// The form field of a kind's choice on a channel: `email.proposal.replied`.
fn field(channel: Channel, kind: &str) -> String {
    format!("{}.{kind}", channel.as_str())
}

async fn prefs_page(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let v = state.app.notification_prefs(&user.actor).await?;
    let l = Layout::page(&state, &user, "/notifications/preferences", "通知设置", &[("通知", "/notifications")]).await?;
    Ok(render(&PrefsPage::new(l, v, None, Errors::default())))
}

/// The changes a posted form asks for: the choices that differ from the stored ones (a choice
/// left alone stays on the role's default), the email address; field errors for values no
/// select offers.
fn prefs_input(f: &FormData, v: &PrefsView) -> Result<PrefsInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut choices = Vec::new();
    for row in &v.kinds {
        for (channel, now) in [(Channel::Email, row.email), (Channel::Webhook, row.webhook)] {
            if channel == Channel::Webhook && !v.webhook_on {
                continue;
            }
            let name = field(channel, row.kind);
            let raw = f.get(&name);
            if raw.is_empty() {
                continue;
            }
            match Mode::parse(raw).filter(|m| Mode::offered(channel).contains(m)) {
                Some(mode) if mode != now => choices.push(PrefChoice { kind: row.kind.to_string(), channel, mode }),
                Some(_) => {}
                None => errors.push(FieldError::new(&name, format!("“{}”的{}方式无效，请从列表中选择", row.label, channel.label()))),
            }
        }
    }
    // Every error at once: the address too (the application checks it again).
    if let Err(AppError::Validation(e)) = check_email(f.get("email")) {
        errors.extend(e);
    }
    if errors.is_empty() { Ok(PrefsInput { email: Some(f.get("email").to_string()), choices, reset: false }) } else { Err(errors) }
}

async fn save_prefs(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let v = state.app.notification_prefs(&user.actor).await?;
    let input = if f.checked("reset") { Ok(PrefsInput { reset: true, ..PrefsInput::default() }) } else { prefs_input(&f, &v) };
    let outcome = match input {
        Ok(input) => state.app.set_notification_prefs(&user.actor, &input).await.map(|_| input.reset),
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match outcome {
        Ok(reset) => {
            flash(&user.session, if reset { "已恢复为默认的通知方式" } else { "已保存通知设置" }).await;
            Ok(Redirect::to("/notifications/preferences").into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            let l = Layout::page(&state, &user, "/notifications/preferences", "通知设置", &[("通知", "/notifications")]).await?;
            Ok(render_invalid(&PrefsPage::new(l, v, Some(&f), errors)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::when;

    fn micros(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp_micros()
    }

    #[test]
    fn the_inbox_says_today_yesterday_the_day_or_the_year_in_beijing_time() {
        let now = micros("2026-12-01T10:00:00+08:00");
        assert_eq!(when(micros("2026-12-01T09:12:00+08:00"), now), "今天 09:12");
        // 23:30 UTC on Nov 30 is 07:30 on Dec 1 in Beijing.
        assert_eq!(when(micros("2026-11-30T23:30:00Z"), now), "今天 07:30");
        assert_eq!(when(micros("2026-11-30T18:30:00+08:00"), now), "昨天 18:30");
        assert_eq!(when(micros("2026-11-28T08:00:00+08:00"), now), "11月28日");
        assert_eq!(when(micros("2025-11-28T08:00:00+08:00"), now), "2025年11月28日");
    }
}
