//! Any bytes, read as an .xlsx and as a .csv upload: never a panic, an abort or a huge
//! allocation, and a table that is read stays within the caps.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::read_within_caps("upload.xlsx", data);
    common::read_within_caps("upload.csv", data);
});
