//! Reading uploaded tables and writing XLSX files: `eline_formats::spreadsheet` with this
//! layer's error type (a refused file is a validation error of the field "file").

pub use eline_formats::spreadsheet::{Cell, Sheet};

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

/// A workbook to download: its file name and bytes.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Workbook {
    /// "提案目录（十三届二次）.xlsx": the subject, then the scope (a session's name without
    /// its trailing "会议"), so that files of several sessions can sit side by side.
    pub fn named(subject: &str, scope: Option<&str>, bytes: Vec<u8>) -> Workbook {
        let scope = scope.map(|s| s.trim().trim_end_matches("会议")).filter(|s| !s.is_empty());
        let file_name = match scope {
            Some(s) => format!("{subject}（{s}）.xlsx"),
            None => format!("{subject}.xlsx"),
        };
        Workbook { file_name, bytes }
    }
}

/// Where each column of an import template is in an uploaded header row, found by title with or
/// without the `*` that marks a required column (so the columns' order may differ); a missing
/// required column is an error of row 1, every one at once.
pub fn column_index<'a>(columns: &[&'a str], header: &[String]) -> Result<std::collections::HashMap<&'a str, usize>, Vec<crate::members::RowError>> {
    let mut index = std::collections::HashMap::new();
    let mut errors = Vec::new();
    for col in columns {
        let bare = col.trim_end_matches('*');
        match header.iter().position(|h| h.trim().trim_end_matches('*') == bare) {
            Some(i) => {
                index.insert(*col, i);
            }
            None if col.ends_with('*') => {
                errors.push(crate::members::RowError {
                    row: 1, column: col.to_string(), message: format!("缺少必填列“{bare}”，请使用下载的模板")
                })
            }
            None => {}
        }
    }
    if errors.is_empty() { Ok(index) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_the_session_without_its_trailing_meeting_word() {
        assert_eq!(Workbook::named("提案目录", Some("十四届五次会议"), vec![]).file_name, "提案目录（十四届五次）.xlsx");
        assert_eq!(Workbook::named("提案统计", Some("全部届次"), vec![]).file_name, "提案统计（全部届次）.xlsx");
        assert_eq!(Workbook::named("委员名单", None, vec![]).file_name, "委员名单.xlsx");
    }
}
