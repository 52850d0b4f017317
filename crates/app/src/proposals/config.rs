//! The proposal work's configuration for a committee and year: time limits, reply classes and
//! rejection reasons (stored in `settings`, defaults from DOMAIN.md), and the working-day
//! calendar (national schedule plus the committee's edits).

use chrono::{Datelike, NaiveDate};
use eline_domain::calendar::{Calendar, DayKind, DeadlineRules};
use eline_domain::proposal::ProposalRules;
use eline_storage::{Ex, settings};

use crate::AppResult;

pub const DEADLINES_KEY: &str = "proposal_deadlines";
pub const RULES_KEY: &str = "proposal_rules";

#[derive(Debug, Clone)]
pub struct Config {
    pub calendar: Calendar,
    pub deadlines: DeadlineRules,
    pub rules: ProposalRules,
}

/// Today in Beijing time (deadlines are dates there).
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

impl Config {
    pub async fn load(ex: &mut Ex<'_>, committee_id: i64, year: i32) -> AppResult<Config> {
        let stored = settings::in_force(&mut *ex, committee_id, i64::from(year)).await?;
        let deadlines = crate::settings::stored(&stored, DEADLINES_KEY)?;
        let rules = crate::settings::stored(&stored, RULES_KEY)?;
        let overrides = settings::calendar_overrides(&mut *ex, committee_id).await?.into_iter().filter_map(|o| {
            let day = NaiveDate::parse_from_str(&o.day, "%Y-%m-%d").ok()?;
            let kind = if o.kind == "workday" { DayKind::Workday } else { DayKind::Holiday };
            Some((day, kind, o.name))
        });
        Ok(Config { calendar: Calendar::national().with_overrides(overrides), deadlines, rules })
    }

    pub async fn load_today(ex: &mut Ex<'_>, committee_id: i64) -> AppResult<(Config, NaiveDate)> {
        let today = today();
        Ok((Config::load(ex, committee_id, today.year()).await?, today))
    }
}

pub fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
