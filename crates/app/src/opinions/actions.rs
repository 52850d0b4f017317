//! The report actions: each a typed input (`super::inputs`) with its step and its effects, run
//! by the workflow kernel. `opinion_actions!` is the one list: the dispatch below, the API
//! routes and the page's forms come from it.

use eline_domain::notice;
use eline_storage::notifications::Party;

use crate::notify::Notice;
use chrono::{Datelike, NaiveDate};
use eline_domain::opinion::{Act, Channel, Level, OutcomeKind, Status, Step, Submitter};
use eline_domain::{Actor, RecordKind, RecordRef};
use eline_storage::opinions::{self, NewOpinion, NewOutcome, Opinion};
use eline_storage::{Tx, committees};

use super::Config;
use super::flow::{OpinionFlow, Working};
use super::inputs::*;
use crate::change::{self, Elsewhere};
use crate::proposals::config::fmt_date;
use crate::workflow::{Action, Cx, Workflow};
use crate::{AppError, AppResult};

/// Calls `$callback!` with every report action as `name: Act variant => input type`.
#[macro_export]
macro_rules! opinion_actions {
    ($callback:ident) => {
        $callback! {
            submit: Submit => SubmitInput,
            take: Take => TakeInput,
            revise: Revise => ReviseInput,
            return: Return => ReturnInput,
            adopt: Adopt => AdoptInput,
            keep: Keep => KeepInput,
            mark_direct: MarkDirect => MarkDirectInput,
            report_up: ReportUp => ReportUpInput,
            record_outcome: RecordOutcome => OutcomeInput,
        }
    };
}

/// A report action: its step and its effects (the timeline note).
pub(crate) trait ReportAction: Send + Sync {
    fn act(&self) -> Act;
    fn step(&self) -> AppResult<Step>;
    fn apply(&self, cx: &mut Cx<'_, OpinionFlow>) -> impl std::future::Future<Output = AppResult<String>> + Send;
}

impl<T: ReportAction> Action<OpinionFlow> for T {
    fn name(&self) -> &'static str {
        ReportAction::act(self).as_str()
    }
    fn label(&self) -> &'static str {
        ReportAction::act(self).label()
    }
    fn step(&self) -> AppResult<Step> {
        ReportAction::step(self)
    }
    fn apply(&self, cx: &mut Cx<'_, OpinionFlow>) -> impl std::future::Future<Output = AppResult<String>> + Send {
        ReportAction::apply(self, cx)
    }
}

macro_rules! define_inputs {
    ($($name:ident: $act:ident => $input:ident,)*) => {
        crate::workflow_actions!(OpinionFlow, OpinionAction, opinion_act; $($name: $act => $input,)*);
    };
}

opinion_actions!(define_inputs);

fn required(field: &str, label: &str, raw: &str, max: usize) -> AppResult<String> {
    eline_domain::text::required(field, label, raw, max).map_err(|e| AppError::Validation(vec![e]))
}

fn optional(raw: &Option<String>) -> Option<String> {
    raw.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(String::from)
}

fn with_detail(words: &str, detail: Option<&str>) -> String {
    match detail {
        Some(d) => format!("{words}：{d}"),
        None => words.to_string(),
    }
}

impl ReportAction for SubmitInput {
    fn act(&self) -> Act {
        Act::Submit
    }
    fn step(&self) -> AppResult<Step> {
        Ok(Step::Submit)
    }
    async fn apply(&self, cx: &mut Cx<'_, OpinionFlow>) -> AppResult<String> {
        let w: &mut Working = cx.loaded;
        w.config.rules.check_text(&w.o.title, &w.o.body)?;
        let today = w.config.today;
        let again = w.o.status == Status::Returned;
        w.o.year = i64::from(today.year());
        w.o.submitted_at = Some(eline_storage::now_micros());
        w.o.submitted_on = Some(fmt_date(today));
        w.o.due_on = Some(fmt_date(w.config.due(w.o.channel, today)));
        let note = if again { "修改后重新提交" } else { "提交" };
        opinions::add_revision(&mut cx.tx.ex(), w.o.id, &w.o.title, &w.o.body, Some(cx.actor.user_id), &cx.actor.display_name, Some(note)).await?;
        let due = w.o.due_on.clone().unwrap_or_default();
        Ok(format!("{note}{}，处理目标：{due}前", if w.o.channel == Channel::Direct { "（资政之声）" } else { "" }))
    }
}

