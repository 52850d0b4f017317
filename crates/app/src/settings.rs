//! Configuration an administrator edits: the working-day calendar (the committee's changes to
//! the national schedule) and the proposal time limits per year.

use chrono::{Datelike, NaiveDate};
use eline_domain::Actor;
use eline_domain::calendar::{Calendar, DayKind, DeadlineRules, PROVISIONAL_YEARS, Period};
use eline_domain::opinion::OpinionRules;
use eline_domain::policy::{Action, Resource};
use eline_domain::proposal::ProposalRules;
use eline_storage::settings::{self, CalendarOverride};
use serde::Serialize;

use crate::context::audit_write;
use crate::proposals::Config;
use crate::proposals::config::{DEADLINES_KEY, RULES_KEY};
use crate::{App, AppError, AppResult};

/// A module's rules as stored in the settings in force (`settings::in_force`) under `key`, or
/// their defaults when none are stored (every module's configurable rules are read this way).
pub fn stored<T: serde::de::DeserializeOwned + Default>(in_force: &std::collections::HashMap<String, String>, key: &str) -> AppResult<T> {
    match in_force.get(key) {
        Some(v) => serde_json::from_str(v).map_err(|e| AppError::Internal(format!("setting {key} is not valid: {e}"))),
        None => Ok(T::default()),
    }
}

/// One day of a year's calendar that differs from the plain Monday–Friday rule.
#[derive(Debug, Clone, Serialize)]
pub struct SpecialDay {
    pub date: String,
    /// holiday | workday
    pub kind: &'static str,
    pub name: String,
    /// Set by this committee (else from the national schedule).
    pub local: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalendarYear {
    pub year: i32,
    pub days: Vec<SpecialDay>,
    /// The national schedule for this year is derived, not yet checked against the State Council's notice.
    pub provisional: bool,
    /// No national schedule is shipped for this year.
    pub missing: bool,
}

fn kind_str(k: DayKind) -> &'static str {
    match k {
        DayKind::Holiday => "holiday",
        DayKind::Workday => "workday",
    }
}

fn parse_day(raw: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| AppError::field("date", "日期格式应为 年-月-日，如2027-02-05"))
}

