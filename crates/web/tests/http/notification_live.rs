//! The live unread badge's event stream: the count at once, a new count when another person's
//! step tells the user (also when the step was taken on another server of the same database),
//! the session cookie as well as a token, and the stream's end when the client goes away or the
//! server stops — without holding a place among the requests in flight.

use std::time::{Duration, Instant};

use eline_web::testing::{TestApp, spawn_demo_app, spawn_demo_pair};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::notifications::submitted_proposal;

/// An open event stream and what has arrived of it.
struct Events {
    res: reqwest::Response,
    buf: String,
}

impl Events {
    async fn open(req: reqwest::RequestBuilder) -> Events {
        let res = req.send().await.expect("open the stream");
        assert_eq!(res.status(), StatusCode::OK);
        assert!(header_str(res.headers(), reqwest::header::CONTENT_TYPE).starts_with("text/event-stream"));
        assert!(res.headers().get(reqwest::header::CONTENT_ENCODING).is_none(), "events are not compressed (held back)");
        Events { res, buf: String::new() }
    }

    /// The next `unread` event's count, or None when none comes `within` (or the stream ended).
    async fn next_unread(&mut self, within: Duration) -> Option<i64> {
        let deadline = Instant::now() + within;
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                if block.lines().any(|l| l == "event: unread") {
                    let data = block.lines().find_map(|l| l.strip_prefix("data: ")).expect("an event's data");
                    return serde_json::from_str::<Value>(data).expect("JSON data")["unread"].as_i64();
                }
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.res.chunk()).await {
                Ok(Ok(Some(bytes))) => self.buf.push_str(&String::from_utf8_lossy(&bytes)),
                _ => return None,
            }
        }
    }

    /// Whether the server ended the stream within `within`.
    async fn ended(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else { return false };
            match tokio::time::timeout(left, self.res.chunk()).await {
                Ok(Ok(Some(_))) => continue,
                Ok(Ok(None)) | Ok(Err(_)) => return true,
                Err(_) => return false,
            }
        }
    }
}

const SOON: Duration = Duration::from_secs(10);

async fn unread(api: &Api) -> i64 {
    api.get_json("/api/v1/notifications/unread-count").await["unread"].as_i64().unwrap()
}

/// Streams still fed on this server.
fn listening(app: &TestApp) -> usize {
    app.state.app.hub.told().receiver_count()
}

#[tokio::test]
async fn the_stream_sends_the_count_at_once_and_again_when_another_persons_step_tells_the_user() {
    let app = spawn_demo_app().await;
    let (member, staff) = (Api::login(&app, "member", DEMO_PASSWORD).await, Api::login(&app, "staff", DEMO_PASSWORD).await);
    let id = submitted_proposal(&member, "关于改善老旧小区消防通道的提案").await;
    let n = unread(&member).await;

    let mut events = Events::open(member.req(reqwest::Method::GET, "/api/v1/notifications/stream")).await;
    assert_eq!(events.next_unread(SOON).await, Some(n), "the count at once");
    // The stream holds no place among the requests in flight.
    assert_eq!(app.state.admission.in_flight(), 0);
    // Another person's notification does not concern this stream.
    let staff_before = unread(&staff).await;
    let other = submitted_proposal(&member, "关于增设社区老年食堂的提案").await;
    assert!(unread(&staff).await > staff_before);
    assert_eq!(events.next_unread(Duration::from_millis(2500)).await, None, "nothing new for the member");

    json_of(staff.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    assert_eq!(events.next_unread(SOON).await, Some(n + 1), "the new count after the office filed the proposal");
    // Reading it changes the count again (on this server: at once).
    let nid = member.get_json("/api/v1/notifications?unread=true&limit=1").await["items"][0]["id"].as_i64().unwrap();
    json_of(member.post(&format!("/api/v1/notifications/{nid}/read"), &json!({})).await, 200).await;
    assert_eq!(events.next_unread(SOON).await, Some(n));

    // A page's stream rides on the session cookie; without a session: 401.
    let mut b = Browser::new(&app);
    b.login_ok("member", DEMO_PASSWORD).await;
    let mut page_events = Events::open(b.client.get(b.url("/notifications/stream"))).await;
    assert_eq!(page_events.next_unread(SOON).await, Some(n));
    json_of(staff.post(&format!("/api/v1/proposals/{other}/review"), &json!({"decision": "file"})).await, 200).await;
    assert_eq!(page_events.next_unread(SOON).await, Some(n + 1));
    assert_eq!(events.next_unread(SOON).await, Some(n + 1));
    let anon = client().get(format!("{}/notifications/stream", app.base_url)).send().await.unwrap();
    assert_eq!(anon.status(), StatusCode::UNAUTHORIZED);

    // The client goes away: its stream ends and is no longer fed.
    assert_eq!(listening(&app), 2);
    drop(events);
    drop(page_events);
    let started = Instant::now();
    while listening(&app) > 0 {
        assert!(started.elapsed() < Duration::from_secs(20), "a stream outlived its client");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_step_taken_on_another_server_reaches_the_stream_through_the_shared_database() {
    let (a, b) = spawn_demo_pair().await;
    let member = Api::login(&a, "member", DEMO_PASSWORD).await;
    let id = submitted_proposal(&member, "关于推进垃圾分类进小区的提案").await;
    let n = unread(&member).await;
    // The member watches on server B; the office files the proposal on server A.
    let on_b = Api { base: b.base_url.clone(), ..member.clone() };
    let mut events = Events::open(on_b.req(reqwest::Method::GET, "/api/v1/notifications/stream")).await;
    assert_eq!(events.next_unread(SOON).await, Some(n));
    let staff_a = Api::login(&a, "staff", DEMO_PASSWORD).await;
    json_of(staff_a.post(&format!("/api/v1/proposals/{id}/review"), &json!({"decision": "file"})).await, 200).await;
    assert_eq!(events.next_unread(SOON).await, Some(n + 1));
    drop(events);
    drop(b);
}

#[tokio::test]
async fn the_stream_ends_when_the_server_stops() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let mut events = Events::open(member.req(reqwest::Method::GET, "/api/v1/notifications/stream")).await;
    assert!(events.next_unread(SOON).await.is_some());
    app.state.stopping.send_replace(true);
    assert!(events.ended(SOON).await, "the stream should end so that a graceful shutdown does not wait for it");
}
