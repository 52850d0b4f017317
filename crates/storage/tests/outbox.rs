//! The outbox as its followers read it (either engine).

use eline_storage::outbox::{self, SEARCH};
use eline_storage::testing::fresh;

/// A follower that has applied entries 1..=3 while they are still within its look-back window
/// gets the new entries first: re-reading what it has applied must not use up its batch.
#[tokio::test]
async fn new_entries_come_before_the_look_back_window() {
    let t = fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    for id in 1..=6 {
        outbox::push(&mut c.ex(), None, SEARCH, "proposal", id).await.unwrap();
    }
    let all = outbox::since(&mut c.ex(), SEARCH, 0, 0, 100).await.unwrap();
    assert_eq!(all.iter().map(|e| e.target_id).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 6]);
    let cursor = all[2].id;
    // Everything is recent (the window starts at 0): the batch of two holds the two entries
    // after the cursor, not two the follower has already applied.
    let next = outbox::since(&mut c.ex(), SEARCH, cursor, 0, 2).await.unwrap();
    assert_eq!(next.iter().map(|e| e.target_id).collect::<Vec<_>>(), vec![4, 5]);
    // With room to spare, the look-back entries follow, in id order.
    let more = outbox::since(&mut c.ex(), SEARCH, cursor, 0, 100).await.unwrap();
    assert_eq!(more.iter().map(|e| e.target_id).collect::<Vec<_>>(), vec![4, 5, 6, 1, 2, 3]);
}
