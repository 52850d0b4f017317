//! Idempotency keys as the API's middleware uses them (either engine): one reservation per
//! account and key, the stored answer, expiry and the take-over of an abandoned reservation.

use eline_storage::idempotency::{self, Answer};
use eline_storage::testing::fresh;
use eline_storage::{committees, users};

const HOUR: i64 = 3_600_000_000;

async fn user(ex: &mut eline_storage::Ex<'_>, committee_id: i64, username: &str) -> i64 {
    let u = users::NewUser {
        committee_id,
        username,
        display_name: "张三",
        password_hash: "$argon2id$fake",
        roles: "member",
        member_id: None,
        unit_id: None,
        organization_id: None,
        must_change_password: false,
    };
    users::create(ex, &u).await.expect("user").id
}

#[tokio::test]
async fn a_key_is_reserved_once_per_account_and_keeps_its_answer_until_it_expires() {
    let t = fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let committee = committees::create(&mut c.ex(), None, "测试", "测试", "city").await.unwrap();
    let (a, b) = (user(&mut c.ex(), committee, "a").await, user(&mut c.ex(), committee, "b").await);
    let now = 1_000 * HOUR;

    let first = idempotency::reserve(&mut c.ex(), a, "k1", "POST /api/v1/proposals", "h1", now, now + 24 * HOUR, now - HOUR).await.unwrap();
    let first = first.expect("a new key is reserved");
    // Held while pending: a second reservation of the same key by the same account gets nothing.
    assert_eq!(idempotency::reserve(&mut c.ex(), a, "k1", "POST /api/v1/proposals", "h1", now + 1, now + 24 * HOUR, now - HOUR).await.unwrap(), None);
    // Another account's key of the same name is its own.
    assert!(idempotency::reserve(&mut c.ex(), b, "k1", "POST /api/v1/proposals", "h1", now, now + 24 * HOUR, now - HOUR).await.unwrap().is_some());
    let held = idempotency::find(&mut c.ex(), a, "k1").await.unwrap().expect("held");
    assert_eq!((held.state.as_str(), held.request.as_str(), held.body_sha256.as_str(), held.status), ("pending", "POST /api/v1/proposals", "h1", None));

    let answer = Answer { status: 201, content_type: Some("application/json"), location: None, etag: Some("\"1-abc\""), body: "{\"id\":7}" };
    assert!(idempotency::complete(&mut c.ex(), first, &answer).await.unwrap());
    assert!(!idempotency::complete(&mut c.ex(), first, &answer).await.unwrap(), "an answer is stored once");
    let done = idempotency::find(&mut c.ex(), a, "k1").await.unwrap().unwrap();
    assert_eq!(done.state, "done");
    assert_eq!((done.status, done.body.as_deref(), done.etag.as_deref()), (Some(201), Some("{\"id\":7}"), Some("\"1-abc\"")));
    // Done is held too, however old (until it expires).
    assert_eq!(idempotency::reserve(&mut c.ex(), a, "k1", "POST /api/v1/proposals", "h1", now + 2 * HOUR, now + 26 * HOUR, now + HOUR).await.unwrap(), None);
    // Expired: the key is free again, for any request.
    let again = idempotency::reserve(&mut c.ex(), a, "k1", "PATCH /api/v1/proposals/7", "h2", now + 24 * HOUR, now + 48 * HOUR, now + 23 * HOUR).await.unwrap();
    assert!(again.is_some());
    let renewed = idempotency::find(&mut c.ex(), a, "k1").await.unwrap().unwrap();
    assert_eq!((renewed.state.as_str(), renewed.request.as_str(), renewed.status, renewed.body), ("pending", "PATCH /api/v1/proposals/7", None, None));

    // Pruning drops what expired before the given time, nothing else.
    assert_eq!(idempotency::prune(&mut c.ex(), now + 25 * HOUR).await.unwrap(), 1, "b's key expired");
    assert!(idempotency::find(&mut c.ex(), b, "k1").await.unwrap().is_none());
    assert!(idempotency::find(&mut c.ex(), a, "k1").await.unwrap().is_some());
}

#[tokio::test]
async fn a_released_or_abandoned_reservation_can_be_taken_again_and_the_first_holder_cannot_finish_it() {
    let t = fresh().await;
    let mut c = t.db.acquire().await.unwrap();
    let committee = committees::create(&mut c.ex(), None, "测试", "测试", "city").await.unwrap();
    let a = user(&mut c.ex(), committee, "a").await;
    let now = 1_000 * HOUR;
    let stale = now - 600_000_000;

    let t1 = idempotency::reserve(&mut c.ex(), a, "k", "POST /x", "h", now, now + 24 * HOUR, stale).await.unwrap().unwrap();
    idempotency::release(&mut c.ex(), t1).await.unwrap();
    assert!(idempotency::find(&mut c.ex(), a, "k").await.unwrap().is_none(), "released: gone");

    let t2 = idempotency::reserve(&mut c.ex(), a, "k", "POST /x", "h", now, now + 24 * HOUR, stale).await.unwrap().unwrap();
    // Ten minutes later the reservation is still pending (its server stopped): it is taken over.
    let later = now + 600_000_001;
    let t3 = idempotency::reserve(&mut c.ex(), a, "k", "POST /x", "h", later, later + 24 * HOUR, later - 600_000_000).await.unwrap().expect("taken over");
    assert_eq!(t3.id, t2.id);
    assert_ne!(t3.created_at, t2.created_at);
    let answer = Answer { status: 200, content_type: None, location: None, etag: None, body: "" };
    assert!(!idempotency::complete(&mut c.ex(), t2, &answer).await.unwrap(), "the first holder no longer owns it");
    idempotency::release(&mut c.ex(), t2).await.unwrap();
    assert_eq!(idempotency::find(&mut c.ex(), a, "k").await.unwrap().unwrap().created_at, t3.created_at, "nor can it release it");
    assert!(idempotency::complete(&mut c.ex(), t3, &answer).await.unwrap());
}
