//! Browser sessions kept in our own database, behind tower-sessions' store trait, so that every
//! server of a cluster sees the same sessions.

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

use crate::{Db, opt, run};

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn backend<E: std::fmt::Display>(e: E) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn user_of(record: &Record) -> Option<i64> {
    record.data.get("user_id").and_then(|v| v.as_i64())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let expires = record.expiry_date.unix_timestamp_nanos() / 1000;
        let mut c = self.db.acquire().await.map_err(backend)?;
        run!(
            &mut c.ex(),
            "INSERT INTO web_sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET user_id = EXCLUDED.user_id, data = EXCLUDED.data, expires_at = EXCLUDED.expires_at",
            record.id.to_string(),
            user_of(record),
            data,
            expires as i64
        )
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let mut c = self.db.acquire().await.map_err(backend)?;
        let row = opt!(
            &mut c.ex(),
            (String, i64),
            "SELECT data, expires_at FROM web_sessions WHERE id = $1 AND expires_at > $2",
            session_id.to_string(),
            crate::now_micros()
        )
        .map_err(backend)?;
        let Some((data, expires)) = row else { return Ok(None) };
        let data = serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires) * 1000).map_err(backend)?;
        Ok(Some(Record { id: *session_id, data, expiry_date }))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        let mut c = self.db.acquire().await.map_err(backend)?;
        run!(&mut c.ex(), "DELETE FROM web_sessions WHERE id = $1", session_id.to_string()).map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let mut c = self.db.acquire().await.map_err(backend)?;
        run!(&mut c.ex(), "DELETE FROM web_sessions WHERE expires_at <= $1", crate::now_micros()).map_err(backend)?;
        Ok(())
    }
}

/// Ends every browser session of a user (after a password change or deactivation).
pub async fn delete_for_user(ex: &mut crate::Ex<'_>, user_id: i64) -> crate::Result<u64> {
    Ok(run!(ex, "DELETE FROM web_sessions WHERE user_id = $1", user_id)?)
}
