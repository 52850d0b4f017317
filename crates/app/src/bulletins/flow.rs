//! Issues on the workflow kernel (`crate::workflow`): how the runner loads, checks, decides and
//! saves an issue, and the actions on a draft or issued issue — update (text, lines, order and
//! credits), add and remove a report, issue (印发), record a send.

use chrono::{Datelike, NaiveDate};
use eline_domain::bulletin::{self, Act, Facts, Step, transition};
use eline_domain::opinion::{BulletinForm, BulletinStatus, Status as ReportStatus};
use eline_domain::policy::{Action as Policy, Resource, can};
use eline_domain::{Access, Actor, RecordKind, RecordRef};
use eline_storage::Tx;
use eline_storage::bulletins::{self, Bulletin, Item};
use eline_storage::opinions;

use super::inputs::*;
use super::{compilable, default_credit};
use crate::change::{self, Change, Topic};
use crate::opinions::Config;
use crate::proposals::config::fmt_date;
use crate::workflow::{self, Action, Cx, Workflow};
use crate::{App, AppError, AppResult, Checks};

/// The issue workflow.
pub struct BulletinFlow;

/// An issue as an action works on it.
pub struct Working {
    /// As loaded (the state before the action).
    pub b: Bulletin,
    /// The row being changed by the action's effects.
    pub next: Bulletin,
    pub items: Vec<Item>,
    pub config: Config,
}

impl Workflow for BulletinFlow {
    const KIND: RecordKind = RecordKind::BULLETIN;
    const TOPICS: &'static [Topic] = &[Topic::Search];
    type Loaded = Working;
    type Saved = Bulletin;
    type Step = Step;
    type Status = BulletinStatus;

    async fn load(_app: &App, tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Working> {
        let b = bulletins::get(&mut tx.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let items = bulletins::items(&mut tx.ex(), id).await?;
        let config = Config::load(&mut tx.ex(), actor.committee_id).await?;
        Ok(Working { next: b.clone(), b, items, config })
    }

    fn access(w: &Working, actor: &Actor) -> Access {
        super::access(actor, &w.b)
    }

    fn version(w: &Working) -> i64 {
        w.b.version
    }

    fn decide(w: &Working, actor: &Actor, step: Step) -> Result<BulletinStatus, eline_domain::record::Refusal> {
        let facts = Facts { status: w.b.status, form: w.b.form, items: w.items.len() };
        transition(&facts, can(actor, Policy::ManageBulletins, Resource::Any), step)
    }

    fn status_name(status: BulletinStatus) -> &'static str {
        status.as_str()
    }

    async fn save(tx: &mut Tx, w: &mut Working, next: BulletinStatus) -> AppResult<Bulletin> {
        w.next.status = next;
        Ok(bulletins::save(&mut tx.ex(), &w.next, w.b.version).await?)
    }

    fn before(w: &Working) -> &Bulletin {
        &w.b
    }

    fn summary(saved: &Bulletin, note: &str) -> String {
        format!("期刊{}“{}”：{note}", bulletin::issue_label(saved.series, saved.year, saved.number), saved.title)
    }

    async fn notices(tx: &mut Tx, actor: &Actor, action: &str, _w: &Working, saved: &Bulletin, _note: &str) -> AppResult<Vec<crate::notify::Notice>> {
        match action {
            "issue" => crate::notify::events::bulletin_issued(&mut tx.ex(), actor.committee_id, saved).await,
            _ => Ok(Vec::new()),
        }
    }
}

impl App {
    /// Changes a draft issue: its text and lines, its form, the order and credits of its reports.
    pub async fn update_bulletin(&self, actor: &Actor, id: i64, version: Option<i64>, input: &BulletinEdit) -> AppResult<Bulletin> {
        workflow::run::<BulletinFlow, _>(self, actor, id, version.or(input.version), input).await
    }

    /// Compiles one more adopted report into a draft issue.
    pub async fn add_bulletin_item(&self, actor: &Actor, id: i64, version: Option<i64>, input: &AddItemInput) -> AppResult<Bulletin> {
        workflow::run::<BulletinFlow, _>(self, actor, id, version.or(input.version), input).await
    }

    /// Takes a report out of a draft issue.
    pub async fn remove_bulletin_item(&self, actor: &Actor, id: i64, version: Option<i64>, opinion_id: i64) -> AppResult<Bulletin> {
        workflow::run::<BulletinFlow, _>(self, actor, id, version, &RemoveItemInput { opinion_id, version }).await
    }

    /// Issues a draft (印发): numbered, its reports published.
    pub async fn issue_bulletin(&self, actor: &Actor, id: i64, version: Option<i64>) -> AppResult<Bulletin> {
        workflow::run::<BulletinFlow, _>(self, actor, id, version, &IssueInput { version }).await
    }

