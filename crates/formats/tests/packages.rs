//! XLSX packages that would make calamine allocate by what they claim, or that it cannot parse
//! without panicking, are refused before or instead of being read.

mod common;

use common::{PACKAGE_RELS, cell, declare_size, workbook, zip};
use eline_formats::spreadsheet::read_table;

fn refusal(bytes: &[u8]) -> String {
    let e = read_table("a.xlsx", bytes).unwrap_err();
    assert_eq!(e.field, "file");
    e.message
}

const MALFORMED: &str = "Excel 文件结构异常，无法安全读取：请用 Excel 打开后另存为 .xlsx，或使用下载的模板";

fn shared_strings(unique_count: &str, items: usize) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{items}" uniqueCount="{unique_count}">{}</sst>"#,
        "<si><t>王芳</t></si>".repeat(items)
    )
}

#[test]
fn shared_strings_are_read_when_their_count_is_honest() {
    let strings = shared_strings("2", 2);
    let cells = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#;
    let rows = read_table("a.xlsx", &workbook("A1:B1", cells, &[("xl/sharedStrings.xml", strings.as_bytes())])).unwrap();
    assert_eq!(rows, vec![vec!["王芳".to_string(), "王芳".into()]]);
}

#[test]
fn a_shared_strings_part_claiming_ten_billion_strings_is_refused_before_room_is_made_for_them() {
    for claim in ["10000000000", "0000000000000000000000010000000000", "99999999999999999999999999"] {
        let strings = shared_strings(claim, 1);
        assert_eq!(refusal(&workbook("A1", "", &[("xl/SharedStrings.xml", strings.as_bytes())])), MALFORMED, "{claim}");
    }
    let strings = shared_strings("1000", 1);
    assert_eq!(refusal(&workbook("A1", "", &[("xl/sharedStrings.xml", strings.as_bytes())])), MALFORMED, "more than the part can hold");
}

#[test]
fn a_package_that_unpacks_beyond_two_hundred_megabytes_is_refused_before_it_is_opened() {
    let big = declare_size(workbook("A1", "", &[]), "xl/worksheets/sheet1.xml", 201 * 1024 * 1024);
    assert_eq!(refusal(&big), "Excel 文件解压后超过200MB，请删除无关的工作表和图片，或分批导入");
}

#[test]
fn parts_parsed_whole_when_opening_may_not_be_large() {
    let styles = declare_size(workbook("A1", "", &[("xl/styles.xml", b"<styleSheet/>")]), "xl/styles.xml", 17 * 1024 * 1024);
    assert!(refusal(&styles).contains("xl/styles.xml"), "{}", refusal(&styles));
    let strings = shared_strings("1", 1);
    let strings = declare_size(workbook("A1", "", &[("xl/sharedStrings.xml", strings.as_bytes())]), "xl/sharedStrings.xml", 65 * 1024 * 1024);
    assert!(refusal(&strings).contains("超过64MB"), "{}", refusal(&strings));
}

#[test]
fn a_workbook_hidden_among_the_worksheets_is_refused() {
    for target in ["xl/worksheets/workbook.xml", "xl/&#119;orksheets/workbook.xml", "XL\\WORKSHEETS\\workbook.xml"] {
        let rels = PACKAGE_RELS.replace("xl/workbook.xml", target);
        let bytes = zip(&[("_rels/.rels", rels.as_bytes()), ("xl/worksheets/workbook.xml", b"<workbook/>")]);
        assert_eq!(refusal(&bytes), MALFORMED, "{target}");
    }
}

#[test]
fn cell_references_too_large_for_calamine_are_refused_not_a_crash() {
    for at in ["A99999999999", "AAAAAAAAAAAAAAAA1"] {
        let cells = format!(r#"<row r="1">{}</row>"#, cell(at, "x"));
        let message = refusal(&workbook("A1", &cells, &[]));
        assert!(message.contains("Excel") || message.contains("超出上限"), "{at}: {message}");
    }
    assert!(refusal(&workbook("B2:A1", "", &[])).contains("Excel"), "a dimension that ends before it starts");
}

#[test]
fn files_that_are_not_workbooks_get_a_chinese_reason() {
    assert_eq!(refusal(b"PK\x03\x04 not really a zip"), "无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密");
    assert_eq!(refusal(&zip(&[("a.txt", b"hello")])), "无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密");
}
