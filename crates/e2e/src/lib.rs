//! Helpers for eline's browser tests.
//!
//! The tests drive Debian's headless Chromium through ChromeDriver:
//!
//! * [`browser_tools`] finds `/usr/bin/chromium` and `/usr/bin/chromedriver`. When either is
//!   missing it panics under CI (CI must install them) and otherwise returns `None`, so a
//!   developer without a browser can still run `cargo test --workspace`.
//! * [`Browser::launch`] starts ChromeDriver on a free loopback port and opens a headless
//!   Chromium session with a fresh profile and a given window size. Dropping the
//!   [`Browser`] ends the session, stops ChromeDriver and removes the profile.
//! * [`Browser::screenshot`] saves PNGs under `<workspace root>/screenshots/`.
//! * [`wait_until`] polls a condition with a deadline: tests wait explicitly, never sleep.

use std::future::Future;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::ops::Deref;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use thirtyfour;
use thirtyfour::prelude::*;
use thirtyfour::{ChromiumLikeCapabilities, DesiredCapabilities};

/// Where Debian's `chromium` package puts the browser.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Where Debian's `chromium-driver` package puts ChromeDriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long page-level waits (navigation, an element appearing) may take by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// Paths of the browser and its driver.
#[derive(Debug, Clone)]
pub struct BrowserTools {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

/// True when running under CI (`CI` set to anything but empty, `0` or `false`).
pub fn running_in_ci() -> bool {
    match std::env::var("CI") {
        Ok(value) => {
            let value = value.trim().to_ascii_lowercase();
            !(value.is_empty() || value == "0" || value == "false")
        }
        Err(_) => false,
    }
}

/// Finds Chromium and ChromeDriver.
///
/// Returns `None` (after printing why) when either is missing on a developer machine, and
/// panics when either is missing under CI.
pub fn browser_tools() -> Option<BrowserTools> {
    let chromium = Path::new(CHROMIUM);
    let chromedriver = Path::new(CHROMEDRIVER);
    let mut missing = Vec::new();
    if !is_executable(chromium) {
        missing.push(CHROMIUM);
    }
    if !is_executable(chromedriver) {
        missing.push(CHROMEDRIVER);
    }
    if missing.is_empty() {
        return Some(BrowserTools { chromium: chromium.to_path_buf(), chromedriver: chromedriver.to_path_buf() });
    }
    if running_in_ci() {
        panic!(
            "CI must install chromium and chromium-driver (apt-get install chromium chromium-driver): \
             missing {}",
            missing.join(", ")
        );
    }
    eprintln!(
        "skipping browser tests: chromium/chromedriver not installed (missing {}; \
         apt-get install chromium chromium-driver fonts-noto-cjk)",
        missing.join(", ")
    );
    None
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

/// The workspace root (the directory holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    // Read at run time: a test binary reused from a clone elsewhere (one target directory for
    // several clones) would otherwise look for files in the clone it was built in.
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()));
    manifest_dir.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_else(|| manifest_dir.join("..").join(".."))
}

/// `<workspace root>/screenshots`, created if needed.
pub fn screenshots_dir() -> PathBuf {
    let dir = workspace_root().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("cannot create {}: {err}", dir.display()));
    dir
}

/// A directory under the system temp dir, removed (with its contents) on drop.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{}-{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
        std::fs::create_dir_all(&path).unwrap_or_else(|err| panic!("cannot create {}: {err}", path.display()));
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A ChromeDriver process listening on a free loopback port; killed on drop.
#[derive(Debug)]
pub struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    /// Starts ChromeDriver and waits (up to 20 s) until it reports ready.
    pub fn start(chromedriver: &Path) -> ChromeDriver {
        // The port is free when we look, but another process may take it before ChromeDriver
        // binds it: retry a few times.
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port();
            let child = Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                // Own process group, so that drop can end ChromeDriver and any browser it left.
                .process_group(0)
                .spawn()
                .unwrap_or_else(|err| panic!("cannot start {}: {err}", chromedriver.display()));
            let mut driver = ChromeDriver { child, port };
            match driver.wait_ready(Duration::from_secs(20)) {
                Ok(()) => return driver,
                Err(err) => last_error = err,
            }
        }
        panic!("ChromeDriver did not become ready: {last_error}");
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL WebDriver clients connect to.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("chromedriver exited early with {status}"));
            }
            if status_is_ready(self.port) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("no ready answer on port {} within {timeout:?}", self.port));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // Kill the whole process group we created (ChromeDriver and anything it started and
        // left behind), then reap ChromeDriver itself.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

