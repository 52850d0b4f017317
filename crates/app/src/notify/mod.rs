//! Notifications (docs/notifications.md). A step that needs someone's attention hands its
//! `Notice`s to `send` inside its own transaction: one inbox row per person concerned (never the
//! person who acted), and per channel the person's preference (or their role's default) turns on,
//! a delivery — in a message of its own at once, or waiting for the daily or weekly digest. The
//! dispatcher (`deliver`) sends messages after commit, at least once, with retries; the digest run
//! (`digest`) gathers waiting deliveries; the reminder run (`remind`) watches deadlines.
//!
//! Where the kinds are declared: `eline_domain::notice::KINDS` (one list); who each module tells
//! of which action: `events` (one function per module, called by the workflow runner).

pub mod deliver;
pub mod digest;
pub mod events;
pub mod inbox;
pub mod live;
pub mod remind;

use std::collections::{HashMap, HashSet};

use eline_domain::notice::{Channel, Kind, Mode, default_mode};
use eline_domain::{RecordRef, Role};
use eline_storage::notifications::{self as store, NewNotification, Party};
use eline_storage::{Ex, Tx};

use crate::AppResult;

/// Something to tell: which kind, about which record, to whom.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: Kind,
    pub record: RecordRef,
    /// The record's title.
    pub title: String,
    /// What happened, one Chinese sentence ("承办单位已答复，请在15个工作日内评价").
    pub message: String,
    pub to: Vec<Party>,
    /// A reminder's key (one notification per person and key, whatever the runs).
    pub once_key: Option<String>,
}

impl Notice {
    pub fn new(kind: Kind, record: RecordRef, title: &str, message: impl Into<String>, to: Vec<Party>) -> Notice {
        Notice { kind, record, title: title.to_string(), message: message.into(), to, once_key: None }
    }
}

/// Wakes the dispatcher and the live badges of this server (several servers: each polls too).
#[derive(Debug, Default)]
pub struct Hub {
    /// Messages were queued: the dispatcher should look now.
    pub wake: tokio::sync::Notify,
    /// People who got a notification (user ids), for the live unread badges.
    pub told: std::sync::OnceLock<tokio::sync::broadcast::Sender<i64>>,
    /// The SMTP transport and the HTTP client, made on first use.
    pub senders: deliver::Senders,
    /// The live badges' watcher of the notifications table runs (`live`).
    pub watching: std::sync::atomic::AtomicBool,
}

impl Hub {
    /// The channel live badges subscribe to.
    pub fn told(&self) -> &tokio::sync::broadcast::Sender<i64> {
        self.told.get_or_init(|| tokio::sync::broadcast::channel(1024).0)
    }
}

/// Writes the notices in the caller's transaction, for everyone they name except `actor_user_id`;
/// returns how many inbox rows were written (a reminder already given is not written again).
/// Each party is looked up once per call, and each person's immediate deliveries on a channel go
/// into one message: a reminder run that finds forty deadlines of one unit sends it one email
/// listing them, not forty.
pub async fn send(tx: &mut Tx, committee_id: i64, actor_user_id: Option<i64>, notices: &[Notice]) -> AppResult<usize> {
    let mut resolved: HashMap<Party, Vec<store::Recipient>> = HashMap::new();
    for party in notices.iter().flat_map(|n| n.to.iter()) {
        if !resolved.contains_key(party) {
            let found = store::recipients(&mut tx.ex(), committee_id, std::slice::from_ref(party)).await?;
            resolved.insert(*party, found);
        }
    }
    let mut roles: HashMap<i64, Vec<Role>> = HashMap::new();
    for r in resolved.values().flatten() {
        roles.entry(r.id).or_insert_with(|| Role::parse_list(&r.roles).unwrap_or_default());
    }
    if roles.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = roles.keys().copied().collect();
    let mut prefs = Prefs(HashMap::new());
    let mut mailable: HashSet<i64> = HashSet::new();
    for chunk in ids.chunks(500) {
        prefs.0.extend(Prefs::load(&mut tx.ex(), chunk).await?.0);
        mailable.extend(store::with_email(&mut tx.ex(), chunk).await?);
    }
    let webhook = store::webhook(&mut tx.ex(), committee_id).await?.is_some_and(|w| w.active);
    let mut messages: HashMap<(i64, Channel), i64> = HashMap::new();
    let mut written = 0;
    for n in notices {
        let mut people: Vec<i64> = n.to.iter().flat_map(|p| resolved[p].iter().map(|r| r.id)).filter(|id| Some(*id) != actor_user_id).collect();
        people.sort_unstable();
        people.dedup();
        for person in people {
            let row = NewNotification {
                committee_id,
                user_id: person,
                kind: n.kind.key,
                record_type: n.record.kind.as_str(),
                record_id: n.record.id,
                title: &n.title,
                message: &n.message,
                once_key: n.once_key.as_deref(),
            };
            let Some(id) = store::insert(&mut tx.ex(), &row).await? else { continue };
            written += 1;
            for channel in Channel::ALL.iter().copied() {
                if (channel == Channel::Webhook && !webhook) || (channel == Channel::Email && !mailable.contains(&person)) {
                    continue;
                }
                let mode = prefs.mode(person, &roles[&person], n.kind, channel);
                let message = match mode {
                    Mode::Off => continue,
                    Mode::Immediate => Some(match messages.get(&(person, channel)) {
                        Some(m) => *m,
                        None => {
                            let m = store::new_message(&mut tx.ex(), committee_id, person, channel.as_str(), mode.as_str()).await?;
                            messages.insert((person, channel), m);
                            m
                        }
                    }),
                    Mode::Daily | Mode::Weekly => None,
                };
                store::add_delivery(&mut tx.ex(), committee_id, id, person, channel.as_str(), mode.as_str(), message).await?;
            }
        }
    }
    Ok(written)
}

/// People's choices, by (user, kind, channel).
pub struct Prefs(HashMap<(i64, String, String), Mode>);

impl Prefs {
    pub async fn load(ex: &mut Ex<'_>, user_ids: &[i64]) -> AppResult<Prefs> {
        let rows = store::prefs_of(ex, user_ids).await?;
        Ok(Prefs(rows.into_iter().filter_map(|(u, k, c, m)| Mode::parse(&m).map(|m| ((u, k, c), m))).collect()))
    }

    /// The person's choice, else their role's default; a mode the channel does not offer (a
    /// digest on the webhook) counts as at once.
    pub fn mode(&self, user_id: i64, roles: &[Role], kind: Kind, channel: Channel) -> Mode {
        let chosen = self.0.get(&(user_id, kind.key.to_string(), channel.as_str().to_string())).copied();
        let mode = chosen.unwrap_or_else(|| default_mode(roles, kind, channel));
        if Mode::offered(channel).contains(&mode) { mode } else { Mode::Immediate }
    }
}
