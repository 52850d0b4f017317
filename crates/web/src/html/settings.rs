//! Settings pages (admins): the working-day calendar and the proposal time limits.

use super::PageQuery;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use eline_app::AppError;
use eline_app::settings::{CalendarYear, rule_fields, rule_label};
use eline_domain::calendar::{DeadlineRules, Period};
use eline_domain::opinion::OpinionRules;
use eline_domain::proposal::ProposalRules;
use serde::Deserialize;

use super::{Errors, FormData, Layout, flash, form_errors, render, render_invalid};
use crate::AppState;
use crate::auth::{ManageSettings, PageAllowed, PageUser};
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings", get(page))
        .route("/settings/calendar", post(set_day))
        .route("/settings/calendar/clear", post(clear_day))
        .route("/settings/deadlines", post(set_rules))
        .route("/settings/proposal-rules", post(set_proposal_rules))
        .route("/settings/opinion-rules", post(set_opinion_rules))
        .route("/settings/committee-name", post(set_committee_name))
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

/// A time limit as the form shows it.
pub struct RuleRow {
    pub field: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub n: u32,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    l: Layout,
    cal: CalendarYear,
    rules: Vec<RuleRow>,
    proposal_rules: RulesForm,
    /// 社情民意: limits, target days, 编发单位.
    opinion_rules: OpinionRules,
    /// The committee's full name in letter headings, and whether it was set.
    full_name: (String, Option<String>),
    errors: Errors,
}

/// The proposal rules as the form edits them (one line per class or reason).
pub struct RulesForm {
    pub rules: ProposalRules,
}

impl RulesForm {
    fn classes_text(&self) -> String {
        self.rules.reply_classes.iter().map(|(c, w)| format!("{c} {w}")).collect::<Vec<_>>().join("\n")
    }
    fn reasons_text(&self) -> String {
        self.rules.rejection_reasons.join("\n")
    }
    fn categories_text(&self) -> String {
        self.rules.categories.join("\n")
    }
}

fn rows(r: &DeadlineRules) -> Vec<RuleRow> {
    rule_fields(r)
        .into_iter()
        .map(|(field, p)| {
            let (unit, n) = match p {
                Period::WorkingDays(n) => ("working_days", n),
                Period::CalendarDays(n) => ("calendar_days", n),
                Period::Months(n) => ("months", n),
            };
            RuleRow { field, label: rule_label(field), unit, n }
        })
        .collect()
}

async fn settings_page(state: &AppState, user: &PageUser, year: i32, errors: Errors) -> Result<SettingsPage, PageError> {
    let cal = state.app.calendar_year(&user.actor, year).await?;
    let rules = rows(&state.app.deadline_rules(&user.actor, year).await?);
    let proposal_rules = RulesForm { rules: state.app.proposal_rules(&user.actor, year).await? };
    let opinion_rules = state.app.opinion_rules(&user.actor, year).await?;
    let full_name = state.app.committee_full_name(&user.actor).await?;
    let l = Layout::page(state, user, "/settings", "工作日历与办理期限", &[]).await?;
    Ok(SettingsPage { l, cal, rules, proposal_rules, opinion_rules, full_name, errors })
}

async fn page(State(state): State<AppState>, user: PageUser, PageQuery(q): PageQuery<YearQuery>) -> Result<Response, PageError> {
    let year = q.year.unwrap_or_else(|| eline_app::proposals::today().year());
    Ok(render(&settings_page(&state, &user, year, Errors::default()).await?))
}

fn year_of(f: &FormData) -> i32 {
    f.get("year").parse().unwrap_or_else(|_| eline_app::proposals::today().year())
}

async fn set_day(State(state): State<AppState>, PageAllowed(user, _): PageAllowed<ManageSettings>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let year = year_of(&f);
    match state.app.set_calendar_day(&user.actor, f.get("date"), f.get("kind"), f.get("name")).await {
        Ok(()) => {
            flash(&user.session, &format!("已将{}设为{}", f.get("date"), if f.get("kind") == "holiday" { "放假" } else { "上班" })).await;
            Ok(Redirect::to(&format!("/settings?year={}", f.get("date").get(..4).unwrap_or(&year.to_string()))).into_response())
        }
        Err(e) => Ok(render_invalid(&settings_page(&state, &user, year, form_errors(e)?).await?)),
    }
}

async fn clear_day(State(state): State<AppState>, PageAllowed(user, _): PageAllowed<ManageSettings>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    state.app.clear_calendar_day(&user.actor, f.get("date")).await?;
    flash(&user.session, &format!("已撤销{}的调整", f.get("date"))).await;
    Ok(Redirect::to(&format!("/settings?year={}", year_of(&f))).into_response())
}

/// Reads the seven time limits from the form: `<field>_unit` and `<field>_n`.
pub fn rules_from_form(f: &FormData) -> Result<DeadlineRules, AppError> {
    let mut r = DeadlineRules::default();
    let mut errors = Vec::new();
    let period = |field: &str, errors: &mut Vec<eline_domain::FieldError>| -> Option<Period> {
        let n: u32 = match f.get(&format!("{field}_n")).trim().parse() {
            Ok(n) => n,
            Err(_) => {
                errors.push(eline_domain::FieldError::new(field, format!("{}应填写正整数", rule_label(field))));
                return None;
            }
        };
        match f.get(&format!("{field}_unit")) {
            "working_days" => Some(Period::WorkingDays(n)),
            "calendar_days" => Some(Period::CalendarDays(n)),
            "months" => Some(Period::Months(n)),
            _ => {
                errors.push(eline_domain::FieldError::new(field, "请选择计算方式"));
                None
            }
        }
    };
    for (field, slot) in [
        ("cosign_window", &mut r.cosign_window),
        ("objection_window", &mut r.objection_window),
        ("reply", &mut r.reply),
        ("extended_reply", &mut r.extended_reply),
        ("co_opinion", &mut r.co_opinion),
        ("evaluation_window", &mut r.evaluation_window),
        ("rehandling", &mut r.rehandling),
    ] {
        if let Some(p) = period(field, &mut errors) {
            *slot = p;
        }
    }
    if errors.is_empty() { Ok(r) } else { Err(AppError::Validation(errors)) }
}

