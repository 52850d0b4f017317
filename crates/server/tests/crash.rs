//! Crash safety (issue #5): the real server takes concurrent writes through the API and is killed
//! with SIGKILL at an unforeseeable moment; restarted on the same database and data directory,
//! every write it acknowledged is there and intact, the audit chain verifies, and the search
//! index catches up with everything committed. SQLite by default, PostgreSQL when
//! ELINE_TEST_DATABASE_URL is set.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use eline_storage::testing::{fresh_unmigrated, temp_dir};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_eline");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// The server process, killed and reaped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start(url: &str, data_dir: &Path, port: u16) -> Server {
    let addr = format!("127.0.0.1:{port}");
    let server = Server(
        Command::new(BIN)
            .args(["serve", "--demo", "--addr", &addr, "--database-url", url])
            .env("ELINE_DATA_DIR", data_dir)
            .env("ELINE_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn server"),
    );
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("http://{addr}/healthz")).send().await
            && r.status() == 200
        {
            return server;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "server did not answer /healthz");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const BODY: &str = "城区老旧街区人口密集，缺少可供居民休憩的公共空间，老人和儿童只能在路边停留，存在安全隐患。\
建议利用边角地、闲置地建设口袋公园，增设座椅、遮阳和绿化设施，并纳入年度民生实事项目。";

type Acked = Arc<Mutex<Vec<(i64, String)>>>;

/// Four writers creating proposals until the server stops answering (or `stop` is set), each
/// recording what the server acknowledged (201 with an id).
fn start_writers(client: &reqwest::Client, base: &str, token: &str, acked: &Acked, stop: Option<Arc<AtomicBool>>) -> Vec<tokio::task::JoinHandle<()>> {
    (0..4)
        .map(|w| {
            let (client, base, token, acked, stop) = (client.clone(), base.to_string(), token.to_string(), acked.clone(), stop.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    if stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed)) {
                        break;
                    }
                    let title = format!("关于建设第{w}片区第{n}号口袋公园的建议");
                    let sent = client.post(format!("{base}/api/v1/proposals")).bearer_auth(&token).json(&json!({"title": title, "body": BODY})).send().await;
                    let Ok(res) = sent else { break };
                    if res.status() != 201 {
                        break;
                    }
                    let Ok(v) = res.json::<Value>().await else { break };
                    acked.lock().unwrap().push((v["id"].as_i64().expect("id"), title));
                }
            })
        })
        .collect()
}

async fn login(client: &reqwest::Client, base: &str) -> String {
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "member", "password": "eline-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["token"].as_str().expect("token").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_write_survives_a_sigkill_and_the_index_catches_up() {
    let t = fresh_unmigrated().await;
    let dir = temp_dir("eline_crash");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(&t.url, &dir, port).await;
    let client = reqwest::Client::new();
    let token = login(&client, &base).await;

    let acked: Acked = Arc::default();
    let writers = start_writers(&client, &base, &token, &acked, None);
    // Kill at a moment the test does not choose: 0.4–1.4 s into the writes.
    let jitter = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos() % 1_000;
    tokio::time::sleep(Duration::from_millis(400 + u64::from(jitter))).await;
    server.0.kill().expect("SIGKILL");
    server.0.wait().expect("reaped");
    for w in writers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 10, "too few writes before the kill to prove anything: {}", acked.len());

    // Restart on the same database and data directory.
    let server = start(&t.url, &dir, port).await;
    for (id, title) in &acked {
        let res = client.get(format!("{base}/api/v1/proposals/{id}")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(res.status(), 200, "acknowledged proposal {id} lost");
        let v: Value = res.json().await.unwrap();
        assert_eq!((v["title"].as_str().unwrap(), v["status"].as_str().unwrap()), (title.as_str(), "draft"));
    }
    let verify = Command::new(BIN).args(["audit", "verify", "--database-url", &t.url]).env("ELINE_DATA_DIR", &dir).output().unwrap();
    assert!(verify.status.success(), "audit chain after the crash: {}", String::from_utf8_lossy(&verify.stderr));

    // The index follows the outbox from its last commit: every acknowledged write is found.
    let want: std::collections::BTreeSet<i64> = acked.iter().map(|(id, _)| *id).collect();
    let started = Instant::now();
    loop {
        let mut found = std::collections::BTreeSet::new();
        let mut cursor = String::new();
        loop {
            let url = format!("{base}/api/v1/search?type=proposal&limit=100&q=%E5%8F%A3%E8%A2%8B%E5%85%AC%E5%9B%AD&cursor={cursor}");
            let v: Value = client.get(url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
            found.extend(v["items"].as_array().unwrap().iter().filter_map(|i| i["id"].as_i64()));
            match v["next_cursor"].as_str() {
                Some(c) => cursor = c.to_string(),
                None => break,
            }
        }
        if want.is_subset(&found) {
            eprintln!("{} acknowledged writes before SIGKILL; all present and searchable after restart ({} found)", want.len(), found.len());
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "search did not catch up: {} of {} found", want.intersection(&found).count(), want.len());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_restores_to_a_consistent_database() {
    let t = fresh_unmigrated().await;
    let dir = temp_dir("eline_backup_live");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = start(&t.url, &dir, port).await;
    let client = reqwest::Client::new();
    let token = login(&client, &base).await;
    let acked: Acked = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers = start_writers(&client, &base, &token, &acked, Some(stop.clone()));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = acked.lock().unwrap().clone();
    let file = dir.join("backup.db");
    let out = Command::new(BIN).args(["backup", file.to_str().unwrap(), "--database-url", &t.url]).env("ELINE_DATA_DIR", &dir).output().unwrap();
    assert!(out.status.success(), "backup during writes: {}", String::from_utf8_lossy(&out.stderr));
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let after = acked.lock().unwrap().len();
    assert!(before.len() >= 5 && after > before.len(), "writes went on around the backup: {} then {after}", before.len());
    drop(server);

    // The backup is a database of its own: the audit chain verifies and a server runs on it.
    let url = format!("sqlite://{}", file.display());
    let verify = Command::new(BIN).args(["audit", "verify", "--database-url", &url]).env("ELINE_DATA_DIR", &dir).output().unwrap();
    assert!(verify.status.success(), "audit chain of the backup: {}", String::from_utf8_lossy(&verify.stderr));
    let restored_dir = temp_dir("eline_restored");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let restored = start(&url, &restored_dir, port).await;
    let token = login(&client, &base).await;
    for (id, title) in &before {
        let v: Value = client.get(format!("{base}/api/v1/proposals/{id}")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(v["title"].as_str(), Some(title.as_str()), "proposal {id}, acknowledged before the backup began, missing from it");
    }
    let listed = client.get(format!("{base}/api/v1/proposals?scope=mine&limit=1")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(listed.status(), 200);
    eprintln!("backup taken during writes: {} acknowledged before it, {after} in all; restored and verified", before.len());
    drop(restored);
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(restored_dir);
}
