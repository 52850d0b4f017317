//! The two migration trees (SQLite and PostgreSQL) must describe one schema. Checked twice:
//! statically, by parsing the SQL text of both trees (no database needed), and live, by migrating
//! a database of each engine and reading back what the engines really built.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use eline_storage::schema::{Column, Index, Schema, Table, describe};
use eline_storage::{Db, Engine, migrate, testing};

const ENGINES: [&str; 2] = ["sqlite", "postgres"];
const BOOKKEEPING: &str = "eline_migrations";

// ---------------------------------------------------------------------------------------------
// reading the trees

fn tree_dir(engine: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(engine)
}

/// (file name, SQL text) of every `.sql` file of a tree, sorted by name. Read from the source
/// tree rather than `include_str!`-ed one by one, so that a new file cannot be left out here.
fn tree(engine: &str) -> Vec<(String, String)> {
    let dir = tree_dir(engine);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
            (name, text)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no migrations in {}", dir.display());
    files
}

// ---------------------------------------------------------------------------------------------
// a small parser for the DDL our migrations use

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Quoted(String),
    Str(String),
    Punct(char),
}

impl Tok {
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }
    fn ident(&self) -> Option<String> {
        match self {
            Tok::Word(w) => Some(w.to_ascii_lowercase()),
            Tok::Quoted(q) => Some(q.clone()),
            _ => None,
        }
    }
}

/// SQL text without comments, split into statements of tokens.
fn statements(sql: &str) -> Vec<Vec<Tok>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '\'' || c == '"' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == c {
                    if chars.get(i + 1) == Some(&c) {
                        s.push(c);
                        i += 2;
                        continue;
                    }
                    break;
                }
                s.push(chars[i]);
                i += 1;
            }
            i += 1;
            cur.push(if c == '\'' { Tok::Str(s) } else { Tok::Quoted(s) });
        } else if c == ';' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' || c == '$' || c == '.' {
            let mut w = String::new();
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$' || chars[i] == '.') {
                w.push(chars[i]);
                i += 1;
            }
            cur.push(Tok::Word(w));
        } else {
            cur.push(Tok::Punct(c));
            i += 1;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The comma-separated elements inside the parenthesis that opens at `toks[open]`; returns them
/// and the position after the closing parenthesis.
fn parenthesised(toks: &[Tok], open: usize) -> Result<(Vec<Vec<Tok>>, usize), String> {
    if toks.get(open) != Some(&Tok::Punct('(')) {
        return Err(format!("expected ( at token {open}"));
    }
    let mut depth = 0;
    let mut parts = vec![Vec::new()];
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct('(') => {
                depth += 1;
                if depth == 1 {
                    continue;
                }
            }
            Tok::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    return Ok((parts.into_iter().filter(|p| !p.is_empty()).collect(), i + 1));
                }
            }
            Tok::Punct(',') if depth == 1 => {
                parts.push(Vec::new());
                continue;
            }
            _ => {}
        }
        parts.last_mut().unwrap().push(t.clone());
    }
    Err("unbalanced parentheses".into())
}

/// The type names the parity check knows, normalised as `schema::describe` does.
fn normalise_type(words: &[String]) -> Result<String, String> {
    let t = words.join(" ").to_ascii_lowercase();
    Ok(match t.as_str() {
        "integer" | "bigint" | "int8" => "bigint",
        "text" | "varchar" | "character varying" => "text",
        "boolean" | "bool" => "boolean",
        "blob" | "bytea" => "bytes",
        other => return Err(format!("column type “{other}” is not one the parity check knows (bigint, text, boolean)")),
    }
    .to_string())
}

const COLUMN_KEYWORDS: [&str; 10] = ["NOT", "NULL", "PRIMARY", "REFERENCES", "DEFAULT", "GENERATED", "UNIQUE", "CHECK", "CONSTRAINT", "COLLATE"];

