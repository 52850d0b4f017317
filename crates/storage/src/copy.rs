//! `eline db copy` and `eline backup`: whole-database copies between engines, verified by row
//! counts. A backup is always a SQLite file (from SQLite by `VACUUM INTO`, which is consistent
//! while the server writes; from PostgreSQL by a copy inside one repeatable-read snapshot).

use sqlx::{AssertSqlSafe, Row};

use crate::bulk::{self, Rows, Val, count};
use crate::migrate::TABLES;
use crate::schema::{Column, describe};
use crate::{Db, Engine, Ex, Result, StorageError, Tx, run};

/// Rows copied per table, in copy order.
pub type Counts = Vec<(String, i64)>;

async fn read_rows(ex: &mut Ex<'_>, table: &str, columns: &[Column], after: &str, limit: i64) -> Result<Vec<Vec<Val>>> {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let sql = format!("SELECT {} FROM {table} WHERE id > {after} ORDER BY id LIMIT {limit}", names.join(", "));
    macro_rules! decode {
        ($rows:expr) => {{
            let rows = $rows;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let mut vals = Vec::with_capacity(columns.len());
                for (i, c) in columns.iter().enumerate() {
                    vals.push(match c.sql_type.as_str() {
                        "bigint" => Val::OptInt(row.try_get(i)?),
                        "boolean" => Val::OptBool(row.try_get(i)?),
                        _ => Val::OptText(row.try_get(i)?),
                    });
                }
                out.push(vals);
            }
            out
        }};
    }
    Ok(match ex {
        Ex::Sqlite(c) => decode!(sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut **c).await?),
        Ex::Postgres(c) => decode!(sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut **c).await?),
    })
}

/// Copies every application table from `from` into `to` (migrated here; it must hold no data),
/// in one transaction on the target, then checks that row counts match.
pub async fn copy(from: &Db, to: &Db) -> Result<Counts> {
    crate::migrate(to).await?;
    let mut src = begin_snapshot(from).await?;
    let mut dst = to.begin().await?;
    let schema = describe(&mut src.ex()).await?;
    for table in TABLES {
        if count(&mut dst.ex(), table).await? > 0 {
            return Err(StorageError::Config(format!("目标数据库的表 {table} 已有数据：只能复制到空数据库")));
        }
    }
    let mut counts = Vec::new();
    for table in TABLES {
        let columns = &schema.get(*table).ok_or_else(|| StorageError::Config(format!("源数据库缺少表 {table}")))?.columns;
        let text_key = columns.iter().any(|c| c.name == "id" && c.sql_type == "text");
        let mut after = if text_key { "''".to_string() } else { "-9223372036854775808".to_string() };
        let mut copied = 0i64;
        loop {
            let rows = read_rows(&mut src.ex(), table, columns, &after, 5000).await?;
            let Some(last) = rows.last() else { break };
            let id_pos = columns.iter().position(|c| c.name == "id").unwrap_or(0);
            after = match &last[id_pos] {
                Val::OptInt(Some(i)) => i.to_string(),
                Val::OptText(Some(s)) => format!("'{}'", s.replace('\'', "''")),
                _ => break,
            };
            let mut batch = Rows::with_columns(table, columns.iter().map(|c| c.name.clone()).collect());
            for row in rows {
                batch.push(row);
            }
            copied += bulk::insert(&mut dst, &batch).await? as i64;
        }
        if dst.engine() == Engine::Postgres && !text_key {
            run!(
                &mut dst.ex(),
                AssertSqlSafe(format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))
            )?;
        }
        counts.push((table.to_string(), copied));
    }
    for (table, (_, n)) in TABLES.iter().zip(&counts) {
        let in_source = count(&mut src.ex(), table).await?;
        let in_target = count(&mut dst.ex(), table).await?;
        if in_source != *n || in_target != *n {
            return Err(StorageError::Config(format!("表 {table} 行数不一致：源 {in_source}，已复制 {n}，目标 {in_target}")));
        }
    }
    dst.commit().await?;
    Ok(counts)
}

/// A read transaction that sees one consistent state of the source.
async fn begin_snapshot(db: &Db) -> Result<Tx> {
    Ok(match db {
        Db::Sqlite(p) => Tx::Sqlite(crate::db::SqliteTx::reading(p.begin_with("BEGIN DEFERRED").await?)),
        Db::Postgres(p) => Tx::Postgres(p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?),
    })
}

/// Writes a consistent SQLite copy of the database to `file` (which must not exist yet).
pub async fn backup(db: &Db, file: &std::path::Path) -> Result<Counts> {
    if file.exists() {
        return Err(StorageError::Config(format!("备份文件 {} 已存在，请换一个文件名", file.display())));
    }
    match db {
        Db::Sqlite(p) => {
            let path = file.to_string_lossy().replace('\'', "''");
            sqlx::query(AssertSqlSafe(format!("VACUUM INTO '{path}'"))).execute(p).await?;
            let copy = Db::connect(&format!("sqlite://{}", file.display())).await?;
            let mut counts = Vec::new();
            let mut c = copy.acquire().await?;
            for table in TABLES {
                counts.push((table.to_string(), count(&mut c.ex(), table).await?));
            }
            drop(c);
            copy.close().await;
            Ok(counts)
        }
        Db::Postgres(_) => {
            let target = Db::connect(&format!("sqlite://{}", file.display())).await?;
            let counts = copy(db, &target).await;
            target.close().await;
            if counts.is_err() {
                // A half-written backup must not block the next attempt under the same name.
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
                }
            }
            counts
        }
    }
}
