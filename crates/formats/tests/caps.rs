//! Tables beyond the caps are refused with a message that says where; within them, they read as
//! before. Nothing here may take long or allocate by what a file claims.

mod common;

use std::time::{Duration, Instant};

use common::{cell, workbook};
use eline_formats::spreadsheet::{MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, Sheet, read_table, write_xlsx};
use rust_xlsxwriter::{Format, Workbook};

const COLUMN_BM: &str = "第BM列超出上限：表格最多64列，请使用下载的模板";
const COLUMN_XFD: &str = "第XFD列超出上限：表格最多64列，请使用下载的模板";
const ROW_100_002: &str = "表格超过上限：第100,002行超出（一次最多导入100,000行，请分批导入）";

fn refusal(name: &str, bytes: &[u8]) -> String {
    let e = read_table(name, bytes).unwrap_err();
    assert_eq!(e.field, "file");
    e.message
}

#[test]
fn a_workbook_with_cells_at_a1_and_xfd1048576_is_refused_for_its_column_without_allocating_the_grid() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    assert!(bytes.len() < 10_000, "a small file: {} bytes", bytes.len());
    let started = Instant::now();
    assert_eq!(refusal("委员.xlsx", &bytes), COLUMN_XFD);
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
}

#[test]
fn a_sheet_that_declares_the_whole_grid_but_holds_few_cells_is_read_by_its_real_cells() {
    let cells = format!(r#"<row r="1">{}{}</row><row r="2">{}</row>"#, cell("A1", "姓名"), cell("B1", "界别"), cell("B2", "教育界"));
    let bytes = workbook("A1:XFD1048576", &cells, &[]);
    let rows = read_table("a.xlsx", &bytes).unwrap();
    assert_eq!(rows, vec![vec!["姓名".to_string(), "界别".into()], vec!["".into(), "教育界".into()]]);
}

#[test]
fn a_sheet_that_lies_about_its_dimension_and_has_a_cell_far_away_is_refused_for_that_cell() {
    let cells = format!(r#"<row r="1">{}</row><row r="1048576">{}</row>"#, cell("A1", "姓名"), cell("XFD1048576", "x"));
    let started = Instant::now();
    assert_eq!(refusal("a.xlsx", &workbook("A1:XFD1048576", &cells, &[])), COLUMN_XFD);
    let cells = format!(r#"<row r="1">{}</row><row r="100002">{}</row>"#, cell("A1", "姓名"), cell("C100002", "x"));
    assert_eq!(refusal("a.xlsx", &workbook("A1:A2", &cells, &[])), ROW_100_002);
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
}

#[test]
fn empty_formatted_cells_beyond_the_caps_are_ignored() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(1, 0, "王芳").unwrap();
    sheet.write_blank(1_048_575, 16_383, &Format::new().set_bold()).unwrap();
    sheet.write_string(200_000, 100, "  ").unwrap();
    let rows = read_table("a.xlsx", &book.save_to_buffer().unwrap()).unwrap();
    assert_eq!(rows, vec![vec!["姓名".to_string()], vec!["王芳".into()]]);
}

#[test]
fn a_table_that_starts_below_and_right_of_a1_is_read_from_its_first_cell_as_before() {
    let cells = format!(r#"<row r="3">{}{}</row><row r="4">{}</row>"#, cell("C3", "姓名"), cell("D3", "界别"), cell("C4", "王芳"));
    let rows = read_table("a.xlsx", &workbook("C3:D4", &cells, &[])).unwrap();
    assert_eq!(rows, vec![vec!["姓名".to_string(), "界别".into()], vec!["王芳".into(), "".into()]]);
}

fn csv_of(rows: usize, columns: usize) -> String {
    let line = vec!["x"; columns].join(",");
    let mut text = String::with_capacity((rows + 1) * (line.len() + 1));
    for _ in 0..=rows {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

#[test]
fn a_hundred_thousand_data_rows_are_read_and_one_more_is_refused_with_its_row_number() {
    let rows = read_table("a.csv", csv_of(MAX_ROWS, 3).as_bytes()).unwrap();
    assert_eq!(rows.len(), MAX_ROWS + 1);
    assert_eq!(refusal("a.csv", csv_of(MAX_ROWS + 1, 3).as_bytes()), ROW_100_002);
}

#[test]
fn sixty_four_columns_are_read_and_a_sixty_fifth_is_refused_with_its_letters() {
    assert_eq!(read_table("a.csv", csv_of(2, MAX_COLUMNS).as_bytes()).unwrap()[0].len(), MAX_COLUMNS);
    assert_eq!(refusal("a.csv", csv_of(2, MAX_COLUMNS + 1).as_bytes()), COLUMN_BM);
    let headers: Vec<String> = (0..=MAX_COLUMNS).map(|i| format!("列{i}")).collect();
    let bytes = write_xlsx(&[Sheet::new("宽表", headers)]).unwrap();
    assert_eq!(refusal("a.xlsx", &bytes), COLUMN_BM);
}

#[test]
fn a_very_wide_csv_row_of_empty_fields_is_read_as_sixty_four_columns() {
    let text = format!("姓名{}\n王芳\n", ",".repeat(1_000_000));
    let rows = read_table("a.csv", text.as_bytes()).unwrap();
    assert_eq!(rows[0].len(), MAX_COLUMNS);
    assert_eq!(rows[0][0], "姓名");
}

#[test]
fn a_cell_longer_than_excel_allows_is_refused_with_its_place() {
    let long = "字".repeat(MAX_CELL_CHARS);
    let rows = read_table("a.csv", format!("标题,正文\n提案,{long}\n").as_bytes()).unwrap();
    assert_eq!(rows[1][1].chars().count(), MAX_CELL_CHARS);
    let too_long = format!("标题,正文\n提案,{long}字\n");
    assert_eq!(refusal("a.csv", too_long.as_bytes()), "第2行第B列的内容过长（一个单元格最多32,767个字）");
    // Excel (and rust_xlsxwriter) cannot write such a cell; a file made by hand can.
    let cells = format!(r#"<row r="1">{}</row><row r="2">{}</row>"#, cell("A1", "正文"), cell("A2", &format!("{long}字")));
    assert_eq!(refusal("a.xlsx", &workbook("A1:A2", &cells, &[])), "第2行第A列的内容过长（一个单元格最多32,767个字）");
}

#[test]
fn a_short_file_that_repeats_one_long_string_cannot_fill_memory() {
    let long = "a".repeat(MAX_CELL_CHARS);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for row in 0..3_300 {
        sheet.write_string(row, 0, &long).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    assert!(bytes.len() < 200_000, "{} bytes", bytes.len());
    assert_eq!(refusal("a.xlsx", &bytes), "表格文字总量超过100MB，请分批导入");
}

#[test]
fn a_normal_template_round_trips_with_numbers_dates_and_booleans_as_text() {
    let headers: Vec<String> = ["届次*", "编号", "标题*", "类型*", "提案者*", "正文"].iter().map(|s| s.to_string()).collect();
    let rows = vec![
        vec!["十三届二次会议".to_string(), "12".into(), "关于加强社区养老服务的建议".into(), "个人".into(), "王芳".into(), "正文，\"引号\"\n第二段".into()],
        vec!["十三届二次会议".to_string(), "".into(), "关于 “一老一小” 的建议".into(), "联名".into(), "李明".into(), "".into()],
    ];
    let bytes = write_xlsx(&[Sheet::text("导入", headers.clone(), rows.clone()), Sheet::new("填写说明", Vec::<String>::new())]).unwrap();
    let read = read_table("提案.xlsx", &bytes).unwrap();
    assert_eq!(read[0], headers);
    assert_eq!(read[1..], rows[..]);

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_number(0, 0, 1968).unwrap();
    sheet.write_number(0, 1, 2.5).unwrap();
    sheet.write_boolean(0, 2, true).unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 3, 5).unwrap();
    sheet.write_datetime_with_format(0, 3, &date, &Format::new().set_num_format("yyyy-mm-dd")).unwrap();
    let read = read_table("a.xlsx", &book.save_to_buffer().unwrap()).unwrap();
    assert_eq!(read, vec![vec!["1968".to_string(), "2.5".into(), "是".into(), "2024-03-05".into()]]);
}