fn column(def: &[Tok]) -> Result<Column, String> {
    let name = def.first().and_then(Tok::ident).ok_or("column without a name")?;
    let mut words = Vec::new();
    let mut i = 1;
    while let Some(Tok::Word(w)) = def.get(i) {
        if COLUMN_KEYWORDS.iter().any(|k| w.eq_ignore_ascii_case(k)) {
            break;
        }
        words.push(w.clone());
        i += 1;
    }
    if def.get(i) == Some(&Tok::Punct('(')) {
        i = parenthesised(def, i)?.1; // a length such as VARCHAR(20)
    }
    let sql_type = normalise_type(&words).map_err(|e| format!("column {name}: {e}"))?;
    let rest = &def[i..];
    if rest.iter().any(|t| t.is_kw("UNIQUE")) {
        return Err(format!(
            "column {name} is declared UNIQUE: the engines name and report such implicit indexes differently; \
             use a named CREATE UNIQUE INDEX instead"
        ));
    }
    let not_null = rest.windows(2).any(|w| w[0].is_kw("NOT") && w[1].is_kw("NULL")) || rest.windows(2).any(|w| w[0].is_kw("PRIMARY") && w[1].is_kw("KEY"));
    Ok(Column { name, sql_type, not_null })
}

/// Skips `IF NOT EXISTS` / `IF EXISTS` at `i`.
fn skip_if(toks: &[Tok], mut i: usize) -> usize {
    if toks.get(i).is_some_and(|t| t.is_kw("IF")) {
        i += 1;
        if toks.get(i).is_some_and(|t| t.is_kw("NOT")) {
            i += 1;
        }
        i += 1; // EXISTS
    }
    i
}

fn name_at(toks: &[Tok], i: usize) -> Result<String, String> {
    toks.get(i).and_then(Tok::ident).ok_or_else(|| format!("expected a name at token {i}"))
}

fn table_mut<'a>(schema: &'a mut Schema, name: &str) -> Result<&'a mut Table, String> {
    schema.get_mut(name).ok_or_else(|| format!("table {name} does not exist"))
}

