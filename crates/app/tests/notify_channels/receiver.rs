//! A webhook receiver as a committee's SMS/WeChat bridge would write it, following
//! docs/notifications.md step by step and nothing else of eline's code: recompute HMAC-SHA256
//! over `timestamp + "." + raw body` with the secret, compare in constant time with the
//! signature header, refuse a timestamp more than five minutes away, and handle each delivery id
//! once (a replay, or eline's own retry of a call whose answer it did not get, is acknowledged
//! and ignored). It can be told to answer 500, as a gateway that is down.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;

/// How far a timestamp may be from the receiver's clock.
pub const TOLERANCE_SECS: i64 = 300;

/// A call the receiver accepted.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub raw: Vec<u8>,
    pub body: Value,
}

#[derive(Default)]
struct Shared {
    secret: Mutex<String>,
    /// Answer this status to every call (0: verify and answer normally).
    forced: AtomicU16,
    seen: Mutex<HashSet<String>>,
    accepted: Mutex<Vec<Delivery>>,
    /// Why calls were refused, in order.
    refused: Mutex<Vec<String>>,
    calls: Mutex<usize>,
}

pub struct Receiver {
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

/// Why a call does not verify (None: it does). `now` is unix seconds.
pub fn verify(secret: &str, headers: &HeaderMap, body: &[u8], now: i64) -> Result<(), &'static str> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    // 1. The three headers are there.
    header("X-Eline-Delivery").filter(|v| !v.is_empty()).ok_or("no delivery id")?;
    let timestamp = header("X-Eline-Timestamp").ok_or("no timestamp")?;
    let signature = header("X-Eline-Signature").ok_or("no signature")?;
    // 2. The timestamp is recent (a call recorded and sent again later is refused).
    let ts: i64 = timestamp.parse().map_err(|_| "timestamp is not a number")?;
    if (now - ts).abs() > TOLERANCE_SECS {
        return Err("timestamp too old");
    }
    // 3. The signature is `v1=` + hex of HMAC-SHA256(secret, timestamp + "." + raw body).
    let hex_digest = signature.strip_prefix("v1=").ok_or("unknown signature version")?;
    let claimed = hex::decode(hex_digest).map_err(|_| "signature is not hex")?;
    let mut mac = Hmac::<sha2_hmac::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    // 4. Compared in constant time.
    mac.verify_slice(&claimed).map_err(|_| "signature mismatch")
}

async fn handle(State(s): State<Arc<Shared>>, headers: HeaderMap, raw: Bytes) -> (StatusCode, &'static str) {
    *s.calls.lock().unwrap() += 1;
    let forced = s.forced.load(Ordering::SeqCst);
    if forced != 0 {
        return (StatusCode::from_u16(forced).expect("a status"), "gateway down");
    }
    let secret = s.secret.lock().unwrap().clone();
    if let Err(why) = verify(&secret, &headers, &raw, chrono::Utc::now().timestamp()) {
        s.refused.lock().unwrap().push(why.to_string());
        return (StatusCode::UNAUTHORIZED, why);
    }
    let text = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let id = text("X-Eline-Delivery");
    // 5. Each delivery once: a repeated id is acknowledged and not handled again.
    if !s.seen.lock().unwrap().insert(id.clone()) {
        return (StatusCode::OK, "already handled");
    }
    let body: Value = match serde_json::from_slice(&raw) {
        Ok(v) => v,
        Err(_) => return (StatusCode::BAD_REQUEST, "not JSON"),
    };
    s.accepted.lock().unwrap().push(Delivery { id, timestamp: text("X-Eline-Timestamp"), signature: text("X-Eline-Signature"), raw: raw.to_vec(), body });
    (StatusCode::OK, "ok")
}

impl Receiver {
    pub async fn start(secret: &str) -> Receiver {
        let shared = Arc::new(Shared { secret: Mutex::new(secret.to_string()), ..Default::default() });
        let app = axum::Router::new().route("/hook", axum::routing::post(handle)).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind receiver");
        let url = format!("http://{}/hook", listener.local_addr().expect("address"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { url, shared, task }
    }

    pub fn set_secret(&self, secret: &str) {
        *self.shared.secret.lock().unwrap() = secret.to_string();
    }

    /// Answer `status` to every call from now on (0: normal service again).
    pub fn force(&self, status: u16) {
        self.shared.forced.store(status, Ordering::SeqCst);
    }

    pub fn accepted(&self) -> Vec<Delivery> {
        self.shared.accepted.lock().unwrap().clone()
    }

    pub fn refused(&self) -> Vec<String> {
        self.shared.refused.lock().unwrap().clone()
    }

    pub fn calls(&self) -> usize {
        *self.shared.calls.lock().unwrap()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}
