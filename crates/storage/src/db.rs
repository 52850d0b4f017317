//! The database handle: one enum over the two engines, chosen by the URL's scheme. Queries are
//! written once with `$1` placeholders and run on either engine through the macros below.

use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::StorageError;

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A write transaction. Dropped without `commit` it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A pooled connection for reads outside a transaction.
pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// A borrowed connection of either engine; what repository functions take.
pub enum Ex<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Db {
    /// Connects by scheme: `sqlite://path` (created if missing; WAL, busy timeout, foreign keys)
    /// or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db, StorageError> {
        Self::connect_with(url, 16).await
    }

    pub async fn connect_with(url: &str, max_connections: u32) -> Result<Db, StorageError> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StorageError::Config(format!("SQLite 地址无效：{e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("temp_store", "memory");
            if let Some(dir) = opts.get_filename().parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir).map_err(|e| StorageError::Config(format!("无法创建数据目录 {}：{e}", dir.display())))?;
            }
            let pool = SqlitePoolOptions::new().max_connections(max_connections).acquire_timeout(Duration::from_secs(15)).connect_with(opts).await?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url).map_err(|e| StorageError::Config(format!("PostgreSQL 地址无效：{e}")))?;
            let pool = PgPoolOptions::new().max_connections(max_connections).acquire_timeout(Duration::from_secs(15)).connect_with(opts).await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StorageError::Config(format!("不支持的数据库地址“{url}”：请使用 sqlite:// 或 postgres:// 开头的地址")))
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Begins a write transaction. SQLite takes the write lock at once (BEGIN IMMEDIATE) so that
    /// a transaction that reads before it writes cannot fail on upgrade.
    pub async fn begin(&self) -> Result<Tx, StorageError> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn acquire(&self) -> Result<Conn, StorageError> {
        Ok(match self {
            Db::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Db::Postgres(p) => Conn::Postgres(p.acquire().await?),
        })
    }

    /// Answers when the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), StorageError> {
        let mut c = self.acquire().await?;
        let one: i64 = crate::scalar!(&mut c.ex(), i64, "SELECT CAST(1 AS BIGINT)")?;
        debug_assert_eq!(one, 1);
        Ok(())
    }

    /// (size, idle) of the connection pool, for metrics.
    pub fn pool_state(&self) -> (u32, usize) {
        match self {
            Db::Sqlite(p) => (p.size(), p.num_idle()),
            Db::Postgres(p) => (p.size(), p.num_idle()),
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    pub fn ex(&mut self) -> Ex<'_> {
        match self {
            Tx::Sqlite(t) => Ex::Sqlite(t),
            Tx::Postgres(t) => Ex::Postgres(t),
        }
    }

    pub async fn commit(self) -> Result<(), StorageError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(_) => Engine::Sqlite,
            Tx::Postgres(_) => Engine::Postgres,
        }
    }
}

impl Conn {
    pub fn ex(&mut self) -> Ex<'_> {
        match self {
            Conn::Sqlite(c) => Ex::Sqlite(c),
            Conn::Postgres(c) => Ex::Postgres(c),
        }
    }
}

impl Ex<'_> {
    pub fn engine(&self) -> Engine {
        match self {
            Ex::Sqlite(_) => Engine::Sqlite,
            Ex::Postgres(_) => Engine::Postgres,
        }
    }
}

/// Now as UTC microseconds, the form every timestamp is stored in.
pub fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// Runs one statement on either engine: `run!(ex, "UPDATE … $1", a)` → rows affected.
#[macro_export]
macro_rules! run {
    ($ex:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $ex {
            $crate::Ex::Sqlite(c) => sqlx::query($sql)$(.bind($arg))*.execute(&mut **c).await.map(|r| r.rows_affected()),
            $crate::Ex::Postgres(c) => sqlx::query($sql)$(.bind($arg))*.execute(&mut **c).await.map(|r| r.rows_affected()),
        }
    };
}

/// All rows as `T: FromRow`.
#[macro_export]
macro_rules! all {
    ($ex:expr, $t:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $ex {
            $crate::Ex::Sqlite(c) => sqlx::query_as::<_, $t>($sql)$(.bind($arg))*.fetch_all(&mut **c).await,
            $crate::Ex::Postgres(c) => sqlx::query_as::<_, $t>($sql)$(.bind($arg))*.fetch_all(&mut **c).await,
        }
    };
}

/// At most one row as `Option<T>`.
#[macro_export]
macro_rules! opt {
    ($ex:expr, $t:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $ex {
            $crate::Ex::Sqlite(c) => sqlx::query_as::<_, $t>($sql)$(.bind($arg))*.fetch_optional(&mut **c).await,
            $crate::Ex::Postgres(c) => sqlx::query_as::<_, $t>($sql)$(.bind($arg))*.fetch_optional(&mut **c).await,
        }
    };
}

/// One scalar value (first column of the one row).
#[macro_export]
macro_rules! scalar {
    ($ex:expr, $t:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $ex {
            $crate::Ex::Sqlite(c) => sqlx::query_scalar::<_, $t>($sql)$(.bind($arg))*.fetch_one(&mut **c).await,
            $crate::Ex::Postgres(c) => sqlx::query_scalar::<_, $t>($sql)$(.bind($arg))*.fetch_one(&mut **c).await,
        }
    };
}
