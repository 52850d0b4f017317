//! Shared by the spreadsheet targets.

use std::sync::Once;

use eline_formats::spreadsheet::{MAX_COLUMNS, MAX_ROWS, read_table};

/// Reads `bytes` as the upload `name`: a table that is read stays within the caps.
pub fn read_within_caps(name: &str, bytes: &[u8]) {
    let_calamine_panics_unwind();
    if let Ok(rows) = read_table(name, bytes) {
        assert!(rows.len() <= MAX_ROWS + 1, "{} rows", rows.len());
        assert!(rows.iter().all(|r| r.len() <= MAX_COLUMNS), "a row wider than {MAX_COLUMNS}");
        assert!(rows.last().is_none_or(|r| r.iter().any(|c| !c.is_empty())), "a trailing empty row");
    }
}

/// libfuzzer-sys aborts on every panic before it unwinds. eline-formats runs calamine under
/// `catch_unwind` (calamine's arithmetic on cell references overflows in overflow-checked
/// builds) and refuses the file, so a panic raised inside calamine's own code is let to unwind to
/// that guard; any other panic, ours included, still aborts and is reported.
fn let_calamine_panics_unwind() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| l.file().contains("/calamine-")) {
                fuzzer_hook(info);
            }
        }));
    });
}