async fn set_rules(State(state): State<AppState>, PageAllowed(user, _): PageAllowed<ManageSettings>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let year = year_of(&f);
    let result = match rules_from_form(&f) {
        Ok(r) => state.app.set_deadline_rules(&user.actor, year, &r).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            flash(&user.session, &format!("已保存{year}年起的办理期限")).await;
            Ok(Redirect::to(&format!("/settings?year={year}")).into_response())
        }
        Err(e) => Ok(render_invalid(&settings_page(&state, &user, year, form_errors(e)?).await?)),
    }
}

/// The proposal rules from the form: classes "A 说明" and reasons one per line, three limits.
fn proposal_rules_from_form(f: &FormData) -> Result<ProposalRules, AppError> {
    let lines = |field: &str| f.get(field).lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect::<Vec<_>>();
    let reply_classes = lines("reply_classes")
        .into_iter()
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((code, wording)) => (code.trim().to_string(), wording.trim().to_string()),
            None => (l, String::new()),
        })
        .collect();
    let mut errors = Vec::new();
    let mut number = |field: &str, label: &str| match f.get(field).trim().parse::<usize>() {
        Ok(n) => n,
        Err(_) => {
            errors.push(eline_domain::FieldError::new(field, format!("{label}应填写正整数")));
            0
        }
    };
    let rules = ProposalRules {
        reply_classes,
        rejection_reasons: lines("rejection_reasons"),
        categories: lines("categories"),
        title_max_chars: number("title_max_chars", "标题最多字数"),
        body_min_chars: number("body_min_chars", "正文最少字数"),
        body_max_chars: number("body_max_chars", "正文最多字数"),
    };
    if errors.is_empty() { Ok(rules) } else { Err(AppError::Validation(errors)) }
}

async fn set_proposal_rules(State(state): State<AppState>, PageAllowed(user, _): PageAllowed<ManageSettings>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let year = year_of(&f);
    let result = match proposal_rules_from_form(&f) {
        Ok(r) => state.app.set_proposal_rules(&user.actor, year, &r).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            flash(&user.session, &format!("已保存{year}年起的答复类别、不立案理由和字数要求")).await;
            Ok(Redirect::to(&format!("/settings?year={year}#proposal-rules")).into_response())
        }
        Err(e) => Ok(render_invalid(&settings_page(&state, &user, year, form_errors(e)?).await?)),
    }
}

/// The 社情民意 rules from the form (`op_` fields, so that their errors stay with this form).
fn opinion_rules_from_form(f: &FormData) -> Result<OpinionRules, AppError> {
    let mut errors = Vec::new();
    let mut number = |field: &str, label: &str| match f.get(&format!("op_{field}")).trim().parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            errors.push(eline_domain::FieldError::new(format!("op_{field}"), format!("{label}应填写正整数")));
            0
        }
    };
    let rules = OpinionRules {
        title_max_chars: number("title_max_chars", "标题最多字数") as usize,
        body_max_chars: number("body_max_chars", "正文最多字数") as usize,
        opinion_target_days: number("opinion_target_days", "社情民意处理时限"),
        direct_target_days: number("direct_target_days", "资政之声处理时限"),
        editor_unit: f.get("op_editor_unit").to_string(),
    };
    if errors.is_empty() { Ok(rules) } else { Err(AppError::Validation(errors)) }
}

async fn set_opinion_rules(State(state): State<AppState>, PageAllowed(user, _): PageAllowed<ManageSettings>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let year = year_of(&f);
    let result = match opinion_rules_from_form(&f) {
        Ok(r) => state.app.set_opinion_rules(&user.actor, year, &r).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            flash(&user.session, &format!("已保存{year}年起的社情民意要求")).await;
            Ok(Redirect::to(&format!("/settings?year={year}#opinion-rules")).into_response())
        }
        // The rules' own field names, as this form names them.
        Err(AppError::Validation(list)) => {
            let list: Vec<_> = list
                .into_iter()
                .map(|e| if e.field.starts_with("op_") || e.field == "year" { e } else { eline_domain::FieldError::new(format!("op_{}", e.field), e.message) })
                .collect();
            Ok(render_invalid(&settings_page(&state, &user, year, Errors::from_list(&list)).await?))
        }
        Err(e) => Ok(render_invalid(&settings_page(&state, &user, year, form_errors(e)?).await?)),
    }
}

/// 委员会全称 for letter headings (答复函).
async fn set_committee_name(State(state): State<AppState>, PageAllowed(user, _): PageAllowed<ManageSettings>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let year = year_of(&f);
    match state.app.set_committee_full_name(&user.actor, f.opt("full_name").as_deref()).await {
        Ok(()) => {
            flash(&user.session, "已保存委员会全称").await;
            Ok(Redirect::to(&format!("/settings?year={year}#committee-name")).into_response())
        }
        Err(e) => Ok(render_invalid(&settings_page(&state, &user, year, form_errors(e)?).await?)),
    }
}
