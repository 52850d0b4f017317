//! The dispatcher: sends the messages that are due, at least once. It claims a batch for a
//! minute (another server skips it meanwhile; a server that dies lets it go), renders each one
//! from its notifications (email: plain text and HTML from the templates in `templates/mail`;
//! webhook: a signed JSON body), sends them a few at a time, and records each result. A failure
//! keeps the message with its error and tries again later, each time waiting twice as long
//! (30 s … 1 h, with jitter); nothing is dropped, and an administrator can send it again at once.

use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use chrono::{FixedOffset, TimeZone, Utc};
use eline_domain::notice::{self, Channel, Mode};
use eline_storage::notifications::{self as store, Addressee, Message, Notification};
use hmac::{Hmac, KeyInit, Mac};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::Serialize;

use crate::{App, AppError, AppResult, Settings};

/// How long a claimed batch is held before another dispatcher may take it.
const LEASE_MICROS: i64 = 60_000_000;
/// Messages claimed per round.
const BATCH: i64 = 200;
/// Messages sent at once.
const PARALLEL: usize = 32;
/// The preferences page every email links to.
const PREFS_PATH: &str = "/notifications/preferences";
const INBOX_PATH: &str = "/notifications";
/// The records an email lists at most; their notifications past these are counted, not listed.
pub const MAIL_GROUPS: usize = 50;

/// The header names of a webhook call (docs/notifications.md).
pub const HEADER_ID: &str = "X-Eline-Delivery";
pub const HEADER_TIMESTAMP: &str = "X-Eline-Timestamp";
pub const HEADER_SIGNATURE: &str = "X-Eline-Signature";

/// What one dispatch round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Dispatched {
    pub sent: usize,
    pub failed: usize,
}

/// The senders of this server, made on first use.
#[derive(Debug, Default)]
pub struct Senders {
    mailer: std::sync::OnceLock<Result<AsyncSmtpTransport<Tokio1Executor>, String>>,
    http: std::sync::OnceLock<reqwest::Client>,
}

/// The signature of a webhook body: `v1=` + hex HMAC-SHA256 of `<timestamp>.<body>` under the
/// committee's secret.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2_hmac::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The wait before attempt `attempts + 1`: 30 s doubled per failure up to an hour, the last
/// half of it random (servers retrying together do not hit the mail server together).
pub fn backoff_micros(attempts: i64) -> i64 {
    use rand::Rng;
    let full = (30_000_000i64 << attempts.clamp(0, 7)).min(3_600_000_000);
    full / 2 + rand::rng().random_range(0..=full / 2)
}

/// Checks an SMTP address (`ELINE_SMTP_URL`) without connecting.
pub fn check_smtp_url(url: &str) -> Result<(), String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map(|_| ()).map_err(|e| e.to_string())
}

/// The SMTP transport the settings name (a 15 s timeout per command).
fn transport(settings: &Settings) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let url = settings.smtp_url.as_deref().ok_or("未配置邮件服务器（ELINE_SMTP_URL）")?;
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|b| b.timeout(Some(Duration::from_secs(15))).build())
        .map_err(|e| format!("邮件服务器地址有误：{e}"))
}

/// One plain-text test email to `to` through the server the settings name (`eline notify
/// send-test`); the error in Chinese.
pub async fn send_test_mail(settings: &Settings, to: &str) -> Result<(), String> {
    let mailer = transport(settings)?;
    let from: Mailbox = settings.mail_from.parse().map_err(|e| format!("发件地址（ELINE_MAIL_FROM）有误：{e}"))?;
    let to: Mailbox = to.parse().map_err(|e| format!("收件地址有误：{e}"))?;
    let now = super::digest::beijing_now(Utc::now()).format("%Y-%m-%d %H:%M:%S");
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

/// One notification in a message's body.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub message: String,
    pub target_type: String,
    pub target_id: i64,
    pub url: String,
    /// RFC 3339, Beijing time.
    pub created_at: String,
    #[serde(skip)]
    pub time: String,
    /// The label as a mail shows it before the message; empty when the message already says it
    /// ("提案已立案，编号12" needs no "提案已立案：" before it).
    #[serde(skip)]
    pub lead: String,
}

