//! 领导批示 — leaders' instructions on records of any kind (a proposal now; a 社情民意 report, a
//! bulletin issue or one report in it as soon as those kinds register; later consultation
//! outcomes and supervision reports), with no code per kind: the record registry says whether the
//! actor sees the record whole (`RecordModule::see`), its title and its page.
//!
//! Each write is one transaction: the instruction (or follow-up), the change on the instructed
//! record's timeline and in the audit log ("领导批示：张明 市长：……"), and the search outbox row
//! of the instruction.

mod list;
pub mod record;

use eline_domain::instruction::{FollowUp, Given, Raw, RawFollowUp};
use eline_domain::policy::{Action, Resource, can};
use eline_domain::{Access, Actor, RecordKind, RecordRef};
use eline_storage::instructions::{self, FollowUpRow, Instruction, NewInstruction, OnMine};
use eline_storage::{Ex, outbox};
use serde::{Deserialize, Serialize};

pub use list::{EXPORT_CAP, InstructionCounts, InstructionFilter, record_param};

use crate::change::{self, Change};
use crate::records::Seen;
use crate::{App, AppError, AppResult};

/// 记录领导批示: the JSON body's fields (with the record) and the record page's form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"leader_name": "张明", "leader_post": "市长", "rank": "city",
    "given_on": "2027-03-01", "gist": "请市住建局牵头研究，抓好落实。"})))]
pub struct InstructionInput {
    /// On a bulletin issue: the one report of the issue the instruction is about (an item of it).
    #[serde(default, with = "crate::params::blank")]
    pub item_opinion_id: Option<i64>,
    /// 批示领导 (at most 50 characters).
    #[serde(default)]
    pub leader_name: String,
    /// 职务 (市长, 省委书记 …).
    #[serde(default)]
    pub leader_post: String,
    /// 批示级别: city (市级) | province (省级) | national (全国).
    #[cfg_attr(feature = "openapi", schema(value_type = eline_domain::opinion::Level))]
    #[serde(default)]
    pub rank: String,
    /// 批示日期, YYYY-MM-DD, not after today (Beijing).
    #[serde(default)]
    pub given_on: String,
    /// 批示要点 (at most 2,000 characters).
    #[serde(default)]
    pub gist: String,
}

/// 批示落实: what the instruction set in motion.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"done_on": "2027-03-20", "by_whom": "市住建局", "what": "已制定实施方案并召开推进会。"})))]
pub struct InstructionFollowUpInput {
    /// 落实日期, YYYY-MM-DD, not after today.
    #[serde(default)]
    pub done_on: String,
    /// 落实单位或人员.
    #[serde(default)]
    pub by_whom: String,
    /// 落实情况.
    #[serde(default)]
    pub what: String,
    /// The instruction's version (checked when given).
    #[serde(default, with = "crate::params::blank")]
    pub version: Option<i64>,
}

/// One instruction as its readers see it: the record it is on and what it set in motion.
#[derive(Debug, Clone, Serialize)]
pub struct InstructionView {
    pub instruction: Instruction,
    /// The record's kind label (提案), title and page.
    pub record_label: &'static str,
    pub record_title: String,
    pub record_url: Option<String>,
    pub followups: Vec<FollowUpRow>,
    /// The actor may add follow-ups.
    pub may_follow_up: bool,
}

/// The instructions on one record, for its page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecordInstructions {
    pub items: Vec<InstructionView>,
    /// The actor may record an instruction on the record.
    pub may_record: bool,
}

/// An instruction on one of the actor's own records (the home page).
#[derive(Debug, Clone, Serialize)]
pub struct MyInstruction {
    pub row: OnMine,
    /// The own record's kind label and page.
    pub own_label: &'static str,
    pub own_url: Option<String>,
}

/// Today in Beijing: an instruction or follow-up cannot be dated after it.
fn today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&crate::dates::beijing()).date_naive()
}

impl App {
    /// The record as the actor sees it, inside `ex`: `NotFound` unless the actor sees it whole.
    async fn see_whole(&self, ex: &mut Ex<'_>, actor: &Actor, record: RecordRef) -> AppResult<Seen> {
        let module = self.records.get(record.kind.as_str()).ok_or(AppError::NotFound)?;
        match module.see(ex, actor, record.id).await? {
            Some(seen) if seen.access == Access::Full => Ok(seen),
            _ => Err(AppError::NotFound),
        }
    }

