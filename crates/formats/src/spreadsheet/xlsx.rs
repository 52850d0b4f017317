//! The first sheet of an XLSX file, read cell by cell.
//!
//! calamine's `worksheet_range` allocates the rectangle between the first and the last cell
//! (A1 and XFD1048576: 549,755,813,888 bytes). Here the package is checked first (see
//! `package`), then the cells are streamed and each one is checked against the caps before it is
//! kept, so memory is bounded by the caps whatever the file claims.
//!
//! The `<dimension ref="…">` a sheet declares is ignored: Excel often declares a used range
//! larger than the cells it holds, and a file can declare anything. Only real cells count, and
//! only those with text: an empty or blank cell (often just formatting) may lie anywhere, even
//! beyond the caps.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{DataRef, Reader, Xlsx};

use super::limits::Limits;
use super::{package, unreadable};
use crate::{FormatError, FormatResult};

/// The cells of the first sheet within the bounding box of its non-empty cells (as calamine's
/// ranges are), every row as wide as the box.
pub(super) fn read_xlsx(bytes: &[u8]) -> FormatResult<Vec<Vec<String>>> {
    package::check(bytes)?;
    let mut book: Xlsx<_> = guarded(|| Xlsx::new(Cursor::new(bytes)))?.map_err(|_| unreadable())?;
    let first = book.sheet_names().first().cloned().ok_or_else(|| FormatError::file("Excel 文件中没有工作表"))?;
    let sheet_error = || FormatError::file("无法读取 Excel 文件的第一个工作表，请确认它是普通工作表（不是图表），或使用下载的模板");
    let mut cells = guarded(|| book.worksheet_cells_reader(&first))?.map_err(|_| sheet_error())?;
    let mut grid = Grid::default();
    while let Some(cell) = guarded(|| cells.next_cell())?.map_err(|_| sheet_error())? {
        let (row, col) = cell.get_position();
        with_text(cell.get_value(), |text| grid.put(row, col, text))?;
    }
    Ok(grid.finish())
}

/// Runs a calamine call, turning a panic into a refusal: calamine is not panic-free on hostile
/// input (arithmetic on cell references overflows in builds with overflow checks).
fn guarded<T>(f: impl FnOnce() -> T) -> FormatResult<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| FormatError::file("Excel 文件内容有误，无法读取：请用 Excel 打开后另存为 .xlsx，或使用下载的模板"))
}

/// Calls `f` with the trimmed text of a cell, allocating only for values that are not text.
fn with_text<R>(d: &DataRef<'_>, f: impl FnOnce(&str) -> R) -> R {
    match d {
        DataRef::Empty | DataRef::Error(_) => f(""),
        DataRef::SharedString(s) => f(s.trim()),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => f(s.trim()),
        DataRef::Int(i) => f(&i.to_string()),
        DataRef::Float(x) => f(&number(*x)),
        DataRef::Bool(b) => f(if *b { "是" } else { "否" }),
        DataRef::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            f(&format!("{y:04}-{m:02}-{d:02}"))
        }
    }
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { x.to_string() }
}

/// Non-empty cells by absolute position; the caps are checked before a cell is kept.
#[derive(Default)]
struct Grid {
    rows: Vec<Vec<String>>,
    limits: Limits,
    first_row: usize,
    first_col: usize,
    last_col: usize,
    cells: usize,
}

impl Grid {
    fn put(&mut self, row: u32, col: u32, text: &str) -> FormatResult<()> {
        if text.is_empty() {
            return Ok(());
        }
        self.limits.admit(row.into(), col.into(), text)?;
        let (row, col) = (row as usize, col as usize);
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.len() <= col {
            cells.resize_with(col + 1, String::new);
        }
        cells[col] = text.to_string();
        (self.first_row, self.first_col) = if self.cells == 0 { (row, col) } else { (self.first_row.min(row), self.first_col.min(col)) };
        self.last_col = self.last_col.max(col);
        self.cells += 1;
        Ok(())
    }

    fn finish(mut self) -> Vec<Vec<String>> {
        if self.cells == 0 {
            return Vec::new();
        }
        let width = self.last_col + 1 - self.first_col;
        self.rows.drain(..self.first_row);
        for row in &mut self.rows {
            row.drain(..self.first_col.min(row.len()));
            row.resize_with(width, String::new);
        }
        self.rows
    }
}