/// A record's items in a message (digests group by record).
#[derive(Debug, Clone)]
pub struct Group {
    pub title: String,
    pub url: String,
    pub items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "mail/message.txt")]
struct TextMail<'a> {
    greeting: &'a str,
    intro: &'a str,
    groups: &'a [Group],
    /// Notifications of the records past [`MAIL_GROUPS`], not listed.
    unlisted: usize,
    inbox_url: &'a str,
    committee: &'a str,
    prefs_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct HtmlMail<'a> {
    subject: &'a str,
    greeting: &'a str,
    intro: &'a str,
    groups: &'a [Group],
    /// Notifications of the records past [`MAIL_GROUPS`], not listed.
    unlisted: usize,
    inbox_url: &'a str,
    committee: &'a str,
    prefs_url: &'a str,
}

/// An email as it goes out.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The webhook body (docs/notifications.md has every field).
#[derive(Debug, Clone, Serialize)]
pub struct WebhookBody {
    /// The message's id: a receiver that saw it already ignores it (deliveries are at least once).
    pub id: i64,
    pub committee_id: i64,
    pub committee: String,
    /// immediate | daily | weekly
    pub mode: String,
    pub recipient: Addressee,
    /// A short text for an SMS.
    pub text: String,
    pub items: Vec<Item>,
}

fn beijing(micros: i64) -> chrono::DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600).expect("+8").from_utc_datetime(&chrono::DateTime::<Utc>::from_timestamp_micros(micros).unwrap_or_default().naive_utc())
}

