//! Uploaded files: type sniffed from the content (never trusted from the client), size-limited,
//! stored content-addressed under the data directory (`files/ab/abcdef…`); names are only labels.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{AppError, AppResult};

/// Default upload limit (20 MB).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// What a file really is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub content_type: &'static str,
    pub extension: &'static str,
}

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

/// A file name safe to show and to offer for download: no path, no control characters, ≤ 100 chars.
pub fn clean_name(raw: &str, ty: FileType) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let mut name: String = base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':')).take(100).collect();
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

/// Where the bytes of files live.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> FileStore {
        FileStore { root: root.into() }
    }

    fn path_of(&self, sha256: &str) -> AppResult<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::NotFound);
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }

    /// Checks and stores a file; returns (sha256, type). The same content is stored once.
    pub async fn put(&self, bytes: &[u8]) -> AppResult<(String, FileType)> {
        if bytes.is_empty() {
            return Err(AppError::field("file", "文件是空的"));
        }
        if bytes.len() > MAX_BYTES {
            return Err(AppError::field("file", format!("文件不能超过{}MB", MAX_BYTES / 1024 / 1024)));
        }
        let ty = sniff(bytes).ok_or_else(|| AppError::field("file", "只能上传 PDF、Word、Excel 文件或 PNG、JPG、GIF 图片"))?;
        let sha = hex::encode(Sha256::digest(bytes));
        let path = self.path_of(&sha)?;
        if !path.exists() {
            write_atomically(&path, bytes).await.map_err(|e| AppError::Internal(format!("store file: {e}")))?;
        }
        Ok((sha, ty))
    }

    pub async fn read(&self, sha256: &str) -> AppResult<Vec<u8>> {
        let path = self.path_of(sha256)?;
        tokio::fs::read(&path).await.map_err(|e| {
            tracing::error!(error = %e, path = %path.display(), "stored file missing");
            AppError::NotFound
        })
    }
}

/// Writes to a temporary name in the same directory, syncs, then renames (no half files).
async fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    tokio::fs::create_dir_all(dir).await?;
    let tmp = dir.join(format!(".tmp-{}-{}", std::process::id(), rand::random::<u64>()));
    {
        use tokio::io::AsyncWriteExt;
        let mut f = tokio::fs::File::create(&tmp).await?;
        f.write_all(bytes).await?;
        f.sync_all().await?;
    }
    tokio::fs::rename(&tmp, path).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_their_content_not_their_name() {
        assert_eq!(sniff(b"%PDF-1.7 ...").unwrap().extension, "pdf");
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap().content_type, "image/jpeg");
        assert!(sniff(b"<html><script>alert(1)</script>").is_none());
        assert!(sniff(b"MZ\x90\x00").is_none(), "programs are refused");
        let xlsx = crate::spreadsheet::write_xlsx(&[crate::spreadsheet::Sheet { name: "a", headers: vec!["x".into()], rows: vec![] }]).unwrap();
        assert_eq!(sniff(&xlsx).unwrap().extension, "xlsx");
    }

    #[test]
    fn names_lose_their_paths_and_get_the_true_extension() {
        let pdf = sniff(b"%PDF-1.4").unwrap();
        assert_eq!(clean_name("../../etc/passwd", pdf), "passwd.pdf");
        assert_eq!(clean_name("C:\\文件\\调研报告.pdf", pdf), "调研报告.pdf");
        assert_eq!(clean_name("", pdf), "附件.pdf");
        assert_eq!(clean_name("报告.exe", pdf), "报告.exe.pdf");
    }

    #[tokio::test]
    async fn the_same_content_is_stored_once_and_reads_back() {
        let dir = std::env::temp_dir().join(format!("eline_files_{}", std::process::id()));
        let store = FileStore::new(&dir);
        let (a, _) = store.put(b"%PDF-1.4 hello").await.unwrap();
        let (b, _) = store.put(b"%PDF-1.4 hello").await.unwrap();
        assert_eq!(a, b);
        assert_eq!(store.read(&a).await.unwrap(), b"%PDF-1.4 hello");
        assert!(matches!(store.read("../../etc/passwd").await, Err(AppError::NotFound)));
        let _ = std::fs::remove_dir_all(dir);
    }
}
