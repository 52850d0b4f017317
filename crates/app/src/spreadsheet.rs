//! Reading uploaded tables and writing XLSX files: `eline_formats::spreadsheet` with this
//! layer's error type (a refused file is a validation error of the field "file").

pub use eline_formats::spreadsheet::Sheet;

use crate::{AppError, AppResult};

/// Rows of the first sheet (XLSX) or of the file (CSV, UTF-8), header row included, each cell
/// trimmed text, within the caps of `eline_formats::spreadsheet`.
pub fn read_table(file_name: &str, bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    eline_formats::spreadsheet::read_table(file_name, bytes).map_err(|e| AppError::field(e.field, e.message))
}

/// `read_table` off the async threads: a file at the caps takes seconds to read.
pub async fn read_upload(file_name: &str, bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    let (name, bytes) = (file_name.to_string(), bytes.to_vec());
    tokio::task::spawn_blocking(move || read_table(&name, &bytes)).await.map_err(|e| AppError::Internal(e.to_string()))?
}

pub fn write_xlsx(sheets: &[Sheet<'_>]) -> AppResult<Vec<u8>> {
    eline_formats::spreadsheet::write_xlsx(sheets).map_err(|e| AppError::Internal(format!("xlsx: {e}")))
}
