//! Storage of eline on SQLite or PostgreSQL: connection, migrations, repositories, audit log,
//! session store, copy and backup. Every query is written once and runs on both engines.

pub mod account_batches;
pub mod activities;
pub mod activity_stats;
pub mod attachments;
pub mod audit;
pub mod bulk;
pub mod bulletins;
pub mod committees;
pub mod copy;
mod db;
pub mod deadlines;
pub mod directory;
mod error;
pub mod idempotency;
pub mod instructions;
pub mod jobs;
pub mod links;
pub mod members;
pub mod migrate;
pub mod notifications;
pub mod opinion_import;
pub mod opinion_stats;
pub mod opinions;
pub mod outbox;
pub mod proposal_import;
pub mod proposal_lists;
pub mod proposal_replies;
pub mod proposal_stats;
pub mod proposals;
pub mod reply_templates;
pub mod schema;
pub mod search_rows;
pub mod sessions;
pub mod settings;
pub mod testing;
pub mod timeline;
pub mod uploads;
pub mod users;

pub use db::{Arg, Conn, Db, Engine, Ex, Opt, Query, Tx, note_write, now_micros, write_generation};
pub use error::{Result, StorageError};
pub use migrate::migrate;
