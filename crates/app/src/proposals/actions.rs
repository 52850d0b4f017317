//! The workflow actions on a proposal. `act` runs one in its own transaction; `assign_many`
//! runs the same assignment on many proposals in one transaction.

use eline_domain::proposal::{Decision, Refusal, Satisfaction, Status, Step, UnitRole, transition};
use eline_domain::{Actor, text};
use eline_storage::proposals::{self, Proposal};
use eline_storage::{Tx, now_micros};
use serde::Deserialize;

use super::config::fmt_date;
use super::{Config, Loaded, check_units};
use crate::context::{audit_write, snapshot};
use crate::{App, AppError, AppResult};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewInput {
    /// file | reject | merge | return
    pub decision: String,
    /// Rejection reason (不立案理由).
    pub reason: Option<String>,
    /// The filed proposal to merge into (并案).
    pub merge_into: Option<i64>,
    /// Comment to the proposer (required when returning).
    pub comment: Option<String>,
    /// With the proposer's consent, what a rejected proposal becomes: opinion (社情民意) | suggestion (意见建议) | letter (委员来信).
    pub convert_to: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AssignInput {
    /// 主办 — with co-units (会办); or leave empty and give split units (分办).
    pub lead_unit_id: Option<i64>,
    #[serde(default)]
    pub co_unit_ids: Vec<i64>,
    #[serde(default)]
    pub split_unit_ids: Vec<i64>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Commitment {
    pub promise: String,
    /// YYYY-MM-DD
    pub due_on: Option<String>,
}

/// An action with its parameters (the API's `POST /proposals/{id}/<action>` body).
#[derive(Debug, Clone)]
pub enum ActionInput {
    Submit,
    Cosign { accept: bool },
    Withdraw { reason: Option<String> },
    Review(ReviewInput),
    Assign(AssignInput),
    Object { reason: String },
    Reassign(AssignInput),
    Contact { text: String },
    CoOpinion { text: String },
    RequestExtension { reason: String },
    DecideExtension { approved: bool, comment: Option<String> },
    Reply { class: String, text: String, signer: String, commitments: Vec<Commitment> },
    Evaluate { satisfaction: String, comment: Option<String> },
    Close { comment: Option<String> },
    FollowUp { add: Option<Commitment>, fulfil: Option<(i64, String)> },
    MarkKey { key: bool, supervisor_ids: Vec<i64> },
    Supervise { text: String },
    Publish { published: bool },
}

fn field<T: serde::de::DeserializeOwned>(body: &serde_json::Value, name: &str) -> AppResult<Option<T>> {
    match body.get(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(|_| AppError::field(name, format!("字段“{name}”格式不正确"))),
    }
}

fn text_of(body: &serde_json::Value, name: &str) -> AppResult<String> {
    Ok(field::<String>(body, name)?.unwrap_or_default())
}

impl ActionInput {
    /// Reads an action from its name and JSON body.
    pub fn from_json(action: &str, body: &serde_json::Value) -> AppResult<ActionInput> {
        let whole = |_: ()| -> AppResult<serde_json::Value> { Ok(body.clone()) };
        let parse = |v: serde_json::Value| -> AppResult<AssignInput> {
            serde_json::from_value(v).map_err(|e| AppError::field("body", format!("交办内容格式不正确：{e}")))
        };
        Ok(match action {
            "submit" => ActionInput::Submit,
            "cosign" => ActionInput::Cosign { accept: field(body, "accept")?.ok_or_else(|| AppError::field("accept", "请选择确认或谢绝联名"))? },
            "withdraw" => ActionInput::Withdraw { reason: field(body, "reason")? },
            "review" => ActionInput::Review(serde_json::from_value(whole(())?).map_err(|e| AppError::field("body", format!("审查内容格式不正确：{e}")))?),
            "assign" => ActionInput::Assign(parse(whole(())?)?),
            "object" => ActionInput::Object { reason: text_of(body, "reason")? },
            "reassign" => ActionInput::Reassign(parse(whole(())?)?),
            "contact" => ActionInput::Contact { text: text_of(body, "text")? },
            "co_opinion" => ActionInput::CoOpinion { text: text_of(body, "text")? },
            "request_extension" => ActionInput::RequestExtension { reason: text_of(body, "reason")? },
            "decide_extension" => ActionInput::DecideExtension {
                approved: field(body, "approved")?.ok_or_else(|| AppError::field("approved", "请选择同意或不同意延期"))?,
                comment: field(body, "comment")?,
            },
            "reply" => ActionInput::Reply {
                class: text_of(body, "class")?,
                text: text_of(body, "text")?,
                signer: text_of(body, "signer")?,
                commitments: field(body, "commitments")?.unwrap_or_default(),
            },
            "evaluate" => ActionInput::Evaluate { satisfaction: text_of(body, "satisfaction")?, comment: field(body, "comment")? },
            "close" => ActionInput::Close { comment: field(body, "comment")? },
            "follow_up" => {
                let fulfil = match field::<i64>(body, "commitment_id")? {
                    Some(id) => Some((id, text_of(body, "evidence")?)),
                    None => None,
                };
                let add = match field::<String>(body, "promise")? {
                    Some(promise) => Some(Commitment { promise, due_on: field(body, "due_on")? }),
                    None => None,
                };
                ActionInput::FollowUp { add, fulfil }
            }
            "mark_key" => ActionInput::MarkKey { key: field(body, "key")?.unwrap_or(true), supervisor_ids: field(body, "supervisor_ids")?.unwrap_or_default() },
            "supervise" => ActionInput::Supervise { text: text_of(body, "text")? },
            "publish" => ActionInput::Publish { published: field(body, "published")?.unwrap_or(true) },
            _ => return Err(AppError::NotFound),
        })
    }

    fn step(&self) -> AppResult<Step> {
        Ok(match self {
            ActionInput::Submit => Step::Submit,
            ActionInput::Cosign { accept } => Step::Cosign { accept: *accept },
            ActionInput::Withdraw { .. } => Step::Withdraw,
            ActionInput::Review(r) => Step::Review(match r.decision.as_str() {
                "file" => Decision::File,
                "reject" => Decision::Reject,
                "merge" => Decision::Merge,
                "return" => Decision::Return,
                _ => return Err(AppError::field("decision", "审查结论应为立案、不立案、并案或退回修改")),
            }),
            ActionInput::Assign(_) => Step::Assign,
            ActionInput::Object { .. } => Step::Object,
            ActionInput::Reassign(_) => Step::Reassign,
            ActionInput::Contact { .. } => Step::Contact,
            ActionInput::CoOpinion { .. } => Step::CoOpinion,
            ActionInput::RequestExtension { .. } => Step::RequestExtension,
            ActionInput::DecideExtension { .. } => Step::DecideExtension,
            ActionInput::Reply { .. } => Step::Reply,
            ActionInput::Evaluate { satisfaction, .. } => {
                Step::Evaluate(Satisfaction::parse(satisfaction).ok_or_else(|| AppError::field("satisfaction", "请选择满意、基本满意或不满意"))?)
            }
            ActionInput::Close { .. } => Step::Close,
            ActionInput::FollowUp { .. } => Step::FollowUp,
            ActionInput::MarkKey { .. } => Step::MarkKey,
            ActionInput::Supervise { .. } => Step::Supervise,
            ActionInput::Publish { .. } => Step::Publish,
        })
    }
}

fn required(field: &str, label: &str, raw: &str, max: usize) -> AppResult<String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(AppError::field(field, format!("{label}不能为空")));
    }
    if v.chars().count() > max {
        return Err(AppError::field(field, format!("{label}不能超过{max}个字")));
    }
    Ok(v.to_string())
}

