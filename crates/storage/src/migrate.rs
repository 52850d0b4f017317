//! Embedded migrations, one tree per engine, applied in order at start. Each runs in its own
//! transaction together with its bookkeeping row.

use crate::{Db, Engine, StorageError, run, scalar};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "proposals",
        sqlite: include_str!("../migrations/sqlite/0002_proposals.sql"),
        postgres: include_str!("../migrations/postgres/0002_proposals.sql"),
    },
    Migration {
        version: 3,
        name: "list_index",
        sqlite: include_str!("../migrations/sqlite/0003_list_index.sql"),
        postgres: include_str!("../migrations/postgres/0003_list_index.sql"),
    },
    Migration {
        version: 4,
        name: "search_outbox",
        sqlite: include_str!("../migrations/sqlite/0004_search_outbox.sql"),
        postgres: include_str!("../migrations/postgres/0004_search_outbox.sql"),
    },
    Migration {
        version: 5,
        name: "org_delegates",
        sqlite: include_str!("../migrations/sqlite/0005_org_delegates.sql"),
        postgres: include_str!("../migrations/postgres/0005_org_delegates.sql"),
    },
    Migration {
        version: 6,
        name: "security",
        sqlite: include_str!("../migrations/sqlite/0006_security.sql"),
        postgres: include_str!("../migrations/postgres/0006_security.sql"),
    },
    Migration {
        version: 7,
        name: "records",
        sqlite: include_str!("../migrations/sqlite/0007_records.sql"),
        postgres: include_str!("../migrations/postgres/0007_records.sql"),
    },
];

/// Applies every migration not yet applied; returns how many ran.
pub async fn migrate(db: &Db) -> Result<usize, StorageError> {
    let mut tx = db.begin().await?;
    if tx.engine() == Engine::Postgres {
        run!(&mut tx.ex(), "SELECT pg_advisory_xact_lock(7207001)")?;
    }
    run!(&mut tx.ex(), "CREATE TABLE IF NOT EXISTS eline_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)")?;
    tx.commit().await?;
    let mut applied = 0;
    for m in MIGRATIONS {
        let mut tx = db.begin().await?;
        if tx.engine() == Engine::Postgres {
            // Two servers starting at once must not both migrate.
            run!(&mut tx.ex(), "SELECT pg_advisory_xact_lock(7207001)")?;
        }
        let done: i64 = scalar!(&mut tx.ex(), i64, "SELECT COUNT(*) FROM eline_migrations WHERE version = $1", m.version)?;
        if done > 0 {
            continue;
        }
        let sql = match tx.engine() {
            Engine::Sqlite => m.sqlite,
            Engine::Postgres => m.postgres,
        };
        match &mut tx {
            crate::Tx::Sqlite(t) => sqlx::raw_sql(sql).execute(&mut **t).await.map(|_| ()),
            crate::Tx::Postgres(t) => sqlx::raw_sql(sql).execute(&mut **t).await.map(|_| ()),
        }
        .map_err(|e| StorageError::Migration(format!("{} {}: {e}", m.version, m.name)))?;
        run!(&mut tx.ex(), "INSERT INTO eline_migrations (version, name, applied_at) VALUES ($1, $2, $3)", m.version, m.name, crate::now_micros())?;
        tx.commit().await?;
        applied += 1;
        tracing::info!(version = m.version, name = m.name, "migration applied");
    }
    Ok(applied)
}

/// The tables the application owns, in an order that respects foreign keys (parents first).
pub const TABLES: &[&str] = &[
    "committees",
    "sectors",
    "special_committees",
    "organizations",
    "units",
    "work_stations",
    "sessions",
    "members",
    "member_committees",
    "users",
    "api_tokens",
    "login_throttle",
    "login_known_addresses",
    "audit_log",
    "audit_head",
    "outbox",
    "web_sessions",
    "proposals",
    "proposal_cosigners",
    "proposal_units",
    "proposal_replies",
    "proposal_evaluations",
    "proposal_commitments",
    "proposal_supervisors",
    "attachments",
    "record_events",
    "record_links",
    "settings",
    "calendar_days",
    "reply_templates",
];
