//! Browser sessions in the store: round trip, expiry, ending a user's sessions together.

use eline_storage::sessions::DbSessionStore;
use eline_storage::{scalar, testing};
use serde_json::json;
use tower_sessions::session::Id;
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};

use crate::common::*;

#[tokio::test]
async fn a_browser_session_round_trips_through_the_store_and_is_deleted() {
    let t = testing::fresh().await;
    let store = DbSessionStore::new(t.db.clone());
    let mut rec = session_record(Some(42), 3600);
    store.save(&rec).await.unwrap();
    assert_eq!(store.load(&rec.id).await.unwrap(), Some(rec.clone()));

    // Saving again replaces the data.
    rec.data.insert("theme".into(), json!("dark"));
    store.save(&rec).await.unwrap();
    assert_eq!(store.load(&rec.id).await.unwrap(), Some(rec.clone()));
    assert_eq!(store.load(&Id::default()).await.unwrap(), None);

    store.delete(&rec.id).await.unwrap();
    assert_eq!(store.load(&rec.id).await.unwrap(), None);
}

#[tokio::test]
async fn an_expired_browser_session_is_not_loaded_and_sessions_of_a_user_end_together() {
    let t = testing::fresh().await;
    let store = DbSessionStore::new(t.db.clone());
    let expired = session_record(Some(7), -5);
    store.save(&expired).await.unwrap();
    assert_eq!(store.load(&expired.id).await.unwrap(), None);
    let live = session_record(Some(7), 3600);
    let live_other = session_record(Some(8), 3600);
    store.save(&live).await.unwrap();
    store.save(&live_other).await.unwrap();
    store.delete_expired().await.unwrap();
    let mut c = t.db.acquire().await.unwrap();
    let rows = scalar!(&mut c.ex(), i64, "SELECT COUNT(*) FROM web_sessions").unwrap();
    assert_eq!(rows, 2, "delete_expired removes only the expired one");

    assert_eq!(eline_storage::sessions::delete_for_user(&mut c.ex(), 7).await.unwrap(), 1);
    assert_eq!(store.load(&live.id).await.unwrap(), None);
    assert_eq!(store.load(&live_other.id).await.unwrap(), Some(live_other));
}

// ---------------------------------------------------------------------------------------------
// copy and backup
