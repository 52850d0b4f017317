//! Resumable uploads (docs/api.md "Uploading in chunks"): announce, send pieces at the offset the
//! server has, resume after a broken connection, attach the finished file to a record.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use eline_app::AppError;
use eline_domain::RecordRef;
use eline_storage::uploads::Upload;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::proposals::AttachmentOut;
use super::{Body, Id};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

/// The header naming where a piece goes (and, on answers, how much the server has).
pub const UPLOAD_OFFSET: &str = "upload-offset";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start)).routes(routes!(status, append)).routes(routes!(attach))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"file_name": "调研照片.jpg", "size": 3145728}))]
pub struct UploadIn {
    /// The file's name as the member sees it.
    pub file_name: String,
    /// The whole file's size in bytes (at most 20 MB).
    pub size: i64,
}

#[derive(Serialize, ToSchema)]
pub struct UploadOut {
    /// Where to send pieces: PATCH /api/v1/uploads/{id}.
    pub id: String,
    pub file_name: String,
    pub size: i64,
    /// Bytes the server has: the offset of the next piece.
    pub received: i64,
    /// All bytes received: attach it (…/attachments/from-upload).
    pub complete: bool,
    /// Unattached uploads are removed then (a day after the start).
    #[schema(format = DateTime)]
    pub expires_at: String,
}

fn answer(status: StatusCode, u: Upload) -> Response {
    let offset = HeaderValue::from(u.received);
    let location = HeaderValue::from_str(&format!("/api/v1/uploads/{}", u.id)).ok();
    let out =
        UploadOut { complete: u.complete(), id: u.id, file_name: u.file_name, size: u.size, received: u.received, expires_at: super::dto::ts(u.expires_at) };
    let mut res = (status, Json(out)).into_response();
    res.headers_mut().insert(UPLOAD_OFFSET, offset);
    if let (StatusCode::CREATED, Some(l)) = (status, location) {
        res.headers_mut().insert(header::LOCATION, l);
    }
    res
}

/// Start an upload: the file's name and size. Then send its bytes in pieces with PATCH.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "uploads", request_body = UploadIn,
    responses((status = 201, body = UploadOut, headers(("Upload-Offset" = i64, description = "0"), ("Location" = String))),
        (status = 422, body = Problem, description = "文件名或大小有误（上限20MB），或未完成的上传过多")))]
async fn start(State(state): State<AppState>, ApiUser(a): ApiUser, Body(b): Body<UploadIn>) -> Result<Response, ApiError> {
    let u = state.app.start_upload(&a, &b.file_name, b.size).await?;
    Ok(answer(StatusCode::CREATED, u))
}

/// How much of an upload the server has (to resume after a broken connection).
#[utoipa::path(get, path = "/api/v1/uploads/{id}", tag = "uploads", params(("id" = String, Path)),
    responses((status = 200, body = UploadOut, headers(("Upload-Offset" = i64, description = "已收到的字节数"))), (status = 404, body = Problem)))]
async fn status(State(state): State<AppState>, ApiUser(a): ApiUser, Path(id): Path<String>) -> Result<Response, ApiError> {
    Ok(answer(StatusCode::OK, state.app.upload(&a, &id).await?))
}

/// Send the next piece: its bytes as the body, `Upload-Offset` = the upload's `received`. A piece
/// at another offset is refused (409): ask GET /api/v1/uploads/{id} and go on from `received`.
#[utoipa::path(patch, path = "/api/v1/uploads/{id}", tag = "uploads",
    params(("id" = String, Path), ("Upload-Offset" = i64, Header, description = "这一段在文件中的起始位置（字节）")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "这一段的字节（也接受 tus 的 application/offset+octet-stream）"),
    responses((status = 200, body = UploadOut, headers(("Upload-Offset" = i64, description = "已收到的字节数"))), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "位置与服务器已收到的不符"), (status = 422, body = Problem)))]
async fn append(State(state): State<AppState>, ApiUser(a): ApiUser, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let offset = headers
        .get(UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .ok_or_else(|| AppError::field("upload-offset", "请在 Upload-Offset 头中给出这一段的起始位置（非负整数）"))?;
    Ok(answer(StatusCode::OK, state.app.append_upload(&a, &id, offset, &body).await?))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"upload_id": "k3J9…", "purpose": "proposal"}))]
pub struct FromUploadIn {
    pub upload_id: String,
    /// proposal (proposer, before filing) | reply (an assigned unit) | evaluation (proposer, co-signers, while rating)
    pub purpose: String,
}

/// Attach a finished upload to a proposal (checked like a direct upload); the upload is removed.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/attachments/from-upload", tag = "proposals", params(("id" = i64, Path)), request_body = FromUploadIn,
    responses((status = 201, body = AttachmentOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn attach(
    State(state): State<AppState>,
    ApiUser(a): ApiUser,
    Id(id): Id,
    Body(b): Body<FromUploadIn>,
) -> Result<(StatusCode, Json<AttachmentOut>), ApiError> {
    let f = state.app.attach_upload(&a, RecordRef::proposal(id), &b.purpose, &b.upload_id).await?;
    Ok((StatusCode::CREATED, Json(AttachmentOut::from(f))))
}