    /// A record reference from a kind's name as stored or sent (`proposal`): a Chinese error
    /// naming the kinds when no module registers it.
    pub fn record_ref(&self, field: &str, kind: &str, id: i64) -> AppResult<RecordRef> {
        match self.records.get(kind.trim()) {
            Some(m) if m.kind() != RecordKind::INSTRUCTION => Ok(RecordRef::new(m.kind(), id)),
            _ => {
                let kinds: Vec<String> =
                    self.records.kinds().into_iter().filter(|(k, _)| *k != RecordKind::INSTRUCTION.0).map(|(k, l)| format!("{k}（{l}）")).collect();
                Err(AppError::field(field, format!("没有“{kind}”这种记录，可选：{}", kinds.join("、"))))
            }
        }
    }

    /// Records a leader's instruction on `record`: the actor must see the record whole
    /// (`NotFound` otherwise) and may record instructions (the office, leaders); every field
    /// error at once; nothing is written on any error.
    pub async fn record_instruction(&self, actor: &Actor, record: RecordRef, input: &InstructionInput) -> AppResult<InstructionView> {
        let mut tx = self.db.begin().await?;
        let seen = self.see_whole(&mut tx.ex(), actor, record).await?;
        if !can(actor, Action::RecordInstruction, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let raw = Raw { leader_name: &input.leader_name, leader_post: &input.leader_post, rank: &input.rank, given_on: &input.given_on, gist: &input.gist };
        let given = Given::parse(raw, today());
        let mut errors = given.as_ref().err().map(|e| e.0.clone()).unwrap_or_default();
        if let Some(item) = input.item_opinion_id {
            if record.kind != RecordKind::BULLETIN {
                errors.push(eline_domain::FieldError::new("item_opinion_id", "只有期刊的批示可以指明其中的一篇信息"));
            } else if !instructions::is_bulletin_item(&mut tx.ex(), record.id, item).await? {
                errors.push(eline_domain::FieldError::new("item_opinion_id", "所指的信息不在这一期期刊中"));
            }
        }
        let given = match given {
            Ok(g) if errors.is_empty() => g,
            _ => return Err(AppError::Validation(errors)),
        };
        let new = NewInstruction { committee_id: actor.committee_id, record, item_opinion_id: input.item_opinion_id, given: &given, created_by: actor.user_id };
        let row = instructions::insert(&mut tx.ex(), &new).await?;
        // On reports (or a bulletin of them), 批示 is also an outcome of each report.
        crate::opinions::instructed(&mut tx, actor, record, input.item_opinion_id, &given).await?;
        let note = given.timeline_note();
        let label = self.records.kind_label(record.kind.as_str());
        let change = Change {
            record,
            action: "instruct",
            summary: format!("{label}“{}”：{note}", seen.title),
            before: None,
            after: crate::snapshot(&row),
            timeline: Some((seen.status, &note)),
            topics: &[],
        };
        change::record(&mut tx, actor, change).await?;
        outbox::push(&mut tx.ex(), Some(actor.committee_id), outbox::SEARCH, RecordKind::INSTRUCTION.0, row.id).await?;
        let notices = crate::notify::events::instruction_recorded(&mut tx.ex(), actor.committee_id, record, input.item_opinion_id, &seen.title, &note).await?;
        crate::notify::send(&mut tx, actor.committee_id, Some(actor.user_id), &notices).await?;
        tx.commit().await?;
        self.hub.wake.notify_one();
        Ok(self.view_of(row, label, seen.title, Vec::new(), actor))
    }

    /// Adds what an instruction set in motion: the actor must see its record whole and may
    /// record instructions; the record's timeline tells it.
    pub async fn add_followup(&self, actor: &Actor, instruction_id: i64, input: &InstructionFollowUpInput) -> AppResult<FollowUpRow> {
        let mut tx = self.db.begin().await?;
        let i = instructions::get(&mut tx.ex(), actor.committee_id, instruction_id).await?.ok_or(AppError::NotFound)?;
        let record = self.record_ref("record_kind", &i.record_kind, i.record_id).map_err(|_| AppError::NotFound)?;
        let seen = self.see_whole(&mut tx.ex(), actor, record).await?;
        if !can(actor, Action::RecordInstruction, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let follow_up = FollowUp::parse(RawFollowUp { done_on: &input.done_on, by_whom: &input.by_whom, what: &input.what }, today())?;
        if input.version.is_some_and(|v| v != i.version) {
            return Err(AppError::VersionConflict);
        }
        let row = instructions::add_followup(&mut tx.ex(), i.id, &follow_up, actor.user_id).await?;
        let note = format!("批示落实（{} {}）：{}：{}", i.leader_name, i.leader_post, follow_up.by_whom, follow_up.what);
        let label = self.records.kind_label(record.kind.as_str());
        let change = Change {
            record,
            action: "instruction_followup",
            summary: format!("{label}“{}”：{note}", seen.title),
            before: None,
            after: crate::snapshot(&row),
            timeline: Some((seen.status, &note)),
            topics: &[],
        };
        change::record(&mut tx, actor, change).await?;
        outbox::push(&mut tx.ex(), Some(actor.committee_id), outbox::SEARCH, RecordKind::INSTRUCTION.0, i.id).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// The instructions on a record, for whoever sees it whole (`NotFound` otherwise).
    pub async fn instructions_of(&self, actor: &Actor, record: RecordRef) -> AppResult<RecordInstructions> {
        let mut c = self.db.acquire().await?;
        let seen = self.see_whole(&mut c.ex(), actor, record).await?;
        let rows = instructions::of_record(&mut c.ex(), actor.committee_id, record).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut followups: std::collections::HashMap<i64, Vec<FollowUpRow>> = std::collections::HashMap::new();
        for f in instructions::followups(&mut c.ex(), &ids).await? {
            followups.entry(f.instruction_id).or_default().push(f);
        }
        let label = self.records.kind_label(record.kind.as_str());
        let items = rows
            .into_iter()
            .map(|r| {
                let done = followups.remove(&r.id).unwrap_or_default();
                self.view_of(r, label, seen.title.clone(), done, actor)
            })
            .collect();
        Ok(RecordInstructions { items, may_record: can(actor, Action::RecordInstruction, Resource::Any) })
    }

    /// One instruction with its follow-ups, for whoever sees its record whole.
    pub async fn get_instruction(&self, actor: &Actor, id: i64) -> AppResult<InstructionView> {
        let mut c = self.db.acquire().await?;
        let i = instructions::get(&mut c.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let record = self.record_ref("record_kind", &i.record_kind, i.record_id).map_err(|_| AppError::NotFound)?;
        let seen = self.see_whole(&mut c.ex(), actor, record).await?;
        let followups = instructions::followups(&mut c.ex(), &[i.id]).await?;
        Ok(self.view_of(i, self.records.kind_label(record.kind.as_str()), seen.title, followups, actor))
    }

    /// Instructions on the actor's own records, newest first (the home page): proposals the
    /// member proposed or co-signed, reports the actor wrote or is credited with, and bulletin
    /// issues carrying such a report (shown on the report).
    pub async fn my_instructions(&self, actor: &Actor) -> AppResult<Vec<MyInstruction>> {
        let mut c = self.db.acquire().await?;
        let member = actor.member_id.filter(|_| actor.has(eline_domain::Role::Member));
        let rows = instructions::on_records_of(&mut c.ex(), actor.committee_id, actor.user_id, member, 20).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let own = self.records.get(&row.own_kind);
                MyInstruction { own_label: own.map_or("记录", |m| m.label()), own_url: own.map(|m| m.url(row.own_id)), row }
            })
            .collect())
    }

    fn view_of(
        &self,
        instruction: Instruction,
        record_label: &'static str,
        record_title: String,
        followups: Vec<FollowUpRow>,
        actor: &Actor,
    ) -> InstructionView {
        let record_url = self.records.get(&instruction.record_kind).map(|m| m.url(instruction.record_id));
        InstructionView { instruction, record_label, record_title, record_url, followups, may_follow_up: can(actor, Action::RecordInstruction, Resource::Any) }
    }
}
