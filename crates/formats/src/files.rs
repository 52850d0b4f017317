//! Uploaded files: the type is sniffed from the content (never trusted from the client) and the
//! name is only a label, cleaned so that it cannot pretend to be something else.

/// What a file really is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub content_type: &'static str,
    pub extension: &'static str,
}

/// Longest cleaned name, extension not counted.
pub const MAX_NAME_CHARS: usize = 100;

/// Recognises PDF, Word, Excel (both the old and the Open XML formats), PNG, JPEG and GIF.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    let t = |content_type, extension| Some(FileType { content_type, extension });
    if bytes.starts_with(b"%PDF-") {
        return t("application/pdf", "pdf");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return t("image/png", "png");
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return t("image/jpeg", "jpg");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return t("image/gif", "gif");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // Open XML packages name their main part early in the archive.
        let head = &bytes[..bytes.len().min(64 * 1024)];
        let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        if has(b"word/") {
            return t("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx");
        }
        if has(b"xl/") {
            return t("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx");
        }
        return None;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // Old Office compound files: Word or Excel by their stream names (UTF-16).
        let head = &bytes[..bytes.len().min(256 * 1024)];
        let utf16 = |s: &str| s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect::<Vec<u8>>();
        let has = |s: &str| {
            let n = utf16(s);
            head.windows(n.len()).any(|w| w == n.as_slice())
        };
        if has("WordDocument") {
            return t("application/msword", "doc");
        }
        if has("Workbook") || has("Book") {
            return t("application/vnd.ms-excel", "xls");
        }
    }
    None
}

/// A file name safe to show and to offer for download: no path, no control or invisible
/// formatting characters (a right-to-left override shows `报告\u{202E}fdp.exe` as "报告exe.pdf"),
/// none of `"<>|*?:`, at most [`MAX_NAME_CHARS`] characters, and the extension of the sniffed type.
pub fn clean_name(raw: &str, ty: FileType) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = base.chars().filter(|&c| !is_hidden(c) && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':')).collect();
    let mut name: String = kept.trim().chars().take(MAX_NAME_CHARS).collect();
    if name.is_empty() || name.starts_with('.') {
        name = format!("附件.{}", ty.extension);
    }
    let lower = name.to_lowercase();
    let has_extension = lower.ends_with(&format!(".{}", ty.extension)) || (ty.extension == "jpg" && lower.ends_with(".jpeg"));
    if !has_extension {
        name = format!("{name}.{}", ty.extension);
    }
    name
}

/// Characters that change how a name is shown without showing themselves: control characters
/// (Cc), line and paragraph separators, and every format character (Unicode category Cf, which
/// includes the bidirectional controls and the zero-width characters).
pub fn is_hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || FORMAT_CHARACTERS.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// Unicode 15.1, General_Category = Cf.
const FORMAT_CHARACTERS: [(char, char); 20] = [
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E007F}'),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf() -> FileType {
        sniff(b"%PDF-1.4").unwrap()
    }

    #[test]
    fn files_are_recognised_by_their_content_not_their_name() {
        assert_eq!(sniff(b"%PDF-1.7 ...").unwrap().extension, "pdf");
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap().content_type, "image/jpeg");
        assert!(sniff(b"<html><script>alert(1)</script>").is_none());
        assert!(sniff(b"MZ\x90\x00").is_none(), "programs are refused");
        let xlsx = crate::spreadsheet::write_xlsx(&[crate::spreadsheet::Sheet::new("a", ["x"])]).unwrap();
        assert_eq!(sniff(&xlsx).unwrap().extension, "xlsx");
    }

    #[test]
    fn names_lose_their_paths_and_get_the_true_extension() {
        assert_eq!(clean_name("../../etc/passwd", pdf()), "passwd.pdf");
        assert_eq!(clean_name("C:\\文件\\调研报告.pdf", pdf()), "调研报告.pdf");
        assert_eq!(clean_name("", pdf()), "附件.pdf");
        assert_eq!(clean_name("报告.exe", pdf()), "报告.exe.pdf");
    }

    #[test]
    fn a_right_to_left_override_cannot_disguise_the_extension() {
        assert_eq!(clean_name("报告\u{202E}exe.pdf", pdf()), "报告exe.pdf");
        assert_eq!(clean_name("\u{2067}报告\u{2069}\u{200F}.pdf", pdf()), "报告.pdf");
    }

    #[test]
    fn a_name_of_only_invisible_characters_becomes_a_plain_label() {
        assert_eq!(clean_name("\u{202E}\u{200B}\u{FEFF}\u{0007}\u{061C}", pdf()), "附件.pdf");
        assert_eq!(clean_name(" \u{200D} .pdf", pdf()), "附件.pdf", "what is left starts with a dot");
    }

    #[test]
    fn zero_width_and_control_characters_are_dropped_but_chinese_and_punctuation_stay() {
        assert_eq!(clean_name("关于\u{200B}加强（第2期）\r\n调研-报告_v1.2.pdf", pdf()), "关于加强（第2期）调研-报告_v1.2.pdf");
        assert_eq!(clean_name("a\"b<c>d|e*f?g:h.pdf", pdf()), "abcdefgh.pdf");
    }

    #[test]
    fn long_names_are_cut_to_a_hundred_characters_before_the_extension() {
        let name = clean_name(&"政".repeat(300), pdf());
        assert_eq!(name.chars().count(), MAX_NAME_CHARS + ".pdf".len());
        assert!(name.ends_with("政.pdf"));
    }
}
