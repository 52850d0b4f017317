//! The kept fuzz corpus (`fuzz/corpus/`) doubles as regression tests, without cargo-fuzz: every
//! input kept there is read or refused within the caps, and the known attacks are refused for the
//! right reason. Inputs that once crashed a fuzz target are kept there too.
//!
//! The seeds are made here: `ELINE_WRITE_CORPUS=1 cargo test -p eline-formats --test corpus`
//! (re)writes them.

mod common;

use std::path::PathBuf;
use std::sync::Once;

use common::{cell, workbook};
use eline_formats::files::{FileType, clean_name, is_hidden};
use eline_formats::spreadsheet::{MAX_COLUMNS, MAX_ROWS, Sheet, read_table, write_xlsx};
use rust_xlsxwriter::Workbook;

/// The kept corpus of a fuzz target, with the seeds (re)written first when ELINE_WRITE_CORPUS is set.
fn corpus(target: &str) -> PathBuf {
    static WRITE: Once = Once::new();
    let root = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())).join("../../fuzz/corpus");
    if std::env::var_os("ELINE_WRITE_CORPUS").is_some() {
        WRITE.call_once(|| {
            for (target, name, bytes) in seeds() {
                std::fs::create_dir_all(root.join(target)).unwrap();
                std::fs::write(root.join(target).join(name), bytes).unwrap();
            }
        });
    }
    root.join(target)
}

