//! Use cases of eline: one method of `App` per user action, each one transaction, each asking
//! the domain policy before it acts and writing the audit log in the same transaction.

pub mod accounts;
pub mod activities;
pub mod activity_stats;
pub mod audit;
pub mod auth;
pub mod bench_data;
pub mod bulletins;
pub mod cache;
pub mod change;
mod context;
pub mod dates;
pub mod demo;
pub mod demo_activities;
pub mod demo_data;
pub mod demo_opinions;
pub mod device_sessions;
pub mod directory;
mod error;
pub mod files;
pub mod home;
pub mod idempotency;
pub mod instructions;
pub mod members;
pub mod net;
pub mod notify;
pub mod opinions;
pub mod opinions_stats;
mod page;
pub mod params;
pub mod pickers;
pub mod proposals;
pub mod records;
pub mod reply_templates;
pub mod search;
pub mod settings;
pub mod spreadsheet;
pub mod uploads;
pub mod users;
pub mod workflow;

pub use context::{App, Clock, Settings, audit_write, snapshot};
pub use error::{AppError, AppResult, Checks};
pub use page::{DEFAULT_LIMIT, MAX_LIMIT, Page, limit, parse_cursor};
