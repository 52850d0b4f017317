//! `eline notify …`: the notification runs by hand, for operators and the benchmarks
//! (bench/notifications.sh). A running server does the same on its own schedule; these commands
//! take the same claims (a digest period already made is not made again), so running one next
//! to a server is safe.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand, ValueEnum};
use eline_app::notify::digest::{beijing_now, weekly_period};
use eline_app::{App, Settings};
use eline_domain::notice::Mode;
use eline_storage::{Arg, Query};

use crate::DbArgs;

#[derive(Subcommand)]
pub enum NotifyCommand {
    /// Make the daily or weekly digests of every committee for a period now: each person's
    /// waiting deliveries of that mode, per channel, in one message. A period made already
    /// (by a server or an earlier run) is not made again. Prints messages made and the time.
    Digest {
        #[arg(long, value_enum)]
        mode: DigestMode,
        /// The period: the day (daily) or the Monday of the week (weekly), YYYY-MM-DD.
        /// Default: today in Beijing, or this week's Monday.
        #[arg(long)]
        period: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Send every message that is due now (email, webhook) until none is left or a round only
    /// fails; failures wait for their retry as in the server. Prints sent, failed and the rate.
    Dispatch {
        #[command(flatten)]
        mail: MailArgs,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Run the deadline reminders of every committee for a day (once per day and committee,
    /// working days only). Prints the reminders written.
    Remind {
        /// The day, YYYY-MM-DD (default: today in Beijing).
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Send one test email through ELINE_SMTP_URL to check the mail settings.
    SendTest {
        /// The address to send it to.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        mail: MailArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DigestMode {
    Daily,
    Weekly,
}

/// The mail settings of `eline serve`, with the same variables.
#[derive(Args, Clone)]
pub struct MailArgs {
    /// Where email goes out: smtp://user:pass@host:587?tls=required, smtps://…:465, smtp://host:25.
    #[arg(long, env = "ELINE_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The sender of notification email.
    #[arg(long, env = "ELINE_MAIL_FROM", default_value = "委员e线通 <eline@localhost>")]
    mail_from: String,
    /// The address people open eline at (links in emails and webhook bodies).
    #[arg(long, env = "ELINE_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    public_url: String,
}

impl MailArgs {
    fn settings(&self) -> Settings {
        Settings {
            smtp_url: self.smtp_url.clone().filter(|u| !u.is_empty()),
            mail_from: self.mail_from.clone(),
            public_url: self.public_url.clone(),
            ..Settings::default()
        }
    }
}

fn date(raw: &str, what: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").with_context(|| format!("{what}: expected YYYY-MM-DD, got {raw}"))
}

/// One COUNT(*) of a fixed query.
async fn count(app: &App, q: &Query) -> Result<i64> {
    let mut c = app.db.acquire().await?;
    let rows: Vec<(i64,)> = q.fetch_all(&mut c.ex()).await?;
    Ok(rows.first().map(|r| r.0).unwrap_or(0))
}

/// Deliveries of `mode` waiting for a digest.
fn waiting(mode: Mode) -> Query {
    let mut q = Query::new("SELECT COUNT(*) FROM notification_deliveries WHERE message_id IS NULL AND mode = ");
    q.arg(Arg::Text(mode.as_str().to_string()));
    q
}

/// Notifications in messages not sent yet.
fn unsent() -> Query {
    Query::new("SELECT COUNT(*) FROM notification_deliveries d JOIN notification_messages m ON m.id = d.message_id WHERE m.state = 'pending'")
}

fn per_second(n: i64, took: Duration) -> f64 {
    let secs = took.as_secs_f64();
    if secs > 0.0 { n as f64 / secs } else { 0.0 }
}

pub async fn run(command: NotifyCommand) -> Result<()> {
    match command {
        NotifyCommand::Digest { mode, period, db } => {
            let app = App::new(db.open().await?, Settings::default());
            let (mode, period) = match (mode, period) {
                (DigestMode::Daily, Some(p)) => (Mode::Daily, date(&p, "--period")?.to_string()),
                (DigestMode::Daily, None) => (Mode::Daily, beijing_now(Utc::now()).date_naive().to_string()),
                (DigestMode::Weekly, Some(p)) => {
                    let d = date(&p, "--period")?;
                    if chrono::Datelike::weekday(&d) != chrono::Weekday::Mon {
                        bail!("--period of a weekly digest is a Monday; {p} is not");
                    }
                    (Mode::Weekly, d.to_string())
                }
                (DigestMode::Weekly, None) => (Mode::Weekly, weekly_period(Utc::now(), 0)),
            };
            let before = count(&app, &waiting(mode)).await?;
            let committees = {
                let mut c = app.db.acquire().await?;
                eline_storage::committees::list(&mut c.ex()).await?
            };
            let started = Instant::now();
            let mut made = 0;
            for committee in &committees {
                made += app.digest(committee.id, mode, &period).await.map_err(|e| anyhow::anyhow!("{}：{e}", committee.name))?;
            }
            let took = started.elapsed();
            let gathered = before - count(&app, &waiting(mode)).await?;
            println!(
                "{} digest {period}: {made} messages made carrying {gathered} notifications ({} committees) in {:.2} s",
                mode.as_str(),
                committees.len(),
                took.as_secs_f64()
            );
            if made == 0 && before > 0 {
                println!("(nothing made: this period was made already — another --period makes the rest)");
            }
        }
        NotifyCommand::Dispatch { mail, db } => {
            let settings = mail.settings();
            if let Some(url) = &settings.smtp_url {
                crate::lettre_check(url)?;
            }
            let app = App::new(db.open().await?, settings);
            let before = count(&app, &unsent()).await?;
            let started = Instant::now();
            let done = app.dispatch_all().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            let took = started.elapsed();
            let carried = before - count(&app, &unsent()).await?;
            println!(
                "dispatch: {} messages sent carrying {carried} notifications, {} failed, in {:.2} s ({:.0} messages/s, {:.0} notifications/s)",
                done.sent,
                done.failed,
                took.as_secs_f64(),
                per_second(done.sent as i64, took),
                per_second(carried, took)
            );
            if done.failed > 0 {
                println!("(failed ones are retried later with backoff; their last error is on the administrators' outbox page)");
            }
        }
        NotifyCommand::Remind { date: day, db } => {
            let app = App::new(db.open().await?, Settings::default());
            let today = match day {
                Some(d) => date(&d, "--date")?,
                None => beijing_now(Utc::now()).date_naive(),
            };
            let committees = {
                let mut c = app.db.acquire().await?;
                eline_storage::committees::list(&mut c.ex()).await?
            };
            let started = Instant::now();
            let mut written = 0;
            for committee in &committees {
                written += app.remind(committee.id, today).await.map_err(|e| anyhow::anyhow!("{}：{e}", committee.name))?;
            }
            println!("reminders {today}: {written} notifications written ({} committees) in {:.2} s", committees.len(), started.elapsed().as_secs_f64());
        }
        NotifyCommand::SendTest { to, mail } => {
            let settings = mail.settings();
            match send_test(&settings, &to).await {
                Ok(()) => println!("test email sent to {to} via {}", crate::redact(settings.smtp_url.as_deref().unwrap_or_default())),
                Err(e) => {
                    eprintln!("测试邮件发送失败：{e}");
                    std::process::exit(1);
                }
            }
        }
    }
    Ok(())
}

/// One plain-text email through the configured server; the error in Chinese.
async fn send_test(settings: &Settings, to: &str) -> std::result::Result<(), String> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
    let url = settings.smtp_url.as_deref().ok_or("未配置邮件服务器（ELINE_SMTP_URL 或 --smtp-url）")?;
    let mailer =
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| format!("邮件服务器地址有误：{e}"))?.timeout(Some(Duration::from_secs(15))).build();
    let from: lettre::message::Mailbox = settings.mail_from.parse().map_err(|e| format!("发件地址（ELINE_MAIL_FROM）有误：{e}"))?;
    let to: lettre::message::Mailbox = to.parse().map_err(|e| format!("收件地址有误：{e}"))?;
    let now = beijing_now(Utc::now()).format("%Y-%m-%d %H:%M:%S");
    let body = format!(
        "这是委员e线通发出的测试邮件（北京时间{now}）。\n收到这封邮件，说明邮件服务器设置正确，通知邮件可以正常发出。\n\n系统地址：{}\n",
        settings.public_url
    );
    let email = lettre::Message::builder()
        .from(from)
        .to(to)
        .subject("【委员e线通】测试邮件")
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| format!("邮件内容有误：{e}"))?;
    mailer.send(email).await.map(|_| ()).map_err(|e| format!("邮件服务器拒绝或无法连接：{e}"))
}