/// Asks ChromeDriver's `GET /status` whether it is ready (plain HTTP over std).
fn status_is_ready(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    // ChromeDriver answers HTTP/1.1 only, and checks that Host names this port.
    let request = format!("GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.") && response.contains("\"ready\"") && {
        let compact: String = response.chars().filter(|c| !c.is_whitespace()).collect();
        compact.contains("\"ready\":true")
    }
}

/// A headless Chromium session with its own ChromeDriver and profile.
///
/// Derefs to [`WebDriver`]. Call [`Browser::quit`] at the end of a test; if the test panics
/// first, drop still ends the session, stops ChromeDriver and removes the profile.
pub struct Browser {
    // Fields drop in order: the session first (drop closes it), then ChromeDriver, then the
    // profile directory.
    driver: Option<WebDriver>,
    chromedriver: ChromeDriver,
    profile: TempDir,
    width: u32,
    height: u32,
}

impl Browser {
    /// Starts ChromeDriver and opens headless Chromium with a `width`×`height` window.
    pub async fn launch(tools: &BrowserTools, width: u32, height: u32) -> Browser {
        let chromedriver = ChromeDriver::start(&tools.chromedriver);
        let profile = TempDir::new("eline-e2e-chromium");

        let mut caps = DesiredCapabilities::chrome();
        let chromium = tools.chromium.to_string_lossy().into_owned();
        caps.set_binary(&chromium).expect("set chromium binary");
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--no-default-browser-check".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-extensions".to_owned(),
            "--hide-scrollbars".to_owned(),
            "--lang=zh-CN".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
            format!("--window-size={width},{height}"),
        ];
        for arg in &args {
            caps.add_arg(arg).expect("add chromium argument");
        }
        caps.add_experimental_option("prefs", serde_json::json!({ "intl.accept_languages": "zh-CN,zh" })).expect("set chromium prefs");