fn apply(schema: &mut Schema, toks: &[Tok]) -> Result<(), String> {
    let kw = |i: usize, k: &str| toks.get(i).is_some_and(|t| t.is_kw(k));
    if kw(0, "CREATE") && kw(1, "TABLE") {
        let i = skip_if(toks, 2);
        let name = name_at(toks, i)?;
        let (elements, end) = parenthesised(toks, i + 1)?;
        if end != toks.len() {
            return Err(format!("table {name}: options after the column list are not understood"));
        }
        let mut table = Table::default();
        for el in elements {
            if el[0].is_kw("PRIMARY") {
                let (cols, _) = parenthesised(&el, 2)?;
                for c in cols {
                    let c = c[0].ident().ok_or("primary key column")?;
                    table.columns.iter_mut().find(|x| x.name == c).ok_or(format!("primary key column {c} unknown"))?.not_null = true;
                }
            } else if ["UNIQUE", "CONSTRAINT", "FOREIGN", "CHECK", "EXCLUDE"].iter().any(|k| el[0].is_kw(k)) {
                return Err(format!(
                    "table {name}: table constraints are not understood by the parity check; \
                     declare references on the column and uniqueness with a named CREATE UNIQUE INDEX"
                ));
            } else {
                table.columns.push(column(&el).map_err(|e| format!("table {name}: {e}"))?);
            }
        }
        if schema.insert(name.clone(), table).is_some() {
            return Err(format!("table {name} is created twice"));
        }
    } else if kw(0, "CREATE") && (kw(1, "INDEX") || (kw(1, "UNIQUE") && kw(2, "INDEX"))) {
        let unique = kw(1, "UNIQUE");
        let mut i = skip_if(toks, if unique { 3 } else { 2 });
        let name = name_at(toks, i)?;
        i += 1;
        if !kw(i, "ON") {
            return Err(format!("index {name}: expected ON"));
        }
        let table = name_at(toks, i + 1)?;
        i += 2;
        if kw(i, "USING") {
            i += 2;
        }
        let (cols, end) = parenthesised(toks, i)?;
        if end != toks.len() {
            return Err(format!("index {name}: partial or otherwise decorated indexes are not understood"));
        }
        let mut columns = Vec::new();
        for c in cols {
            if c.len() > 2 || (c.len() == 2 && !(c[1].is_kw("ASC") || c[1].is_kw("DESC"))) {
                return Err(format!("index {name}: only plain column lists are understood"));
            }
            columns.push(c[0].ident().ok_or(format!("index {name}: column"))?);
        }
        let t = table_mut(schema, &table)?;
        if t.indexes.iter().any(|x| x.name == name) {
            return Err(format!("index {name} is created twice"));
        }
        t.indexes.push(Index { name, unique, columns });
        t.indexes.sort();
    } else if kw(0, "ALTER") && kw(1, "TABLE") {
        let i = skip_if(toks, 2);
        let name = name_at(toks, i)?;
        let i = i + 1;
        if kw(i, "ADD") {
            let j = if kw(i + 1, "COLUMN") { i + 2 } else { i + 1 };
            let col = column(&toks[j..]).map_err(|e| format!("table {name}: {e}"))?;
            let t = table_mut(schema, &name)?;
            if t.columns.iter().any(|c| c.name == col.name) {
                return Err(format!("table {name}: column {} added twice", col.name));
            }
            t.columns.push(col);
        } else if kw(i, "DROP") && kw(i + 1, "COLUMN") {
            let col = name_at(toks, skip_if(toks, i + 2))?;
            let t = table_mut(schema, &name)?;
            let before = t.columns.len();
            t.columns.retain(|c| c.name != col);
            if t.columns.len() == before {
                return Err(format!("table {name}: no column {col} to drop"));
            }
            t.indexes.retain(|x| !x.columns.contains(&col));
        } else if kw(i, "RENAME") && kw(i + 1, "COLUMN") && kw(i + 3, "TO") {
            let (from, to) = (name_at(toks, i + 2)?, name_at(toks, i + 4)?);
            let t = table_mut(schema, &name)?;
            t.columns.iter_mut().find(|c| c.name == from).ok_or(format!("table {name}: no column {from}"))?.name = to.clone();
            for x in &mut t.indexes {
                for c in &mut x.columns {
                    if *c == from {
                        *c = to.clone();
                    }
                }
            }
        } else if kw(i, "RENAME") && kw(i + 1, "TO") {
            let to = name_at(toks, i + 2)?;
            let t = schema.remove(&name).ok_or(format!("table {name} does not exist"))?;
            schema.insert(to, t);
        } else {
            return Err(format!("ALTER TABLE {name}: only ADD COLUMN, DROP COLUMN and RENAME are understood"));
        }
    } else if kw(0, "DROP") && kw(1, "TABLE") {
        let name = name_at(toks, skip_if(toks, 2))?;
        schema.remove(&name).ok_or(format!("table {name} does not exist"))?;
    } else if kw(0, "DROP") && kw(1, "INDEX") {
        let name = name_at(toks, skip_if(toks, 2))?;
        let found = schema.values_mut().any(|t| {
            let before = t.indexes.len();
            t.indexes.retain(|x| x.name != name);
            t.indexes.len() != before
        });
        if !found {
            return Err(format!("index {name} does not exist"));
        }
    } else if ["INSERT", "UPDATE", "DELETE", "SELECT", "WITH"].iter().any(|k| kw(0, k)) {
        // Data, not schema.
    } else {
        return Err("statement not understood by the parity check (extend tests/schema_parity.rs)".into());
    }
    Ok(())
}

/// The schema a tree declares, applying its files in name order.
fn parse(files: &[(String, String)]) -> Result<Schema, String> {
    let mut schema = Schema::new();
    for (file, sql) in files {
        for (n, stmt) in statements(sql).iter().enumerate() {
            apply(&mut schema, stmt).map_err(|e| format!("{file}, statement {}: {e}\n  {}", n + 1, render(stmt)))?;
        }
    }
    Ok(schema)
}

