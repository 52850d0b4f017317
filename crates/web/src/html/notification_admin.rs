//! The administrator's notification page: what went out and what did not (with retry), whether
//! email can be sent, the committee's webhook (SMS/WeChat gateway) and the reminder rules.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use eline_app::AppError;
use eline_app::notify::inbox::{OutboxView, WebhookInput, WebhookView};
use eline_domain::FieldError;
use eline_domain::notice::ReminderRules;

use super::{Errors, F, FormData, Layout, PagePath, flash, form_errors, render, render_invalid};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

const PATH: &str = "/admin/notifications";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(page))
        .route("/admin/notifications/{id}/retry", post(retry))
        .route("/admin/notifications/retry-all", post(retry_all))
        .route("/admin/notifications/webhook", post(set_webhook))
        .route("/admin/notifications/rules", post(set_rules))
}

/// One reminder rule as the form shows it.
pub struct RuleField {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub value: String,
}

/// The fields of the reminder rules: the lists of working days before a deadline (as "10, 3"),
/// the escalation's working days and the digests' hour.
const RULES: [(&str, &str, &str); 8] = [
    ("before_due", "提案答复、承诺事项到期前提醒", "到期前几个工作日提醒承办单位，可填多个，用逗号分隔，如 10, 3"),
    ("escalate_after", "答复超期后督办", "超期几个工作日后，通知提案委和重点提案的督办领导"),
    ("cosign_before", "联名确认截止前提醒", "截止前几个工作日提醒未答复的联名人"),
    ("objection_before", "申请调整期限截止前提醒", "截止前几个工作日提醒承办单位"),
    ("evaluation_before", "评价期限截止前提醒", "截止前几个工作日提醒提案者评价答复"),
    ("opinion_before", "社情民意处理时限前提醒", "目标日期前几个工作日提醒信息科"),
    ("leave_before", "请假待审批提醒", "活动前几个工作日提醒审批人处理未审批的请假（0 表示活动当天）"),
    ("digest_hour", "每日、每周汇总的发送时间", "北京时间几点（0—23），每周汇总在周一发送"),
];

fn days(list: &[u32]) -> String {
    list.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

fn rule_fields(r: &ReminderRules, posted: Option<&FormData>) -> Vec<RuleField> {
    RULES
        .iter()
        .map(|(name, label, hint)| {
            let value = match (posted, *name) {
                (Some(f), _) => f.get(name).to_string(),
                (None, "before_due") => days(&r.before_due),
                (None, "escalate_after") => r.escalate_after.to_string(),
                (None, "cosign_before") => days(&r.cosign_before),
                (None, "objection_before") => days(&r.objection_before),
                (None, "evaluation_before") => days(&r.evaluation_before),
                (None, "opinion_before") => days(&r.opinion_before),
                (None, "leave_before") => days(&r.leave_before),
                (None, _) => r.digest_hour.to_string(),
            };
            RuleField { name, label, hint, value }
        })
        .collect()
}

/// Reads the rules form: numbers separated by commas (，、 and spaces too) for the lists.
fn rules_of(f: &FormData) -> Result<ReminderRules, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut list = |name: &str| -> Vec<u32> {
        let raw = f.get(name);
        let parts: Vec<&str> = raw.split([',', '，', '、', ' ', ';', '；']).map(str::trim).filter(|p| !p.is_empty()).collect();
        match parts.iter().map(|p| p.parse::<u32>()).collect::<Result<Vec<_>, _>>() {
            Ok(v) => v,
            Err(_) => {
                errors.push(FieldError::new(name, "请填写工作日数（整数），多个用逗号分隔，如 10, 3"));
                Vec::new()
            }
        }
    };
    let before_due = list("before_due");
    let cosign_before = list("cosign_before");
    let objection_before = list("objection_before");
    let evaluation_before = list("evaluation_before");
    let opinion_before = list("opinion_before");
    let leave_before = list("leave_before");
    let mut number = |name: &str, what: &str| -> u32 {
        f.get(name).trim().parse::<u32>().unwrap_or_else(|_| {
            errors.push(FieldError::new(name, format!("{what}应填写一个整数")));
            0
        })
    };
    let escalate_after = number("escalate_after", "督办的工作日数");
    let digest_hour = number("digest_hour", "汇总发送时间");
    let rules = ReminderRules { before_due, escalate_after, cosign_before, objection_before, evaluation_before, opinion_before, leave_before, digest_hour };
    if errors.is_empty() { Ok(rules) } else { Err(errors) }
}