impl ReportAction for TakeInput {
    fn act(&self) -> Act {
        Act::Take
    }
    fn step(&self) -> AppResult<Step> {
        Ok(Step::Take)
    }
    async fn apply(&self, _cx: &mut Cx<'_, OpinionFlow>) -> AppResult<String> {
        Ok("受理，开始编辑".into())
    }
}

impl ReportAction for ReviseInput {
    fn act(&self) -> Act {
        Act::Revise
    }
    fn step(&self) -> AppResult<Step> {
        Ok(Step::Revise)
    }
    async fn apply(&self, cx: &mut Cx<'_, OpinionFlow>) -> AppResult<String> {
        let w: &mut Working = cx.loaded;
        let (title, body) = w.config.rules.check_text(&self.title, &self.body)?;
        if title == w.o.title && body == w.o.body {
            return Err(AppError::field("body", "标题和正文都没有改动"));
        }
        let note = optional(&self.note);
        w.o.title = title;
        w.o.body = body;
        let n = opinions::add_revision(&mut cx.tx.ex(), w.o.id, &w.o.title, &w.o.body, Some(cx.actor.user_id), &cx.actor.display_name, note.as_deref()).await?;
        Ok(with_detail(&format!("编辑修改（第{n}稿）"), note.as_deref()))
    }
}

impl ReportAction for ReturnInput {
    fn act(&self) -> Act {
        Act::Return
    }
    fn step(&self) -> AppResult<Step> {
        required("reason", "退回理由", &self.reason, 500)?;
        Ok(Step::Return)
    }
    async fn apply(&self, cx: &mut Cx<'_, OpinionFlow>) -> AppResult<String> {
        let reason = required("reason", "退回理由", &self.reason, 500)?;
        cx.loaded.o.return_reason = Some(reason.clone());
        cx.loaded.o.returns += 1;
        Ok(format!("退回修改：{reason}"))
    }
}

impl ReportAction for AdoptInput {
    fn act(&self) -> Act {
        Act::Adopt
    }
    fn step(&self) -> AppResult<Step> {
        Ok(Step::Adopt)
    }
    async fn apply(&self, cx: &mut Cx<'_, OpinionFlow>) -> AppResult<String> {
        let today = fmt_date(cx.loaded.config.today);
        cx.loaded.o.decided_at = Some(eline_storage::now_micros());
        cx.loaded.o.decided_on = Some(today.clone());
        // A report from a committee below: its adoption here is this level's 采用 for the origin.
        if cx.loaded.o.origin_id.is_some() {
            let level = own_level(cx.tx, cx.actor.committee_id).await?;
            let kind = if level == Level::National { OutcomeKind::SingleAdopted } else { OutcomeKind::Adopted };
            let outcome = NewOutcome {
                source_id: cx.loaded.o.id,
                level,
                kind,
                body: None,
                decided_on: &today,
                note: None,
                by_hand: false,
                recorded_by: Some(cx.actor.user_id),
            };
            flow_down(cx.tx, cx.actor, &cx.loaded.o, &outcome).await?;
        }
        Ok(with_detail("录用", optional(&self.comment).as_deref()))
    }
}

