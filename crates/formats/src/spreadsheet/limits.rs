//! The caps of an imported table and their Chinese refusals, shared by the XLSX and CSV readers.

use super::{MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, MAX_TEXT_BYTES};
use crate::{FormatError, FormatResult};

/// Counts the text kept so far and checks each non-empty cell (0-based row and column, trimmed
/// text) against the caps before it is kept. The column is checked first: a cell at XFD1048576
/// is refused for its column.
#[derive(Default)]
pub(super) struct Limits {
    text_bytes: usize,
}

impl Limits {
    pub(super) fn admit(&mut self, row: u64, col: u64, text: &str) -> FormatResult<()> {
        if col >= MAX_COLUMNS as u64 {
            return Err(FormatError::file(format!("第{}列超出上限：表格最多{MAX_COLUMNS}列，请使用下载的模板", column_name(col))));
        }
        if row > MAX_ROWS as u64 {
            return Err(row_beyond_cap(row));
        }
        if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
            return Err(cell_too_long(row, col));
        }
        self.text_bytes += text.len();
        if self.text_bytes > MAX_TEXT_BYTES {
            return Err(FormatError::file(format!("表格文字总量超过{}MB，请分批导入", MAX_TEXT_BYTES / 1024 / 1024)));
        }
        Ok(())
    }
}

fn row_beyond_cap(row: u64) -> FormatError {
    FormatError::file(format!("表格超过上限：第{}行超出（一次最多导入{}行，请分批导入）", thousands(row + 1), thousands(MAX_ROWS as u64)))
}

pub(super) fn cell_too_long(row: u64, col: u64) -> FormatError {
    FormatError::file(format!("第{}行第{}列的内容过长（一个单元格最多{}个字）", thousands(row + 1), column_name(col), thousands(MAX_CELL_CHARS as u64)))
}

/// Spreadsheet column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA, 64 → BM.
pub(super) fn column_name(col: u64) -> String {
    let mut letters = Vec::new();
    let mut n = u128::from(col) + 1;
    while n > 0 {
        n -= 1;
        letters.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

/// 100002 → "100,002".
pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_in_excel() {
        let names: Vec<String> = [0, 25, 26, 63, 64, 701, 702, 16_383, u64::MAX].into_iter().map(column_name).collect();
        assert_eq!(names[..8], ["A", "Z", "AA", "BL", "BM", "ZZ", "AAA", "XFD"]);
        assert!(!names[8].is_empty());
    }

    #[test]
    fn numbers_in_messages_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(100_002), "100,002");
        assert_eq!(thousands(1_048_576), "1,048,576");
    }
}