fn parse_date(field: &str, raw: Option<&str>) -> AppResult<Option<String>> {
    match raw.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| Some(fmt_date(d)))
            .map_err(|_| AppError::field(field, "日期格式应为 年-月-日，如2026-06-30")),
    }
}

impl App {
    /// Takes one action on a proposal. `version`, when given, must be the current one.
    pub async fn act(&self, actor: &Actor, id: i64, version: Option<i64>, input: ActionInput) -> AppResult<Proposal> {
        let mut tx = self.db.begin().await?;
        match self.act_in(&mut tx, actor, id, version, &input).await {
            Ok(p) => {
                tx.commit().await?;
                Ok(p)
            }
            Err(e) => {
                drop(tx);
                Err(self.audit_refusal(actor, id, &input, e).await)
            }
        }
    }

    /// Assigns many filed proposals the same way, all or none (one transaction).
    pub async fn assign_many(&self, actor: &Actor, items: &[(i64, Option<i64>)], input: &AssignInput) -> AppResult<usize> {
        if items.is_empty() {
            return Err(AppError::field("ids", "请选择要交办的提案"));
        }
        if items.len() > 1000 {
            return Err(AppError::field("ids", "一次最多交办1000件提案"));
        }
        let mut tx = self.db.begin().await?;
        let action = ActionInput::Assign(input.clone());
        for (id, version) in items {
            if let Err(e) = self.act_in(&mut tx, actor, *id, *version, &action).await {
                drop(tx);
                return Err(match self.audit_refusal(actor, *id, &action, e).await {
                    AppError::InvalidTransition(m) => AppError::InvalidTransition(format!("提案（编号{id}）：{m}")),
                    other => other,
                });
            }
        }
        tx.commit().await?;
        Ok(items.len())
    }