impl ReportAction for KeepInput {
    fn act(&self) -> Act {
        Act::Keep
    }
    fn step(&self) -> AppResult<Step> {
        required("reason", "留存理由", &self.reason, 500)?;
        Ok(Step::Keep)
    }
    async fn apply(&self, cx: &mut Cx<'_, OpinionFlow>) -> AppResult<String> {
        let reason = required("reason", "留存理由", &self.reason, 500)?;
        cx.loaded.o.keep_reason = Some(reason.clone());
        cx.loaded.o.decided_at = Some(eline_storage::now_micros());
        cx.loaded.o.decided_on = Some(fmt_date(cx.loaded.config.today));
        Ok(format!("留存（未录用）：{reason}"))
    }
}

impl ReportAction for MarkDirectInput {
    fn act(&self) -> Act {
        if self.direct { Act::MarkDirect } else { Act::UnmarkDirect }
    }
    fn step(&self) -> AppResult<Step> {
        Ok(Step::MarkDirect(self.direct))
    }
    async fn apply(&self, cx: &mut Cx<'_, OpinionFlow>) -> AppResult<String> {
        let w: &mut Working = cx.loaded;
        let channel = if self.direct { Channel::Direct } else { Channel::Opinion };
        if w.o.channel == channel {
            return Err(AppError::InvalidTransition(format!("这篇信息已经是{}", channel.label())));
        }
        w.o.channel = channel;
        let submitted = w.o.submitted_on.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        if let Some(on) = submitted {
            w.o.due_on = Some(fmt_date(w.config.due(channel, on)));
        }
        Ok(format!("{}，处理目标：{}前", ReportAction::act(self).label(), w.o.due_on.clone().unwrap_or_default()))
    }
}

impl ReportAction for ReportUpInput {
    fn act(&self) -> Act {
        Act::ReportUp
    }
    fn step(&self) -> AppResult<Step> {
        Ok(Step::ReportUp)
    }
    async fn apply(&self, cx: &mut Cx<'_, OpinionFlow>) -> AppResult<String> {
        let here = committees::get(&mut cx.tx.ex(), cx.actor.committee_id).await?.ok_or(AppError::NotFound)?;
        let parent_id = here.parent_id.ok_or_else(|| AppError::InvalidTransition("本会没有在平台上的上级政协".into()))?;
        let parent = committees::get(&mut cx.tx.ex(), parent_id).await?.ok_or(AppError::NotFound)?;
        let o = &cx.loaded.o;
        let config = Config::load(&mut cx.tx.ex(), parent.id).await?;
        let author = format!("{}（{}）", here.short_name, o.author_name);
        let new = NewOpinion {
            committee_id: parent.id,
            year: i64::from(config.today.year()),
            channel: o.channel,
            status: Status::Submitted,
            title: &o.title,
            body: &o.body,
            submitter_kind: Submitter::Committee,
            member_id: None,
            organization_id: None,
            special_committee_id: None,
            sector_id: None,
            author_name: &author,
            created_by: cx.actor.user_id,
            origin_id: Some(o.id),
        };
        let mut up = opinions::create(&mut cx.tx.ex(), &new).await?;
        up.submitted_at = Some(eline_storage::now_micros());
        up.submitted_on = Some(fmt_date(config.today));
        up.due_on = Some(fmt_date(config.due(up.channel, config.today)));
        let up = opinions::save(&mut cx.tx.ex(), &up, up.version).await?;
        opinions::add_revision(&mut cx.tx.ex(), up.id, &up.title, &up.body, Some(cx.actor.user_id), &cx.actor.display_name, Some("下级政协报送")).await?;
        // The report's files go up with it (the store is content-addressed: new rows, same files).
        let here_ref = RecordRef::new(RecordKind::OPINION, o.id);
        for a in eline_storage::attachments::of(&mut cx.tx.ex(), cx.actor.committee_id, here_ref).await? {
            let copy = eline_storage::attachments::NewAttachment {
                committee_id: parent.id,
                record: RecordRef::new(RecordKind::OPINION, up.id),
                purpose: &a.purpose,
                sha256: &a.sha256,
                file_name: &a.file_name,
                content_type: &a.content_type,
                size: a.size,
                uploaded_by: a.uploaded_by,
            };
            eline_storage::attachments::create(&mut cx.tx.ex(), &copy).await?;
        }
        let note = with_detail(&format!("{}报送", here.name), optional(&self.note).as_deref());
        let arrived = Elsewhere {
            committee_id: parent.id,
            record: RecordRef::new(RecordKind::OPINION, up.id),
            action: Act::ReceivedFromBelow.as_str(),
            status_after: Some(Status::Submitted.as_str()),
            note: &note,
            topics: OpinionFlow::TOPICS,
        };
        change::note_elsewhere(cx.tx, cx.actor, arrived).await?;
        let received = format!("{}报送，等待编辑", here.name);
        let notice = Notice::new(notice::OPINION_RECEIVED, RecordRef::new(RecordKind::OPINION, up.id), &up.title, received, vec![Party::Staff]);
        crate::notify::send(cx.tx, parent.id, Some(cx.actor.user_id), &[notice]).await?;
        cx.loaded.o.reported_up_id = Some(up.id);
        cx.loaded.o.reported_up_at = up.submitted_at;
        Ok(with_detail(&format!("报送{}", parent.name), optional(&self.note).as_deref()))
    }
}

