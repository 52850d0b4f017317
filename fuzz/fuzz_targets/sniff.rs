//! Any bytes as an upload: sniffing never panics and names only the types it knows.

#![no_main]

use eline_formats::files::sniff;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(ty) = sniff(data) {
        assert!(["pdf", "png", "jpg", "gif", "docx", "xlsx", "doc", "xls"].contains(&ty.extension), "{ty:?}");
    }
});