    /// Records that an issued issue was sent to a recipient.
    pub async fn record_bulletin_send(&self, actor: &Actor, id: i64, version: Option<i64>, input: &SendInput) -> AppResult<Bulletin> {
        workflow::run::<BulletinFlow, _>(self, actor, id, version.or(input.version), input).await
    }
}

/// An optional line as edited: absent keeps it, empty clears it.
fn line(edit: &Option<String>, stored: &Option<String>) -> Option<String> {
    match edit {
        Some(v) => Some(v.clone()),
        None => stored.clone(),
    }
}

impl Action<BulletinFlow> for BulletinEdit {
    fn name(&self) -> &'static str {
        Act::Update.as_str()
    }
    fn label(&self) -> &'static str {
        Act::Update.label()
    }
    fn step(&self) -> AppResult<Step> {
        Ok(Step::Edit)
    }
    async fn apply(&self, cx: &mut Cx<'_, BulletinFlow>) -> AppResult<String> {
        let w: &mut Working = cx.loaded;
        let mut checks = Checks::default();
        let b = &w.next;
        let fields = checks.take(
            bulletin::check_fields(
                self.title.as_deref().unwrap_or(&b.title),
                self.body.as_deref().unwrap_or(&b.body),
                self.editor_unit.as_deref().unwrap_or(&b.editor_unit),
                line(&self.signed_off_by, &b.signed_off_by).as_deref(),
                line(&self.report_to, &b.report_to).as_deref(),
                line(&self.copy_to, &b.copy_to).as_deref(),
            )
            .map_err(AppError::from),
        )?;
        let form = self.form.unwrap_or(b.form);
        if form == BulletinForm::Single && w.items.len() > 1 {
            checks.push("form", format!("单篇期刊只编入一篇信息，本期现有{}篇：请先移出多余的信息，或保持综合", w.items.len()));
        }
        let order = match &self.items {
            Some(list) => checks.take(arrangement(list, &w.items))?,
            None => None,
        };
        let Some(fields) = fields.filter(|_| checks.is_empty()) else { return Err(checks.error()) };
        let mut said = Vec::new();
        let text_changed = (&fields.title, &fields.body, &fields.editor_unit) != (&b.title, &b.body, &b.editor_unit) || form != b.form;
        let lines_changed = (&fields.signed_off_by, &fields.report_to, &fields.copy_to) != (&b.signed_off_by, &b.report_to, &b.copy_to);
        if text_changed {
            said.push("修改标题、正文或形式");
        }
        if lines_changed {
            said.push("修改签发、报送或抄送");
        }
        if let Some(order) = order {
            let before: Vec<(i64, String)> = w.items.iter().map(|i| (i.opinion_id, i.credit.clone())).collect();
            if order != before {
                bulletins::arrange(&mut cx.tx.ex(), w.b.id, &order).await?;
                said.push("调整信息顺序和署名");
            }
        }
        if said.is_empty() {
            return Err(AppError::field("body", "没有改动"));
        }
        let n = &mut w.next;
        (n.title, n.body, n.editor_unit, n.form) = (fields.title, fields.body, fields.editor_unit, form);
        (n.signed_off_by, n.report_to, n.copy_to) = (fields.signed_off_by, fields.report_to, fields.copy_to);
        Ok(said.join("，"))
    }
}

/// The issue's reports in the order and with the credits given, every error at once: each report
/// of the issue exactly once, each credit one line.
fn arrangement(list: &[ItemArrangement], items: &[Item]) -> AppResult<Vec<(i64, String)>> {
    let mut checks = Checks::default();
    let mut ids: Vec<i64> = list.iter().map(|a| a.opinion_id).collect();
    ids.sort_unstable();
    let mut have: Vec<i64> = items.iter().map(|i| i.opinion_id).collect();
    have.sort_unstable();
    if ids != have {
        checks.push("items", "请列出本期的全部信息，每篇一次");
    }
    let mut rows = Vec::new();
    for (i, a) in list.iter().enumerate() {
        match bulletin::check_credit(&a.credit) {
            Ok(credit) => rows.push((a.position.unwrap_or(i as i64 + 1), i, a.opinion_id, credit)),
            Err(e) => checks.push(&format!("items[{i}][credit]"), e.message),
        }
    }
    if !checks.is_empty() {
        return Err(checks.error());
    }
    rows.sort_by_key(|(position, i, _, _)| (*position, *i));
    Ok(rows.into_iter().map(|(_, _, id, credit)| (id, credit)).collect())
}

impl Action<BulletinFlow> for AddItemInput {
    fn name(&self) -> &'static str {
        Act::AddItem.as_str()
    }
    fn label(&self) -> &'static str {
        Act::AddItem.label()
    }
    fn step(&self) -> AppResult<Step> {
        Ok(Step::AddItem)
    }
    async fn apply(&self, cx: &mut Cx<'_, BulletinFlow>) -> AppResult<String> {
        let w: &mut Working = cx.loaded;
        let mut checks = Checks::default();
        let o = checks.take(compilable(&mut cx.tx.ex(), cx.actor, w.b.series, self.opinion_id).await)?;
        let credit = match self.credit.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => checks.take(bulletin::check_credit(c).map_err(|e| AppError::Validation(vec![e])))?,
            None => o.as_ref().map(default_credit),
        };
        let (Some(o), Some(credit)) = (o, credit) else { return Err(checks.error()) };
        bulletins::add_item(&mut cx.tx.ex(), w.b.id, o.id, &credit).await.map_err(|e| AppError::from_storage(e, "opinion_id"))?;
        // A single issue prints its report: the report's edited text is its text by default.
        if w.b.form == BulletinForm::Single && w.next.body.trim().is_empty() {
            w.next.body = o.body.clone();
        }
        Ok(format!("编入信息“{}”（{credit}）", o.title))
    }
}

