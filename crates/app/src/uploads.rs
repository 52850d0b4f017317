//! Resumable uploads for phone apps on weak networks: the app announces a file (name and size),
//! sends it in pieces, each appended at the offset the server reports, resumes after a broken
//! connection from that offset, and finally attaches the whole file to a record, where it is
//! checked like any upload (type from the content, size). Pieces wait in
//! `<data-dir>/uploads/<id>.part` (shared by servers like the files) for a day at most.

use std::path::PathBuf;

use eline_domain::{Actor, RecordRef};
use eline_storage::attachments::Attachment;
use eline_storage::now_micros;
use eline_storage::uploads::{self, NewUpload, Upload};
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use crate::device_sessions::{is_random_id, random_id};
use crate::files::MAX_BYTES;
use crate::{App, AppError, AppResult};

/// An upload not finished and attached within this time is removed (µs): a day.
pub const UPLOAD_LIFETIME: i64 = 24 * 3600 * 1_000_000;
/// Uploads one account may have waiting at once.
pub const MAX_OPEN_UPLOADS: i64 = 20;

impl App {
    fn upload_dir(&self) -> PathBuf {
        self.settings.data_dir.join("uploads")
    }

    fn part_path(&self, id: &str) -> PathBuf {
        self.upload_dir().join(format!("{id}.part"))
    }

    /// Announces a file of `size` bytes; returns the upload to send pieces to.
    pub async fn start_upload(&self, actor: &Actor, file_name: &str, size: i64) -> AppResult<Upload> {
        let name = file_name.trim();
        let mut errors = Vec::new();
        if name.is_empty() {
            errors.push(eline_domain::FieldError::new("file_name", "请填写文件名"));
        } else if name.chars().count() > 200 {
            errors.push(eline_domain::FieldError::new("file_name", "文件名不能超过200个字"));
        }
        if size < 1 {
            errors.push(eline_domain::FieldError::new("size", "文件大小应大于0字节"));
        } else if size > MAX_BYTES as i64 {
            errors.push(eline_domain::FieldError::new("size", format!("文件不能超过{}MB", MAX_BYTES / 1024 / 1024)));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        self.prune_uploads().await;
        let id = random_id();
        tokio::fs::create_dir_all(self.upload_dir()).await.map_err(|e| AppError::Internal(format!("upload dir: {e}")))?;
        tokio::fs::File::create(self.part_path(&id)).await.map_err(|e| AppError::Internal(format!("upload file: {e}")))?;
        let mut tx = self.db.begin().await?;
        if uploads::count_open(&mut tx.ex(), actor.user_id).await? >= MAX_OPEN_UPLOADS {
            drop(tx);
            let _ = tokio::fs::remove_file(self.part_path(&id)).await;
            return Err(AppError::field("size", format!("未完成的上传已有{MAX_OPEN_UPLOADS}个，请先完成或等待其过期（一天）")));
        }
        let new =
            NewUpload { id: &id, committee_id: actor.committee_id, user_id: actor.user_id, file_name: name, size, expires_at: now_micros() + UPLOAD_LIFETIME };
        let upload = uploads::create(&mut tx.ex(), &new).await?;
        tx.commit().await?;
        Ok(upload)
    }

    /// The actor's own upload in progress (404 for anyone else's, an expired or unknown one).
    pub async fn upload(&self, actor: &Actor, id: &str) -> AppResult<Upload> {
        if !is_random_id(id) {
            return Err(AppError::NotFound);
        }
        let mut c = self.db.acquire().await?;
        uploads::get(&mut c.ex(), id, actor.user_id).await?.ok_or(AppError::NotFound)
    }

    /// Appends a piece at `offset`, which must be what the server has received so far (else 409:
    /// the app asks for the upload and goes on from its `received`).
    pub async fn append_upload(&self, actor: &Actor, id: &str, offset: i64, piece: &[u8]) -> AppResult<Upload> {
        let upload = self.upload(actor, id).await?;
        if offset != upload.received {
            return Err(AppError::InvalidTransition(format!("上传位置不符：服务器已收到{}字节，请从第{}字节继续", upload.received, upload.received)));
        }
        if piece.is_empty() {
            return Err(AppError::field("body", "这一段内容是空的"));
        }
        let end = offset + piece.len() as i64;
        if end > upload.size {
            return Err(AppError::field("body", format!("内容超出了声明的文件大小（{}字节）", upload.size)));
        }
        let write = async {
            let mut f = tokio::fs::OpenOptions::new().write(true).open(self.part_path(id)).await?;
            // A piece sent before whose answer was lost may have left bytes past `offset`.
            f.set_len(offset as u64).await?;
            f.seek(std::io::SeekFrom::Start(offset as u64)).await?;
            f.write_all(piece).await?;
            f.sync_data().await
        };
        write.await.map_err(|e| AppError::Internal(format!("upload write: {e}")))?;
        let mut c = self.db.acquire().await?;
        if !uploads::advance(&mut c.ex(), id, offset, end).await? {
            return Err(AppError::InvalidTransition("这一段已由另一个请求写入，请查询上传进度后继续".into()));
        }
        Ok(Upload { received: end, ..upload })
    }

    /// Attaches a finished upload to a record as `purpose` (the same checks as a direct upload)
    /// and removes the upload.
    pub async fn attach_upload(&self, actor: &Actor, record: RecordRef, purpose: &str, id: &str) -> AppResult<Attachment> {
        let upload = self.upload(actor, id).await.map_err(|_| AppError::field("upload_id", "上传不存在、已过期或不是您的"))?;
        if !upload.complete() {
            return Err(AppError::field("upload_id", format!("文件尚未传完：已收到{}字节，共{}字节", upload.received, upload.size)));
        }
        let bytes = tokio::fs::read(self.part_path(id)).await.map_err(|e| AppError::Internal(format!("upload read: {e}")))?;
        if bytes.len() as i64 != upload.size {
            return Err(AppError::Internal(format!("upload {id}: {} bytes on disk, {} recorded", bytes.len(), upload.size)));
        }
        let attachment = self.attach(actor, record, purpose, &upload.file_name, &bytes).await?;
        self.remove_upload(id).await;
        Ok(attachment)
    }

    /// Removes an upload's row and file (best effort: a leftover is pruned later).
    async fn remove_upload(&self, id: &str) {
        if let Ok(mut c) = self.db.acquire().await
            && let Err(e) = uploads::delete(&mut c.ex(), id).await
        {
            tracing::warn!(error = %e, "upload row not removed");
        }
        let _ = tokio::fs::remove_file(self.part_path(id)).await;
    }

    /// Removes a few expired uploads (called when a new one starts).
    async fn prune_uploads(&self) {
        let expired = match self.db.acquire().await {
            Ok(mut c) => uploads::expired(&mut c.ex(), now_micros(), 20).await.unwrap_or_default(),
            Err(_) => return,
        };
        for id in expired {
            self.remove_upload(&id).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_ids_are_32_url_safe_characters() {
        assert!(is_random_id(&random_id()));
        assert!(!is_random_id("../../etc/passwd"));
        assert!(!is_random_id(&"a".repeat(31)));
        assert!(!is_random_id(&format!("{}/", "a".repeat(31))));
    }
}
