//! CSV (UTF-8, optional BOM) read field by field with csv-core, so that no row, field or
//! record grows beyond the caps: a field longer than a cell may be is refused while it is read.

use csv_core::{ReadFieldResult, Reader};

use super::limits::{Limits, cell_too_long};
use super::{MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS};
use crate::{FormatError, FormatResult};

/// Rows of the file as they are (each as long as its record, leading empty cells kept), each
/// field trimmed. Empty fields beyond the column cap and empty rows beyond the row cap are
/// dropped; content there is refused.
pub(super) fn read_csv(bytes: &[u8]) -> FormatResult<Vec<Vec<String>>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(FormatError::file("CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或直接上传 .xlsx"));
    }
    let mut reader = Reader::new();
    let mut limits = Limits::default();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut record: u64 = 0;
    // A field may be trimmed after it is read, so allow a little room for spaces around it.
    let mut field = vec![0u8; MAX_CELL_CHARS * 4 + 1024];
    let mut len = 0;
    let mut input = bytes;
    loop {
        let (result, read, written) = reader.read_field(input, &mut field[len..]);
        input = &input[read..];
        len += written;
        match result {
            ReadFieldResult::InputEmpty => {}
            ReadFieldResult::OutputFull => return Err(cell_too_long(record, row.len() as u64)),
            ReadFieldResult::Field { record_end } => {
                let text = String::from_utf8_lossy(&field[..len]);
                let text = text.trim();
                len = 0;
                let col = row.len() as u64;
                if !text.is_empty() {
                    limits.admit(record, col, text)?;
                    row.push(text.to_string());
                } else if col < MAX_COLUMNS as u64 {
                    row.push(String::new());
                }
                if record_end {
                    if record <= MAX_ROWS as u64 {
                        rows.push(std::mem::take(&mut row));
                    } else {
                        row.clear();
                    }
                    record += 1;
                }
            }
            ReadFieldResult::End => return Ok(rows),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_their_commas_quotes_and_line_breaks() {
        let rows = read_csv("姓名,备注\n王芳,\"教育界，\"\"特邀\"\"\n第二行\"\n".as_bytes()).unwrap();
        assert_eq!(rows, vec![vec!["姓名".to_string(), "备注".into()], vec!["王芳".into(), "教育界，\"特邀\"\n第二行".into()]]);
    }

    #[test]
    fn rows_keep_their_own_length_and_crlf_is_a_line_break() {
        let rows = read_csv(b"a,b,c\r\n1\r\n,2\r\n").unwrap();
        assert_eq!(rows, vec![vec!["a".to_string(), "b".into(), "c".into()], vec!["1".into()], vec!["".into(), "2".into()]]);
    }

    #[test]
    fn a_row_beyond_the_cap_that_is_empty_is_not_an_error() {
        let mut text = "h\n".to_string();
        text.push_str(&"1\n".repeat(MAX_ROWS));
        text.push_str(",,,\n\n");
        assert_eq!(read_csv(text.as_bytes()).unwrap().len(), MAX_ROWS + 1);
    }
}
