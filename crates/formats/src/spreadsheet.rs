//! Reading uploaded tables (XLSX or CSV) into rows of text, within fixed caps, and writing XLSX
//! with typed cells (see `write`).
//!
//! Whatever a file claims, reading it allocates no more than the caps allow: at most
//! [`MAX_ROWS`] data rows under a header row, [`MAX_COLUMNS`] columns, [`MAX_CELL_CHARS`]
//! characters in a cell and [`MAX_TEXT_BYTES`] of text in all; an XLSX package is also checked
//! for its unpacked size before it is opened (see `package`). Content beyond a cap is refused
//! with a message that says where; empty cells beyond the caps are ignored.

mod csv;
mod limits;
mod package;
mod write;
mod xlsx;

pub use package::{MAX_PART_BYTES, MAX_PARTS, MAX_SHARED_STRINGS_BYTES, MAX_UNPACKED_BYTES};
pub use write::{Cell, Sheet, write_xlsx};

use crate::{FormatError, FormatResult};

/// Data rows one import may hold, under one header row.
pub const MAX_ROWS: usize = 100_000;
/// Columns a table may use (the templates have 14).
pub const MAX_COLUMNS: usize = 64;
/// Characters in one cell: Excel's own limit, above the longest proposal body (20,000).
pub const MAX_CELL_CHARS: usize = 32_767;
/// Text of all cells together, in UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = 100 * 1024 * 1024;

/// Rows of the first sheet (XLSX) or of the file (CSV, UTF-8), header row included, each cell
/// trimmed text. Trailing empty rows are dropped.
pub fn read_table(file_name: &str, bytes: &[u8]) -> FormatResult<Vec<Vec<String>>> {
    let lower = file_name.to_lowercase();
    let mut rows = if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
        xlsx::read_xlsx(bytes)?
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        csv::read_csv(bytes)?
    } else {
        return Err(FormatError::file("只支持 .xlsx 或 .csv 文件，请使用下载的模板"));
    };
    while rows.last().is_some_and(|r| r.iter().all(String::is_empty)) {
        rows.pop();
    }
    Ok(rows)
}

fn unreadable() -> FormatError {
    FormatError::file("无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_workbook_reads_back_the_same_cells() {
        let mut sheet = Sheet::new("委员", ["编号", "姓名", "出生年份"]);
        sheet.push([Cell::Int(12), "王芳".into(), Cell::Int(1968)]);
        let bytes = write_xlsx(&[sheet]).unwrap();
        let rows = read_table("x.xlsx", &bytes).unwrap();
        assert_eq!(rows, vec![vec!["编号".to_string(), "姓名".into(), "出生年份".into()], vec!["12".into(), "王芳".into(), "1968".into()]]);
    }

    #[test]
    fn csv_with_a_bom_is_read_and_non_utf8_csv_gets_a_chinese_hint() {
        let rows = read_table("a.csv", "\u{feff}姓名,界别\n王芳,教育界\n".as_bytes()).unwrap();
        assert_eq!(rows[1], vec!["王芳".to_string(), "教育界".into()]);
        let err = read_table("a.csv", &[0xD5, 0xC5, 0x2C]).unwrap_err();
        assert!(err.to_string().contains("UTF-8"));
        assert_eq!(err.field, "file");
    }

    #[test]
    fn other_file_types_are_refused() {
        assert!(read_table("a.pdf", b"%PDF-1.4").is_err());
    }
}