impl Action<BulletinFlow> for RemoveItemInput {
    fn name(&self) -> &'static str {
        Act::RemoveItem.as_str()
    }
    fn label(&self) -> &'static str {
        Act::RemoveItem.label()
    }
    fn step(&self) -> AppResult<Step> {
        Ok(Step::Edit)
    }
    async fn apply(&self, cx: &mut Cx<'_, BulletinFlow>) -> AppResult<String> {
        let w: &mut Working = cx.loaded;
        let Some(item) = w.items.iter().find(|i| i.opinion_id == self.opinion_id) else {
            return Err(AppError::field("opinion_id", "这篇信息不在本期中"));
        };
        bulletins::remove_item(&mut cx.tx.ex(), w.b.id, self.opinion_id).await?;
        Ok(format!("移出信息“{}”", item.title))
    }
}

impl Action<BulletinFlow> for IssueInput {
    fn name(&self) -> &'static str {
        Act::Issue.as_str()
    }
    fn label(&self) -> &'static str {
        Act::Issue.label()
    }
    fn step(&self) -> AppResult<Step> {
        Ok(Step::Issue)
    }
    async fn apply(&self, cx: &mut Cx<'_, BulletinFlow>) -> AppResult<String> {
        let w: &mut Working = cx.loaded;
        let b = &w.next;
        let fields = bulletin::check_fields(&b.title, &b.body, &b.editor_unit, b.signed_off_by.as_deref(), b.report_to.as_deref(), b.copy_to.as_deref())?;
        bulletin::check_issue(&fields, b.form, w.items.len())?;
        let today = w.config.today;
        let year = i64::from(today.year());
        let number = bulletins::next_number(&mut cx.tx.ex(), cx.actor.committee_id, b.series, year).await?;
        let label = bulletin::issue_label(b.series, year, number);
        (w.next.year, w.next.number, w.next.issued_on) = (year, number, Some(fmt_date(today)));
        let ids: Vec<i64> = w.items.iter().map(|i| i.opinion_id).collect();
        opinions::set_published(&mut cx.tx.ex(), &ids).await?;
        for item in &w.items {
            let note = format!("编入{label}“{}”印发（署名：{}），委员可以阅读", w.next.title, item.credit);
            let change = Change {
                record: RecordRef::new(RecordKind::OPINION, item.opinion_id),
                action: crate::records::PUBLISHED_IN_BULLETIN,
                summary: format!("社情民意“{}”：{note}", item.title),
                before: None,
                after: Some(serde_json::json!({"published": true, "bulletin_id": w.b.id})),
                timeline: Some((Some(ReportStatus::Adopted.as_str()), &note)),
                topics: &[Topic::Search],
            };
            change::record(cx.tx, cx.actor, change).await?;
        }
        Ok(format!("印发，编为{label}，刊发信息{}篇", ids.len()))
    }
}

impl Action<BulletinFlow> for SendInput {
    fn name(&self) -> &'static str {
        Act::Send.as_str()
    }
    fn label(&self) -> &'static str {
        Act::Send.label()
    }
    fn step(&self) -> AppResult<Step> {
        Ok(Step::Send)
    }
    async fn apply(&self, cx: &mut Cx<'_, BulletinFlow>) -> AppResult<String> {
        let w: &mut Working = cx.loaded;
        let mut checks = Checks::default();
        if self.recipient_kind.is_none() {
            checks.push("recipient_kind", "请选择报送对象：党委、政府、上级政协、部门或其他");
        }
        let recipient = checks.take(eline_domain::text::required("recipient", "报送单位", &self.recipient, 100).map_err(|e| AppError::Validation(vec![e])))?;
        let today = w.config.today;
        let sent_on = match self.sent_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => Some(today),
            Some(raw) => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Err(_) => {
                    checks.push("sent_on", "日期格式应为 年-月-日，如2026-12-01");
                    None
                }
                Ok(d) if d > today => {
                    checks.push("sent_on", "报送日期不能晚于今天");
                    None
                }
                Ok(d) if w.b.issued_on.as_deref().is_some_and(|i| fmt_date(d).as_str() < i) => {
                    checks.push("sent_on", format!("报送日期不能早于印发日期{}", w.b.issued_on.as_deref().unwrap_or_default()));
                    None
                }
                Ok(d) => Some(d),
            },
        };
        let (Some(kind), Some(recipient), Some(sent_on)) = (self.recipient_kind, recipient, sent_on) else { return Err(checks.error()) };
        let on = fmt_date(sent_on);
        bulletins::add_send(&mut cx.tx.ex(), w.b.id, kind, &recipient, &on, cx.actor.user_id).await?;
        Ok(format!("报送{}：{recipient}（{on}）", kind.label()))
    }
}
