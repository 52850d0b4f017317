//! The page templates stay readable: no line longer than 160 characters (characters, not bytes:
//! the texts are Chinese). Shared markup lives in `templates/macros.html` and includes.

use std::path::PathBuf;

const MAX_CHARS: usize = 160;

#[test]
fn no_template_line_is_longer_than_160_characters() {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is set by cargo test");
    let dir = PathBuf::from(manifest).join("templates");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|ext| ext == "html"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no templates found in {}", dir.display());

    let mut long = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            let chars = line.chars().count();
            if chars > MAX_CHARS {
                long.push(format!("templates/{name}:{}: {chars} characters", i + 1));
            }
        }
    }
    assert!(long.is_empty(), "template lines longer than {MAX_CHARS} characters (split them, or move repeated markup into macros.html):\n{}", long.join("\n"));
}
