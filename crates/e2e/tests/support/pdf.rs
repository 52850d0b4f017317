//! Screenshots and printed PDFs of the browser tests that print (the reply letter, the bulletin):
//! pages counted, text read and pages drawn with poppler-utils.

use std::path::{Path, PathBuf};
use std::process::Command;

use eline_e2e::{Browser, running_in_ci, screenshots_dir};

/// Where screenshots go: `$ELINE_SHOTS_DIR`, else the workspace's screenshots folder.
pub fn shots_dir() -> PathBuf {
    match std::env::var_os("ELINE_SHOTS_DIR") {
        Some(dir) => {
            std::fs::create_dir_all(&dir).expect("create ELINE_SHOTS_DIR");
            PathBuf::from(dir)
        }
        None => screenshots_dir(),
    }
}

pub async fn shot(browser: &Browser, name: &str) {
    let png = browser.screenshot_as_png().await.expect("screenshot");
    std::fs::write(shots_dir().join(name), png).expect("save screenshot");
}

/// poppler-utils present (CI installs it; elsewhere the PDF checks are skipped with a message).
pub fn poppler() -> bool {
    let ok = Command::new("pdftotext").arg("-v").output().is_ok() && Command::new("pdftoppm").arg("-v").output().is_ok();
    if !ok {
        assert!(!running_in_ci(), "CI must install poppler-utils (pdftotext, pdftoppm)");
        eprintln!("skipping the PDF checks: poppler-utils (pdftotext, pdftoppm) not installed");
    }
    ok
}

pub fn pdf_page_count(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("run pdfinfo");
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("pdfinfo names the page count")
}

/// The text of one page, without whitespace (lines break anywhere in Chinese text).
pub fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    let out = Command::new("pdftotext").args(["-f", &n, "-l", &n, "-enc", "UTF-8"]).arg(pdf).arg("-").output().expect("run pdftotext");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect()
}

pub fn page_png(pdf: &Path, page: usize, name: &str) {
    let n = page.to_string();
    let prefix = shots_dir().join(name);
    let status = Command::new("pdftoppm").args(["-png", "-r", "60", "-singlefile", "-f", &n, "-l", &n]).arg(pdf).arg(&prefix).status().expect("run pdftoppm");
    assert!(status.success(), "pdftoppm failed");
    assert!(prefix.with_extension("png").exists(), "pdftoppm wrote {}", prefix.display());
}