fn render(toks: &[Tok]) -> String {
    let s: Vec<String> = toks
        .iter()
        .map(|t| match t {
            Tok::Word(w) => w.clone(),
            Tok::Quoted(q) => format!("\"{q}\""),
            Tok::Str(s) => format!("'{s}'"),
            Tok::Punct(c) => c.to_string(),
        })
        .collect();
    let s = s.join(" ");
    if s.chars().count() > 160 { format!("{}…", s.chars().take(160).collect::<String>()) } else { s }
}

fn parse_tree(engine: &str) -> Schema {
    parse(&tree(engine)).unwrap_or_else(|e| panic!("migrations/{engine}/{e}"))
}

// ---------------------------------------------------------------------------------------------
// comparing

fn show_column(c: &Column) -> String {
    format!("{} {}{}", c.name, c.sql_type, if c.not_null { " NOT NULL" } else { "" })
}

fn show_index(x: &Index) -> String {
    format!("{}{} ({})", if x.unique { "UNIQUE " } else { "" }, x.name, x.columns.join(", "))
}

/// Every difference between two schemas, one readable line each; empty when they are equal.
fn differences(left_name: &str, left: &Schema, right_name: &str, right: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names: BTreeSet<&String> = left.keys().chain(right.keys()).collect();
    for name in names {
        let (l, r) = match (left.get(name), right.get(name)) {
            (Some(l), Some(r)) => (l, r),
            (Some(_), None) => {
                out.push(format!("table {name}: only in {left_name}"));
                continue;
            }
            (None, Some(_)) => {
                out.push(format!("table {name}: only in {right_name}"));
                continue;
            }
            (None, None) => unreachable!(),
        };
        for c in &l.columns {
            match r.columns.iter().find(|x| x.name == c.name) {
                None => out.push(format!("table {name}: column {} only in {left_name}", show_column(c))),
                Some(x) if x != c => out.push(format!("table {name}: column {left_name} has “{}”, {right_name} has “{}”", show_column(c), show_column(x))),
                Some(_) => {}
            }
        }
        for c in &r.columns {
            if !l.columns.iter().any(|x| x.name == c.name) {
                out.push(format!("table {name}: column {} only in {right_name}", show_column(c)));
            }
        }
        let order = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        let (lo, ro) = (order(l), order(r));
        if lo != ro && lo.iter().collect::<BTreeSet<_>>() == ro.iter().collect::<BTreeSet<_>>() {
            out.push(format!("table {name}: column order differs: {left_name} ({}) vs {right_name} ({})", lo.join(", "), ro.join(", ")));
        }
        for x in &l.indexes {
            match r.indexes.iter().find(|y| y.name == x.name) {
                None => out.push(format!("table {name}: index {} only in {left_name}", show_index(x))),
                Some(y) if y != x => out.push(format!("table {name}: index {left_name} has “{}”, {right_name} has “{}”", show_index(x), show_index(y))),
                Some(_) => {}
            }
        }
        for y in &r.indexes {
            if !l.indexes.iter().any(|x| x.name == y.name) {
                out.push(format!("table {name}: index {} only in {right_name}", show_index(y)));
            }
        }
    }
    out
}

fn assert_same(left_name: &str, left: &Schema, right_name: &str, right: &Schema, what: &str) {
    let diff = differences(left_name, left, right_name, right);
    assert!(diff.is_empty(), "{what}: {} difference(s) between {left_name} and {right_name}:\n  {}", diff.len(), diff.join("\n  "));
    // The line-by-line diff and equality must agree.
    assert_eq!(left, right, "{what}");
}

async fn live_schema(db: &Db) -> Schema {
    let mut c = db.acquire().await.expect("acquire");
    describe(&mut c.ex()).await.expect("describe")
}

// ---------------------------------------------------------------------------------------------
// static checks (no database)

#[test]
fn both_migration_trees_have_the_same_file_names() {
    let names = |engine: &str| tree(engine).into_iter().map(|(n, _)| n).collect::<Vec<_>>();
    let (sqlite, postgres) = (names("sqlite"), names("postgres"));
    assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres must hold the same files");
    for name in &sqlite {
        let (number, rest) = name.split_once('_').unwrap_or(("", ""));
        assert!(number.len() == 4 && number.chars().all(|c| c.is_ascii_digit()) && !rest.is_empty(), "migration {name} should be named NNNN_what.sql");
    }
    let numbers: BTreeSet<&str> = sqlite.iter().map(|n| &n[..4]).collect();
    assert_eq!(numbers.len(), sqlite.len(), "two migrations share a number: {sqlite:?}");
}