impl App {
    fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.settings.public_url.trim_end_matches('/'), path)
    }

    fn message_body_items(&self, rows: Vec<Notification>) -> Vec<Item> {
        rows.into_iter()
            .map(|n| {
                let at = beijing(n.created_at);
                let path = self.records.get(&n.record_type).map(|m| m.url(n.record_id)).unwrap_or_else(|| "/".into());
                let kind_label = notice::kind(&n.kind).map(|k| k.label).unwrap_or("通知").to_string();
                Item {
                    lead: if n.message.starts_with(&kind_label) { String::new() } else { kind_label.clone() },
                    kind_label,
                    id: n.id,
                    kind: n.kind,
                    title: n.title,
                    message: n.message,
                    url: self.absolute(&path),
                    target_type: n.record_type,
                    target_id: n.record_id,
                    created_at: at.to_rfc3339(),
                    time: at.format("%m-%d %H:%M").to_string(),
                }
            })
            .collect()
    }

    /// The email of a message (its subject, plain text and HTML).
    pub fn render_mail(&self, committee: &str, who: &Addressee, mode: Mode, items: Vec<Item>) -> AppResult<Rendered> {
        let mut groups: Vec<Group> = Vec::new();
        let mut by_url: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for item in items {
            match by_url.get(&item.url) {
                Some(&i) => groups[i].items.push(item),
                None => {
                    by_url.insert(item.url.clone(), groups.len());
                    groups.push(Group { title: item.title.clone(), url: item.url.clone(), items: vec![item] });
                }
            }
        }
        let count: usize = groups.iter().map(|g| g.items.len()).sum();
        // An email lists the first records only; the rest wait in the inbox (an office account
        // escalated on a whole overdue session would otherwise get one email of 200,000 lines).
        let shown = groups.len().min(MAIL_GROUPS);
        let unlisted: usize = groups[shown..].iter().map(|g| g.items.len()).sum();
        groups.truncate(shown);
        let inbox_url = self.absolute(INBOX_PATH);
        let subject = match (mode, groups.first()) {
            (Mode::Immediate, Some(g)) if count == 1 => format!("【委员e线通】{}：{}", g.items[0].kind_label, g.title),
            (Mode::Weekly, _) => format!("【委员e线通】每周汇总：{count}条通知"),
            (Mode::Daily, _) => format!("【委员e线通】每日汇总：{count}条通知"),
            _ => format!("【委员e线通】{count}条通知"),
        };
        let greeting = format!("{}：您好！", who.display_name);
        let intro = match mode {
            Mode::Daily => format!("这是您的每日通知汇总：自上次汇总以来共{count}条，按事项归在一起。"),
            Mode::Weekly => format!("这是您的每周通知汇总：自上周汇总以来共{count}条，按事项归在一起。"),
            _ if count == 1 => "有一件事需要您知道：".to_string(),
            _ => format!("有{count}件事需要您知道："),
        };
        let prefs_url = self.absolute(PREFS_PATH);
        let text = TextMail { greeting: &greeting, intro: &intro, groups: &groups, unlisted, inbox_url: &inbox_url, committee, prefs_url: &prefs_url }
            .render()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let html = HtmlMail {
            subject: &subject,
            greeting: &greeting,
            intro: &intro,
            groups: &groups,
            unlisted,
            inbox_url: &inbox_url,
            committee,
            prefs_url: &prefs_url,
        }
        .render()
        .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Rendered { subject, text, html })
    }

    /// Sends what is due now; returns what this round did (call until nothing is sent).
    pub async fn dispatch(&self) -> AppResult<Dispatched> {
        let now = eline_storage::now_micros();
        let claimed = {
            let mut tx = self.db.begin().await?;
            let rows = store::claim(&mut tx.ex(), now, LEASE_MICROS, BATCH).await?;
            tx.commit().await?;
            rows
        };
        if claimed.is_empty() {
            return Ok(Dispatched::default());
        }
        let mut results: Vec<(i64, i64, Result<(), String>)> = Vec::with_capacity(claimed.len());
        let mut set = tokio::task::JoinSet::new();
        let mut queue = claimed.into_iter();
        loop {
            while set.len() < PARALLEL {
                let Some(m) = queue.next() else { break };
                let app = self.clone();
                set.spawn(async move {
                    let outcome = app.send_one(&m).await;
                    (m.id, m.attempts, outcome)
                });
            }
            match set.join_next().await {
                Some(joined) => results.push(joined.map_err(|e| AppError::Internal(e.to_string()))?),
                None => break,
            }
        }
        let mut done = Dispatched::default();
        let mut tx = self.db.begin().await?;
        for (id, attempts, outcome) in &results {
            match outcome {
                Ok(()) => {
                    store::mark_sent(&mut tx.ex(), *id).await?;
                    done.sent += 1;
                }
                Err(error) => {
                    tracing::warn!(message = id, attempts = attempts + 1, %error, "a notification was not delivered; it will be retried");
                    let next = eline_storage::now_micros() + backoff_micros(*attempts);
                    store::mark_failed(&mut tx.ex(), *id, error, next).await?;
                    done.failed += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Sends until nothing due is left (or a round only failed); returns the totals.
    pub async fn dispatch_all(&self) -> AppResult<Dispatched> {
        let mut total = Dispatched::default();
        loop {
            let round = self.dispatch().await?;
            total.sent += round.sent;
            total.failed += round.failed;
            if round.sent == 0 {
                return Ok(total);
            }
        }
    }

    /// Renders and sends one message; the error text is what the administrator sees.
    async fn send_one(&self, m: &Message) -> Result<(), String> {
        let (who, items, committee) = {
            let mut c = self.db.acquire().await.map_err(|e| e.to_string())?;
            let who = store::addressee(&mut c.ex(), m.user_id).await.map_err(|e| e.to_string())?.ok_or("收件人账号不存在")?;
            let items = store::message_items(&mut c.ex(), m.id).await.map_err(|e| e.to_string())?;
            let committee = eline_storage::committees::get(&mut c.ex(), m.committee_id).await.map_err(|e| e.to_string())?.map(|c| c.name).unwrap_or_default();
            (who, items, committee)
        };
        if items.is_empty() {
            return Ok(());
        }
        let items = self.message_body_items(items);
        let mode = Mode::parse(&m.mode).unwrap_or(Mode::Immediate);
        match Channel::parse(&m.channel) {
            Some(Channel::Email) => {
                let to = who.email.clone().ok_or("收件人没有电子邮件地址")?;
                let mail = self.render_mail(&committee, &who, mode, items).map_err(|e| e.to_string())?;
                self.send_mail(m, &to, &who.display_name, &mail).await
            }
            Some(Channel::Webhook) => self.call_webhook(m, &committee, who, mode, items).await,
            None => Err(format!("未知渠道：{}", m.channel)),
        }
    }

    /// The SMTP transport of `Settings::smtp_url`, made on first use.
    fn mailer(&self) -> Result<&AsyncSmtpTransport<Tokio1Executor>, String> {
        self.hub.senders.mailer.get_or_init(|| transport(&self.settings)).as_ref().map_err(Clone::clone)
    }

    async fn send_mail(&self, m: &Message, to: &str, name: &str, mail: &Rendered) -> Result<(), String> {
        let mailer = self.mailer()?;
        let from: Mailbox = self.settings.mail_from.parse().map_err(|e| format!("发件地址有误：{e}"))?;
        let to = Mailbox::new(Some(name.to_string()), to.parse().map_err(|e| format!("收件地址有误：{e}"))?);
        // The same Message-ID on every attempt: a mail program shows a resent mail once (delivery
        // is at least once). Auto-Submitted keeps vacation responders from answering.
        let message_id = format!("<eline.{}.{}@{}>", m.id, m.created_at, from.email.domain());
        let header = |name: &'static str, value: String| HeaderValue::new(HeaderName::new_from_ascii_str(name), value);
        let email = lettre::Message::builder()
            .from(from)
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(message_id))
            .raw_header(header("Auto-Submitted", "auto-generated".into()))
            .raw_header(header("List-Unsubscribe", format!("<{}>", self.absolute(PREFS_PATH))))
            .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
            .map_err(|e| e.to_string())?;
        mailer.send(email).await.map(|_| ()).map_err(|e| format!("邮件发送失败：{e}"))
    }

    async fn call_webhook(&self, m: &Message, committee: &str, who: Addressee, mode: Mode, items: Vec<Item>) -> Result<(), String> {
        let hook = {
            let mut c = self.db.acquire().await.map_err(|e| e.to_string())?;
            store::webhook(&mut c.ex(), m.committee_id).await.map_err(|e| e.to_string())?
        };
        let Some(hook) = hook.filter(|h| h.active) else {
            return Err("本会的webhook已停用或删除".into());
        };
        let text = match items.as_slice() {
            [one] if one.lead.is_empty() => format!("【委员e线通】“{}”{} {}", one.title, one.message, one.url),
            [one] => format!("【委员e线通】{}：“{}”{} {}", one.kind_label, one.title, one.message, one.url),
            many => format!("【委员e线通】您有{}条新通知，请登录查看。", many.len()),
        };
        let body =
            WebhookBody { id: m.id, committee_id: m.committee_id, committee: committee.to_string(), mode: mode.as_str().into(), recipient: who, text, items };
        let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
        let timestamp = Utc::now().timestamp();
        let client = self.hub.senders.http.get_or_init(|| reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default());
        let response = client
            .post(&hook.url)
            .header("Content-Type", "application/json")
            .header(HEADER_ID, m.id.to_string())
            .header(HEADER_TIMESTAMP, timestamp.to_string())
            .header(HEADER_SIGNATURE, sign(&hook.secret, timestamp, &body))
            .body(body)
            .send()
            .await
            .map_err(|e| format!("webhook调用失败：{e}"))?;
        if response.status().is_success() { Ok(()) } else { Err(format!("webhook返回{}", response.status())) }
    }
}

/// Runs the dispatcher on this server until the process ends: after each wake-up (a step queued
/// messages) and at least every `every` (retries that came due; other servers' messages), and the
/// scheduled runs (digests, reminders) once a minute.
pub async fn run_forever(app: App, every: Duration) {
    let app = Arc::new(app);
    let mut last_schedule = std::time::Instant::now() - Duration::from_secs(3600);
    loop {
        if let Err(e) = app.dispatch_all().await {
            tracing::warn!(error = %e, "sending notifications failed");
        }
        if last_schedule.elapsed() >= Duration::from_secs(60) {
            last_schedule = std::time::Instant::now();
            if let Err(e) = app.run_schedule(Utc::now()).await {
                tracing::warn!(error = %e, "the scheduled notification runs failed");
            }
        }
        let _ = tokio::time::timeout(every, app.hub.wake.notified()).await;
    }
}
