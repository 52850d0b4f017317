//! Use cases of activities and meetings (docs/modules.md; proposals are the worked example):
//! creating (one or a series), inviting, publishing, replies and sign-up, leave and its approval,
//! the rotating check-in code, check-in and check-out, closing with the final attendance,
//! cancelling; the calendar feed and .ics files; the lists. Each action one transaction, decided
//! by `eline_domain::activity::transition`, with its timeline and audit entries.

mod actions;
mod create;
mod filter;
mod flow;
pub mod ical;
pub mod inputs;
pub mod record;
mod view;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};

use crate::dates::beijing;
use eline_domain::activity::{self, ActivityRules, Facts, Standing};
use eline_domain::{Access, Actor, Role};
use eline_storage::activities::{self as store, Activity, Invitee};
use eline_storage::{Ex, settings};
use hmac::{Hmac, KeyInit, Mac};

pub use actions::{ActivityAction, span};
pub use filter::ActivityFilter;
pub use flow::ActivityFlow;
pub use ical::IcsFile;
pub use inputs::*;
pub use view::{ActivityCounts, ActivityView, CodeNow, InviteeView, LeaveItem, MyPart};

use crate::{AppError, AppResult};

pub const RULES_KEY: &str = "activity_rules";

/// The committee's rules in force in `year` (the defaults until an administrator sets them).
pub(crate) async fn rules_in_force(ex: &mut Ex<'_>, committee_id: i64, year: i64) -> AppResult<ActivityRules> {
    let stored = settings::in_force(&mut *ex, committee_id, year).await?;
    crate::settings::stored(&stored, RULES_KEY)
}

/// An activity with the actor's own row on its list.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub a: Activity,
    pub mine: Option<Invitee>,
}

impl Loaded {
    pub async fn load(ex: &mut Ex<'_>, actor: &Actor, id: i64) -> AppResult<Loaded> {
        let a = store::get(&mut *ex, actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        Loaded::with(ex, actor, a).await
    }

    /// Loaded for an action: the activity row locked until the action's transaction ends.
    pub async fn load_for_update(ex: &mut Ex<'_>, actor: &Actor, id: i64) -> AppResult<Loaded> {
        let a = store::get_for_update(&mut *ex, actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        Loaded::with(ex, actor, a).await
    }

    async fn with(ex: &mut Ex<'_>, actor: &Actor, a: Activity) -> AppResult<Loaded> {
        let id = a.id;
        let mine = match member_of(actor) {
            Some(m) => store::invitee(&mut *ex, id, m).await?,
            None => None,
        };
        Ok(Loaded { a, mine })
    }

    pub fn standing(&self, actor: &Actor) -> Standing {
        let (checked_in, checked_out) = self.mine.as_ref().map(|i| (i.checked_in_at.is_some(), i.checked_out_at.is_some())).unwrap_or_default();
        Standing::of(actor, self.mine.as_ref().map(|i| i.waiting), self.a.approver_id).with_attendance(checked_in, checked_out)
    }

    pub fn facts(&self) -> Facts {
        Facts { status: self.a.status, participation: self.a.participation, checkout: self.a.checkout }
    }

    pub fn access(&self, actor: &Actor) -> Access {
        if self.a.committee_id != actor.committee_id {
            return Access::None;
        }
        activity::access(self.a.status, &self.standing(actor))
    }
}

/// The member the account acts for (a member account).
pub(crate) fn member_of(actor: &Actor) -> Option<i64> {
    actor.member_id.filter(|_| actor.has(Role::Member))
}

/// The 6-digit code of `window` for the activity (HMAC-SHA256 of the id and window under the
/// activity's secret).
pub fn code_of(secret: &str, activity_id: i64, window: i64) -> String {
    let mut mac = Hmac::<sha2_hmac::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("{activity_id}:{window}").as_bytes());
    let digest = mac.finalize().into_bytes();
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % 1_000_000;
    format!("{n:06}")
}

/// A moment (microseconds) in Beijing time.
pub fn at(micros: i64) -> DateTime<FixedOffset> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default().with_timezone(&beijing())
}

/// "2027-01-10 09:00" (Beijing).
pub fn fmt_at(micros: i64) -> String {
    at(micros).format("%Y-%m-%d %H:%M").to_string()
}

/// RFC 3339 in Beijing time (the API).
pub fn rfc3339(micros: i64) -> String {
    at(micros).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Reads `2027-01-10T09:00`, `2027-01-10 09:00` (Beijing) or RFC 3339; microseconds.
pub fn parse_at(field: &str, label: &str, raw: &str) -> AppResult<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(AppError::field(field, format!("请填写{label}")));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.timestamp_micros());
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, format)
            && let Some(t) = beijing().from_local_datetime(&t).single()
        {
            return Ok(t.timestamp_micros());
        }
    }
    Err(AppError::field(field, format!("{label}格式应为“2027-01-10 09:00”（北京时间）")))
}
