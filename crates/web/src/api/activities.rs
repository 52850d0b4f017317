//! Activities and meetings (docs/api.md "活动与会议"): list, create (one or a series), read, edit
//! (PATCH = the `edit` action), every workflow action (one route per name of
//! `eline_app::activity_actions!`, each with its typed body), the rotating check-in code for the
//! venue screen, the .ics file, the notice's materials, the leave queue and the caller's calendar
//! feed.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use eline_app::activities::{ActivityAction, ActivityFilter, CodeNow, EditInput, NewActivity};
use eline_domain::{RecordKind, RecordRef};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::activity_dto::{ActivityOut, ActivityPage, LeaveQueueOut};
use super::proposals::{ActionBody, AttachmentOut, FileUpload};
use super::{Body, Id, Params, version_of};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

/// The tag, and the enum used only in the list's query (utoipa collects the bodies' schemas).
#[derive(OpenApi)]
#[openapi(
    components(schemas(eline_domain::activity::When)),
    tags((name = "activities", description = "活动与会议：创建（含系列活动）、邀请、发布、回复与报名、请假及审批、动态二维码签到与签退、结束时确定出席情况、取消；日历订阅与 .ics"))
)]
struct ActivityDoc;

pub fn router() -> OpenApiRouter<AppState> {
    let r = OpenApiRouter::with_openapi(ActivityDoc::openapi())
        .routes(routes!(list, create))
        .routes(routes!(leave_queue))
        .routes(routes!(get_one, patch))
        .routes(routes!(check_in_code))
        .routes(routes!(ics))
        .routes(routes!(upload))
        .routes(routes!(download))
        .routes(routes!(feed_status, feed_regenerate, feed_revoke));
    actions::routes(r)
}

/// The activity as the caller sees it (with its series for the office, and its materials).
async fn out(state: &AppState, a: &eline_domain::Actor, id: i64) -> Result<ActivityOut, ApiError> {
    let view = state.app.activity(a, id).await?;
    let series = state.app.activity_series(a, id).await?;
    let files = state.app.files_of(a, RecordRef::new(RecordKind::ACTIVITY, id)).await?;
    Ok(ActivityOut::of(view, series, files.into_iter().map(Into::into).collect()))
}

