//! A record's files through the API, the same for every module: the upload of one file in one
//! multipart request, and the download by id (a malformed id is 404, like a file the caller
//! may not read). Each module's route names the record kind and documents its purposes.

use axum::Json;
use axum::http::StatusCode;
use eline_app::AppError;
use eline_domain::{Actor, RecordRef};

use super::proposals::AttachmentOut;
use crate::AppState;
use crate::error::ApiError;

/// Attaches the uploaded file to `record` for `purpose`.
pub async fn upload(
    state: &AppState,
    a: &Actor,
    record: RecordRef,
    purpose: &str,
    multipart: crate::html::Upload,
) -> Result<(StatusCode, Json<AttachmentOut>), ApiError> {
    let (name, bytes) = crate::html::read_upload(multipart).await?;
    let f = state.app.attach(a, record, purpose, &name, &bytes).await?;
    Ok((StatusCode::CREATED, Json(AttachmentOut::from(f))))
}

/// The file `file_id` of the record `kind`/`id`, both as the path gave them.
pub async fn download(
    state: &AppState,
    a: &Actor,
    kind: eline_domain::RecordKind,
    (id, file_id): (String, String),
) -> Result<axum::response::Response, ApiError> {
    let (Ok(id), Ok(file_id)) = (id.parse::<i64>(), file_id.parse::<i64>()) else {
        return Err(ApiError(AppError::NotFound));
    };
    let (att, bytes) = state.app.record_file(a, RecordRef::new(kind, id), file_id).await?;
    Ok(crate::html::file_response(&att, bytes))
}
