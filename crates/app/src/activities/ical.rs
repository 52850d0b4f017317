//! Calendars: each member's personal iCalendar feed (a secret link, revocable and regenerable)
//! with the activities they are on the list of, and an .ics file of any activity — written with
//! the icalendar crate. A change of time or place raises the event's SEQUENCE, so calendar apps
//! replace it; a cancelled activity stays in the feed as CANCELLED.

use chrono::{DateTime, Utc};
use eline_domain::activity::Status;
use eline_domain::policy::{Action, Resource};
use eline_domain::{Access, Actor};
use eline_storage::activities::{self as store, Activity, Filter};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use sha2::{Digest, Sha256};

use super::Loaded;
use crate::{App, AppError, AppResult};

fn utc(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

/// One activity as a calendar event.
fn event(a: &Activity, base_url: &str, note: Option<&str>) -> Event {
    let host = base_url.split("://").nth(1).unwrap_or(base_url).split('/').next().unwrap_or("eline");
    let mut description = format!("{}。{}", a.kind.label(), a.description.trim());
    if let Some(n) = note {
        description.push_str(&format!("\n{n}"));
    }
    if let Some(r) = &a.cancel_reason {
        description.push_str(&format!("\n活动已取消：{r}"));
    }
    Event::new()
        .uid(&format!("activity-{}@{host}", a.id))
        .summary(&a.title)
        .location(&a.place)
        .description(&description)
        .starts(utc(a.starts_at))
        .ends(utc(a.ends_at))
        .sequence(u32::try_from(a.changes).unwrap_or(0))
        .status(if a.status == Status::Cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed })
        .url(&format!("{}/activities/{}", base_url.trim_end_matches('/'), a.id))
        .timestamp(utc(a.updated_at))
        .last_modified(utc(a.updated_at))
        .done()
}

fn calendar(name: &str, events: Vec<Event>) -> String {
    let mut cal = Calendar::new();
    cal.name(name).timezone("Asia/Shanghai");
    for e in events {
        cal.push(e);
    }
    cal.done().to_string()
}

/// An activity's .ics file.
pub struct IcsFile {
    pub title: String,
    pub body: String,
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl App {
    /// The .ics file of one activity (whoever may see it), with the activity's title (for the
    /// file's name).
    pub async fn activity_ics(&self, actor: &Actor, id: i64) -> AppResult<IcsFile> {
        let mut c = self.db.acquire().await?;
        let l = Loaded::load(&mut c.ex(), actor, id).await?;
        if l.access(actor) == Access::None {
            return Err(AppError::NotFound);
        }
        Ok(IcsFile { body: calendar(&l.a.title, vec![event(&l.a, &self.settings.public_url, None)]), title: l.a.title })
    }

    /// Whether the actor has a calendar feed, since when (microseconds). Members, leaders and
    /// the office have feeds (`ViewActivities`), here and for making and stopping one.
    pub async fn calendar_feed_since(&self, actor: &Actor) -> AppResult<Option<i64>> {
        self.require(actor, Action::ViewActivities, Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        Ok(store::feed_of(&mut c.ex(), actor.user_id).await?)
    }

    /// Makes a new secret feed link for the actor (a member); the old link stops working.
    pub async fn regenerate_calendar_feed(&self, actor: &Actor) -> AppResult<String> {
        self.require(actor, Action::ViewActivities, Resource::Any).await?;
        let token = crate::device_sessions::secret("cal_");
        let mut tx = self.db.begin().await?;
        store::set_feed(&mut tx.ex(), actor.user_id, &hash(&token)).await?;
        crate::audit_write(&mut tx, Some(actor), "calendar_feed", "user", Some(actor.user_id), "生成新的日历订阅链接（旧链接失效）".into(), None, None).await?;
        tx.commit().await?;
        Ok(format!("{}/calendar/{token}.ics", self.settings.public_url.trim_end_matches('/')))
    }

    /// Revokes the actor's feed link.
    pub async fn revoke_calendar_feed(&self, actor: &Actor) -> AppResult<bool> {
        self.require(actor, Action::ViewActivities, Resource::Any).await?;
        let mut tx = self.db.begin().await?;
        let gone = store::clear_feed(&mut tx.ex(), actor.user_id).await? > 0;
        if gone {
            crate::audit_write(&mut tx, Some(actor), "calendar_feed", "user", Some(actor.user_id), "停用日历订阅链接".into(), None, None).await?;
        }
        tx.commit().await?;
        Ok(gone)
    }

    /// The feed behind a secret link: the member's activities from a year ago on (leaders and the
    /// office: every published briefing and meeting they may see). `None`: no such link.
    pub async fn calendar_feed(&self, token: &str) -> AppResult<Option<String>> {
        let mut c = self.db.acquire().await?;
        let Some(user_id) = store::feed_user(&mut c.ex(), &hash(token)).await? else {
            return Ok(None);
        };
        let Some(user) = eline_storage::users::get_by_id(&mut c.ex(), user_id).await?.filter(|u| u.active) else {
            return Ok(None);
        };
        let actor = crate::auth::actor_of(&user);
        let from = self.clock.now() - 365 * 24 * 3_600_000_000;
        let mut filter = Filter { published_only: true, from: Some(from), ascending: true, ..Filter::default() };
        let own = super::member_of(&actor);
        match own {
            Some(m) => filter.member_id = Some(m),
            // Leaders: the briefings (政情通报) and formal meetings.
            None => filter.kind = Some(eline_domain::activity::Kind::Briefing),
        }
        let rows = store::list(&mut c.ex(), actor.committee_id, &filter, 1000).await?;
        let mut events = Vec::new();
        for r in rows {
            if let Some(a) = store::get(&mut c.ex(), actor.committee_id, r.id).await? {
                let note = r.leave_status.map(|l| format!("您的请假：{}", l.label()));
                events.push(event(&a, &self.settings.public_url, note.as_deref()));
            }
        }
        Ok(Some(calendar(&format!("{}的履职活动", actor.display_name), events)))
    }
}
