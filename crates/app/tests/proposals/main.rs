//! The proposal work (提案) end to end through `eline_app::App`: one story per path of the state
//! machine (`story`), and random action sequences checked against the table (`property`). Runs on
//! SQLite, or on PostgreSQL when ELINE_TEST_DATABASE_URL is set.

mod drafts;
mod lists;
mod overview;
mod property;
mod story;
mod support;
