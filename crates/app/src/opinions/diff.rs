//! A readable diff of two versions of a report (the office's edits): by characters within
//! lines, as Chinese text has no spaces between words. Made with the `similar` library.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// A run of text that is the same, removed or added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffPart {
    /// same | removed | added
    pub kind: &'static str,
    pub text: String,
}

/// One line of the inline diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    pub parts: Vec<DiffPart>,
    /// The line only changed (has removed or added parts).
    pub changed: bool,
}

/// The inline diff of `old` against `new`, line by line, characters within changed lines.
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    let lines = TextDiff::from_lines(old, new);
    let mut out = Vec::new();
    for op in lines.ops() {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            similar::DiffTag::Equal => {
                for line in new_range.filter_map(|i| lines.new_slice(i)) {
                    out.push(DiffLine { parts: vec![part("same", line.trim_end_matches('\n'))], changed: false });
                }
            }
            _ => {
                let old_text: String = old_range.filter_map(|i| lines.old_slice(i)).collect();
                let new_text: String = new_range.filter_map(|i| lines.new_slice(i)).collect();
                let chars = TextDiff::from_chars(old_text.trim_end_matches('\n'), new_text.trim_end_matches('\n'));
                let mut line = Vec::new();
                for change in chars.iter_all_changes() {
                    let kind = match change.tag() {
                        ChangeTag::Equal => "same",
                        ChangeTag::Delete => "removed",
                        ChangeTag::Insert => "added",
                    };
                    for (i, piece) in change.value().split('\n').enumerate() {
                        if i > 0 {
                            out.push(DiffLine { parts: std::mem::take(&mut line), changed: true });
                        }
                        if !piece.is_empty() {
                            push(&mut line, kind, piece);
                        }
                    }
                }
                out.push(DiffLine { parts: line, changed: true });
            }
        }
    }
    out
}

fn part(kind: &'static str, text: &str) -> DiffPart {
    DiffPart { kind, text: text.to_string() }
}

/// Appends to the last part when it is of the same kind (one run per kind).
fn push(line: &mut Vec<DiffPart>, kind: &'static str, text: &str) {
    match line.last_mut() {
        Some(last) if last.kind == kind => last.text.push_str(text),
        _ => line.push(part(kind, text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(lines: &[DiffLine]) -> String {
        lines
            .iter()
            .map(|l| {
                l.parts
                    .iter()
                    .map(|p| match p.kind {
                        "removed" => format!("[-{}-]", p.text),
                        "added" => format!("{{+{}+}}", p.text),
                        _ => p.text.clone(),
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn an_edit_shows_what_was_removed_and_added_within_the_line() {
        let d = diff("关于电梯的情况反映\n第二段不变", "关于加装电梯的建议\n第二段不变");
        assert_eq!(render(&d), "关于{+加装+}电梯的[-情况反映-]{+建议+}\n第二段不变");
        assert!(d[0].changed && !d[1].changed);
        assert!(diff("同", "同").iter().all(|l| !l.changed));
    }
}