        let driver = WebDriver::new(chromedriver.url(), caps).await.unwrap_or_else(|err| panic!("cannot open a headless Chromium session: {err}"));
        let browser = Browser { driver: Some(driver), chromedriver, profile, width, height };
        browser.fit_viewport().await;
        browser
    }

    /// The window size this browser was launched with.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The ChromeDriver this session runs on.
    pub fn chromedriver(&self) -> &ChromeDriver {
        &self.chromedriver
    }

    /// The Chromium profile directory (removed on drop).
    pub fn profile_dir(&self) -> &Path {
        self.profile.path()
    }

    pub fn driver(&self) -> &WebDriver {
        self.driver.as_ref().expect("browser session already quit")
    }

    /// Ends the browser session (then ChromeDriver and the profile go on drop).
    pub async fn quit(mut self) {
        if let Some(driver) = self.driver.take()
            && let Err(err) = driver.quit().await
        {
            eprintln!("warning: quitting the browser session failed: {err}");
        }
    }

    /// The viewport (`window.innerWidth` × `window.innerHeight`).
    pub async fn viewport(&self) -> (i64, i64) {
        let value = self.eval("return [window.innerWidth, window.innerHeight]").await;
        (value[0].as_i64().unwrap_or_default(), value[1].as_i64().unwrap_or_default())
    }

    /// Makes the viewport exactly the requested size. `--window-size` sizes the window, whose
    /// viewport headless Chromium makes somewhat shorter: grow the window by the difference.
    /// The width must come out exact, or the phone-layout checks would test a wider page.
    async fn fit_viewport(&self) {
        self.goto("about:blank").await.expect("open about:blank");
        let (want_w, want_h) = (i64::from(self.width), i64::from(self.height));
        let (inner_w, inner_h) = self.viewport().await;
        if (inner_w, inner_h) != (want_w, want_h) {
            let rect = self.get_window_rect().await.expect("window rect");
            let outer_w = rect.width + (want_w - inner_w);
            let outer_h = rect.height + (want_h - inner_h);
            self.set_window_rect(0, 0, u32::try_from(outer_w).unwrap_or(self.width), u32::try_from(outer_h).unwrap_or(self.height))
                .await
                .expect("resize window");
        }
        let (inner_w, inner_h) = self.viewport().await;
        assert_eq!(inner_w, want_w, "headless Chromium's viewport is {inner_w}px wide, not the requested {want_w}px");
        if inner_h != want_h {
            eprintln!("note: viewport is {inner_w}×{inner_h}, asked for {want_w}×{want_h}");
        }
    }

    /// Runs a script (`return …`) and gives back its JSON value; panics on a script error.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.execute(script, Vec::<serde_json::Value>::new()).await.unwrap_or_else(|err| panic!("script `{script}` failed: {err}")).json().clone()
    }

    /// The path of the current URL (e.g. `/login`).
    pub async fn current_path(&self) -> String {
        self.current_url().await.map(|url| url.path().to_owned()).unwrap_or_default()
    }

    /// The visible text of the page (`document.body.innerText`).
    pub async fn body_text(&self) -> String {
        self.eval("return document.body ? document.body.innerText : ''").await.as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the URL path equals `path` (and the document has loaded).
    pub async fn wait_for_path(&self, path: &str, timeout: Duration) {
        let reached = poll(timeout, || async move {
            let loaded = self
                .execute("return document.readyState", Vec::<serde_json::Value>::new())
                .await
                .map(|ret| ret.json().as_str() == Some("complete"))
                .unwrap_or(false);
            (loaded && self.current_path().await == path).then_some(())
        })
        .await;
        if reached.is_none() {
            let url = self.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            let text = self.body_text().await;
            panic!("[{}px] waited {timeout:?} for path {path}, still at {url}; page text:\n{}", self.width, truncate(&text, 1500));
        }
    }

    /// Waits until an element matching `css` exists and its text satisfies `accept`;
    /// returns that text. Panics with the page text if it never does.
    pub async fn wait_for_text(&self, css: &str, timeout: Duration, accept: impl Fn(&str) -> bool) -> String {
        let accept = &accept;
        let found = poll(timeout, || async move {
            let elements = self.find_all(By::Css(css)).await.ok()?;
            for element in elements {
                if let Ok(text) = element.text().await
                    && accept(&text)
                {
                    return Some(text);
                }
            }
            None
        })
        .await;
        match found {
            Some(text) => text,
            None => {
                let mut seen = Vec::new();
                if let Ok(elements) = self.find_all(By::Css(css)).await {
                    for element in elements {
                        seen.push(element.text().await.unwrap_or_default());
                    }
                }
                let path = self.current_path().await;
                panic!(
                    "[{}px] at {path}: no `{css}` with the expected text within {timeout:?}; \
                     `{css}` texts: {seen:?}; page text:\n{}",
                    self.width,
                    truncate(&self.body_text().await, 1500)
                );
            }
        }
    }

    /// Waits until an element matching `css` exists and returns it.
    pub async fn wait_for_element(&self, css: &str, timeout: Duration) -> WebElement {
        let found = poll(timeout, || async move { self.find_all(By::Css(css)).await.ok().and_then(|mut all| (!all.is_empty()).then(|| all.remove(0))) }).await;
        match found {
            Some(element) => element,
            None => {
                let path = self.current_path().await;
                panic!("[{}px] at {path}: no element `{css}` within {timeout:?}; page text:\n{}", self.width, truncate(&self.body_text().await, 1500));
            }
        }
    }

    /// Clicks `element` like a person would. If WebDriver refuses (the element is covered or
    /// not interactable at this window size), says so and clicks it by script instead.
    pub async fn click(&self, element: &WebElement, what: &str) {
        if let Err(err) = element.click().await {
            let first_line = err.to_string().lines().next().unwrap_or_default().to_owned();
            eprintln!("note: [{}px] clicking {what} failed ({first_line}); clicking it by script", self.width);
            self.execute("arguments[0].click();", vec![element.to_json().expect("element as JSON")])
                .await
                .unwrap_or_else(|err| panic!("clicking {what} by script failed: {err}"));
        }
    }

    /// `document.documentElement.scrollWidth` and `window.innerWidth`.
    pub async fn scroll_and_inner_width(&self) -> (i64, i64) {
        let value = self
            .eval(
                "return [Math.max(document.documentElement.scrollWidth, \
                 document.body ? document.body.scrollWidth : 0), window.innerWidth]",
            )
            .await;
        let scroll = value[0].as_i64().expect("scrollWidth");
        let inner = value[1].as_i64().expect("innerWidth");
        (scroll, inner)
    }

    /// Elements wider than the viewport (for a helpful failure message).
    pub async fn overflowing_elements(&self) -> Vec<String> {
        let value = self
            .eval(
                r#"const w = window.innerWidth; const out = [];
                for (const el of document.querySelectorAll('body *')) {
                    const r = el.getBoundingClientRect();
                    if (r.right > w + 1 && r.width > 0) {
                        let d = el.tagName.toLowerCase();
                        if (el.id) d += '#' + el.id;
                        if (typeof el.className === 'string' && el.className.trim())
                            d += '.' + el.className.trim().split(/\s+/).join('.');
                        out.push(d + ' right=' + Math.round(r.right));
                        if (out.length >= 15) break;
                    }
                }
                return out;"#,
            )
            .await;
        value.as_array().map(|items| items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default()
    }

    /// Fills in the login form at `base_url` and submits it with its submit button.
    pub async fn submit_login(&self, base_url: &str, username: &str, password: &str) {
        self.goto(format!("{base_url}/login")).await.expect("open /login");
        self.wait_for_path("/login", DEFAULT_WAIT).await;
        for (css, value) in [("input#username", username), ("input#password", password)] {
            let input = self.wait_for_element(css, DEFAULT_WAIT).await;
            input.clear().await.unwrap_or_else(|e| panic!("clear {css}: {e}"));
            input.send_keys(value).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
        }
        let submit = self.wait_for_element("form#login-form button[type=submit]", DEFAULT_WAIT).await;
        self.click(&submit, "the login button").await;
    }

    /// Saves a PNG of the viewport to `<workspace root>/screenshots/<name>`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let path = screenshots_dir().join(name);
        let png = self.screenshot_as_png().await.unwrap_or_else(|err| panic!("screenshot {name} failed: {err}"));
        std::fs::write(&path, png).unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
        path
    }
}

impl Deref for Browser {
    type Target = WebDriver;

    fn deref(&self) -> &WebDriver {
        self.driver()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Close the session (thirtyfour does that synchronously on drop) before ChromeDriver
        // is killed, so Chromium shuts down cleanly.
        drop(self.driver.take());
    }
}

/// Polls `check` every 100 ms until it yields `Some`, or `timeout` passes (then `None`).
pub async fn poll<T, F, Fut>(timeout: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Like [`poll`], but panics with `what` when the deadline passes.
pub async fn wait_until<T, F, Fut>(what: &str, timeout: Duration, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    match poll(timeout, check).await {
        Some(value) => value,
        None => panic!("timed out after {timeout:?} waiting for {what}"),
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max_chars).collect();
        cut.push('…');
        cut
    }
}
