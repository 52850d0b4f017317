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
    /// The kind of error, for programs (机器可读的错误类别).
    #[schema(value_type = ProblemCode)]
    pub code: String,
    /// validation_failed: the fields in error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemField>>,
    /// A rejected import: how many problems the file has (`errors` lists the first of them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_errors: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field as the request named it (`title`, `to.kind`, `body`, or `第3行·姓名` in an import).
    pub field: String,
    pub message: String,
    /// A rejected import: the file's row (1 = the header row) …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// … and the column's heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

/// Every `code` a problem may carry (the schema of `Problem.code`; the server writes the names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ProblemCode {
    /// 422: the input has errors (`errors` lists them).
    ValidationFailed,
    /// 401: no valid token or session.
    Unauthenticated,
    /// 403
    Forbidden,
    /// 404: no such record, or one the caller may not see.
    NotFound,
    /// 409: the record's state does not allow the action.
    InvalidTransition,
    /// 409: the record changed since the caller read it (send the current `version`).
    VersionConflict,
    /// 429: see Retry-After.
    RateLimited,
    /// 413
    PayloadTooLarge,
    /// 408: the request body did not arrive in time.
    RequestTimeout,
    /// 405: the path has no such method (see Allow).
    MethodNotAllowed,
    /// 503: too many requests at once; see Retry-After.
    Overloaded,
    /// 503: a service the server needs is unavailable; see Retry-After.
    Unavailable,
    /// 500
    Internal,
    /// 422: the `Idempotency-Key` was used for another request (method, path or body).
    IdempotencyKeyReused,
    /// 409: the request first sent with this `Idempotency-Key` is still running; see Retry-After.
    IdempotencyInProgress,
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
        errors: errors.map(|es| es.into_iter().map(|e| ProblemField { field: e.field, message: e.message, row: None, column: None }).collect()),
        total_errors: None,
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
        if status == StatusCode::UNAUTHORIZED {
            // RFC 6750: the scheme to authenticate with (a phone app refreshes its token on this).
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"eline\""));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes the server writes (`classify`, the admission layer's own answers) are the ones
    /// `ProblemCode` lists for the OpenAPI document.
    #[test]
    fn every_code_written_is_a_listed_problem_code() {
        let errors = [
            AppError::Validation(vec![]),
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::InvalidTransition(String::new()),
            AppError::VersionConflict,
            AppError::RateLimited { retry_after_secs: 1 },
            AppError::PayloadTooLarge,
            AppError::Unavailable(String::new()),
            AppError::Internal(String::new()),
        ];
        let listed: Vec<String> = [
            ProblemCode::ValidationFailed,
            ProblemCode::Unauthenticated,
            ProblemCode::Forbidden,
            ProblemCode::NotFound,
            ProblemCode::InvalidTransition,
            ProblemCode::VersionConflict,
            ProblemCode::RateLimited,
            ProblemCode::PayloadTooLarge,
            ProblemCode::RequestTimeout,
            ProblemCode::MethodNotAllowed,
            ProblemCode::Overloaded,
            ProblemCode::Unavailable,
            ProblemCode::Internal,
            ProblemCode::IdempotencyKeyReused,
            ProblemCode::IdempotencyInProgress,
        ]
        .iter()
        .map(|c| serde_json::to_value(c).unwrap().as_str().unwrap().to_string())
        .collect();
        for e in &errors {
            let (_, code, _) = classify(e);
            assert!(listed.iter().any(|l| l == code), "{code} is not a ProblemCode");
        }
        for code in [
            "overloaded",
            "request_timeout",
            "payload_too_large",
            "forbidden",
            "not_found",
            "method_not_allowed",
            "idempotency_key_reused",
            "idempotency_in_progress",
        ] {
            assert!(listed.iter().any(|l| l == code), "{code} is not a ProblemCode");
        }
    }
}
