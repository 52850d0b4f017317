//! Notifications (docs/api.md "Notifications"): the caller's inbox, unread count and its live
//! stream, their preferences; and for administrators the messages that did not go out, the
//! committee's webhook and the reminder rules.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use eline_app::notify::inbox::{InboxFilter, InboxItem, MessageView, OutboxView, PrefsInput, PrefsView, WebhookInput, WebhookView};
use eline_domain::notice::{Channel, Mode, ReminderRules};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::ts;
use super::{Body, Id, Params};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(unread_count))
        .routes(routes!(stream))
        .routes(routes!(read))
        .routes(routes!(read_all))
        .routes(routes!(get_prefs, put_prefs))
        .routes(routes!(outbox))
        .routes(routes!(retry))
        .routes(routes!(retry_all))
        .routes(routes!(get_webhook, put_webhook))
        .routes(routes!(get_rules, put_rules))
}

/// One notification of the caller.
#[derive(Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: i64,
    /// The kind's key, `<module>.<event>` (`proposal.replied`).
    pub kind: String,
    /// 提案已答复
    pub kind_label: String,
    /// The module's label: 提案, 社情民意, 批示.
    pub module_label: String,
    /// The record's title when it happened.
    pub title: String,
    /// What happened (one Chinese sentence).
    pub message: String,
    /// The record's kind (`proposal`, `opinion`, `bulletin`, `instruction`).
    pub target_type: String,
    pub target_id: i64,
    /// The record's page.
    pub url: String,
    pub read: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<InboxItem> for NotificationOut {
    fn from(i: InboxItem) -> Self {
        NotificationOut {
            id: i.id,
            kind: i.kind,
            kind_label: i.kind_label,
            module_label: i.module,
            title: i.title,
            message: i.message,
            target_type: i.target_type,
            target_id: i.target_id,
            url: i.url,
            read: i.read,
            created_at: ts(i.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationOut>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxPageParams {
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", operation_id = "notifications.list", params(InboxFilter, InboxPageParams),
    responses((status = 200, body = NotificationPage), (status = 422, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Params(f): Params<InboxFilter>,
    Params(p): Params<InboxPageParams>,
) -> Result<Json<NotificationPage>, ApiError> {
    let page = state.app.inbox(&a, &f, p.cursor.as_deref(), p.limit).await?;
    Ok(Json(NotificationPage { items: page.items.into_iter().map(NotificationOut::from).collect(), next_cursor: page.next_cursor }))
}

#[derive(Serialize, ToSchema)]
pub struct UnreadCountOut {
    pub unread: i64,
}

/// How many of the caller's notifications are unread.
#[utoipa::path(get, path = "/api/v1/notifications/unread-count", tag = "notifications", operation_id = "notifications.unread_count",
    responses((status = 200, body = UnreadCountOut)))]
async fn unread_count(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<UnreadCountOut>, ApiError> {
    Ok(Json(UnreadCountOut { unread: state.app.unread_count(&a).await? }))
}

/// One server-sent event of the unread stream, as an SSE parser reads it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UnreadStreamEvent {
    /// Always `unread`.
    pub event: String,
    /// JSON text: `{"unread": N}`.
    pub data: String,
    /// Milliseconds a client waits before reconnecting (on the first event).
    pub retry: Option<i64>,
}

/// The unread count as it changes (server-sent events): `event: unread` with `data: {"unread": N}`
/// at once and whenever the count changed; a comment line every 15 s; the stream ends after 30
/// minutes (reconnect; `retry:` says after how long).
#[utoipa::path(get, path = "/api/v1/notifications/stream", tag = "notifications", operation_id = "notifications.stream",
    responses((status = 200, description = "text/event-stream: one UnreadStreamEvent per event", content_type = "text/event-stream", body = UnreadStreamEvent)))]
async fn stream(State(state): State<AppState>, ApiUser(a): ApiUser) -> Response {
    crate::live::unread_stream(state, a)
}

/// Marks one of the caller's notifications read and returns it (with its record's `url`).
/// Another person's notification is not found.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", operation_id = "notifications.read", params(("id" = i64, Path)),
    responses((status = 200, body = NotificationOut), (status = 404, body = Problem)))]
