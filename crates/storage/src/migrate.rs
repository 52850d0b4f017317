//! Embedded migrations, applied in order at start. Each runs in its own transaction together with
//! its bookkeeping row (by version number, in `eline_migrations`).
//!
//! One tree, `migrations/NNNN_snake_name.sql`, serves both engines; build.rs lists it and renders
//! each file for PostgreSQL (the identity key `id INTEGER PRIMARY KEY` becomes an identity
//! column). See docs/migrations.md.

use crate::{Db, Engine, StorageError, run, scalar};

struct Migration {
    version: i64,
    name: &'static str,
    /// The file as written.
    sqlite: &'static str,
    /// The file with its identity keys rendered for PostgreSQL.
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

impl Migration {
    fn sql(&self, engine: Engine) -> &'static str {
        match engine {
            Engine::Sqlite => self.sqlite,
            Engine::Postgres => self.postgres,
        }
    }
}

/// Every migration as `engine` runs it: (version, name, SQL), in order.
pub fn scripts(engine: Engine) -> impl Iterator<Item = (i64, &'static str, &'static str)> {
    MIGRATIONS.iter().map(move |m| (m.version, m.name, m.sql(engine)))
}

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
        let sql = m.sql(tx.engine());
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
    "api_refresh_used",
    "uploads",
    "account_batches",
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
    "proposal_suggested_units",
    "attachments",
    "record_events",
    "record_links",
    "settings",
    "calendar_days",
    "reply_templates",
    "idempotency_keys",
    "opinions",
    "opinion_revisions",
    "opinion_outcomes",
    "bulletins",
    "bulletin_items",
    "bulletin_sends",
    "instructions",
    "instruction_followups",
    "notifications",
    "notification_messages",
    "notification_deliveries",
    "notification_prefs",
    "notification_webhooks",
    "job_runs",
    "activities",
    "activity_invitees",
    "activity_checkin_attempts",
    "activity_changes",
    "calendar_feeds",
];
