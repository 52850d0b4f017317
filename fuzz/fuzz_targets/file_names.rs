//! Any string as an uploaded file's name, for every file type: the cleaned name shows nothing
//! hidden, names no path, is short and ends with the type's extension.

#![no_main]

use eline_formats::files::{FileType, MAX_NAME_CHARS, clean_name, is_hidden};
use libfuzzer_sys::fuzz_target;

const TYPES: [(&str, &str); 8] = [
    ("application/pdf", "pdf"),
    ("image/png", "png"),
    ("image/jpeg", "jpg"),
    ("image/gif", "gif"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("application/msword", "doc"),
    ("application/vnd.ms-excel", "xls"),
];

/// The bidirectional controls, listed independently of the crate's table.
const BIDI: [char; 12] =
    ['\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'];

fuzz_target!(|raw: &str| {
    for (content_type, extension) in TYPES {
        let name = clean_name(raw, FileType { content_type, extension });
        assert!(!name.chars().any(|c| BIDI.contains(&c) || c.is_control() || is_hidden(c)), "{name:?}");
        assert!(!name.contains(['/', '\\', '"', '<', '>', '|', '*', '?', ':']), "{name:?}");
        assert!(name.chars().count() <= MAX_NAME_CHARS + 1 + extension.len(), "{name:?}");
        assert!(!name.starts_with('.'), "{name:?}");
        let lower = name.to_lowercase();
        assert!(lower.ends_with(&format!(".{extension}")) || (extension == "jpg" && lower.ends_with(".jpeg")), "{name:?}");
    }
});
