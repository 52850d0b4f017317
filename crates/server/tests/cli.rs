//! The real `eline` binary, driven as an operator would: start, health check, accounts, backup,
//! copy between engines, audit verification.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use eline_storage::testing::{postgres_url, temp_dir};

const BIN: &str = env!("CARGO_BIN_EXE_eline");

fn eline(args: &[&str], data_dir: &Path) -> Output {
    Command::new(BIN).args(args).env("ELINE_DATA_DIR", data_dir).env_remove("ELINE_DATABASE_URL").output().expect("run eline")
}

fn eline_stdin(args: &[&str], data_dir: &Path, input: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("ELINE_DATA_DIR", data_dir)
        .env_remove("ELINE_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn eline");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `eline serve` and waits for /healthz; returns the server and how long that took.
async fn serve(data_dir: &Path, extra: &[&str]) -> (Server, Duration) {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--addr", &addr];
    args.extend_from_slice(extra);
    let started = Instant::now();
    let child = Command::new(BIN)
        .args(&args)
        .env("ELINE_DATA_DIR", data_dir)
        .env_remove("ELINE_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn server");
    let server = Server { child, base: format!("http://{addr}") };
    let client = reqwest::Client::new();
    loop {
        if let Ok(r) = client.get(format!("{}/healthz", server.base)).send().await
            && r.status() == 200
        {
            assert_eq!(r.text().await.unwrap(), "ok");
            return (server, started.elapsed());
        }
        assert!(started.elapsed() < Duration::from_secs(60), "server did not answer /healthz");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn db_file(dir: &Path) -> PathBuf {
    dir.join("eline.db")
}

#[tokio::test]
async fn a_fresh_server_answers_its_health_check_within_a_second_and_stops_on_sigterm() {
    let dir = temp_dir("eline_cli");
    let (mut server, took) = serve(&dir, &[]).await;
    assert!(took < Duration::from_secs(1), "first start took {took:?}");
    assert!(db_file(&dir).exists(), "the embedded database is created under the data dir");
    // SIGTERM: graceful shutdown, exit status 0.
    let pid = server.child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            assert!(status.success(), "exit status {status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn an_admin_made_on_the_command_line_can_log_in_through_the_api() {
    let dir = temp_dir("eline_cli");
    assert!(eline(&["migrate"], &dir).status.success());
    // No committee yet: the command says how to get one.
    let out = eline_stdin(&["user", "add", "--username", "root", "--role", "admin", "--password-stdin"], &dir, "Passw0rd-long\n");
    assert!(!out.status.success());
    let (server, _) = serve(&dir, &[]).await;
    let out = eline_stdin(&["user", "add", "--username", "root", "--role", "admin", "--password-stdin"], &dir, "Passw0rd-long\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let weak = eline_stdin(&["user", "add", "--username", "weak", "--role", "staff", "--password-stdin"], &dir, "short\n");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("密码至少需要8位"));
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&serde_json::json!({"username": "root", "password": "Passw0rd-long"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["token"].as_str().unwrap().starts_with("eline_"));
    assert_eq!(body["user"]["roles"], serde_json::json!(["admin"]));
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

async fn sqlite_pool(file: &Path) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display())).await.expect("open sqlite")
}

#[tokio::test]
async fn audit_verify_passes_on_the_demo_and_names_an_edited_entry() {
    let dir = temp_dir("eline_cli");
    let (server, _) = serve(&dir, &["--demo"]).await;
    drop(server);
    let ok = eline(&["audit", "verify"], &dir);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("audit log intact"));

    let pool = sqlite_pool(&db_file(&dir)).await;
    let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM audit_log").fetch_one(&pool).await.unwrap();
    sqlx::query("UPDATE audit_log SET summary = summary || '（已篡改）' WHERE id = $1").bind(id).execute(&pool).await.unwrap();
    pool.close().await;

    let bad = eline(&["audit", "verify"], &dir);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains(&format!("entry {id}")), "{}", String::from_utf8_lossy(&bad.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

async fn counts(url: &str) -> Vec<(String, i64)> {
    let db = eline_storage::Db::connect(url).await.expect("connect");
    let mut c = db.acquire().await.unwrap();
    let mut out = Vec::new();
    for t in eline_storage::migrate::TABLES {
        let n: i64 = eline_storage::scalar!(&mut c.ex(), i64, sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}"))).unwrap();
        out.push((t.to_string(), n));
    }
    drop(c);
    db.close().await;
    out
}

#[tokio::test]
async fn a_backup_taken_while_serving_holds_the_demo_and_a_second_backup_never_overwrites_it() {
    let dir = temp_dir("eline_cli");
    let (server, _) = serve(&dir, &["--demo"]).await;
    let backup = dir.join("backup.db");
    let out = eline(&["backup", backup.to_str().unwrap()], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = eline(&["backup", backup.to_str().unwrap()], &dir);
    assert!(!again.status.success());
    drop(server);
    let original = counts(&format!("sqlite://{}", db_file(&dir).display())).await;
    let copy = counts(&format!("sqlite://{}", backup.display())).await;
    let members = copy.iter().find(|(t, _)| t == "members").unwrap().1;
    assert_eq!(members, 320);
    // Sessions may differ (none were made); every other table is equal.
    for ((t, a), (_, b)) in original.iter().zip(&copy) {
        if t != "web_sessions" {
            assert_eq!(a, b, "table {t}");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn db_copy_round_trips_the_demo_through_postgres_with_equal_counts() {
    let Some(pg) = postgres_url() else {
        eprintln!("skipped: set ELINE_TEST_DATABASE_URL to copy through PostgreSQL");
        return;
    };
    let dir = temp_dir("eline_cli");
    let (server, _) = serve(&dir, &["--demo"]).await;
    drop(server);
    let schema = format!("cli_copy_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&pg).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {schema} CASCADE; "))).execute(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&admin).await.unwrap();
    let sep = if pg.contains('?') { '&' } else { '?' };
    let pg_url = format!("{pg}{sep}options=-c%20search_path%3D{schema}");
    let source = format!("sqlite://{}", db_file(&dir).display());
    let back = format!("sqlite://{}", dir.join("back.db").display());

    let out = eline(&["db", "copy", "--from", &source, "--to", &pg_url], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = eline(&["db", "copy", "--from", &pg_url, "--to", &back], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(counts(&source).await, counts(&pg_url).await);
    assert_eq!(counts(&source).await, counts(&back).await);
    // The copy's audit chain still verifies.
    let verify = Command::new(BIN).args(["audit", "verify", "--database-url", &pg_url]).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE"))).execute(&admin).await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
