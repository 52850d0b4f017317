//! Use cases of 社情民意 reports and 资政之声 (docs/modules.md; proposals are the worked example):
//! writing and submitting, the information office's editing with every revision kept, return and
//! resubmission, adoption or keeping, reporting up to the parent committee on the platform, and
//! the outcomes at each level flowing back down to the origin. Each action one transaction,
//! decided by `eline_domain::opinion::transition`, with its timeline and audit entries.

mod actions;
mod diff;
mod drafts;
mod filter;
mod flow;
pub mod inputs;
pub mod record;
mod view;

use chrono::{Datelike, NaiveDate};
use eline_domain::calendar::Calendar;
use eline_domain::opinion::{Facts, OpinionRules, Parties, Standing};
use eline_domain::{Access, Actor};
use eline_storage::opinions::{self, Opinion};
use eline_storage::{Ex, committees, settings};

pub use actions::OpinionAction;
pub(crate) use actions::instructed;
pub use diff::{DiffLine, DiffPart, diff};
pub(crate) use drafts::draft_from_proposal;
pub use filter::OpinionFilter;
pub use flow::OpinionFlow;
pub use inputs::*;
pub use view::{ChainStep, OpinionHome, OpinionPage, OpinionView};

use crate::{AppError, AppResult};

pub const RULES_KEY: &str = "opinion_rules";

/// The committee's rules in force, its calendar and today (Beijing).
#[derive(Debug, Clone)]
pub struct Config {
    pub rules: OpinionRules,
    pub calendar: Calendar,
    pub today: NaiveDate,
}

impl Config {
    pub async fn load(ex: &mut Ex<'_>, committee_id: i64) -> AppResult<Config> {
        let today = crate::proposals::today();
        let proposals = crate::proposals::Config::load(&mut *ex, committee_id, today.year()).await?;
        let rules = rules_in_force(&mut *ex, committee_id, today.year()).await?;
        Ok(Config { rules, calendar: proposals.calendar, today })
    }

    /// The decision's target date for a report of `channel` submitted on `on`.
    pub fn due(&self, channel: eline_domain::opinion::Channel, on: NaiveDate) -> NaiveDate {
        self.calendar.add_working_days(on, self.rules.target_days(channel))
    }
}

/// The committee's rules in force in `year` (the defaults until an administrator sets them).
pub(crate) async fn rules_in_force(ex: &mut Ex<'_>, committee_id: i64, year: i32) -> AppResult<OpinionRules> {
    let stored = settings::in_force(&mut *ex, committee_id, i64::from(year)).await?;
    crate::settings::stored(&stored, RULES_KEY)
}

/// A report with what decides who may do what to it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub o: Opinion,
    /// The committee has a parent committee on the platform.
    pub has_parent: bool,
}

impl Loaded {
    pub async fn load(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> AppResult<Loaded> {
        let o = opinions::get(&mut *ex, committee_id, id).await?.ok_or(AppError::NotFound)?;
        let has_parent = committees::get(&mut *ex, committee_id).await?.and_then(|c| c.parent_id).is_some();
        Ok(Loaded { o, has_parent })
    }

    pub fn parties(&self) -> Parties {
        parties(&self.o)
    }

    pub fn standing(&self, actor: &Actor) -> Standing {
        Standing::of(actor, &self.parties())
    }

    pub fn facts(&self) -> Facts {
        Facts { status: self.o.status, reported_up: self.o.reported_up_id.is_some(), has_parent: self.has_parent }
    }

    pub fn access(&self, actor: &Actor) -> Access {
        access(actor, &self.o)
    }
}

pub fn parties(o: &Opinion) -> Parties {
    Parties { created_by: o.created_by, member_id: o.member_id, published: o.published }
}

/// How much of the report the actor may see (the one rule: `eline_domain::opinion::access`).
pub fn access(actor: &Actor, o: &Opinion) -> Access {
    if o.committee_id != actor.committee_id {
        return Access::None;
    }
    eline_domain::opinion::access(actor, o.status, &parties(o))
}

/// Whether the report is with its author (draft or returned) and the actor is that author.
pub(crate) fn authors_turn(actor: &Actor, l: &Loaded) -> bool {
    l.o.status.with_author() && l.standing(actor).author
}