impl ReportAction for OutcomeInput {
    fn act(&self) -> Act {
        Act::RecordOutcome
    }
    fn step(&self) -> AppResult<Step> {
        self.checked()?;
        Ok(Step::RecordOutcome)
    }
    async fn apply(&self, cx: &mut Cx<'_, OpinionFlow>) -> AppResult<String> {
        let (level, kind, decided_on) = self.checked()?;
        let own = own_level(cx.tx, cx.actor.committee_id).await?;
        if level < own {
            return Err(AppError::field("level", format!("本会是{}政协，不能登记{}的采用情况", own.label().trim_end_matches('级'), level.label())));
        }
        let above = level > own;
        if above && cx.loaded.o.reported_up_id.is_some() {
            return Err(AppError::field("level", "这篇信息已在平台上报送上级政协，上级的采用情况由上级政协登记，会自动反馈到这里"));
        }
        let body = optional(&self.body);
        let note = optional(&self.note);
        let outcome = NewOutcome {
            source_id: cx.loaded.o.id,
            level,
            kind,
            body: body.as_deref(),
            decided_on: &decided_on,
            note: note.as_deref(),
            by_hand: above,
            recorded_by: Some(cx.actor.user_id),
        };
        opinions::add_outcome(&mut cx.tx.ex(), cx.loaded.o.id, &outcome).await?;
        flow_down(cx.tx, cx.actor, &cx.loaded.o, &outcome).await?;
        Ok(outcome_note(&outcome))
    }
}

impl OutcomeInput {
    /// The level, the kind (one of the level's) and the date (not in the future).
    fn checked(&self) -> AppResult<(Level, OutcomeKind, String)> {
        let mut checks = crate::Checks::default();
        let level = Level::parse(self.level.trim());
        if level.is_none() {
            checks.push("level", "请选择层级：市级、省级或全国");
        }
        let kind = OutcomeKind::parse(self.kind.trim());
        match (level, kind) {
            (_, None) => checks.push("kind", "请选择采用情况"),
            (Some(l), Some(k)) if !l.outcome_kinds().contains(&k) => {
                let names: Vec<&str> = l.outcome_kinds().iter().map(|k| k.label()).collect();
                checks.push("kind", format!("{}的采用情况应为{}之一", l.label(), names.join("、")));
            }
            _ => {}
        }
        let date = NaiveDate::parse_from_str(self.decided_on.trim(), "%Y-%m-%d").ok();
        match date {
            None => checks.push("decided_on", "日期格式应为 年-月-日，如2026-06-30"),
            Some(d) if d > crate::proposals::today() => checks.push("decided_on", "日期不能晚于今天"),
            _ => {}
        }
        if let Some(b) = &self.body
            && b.chars().count() > 100
        {
            checks.push("body", "单位名称不能超过100个字");
        }
        match (level, kind, date) {
            (Some(l), Some(k), Some(d)) if checks.is_empty() => Ok((l, k, fmt_date(d))),
            _ => Err(checks.error()),
        }
    }
}

