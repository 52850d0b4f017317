//! The one error of this crate: which input field was refused, and why, in Chinese.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct FormatError {
    /// The form or API field the input came in (always "file" today).
    pub field: &'static str,
    pub message: String,
}

impl FormatError {
    /// A refusal of an uploaded file.
    pub fn file(message: impl Into<String>) -> FormatError {
        FormatError { field: "file", message: message.into() }
    }
}

pub type FormatResult<T> = Result<T, FormatError>;
