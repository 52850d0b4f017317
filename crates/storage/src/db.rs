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
    Sqlite(SqliteTx),
    Postgres(Transaction<'static, Postgres>),
}

/// A SQLite transaction, with this process's turn as the database's writer (see `writer_turn`).
pub struct SqliteTx {
    tx: Transaction<'static, Sqlite>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl SqliteTx {
    /// A read transaction (no writer's turn).
    pub(crate) fn reading(tx: Transaction<'static, Sqlite>) -> SqliteTx {
        SqliteTx { tx, _turn: None }
    }
}

impl std::ops::Deref for SqliteTx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for SqliteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

/// How long a SQLite writer waits for its turn (in this process and in SQLite's busy handler).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQLite has one writer at a time. Left to SQLite, concurrent writers of this process wait in its
/// busy handler, which sleeps and retries (1, 2, 5 … 100 ms): with 8 writers the p99 of a write
/// was 915 ms at 470 writes/s. Queued here, in order, on one lock per database file, they wait only
/// for the writer before them. The wait is bounded like SQLite's busy timeout.
async fn writer_turn(pool: &SqlitePool) -> Result<tokio::sync::OwnedMutexGuard<()>, StorageError> {
    static TURNS: std::sync::Mutex<Vec<(std::path::PathBuf, std::sync::Arc<tokio::sync::Mutex<()>>)>> = std::sync::Mutex::new(Vec::new());
    let file = pool.connect_options().get_filename().to_path_buf();
    let lock = {
        let mut turns = TURNS.lock().unwrap_or_else(|e| e.into_inner());
        match turns.iter().find(|(f, _)| *f == file) {
            Some((_, l)) => l.clone(),
            None => {
                let l = std::sync::Arc::new(tokio::sync::Mutex::new(()));
                turns.push((file, l.clone()));
                l
            }
        }
    };
    tokio::time::timeout(BUSY_TIMEOUT, lock.lock_owned()).await.map_err(|_| StorageError::Busy)
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

/// Once per process, before the first SQLite connection: no global memory statistics. With them
/// on (SQLite's default) every allocation of every connection takes one process-wide mutex; a
/// list of 50 rows copies ~650 values, so under load the connections' threads queued on that lock
/// (a third of the server's time at 1,000,000 proposals, see bench/README.md).
fn sqlite_process_config() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config is called before any connection is opened by this process (the
        // Once runs ahead of the first pool); it only reads its integer argument. Should SQLite
        // already be initialised, it returns SQLITE_MISUSE and changes nothing.
        let rc = unsafe { libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int) };
        if rc != libsqlite3_sys::SQLITE_OK {
            tracing::debug!(rc, "SQLite memory statistics left on (already initialised)");
        }
    });
}

/// Per connection: the query planner stability guarantee. Without it SQLite re-prepares a
/// statement whenever a parameter it looked at is bound again — `LIMIT $n` and a bound LIKE
/// pattern among them — i.e. it parsed and planned the list query on every request.
fn sqlite_connection_config(db: *mut libsqlite3_sys::sqlite3) {
    // SAFETY: `db` is the open handle of the connection being set up, locked for us by sqlx for
    // the duration of this call; SQLITE_DBCONFIG_ENABLE_QPSG takes an int and an optional int*
    // out-parameter (null: not wanted).
    unsafe {
        libsqlite3_sys::sqlite3_db_config(db, libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG, 1 as std::ffi::c_int, std::ptr::null_mut::<std::ffi::c_int>());
    }
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
                .busy_timeout(BUSY_TIMEOUT)
                .foreign_keys(true);
            if let Some(dir) = opts.get_filename().parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir).map_err(|e| StorageError::Config(format!("无法创建数据目录 {}：{e}", dir.display())))?;
            }
            sqlite_process_config();
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(15))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        let mut handle = conn.lock_handle().await?;
                        sqlite_connection_config(handle.as_raw_handle().as_ptr());
                        Ok(())
                    })
                })
                .connect_with(opts)
                .await?;
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
            Db::Sqlite(p) => {
                let turn = writer_turn(p).await?;
                Tx::Sqlite(SqliteTx { tx: p.begin_with("BEGIN IMMEDIATE").await?, _turn: Some(turn) })
            }
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
            Tx::Sqlite(t) => t.tx.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        note_write();
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

    /// `table INDEXED BY index` on SQLite, `table` on PostgreSQL. For the few counts where
    /// SQLite's planner, which keeps no statistics here, prefers a wider index (committee,
    /// status) over a partial one that holds exactly the rows counted; PostgreSQL's planner has
    /// its statistics and no such clause.
    pub fn table_by(&self, table: &str, index: &str) -> String {
        match self.engine() {
            Engine::Sqlite => format!("{table} INDEXED BY {index}"),
            Engine::Postgres => table.to_string(),
        }
    }
}

