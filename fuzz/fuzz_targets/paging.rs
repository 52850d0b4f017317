//! Any text as `?cursor=` and any number as `?limit=`: never a panic, and what is accepted is
//! within bounds.

#![no_main]

use eline_domain::paging::{MAX_LIMIT, MAX_SEARCH_OFFSET, limit, parse_cursor, parse_offset};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = parse_cursor(Some(&text)) {
        assert_eq!(e.field, "cursor");
    }
    for max in [0, 1, MAX_SEARCH_OFFSET, usize::MAX] {
        match parse_offset(Some(&text), max) {
            Ok(offset) => assert!(offset <= max, "{offset} > {max}"),
            Err(e) => assert_eq!(e.field, "cursor"),
        }
    }
    let numbers = [text.trim().parse::<i64>().ok(), data.get(..8).map(|b| i64::from_le_bytes(b.try_into().unwrap()))];
    for n in numbers.into_iter().flatten() {
        match limit(Some(n)) {
            Ok(l) => assert!((1..=MAX_LIMIT).contains(&l) && l == n),
            Err(e) => assert_eq!(e.field, "limit"),
        }
    }
});