    async fn act_in(&self, tx: &mut Tx, actor: &Actor, id: i64, version: Option<i64>, input: &ActionInput) -> AppResult<Proposal> {
        let l = Loaded::load(&mut tx.ex(), actor.committee_id, id).await?;
        if !l.visible_to(&mut tx.ex(), actor).await? {
            return Err(AppError::NotFound);
        }
        if let Some(v) = version
            && v != l.p.version
        {
            return Err(AppError::VersionConflict);
        }
        let (config, today) = Config::load_today(&mut tx.ex(), actor.committee_id).await?;
        let who = l.standing(actor);
        let facts = l.facts(today, &config.calendar, &config.deadlines);
        let step = input.step()?;
        let next = match transition(&facts, &who, step) {
            Ok(s) => s,
            Err(Refusal::Forbidden) => return Err(AppError::Forbidden),
            Err(Refusal::NotNow(m)) => return Err(AppError::InvalidTransition(m)),
        };
        let mut p = l.p.clone();
        let now = now_micros();
        let today_s = fmt_date(today);
        let note: String = match input {
            ActionInput::Submit => {
                if next == Status::AwaitingCosigners {
                    p.cosign_due_on = Some(fmt_date(config.deadlines.cosign_window.due(&config.calendar, today)));
                    format!("提交，等待{}位联名委员确认（{}前）", l.cosigners.len(), p.cosign_due_on.clone().unwrap_or_default())
                } else {
                    let dropped = proposals::drop_pending_cosigners(&mut tx.ex(), id).await?;
                    p.submitted_at = Some(now);
                    if dropped > 0 {
                        format!("提交审查（{dropped}位联名委员未在期限内确认，不再列为联名人）")
                    } else {
                        "提交审查".into()
                    }
                }
            }
            ActionInput::Cosign { accept } => {
                let member = actor.member_id.ok_or(AppError::Forbidden)?;
                proposals::answer_cosign(&mut tx.ex(), id, member, if *accept { "confirmed" } else { "declined" }).await?;
                if next == Status::Submitted {
                    p.submitted_at = Some(now);
                }
                let verb = if *accept { "确认联名" } else { "谢绝联名" };
                if next == Status::Submitted { format!("{verb}；联名确认完毕，提交审查") } else { verb.to_string() }
            }
            ActionInput::Withdraw { reason } => match reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                Some(r) => format!("撤回提案：{r}"),
                None => "撤回提案".into(),
            },
            ActionInput::Review(r) => self.review(tx, actor, &mut p, r, &config.rules).await?,
            ActionInput::Assign(a) | ActionInput::Reassign(a) => {
                let reassign = matches!(input, ActionInput::Reassign(_));
                let (mode, units) = check_assignment(a)?;
                check_units(&mut tx.ex(), actor.committee_id, &units.iter().map(|(u, _)| *u).collect::<Vec<_>>(), "lead_unit_id").await?;
                if reassign {
                    proposals::deactivate_assignments(&mut tx.ex(), id).await?;
                }
                for (unit, role) in &units {
                    proposals::add_assignment(&mut tx.ex(), id, *unit, role.as_str(), &today_s).await?;
                }
                p.handling_mode = Some(mode.into());
                p.assigned_on = Some(today_s.clone());
                let due = config.deadlines.reply.due(&config.calendar, today);
                p.due_on = Some(fmt_date(due));
                p.objection_open = false;
                p.extension_requested = false;
                p.extended = false;
                let names = self.unit_names(tx, actor.committee_id, &units).await?;
                let comment = a.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(|c| format!("；{c}")).unwrap_or_default();
                format!("{}：{names}；答复期限{}（{}）{comment}", if reassign { "重新交办" } else { "交办" }, fmt_date(due), config.deadlines.reply.label())
            }
            ActionInput::Object { reason } => {
                let reason = required("reason", "申请调整的理由", reason, 500)?;
                let mine = l.my_assignment(actor).ok_or(AppError::Forbidden)?;
                proposals::set_objection(&mut tx.ex(), mine.id, &reason).await?;
                p.objection_open = true;
                format!("{}申请调整：{reason}", mine.unit_name)
            }
            ActionInput::Contact { text } => {
                let t = required("text", "沟通情况", text, 2000)?;
                let unit = l.my_assignment(actor).map(|a| a.unit_name.clone()).unwrap_or_default();
                format!("{unit}与提案人沟通：{t}")
            }
            ActionInput::CoOpinion { text } => {
                let t = required("text", "会办意见", text, 5000)?;
                let mine = l.my_assignment(actor).ok_or(AppError::Forbidden)?;
                proposals::set_co_opinion(&mut tx.ex(), mine.id, &t).await?;
                format!("{}提出会办意见", mine.unit_name)
            }
            ActionInput::RequestExtension { reason } => {
                let reason = required("reason", "延期理由", reason, 500)?;
                p.extension_requested = true;
                p.extension_reason = Some(reason.clone());
                format!("申请延期答复：{reason}")
            }
            ActionInput::DecideExtension { approved, comment } => {
                p.extension_requested = false;
                let c = comment.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(|c| format!("；{c}")).unwrap_or_default();
                if *approved {
                    let start = p.assigned_on.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).unwrap_or(today);
                    let due = config.deadlines.extended_reply.due(&config.calendar, start);
                    p.extended = true;
                    p.due_on = Some(fmt_date(due));
                    format!("同意延期，答复期限延至{}{c}", fmt_date(due))
                } else {
                    format!("不同意延期{c}")
                }
            }
            ActionInput::Reply { class, text: body, signer, commitments } => {
                if config.rules.reply_class_label(class).is_none() {
                    let codes: Vec<&str> = config.rules.reply_classes.iter().map(|(c, _)| c.as_str()).collect();
                    return Err(AppError::field("class", format!("答复类别应为{}之一", codes.join("、"))));
                }
                let body = required("text", "答复内容", body, 20_000)?;
                let signer = text::required("signer", "签发人", signer, 30).map_err(|e| AppError::Validation(vec![e]))?;
                let mine = l.my_assignment(actor).ok_or(AppError::Forbidden)?;
                proposals::add_reply(&mut tx.ex(), id, mine.unit_id, p.round, class, &body, &signer, actor.user_id).await?;
                proposals::set_replied(&mut tx.ex(), mine.id, p.round).await?;
                for c in commitments {
                    let promise = required("commitments", "承诺事项", &c.promise, 500)?;
                    let due = parse_date("commitments", c.due_on.as_deref())?;
                    proposals::add_commitment(&mut tx.ex(), id, Some(mine.unit_id), &promise, due.as_deref()).await?;
                }
                if next == Status::Replied {
                    p.replied_on = Some(today_s.clone());
                    p.evaluation_due_on = Some(fmt_date(config.deadlines.evaluation_window.due(&config.calendar, today)));
                }
                let label = config.rules.reply_class_label(class).unwrap_or("");
                format!("{}答复（{class}类：{label}），签发人{signer}", mine.unit_name)
            }
            ActionInput::Evaluate { satisfaction, comment } => {
                let sat = Satisfaction::parse(satisfaction).ok_or_else(|| AppError::field("satisfaction", "请选择满意、基本满意或不满意"))?;
                let comment = comment.as_deref().map(str::trim).filter(|c| !c.is_empty());
                if sat == Satisfaction::Dissatisfied && comment.is_none() {
                    return Err(AppError::field("comment", "评价为不满意时，请写明理由"));
                }
                if l.status() == Status::Closed {
                    // Rating the delivery of the promises: recorded, not deciding anything.
                    proposals::add_evaluation(&mut tx.ex(), id, actor.member_id, actor.user_id, proposals::DELIVERY_ROUND, sat.as_str(), comment, false)
                        .await?;
                    let c = comment.map(|c| format!("：{c}")).unwrap_or_default();
                    format!("承诺事项落实后评价：{}{c}", sat.label())
                } else {
                    proposals::add_evaluation(&mut tx.ex(), id, actor.member_id, actor.user_id, p.round, sat.as_str(), comment, who.proposer).await?;
                    if who.proposer {
                        match next {
                            Status::Closed => p.closed_at = Some(now),
                            Status::Rehandling => {
                                p.dissatisfied_rounds += 1;
                                p.round += 1;
                                p.due_on = Some(fmt_date(config.deadlines.rehandling.due(&config.calendar, today)));
                                p.evaluation_due_on = None;
                            }
                            _ => p.dissatisfied_rounds += 1,
                        }
                    }
                    let c = comment.map(|c| format!("：{c}")).unwrap_or_default();
                    format!("评价：{}{c}", sat.label())
                }
            }
            ActionInput::Close { comment } => {
                let c = comment.as_deref().map(str::trim).filter(|c| !c.is_empty());
                if p.dissatisfied_rounds >= 2 && c.is_none() {
                    return Err(AppError::field("comment", "两次评价不满意的提案，办结前请记录与提案人面商的情况"));
                }
                p.closed_at = Some(now);
                match c {
                    Some(c) => format!("办结：{c}"),
                    None => "评价期满，办结".into(),
                }
            }
            ActionInput::FollowUp { add, fulfil } => {
                let unit = l.my_assignment(actor).map(|a| a.unit_id).or_else(|| l.assignments.iter().find(|a| a.active && a.role != "co").map(|a| a.unit_id));
                match (add, fulfil) {
                    (Some(c), None) => {
                        let promise = required("promise", "承诺事项", &c.promise, 500)?;
                        let due = parse_date("due_on", c.due_on.as_deref())?;
                        proposals::add_commitment(&mut tx.ex(), id, unit, &promise, due.as_deref()).await?;
                        format!("登记承诺事项：{promise}{}", due.map(|d| format!("（{d}前）")).unwrap_or_default())
                    }
                    (None, Some((cid, evidence))) => {
                        let evidence = required("evidence", "落实情况", evidence, 2000)?;
                        if !proposals::fulfil_commitment(&mut tx.ex(), id, *cid, &evidence).await? {
                            return Err(AppError::field("commitment_id", "该承诺事项不存在或已落实"));
                        }
                        let open = proposals::commitments(&mut tx.ex(), id).await?.iter().filter(|c| c.done_at.is_none()).count();
                        if open == 0 {
                            format!("承诺事项已落实：{evidence}；全部承诺已落实，请提案人对落实情况作出评价")
                        } else {
                            format!("承诺事项已落实：{evidence}")
                        }
                    }
                    _ => return Err(AppError::field("promise", "请登记一项承诺事项，或填写某项承诺的落实情况")),
                }
            }
            ActionInput::MarkKey { key, supervisor_ids } => {
                let mut supervisor_ids = supervisor_ids.clone();
                supervisor_ids.sort_unstable();
                supervisor_ids.dedup();
                let supervisor_ids = &supervisor_ids;
                let leaders = eline_storage::users::with_role(&mut tx.ex(), actor.committee_id, "leader").await?;
                if let Some(u) = supervisor_ids.iter().find(|u| !leaders.iter().any(|l| l.id == **u)) {
                    return Err(AppError::field("supervisor_ids", format!("编号为{u}的用户不是本会的领导账号")));
                }
                p.is_key = *key;
                proposals::set_supervisors(&mut tx.ex(), id, if *key { supervisor_ids } else { &[] }).await?;
                if *key {
                    let names: Vec<String> = proposals::supervisors(&mut tx.ex(), id).await?.into_iter().map(|(_, n)| n).collect();
                    if names.is_empty() { "设为重点提案".into() } else { format!("设为重点提案，督办领导：{}", names.join("、")) }
                } else {
                    "取消重点提案".into()
                }
            }
            ActionInput::Supervise { text } => {
                let t = required("text", "督办情况", text, 2000)?;
                format!("督办：{t}")
            }
            ActionInput::Publish { published } => {
                p.published = *published;
                if *published { "公开提案及答复".into() } else { "取消公开".into() }
            }
        };
        if next == Status::Closed && p.closed_at.is_none() {
            p.closed_at = Some(now);
        }
        p.status = next.as_str().to_string();
        let after = proposals::save(&mut tx.ex(), &p, l.p.version).await?;
        let action = step.act().as_str();
        proposals::add_event(&mut tx.ex(), id, Some(actor.user_id), &actor.display_name, action, next.as_str(), &note).await?;
        audit_write(tx, Some(actor), action, "proposal", Some(id), format!("提案“{}”：{note}", after.title), snapshot(&l.p), snapshot(&after)).await?;
        Ok(after)
    }

    async fn review(&self, tx: &mut Tx, actor: &Actor, p: &mut Proposal, r: &ReviewInput, rules: &eline_domain::proposal::ProposalRules) -> AppResult<String> {
        let comment = r.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(String::from);
        Ok(match r.decision.as_str() {
            "file" => {
                proposals::lock_session(&mut tx.ex(), p.session_id).await?;
                let n = proposals::next_number(&mut tx.ex(), p.session_id).await?;
                p.number = Some(n);
                p.filed_at = Some(now_micros());
                p.review_note = comment;
                format!("立案，编号第{n:04}号")
            }
            "reject" => {
                let reason = r.reason.as_deref().map(str::trim).filter(|x| !x.is_empty()).ok_or_else(|| AppError::field("reason", "不立案须选择或填写理由"))?;
                if reason.chars().count() > 200 {
                    return Err(AppError::field("reason", "理由不能超过200个字"));
                }
                let convert = match r.convert_to.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                    None => None,
                    Some(c @ ("opinion" | "suggestion" | "letter")) => Some(c.to_string()),
                    Some(_) => return Err(AppError::field("convert_to", "转办方式应为社情民意、意见建议或委员来信")),
                };
                let standard = rules.rejection_reasons.iter().any(|x| x == reason);
                p.review_note = Some(reason.to_string());
                p.converted_to = convert.clone();
                let conv = match convert.as_deref() {
                    Some("opinion") => "；经提案人同意，转为社情民意信息",
                    Some("suggestion") => "；经提案人同意，转为意见建议",
                    Some("letter") => "；经提案人同意，转为委员来信",
                    _ => "",
                };
                format!("不立案（{}{reason}）{conv}", if standard { "" } else { "其他：" })
            }
            "merge" => {
                let target_id = r.merge_into.ok_or_else(|| AppError::field("merge_into", "请选择并入的已立案提案"))?;
                if target_id == p.id {
                    return Err(AppError::field("merge_into", "不能并入提案本身"));
                }
                let target =
                    proposals::get(&mut tx.ex(), actor.committee_id, target_id).await?.ok_or_else(|| AppError::field("merge_into", "要并入的提案不存在"))?;
                if !Status::parse(&target.status).is_some_and(Status::is_filed) {
                    return Err(AppError::field("merge_into", "只能并入已立案的提案"));
                }
                p.merged_into_id = Some(target_id);
                p.review_note = comment;
                proposals::add_event(
                    &mut tx.ex(),
                    target_id,
                    Some(actor.user_id),
                    &actor.display_name,
                    "merge",
                    &target.status,
                    &format!("并入提案“{}”，其提案人将一并收到答复", p.title),
                )
                .await?;
                format!("并案：并入第{:04}号提案“{}”", target.number.unwrap_or(0), target.title)
            }
            "return" => {
                let c = comment.ok_or_else(|| AppError::field("comment", "退回修改时请写明修改意见"))?;
                p.review_note = Some(c.clone());
                format!("退回修改：{c}")
            }
            _ => return Err(AppError::field("decision", "审查结论应为立案、不立案、并案或退回修改")),
        })
    }

    async fn unit_names(&self, tx: &mut Tx, committee_id: i64, units: &[(i64, UnitRole)]) -> AppResult<String> {
        let mut parts = Vec::new();
        for (u, role) in units {
            let name = eline_storage::directory::get(&mut tx.ex(), eline_domain::org::DirectoryKind::Unit, committee_id, *u)
                .await?
                .map(|e| e.name)
                .unwrap_or_default();
            parts.push(format!("{}（{}）", name, role.label()));
        }
        Ok(parts.join("、"))
    }

    /// After the action's transaction was rolled back: a refused action (Forbidden) is audited in
    /// its own transaction; the error is passed on.
    async fn audit_refusal(&self, actor: &Actor, id: i64, input: &ActionInput, e: AppError) -> AppError {
        if !matches!(e, AppError::Forbidden) {
            return e;
        }
        let label = input.step().map(|s| s.act().label()).unwrap_or("操作");
        let recorded = async {
            let mut tx = self.db.begin().await?;
            audit_write(&mut tx, Some(actor), "permission_denied", "proposal", Some(id), format!("拒绝：{label}"), None, None).await?;
            tx.commit().await?;
            Ok::<(), AppError>(())
        };
        match recorded.await {
            Ok(()) => e,
            Err(audit_error) => audit_error,
        }
    }
}

