//! The storage contract: what every repository function promises, told one story per test. Runs
//! on the test engine (SQLite, or PostgreSQL when ELINE_TEST_DATABASE_URL is set); the same
//! assertions must hold on both.
//! One module per subject; `common` holds the fixtures.

mod accounts;
mod audit;
mod common;
mod concurrency;
mod copy;
mod directory;
mod instructions;
mod members;
mod sessions;
mod tenancy;