#[derive(Template)]
#[template(path = "notification_admin.html")]
struct AdminPage {
    l: Layout,
    o: OutboxView,
    w: WebhookView,
    /// The webhook form after an error (url, active), else the stored values.
    webhook_url: String,
    webhook_active: bool,
    rules: Vec<RuleField>,
    errors: Errors,
}

/// What the forms show after an error: the posted webhook or rules form.
#[derive(Default)]
struct Posted<'a> {
    webhook: Option<&'a FormData>,
    rules: Option<&'a FormData>,
}

async fn admin_page(state: &AppState, user: &PageUser, posted: Posted<'_>, errors: Errors) -> Result<AdminPage, PageError> {
    let o = state.app.notification_outbox(&user.actor).await?;
    let w = state.app.webhook_settings(&user.actor).await?;
    let r = state.app.reminder_rules(&user.actor).await?;
    let (webhook_url, webhook_active) = match posted.webhook {
        Some(f) => (f.get("url").to_string(), f.checked("active")),
        None => (w.url.clone().unwrap_or_default(), w.url.is_none() || w.active),
    };
    let rules = rule_fields(&r, posted.rules);
    let l = Layout::page(state, user, PATH, "通知发送与提醒", &[]).await?;
    Ok(AdminPage { l, o, w, webhook_url, webhook_active, rules, errors })
}

async fn page(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(render(&admin_page(&state, &user, Posted::default(), Errors::default()).await?))
}

async fn retry(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    state.app.retry_messages(&user.actor, Some(id)).await?;
    flash(&user.session, "已安排立即重发这条消息，稍后刷新查看结果").await;
    Ok(Redirect::to(PATH).into_response())
}

async fn retry_all(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let n = state.app.retry_messages(&user.actor, None).await?;
    let message = if n == 0 { "没有发送失败的消息".to_string() } else { format!("已安排立即重发{n}条消息，稍后刷新查看结果") };
    flash(&user.session, &message).await;
    Ok(Redirect::to(PATH).into_response())
}

async fn set_webhook(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let input = WebhookInput { url: f.get("url").to_string(), active: f.checked("active"), new_secret: f.checked("new_secret") };
    match state.app.set_webhook(&user.actor, &input).await {
        Ok(w) => {
            let message = match (&w.url, input.new_secret) {
                (None, _) => "已删除短信/微信网关，不再发送短信/微信通知",
                (Some(_), true) => "已保存，并生成了新的签名密钥：请把新密钥配置到接收方",
                (Some(_), false) if w.active => "已保存短信/微信网关设置",
                (Some(_), false) => "已保存；网关已停用，不再发送短信/微信通知",
            };
            flash(&user.session, message).await;
            Ok(Redirect::to(&format!("{PATH}#webhook")).into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            Ok(render_invalid(&admin_page(&state, &user, Posted { webhook: Some(&f), rules: None }, errors).await?))
        }
    }
}

async fn set_rules(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let outcome = match rules_of(&f) {
        Ok(rules) => state.app.set_reminder_rules(&user.actor, &rules).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match outcome {
        Ok(()) => {
            flash(&user.session, "已保存截止提醒与督办规则").await;
            Ok(Redirect::to(&format!("{PATH}#rules")).into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            Ok(render_invalid(&admin_page(&state, &user, Posted { webhook: None, rules: Some(&f) }, errors).await?))
        }
    }
}
