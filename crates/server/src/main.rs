//! The `eline` binary: command line, configuration, wiring. Everything else lives in the crates.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use eline_app::users::UserInput;
use eline_app::{App, Settings};
use eline_storage::Db;

mod notify;

#[derive(Parser)]
#[command(name = "eline", version, about = "委员e线通 — 政协委员履职服务平台")]
struct Cli {
    /// Log output format.
    #[arg(long, value_enum, default_value = "text", global = true, env = "ELINE_LOG_FORMAT")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Database URL: sqlite://PATH or postgres://… (default: sqlite://<data-dir>/eline.db).
    #[arg(long, env = "ELINE_DATABASE_URL")]
    database_url: Option<String>,
    /// Directory for the embedded database and uploads.
    #[arg(long, env = "ELINE_DATA_DIR", default_value = "./eline-data")]
    data_dir: PathBuf,
}

impl DbArgs {
    fn url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("eline.db").display()))
    }

    async fn open(&self) -> Result<Db> {
        let url = self.url();
        let db = Db::connect(&url).await.with_context(|| format!("cannot open database {}", redact(&url)))?;
        eline_storage::migrate(&db).await.context("migrations failed")?;
        Ok(db)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve(Box<ServeArgs>),
    /// Rebuild the search index from the database; a running server switches to it by itself.
    Reindex {
        #[command(flatten)]
        db: DbArgs,
        /// The index to rebuild (default: <data-dir>/search).
        #[arg(long, env = "ELINE_SEARCH_DIR")]
        search_dir: Option<PathBuf>,
    },
    /// Measure search quality on real published proposal titles (recall@10, MRR, unit suggestion
    /// accuracy) in a temporary database; prints the table of docs/search.md.
    SearchQuality {
        /// An empty database to use instead of a temporary SQLite file.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import data from files.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Write a consistent online copy of the database to FILE (a SQLite file).
    Backup {
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Database tools.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Notification runs by hand: digests, sending, reminders, a test email.
    Notify {
        #[command(subcommand)]
        command: notify::NotifyCommand,
    },
    /// Generate deterministic synthetic data for benchmarks (a bench committee with N proposals).
    BenchData {
        /// Number of proposals (members: N/100, at least 50).
        #[arg(long)]
        scale: u64,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args)]
struct ServeArgs {
    #[arg(long, env = "ELINE_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    db: DbArgs,
    /// Load the demo committee (once) and show the demo accounts on the login page.
    #[arg(long)]
    demo: bool,
    /// Name of the committee created on first start.
    #[arg(long, env = "ELINE_COMMITTEE_NAME", default_value = "政协委员会")]
    committee_name: String,
    /// Mark session cookies Secure (when users reach eline over HTTPS).
    #[arg(long, env = "ELINE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// This server's search index (default: <data-dir>/search). Each server keeps its own;
    /// only the upload directory is shared between servers.
    #[arg(long, env = "ELINE_SEARCH_DIR")]
    search_dir: Option<PathBuf>,
    /// Requests handled at once, across the whole server; more get 503 with Retry-After.
    #[arg(long, env = "ELINE_MAX_IN_FLIGHT", default_value_t = 256)]
    max_in_flight: usize,
    /// Milliseconds a list page or picker may be served from memory (0: off). This server's
    /// own writes show at once; another server's within this time.
    #[arg(long, env = "ELINE_READ_CACHE_MS", default_value_t = 1000)]
    read_cache_ms: u64,
    /// A proxy or load balancer (address or network, e.g. 10.0.0.0/8) whose X-Forwarded-For
    /// header names the client; repeat or comma-separate. Without it the header is ignored.
    #[arg(long = "trusted-proxy", env = "ELINE_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<eline_app::net::Cidr>,
    /// A web origin whose pages may call /api/ from a browser (CORS), exactly as the browser
    /// sends it, e.g. https://app.example.org; repeat or comma-separate. Without it CORS is off.
    #[arg(long = "cors-origin", env = "ELINE_CORS_ORIGINS", value_delimiter = ',')]
    cors_origins: Vec<eline_app::net::Origin>,
    /// Days an unused API token stays valid (each use moves it on); days a phone app's device
    /// session stays valid without a refresh.
    #[arg(long, env = "ELINE_TOKEN_TTL_DAYS", default_value_t = 90)]
    token_ttl_days: i64,
    /// Minutes a device session's access token works before the app must refresh it.
    #[arg(long, env = "ELINE_ACCESS_TOKEN_MINUTES", default_value_t = 60)]
    access_token_minutes: i64,
    /// Serve /metrics on the main address to requests with `Authorization: Bearer <token>`.
    #[arg(long, env = "ELINE_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Serve /metrics without a token on this separate address (e.g. 127.0.0.1:9090).
    #[arg(long, env = "ELINE_METRICS_ADDR")]
    metrics_addr: Option<SocketAddr>,
    /// Seconds a request body may take to arrive (large uploads get more, by their length).
    #[arg(long, env = "ELINE_BODY_TIMEOUT_SECS", default_value_t = 10)]
    body_timeout_secs: u64,
    #[command(flatten)]
    mail: notify::MailArgs,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// admin, staff, member, unit, leader (repeat or comma-separate for several).
        #[arg(long = "role", required = true, value_delimiter = ',')]
        roles: Vec<String>,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        member_id: Option<i64>,
        #[arg(long)]
        unit_id: Option<i64>,
        /// Authorise the account to submit collective proposals for this organisation (党派团体).
        #[arg(long)]
        organization_id: Option<i64>,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Require a password change at first login.
        #[arg(long)]
        must_change_password: bool,
        /// Committee id (default: the first committee).
        #[arg(long)]
        committee_id: Option<i64>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import members from an .xlsx or .csv file in the template's columns (all or nothing).
    Members {
        file: PathBuf,
        #[arg(long)]
        committee_id: Option<i64>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Copy every table from one database into an empty one and verify row counts.
    Copy {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the audit log's hash chain; exit 1 naming the first bad entry.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Bytes in a directory tree.
fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

fn init_tracing(format: LogFormat) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("ELINE_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn committee_id(app: &App, given: Option<i64>) -> Result<i64> {
    if let Some(id) = given {
        return Ok(id);
    }
    let mut c = app.db.acquire().await?;
    match eline_storage::committees::first(&mut c.ex()).await? {
        Some(c) => Ok(c.id),
        None => bail!("no committee yet: start `eline serve` once (or pass --committee-id)"),
    }
}

/// Refuses a malformed ELINE_SMTP_URL at start instead of at the first email.
fn lettre_check(url: &str) -> Result<()> {
    eline_app::notify::deliver::check_smtp_url(url).map_err(|e| anyhow::anyhow!("ELINE_SMTP_URL: {e}"))
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    match cli.command {
        Command::Serve(args) => {
            let ServeArgs { addr, db, demo, committee_name, secure_cookies, search_dir, max_in_flight, read_cache_ms, .. } = *args;
            if args.token_ttl_days < 1 {
                bail!("--token-ttl-days must be at least 1");
            }
            if !(1..=24 * 60).contains(&args.access_token_minutes) {
                bail!("--access-token-minutes must be between 1 and 1440");
            }
            let database = db.open().await?;
            let search_dir = search_dir.unwrap_or_else(|| db.data_dir.join("search"));
            let settings = Settings {
                demo,
                secure_cookies,
                data_dir: db.data_dir.clone(),
                search_dir: Some(search_dir),
                max_in_flight,
                read_cache_ms,
                trusted_proxies: args.trusted_proxies.clone(),
                cors_origins: args.cors_origins.clone(),
                token_ttl_days: args.token_ttl_days,
                access_token_minutes: args.access_token_minutes,
                metrics_token: args.metrics_token.clone().filter(|t| !t.is_empty()),
                body_timeout_secs: args.body_timeout_secs.max(1),
                ..Settings::default()
            };
            let settings = args.mail.settings(settings);
            if let Some(url) = &settings.smtp_url {
                lettre_check(url)?;
            }
            let app = App::new(database.clone(), settings);
            if demo {
                let (committee_id, loaded) = app.load_demo().await?;
                if loaded {
                    let n = app.load_demo_proposals(committee_id).await?;
                    let reports = app.load_demo_opinions(committee_id).await?;
                    let activities = app.load_demo_activities(committee_id).await?;
                    tracing::info!(proposals = n, reports, activities, "demo committee loaded");
                }
                eprintln!("演示模式 / demo mode — accounts (password: {}):", eline_app::demo::DEMO_PASSWORD);
                for (u, d, _) in eline_app::demo::DEMO_ACCOUNTS {
                    eprintln!("  {u:<8} {d}");
                }
                let (u, d) = eline_app::demo_opinions::PARENT_ACCOUNT;
                eprintln!("  {u:<8} {d}（上级政协：{}）", eline_app::demo_opinions::PARENT_NAME);
            }
            let cid = app.ensure_committee(&committee_name).await?;
            let mut c = database.acquire().await?;
            if eline_storage::users::count(&mut c.ex(), cid).await? == 0 {
                tracing::warn!("no user accounts yet: create one with `echo PASSWORD | eline user add --username admin --role admin --password-stdin`");
            }
            drop(c);
            if let Some(search) = &app.search {
                eline_app::search::spawn(search.clone(), database.clone());
            }
            // Notifications: the dispatcher (after each step, and every 5 s for retries and other
            // servers' messages) and the scheduled runs (digests, reminders) once a minute.
            tokio::spawn(eline_app::notify::deliver::run_forever(app.clone(), std::time::Duration::from_secs(5)));
            let sweeper = app.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(std::time::Duration::from_secs(15 * 60));
                loop {
                    every.tick().await;
                    if let Err(e) = sweeper.sweep().await {
                        tracing::warn!(error = %e, "sweeping expired sessions failed");
                    }
                }
            });
            let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
            let state = eline_web::AppState::new(app);
            if let Some(metrics_addr) = args.metrics_addr {
                let metrics = tokio::net::TcpListener::bind(metrics_addr).await.with_context(|| format!("cannot listen on {metrics_addr}"))?;
                tracing::info!(%metrics_addr, "metrics on http://{metrics_addr}/metrics");
                let metrics_state = state.clone();
                tokio::spawn(async move {
                    if let Err(e) = eline_web::serve_metrics(metrics, metrics_state).await {
                        tracing::error!(error = %e, "metrics listener stopped");
                    }
                });
            }
            tracing::info!(%addr, database = %redact(&db.url()), "eline listening on http://{addr}");
            eline_web::serve(listener, state, shutdown_signal()).await?;
            database.close().await;
        }
        Command::Migrate { db } => {
            let database = Db::connect(&db.url()).await?;
            let n = eline_storage::migrate(&database).await?;
            println!("applied {n} migration(s)");
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    roles,
                    display_name,
                    member_id,
                    unit_id,
                    organization_id,
                    password_stdin: _,
                    must_change_password,
                    committee_id: cid,
                    db,
                },
        } => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let app = App::new(db.open().await?, Settings::default());
            let cid = committee_id(&app, cid).await?;
            let actor = eline_app::auth::system_actor(cid);
            let input =
                UserInput { display_name: display_name.unwrap_or_else(|| username.clone()), username, password, roles, member_id, unit_id, organization_id };
            match app.create_user(&actor, &input, must_change_password).await {
                Ok(u) => println!("created user {} (id {})", u.username, u.id),
                Err(e) => bail!("{e}"),
            }
        }
        Command::Import { command: ImportCommand::Members { file, committee_id: cid, db } } => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let app = App::new(db.open().await?, Settings::default());
            let cid = committee_id(&app, cid).await?;
            let actor = eline_app::auth::system_actor(cid);
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            match app.import_members(&actor, &name, &bytes).await {
                Ok(eline_app::members::ImportOutcome::Imported(n)) => println!("imported {n} member(s)"),
                Ok(eline_app::members::ImportOutcome::Rejected(errors)) => {
                    eprintln!("nothing imported: {} problem(s)", errors.len());
                    for e in errors {
                        eprintln!("  第{}行 {}: {}", e.row, e.column, e.message);
                    }
                    std::process::exit(1);
                }
                Err(e) => bail!("{e}"),
            }
        }
        Command::Backup { file, db } => {
            let database = db.open().await?;
            let counts = eline_storage::copy::backup(&database, &file).await?;
            let rows: i64 = counts.iter().map(|(_, n)| n).sum();
            println!("backup written to {} ({rows} rows in {} tables)", file.display(), counts.len());
        }
        Command::Db { command: DbCommand::Copy { from, to } } => {
            let source = Db::connect(&from).await.with_context(|| format!("cannot open {}", redact(&from)))?;
            eline_storage::migrate(&source).await?;
            let target = Db::connect(&to).await.with_context(|| format!("cannot open {}", redact(&to)))?;
            let counts = eline_storage::copy::copy(&source, &target).await?;
            for (table, n) in &counts {
                println!("{table:<20} {n}");
            }
            println!("copied and verified {} tables", counts.len());
        }
        Command::BenchData { scale, db } => {
            let app = App::new(db.open().await?, Settings::default());
            let report = match app.generate_bench_data(scale).await {
                Ok(r) => r,
                Err(e) => bail!("bench-data: {e}"),
            };
            for (table, rows, took) in &report.tables {
                let secs = took.as_secs_f64();
                let rate = if secs > 0.0 { *rows as f64 / secs } else { 0.0 };
                println!("{table:<22} {rows:>10} rows {secs:>9.2} s {rate:>12.0} rows/s");
            }
            println!("{:<22} {:>10}      {:>9.2} s", "(building rows)", "", report.generate.as_secs_f64());
            println!("bench committee id {} generated with {scale} proposals in {:.2} s", report.committee_id, report.total.as_secs_f64());
        }
        Command::Notify { command } => notify::run(command).await?,
        Command::Reindex { db, search_dir } => {
            let database = db.open().await?;
            let dir = search_dir.unwrap_or_else(|| db.data_dir.join("search"));
            let app = App::new(database, Settings { search_dir: Some(dir.clone()), ..Settings::default() });
            let Some(search) = app.search.clone() else { bail!("cannot open the search index in {}", dir.display()) };
            let started = std::time::Instant::now();
            let n = search.rebuild(&app.db).await.map_err(|e| anyhow::anyhow!("reindex: {e}"))?;
            println!("indexed {n} records in {:.1} s; index size {} MB ({})", started.elapsed().as_secs_f64(), dir_size(&dir) / 1_000_000, dir.display());
        }
        Command::SearchQuality { database_url } => {
            let tmp = std::env::temp_dir().join(format!("eline-search-quality-{}", std::process::id()));
            std::fs::create_dir_all(&tmp)?;
            let url = database_url.unwrap_or_else(|| format!("sqlite://{}", tmp.join("quality.db").display()));
            let database = Db::connect(&url).await.with_context(|| format!("cannot open {}", redact(&url)))?;
            eline_storage::migrate(&database).await?;
            let app = App::new(database, Settings { data_dir: tmp.clone(), search_dir: Some(tmp.join("search")), ..Settings::default() });
            let report = eline_app::search::quality::run(&app).await.map_err(|e| anyhow::anyhow!("search-quality: {e}"));
            let _ = std::fs::remove_dir_all(&tmp);
            print!("{}", report?.table());
        }
        Command::Audit { command: AuditCommand::Verify { db } } => {
            let app = App::new(db.open().await?, Settings::default());
            match app.verify_audit().await? {
                Ok(n) => println!("audit log intact: {n} entries"),
                Err(broken) => {
                    eprintln!("audit log broken at entry {}: {}", broken.entry_id, broken.reason);
                    std::process::exit(1);
                }
            }
        }
    }
    Ok(())
}