/// Lead + co-units, or split units; no unit twice.
fn check_assignment(a: &AssignInput) -> AppResult<(&'static str, Vec<(i64, UnitRole)>)> {
    let mut units: Vec<(i64, UnitRole)> = Vec::new();
    match (a.lead_unit_id, a.split_unit_ids.is_empty()) {
        (Some(lead), true) => {
            units.push((lead, UnitRole::Lead));
            units.extend(a.co_unit_ids.iter().map(|u| (*u, UnitRole::Co)));
        }
        (None, false) => {
            if !a.co_unit_ids.is_empty() {
                return Err(AppError::field("co_unit_ids", "分办时不设会办单位：每个分办单位各自答复"));
            }
            if a.split_unit_ids.len() < 2 {
                return Err(AppError::field("split_unit_ids", "分办至少需要两个单位；只有一个单位时请设为主办"));
            }
            units.extend(a.split_unit_ids.iter().map(|u| (*u, UnitRole::Split)));
        }
        (Some(_), false) => return Err(AppError::field("split_unit_ids", "主办和分办只能选择一种")),
        (None, true) => return Err(AppError::field("lead_unit_id", "请选择主办单位，或选择两个以上分办单位")),
    }
    let mut seen = std::collections::HashSet::new();
    for (u, _) in &units {
        if !seen.insert(*u) {
            return Err(AppError::field("co_unit_ids", "同一单位不能重复选择"));
        }
    }
    if units.len() > 20 {
        return Err(AppError::field("co_unit_ids", "承办单位不能超过20个"));
    }
    Ok((if a.lead_unit_id.is_some() { "lead" } else { "split" }, units))
}