async fn read(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<NotificationOut>, ApiError> {
    Ok(Json(state.app.open_notification(&a, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadAllIn {
    /// Only this module's (proposal | opinion | instruction); absent or empty: all.
    #[serde(default)]
    pub module: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReadAllOut {
    /// How many were marked read.
    pub marked: u64,
}

/// Marks every unread notification of the caller (of one module) read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications", operation_id = "notifications.read_all", request_body = ReadAllIn,
    responses((status = 200, body = ReadAllOut), (status = 422, body = Problem)))]
async fn read_all(State(state): State<AppState>, ApiUser(a): ApiUser, Body(b): Body<ReadAllIn>) -> Result<Json<ReadAllOut>, ApiError> {
    let filter = InboxFilter { module: b.module, unread: false };
    Ok(Json(ReadAllOut { marked: state.app.mark_all_read(&a, &filter).await? }))
}

/// The caller's email address and, per kind and channel, how often they are told (with their
/// role's defaults).
#[utoipa::path(get, path = "/api/v1/notifications/preferences", tag = "notifications", operation_id = "notifications.preferences",
    responses((status = 200, body = PrefsView)))]
async fn get_prefs(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<PrefsView>, ApiError> {
    Ok(Json(state.app.notification_prefs(&a).await?))
}

/// Changes the caller's preferences: all the choices given or none (an unknown kind, or a mode
/// the channel does not offer, refuses the whole change). `email` present: the account's own
/// address ("" removes it); `reset`: back to the role's defaults first.
#[utoipa::path(put, path = "/api/v1/notifications/preferences", tag = "notifications", operation_id = "notifications.set_preferences",
    request_body = PrefsInput, responses((status = 200, body = PrefsView), (status = 422, body = Problem)))]
async fn put_prefs(State(state): State<AppState>, ApiUser(a): ApiUser, Body(b): Body<PrefsInput>) -> Result<Json<PrefsView>, ApiError> {
    Ok(Json(state.app.set_notification_prefs(&a, &b).await?))
}

/// A message (an email or a webhook call) that failed and waits for its next attempt.
#[derive(Serialize, ToSchema)]
pub struct FailedMessageOut {
    pub id: i64,
    pub user_id: i64,
    /// 王芳（wangfang）
    pub user_name: String,
    pub channel: Channel,
    pub mode: Mode,
    pub attempts: i64,
    pub last_error: Option<String>,
    #[schema(format = DateTime)]
    pub last_attempt_at: Option<String>,
    #[schema(format = DateTime)]
    pub next_attempt_at: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<MessageView> for FailedMessageOut {
    fn from(m: MessageView) -> Self {
        FailedMessageOut {
            id: m.id,
            user_id: m.user_id,
            user_name: m.user_name,
            channel: m.channel,
            mode: m.mode,
            attempts: m.attempts,
            last_error: m.last_error,
            last_attempt_at: m.last_attempt_at.map(ts),
            next_attempt_at: ts(m.next_attempt_at),
            created_at: ts(m.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OutboxOut {
    /// Messages not sent yet (failing ones included).
    pub pending: i64,
    /// Messages that failed at least once and are not sent yet.
    pub failing: i64,
    pub sent: i64,
    /// Email can be sent (the server was started with an SMTP address).
    pub smtp_configured: bool,
    /// The failing messages, newest first (at most 200).
    pub failures: Vec<FailedMessageOut>,
}

impl From<OutboxView> for OutboxOut {
    fn from(o: OutboxView) -> Self {
        OutboxOut {
            pending: o.pending,
            failing: o.failing,
            sent: o.sent,
            smtp_configured: o.smtp_configured,
            failures: o.failures.into_iter().map(FailedMessageOut::from).collect(),
        }
    }
}

/// The committee's outgoing notification messages: counts and the failing ones (administrators).
#[utoipa::path(get, path = "/api/v1/admin/notifications", tag = "notifications", operation_id = "notifications.outbox",
    responses((status = 200, body = OutboxOut), (status = 403, body = Problem)))]
async fn outbox(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<OutboxOut>, ApiError> {
    Ok(Json(state.app.notification_outbox(&a).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct RetryOut {
    /// How many messages are due again now.
    pub retried: u64,
}

/// Sends a message that did not go out yet again now (administrators).
#[utoipa::path(post, path = "/api/v1/admin/notifications/{id}/retry", tag = "notifications", operation_id = "notifications.retry", params(("id" = i64, Path)),
    responses((status = 200, body = RetryOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn retry(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<RetryOut>, ApiError> {
    Ok(Json(RetryOut { retried: state.app.retry_messages(&a, Some(id)).await? }))
}

/// Sends every failing message again now (administrators).
#[utoipa::path(post, path = "/api/v1/admin/notifications/retry-all", tag = "notifications", operation_id = "notifications.retry_all",
    responses((status = 200, body = RetryOut), (status = 403, body = Problem)))]
async fn retry_all(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<RetryOut>, ApiError> {
    Ok(Json(RetryOut { retried: state.app.retry_messages(&a, None).await? }))
}

/// The committee's webhook (its SMS or WeChat gateway) with its signing secret (administrators).
#[utoipa::path(get, path = "/api/v1/admin/notification-webhook", tag = "notifications", operation_id = "notifications.webhook",
    responses((status = 200, body = WebhookView), (status = 403, body = Problem)))]
async fn get_webhook(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<WebhookView>, ApiError> {
    Ok(Json(state.app.webhook_settings(&a).await?))
}

/// Sets the committee's webhook; an empty `url` removes it; `new_secret` makes a new signing
/// secret (administrators).
#[utoipa::path(put, path = "/api/v1/admin/notification-webhook", tag = "notifications", operation_id = "notifications.set_webhook",
    request_body = WebhookInput, responses((status = 200, body = WebhookView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn put_webhook(State(state): State<AppState>, ApiUser(a): ApiUser, Body(b): Body<WebhookInput>) -> Result<Json<WebhookView>, ApiError> {
    Ok(Json(state.app.set_webhook(&a, &b).await?))
}

/// The deadline reminder and escalation rules in force (administrators).
#[utoipa::path(get, path = "/api/v1/admin/reminder-rules", tag = "notifications", operation_id = "notifications.reminder_rules",
    responses((status = 200, body = ReminderRules), (status = 403, body = Problem)))]
async fn get_rules(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<ReminderRules>, ApiError> {
    Ok(Json(state.app.reminder_rules(&a).await?))
}

/// Sets the reminder rules (working days; absent fields take their defaults); returns the rules
/// in force (lists sorted, repeats dropped). Administrators.
#[utoipa::path(put, path = "/api/v1/admin/reminder-rules", tag = "notifications", operation_id = "notifications.set_reminder_rules",
    request_body = ReminderRules, responses((status = 200, body = ReminderRules), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn put_rules(State(state): State<AppState>, ApiUser(a): ApiUser, Body(b): Body<ReminderRules>) -> Result<Json<ReminderRules>, ApiError> {
    state.app.set_reminder_rules(&a, &b).await?;
    Ok(Json(state.app.reminder_rules(&a).await?))
}
