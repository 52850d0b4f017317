//! Bulk loading (`eline bench-data`, `eline db copy`): multi-row INSERT statements built with
//! `sqlx::QueryBuilder` per engine, in batches that respect each engine's limit on bound
//! parameters. Rows carry explicit ids (taken after the table's current maximum) so that children
//! can refer to their parents without reading anything back.

use sqlx::{AssertSqlSafe, Database, Postgres, QueryBuilder, Sqlite};

use crate::{Engine, Ex, Result, Tx, run, scalar};

/// SQLite's SQLITE_MAX_VARIABLE_NUMBER (32766 since 3.32).
const SQLITE_MAX_PARAMS: usize = 32_766;
/// PostgreSQL's wire protocol limit on bind parameters per statement.
const POSTGRES_MAX_PARAMS: usize = 65_535;
/// More rows than this per statement gains nothing and makes the SQL text large.
const MAX_ROWS_PER_STATEMENT: usize = 2_000;

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    Static(&'static str),
    OptText(Option<String>),
    Bool(bool),
    OptBool(Option<bool>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Val::OptInt(v)
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl From<&'static str> for Val {
    fn from(v: &'static str) -> Self {
        Val::Static(v)
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Val::OptText(v)
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Bool(v)
    }
}

/// Rows for one table, stored flat (`columns.len()` values per row).
#[derive(Debug, Clone)]
pub struct Rows {
    pub table: &'static str,
    columns: Vec<String>,
    values: Vec<Val>,
}

impl Rows {
    pub fn new(table: &'static str, columns: &[&str]) -> Rows {
        Self::with_columns(table, columns.iter().map(|c| c.to_string()).collect())
    }

    /// Columns known only at run time (read from the database's schema).
    pub fn with_columns(table: &'static str, columns: Vec<String>) -> Rows {
        Rows { table, columns, values: Vec::new() }
    }

    /// Appends one row; panics (a programming error) when the arity is wrong.
    pub fn push(&mut self, row: impl IntoIterator<Item = Val>) {
        let before = self.values.len();
        self.values.extend(row);
        assert_eq!(self.values.len() - before, self.columns.len(), "row arity for {}", self.table);
    }

    pub fn len(&self) -> usize {
        self.values.len() / self.columns.len().max(1)
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn rows_per_statement(&self, engine: Engine) -> usize {
        let limit = match engine {
            Engine::Sqlite => SQLITE_MAX_PARAMS,
            Engine::Postgres => POSTGRES_MAX_PARAMS,
        };
        (limit / self.columns.len().max(1)).clamp(1, MAX_ROWS_PER_STATEMENT)
    }
}

fn head(rows: &Rows) -> String {
    format!("INSERT INTO {} ({}) ", rows.table, rows.columns.join(", "))
}

macro_rules! bind_all {
    ($qb:expr, $chunk:expr, $ncols:expr) => {
        $qb.push_values($chunk.chunks($ncols), |mut b, row| {
            for v in row {
                match v {
                    Val::Int(i) => b.push_bind(*i),
                    Val::OptInt(i) => b.push_bind(*i),
                    Val::Text(s) => b.push_bind(s.clone()),
                    Val::Static(s) => b.push_bind(*s),
                    Val::OptText(s) => b.push_bind(s.clone()),
                    Val::Bool(x) => b.push_bind(*x),
                    Val::OptBool(x) => b.push_bind(*x),
                };
            }
        })
    };
}

fn builder<DB: Database>(rows: &Rows, chunk: &[Val]) -> QueryBuilder<DB>
where
    DB::Arguments: Default,
    for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> Option<i64>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> Option<String>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> &'static str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> bool: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> Option<bool>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::<DB>::new(head(rows));
    bind_all!(qb, chunk, rows.columns.len());
    qb
}

/// Inserts all rows in multi-row statements inside the transaction; returns rows inserted.
pub async fn insert(tx: &mut Tx, rows: &Rows) -> Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let per = rows.rows_per_statement(tx.engine()) * rows.columns.len();
    let mut done = 0;
    for chunk in rows.values.chunks(per) {
        done += match tx {
            Tx::Sqlite(t) => builder::<Sqlite>(rows, chunk).build().execute(&mut **t).await?.rows_affected(),
            Tx::Postgres(t) => builder::<Postgres>(rows, chunk).build().execute(&mut **t).await?.rows_affected(),
        };
    }
    Ok(done)
}

/// The largest id in `table` (0 when empty). `table` must be a fixed name from the code.
pub async fn max_id(ex: &mut Ex<'_>, table: &'static str) -> Result<i64> {
    let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}");
    Ok(scalar!(ex, i64, AssertSqlSafe(sql))?)
}

/// `n` fresh ids for `table` (a fixed name from the code), for rows inserted with explicit ids
/// inside `tx` while other writers go on: PostgreSQL takes them from the table's sequence;
/// SQLite, whose writer holds the database, continues after the largest id.
pub async fn reserve_ids(tx: &mut Tx, table: &'static str, n: usize) -> Result<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    match tx.engine() {
        Engine::Sqlite => {
            let max = max_id(&mut tx.ex(), table).await?;
            Ok((1..=n as i64).map(|i| max + i).collect())
        }
        Engine::Postgres => {
            let sql = format!("SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1) ORDER BY 1");
            let rows: Vec<(i64,)> = crate::all!(&mut tx.ex(), (i64,), AssertSqlSafe(sql), n as i64)?;
            Ok(rows.into_iter().map(|(id,)| id).collect())
        }
    }
}

/// Rows in `table` (a fixed name from the code), optionally only those of one committee.
pub async fn count(ex: &mut Ex<'_>, table: &'static str) -> Result<i64> {
    let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}");
    Ok(scalar!(ex, i64, AssertSqlSafe(sql))?)
}

/// Proposals of one committee per status, ordered by status.
pub async fn proposal_status_counts(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(crate::all!(
        ex,
        (String, i64),
        "SELECT status, CAST(COUNT(*) AS BIGINT) FROM proposals WHERE committee_id = $1 GROUP BY status ORDER BY status",
        committee_id
    )?)
}

/// Makes the engine's id generator continue after rows inserted with explicit ids
/// (PostgreSQL identity columns; SQLite needs nothing).
pub async fn reset_id_sequence(ex: &mut Ex<'_>, table: &'static str) -> Result<()> {
    if ex.engine() == Engine::Postgres {
        let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)");
        run!(ex, AssertSqlSafe(sql))?;
    }
    Ok(())
}

/// Connection settings that speed up a long bulk load (SQLite: a larger page cache).
pub async fn tune_for_bulk(ex: &mut Ex<'_>) -> Result<()> {
    if ex.engine() == Engine::Sqlite {
        run!(ex, "PRAGMA cache_size = -262144")?;
    }
    Ok(())
}
