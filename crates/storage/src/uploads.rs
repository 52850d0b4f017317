//! Resumable uploads in progress (the bytes are files under the data directory; see app/uploads).

use crate::{Ex, Result, all, now_micros, opt, run, scalar};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Upload {
    pub id: String,
    pub committee_id: i64,
    pub user_id: i64,
    pub file_name: String,
    pub size: i64,
    pub received: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

impl Upload {
    pub fn complete(&self) -> bool {
        self.received == self.size
    }
}

macro_rules! upload_columns {
    () => {
        "id, committee_id, user_id, file_name, size, received, created_at, expires_at"
    };
}

pub struct NewUpload<'a> {
    pub id: &'a str,
    pub committee_id: i64,
    pub user_id: i64,
    pub file_name: &'a str,
    pub size: i64,
    pub expires_at: i64,
}

pub async fn create(ex: &mut Ex<'_>, n: &NewUpload<'_>) -> Result<Upload> {
    let row = opt!(
        ex,
        Upload,
        concat!(
            "INSERT INTO uploads (id, committee_id, user_id, file_name, size, received, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7) RETURNING ",
            upload_columns!()
        ),
        n.id,
        n.committee_id,
        n.user_id,
        n.file_name,
        n.size,
        now_micros(),
        n.expires_at
    )?;
    row.ok_or(crate::StorageError::NotFound)
}

/// The user's own upload, unless expired.
pub async fn get(ex: &mut Ex<'_>, id: &str, user_id: i64) -> Result<Option<Upload>> {
    Ok(opt!(ex, Upload, concat!("SELECT ", upload_columns!(), " FROM uploads WHERE id = $1 AND user_id = $2 AND expires_at > $3"), id, user_id, now_micros())?)
}

/// The user's uploads not yet expired (a cap on how many may wait at once).
pub async fn count_open(ex: &mut Ex<'_>, user_id: i64) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT COUNT(*) FROM uploads WHERE user_id = $1 AND expires_at > $2", user_id, now_micros())?)
}

/// Moves `received` from `from` to `to`, only if it still is `from` (two servers appending the
/// same piece: one wins). False when it moved meanwhile.
pub async fn advance(ex: &mut Ex<'_>, id: &str, from: i64, to: i64) -> Result<bool> {
    Ok(run!(ex, "UPDATE uploads SET received = $1 WHERE id = $2 AND received = $3", to, id, from)? == 1)
}

pub async fn delete(ex: &mut Ex<'_>, id: &str) -> Result<bool> {
    Ok(run!(ex, "DELETE FROM uploads WHERE id = $1", id)? == 1)
}

/// Ids of uploads expired before `now` (at most `limit`), for removing their files and rows.
pub async fn expired(ex: &mut Ex<'_>, now: i64, limit: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = all!(ex, (String,), "SELECT id FROM uploads WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2", now, limit)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
