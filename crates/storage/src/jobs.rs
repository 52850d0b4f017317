//! Scheduled jobs run once across all servers: on PostgreSQL a session advisory lock held on one
//! connection for the job's duration; on SQLite (one server per file) the job just runs.

use crate::{Conn, Result, scalar};

/// Lock keys of the scheduled jobs (any distinct i64).
pub const SWEEP: i64 = 0x656c_696e_6501;

/// Takes the job's lock on this connection when no other server holds it.
pub async fn try_lock(conn: &mut Conn, key: i64) -> Result<bool> {
    Ok(match conn {
        Conn::Sqlite(_) => true,
        Conn::Postgres(_) => scalar!(&mut conn.ex(), bool, "SELECT pg_try_advisory_lock($1)", key)?,
    })
}

/// Releases the job's lock taken on this connection.
pub async fn unlock(conn: &mut Conn, key: i64) -> Result<()> {
    if let Conn::Postgres(_) = conn {
        scalar!(&mut conn.ex(), bool, "SELECT pg_advisory_unlock($1)", key)?;
    }
    Ok(())
}
