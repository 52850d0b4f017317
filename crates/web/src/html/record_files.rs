//! Files on a record's page, for every module: an upload attached to the record (back to the
//! page's files, or the page again with the refusal by its field) and a stored file served as a
//! download. Each module's routes call these with its record and its page.

use std::future::Future;

use axum::response::{IntoResponse, Redirect, Response};
use eline_domain::RecordRef;
use serde::Deserialize;

use super::{Errors, Upload, file_response, flash, form_errors, read_upload, render_invalid};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

/// `?purpose=` of an upload form (the record kind's file purpose).
#[derive(Deserialize)]
pub struct UploadQuery {
    pub purpose: Option<String>,
}

/// Attaches the uploaded file to `record` for `purpose`; then back to `page_url#files`, or, when
/// refused (type, size, purpose, access), the page made by `page` with the error.
pub async fn attach<T, F, Fut>(
    state: &AppState,
    user: &PageUser,
    record: RecordRef,
    q: UploadQuery,
    multipart: Upload,
    page_url: String,
    page: F,
) -> Result<Response, PageError>
where
    T: askama::Template,
    F: FnOnce(Errors) -> Fut,
    Fut: Future<Output = Result<T, PageError>>,
{
    let purpose = q.purpose.unwrap_or_default();
    let result = match read_upload(multipart).await {
        Ok((name, bytes)) => state.app.attach(&user.actor, record, &purpose, &name, &bytes).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(a) => {
            flash(&user.session, &format!("已上传“{}”", a.file_name)).await;
            Ok(Redirect::to(&format!("{page_url}#files")).into_response())
        }
        Err(e) => Ok(render_invalid(&page(form_errors(e)?).await?)),
    }
}

/// A file of `record` as a download, for whoever may read the record's files.
pub async fn download(state: &AppState, user: &PageUser, record: RecordRef, file: i64) -> Result<Response, PageError> {
    let (a, bytes) = state.app.record_file(&user.actor, record, file).await?;
    Ok(file_response(&a, bytes))
}
