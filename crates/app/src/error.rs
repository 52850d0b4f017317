//! The application layer's one error type; the web layer maps it to pages and problem+json.

use eline_domain::{FieldError, Invalid};
use eline_storage::StorageError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    #[error("输入有误：{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；"))]
    Validation(Vec<FieldError>),
    #[error("请先登录")]
    Unauthenticated,
    #[error("没有权限进行此操作")]
    Forbidden,
    #[error("记录不存在或无权查看")]
    NotFound,
    #[error("{0}")]
    InvalidTransition(String),
    #[error("记录已被他人修改，请刷新后重试")]
    VersionConflict,
    #[error("尝试次数过多，请{retry_after_secs}秒后再试")]
    RateLimited { retry_after_secs: u64 },
    #[error("提交的内容过大（上限25MB），请减小后重试")]
    PayloadTooLarge,
    /// A part of the service cannot answer now (e.g. search without an index); try again later.
    #[error("{0}")]
    Unavailable(String),
    #[error("内部错误：{0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> AppError {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    /// Maps a storage error, naming `field` when a unique constraint refused the write.
    pub fn from_storage(e: StorageError, field: &str) -> AppError {
        match e {
            StorageError::Duplicate(m) => AppError::field(field, m),
            other => other.into(),
        }
    }
}

impl From<Invalid> for AppError {
    fn from(i: Invalid) -> Self {
        AppError::Validation(i.0)
    }
}

impl From<eline_domain::record::Refusal> for AppError {
    fn from(r: eline_domain::record::Refusal) -> Self {
        match r {
            eline_domain::record::Refusal::Forbidden => AppError::Forbidden,
            eline_domain::record::Refusal::NotNow(m) => AppError::InvalidTransition(m),
        }
    }
}

impl From<StorageError> for AppError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound => AppError::NotFound,
            StorageError::VersionConflict => AppError::VersionConflict,
            StorageError::Duplicate(m) => AppError::field("name", m),
            busy if busy.is_busy() => AppError::Unavailable(StorageError::Busy.to_string()),
            other => {
                tracing::error!(error = %other, "storage error");
                AppError::Internal(other.to_string())
            }
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// The field errors of every check a form runs, so the form shows them all at once; an error
/// that is not about a field (forbidden, not found, the database) is answered at once.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    /// The check's value; None (its field errors kept) when it found the input wrong.
    pub fn take<T>(&mut self, result: AppResult<T>) -> AppResult<Option<T>> {
        match result {
            Ok(v) => Ok(Some(v)),
            Err(AppError::Validation(errors)) => {
                self.0.extend(errors);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every field error found (call when `is_empty` is false).
    pub fn error(self) -> AppError {
        AppError::Validation(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_database_is_unavailable_with_a_chinese_reason_not_an_internal_error() {
        match AppError::from(StorageError::Busy) {
            AppError::Unavailable(m) => assert_eq!(m, "系统繁忙，请稍后再试"),
            other => panic!("{other:?}"),
        }
    }
}