/// "省级 转送（省委办公厅）"
fn outcome_note(o: &NewOutcome<'_>) -> String {
    let body = o.body.map(|b| format!("（{b}）")).unwrap_or_default();
    with_detail(&format!("{} {}{body}，{}", o.level.label(), o.kind.label(), o.decided_on), o.note)
}

/// The level of the actor's committee.
async fn own_level(tx: &mut Tx, committee_id: i64) -> AppResult<Level> {
    let c = committees::get(&mut tx.ex(), committee_id).await?.ok_or(AppError::NotFound)?;
    Ok(Level::of_committee(&c.level))
}

/// Copies an outcome recorded on `from` to every report below it in the chain it was reported up
/// along, each with a timeline entry in its own committee (its submitters see it there).
async fn flow_down(tx: &mut Tx, actor: &Actor, from: &Opinion, outcome: &NewOutcome<'_>) -> AppResult<()> {
    let mut next = from.origin_id;
    let note = format!("上级政协：{}", outcome_note(outcome));
    while let Some(id) = next {
        let below = opinions::get_any(&mut tx.ex(), id).await?.ok_or(AppError::NotFound)?;
        opinions::add_outcome(&mut tx.ex(), below.id, outcome).await?;
        let told = Elsewhere {
            committee_id: below.committee_id,
            record: RecordRef::new(RecordKind::OPINION, below.id),
            action: Act::OutcomeFromAbove.as_str(),
            status_after: None,
            note: &note,
            topics: OpinionFlow::TOPICS,
        };
        change::note_elsewhere(tx, actor, told).await?;
        let record = RecordRef::new(RecordKind::OPINION, below.id);
        let notice = Notice::new(notice::OPINION_OUTCOME, record, &below.title, note.clone(), crate::notify::events::report_authors(&below));
        crate::notify::send(tx, below.committee_id, Some(actor.user_id), &[notice]).await?;
        next = below.origin_id;
    }
    Ok(())
}

/// A leader's instruction (批示) on reports — on a report itself, or on a bulletin issue (the
/// report it names, else every report in it): at a level where 批示 is an outcome (city,
/// national) each report gains the outcome, which flows down its chain to the origin, so the
/// report's fate and the adoption figures count it. Inside the instruction's transaction.
pub(crate) async fn instructed(tx: &mut Tx, actor: &Actor, record: RecordRef, item: Option<i64>, given: &eline_domain::instruction::Given) -> AppResult<()> {
    if !given.rank.outcome_kinds().contains(&OutcomeKind::Instructed) {
        return Ok(());
    }
    let ids = match (record.kind, item) {
        (RecordKind::OPINION, _) => vec![record.id],
        (RecordKind::BULLETIN, Some(item)) => vec![item],
        (RecordKind::BULLETIN, None) => opinions::in_bulletin(&mut tx.ex(), record.id).await?,
        _ => return Ok(()),
    };
    let body = format!("{} {}", given.leader_name, given.leader_post);
    let on = fmt_date(given.given_on);
    for id in ids {
        let Some(o) = opinions::get(&mut tx.ex(), actor.committee_id, id).await? else { continue };
        let outcome = NewOutcome {
            source_id: o.id,
            level: given.rank,
            kind: OutcomeKind::Instructed,
            body: Some(&body),
            decided_on: &on,
            note: None,
            by_hand: false,
            recorded_by: Some(actor.user_id),
        };
        opinions::add_outcome(&mut tx.ex(), o.id, &outcome).await?;
        flow_down(tx, actor, &o, &outcome).await?;
    }
    Ok(())
}
