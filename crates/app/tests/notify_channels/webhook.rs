//! The webhook channel: a committee's bridge to its SMS/WeChat gateway gets signed JSON bodies
//! that verify by the documented procedure (the receiver in `receiver.rs`, and the Python example
//! of docs/webhook_receiver.py), and refuses what was tampered with, signed with another secret,
//! or sent long ago. A gateway that is down keeps the message waiting with its error.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use eline_app::notify::deliver::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, sign};
use eline_app::notify::inbox::WebhookInput;
use eline_domain::notice::{Channel, Mode};
use serde_json::Value;

use crate::receiver::Receiver;
use crate::support::*;

/// Points the committee's webhook at `url`; returns the secret eline signs with.
async fn configure(w: &World, url: &str) -> String {
    let view = w.app.set_webhook(&w.admin, &WebhookInput { url: url.into(), active: true, new_secret: true }).await.expect("set the webhook");
    view.secret.expect("a secret")
}

async fn with_receiver(w: &World) -> Receiver {
    let r = Receiver::start("not yet").await;
    let secret = configure(w, &r.url).await;
    r.set_secret(&secret);
    r
}

/// Posts `body` with these headers, as a forger (or a replay) would; returns the status.
async fn post(url: &str, id: &str, timestamp: i64, signature: &str, body: Vec<u8>) -> u16 {
    reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/json")
        .header(HEADER_ID, id)
        .header(HEADER_TIMESTAMP, timestamp.to_string())
        .header(HEADER_SIGNATURE, signature)
        .body(body)
        .send()
        .await
        .expect("the receiver answers")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_configured_webhook_gets_a_signed_body_naming_the_recipient_and_the_items() {
    let w = World::new().await;
    let r = with_receiver(&w).await;
    // A member who wants filings on SMS too (their phone is in the body for the gateway).
    w.set_pref(&w.member, "proposal.filed", Channel::Webhook, Mode::Immediate).await;
    let id = w.filed("关于提升城市公园服务品质的提案").await;
    w.assign(id).await;
    let round = w.app.dispatch_all().await.unwrap();
    assert_eq!(round.failed, 0);
    let mut calls = r.accepted();
    calls.sort_by_key(|c| c.body["id"].as_i64());
    assert_eq!(calls.len(), 2, "the member's filing and the unit's assignment: {calls:?}");
    assert!(r.refused().is_empty());

    let phone = {
        let mut c = w.t.db.acquire().await.unwrap();
        let m = eline_storage::members::get(&mut c.ex(), w.cid, w.member.member_id.unwrap()).await.unwrap().unwrap();
        m.phone.expect("the demo member has a phone")
    };
    let committee = w.committee_name().await;
    for (call, who, kind, label, message) in
        [(&calls[0], &w.member, "proposal.filed", "提案已立案", "提案已立案，编号"), (&calls[1], &w.unit, "proposal.assigned", "交办提案", "交由贵单位办理")]
    {
        let b = &call.body;
        assert_eq!(b["id"].as_i64().map(|i| i.to_string()), Some(call.id.clone()), "the body's id is the delivery header");
        assert_eq!(b["committee_id"], w.cid);
        assert_eq!(b["committee"], committee.as_str());
        assert_eq!(b["mode"], "immediate");
        let to = &b["recipient"];
        assert_eq!(to["user_id"], who.user_id);
        assert_eq!(to["username"], who.username.as_str());
        assert_eq!(to["email"], address(who).as_str());
        assert_eq!(b["items"].as_array().map(Vec::len), Some(1));
        let item = &b["items"][0];
        assert_eq!((item["kind"].as_str(), item["kind_label"].as_str()), (Some(kind), Some(label)));
        assert_eq!(item["title"], "关于提升城市公园服务品质的提案");
        assert!(item["message"].as_str().unwrap().starts_with(message), "{item}");
        assert_eq!((item["target_type"].as_str(), item["target_id"].as_i64()), (Some("proposal"), Some(id)));
        assert_eq!(item["url"], proposal_url(id).as_str());
        let at = chrono::DateTime::parse_from_rfc3339(item["created_at"].as_str().unwrap()).expect("RFC 3339");
        assert_eq!(at.offset().local_minus_utc(), 8 * 3600, "Beijing time");
        assert!(item["id"].as_i64().is_some());
        let text = b["text"].as_str().unwrap();
        assert!(text.starts_with("【委员e线通】") && text.contains("关于提升城市公园服务品质的提案") && text.contains(&proposal_url(id)), "{text}");
        // eline's own signing function agrees with the documented procedure.
        let ts: i64 = call.timestamp.parse().unwrap();
        assert_eq!(call.signature, sign(&w.app.webhook_settings(&w.admin).await.unwrap().secret.unwrap(), ts, &call.raw));
    }
    assert_eq!(calls[0].body["recipient"]["phone"], phone.as_str());
    assert_eq!(calls[1].body["recipient"]["phone"], Value::Null, "a unit account has no member phone");
    assert_eq!(w.app.dispatch_all().await.unwrap().sent, 0, "each message once");
    assert_eq!(r.calls(), 2);
}

#[tokio::test]
async fn a_tampered_body_another_secret_an_old_timestamp_or_a_replay_is_not_accepted() {
    let w = World::new().await;
    let r = with_receiver(&w).await;
    let secret = w.app.webhook_settings(&w.admin).await.unwrap().secret.unwrap();
    let id = w.filed("关于加强食品安全监管的提案").await;
    w.assign(id).await;
    w.app.dispatch_all().await.unwrap();
    let genuine = r.accepted().pop().expect("a genuine call");
    let ts: i64 = genuine.timestamp.parse().unwrap();

    // The very same call again (a replay, or a retry whose answer was lost): acknowledged, ignored.
    assert_eq!(post(&r.url, &genuine.id, ts, &genuine.signature, genuine.raw.clone()).await, 200);
    assert_eq!(r.accepted().len(), 1);

    // One byte of the body changed, headers untouched.
    let mut tampered = genuine.raw.clone();
    let at = tampered.iter().position(|b| b.is_ascii_digit()).expect("a digit in the body");
    tampered[at] = if tampered[at] == b'9' { b'8' } else { tampered[at] + 1 };
    assert_eq!(post(&r.url, "990001", ts, &genuine.signature, tampered).await, 401);

    // Signed with another secret.
    let now = chrono::Utc::now().timestamp();
    assert_eq!(post(&r.url, "990002", now, &sign("another-secret", now, &genuine.raw), genuine.raw.clone()).await, 401);

    // Rightly signed, but six minutes old.
    let old = now - 360;
    assert_eq!(post(&r.url, "990003", old, &sign(&secret, old, &genuine.raw), genuine.raw.clone()).await, 401);

    assert_eq!(r.refused(), vec!["signature mismatch", "signature mismatch", "timestamp too old"]);
    // The control: the same procedure with the right secret and a fresh time is accepted.
    assert_eq!(post(&r.url, "990004", now, &sign(&secret, now, &genuine.raw), genuine.raw.clone()).await, 200);
    assert_eq!(r.accepted().len(), 2);
}

#[tokio::test]
async fn a_gateway_answering_500_keeps_the_message_waiting_with_its_error_until_retried() {
    let w = World::new().await;
    let r = with_receiver(&w).await;
    r.force(500);
    let id = w.filed("关于完善城市内涝防治体系的提案").await;
    w.assign(id).await;
    let round = w.app.dispatch_all().await.unwrap();
    assert_eq!((round.sent, round.failed), (1, 1), "the email went, the webhook call failed");
    let outbox = w.outbox().await;
    assert_eq!((outbox.pending, outbox.failing), (1, 1));
    let f = &outbox.failures[0];
    assert_eq!((f.channel, f.attempts), (Channel::Webhook, 1));
    assert!(f.last_error.as_deref().unwrap_or("").contains("500"), "{:?}", f.last_error);
    assert!(r.accepted().is_empty());

    r.force(0);
    assert_eq!(w.app.retry_messages(&w.admin, Some(f.id)).await.unwrap(), 1);
    assert_eq!(w.app.dispatch_all().await.unwrap().sent, 1);
    assert_eq!(r.accepted().len(), 1);
    assert_eq!(r.accepted()[0].body["id"], f.id);
    let outbox = w.outbox().await;
    assert_eq!((outbox.pending, outbox.failing), (0, 0));
}

/// The documented example receiver, run as a child process; its output lines arrive through a
/// reader thread (a test waits for a line at most 20 s instead of hanging).
struct Python(Child, std::sync::mpsc::Receiver<String>);

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Python {
    fn line(&mut self) -> String {
        self.1.recv_timeout(std::time::Duration::from_secs(20)).expect("a line from the example receiver")
    }
}

#[tokio::test]
async fn the_documented_python_receiver_verifies_a_real_delivery_and_refuses_a_tampered_one() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 is not installed: the example receiver is not run (CI installs it)");
        return;
    }
    let w = World::new().await;
    let secret = configure(&w, "http://127.0.0.1:1/").await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/webhook_receiver.py");
    let mut child = Command::new("python3")
        .arg(script)
        .env("ELINE_WEBHOOK_SECRET", &secret)
        .env("PORT", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the example receiver");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let mut py = Python(child, lines);
    let first = py.line();
    let port = first.trim().rsplit(' ').next().and_then(|p| p.parse::<u16>().ok()).unwrap_or_else(|| panic!("no port in {first:?}"));
    let url = format!("http://127.0.0.1:{port}/");
    w.app.set_webhook(&w.admin, &WebhookInput { url: url.clone(), active: true, new_secret: false }).await.unwrap();

    let id = w.filed("关于发展银发经济的提案").await;
    w.assign(id).await;
    let round = w.app.dispatch_all().await.unwrap();
    assert_eq!((round.sent, round.failed), (2, 0), "the mail and the verified webhook call");
    let printed: Value = serde_json::from_str(&py.line()).expect("the receiver prints the body it accepted");
    assert_eq!(printed["recipient"]["username"], "unit");
    assert_eq!(printed["items"][0]["target_id"], id);

    // A forged variant: the body of a real call with one byte changed is refused.
    let raw = serde_json::to_vec(&printed).unwrap();
    let now = chrono::Utc::now().timestamp();
    let signature = sign(&secret, now, &raw);
    let mut tampered = raw.clone();
    tampered[raw.len() / 2] ^= 1;
    assert_eq!(post(&url, "880001", now, &signature, tampered).await, 401);
    assert_eq!(post(&url, "880001", now - 400, &sign(&secret, now - 400, &raw), raw.clone()).await, 401);
    // The untampered one is accepted; its replay is acknowledged but not handled twice.
    assert_eq!(post(&url, "880002", now, &signature, raw.clone()).await, 200);
    assert_eq!(post(&url, "880002", now, &signature, raw.clone()).await, 200);
    assert_eq!(serde_json::from_str::<Value>(&py.line()).unwrap()["id"], printed["id"]);
    let second = w.filed("关于加强基层医疗卫生服务的提案").await;
    w.assign(second).await;
    w.app.dispatch_all().await.unwrap();
    let next: Value = serde_json::from_str(&py.line()).unwrap();
    assert_eq!(next["items"][0]["target_id"], second, "the replay printed nothing: the next line is the next delivery");
}
