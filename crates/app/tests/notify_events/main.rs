//! Notifications from the workflow steps and the deadline reminders, through `eline_app::App`:
//! each step tells exactly the people concerned (and no one else), on the channels their
//! preferences or role defaults choose; a reminder is given once per threshold whatever the runs,
//! restarts and servers. Runs on SQLite, or on PostgreSQL when ELINE_TEST_DATABASE_URL is set.

mod opinions;
mod reminders;
mod steps;

#[allow(dead_code)]
#[path = "../proposals/support.rs"]
mod support;

#[allow(dead_code)]
#[path = "../opinions/support.rs"]
mod opinion_support;

use eline_domain::Actor;
use eline_storage::Db;

/// (user id, kind) of every notification about a record, in order.
pub async fn told(db: &Db, record_type: &str, record_id: i64) -> Vec<(i64, String)> {
    let mut c = db.acquire().await.expect("connection");
    let rows = eline_storage::notifications::about_record(&mut c.ex(), record_type, record_id).await.expect("notifications");
    rows.into_iter().map(|(u, k, _)| (u, k)).collect()
}

/// The messages of the notifications of `kind` about a record, in order.
pub async fn messages(db: &Db, record_type: &str, record_id: i64, kind: &str) -> Vec<String> {
    let mut c = db.acquire().await.expect("connection");
    let rows = eline_storage::notifications::about_record(&mut c.ex(), record_type, record_id).await.expect("notifications");
    rows.into_iter().filter(|(_, k, _)| k == kind).map(|(_, _, m)| m).collect()
}

/// The users told of `kind` about the record, sorted.
pub async fn told_of(db: &Db, record_type: &str, record_id: i64, kind: &str) -> Vec<i64> {
    let mut users: Vec<i64> = told(db, record_type, record_id).await.into_iter().filter(|(_, k)| k == kind).map(|(u, _)| u).collect();
    users.sort_unstable();
    users
}

pub fn ids(actors: &[&Actor]) -> Vec<i64> {
    let mut v: Vec<i64> = actors.iter().map(|a| a.user_id).collect();
    v.sort_unstable();
    v
}

/// (channel, mode, message made) of each delivery of the user's notifications of `kind`.
pub async fn deliveries(db: &Db, user_id: i64, kind: &str) -> Vec<(String, String, bool)> {
    let mut c = db.acquire().await.expect("connection");
    eline_storage::notifications::deliveries_of(&mut c.ex(), user_id, kind).await.expect("deliveries")
}

/// The committee's active office staff accounts, sorted.
pub async fn staff_ids(db: &Db, committee_id: i64) -> Vec<i64> {
    let mut c = db.acquire().await.expect("connection");
    let mut v: Vec<i64> =
        eline_storage::users::with_role(&mut c.ex(), committee_id, "staff").await.expect("staff").into_iter().filter(|u| u.active).map(|u| u.id).collect();
    v.sort_unstable();
    v
}
