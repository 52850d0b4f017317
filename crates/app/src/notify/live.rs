//! The live unread badge: which people's unread counts may have changed, as they change. New
//! notifications are written by whichever server (or scheduled run) took the step, inside its
//! transaction, so each server watches the shared table itself: one task per process polls the
//! highest notification id every second and, when it grew, tells its streams (`Hub::told`) the
//! people the new rows are for. Several servers on one PostgreSQL thus all see every new row.
//! Reading one's notifications on this server tells that server's streams at once.
//!
//! The watcher runs only while someone listens: the first subscriber starts it, and it stops at
//! the first poll that finds no subscriber left.

use std::sync::atomic::Ordering;
use std::time::Duration;

use eline_storage::notifications as store;
use tokio::sync::broadcast;

use crate::{App, AppResult};

/// How often the watcher looks for new notifications.
pub const POLL: Duration = Duration::from_secs(1);

impl App {
    /// The user ids whose unread counts may have changed from now on (a stream filters its own).
    /// A receiver that falls behind gets `Lagged`: it should then re-read its count.
    pub fn unread_changes(&self) -> broadcast::Receiver<i64> {
        // Subscribe first: a watcher that finds no subscriber and stops then sees this one.
        let rx = self.hub.told().subscribe();
        if !self.hub.watching.swap(true, Ordering::SeqCst) {
            tokio::spawn(watch(self.clone()));
        }
        rx
    }

    /// This server's streams of `user_id` re-read the count (they read a notification here).
    pub(crate) fn count_changed(&self, user_id: i64) {
        // No receiver: nobody is watching, nothing to do.
        let _ = self.hub.told().send(user_id);
    }
}

/// The ids seen so far: `last` the highest at the last poll, `older` the one before it.
#[derive(Debug, Clone, Copy)]
struct Seen {
    older: i64,
    last: i64,
}

async fn watch(app: App) {
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut seen: Option<Seen> = None;
    loop {
        tick.tick().await;
        if app.hub.told().receiver_count() == 0 {
            app.hub.watching.store(false, Ordering::SeqCst);
            // A subscriber that came in meanwhile either saw `false` and started a watcher of its
            // own, or was counted here: then this one goes on (unless another started already).
            if app.hub.told().receiver_count() == 0 || app.hub.watching.swap(true, Ordering::SeqCst) {
                return;
            }
        }
        match poll(&app, seen).await {
            Ok(s) => seen = Some(s),
            Err(e) => tracing::warn!(error = %e, "the live badge's watcher could not read the notifications"),
        }
    }
}

/// One look: tells the people of the rows above what was seen. The rows between the last two
/// looks are read once more, so that a row whose transaction committed after a later one (its id
/// lower than the highest already seen, on PostgreSQL) is not missed; a stream sends a count only
/// when it differs from the one it sent.
async fn poll(app: &App, seen: Option<Seen>) -> AppResult<Seen> {
    let mut c = app.db.acquire().await?;
    let head = store::head(&mut c.ex()).await?;
    let Some(s) = seen else { return Ok(Seen { older: head, last: head }) };
    if head > s.last || s.older < s.last {
        for user_id in store::told_since(&mut c.ex(), s.older, head.max(s.last)).await? {
            let _ = app.hub.told().send(user_id);
        }
    }
    Ok(Seen { older: s.last, last: head.max(s.last) })
}
