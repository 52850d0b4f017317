//! Writing workbooks that work as Excel: typed cells (numbers and rates are numbers with a
//! number format, dates are dates), a bold header row that stays in view (frozen pane, filter
//! buttons) and column widths fitted to the text, a CJK character counting about two.

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// One cell of a written sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A count or an id: a number cell (format `0`).
    Int(i64),
    /// A share in 0..=1, written as a number with the format `0.0%`; None (nothing to divide by)
    /// is a blank cell.
    Rate(Option<f64>),
    /// A calendar day `YYYY-MM-DD` as an Excel date (format `yyyy-mm-dd`); other text stays text.
    Date(String),
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<&String> for Cell {
    fn from(s: &String) -> Cell {
        Cell::Text(s.clone())
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Int(n)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map(Into::into).unwrap_or(Cell::Empty)
    }
}

impl Cell {
    /// The characters the cell shows (for the column width), a CJK character counting two.
    fn width(&self) -> usize {
        match self {
            Cell::Text(s) => s.lines().map(display_width).max().unwrap_or(0),
            Cell::Int(n) => n.to_string().len(),
            Cell::Rate(_) => 6,
            Cell::Date(_) => 10,
            Cell::Empty => 0,
        }
    }
}

/// One sheet: a header row, then the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet<'a> {
    pub name: &'a str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl<'a> Sheet<'a> {
    pub fn new<H: Into<String>>(name: &'a str, headers: impl IntoIterator<Item = H>) -> Sheet<'a> {
        Sheet { name, headers: headers.into_iter().map(Into::into).collect(), rows: Vec::new() }
    }

    /// Adds a row of cells (anything that converts: text, `i64`, `Option`s, `Cell`s).
    pub fn push<C: Into<Cell>>(&mut self, row: impl IntoIterator<Item = C>) {
        self.rows.push(row.into_iter().map(Into::into).collect());
    }

    /// A sheet of text rows (templates, lists read back as text).
    pub fn text(name: &'a str, headers: Vec<String>, rows: Vec<Vec<String>>) -> Sheet<'a> {
        Sheet { name, headers, rows: rows.into_iter().map(|r| r.into_iter().map(Cell::Text).collect()).collect() }
    }
}

/// The widest a column gets, in Excel's character units.
const MAX_WIDTH: f64 = 60.0;

struct Formats {
    header: Format,
    int: Format,
    rate: Format,
    date: Format,
    text: Format,
}

pub fn write_xlsx(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, XlsxError> {
    let f = Formats {
        header: Format::new().set_bold().set_text_wrap().set_align(FormatAlign::VerticalCenter),
        int: Format::new().set_num_format("0"),
        rate: Format::new().set_num_format("0.0%"),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        text: Format::new().set_align(FormatAlign::Top),
    };
    let mut book = Workbook::new();
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet.name)?;
        write_sheet(ws, sheet, &f)?;
    }
    book.save_to_buffer()
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet<'_>, f: &Formats) -> Result<(), XlsxError> {
    for (c, h) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &f.header)?;
        let widest = sheet.rows.iter().filter_map(|r| r.get(c)).map(Cell::width).chain([display_width(h)]).max().unwrap_or(8);
        ws.set_column_width(c as u16, (widest as f64 + 2.0).min(MAX_WIDTH))?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string_with_format(r, c, s, &f.text).map(drop)?,
                Cell::Int(n) => ws.write_number_with_format(r, c, *n as f64, &f.int).map(drop)?,
                Cell::Rate(Some(x)) => ws.write_number_with_format(r, c, *x, &f.rate).map(drop)?,
                Cell::Rate(None) | Cell::Empty => {}
                Cell::Date(d) => match ExcelDateTime::parse_from_str(d) {
                    Ok(day) => ws.write_datetime_with_format(r, c, &day, &f.date).map(drop)?,
                    Err(_) => ws.write_string_with_format(r, c, d, &f.text).map(drop)?,
                },
            }
        }
    }
    if !sheet.headers.is_empty() {
        // The header stays in view while scrolling; its filter buttons sort and filter the rows.
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, sheet.rows.len() as u32, (sheet.headers.len() - 1) as u16)?;
    }
    Ok(())
}

/// Characters as Excel's column width counts them, a CJK (wide) character as two.
pub(crate) fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_convert_from_text_numbers_and_options() {
        assert_eq!(Cell::from("王芳"), Cell::Text("王芳".into()));
        assert_eq!(Cell::from(7_i64), Cell::Int(7));
        assert_eq!(Cell::from(None::<i64>), Cell::Empty);
        assert_eq!(Cell::from(Some("x")), Cell::Text("x".into()));
        assert_eq!(Cell::Text("政协提案".into()).width(), 8);
    }

    fn part(xlsx: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
        let mut text = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn numbers_rates_and_dates_are_typed_cells_under_a_frozen_bold_header() {
        let mut sheet = Sheet::new("统计", ["承办单位", "件数", "办复率", "答复期限"]);
        sheet.push([Cell::from("清河市民政局"), Cell::Int(12), Cell::Rate(Some(0.5)), Cell::Date("2027-03-05".into())]);
        sheet.push([Cell::from("清河市住房和城乡建设局"), Cell::Int(0), Cell::Rate(None), Cell::Empty]);
        let xlsx = write_xlsx(&[sheet]).unwrap();
        let ws = part(&xlsx, "xl/worksheets/sheet1.xml");
        assert!(ws.contains(r#"ySplit="1""#) && ws.contains(r#"state="frozen""#), "the header row is frozen: {ws}");
        assert!(ws.contains("<autoFilter"), "filter buttons on the header");
        // Numbers are written as numbers (<v>), not shared strings (t="s").
        let cell = |r: &str| ws.split(&format!(r#"<c r="{r}""#)).nth(1).and_then(|c| c.split("</c>").next()).unwrap_or_default().to_string();
        for (r, v) in [("B2", "12"), ("C2", "0.5"), ("D2", "46451")] {
            let c = cell(r);
            assert!(c.contains(&format!("<v>{v}</v>")) && !c.contains(r#"t="s""#), "{r} is the number {v} (2027-03-05 is Excel day 46451): {c}");
        }
        assert!(!ws.contains(r#"r="C3""#), "a rate with nothing to divide by is blank");
        let styles = part(&xlsx, "xl/styles.xml");
        assert!(styles.contains(r#"formatCode="0.0%""#) && styles.contains("yyyy"), "{styles}");
        assert!(styles.contains("<b/>"), "a bold header");
        // Column A fits the longest unit name: 11 CJK characters count 22, plus 2.
        assert!(ws.contains(r#"<col min="1" max="1" width="24.7109375""#), "{ws}");
    }
}
