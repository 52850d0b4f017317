//! The digests and the schedule. Once a day after the committee's digest hour (Beijing time) the
//! daily run gathers each person's waiting daily deliveries, per channel, into one message; on
//! Mondays the weekly run does the same for weekly ones. A run claims its period (`job_runs`) in
//! the same transaction as the messages it makes: two servers, a restart or a rerun do not make
//! a second digest, and a run missed while the server was down happens at the next start, once.
//! A person with nothing waiting gets no digest; a delivery goes into exactly one message.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Timelike, Utc};
use eline_domain::notice::Mode;
use eline_storage::notifications as store;

use crate::{App, AppResult};

/// People handled per query while gathering (memory stays bounded at any number of people).
const PAGE: i64 = 500;

/// What the scheduled runs did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Scheduled {
    /// Digest messages made.
    pub digests: usize,
    /// Reminders written (inbox rows).
    pub reminders: usize,
}

pub fn beijing_now(now: DateTime<Utc>) -> DateTime<FixedOffset> {
    now.with_timezone(&FixedOffset::east_opt(8 * 3600).expect("+8"))
}

/// The daily period due at `now` (the Beijing date once the hour has come), if any.
pub fn daily_period(now: DateTime<Utc>, hour: u32) -> Option<String> {
    let local = beijing_now(now);
    (local.hour() >= hour).then(|| local.date_naive().format("%Y-%m-%d").to_string())
}

/// The weekly period due at `now`: the Monday of the latest week whose Monday hour has come.
pub fn weekly_period(now: DateTime<Utc>, hour: u32) -> String {
    let local = beijing_now(now);
    let date = local.date_naive();
    let mut monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
    if date == monday && local.hour() < hour {
        monday -= Duration::days(7);
    }
    monday.format("%Y-%m-%d").to_string()
}

impl App {
    /// Runs what the schedule asks at `now` for every committee: the daily and weekly digests
    /// whose period came and was not run, and the reminder check of the day.
    pub async fn run_schedule(&self, now: DateTime<Utc>) -> AppResult<Scheduled> {
        let committees = {
            let mut c = self.db.acquire().await?;
            eline_storage::committees::list(&mut c.ex()).await?
        };
        let mut done = Scheduled::default();
        for committee in committees {
            let rules = {
                let mut c = self.db.acquire().await?;
                super::inbox::reminder_rules_in_force(&mut c.ex(), committee.id).await?
            };
            if let Some(period) = daily_period(now, rules.digest_hour) {
                done.digests += self.digest(committee.id, Mode::Daily, &period).await?;
            }
            done.digests += self.digest(committee.id, Mode::Weekly, &weekly_period(now, rules.digest_hour)).await?;
            let today: NaiveDate = beijing_now(now).date_naive();
            if beijing_now(now).hour() >= rules.digest_hour {
                done.reminders += self.remind(committee.id, today).await?;
            }
        }
        if done.digests > 0 || done.reminders > 0 {
            self.hub.wake.notify_one();
        }
        Ok(done)
    }

    /// Makes the `mode` digests of a committee for `period` unless that period was made already;
    /// returns how many messages were made.
    pub async fn digest(&self, committee_id: i64, mode: Mode, period: &str) -> AppResult<usize> {
        let job = format!("digest.{}.{committee_id}", mode.as_str());
        let mut tx = self.db.begin().await?;
        if !store::claim_period(&mut tx.ex(), &job, period).await? {
            return Ok(0);
        }
        let mut made = 0;
        // Each person gathered leaves the waiting list, so every page starts from the top: a
        // page never ends between two channels of one person and skips the second.
        loop {
            let waiting = store::waiting(&mut tx.ex(), committee_id, mode.as_str(), PAGE).await?;
            if waiting.is_empty() {
                break;
            }
            for (committee, user, channel) in &waiting {
                let message = store::new_message(&mut tx.ex(), *committee, *user, channel, mode.as_str()).await?;
                if store::gather(&mut tx.ex(), *user, channel, mode.as_str(), message).await? > 0 {
                    made += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(made)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_daily_period_starts_at_the_hour_in_beijing() {
        // 2026-12-01 23:30 UTC is 07:30 on the 2nd in Beijing.
        assert_eq!(daily_period(at("2026-12-01T23:30:00Z"), 8), None);
        assert_eq!(daily_period(at("2026-12-02T00:00:00Z"), 8).as_deref(), Some("2026-12-02"));
    }

    #[test]
    fn the_weekly_period_is_the_monday_once_its_hour_came() {
        // Monday 2026-11-30, 07:00 Beijing: last week's run is the one due.
        assert_eq!(weekly_period(at("2026-11-29T23:00:00Z"), 8), "2026-11-23");
        assert_eq!(weekly_period(at("2026-11-30T00:00:00Z"), 8), "2026-11-30");
        assert_eq!(weekly_period(at("2026-12-03T10:00:00Z"), 8), "2026-11-30");
    }
}
