//! One application error, two renderings: problem+json for the API, a Chinese page for browsers.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use eline_app::AppError;
use eline_domain::FieldError;
use serde::Serialize;
use utoipa::ToSchema;

/// `application/problem+json` body (RFC 9457) with our `code` and field errors.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// validation_failed, unauthenticated, forbidden, not_found, invalid_transition,
    /// version_conflict, rate_limited, payload_too_large, internal; for writes sent with an
    /// Idempotency-Key also idempotency_key_reused (422) and idempotency_in_progress (409)
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemField>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
}

/// (status, code, title) of an error.
pub fn classify(e: &AppError) -> (StatusCode, &'static str, &'static str) {
    match e {
        AppError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "输入有误"),
        AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录"),
        AppError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", "没有权限"),
        AppError::NotFound => (StatusCode::NOT_FOUND, "not_found", "记录不存在"),
        AppError::InvalidTransition(_) => (StatusCode::CONFLICT, "invalid_transition", "当前状态不允许此操作"),
        AppError::VersionConflict => (StatusCode::CONFLICT, "version_conflict", "记录已被修改"),
        AppError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited", "操作过于频繁"),
        AppError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "提交的内容过大"),
        AppError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "暂不可用"),
        AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误"),
    }
}

pub fn problem_response(status: StatusCode, code: &str, title: &str, detail: String, errors: Option<Vec<FieldError>>) -> Response {
    let body = Problem {
        type_: format!("https://eline.invalid/problems/{code}"),
        title: title.to_string(),
        status: status.as_u16(),
        detail,
        code: code.to_string(),
        errors: errors.map(|es| es.into_iter().map(|e| ProblemField { field: e.field, message: e.message }).collect()),
    };
    let mut res = (status, serde_json::to_string(&body).unwrap_or_default()).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    res
}

/// An error answered as problem+json.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, title) = classify(&self.0);
        let detail = match &self.0 {
            AppError::Internal(_) => "服务器内部错误，请稍后重试；如持续出现请联系管理员".to_string(),
            other => other.to_string(),
        };
        let retry = match &self.0 {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            AppError::Unavailable(_) => Some(5),
            _ => None,
        };
        let errors = match self.0 {
            AppError::Validation(es) => Some(es),
            _ => None,
        };
        let mut res = problem_response(status, code, title, detail, errors);
        if let Some(secs) = retry {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    detail: &'a str,
}

/// Renders the Chinese error page.
pub fn error_page(status: StatusCode, title: &str, detail: &str) -> Response {
    let body = ErrorPage { status: status.as_u16(), title, detail }.render().unwrap_or_else(|_| title.to_string());
    (status, Html(body)).into_response()
}

/// An error answered as an HTML page (a redirect to the login page when not logged in).
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match &self.0 {
            AppError::Unauthenticated => Redirect::to("/login").into_response(),
            AppError::NotFound => error_page(StatusCode::NOT_FOUND, "页面不存在", "您访问的页面或记录不存在，或您没有查看它的权限。"),
            AppError::Forbidden => error_page(StatusCode::FORBIDDEN, "没有权限", "您的账号没有进行此操作的权限。如需开通，请联系系统管理员。"),
            AppError::Internal(_) => {
                error_page(StatusCode::INTERNAL_SERVER_ERROR, "服务器出错了", "处理您的请求时发生错误，请稍后重试；如持续出现请联系管理员。")
            }
            other => {
                let (status, _, title) = classify(other);
                error_page(status, title, &other.to_string())
            }
        }
    }
}
