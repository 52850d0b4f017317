//! Uploaded files: type sniffed from the content (never trusted from the client), size-limited,
//! stored content-addressed under the data directory (`files/ab/abcdef…`); names are only labels,
//! cleaned by `clean_name`. The pure checks live in `eline_formats::files`.

use std::path::{Path, PathBuf};

pub use eline_formats::files::{FileType, clean_name, sniff};
use sha2::{Digest, Sha256};

use crate::{AppError, AppResult};

/// Default upload limit (20 MB).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// Where the bytes of files live.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: std::sync::Arc<Path>,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> FileStore {
        FileStore { root: root.into().into() }
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