/// Activities the caller may list: a member their own (upcoming soonest first by default; `past`
/// newest first) or the open sign-ups (`signup=true`); the office and leaders every published
/// activity (the office the planned too), newest first.
#[utoipa::path(get, path = "/api/v1/activities", tag = "activities", operation_id = "activities.list", params(ActivityFilter),
    responses((status = 200, body = ActivityPage), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list(State(state): State<AppState>, ApiUser(a): ApiUser, Params(f): Params<ActivityFilter>) -> Result<Json<ActivityPage>, ApiError> {
    let page = state.app.activities(&a, &f).await?;
    Ok(Json(ActivityPage { items: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}

/// Create an activity (the office; planned until published), or with `repeat` (weekly |
/// monthly) and `repeat_count` a whole series at once: the answer is the first, `series_ids`
/// lists them all.
#[utoipa::path(post, path = "/api/v1/activities", tag = "activities", operation_id = "activities.create", request_body = NewActivity,
    responses((status = 201, body = ActivityOut, headers(("Location" = String, description = "/api/v1/activities/{id}"))),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(State(state): State<AppState>, ApiUser(a): ApiUser, Body(b): Body<NewActivity>) -> Result<(StatusCode, Json<ActivityOut>), ApiError> {
    let created = state.app.create_activity(&a, &b).await?;
    Ok((StatusCode::CREATED, Json(out(&state, &a, created.id).await?)))
}

/// One activity: the notice, the caller's own row (`mine`), the counts and — for the office —
/// the whole list with check-ins and refused attempts; the approver sees the leave requests.
#[utoipa::path(get, path = "/api/v1/activities/{id}", tag = "activities", operation_id = "activities.get", params(("id" = i64, Path)),
    responses((status = 200, body = ActivityOut), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_one(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<ActivityOut>, ApiError> {
    Ok(Json(out(&state, &a, id).await?))
}

/// Edit an activity (the office; the `edit` action): only the fields to change, with `version`
/// (or If-Match). After publishing, a change of time or place is listed in `changes` and the
/// invitees are told.
#[utoipa::path(patch, path = "/api/v1/activities/{id}", tag = "activities", operation_id = "activities.patch", params(("id" = i64, Path)),
    request_body = EditInput,
    responses((status = 200, body = ActivityOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "invalid_transition or version_conflict"), (status = 422, body = Problem)))]
async fn patch(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    headers: HeaderMap,
    Body(b): Body<EditInput>,
) -> Result<Json<ActivityOut>, ApiError> {
    let version = version_of(&headers, b.version)?;
    state.app.activity_act(&a, id, Some(version), ActivityAction::Edit(b)).await?;
    Ok(Json(out(&state, &a, id).await?))
}

/// The code on the venue screen now (the office, while check-in is open): 6 digits, replaced
/// every 30 seconds; `url` is what the QR code holds.
#[utoipa::path(get, path = "/api/v1/activities/{id}/check-in-code", tag = "activities", operation_id = "activities.check_in_code",
    params(("id" = i64, Path)),
    responses((status = 200, body = CodeNow), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "check-in is not open")))]
async fn check_in_code(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Response, ApiError> {
    let code = state.app.activity_code(&a, id).await?;
    // A code is good for seconds: no cache may keep it.
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(code)).into_response())
}

/// The activity as an iCalendar file (whoever may read it).
#[utoipa::path(get, path = "/api/v1/activities/{id}/ics", tag = "activities", operation_id = "activities.ics", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/calendar", body = String, description = "an iCalendar file (RFC 5545)"),
        (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn ics(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Response, ApiError> {
    let text = state.app.activity_ics(&a, id).await?.body;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"activity-{id}.ics\"")).map_err(|_| ApiError(eline_app::AppError::NotFound))?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8")), (header::CONTENT_DISPOSITION, disposition)], text).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MaterialParams {
    /// material (会议材料: the office, until the activity is closed or cancelled)
    pub purpose: String,
}

/// Attach a material to the notice (the office, while the activity may be edited); invitees
/// read it with the notice.
#[utoipa::path(post, path = "/api/v1/activities/{id}/attachments", tag = "activities", operation_id = "activities.upload",
    params(("id" = i64, Path), MaterialParams),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = AttachmentOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn upload(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    Params(p): Params<MaterialParams>,
    multipart: crate::html::Upload,
) -> Result<(StatusCode, Json<AttachmentOut>), ApiError> {
    super::record_files::upload(&state, &a, RecordRef::new(RecordKind::ACTIVITY, id), &p.purpose, multipart).await
}

/// Download a material of the notice (whoever may read the activity).
#[utoipa::path(get, path = "/api/v1/activities/{id}/attachments/{file_id}", tag = "activities", operation_id = "activities.download",
    params(("id" = i64, Path), ("file_id" = i64, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn download(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    axum::extract::Path(ids): axum::extract::Path<(String, String)>,
) -> Result<Response, ApiError> {
    super::record_files::download(&state, &a, RecordKind::ACTIVITY, ids).await
}

/// Leave requests waiting for the caller's decision (those who may approve leave: the office
/// and leaders): as the approver named on activities, and for the office those of activities
/// without one; soonest activity first. Decide with `approve_leave`.
#[utoipa::path(get, path = "/api/v1/activities/leave-queue", tag = "activities", operation_id = "activities.leave_queue",
    responses((status = 200, body = LeaveQueueOut), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn leave_queue(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<LeaveQueueOut>, ApiError> {
    let items = state.app.leave_queue(&a).await?;
    Ok(Json(LeaveQueueOut { items: items.into_iter().map(Into::into).collect() }))
}

/// Whether the caller has a personal calendar feed.
#[derive(Serialize, ToSchema)]
pub struct FeedStatus {
    pub active: bool,
    /// When the current link was made (the link itself is shown only when it is made).
    #[schema(format = DateTime)]
    pub since: Option<String>,
}

/// A new secret feed link.
#[derive(Serialize, ToSchema)]
pub struct FeedLink {
    /// e.g. https://eline.example.org/calendar/cal_….ics — subscribe to it in a calendar app;
    /// anyone with the link sees the caller's activities, so keep it private.
    pub url: String,
}

/// The caller's calendar feed: active or not (members, leaders, the office).
#[utoipa::path(get, path = "/api/v1/calendar-feed", tag = "activities", operation_id = "calendar_feed.status",
    responses((status = 200, body = FeedStatus), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn feed_status(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<FeedStatus>, ApiError> {
    let since = state.app.calendar_feed_since(&a).await?;
    Ok(Json(FeedStatus { active: since.is_some(), since: since.map(super::dto::ts) }))
}

/// Make a new secret feed link (the old one stops working): a member's own activities, a
/// leader's briefings.
#[utoipa::path(post, path = "/api/v1/calendar-feed", tag = "activities", operation_id = "calendar_feed.regenerate",
    responses((status = 200, body = FeedLink), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn feed_regenerate(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Json<FeedLink>, ApiError> {
    Ok(Json(FeedLink { url: state.app.regenerate_calendar_feed(&a).await? }))
}

/// Stop the caller's feed link (nothing to stop is fine).
#[utoipa::path(delete, path = "/api/v1/calendar-feed", tag = "activities", operation_id = "calendar_feed.revoke",
    responses((status = 204, description = "the link no longer works"), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn feed_revoke(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<StatusCode, ApiError> {
    state.app.revoke_calendar_feed(&a).await?;
    Ok(StatusCode::NO_CONTENT)
}

mod actions {
    //! One documented route per activity action, each with its typed request body (the list is
    //! `eline_app::activity_actions!`). A refused code (expired, replayed, foreign, outside the
    //! window, not on the list) is 409 `invalid_transition` with the member's message, and
    //! recorded for the office.
    use axum::extract::State;
    use axum::http::HeaderMap;
    use eline_app::activities::*;

    use super::*;

    macro_rules! action_routes {
        ($($name:ident: $act:ident => $input:ident,)*) => {
            $(
                #[utoipa::path(post, path = concat!("/api/v1/activities/{id}/", stringify!($name)), tag = "activities",
                    operation_id = concat!("activities.", stringify!($name)), params(("id" = i64, Path)),
                    request_body = $input,
                    responses((status = 200, body = ActivityOut, description = "the activity after the action"),
                        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
                        (status = 409, body = Problem, description = "invalid_transition (with the reason in Chinese) or version_conflict"),
                        (status = 422, body = Problem)))]
                async fn $name(
                    State(state): State<AppState>,
                    ApiUser(a): ApiUser,
                    Id(id): Id,
                    headers: HeaderMap,
                    ActionBody(input): ActionBody<$input>,
                ) -> Result<Json<ActivityOut>, ApiError> {
                    let version = if super::super::header_version(&headers)?.is_some() || input.version.is_some() {
                        Some(version_of(&headers, input.version)?)
                    } else {
                        None
                    };
                    state.app.activity_act(&a, id, version, ActivityAction::$act(input)).await?;
                    Ok(Json(out(&state, &a, id).await?))
                }
            )*
            pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
                r $( .routes(routes!($name)) )*
            }
        };
    }

    eline_app::activity_actions!(action_routes);
}