#[test]
fn every_migration_file_is_embedded_in_the_migrator() {
    let migrator = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/migrate.rs")).expect("read src/migrate.rs");
    for engine in ENGINES {
        for (name, _) in tree(engine) {
            let line = format!("include_str!(\"../migrations/{engine}/{name}\")");
            assert!(migrator.contains(&line), "src/migrate.rs does not apply migrations/{engine}/{name} (expected `{line}`)");
        }
    }
}

#[test]
fn the_migration_trees_declare_the_same_tables_columns_and_indexes() {
    let sqlite = parse_tree("sqlite");
    let postgres = parse_tree("postgres");
    assert!(!sqlite.is_empty());
    assert_same("migrations/sqlite", &sqlite, "migrations/postgres", &postgres, "declared schemas");
    for table in eline_storage::migrate::TABLES {
        assert!(sqlite.contains_key(*table), "migrate::TABLES names {table}, which no migration creates");
    }
    for table in sqlite.keys() {
        assert!(
            eline_storage::migrate::TABLES.contains(&table.as_str()),
            "table {table} is missing from migrate::TABLES, so `db copy` and `backup` would leave it behind"
        );
    }
}

#[test]
fn a_divergence_between_the_real_trees_would_be_reported() {
    let sqlite = parse_tree("sqlite");
    let table = sqlite.keys().next().expect("a table").clone();
    let (indexed, index) = sqlite.iter().find_map(|(t, x)| x.indexes.first().map(|i| (t.clone(), i.clone()))).expect("an index");
    let mut files = tree("postgres");
    files.last_mut().unwrap().1.push_str(&format!("\nALTER TABLE {table} ADD COLUMN parity_probe TEXT;\nDROP INDEX {};\n", index.name));
    let postgres = parse(&files).unwrap();
    assert_eq!(
        differences("migrations/sqlite", &sqlite, "migrations/postgres", &postgres),
        vec![
            format!("table {indexed}: index {} only in migrations/sqlite", show_index(&index)),
            format!("table {table}: column parity_probe text only in migrations/postgres"),
        ]
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
}

#[test]
fn the_parity_parser_reads_the_statements_migrations_use() {
    let sql = "
        -- a comment; with a semicolon
        CREATE TABLE a (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name TEXT NOT NULL, note VARCHAR(20), ok BOOLEAN NOT NULL DEFAULT FALSE);
        CREATE TABLE IF NOT EXISTS b (key TEXT, n INTEGER REFERENCES a(id), PRIMARY KEY (key));
        /* block
           comment */
        CREATE UNIQUE INDEX a_name ON a (name);
        CREATE INDEX IF NOT EXISTS b_n ON b USING btree (n DESC, key);
        ALTER TABLE a ADD COLUMN extra BIGINT;
        ALTER TABLE a RENAME COLUMN note TO remark;
        ALTER TABLE b DROP COLUMN n;
        INSERT INTO a (name) VALUES ('x; y');
        DROP INDEX a_name;
        CREATE INDEX a_extra ON a (extra);
    ";
    let s = parse(&[("0001_t.sql".into(), sql.into())]).unwrap();
    let a = &s["a"];
    let cols: Vec<String> = a.columns.iter().map(show_column).collect();
    assert_eq!(cols, vec!["id bigint NOT NULL", "name text NOT NULL", "remark text", "ok boolean NOT NULL", "extra bigint"]);
    assert_eq!(a.indexes, vec![Index { name: "a_extra".into(), unique: false, columns: vec!["extra".into()] }]);
    let b = &s["b"];
    assert_eq!(b.columns.iter().map(show_column).collect::<Vec<_>>(), vec!["key text NOT NULL"]);
    assert!(b.indexes.is_empty(), "an index on a dropped column goes with it");

    for bad in [
        "CREATE TABLE c (id BIGINT PRIMARY KEY, code TEXT UNIQUE)",
        "CREATE TABLE c (id BIGINT PRIMARY KEY, code TEXT, UNIQUE (code))",
        "CREATE TABLE c (id BIGINT PRIMARY KEY, x DOUBLE PRECISION)",
        "CREATE TABLE c (id BIGINT PRIMARY KEY); CREATE INDEX c_id ON c (id) WHERE id > 0",
        "CREATE VIEW v AS SELECT 1",
        "CREATE INDEX nowhere ON missing (id)",
    ] {
        assert!(parse(&[("0001_t.sql".into(), bad.into())]).is_err(), "accepted: {bad}");
    }
}

#[test]
fn the_parity_diff_names_each_difference() {
    let mut left = Schema::new();
    left.insert(
        "t".into(),
        Table {
            columns: vec![
                Column { name: "id".into(), sql_type: "bigint".into(), not_null: true },
                Column { name: "a".into(), sql_type: "text".into(), not_null: false },
            ],
            indexes: vec![Index { name: "t_a".into(), unique: true, columns: vec!["a".into()] }],
        },
    );
    left.insert("only_left".into(), Table::default());
    let mut right = left.clone();
    right.remove("only_left");
    let t = right.get_mut("t").unwrap();
    t.columns[1].not_null = true;
    t.indexes[0].unique = false;
    let diff = differences("L", &left, "R", &right);
    assert_eq!(
        diff,
        vec![
            "table only_left: only in L".to_string(),
            "table t: column L has “a text”, R has “a text NOT NULL”".to_string(),
            "table t: index L has “UNIQUE t_a (a)”, R has “t_a (a)”".to_string(),
        ]
    );
    assert!(differences("L", &left, "L", &left).is_empty());
}

// ---------------------------------------------------------------------------------------------
// live checks

/// A migrated database has exactly what its tree declares (plus the bookkeeping table), so the
/// static check above speaks about real databases. Runs on the test engine.
#[tokio::test]
async fn a_migrated_database_has_exactly_the_schema_its_tree_declares() {
    let t = testing::fresh().await;
    let engine = match t.db.engine() {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    };
    let mut live = live_schema(&t.db).await;
    let bookkeeping = live.remove(BOOKKEEPING).expect("the migrator's bookkeeping table exists");
    assert_eq!(
        bookkeeping.columns.iter().map(show_column).collect::<Vec<_>>(),
        vec!["version bigint NOT NULL", "name text NOT NULL", "applied_at bigint NOT NULL"]
    );
    assert_same(&format!("live {engine}"), &live, &format!("migrations/{engine}"), &parse_tree(engine), "live against declared");

    // Migrating again is a no-op.
    assert_eq!(migrate(&t.db).await.expect("migrate again"), 0);
    let mut again = live_schema(&t.db).await;
    again.remove(BOOKKEEPING);
    assert_eq!(again, live);
}

#[tokio::test]
async fn sqlite_and_postgres_databases_migrate_to_the_same_schema() {
    if testing::postgres_url().is_none() {
        // Shown with --nocapture (and in the output of a failing run).
        println!("skipped the live SQLite/PostgreSQL schema comparison: ELINE_TEST_DATABASE_URL is not set (the static comparison of the trees still ran)");
        return;
    }
    let sqlite = testing::fresh_sqlite_db().await;
    migrate(&sqlite.db).await.expect("migrate sqlite");
    let postgres = testing::fresh().await;
    assert_eq!(postgres.db.engine(), Engine::Postgres);
    let mut s = live_schema(&sqlite.db).await;
    let mut p = live_schema(&postgres.db).await;
    assert!(s.len() > 1 && p.len() > 1, "empty schema read back: sqlite {s:?}, postgres {p:?}");
    if s != p {
        // Only the migrator's own bookkeeping table may differ between engines.
        s.remove(BOOKKEEPING);
        p.remove(BOOKKEEPING);
    }
    assert_same("live sqlite", &s, "live postgres", &p, "migrated schemas");
}
