//! Checks on an XLSX package (a zip archive) before calamine opens it.
//!
//! calamine streams the worksheet cell by cell, but when it opens a workbook it parses some parts
//! whole into memory: `_rels/.rels`, the workbook and its relationships, the theme, the styles
//! (every style clones its font, fill and border) and the shared strings (after reserving room for
//! as many strings as `<sst uniqueCount="…">` claims). A 25 MB upload can unpack to gigabytes, so:
//! - the declared unpacked sizes add up to at most [`MAX_UNPACKED_BYTES`] (the zip reader refuses
//!   to inflate an entry beyond its declared size, so the declaration is a real bound);
//! - the parts under `xl/worksheets/` are the only large ones allowed, since they are streamed;
//!   every other part is at most [`MAX_PART_BYTES`], the shared strings [`MAX_SHARED_STRINGS_BYTES`];
//! - `_rels/.rels` may not place the workbook under `xl/worksheets/` (which would let a part
//!   parsed whole pass as a streamed one);
//! - `uniqueCount` may not claim more strings than the part can hold or an import can use.
//!
//! Parts are matched the way calamine finds them: case-insensitively, `\` read as `/`.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::{MAX_COLUMNS, MAX_ROWS, unreadable};
use crate::{FormatError, FormatResult};

/// Total unpacked size of all parts.
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// Unpacked size of any part other than the worksheets and the shared strings.
pub const MAX_PART_BYTES: u64 = 16 * 1024 * 1024;
/// Unpacked size of the shared strings part.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 64 * 1024 * 1024;
/// Parts in one package (a workbook saved by Excel has a few dozen).
pub const MAX_PARTS: usize = 10_000;
const MAX_PACKAGE_RELS_BYTES: u64 = 64 * 1024;
/// No import can use more distinct strings than it has cells.
const MAX_SHARED_STRINGS: u64 = (MAX_ROWS as u64 + 1) * MAX_COLUMNS as u64;
/// The shortest string item, `<si/>`.
const MIN_SHARED_STRING_BYTES: u64 = 5;

pub(super) fn check(bytes: &[u8]) -> FormatResult<()> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    if zip.len() > MAX_PARTS {
        return Err(malformed());
    }
    let mut total: u64 = 0;
    let mut package_rels = Vec::new();
    let mut shared_strings = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_data(i).map_err(|_| unreadable())?;
        let name = String::from_utf8_lossy(entry.name_raw()).replace('\\', "/").to_ascii_lowercase();
        let size = entry.size();
        total = total.saturating_add(size);
        if total > MAX_UNPACKED_BYTES {
            return Err(FormatError::file(format!("Excel 文件解压后超过{}MB，请删除无关的工作表和图片，或分批导入", MAX_UNPACKED_BYTES / 1024 / 1024)));
        }
        if name.starts_with("xl/worksheets/") {
            continue;
        }
        let cap = if name == "_rels/.rels" {
            package_rels.push(i);
            MAX_PACKAGE_RELS_BYTES
        } else if name.ends_with("sharedstrings.xml") {
            shared_strings.push((i, size));
            MAX_SHARED_STRINGS_BYTES
        } else {
            MAX_PART_BYTES
        };
        if size > cap {
            return Err(FormatError::file(format!(
                "Excel 文件中的“{name}”解压后超过{}MB，请只保留数据（删除图片、透视表等）后另存为 .xlsx 再上传",
                cap.div_ceil(1024 * 1024)
            )));
        }
    }
    for i in package_rels {
        let mut text = Vec::new();
        zip.by_index(i).map_err(|_| unreadable())?.read_to_end(&mut text).map_err(|_| unreadable())?;
        let text = decode_references(&String::from_utf8_lossy(&text)).replace('\\', "/").to_ascii_lowercase();
        if text.contains("worksheets/") {
            return Err(malformed());
        }
    }
    for (i, size) in shared_strings {
        let claimed = largest_unique_count(zip.by_index(i).map_err(|_| unreadable())?)?;
        if claimed > MAX_SHARED_STRINGS.min(size / MIN_SHARED_STRING_BYTES + 1) {
            return Err(malformed());
        }
    }
    Ok(())
}

fn malformed() -> FormatError {
    FormatError::file("Excel 文件结构异常，无法安全读取：请用 Excel 打开后另存为 .xlsx，或使用下载的模板")
}