impl App {
    pub async fn calendar_year(&self, actor: &Actor, year: i32) -> AppResult<CalendarYear> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        if !(2000..=2100).contains(&year) {
            return Err(AppError::field("year", "年份应在2000到2100之间"));
        }
        let mut c = self.db.acquire().await?;
        let local: Vec<CalendarOverride> = settings::calendar_overrides(&mut c.ex(), actor.committee_id).await?;
        let national = Calendar::national();
        let config = Config::load(&mut c.ex(), actor.committee_id, year).await?;
        let days = config
            .calendar
            .holidays_in(year)
            .into_iter()
            .map(|(d, k, name)| {
                let date = d.format("%Y-%m-%d").to_string();
                let is_local = local.iter().any(|o| o.day == date);
                SpecialDay { date, kind: kind_str(k), name, local: is_local }
            })
            .collect();
        Ok(CalendarYear { year, days, provisional: PROVISIONAL_YEARS.contains(&year), missing: national.holidays_in(year).is_empty() })
    }

    /// Marks a day as a holiday or a working day for this committee (wins over the national schedule).
    pub async fn set_calendar_day(&self, actor: &Actor, date: &str, kind: &str, name: &str) -> AppResult<()> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        let day = parse_day(date)?;
        let kind = match kind {
            "holiday" | "workday" => kind,
            _ => return Err(AppError::field("kind", "请选择放假或上班")),
        };
        let name = eline_domain::text::required("name", "名称", name, 30).map_err(|e| AppError::Validation(vec![e]))?;
        let day_s = day.format("%Y-%m-%d").to_string();
        let mut tx = self.db.begin().await?;
        settings::put_calendar_day(&mut tx.ex(), actor.committee_id, &day_s, kind, &name).await?;
        let label = if kind == "holiday" { "放假" } else { "上班" };
        audit_write(&mut tx, Some(actor), "calendar_set", "calendar", None, format!("工作日历：{day_s} 设为{label}（{name}）"), None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes the committee's change for a day (the national schedule applies again).
    pub async fn clear_calendar_day(&self, actor: &Actor, date: &str) -> AppResult<()> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        let day_s = parse_day(date)?.format("%Y-%m-%d").to_string();
        let mut tx = self.db.begin().await?;
        if !settings::delete_calendar_day(&mut tx.ex(), actor.committee_id, &day_s).await? {
            return Err(AppError::NotFound);
        }
        audit_write(&mut tx, Some(actor), "calendar_cleared", "calendar", None, format!("工作日历：撤销 {day_s} 的调整"), None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn deadline_rules(&self, actor: &Actor, year: i32) -> AppResult<DeadlineRules> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        Ok(Config::load(&mut c.ex(), actor.committee_id, year).await?.deadlines)
    }

    /// Stores the time limits that apply from `year` on.
    pub async fn set_deadline_rules(&self, actor: &Actor, year: i32, rules: &DeadlineRules) -> AppResult<()> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        if !(2000..=2100).contains(&year) {
            return Err(AppError::field("year", "年份应在2000到2100之间"));
        }
        for (field, p) in rule_fields(rules) {
            let n = match p {
                Period::WorkingDays(n) | Period::CalendarDays(n) | Period::Months(n) => n,
            };
            let max = if matches!(p, Period::Months(_)) { 24 } else { 365 };
            if n == 0 || n > max {
                return Err(AppError::field(field, format!("期限应在1到{max}之间")));
            }
        }
        if period_days(&rules.extended_reply) < period_days(&rules.reply) {
            return Err(AppError::field("extended_reply", "延期后的答复期限不能短于原答复期限"));
        }
        let value = serde_json::to_string(rules).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        settings::put(&mut tx.ex(), actor.committee_id, DEADLINES_KEY, i64::from(year), &value).await?;
        audit_write(
            &mut tx,
            Some(actor),
            "settings_changed",
            "settings",
            None,
            format!("修改{year}年起的提案办理期限"),
            None,
            serde_json::from_str(&value).ok(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl App {
    /// The proposal rules (reply classes, rejection reasons, text limits) in force for a year.
    pub async fn proposal_rules(&self, actor: &Actor, year: i32) -> AppResult<ProposalRules> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        Ok(Config::load(&mut c.ex(), actor.committee_id, year).await?.rules)
    }

    /// The proposal rules in force today: what every proposal page offers (anyone logged in).
    pub async fn current_proposal_rules(&self, actor: &Actor) -> AppResult<ProposalRules> {
        let mut c = self.db.acquire().await?;
        Ok(Config::load_today(&mut c.ex(), actor.committee_id).await?.0.rules)
    }

    /// Stores the proposal rules that apply from `year` on.
    pub async fn set_proposal_rules(&self, actor: &Actor, year: i32, rules: &ProposalRules) -> AppResult<()> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        if !(2000..=2100).contains(&year) {
            return Err(AppError::field("year", "年份应在2000到2100之间"));
        }
        let rules = ProposalRules {
            reply_classes: rules.reply_classes.iter().map(|(c, w)| (c.trim().to_string(), w.trim().to_string())).collect(),
            rejection_reasons: rules.rejection_reasons.iter().map(|r| r.trim().to_string()).collect(),
            categories: rules.categories.iter().map(|c| c.trim().to_string()).collect(),
            ..rules.clone()
        };
        rules.check()?;
        let value = serde_json::to_string(&rules).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        settings::put(&mut tx.ex(), actor.committee_id, RULES_KEY, i64::from(year), &value).await?;
        let summary = format!("修改{year}年起的提案答复类别、不立案理由、提案分类和字数要求");
        audit_write(&mut tx, Some(actor), "settings_changed", "settings", None, summary, None, serde_json::from_str(&value).ok()).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl App {
    /// The 社情民意 rules (limits, target days, 编发单位) in force for a year (administrators).
    pub async fn opinion_rules(&self, actor: &Actor, year: i32) -> AppResult<OpinionRules> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        crate::opinions::rules_in_force(&mut c.ex(), actor.committee_id, year).await
    }

    /// The 社情民意 rules in force today: what the writing form counts against (anyone logged in).
    pub async fn current_opinion_rules(&self, actor: &Actor) -> AppResult<OpinionRules> {
        let mut c = self.db.acquire().await?;
        crate::opinions::rules_in_force(&mut c.ex(), actor.committee_id, crate::proposals::today().year()).await
    }

    /// Stores the 社情民意 rules that apply from `year` on; every problem is reported at once.
    pub async fn set_opinion_rules(&self, actor: &Actor, year: i32, rules: &OpinionRules) -> AppResult<()> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        if !(2000..=2100).contains(&year) {
            return Err(AppError::field("year", "年份应在2000到2100之间"));
        }
        let rules = OpinionRules { editor_unit: rules.editor_unit.trim().to_string(), ..rules.clone() };
        rules.check()?;
        let value = serde_json::to_string(&rules).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        settings::put(&mut tx.ex(), actor.committee_id, crate::opinions::RULES_KEY, i64::from(year), &value).await?;
        let summary = format!("修改{year}年起的社情民意字数上限、处理时限和编发单位");
        audit_write(&mut tx, Some(actor), "settings_changed", "settings", None, summary, None, serde_json::from_str(&value).ok()).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// (field name, period) of every time limit, in display order.
pub fn rule_fields(r: &DeadlineRules) -> [(&'static str, Period); 7] {
    [
        ("cosign_window", r.cosign_window),
        ("objection_window", r.objection_window),
        ("reply", r.reply),
        ("extended_reply", r.extended_reply),
        ("co_opinion", r.co_opinion),
        ("evaluation_window", r.evaluation_window),
        ("rehandling", r.rehandling),
    ]
}

pub fn rule_label(field: &str) -> &'static str {
    match field {
        "cosign_window" => "联名确认期",
        "objection_window" => "申请调整期",
        "reply" => "答复期限（自交办）",
        "extended_reply" => "延期后的答复期限（自交办）",
        "co_opinion" => "会办意见期限",
        "evaluation_window" => "评价期",
        "rehandling" => "重新办理期限",
        _ => "",
    }
}

fn period_days(p: &Period) -> u32 {
    match p {
        Period::WorkingDays(n) => n * 7 / 5,
        Period::CalendarDays(n) => *n,
        Period::Months(n) => n * 30,
    }
}
