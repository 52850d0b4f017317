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
    /// Where notification email goes out: smtp://user:pass@host:587?tls=required (STARTTLS),
    /// smtps://user:pass@host:465 (TLS), smtp://host:25 (plain, trusted network). Unset: no email.
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
    /// `base` with these mail settings.
    pub fn settings(&self, base: Settings) -> Settings {
        Settings { smtp_url: self.smtp_url.clone().filter(|u| !u.is_empty()), mail_from: self.mail_from.clone(), public_url: self.public_url.clone(), ..base }
    }
}

fn date(raw: &str, what: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").with_context(|| format!("{what}: expected YYYY-MM-DD, got {raw}"))
}

/// Deliveries waiting for a `mode` digest.
async fn waiting(app: &App, mode: Mode) -> Result<i64> {
    let mut c = app.db.acquire().await?;
    Ok(eline_storage::notifications::waiting_count(&mut c.ex(), mode.as_str()).await?)
}

/// Notifications in messages not sent yet.
async fn unsent(app: &App) -> Result<i64> {
    let mut c = app.db.acquire().await?;
    Ok(eline_storage::notifications::unsent_count(&mut c.ex()).await?)
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
            let before = waiting(&app, mode).await?;
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
            let gathered = before - waiting(&app, mode).await?;
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
            let settings = mail.settings(Settings::default());
            if let Some(url) = &settings.smtp_url {
                crate::lettre_check(url)?;
            }
            let app = App::new(db.open().await?, settings);
            let before = unsent(&app).await?;
            let started = Instant::now();
            let done = app.dispatch_all().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            let took = started.elapsed();
            let carried = before - unsent(&app).await?;
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
            let settings = mail.settings(Settings::default());
            match eline_app::notify::deliver::send_test_mail(&settings, &to).await {
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