/// The largest number written as `uniqueCount="…"` anywhere in the part (0 when none is).
/// Byte-level and over the whole part, so it sees every value calamine could take (calamine reads
/// the attribute raw, without decoding entities or UTF-16).
fn largest_unique_count(mut part: impl Read) -> FormatResult<u64> {
    let mut scan = CountScan::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = part.read(&mut buf).map_err(|_| unreadable())?;
        if n == 0 {
            return Ok(scan.finish());
        }
        buf[..n].iter().for_each(|&b| scan.push(b));
    }
}

const KEY: &[u8] = b"uniqueCount";

#[derive(Default)]
struct CountScan {
    state: State,
    largest: u64,
}

#[derive(Default, Clone, Copy)]
enum State {
    #[default]
    Start,
    /// This many bytes of KEY are matched.
    Key(usize),
    BeforeEquals,
    AfterEquals,
    Digits(u64),
}

impl CountScan {
    fn push(&mut self, b: u8) {
        self.state = match self.state {
            State::Start => Self::key(0, b),
            State::Key(n) => Self::key(n, b),
            State::BeforeEquals if b.is_ascii_whitespace() => State::BeforeEquals,
            State::BeforeEquals if b == b'=' => State::AfterEquals,
            State::AfterEquals if b.is_ascii_whitespace() => State::AfterEquals,
            State::AfterEquals if b == b'"' || b == b'\'' => State::Digits(0),
            State::Digits(v) if b.is_ascii_digit() => State::Digits(v.saturating_mul(10).saturating_add(u64::from(b - b'0'))),
            State::Digits(v) => {
                self.largest = self.largest.max(v);
                Self::key(0, b)
            }
            State::BeforeEquals | State::AfterEquals => Self::key(0, b),
        };
    }

    fn finish(self) -> u64 {
        match self.state {
            State::Digits(v) => self.largest.max(v),
            _ => self.largest,
        }
    }

    /// After `n` matched bytes of KEY, byte `b`: the longest prefix of KEY now matched.
    fn key(n: usize, b: u8) -> State {
        if KEY[n] == b {
            return if n + 1 == KEY.len() { State::BeforeEquals } else { State::Key(n + 1) };
        }
        if n == 0 {
            return State::Start;
        }
        // Mismatch: the longest proper suffix of KEY[..n] + b that is a prefix of KEY.
        let mut seen = KEY[..n].to_vec();
        seen.push(b);
        (1..seen.len()).map(|start| &seen[start..]).find(|tail| KEY.starts_with(tail)).map_or(State::Start, |tail| State::Key(tail.len()))
    }
}

/// Decodes the character references and predefined entities of XML text (`&#119;`, `&#x77;`,
/// `&amp;` …); anything else is left as it is.
fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest[1..].find(';').filter(|&end| end <= 12).and_then(|end| {
            let entity = &rest[1..=end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => match entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok().and_then(char::from_u32),
                    None => entity.strip_prefix('#').and_then(|dec| dec.parse().ok()).and_then(char::from_u32),
                },
            };
            c.map(|c| (c, end + 2))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> u64 {
        largest_unique_count(text.as_bytes()).unwrap()
    }

    #[test]
    fn the_claimed_count_of_shared_strings_is_found_however_it_is_written() {
        assert_eq!(scan(r#"<sst xmlns="x" count="3" uniqueCount="2"><si><t>a</t></si></sst>"#), 2);
        assert_eq!(scan("<sst uniqueCount = '00000000000000000000099999999999'>"), 99_999_999_999);
        assert_eq!(scan(r#"<x:sst uniquuniqueCount="7">"#), 7);
        assert_eq!(scan(r#"<sst uniqueCount="18446744073709551616000">"#), u64::MAX);
        assert_eq!(scan(r#"<sst count="5"><si><t>uniqueCount</t></si></sst>"#), 0);
        assert_eq!(scan(r#"<sst uniqueCount="12"#), 12, "a value cut off by the end of the part still counts");
    }

    #[test]
    fn references_in_relationship_targets_are_decoded() {
        assert_eq!(decode_references("xl/&#119;orksheets&#x2F;a.xml &amp; &bogus; &#xD800; &"), "xl/worksheets/a.xml & &bogus; &#xD800; &");
    }
}