/// Binds each [`Arg`] in turn (the engines' query types differ, the loop does not).
macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::I64(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_str()),
                Arg::Bool(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// A value bound to a query whose text is built at run time (see [`Query`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    I64(i64),
    Text(String),
    Bool(bool),
}

/// A query built from the filters actually given, so that each engine plans it with the indexes
/// of those filters. (A fixed text with `($n IS NULL OR col = $n)` for every optional filter keeps
/// SQLite from using a filter's index and, with a bound LIKE pattern, makes it re-prepare the
/// whole statement on every execution.) Placeholders are numbered as they are pushed; the text is
/// made of `'static` fragments only, so no value can reach it.
#[derive(Debug, Clone, Default)]
pub struct Query {
    sql: String,
    args: Vec<Arg>,
}

impl Query {
    pub fn new(sql: &'static str) -> Query {
        Query { sql: sql.to_string(), args: Vec::new() }
    }

    /// Appends text as is.
    pub fn sql(&mut self, text: &'static str) -> &mut Query {
        self.sql.push_str(text);
        self
    }

    /// Binds a value and appends its placeholder (`$n`).
    pub fn arg(&mut self, value: Arg) -> &mut Query {
        self.args.push(value);
        self.sql.push('$');
        self.sql.push_str(&self.args.len().to_string());
        self
    }

    /// Appends text in which every `?` stands for the same value `value` (bound once).
    pub fn with(&mut self, text: &'static str, value: Arg) -> &mut Query {
        self.args.push(value);
        let placeholder = format!("${}", self.args.len());
        self.sql.push_str(&text.replace('?', &placeholder));
        self
    }

    /// Appends ` IN ($n, $m, …)` with each id bound (the list must not be empty).
    pub fn in_ids(&mut self, ids: &[i64]) -> &mut Query {
        self.sql(" IN (");
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.sql(", ");
            }
            self.arg(Arg::I64(*id));
        }
        self.sql(")")
    }

    pub fn text(&self) -> &str {
        &self.sql
    }

    /// All rows as `T`.
    pub async fn fetch_all<T>(&self, ex: &mut Ex<'_>) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        match ex {
            Ex::Sqlite(c) => bind_args!(sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(self.sql.as_str())), &self.args).fetch_all(&mut **c).await,
            Ex::Postgres(c) => bind_args!(sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(self.sql.as_str())), &self.args).fetch_all(&mut **c).await,
        }
    }
}

static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many write transactions this process has committed (plus writes of other servers noticed
/// through the outbox, see [`note_write`]). Read caches keep what they read under this number and
/// drop it once the number moves: a read after a write of this process never sees the old data.
pub fn write_generation() -> u64 {
    WRITES.load(std::sync::atomic::Ordering::Acquire)
}

/// Records a write this process learnt of (every commit calls it; so does the search follower
/// when it finds outbox rows written by another server).
pub fn note_write() {
    WRITES.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
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

/// An optional code column decoded into its domain enum (`#[sqlx(try_from = "Option<String>")]`
/// on a field of type `Opt<T>`): NULL is `None`, an unknown value is an error, never a default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Opt<T>(pub Option<T>);

impl<T: TryFrom<String>> TryFrom<Option<String>> for Opt<T> {
    type Error = T::Error;

    fn try_from(value: Option<String>) -> std::result::Result<Self, Self::Error> {
        value.map(T::try_from).transpose().map(Opt)
    }
}

impl<T> std::ops::Deref for Opt<T> {
    type Target = Option<T>;

    fn deref(&self) -> &Option<T> {
        &self.0
    }
}