fn seeds() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut a1_xfd = Workbook::new();
    let sheet = a1_xfd.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let far = format!(r#"<row r="1">{}</row><row r="1048576">{}</row>"#, cell("A1", "姓名"), cell("XFD1048576", "x"));
    let few = format!(r#"<row r="1">{}{}</row><row r="2">{}</row>"#, cell("A1", "姓名"), cell("B1", "界别"), cell("B2", "教育界"));
    let strings = r#"<sst uniqueCount="10000000000"><si><t>王芳</t></si></sst>"#;
    let overflow = format!(r#"<row r="1">{}</row>"#, cell("A99999999999", "x"));
    let template = write_xlsx(&[
        Sheet::text(
            "导入",
            ["姓名*", "性别", "出生年份", "界别*", "手机"].iter().map(|s| s.to_string()).collect(),
            vec![vec!["王芳".into(), "女".into(), "1968".into(), "教育界".into(), "13800000000".into()]],
        ),
        Sheet::text("填写说明", vec!["列".into(), "说明".into()], vec![vec!["姓名*".into(), "必填".into()]]),
    ])
    .unwrap();
    let wide: Vec<String> = (0..70).map(|i| format!("列{i}")).collect();
    let text = |s: &str| s.as_bytes().to_vec();
    vec![
        ("spreadsheet", "a1_xfd1048576.xlsx", a1_xfd.save_to_buffer().unwrap()),
        ("spreadsheet", "lying_dimension.xlsx", workbook("A1:XFD1048576", &far, &[])),
        ("spreadsheet", "lying_dimension_few_cells.xlsx", workbook("A1:XFD1048576", &few, &[])),
        (
            "spreadsheet",
            "shared_strings_claim.xlsx",
            workbook("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#, &[("xl/sharedStrings.xml", strings.as_bytes())]),
        ),
        ("spreadsheet", "reference_overflow.xlsx", workbook("A1", &overflow, &[])),
        ("spreadsheet", "template.xlsx", template),
        ("spreadsheet", "bom.csv", text("\u{feff}姓名,界别\n王芳,教育界\n")),
        ("spreadsheet", "quotes.csv", text("姓名,备注\r\n王芳,\"教育界，\"\"特邀\"\"\n第二行\"\r\n\"未闭合,\n")),
        ("spreadsheet", "wide_row.csv", text(&format!("{}\n", wide.join(",")))),
        ("spreadsheet", "wide_empty_row.csv", text(&format!("姓名{}\n王芳\n", ",".repeat(3_000)))),
        (
            "sheet_xml",
            "far_cells.xml",
            text(&sheet_xml("A1:XFD1048576", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="1048576"><c r="XFD1048576" t="s"><v>1</v></c></row>"#)),
        ),
        ("sheet_xml", "kinds_of_cells.xml", text(&sheet_xml("A1:H2", KINDS_OF_CELLS))),
        (
            "sheet_xml",
            "no_references.xml",
            text(&sheet_xml(
                "A1",
                r#"<row><c t="s"><v>0</v></c><c t="s"><v>2</v></c></row><row><c><v>1968</v></c><c t="inlineStr"><is><t>王芳</t></is></c></row>"#,
            )),
        ),
        ("sheet_xml", "reference_overflow.xml", text(&sheet_xml("B2:A1", r#"<row r="4294967295"><c r="AAAAAAAAAAAAAAAA99999999999"><v>1</v></c></row>"#))),
        ("file_names", "rtl_override", text("报告\u{202E}exe.pdf")),
        ("file_names", "isolates", text("\u{2067}报告\u{2069}\u{200F}.pdf")),
        ("file_names", "zero_width", text("关于\u{200B}加强\u{FEFF}调研\u{200D}报告.docx")),
        ("file_names", "only_controls", text("\u{202E}\u{200B}\u{0007}\u{061C}")),
        ("file_names", "path", text("../../etc/passwd")),
        ("file_names", "windows_path", text("C:\\文件\\调研报告.pdf")),
        ("file_names", "forbidden", text("a\"b<c>d|e*f?g:h.jpeg")),
        ("file_names", "long", text(&"政协委员".repeat(80))),
        ("sniff", "pdf", text("%PDF-1.7\n")),
        ("sniff", "png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
        ("sniff", "jpeg", vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']),
        ("sniff", "gif", text("GIF89a\x01\0\x01\0")),
        ("sniff", "docx", text("PK\x03\x04\x14\0\0\0word/document.xml")),
        (
            "sniff",
            "xls",
            [&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..], &"Workbook".encode_utf16().flat_map(|u| u.to_le_bytes()).collect::<Vec<_>>()].concat(),
        ),
        ("sniff", "program", b"MZ\x90\0\x03\0".to_vec()),
        ("paging", "trillion", text("1000000000000")),
        ("paging", "two_to_the_62", text("4611686018427387904")),
        ("paging", "minus_one", text("-1")),
        ("paging", "fullwidth_digits", text("１２")),
        ("paging", "spaces", text(" 42 ")),
        ("paging", "beyond_u128", text("99999999999999999999999999999999999999999")),
    ]
}

/// A sheet for the `sheet_xml` target, which wraps it in a workbook with three shared strings
/// (0 "姓名", 1 " 王芳 ", 2 "教育界") and a date style (s="1").
fn sheet_xml(dimension: &str, rows: &str) -> String {
    format!(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    )
}

const KINDS_OF_CELLS: &str = r#"<row r="1" spans="1:8"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2"><c r="A2"><v>1968</v></c><c r="B2" s="1"><v>45356</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="inlineStr"><is><t>政协</t></is></c><c r="E2" t="str"><f>A1&amp;B1</f><v>姓名王芳</v></c><c r="F2" t="e"><v>#N/A</v></c><c r="G2"><v>2.5</v></c><c r="H2" t="d"><v>2024-03-05T00:00:00</v></c></row>"#;

#[test]
fn the_seeds_in_the_kept_corpus_are_the_ones_made_here() {
    for (target, name, bytes) in seeds() {
        let path = corpus(target).join(name);
        let kept = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (ELINE_WRITE_CORPUS=1 writes it)", path.display()));
        // Workbooks carry the time they were made, so only the others compare byte for byte.
        if !name.ends_with(".xlsx") {
            assert_eq!(kept, bytes, "{}", path.display());
        }
    }
}

#[test]
fn the_kept_attack_workbooks_are_refused_for_the_right_reason() {
    let refusal = |name: &str| read_table(name, &std::fs::read(corpus("spreadsheet").join(name)).unwrap()).unwrap_err().message;
    assert_eq!(refusal("a1_xfd1048576.xlsx"), "第XFD列超出上限：表格最多64列，请使用下载的模板");
    assert_eq!(refusal("lying_dimension.xlsx"), "第XFD列超出上限：表格最多64列，请使用下载的模板");
    assert!(refusal("shared_strings_claim.xlsx").starts_with("Excel 文件结构异常"));
    let few = std::fs::read(corpus("spreadsheet").join("lying_dimension_few_cells.xlsx")).unwrap();
    assert_eq!(read_table("a.xlsx", &few).unwrap().len(), 2);
}

#[test]
fn every_kept_spreadsheet_input_is_read_or_refused_within_the_caps() {
    for entry in std::fs::read_dir(corpus("spreadsheet")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for name in ["upload.xlsx", "upload.csv"] {
            if let Ok(rows) = read_table(name, &bytes) {
                assert!(rows.len() <= MAX_ROWS + 1 && rows.iter().all(|r| r.len() <= MAX_COLUMNS));
            }
        }
    }
}

#[test]
fn every_kept_file_name_is_cleaned_of_hidden_characters() {
    let pdf = FileType { content_type: "application/pdf", extension: "pdf" };
    for entry in std::fs::read_dir(corpus("file_names")).unwrap() {
        let raw = String::from_utf8_lossy(&std::fs::read(entry.unwrap().path()).unwrap()).into_owned();
        let name = clean_name(&raw, pdf);
        assert!(!name.chars().any(is_hidden) && !name.contains(['/', '\\']) && name.ends_with(".pdf"), "{raw:?} → {name:?}");
    }
}
