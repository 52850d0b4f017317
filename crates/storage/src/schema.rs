//! What tables, columns and indexes a database really has, read from the engine's catalogue in a
//! form that is the same for both engines (for the parity test and for `db copy`).

use std::collections::BTreeMap;

use crate::{Ex, Result, all};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Column {
    pub name: String,
    /// bigint, text or boolean.
    pub sql_type: String,
    pub not_null: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Index {
    pub name: String,
    pub unique: bool,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub indexes: Vec<Index>,
}

pub type Schema = BTreeMap<String, Table>;

fn normalize(t: &str) -> String {
    match t.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "int8" => "bigint".into(),
        "text" | "character varying" | "varchar" => "text".into(),
        "boolean" | "bool" => "boolean".into(),
        "blob" | "bytea" => "bytes".into(),
        other => other.into(),
    }
}

pub async fn describe(ex: &mut Ex<'_>) -> Result<Schema> {
    let mut schema = Schema::new();
    match ex.engine() {
        crate::Engine::Sqlite => {
            let tables = all!(&mut *ex, (String,), "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?;
            for (t,) in tables {
                let cols = all!(&mut *ex, (String, String, i64, i64), "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid", &t)?;
                let mut table = Table {
                    columns: cols.into_iter().map(|(name, ty, nn, pk)| Column { name, sql_type: normalize(&ty), not_null: nn == 1 || pk == 1 }).collect(),
                    indexes: vec![],
                };
                let idx = all!(&mut *ex, (String, i64, String), "SELECT name, \"unique\", origin FROM pragma_index_list($1)", &t)?;
                for (name, unique, origin) in idx {
                    if origin != "c" {
                        continue;
                    }
                    let cols = all!(&mut *ex, (String,), "SELECT name FROM pragma_index_info($1) ORDER BY seqno", &name)?;
                    table.indexes.push(Index { name, unique: unique == 1, columns: cols.into_iter().map(|(c,)| c).collect() });
                }
                table.indexes.sort();
                schema.insert(t, table);
            }
        }
        crate::Engine::Postgres => {
            let cols = all!(
                &mut *ex,
                (String, String, String, String),
                "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns
                 WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
            )?;
            for (t, name, ty, nullable) in cols {
                schema.entry(t).or_default().columns.push(Column { name, sql_type: normalize(&ty), not_null: nullable == "NO" });
            }
            let idx = all!(
                &mut *ex,
                (String, String, String),
                "SELECT tablename::text, indexname::text, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey' ORDER BY indexname"
            )?;
            for (t, name, def) in idx {
                // A partial index ends in `WHERE (…)`: its columns are the list before it.
                let head = def.split(" WHERE ").next().unwrap_or(&def);
                let inner = head.rsplit_once('(').map(|(_, r)| r.trim_end_matches(')')).unwrap_or("");
                let columns = inner.split(',').map(|c| c.trim().trim_matches('"').to_string()).collect();
                if let Some(table) = schema.get_mut(&t) {
                    table.indexes.push(Index { name, unique: def.contains("UNIQUE"), columns });
                    table.indexes.sort();
                }
            }
        }
    }
    Ok(schema)
}
