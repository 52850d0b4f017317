//! The proposal work's configuration for a committee and year: time limits, reply classes and
//! rejection reasons (stored in `settings`, defaults from DOMAIN.md), and the working-day
//! calendar (national schedule plus the committee's edits).

use chrono::{Datelike, NaiveDate};
use eline_domain::calendar::{Calendar, DayKind, DeadlineRules};
use eline_domain::proposal::ProposalRules;
use eline_storage::{Ex, settings};

use crate::{AppError, AppResult};

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
        let parse_err = |key: &str, e: serde_json::Error| AppError::Internal(format!("setting {key} is not valid: {e}"));
        let stored = settings::in_force(&mut *ex, committee_id, i64::from(year)).await?;
        let deadlines = match stored.get(DEADLINES_KEY) {
            Some(v) => serde_json::from_str(v).map_err(|e| parse_err(DEADLINES_KEY, e))?,
            None => DeadlineRules::default(),
        };
        let rules = match stored.get(RULES_KEY) {
            Some(v) => serde_json::from_str(v).map_err(|e| parse_err(RULES_KEY, e))?,
            None => ProposalRules::default(),
        };
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
