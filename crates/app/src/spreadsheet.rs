//! Reading uploaded tables (XLSX or CSV) into rows of text, and writing XLSX files.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};

use crate::{AppError, AppResult};

/// Rows of the first sheet (XLSX) or of the file (CSV, UTF-8), header row included, each cell
/// trimmed text. Trailing empty rows are dropped.
pub fn read_table(file_name: &str, bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    let lower = file_name.to_lowercase();
    let mut rows = if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv(bytes)?
    } else {
        return Err(AppError::field("file", "只支持 .xlsx 或 .csv 文件，请使用下载的模板"));
    };
    while rows.last().is_some_and(|r| r.iter().all(String::is_empty)) {
        rows.pop();
    }
    Ok(rows)
}

fn read_xlsx(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| AppError::field("file", "无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密"))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| AppError::field("file", "Excel 文件中没有工作表"))?
        .map_err(|_| AppError::field("file", "无法读取 Excel 文件的第一个工作表"))?;
    Ok(range.rows().map(|r| r.iter().map(cell_text).collect()).collect())
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::Error(_) => String::new(),
    }
}

fn read_csv(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(AppError::field("file", "CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或直接上传 .xlsx"));
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| AppError::field("file", format!("CSV 格式有误：{e}")))?;
        rows.push(rec.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(rows)
}

/// One sheet: a bold header row, then the rows; column widths fitted roughly to CJK text.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub fn write_xlsx(sheets: &[Sheet<'_>]) -> AppResult<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet.name).map_err(err)?;
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold).map_err(err)?;
            let widest = sheet.rows.iter().filter_map(|r| r.get(c)).map(|v| display_width(v)).chain([display_width(h)]).max().unwrap_or(8);
            ws.set_column_width(c as u16, (widest as f64 + 2.0).min(60.0)).map_err(err)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string((r + 1) as u32, c as u16, v).map_err(err)?;
            }
        }
    }
    book.save_to_buffer().map_err(err)
}

fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_workbook_reads_back_the_same_cells() {
        let bytes =
            write_xlsx(&[Sheet { name: "委员", headers: vec!["姓名".into(), "出生年份".into()], rows: vec![vec!["王芳".into(), "1968".into()]] }]).unwrap();
        let rows = read_table("x.xlsx", &bytes).unwrap();
        assert_eq!(rows, vec![vec!["姓名".to_string(), "出生年份".into()], vec!["王芳".into(), "1968".into()]]);
    }

    #[test]
    fn csv_with_a_bom_is_read_and_non_utf8_csv_gets_a_chinese_hint() {
        let rows = read_table("a.csv", "\u{feff}姓名,界别\n王芳,教育界\n".as_bytes()).unwrap();
        assert_eq!(rows[1], vec!["王芳".to_string(), "教育界".into()]);
        let err = read_table("a.csv", &[0xD5, 0xC5, 0x2C]).unwrap_err();
        assert!(err.to_string().contains("UTF-8"));
    }

    #[test]
    fn other_file_types_are_refused() {
        assert!(read_table("a.pdf", b"%PDF-1.4").is_err());
    }
}
