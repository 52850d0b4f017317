//! Running the whole application in-process for black-box tests: port 0, a fresh database on the
//! test engine (SQLite, or PostgreSQL when ELINE_TEST_DATABASE_URL is set).

use eline_app::{App, Settings};
use eline_storage::testing::{TestDb, fresh};
use tokio::sync::oneshot;

use crate::AppState;

pub struct TestApp {
    /// e.g. `http://127.0.0.1:41234`
    pub base_url: String,
    pub state: AppState,
    /// The committee created at start (the demo committee for `spawn_demo_app`).
    pub committee_id: i64,
    shutdown: Option<oneshot::Sender<()>>,
    /// Removed when the app is dropped (its uploads and search index).
    files_dir: std::path::PathBuf,
    // Declared last: the database outlives the server task's handle. The second server of a
    // pair has none (the first owns the database).
    _db: Option<TestDb>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.files_dir);
    }
}

async fn spawn(settings: Settings, demo: bool) -> TestApp {
    let t = fresh().await;
    let files_dir = eline_storage::testing::temp_dir("eline_files");
    let app = App::new(t.db.clone(), Settings { data_dir: files_dir.clone(), search_dir: Some(files_dir.join("search")), ..settings });
    let committee_id =
        if demo { app.load_demo().await.expect("load demo").0 } else { app.ensure_committee("政协测试市委员会").await.expect("committee") };
    start(app, committee_id, files_dir, Some(t)).await
}

/// Serves an app on a free port, with its search indexer running.
async fn start(app: App, committee_id: i64, files_dir: std::path::PathBuf, db: Option<TestDb>) -> TestApp {
    if let Some(search) = &app.search {
        eline_app::search::spawn(search.clone(), app.db.clone());
    }
    let state = AppState::new(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = oneshot::channel::<()>();
    let serve_state = state.clone();
    tokio::spawn(async move {
        let _ = crate::serve(listener, serve_state, async {
            let _ = rx.await;
        })
        .await;
    });
    TestApp { base_url: format!("http://{addr}"), state, committee_id, shutdown: Some(tx), files_dir, _db: db }
}

/// The app with one empty committee and no users.
pub async fn spawn_app() -> TestApp {
    spawn(Settings::default(), false).await
}

/// The app with custom settings (e.g. lower login throttling limits).
pub async fn spawn_app_with(settings: Settings) -> TestApp {
    spawn(settings, false).await
}

/// Two servers on one database, as several eline processes behind a load balancer: each with its
/// own connection pool and search index, the upload directory shared. Drop the second first.
pub async fn spawn_demo_pair() -> (TestApp, TestApp) {
    let first = spawn(Settings { demo: true, ..Settings::default() }, true).await;
    let url = first._db.as_ref().expect("the first server owns the database").url.clone();
    let db = eline_storage::Db::connect_with(&url, 8).await.expect("second pool");
    let own = eline_storage::testing::temp_dir("eline_node_b");
    let settings = Settings { demo: true, data_dir: first.files_dir.clone(), search_dir: Some(own.join("search")), ..Settings::default() };
    let second = start(App::new(db, settings), first.committee_id, own, None).await;
    (first, second)
}

/// The app loaded with the demo committee and its accounts, as `eline serve --demo`.
pub async fn spawn_demo_app() -> TestApp {
    spawn(Settings { demo: true, ..Settings::default() }, true).await
}

/// The demo committee with custom settings.
pub async fn spawn_demo_app_with(settings: Settings) -> TestApp {
    spawn(Settings { demo: true, ..settings }, true).await
}
