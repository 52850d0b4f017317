//! Writing a proposal (drafts), reading one with everything recorded about it, and lists.

use chrono::NaiveDate;
use eline_domain::calendar::{days_left, days_left_label};
use eline_domain::policy::{self, Action, Resource, Scope, ScopeRule, can};
use eline_domain::proposal::{Access, Act, Kind, Occasion, ProposalRules, Status, Text, allowed};
use eline_domain::{Actor, RecordRef, Role};
use eline_storage::directory;
use eline_storage::proposals::{
    self, Assignment, Commitment, Cosigner, Evaluation, Filter, NewProposal, Proposal, ProposerContact, Reply, Row, SupervisedClosing,
};
use eline_storage::timeline::Event;
use serde::{Deserialize, Serialize};

use super::{Config, Loaded, ProposalFilter, ProposalFlow, check_members};
use crate::change::{self, Change};
use crate::context::snapshot;
use crate::workflow::Workflow;
use crate::{App, AppError, AppResult, Checks, Page};

/// A draft as written: kind, text, co-signers (joint) or organisation (collective).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DraftInput {
    pub title: String,
    pub body: String,
    pub kind: Option<String>,
    #[serde(default)]
    pub cosigner_ids: Vec<i64>,
    pub organization_id: Option<i64>,
    /// Defaults to the latest session.
    pub session_id: Option<i64>,
    /// 提案分类: one of the committee's categories.
    pub category: Option<String>,
    /// plenary (大会提案) | regular (平时提案).
    pub occasion: Option<String>,
    /// 建议承办单位: units the proposer suggests (the office sees them when assigning).
    #[serde(default)]
    pub suggested_unit_ids: Vec<i64>,
    /// 公开意愿: the proposer agrees to publication of the proposal and its reply.
    pub publish_consent: Option<bool>,
}

/// The office's fields of a draft, checked (`DraftInput::category` …).
struct DraftFields {
    category: Option<String>,
    occasion: Option<Occasion>,
    suggested_unit_ids: Vec<i64>,
}

/// At most this many suggested units (建议承办单位).
const MAX_SUGGESTED_UNITS: usize = 5;

async fn draft_fields(ex: &mut eline_storage::Ex<'_>, actor: &Actor, input: &DraftInput, rules: &ProposalRules) -> AppResult<DraftFields> {
    let mut checks = Checks::default();
    let category = checks.take(rules.category(input.category.as_deref()).map_err(|e| AppError::Validation(vec![e])))?;
    let occasion = match input.occasion.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        None => None,
        Some(o) => {
            let parsed = Occasion::parse(o);
            if parsed.is_none() {
                checks.push("occasion", "提案性质应为大会提案或平时提案");
            }
            parsed
        }
    };
    let mut units = input.suggested_unit_ids.clone();
    units.sort_unstable();
    units.dedup();
    if units.len() != input.suggested_unit_ids.len() {
        checks.push("suggested_unit_ids", "建议承办单位不能重复选择");
    } else if units.len() > MAX_SUGGESTED_UNITS {
        checks.push("suggested_unit_ids", format!("建议承办单位最多选择{MAX_SUGGESTED_UNITS}个"));
    } else {
        checks.take(super::check_units(ex, actor.committee_id, &units, "suggested_unit_ids").await)?;
    }
    match category {
        Some(category) if checks.is_empty() => Ok(DraftFields { category, occasion, suggested_unit_ids: input.suggested_unit_ids.clone() }),
        _ => Err(checks.error()),
    }
}

/// Everything a proposal's page and its API record show.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalView {
    pub proposal: Proposal,
    pub status_label: &'static str,
    pub kind_label: &'static str,
    pub session_name: String,
    pub proposer_name: Option<String>,
    pub organization_name: Option<String>,
    pub cosigners: Vec<Cosigner>,
    pub assignments: Vec<Assignment>,
    pub replies: Vec<Reply>,
    pub evaluations: Vec<Evaluation>,
    pub events: Vec<Event>,
    pub commitments: Vec<Commitment>,
    pub supervisors: Vec<(i64, String)>,
    pub allowed_actions: Vec<&'static str>,
    /// "剩余12天" / "已超期3天" while a reply is awaited.
    pub due_label: Option<String>,
    pub overdue: bool,
    pub evaluation_due_label: Option<String>,
    /// The actor's own role in handling (lead, co, split), for unit users.
    pub my_unit_role: Option<String>,
    /// The actor's unit, when it took part in handling (now or before a reassignment).
    pub my_unit_id: Option<i64>,
    pub is_proposer: bool,
    pub one_matter_hint: Option<&'static str>,
    pub attachments: Vec<eline_storage::attachments::Attachment>,
    /// What the actor may attach files for now: proposal | reply | evaluation.
    pub can_attach: Vec<&'static str>,
    /// full (the actor takes part: the whole record) | public (a published proposal seen by
    /// anyone else: what the public pages show, without the handling record).
    pub access: &'static str,
    /// Records this one is linked with (converted to or from, led to), those the actor sees.
    pub links: Vec<crate::records::ShownLink>,
    /// 大会提案 / 平时提案
    pub occasion_label: Option<&'static str>,
    /// 建议承办单位 as (unit id, name): for the proposer and the office.
    pub suggested_units: Vec<(i64, String)>,
    /// The first proposer's contact details: for the office and the assigned units only.
    pub proposer_contact: Option<ProposerContact>,
    /// Active co-units without a 会办意见 yet (the lead unit is warned before replying).
    pub pending_co_opinions: Vec<String>,
    /// The committee's proposal rules in force (reply classes, rejection reasons, limits): read
    /// with the record, so that its page need not read the configuration again.
    #[serde(skip)]
    pub rules: eline_domain::proposal::ProposalRules,
}

impl ProposalView {
    /// Only what the public pages show: the text, proposer, session, the handling units and
    /// their replies. The timeline (contacts, objections, extension reasons, supervision),
    /// evaluations, files, commitments, deadlines and internal notes are dropped.
    fn public_part(self) -> ProposalView {
        let p = self.proposal;
        let proposal = Proposal {
            review_note: None,
            converted_to: None,
            objection_open: false,
            extension_requested: false,
            extension_reason: None,
            extended: false,
            due_on: None,
            cosign_due_on: None,
            evaluation_due_on: None,
            dissatisfied_rounds: 0,
            publish_consent: None,
            ..p
        };
        ProposalView {
            proposal,
            cosigners: self.cosigners.into_iter().filter(|c| c.status == eline_domain::proposal::CosignStatus::Confirmed).collect(),
            assignments: self.assignments.into_iter().filter(|a| a.active).map(|a| Assignment { objection_reason: None, co_opinion: None, ..a }).collect(),
            evaluations: Vec::new(),
            events: Vec::new(),
            commitments: Vec::new(),
            supervisors: Vec::new(),
            allowed_actions: Vec::new(),
            due_label: None,
            overdue: false,
            evaluation_due_label: None,
            my_unit_role: None,
            my_unit_id: None,
            is_proposer: false,
            one_matter_hint: None,
            attachments: Vec::new(),
            can_attach: Vec::new(),
            links: Vec::new(),
            suggested_units: Vec::new(),
            proposer_contact: None,
            pending_co_opinions: Vec::new(),
            ..self
        }
    }
}

fn parse_kind(raw: Option<&str>) -> AppResult<Kind> {
    match raw.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(Kind::Individual),
        Some(k) => Kind::parse(k).ok_or_else(|| AppError::field("kind", "提案类型应为个人、联名或集体提案")),
    }
}

impl App {
    async fn check_draft(
        &self,
        ex: &mut eline_storage::Ex<'_>,
        actor: &Actor,
        kind: Kind,
        input: &DraftInput,
        rules: &eline_domain::proposal::ProposalRules,
    ) -> AppResult<Text> {
        let mut checks = Checks::default();
        let text = checks.take(Text::parse(&input.title, &input.body, rules).map_err(AppError::from))?;
        // Forbidden unless the kind is one the actor may write; the organisation is checked below.
        let may_write = can(actor, Action::WriteProposal(kind), Resource::Any);
        match kind {
            Kind::Individual | Kind::Joint => {
                if !may_write {
                    return Err(AppError::Forbidden);
                }
                let mut unique = input.cosigner_ids.clone();
                unique.sort_unstable();
                unique.dedup();
                if kind == Kind::Joint && input.cosigner_ids.is_empty() {
                    checks.push("cosigner_ids", "联名提案请至少选择一位联名委员");
                } else if input.cosigner_ids.iter().any(|c| Some(*c) == actor.member_id) {
                    checks.push("cosigner_ids", "联名人不能包括提案人本人");
                } else if unique.len() != input.cosigner_ids.len() {
                    checks.push("cosigner_ids", "联名委员不能重复选择");
                } else if input.cosigner_ids.len() > 50 {
                    checks.push("cosigner_ids", "联名委员不能超过50位");
                } else {
                    checks.take(check_members(&mut *ex, actor.committee_id, &input.cosigner_ids, "cosigner_ids").await)?;
                }
            }
            Kind::Collective => {
                // The office enters any organisation's; an account authorised for an
                // organisation (its delegate) writes that organisation's own.
                let office = can(actor, Action::ProposalOffice, Resource::Any);
                let org = input.organization_id.or(actor.organization_id.filter(|_| !office));
                match org {
                    None if may_write => checks.push("organization_id", "集体提案请选择提出单位（党派团体）"),
                    None => return Err(AppError::Forbidden),
                    Some(org) => {
                        if !may_write || (!office && actor.organization_id != Some(org)) {
                            return Err(AppError::Forbidden);
                        }
                        let found = directory::get(&mut *ex, eline_domain::org::DirectoryKind::Organization, actor.committee_id, org).await?;
                        if found.is_none_or(|o| o.archived) {
                            checks.push("organization_id", "所选党派团体不存在或已归档");
                        }
                    }
                }
            }
        }
        match text {
            Some(text) if checks.is_empty() => Ok(text),
            _ => Err(checks.error()),
        }
    }

    /// Saves a new draft. Members write individual and joint proposals; the office enters
    /// collective ones for an organisation.
    pub async fn create_proposal(&self, actor: &Actor, input: &DraftInput) -> AppResult<Proposal> {
        let kind = parse_kind(input.kind.as_deref())?;
        let mut tx = self.db.begin().await?;
        let (config, _) = Config::load_today(&mut tx.ex(), actor.committee_id).await?;
        // Every field's errors at once: the text, the co-signers, the fields, the session.
        let mut checks = Checks::default();
        let text = checks.take(self.check_draft(&mut tx.ex(), actor, kind, input, &config.rules).await)?;
        let fields = checks.take(draft_fields(&mut tx.ex(), actor, input, &config.rules).await)?;
        let session = match input.session_id {
            Some(id) => directory::get_session(&mut tx.ex(), actor.committee_id, id)
                .await?
                .filter(|s| !s.archived)
                .map(|s| s.id)
                .ok_or_else(|| AppError::field("session_id", "所选届次会议不存在")),
            None => directory::list_sessions(&mut tx.ex(), actor.committee_id, false, None, 1)
                .await?
                .first()
                .map(|s| s.id)
                .ok_or_else(|| AppError::field("session_id", "尚未设置届次会议，请联系政协机关")),
        };
        let session = checks.take(session)?;
        let (Some(text), Some(fields), Some(session_id)) = (text, fields, session) else { return Err(checks.error()) };
        let p = proposals::create(
            &mut tx.ex(),
            &NewProposal {
                committee_id: actor.committee_id,
                session_id,
                title: &text.title,
                body: &text.body,
                kind: kind.as_str(),
                proposer_member_id: if kind == Kind::Collective { None } else { actor.member_id },
                organization_id: if kind == Kind::Collective { input.organization_id.or(actor.organization_id) } else { None },
                created_by: actor.user_id,
                category: fields.category.as_deref(),
                occasion: fields.occasion.map(Occasion::as_str),
                publish_consent: input.publish_consent,
            },
        )
        .await?;
        if kind == Kind::Joint {
            proposals::set_cosigners(&mut tx.ex(), p.id, &input.cosigner_ids).await?;
        }
        proposals::set_suggested_units(&mut tx.ex(), p.id, &fields.suggested_unit_ids).await?;
        let change = Change {
            record: RecordRef::proposal(p.id),
            action: "create",
            summary: format!("起草提案“{}”", p.title),
            before: None,
            after: snapshot(&p),
            timeline: Some((Some(Status::Draft.as_str()), "起草提案")),
            topics: ProposalFlow::TOPICS,
        };
        change::record(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Edits a draft (only its proposer, only while a draft).
    pub async fn update_draft(&self, actor: &Actor, id: i64, version: i64, input: &DraftInput) -> AppResult<Proposal> {
        let mut tx = self.db.begin().await?;
        let l = own_draft(&mut tx.ex(), actor, id, "只有草稿可以修改；已提交的提案请先联系政协机关退回").await?;
        let kind = l.kind();
        let (config, _) = Config::load_today(&mut tx.ex(), actor.committee_id).await?;
        let input = DraftInput { kind: Some(kind.as_str().into()), organization_id: input.organization_id.or(l.p.organization_id), ..input.clone() };
        let mut checks = Checks::default();
        let text = checks.take(self.check_draft(&mut tx.ex(), actor, kind, &input, &config.rules).await)?;
        let fields = checks.take(draft_fields(&mut tx.ex(), actor, &input, &config.rules).await)?;
        let (Some(text), Some(fields)) = (text, fields) else { return Err(checks.error()) };
        let mut p = l.p.clone();
        p.title = text.title;
        p.body = text.body;
        p.category = fields.category;
        p.occasion = fields.occasion.map(|o| o.as_str().to_string());
        p.publish_consent = input.publish_consent;
        if kind == Kind::Collective {
            p.organization_id = input.organization_id;
        }
        let after = proposals::save(&mut tx.ex(), &p, version).await?;
        if kind == Kind::Joint {
            proposals::set_cosigners(&mut tx.ex(), id, &input.cosigner_ids).await?;
        }
        proposals::set_suggested_units(&mut tx.ex(), id, &fields.suggested_unit_ids).await?;
        let change = Change {
            record: RecordRef::proposal(id),
            action: "update",
            summary: format!("修改草稿“{}”", after.title),
            before: snapshot(&l.p),
            after: snapshot(&after),
            timeline: None,
            topics: ProposalFlow::TOPICS,
        };
        change::record(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes one of the actor's own drafts (删除草稿): nobody else has seen it, so it goes with
    /// its co-signer invitations, files and timeline; the audit log keeps its last text. A
    /// submitted proposal is withdrawn (撤回), never deleted. `version` None: as it is now.
    pub async fn delete_draft(&self, actor: &Actor, id: i64, version: Option<i64>) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        let l = own_draft(&mut tx.ex(), actor, id, "只有草稿可以删除；已提交的提案可以撤回").await?;
        let expected = version.unwrap_or(l.p.version);
        if !proposals::delete_draft(&mut tx.ex(), actor.committee_id, id, expected).await? {
            return Err(AppError::VersionConflict);
        }
        let change = Change {
            record: RecordRef::proposal(id),
            action: "delete",
            summary: format!("删除草稿“{}”", l.p.title),
            before: snapshot(&l.p),
            after: None,
            timeline: None,
            topics: ProposalFlow::TOPICS,
        };
        change::record(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One proposal with everything recorded about it, as the actor may see it.
    pub async fn get_proposal(&self, actor: &Actor, id: i64) -> AppResult<ProposalView> {
        self.proposal_view(actor, id, false).await
    }

    /// The proposal as an action just left it, for the actor who took the action: an action can
    /// take the actor's sight of it away (a co-signer who declines, the office returning it to
    /// its proposer as a draft); they then get its public part (title, number, status) with no
    /// actions, not "not found" for an action that succeeded.
    pub async fn proposal_after_action(&self, actor: &Actor, id: i64) -> AppResult<ProposalView> {
        self.proposal_view(actor, id, true).await
    }

    async fn proposal_view(&self, actor: &Actor, id: i64, after_action: bool) -> AppResult<ProposalView> {
        let mut c = self.db.acquire().await?;
        let mut l = Loaded::load(&mut c.ex(), actor.committee_id, id).await?;
        let access = match l.access(actor) {
            Access::None if after_action => Access::Public,
            Access::None => return Err(AppError::NotFound),
            other => other,
        };
        let (config, today) = Config::load_today(&mut c.ex(), actor.committee_id).await?;
        let who = l.standing(actor);
        let facts = l.facts(today, &config.calendar, &config.deadlines);
        let status = l.status();
        let date = |s: &Option<String>| s.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let awaiting_reply = matches!(status, Status::Assigned | Status::Rehandling);
        let due = date(&l.p.due_on).filter(|_| awaiting_reply);
        let eval_due = date(&l.p.evaluation_due_on).filter(|_| status == Status::Replied);
        let session_name = directory::get_session(&mut c.ex(), actor.committee_id, l.p.session_id).await?.map(|s| s.name()).unwrap_or_default();
        let proposer_name = match l.p.proposer_member_id {
            Some(m) => eline_storage::members::get(&mut c.ex(), actor.committee_id, m).await?.map(|m| m.name),
            None => None,
        };
        let organization_name = match l.p.organization_id {
            Some(o) => directory::get(&mut c.ex(), eline_domain::org::DirectoryKind::Organization, actor.committee_id, o).await?.map(|o| o.name),
            None => None,
        };
        let text = Text { title: l.p.title.clone(), body: String::new() };
        // The proposer's contact details: the office and the units handling it, no one else.
        let proposer_contact = match l.p.proposer_member_id {
            Some(m) if access == Access::Full && (who.staff || who.unit_role.is_some()) => {
                proposals::proposer_contact(&mut c.ex(), actor.committee_id, m).await?
            }
            _ => None,
        };
        let suggested_units = proposals::suggested_units(&mut c.ex(), id).await?;
        let pending_co_opinions = if status.awaits_reply() { l.pending_co_opinions() } else { Vec::new() };
        let can_attach = super::files::purposes(&l, actor);
        let attachments = eline_storage::attachments::of(&mut c.ex(), actor.committee_id, RecordRef::proposal(id)).await?;
        // Units see co-units' opinions and their own part; proposers see units and replies.
        let mut allowed_actions: Vec<&'static str> = allowed(&facts, &who).into_iter().map(Act::as_str).collect();
        if status == Status::Draft && who.proposer {
            allowed_actions.extend(["edit", "delete"]);
        }
        let mut view = ProposalView {
            access: access.as_str(),
            links: Vec::new(),
            rules: config.rules.clone(),
            occasion_label: l.p.occasion.as_deref().and_then(Occasion::parse).map(Occasion::label),
            suggested_units,
            proposer_contact,
            pending_co_opinions,
            status_label: status.label(),
            kind_label: l.kind().label(),
            session_name,
            proposer_name,
            organization_name,
            replies: proposals::replies(&mut c.ex(), id).await?,
            evaluations: proposals::evaluations(&mut c.ex(), id).await?,
            events: eline_storage::timeline::list(&mut c.ex(), RecordRef::proposal(id)).await?,
            commitments: std::mem::take(&mut l.commitments),
            allowed_actions,
            due_label: due.map(|d| days_left_label(today, d)),
            overdue: due.is_some_and(|d| days_left(today, d) < 0),
            evaluation_due_label: eval_due.map(|d| days_left_label(today, d)),
            my_unit_role: who.unit_role.map(|r| r.as_str().to_string()),
            my_unit_id: actor.unit_id.filter(|u| actor.has(Role::Unit) && l.assignments.iter().any(|a| a.unit_id == *u)),
            is_proposer: who.proposer,
            one_matter_hint: if status == Status::Draft { text.one_matter_hint() } else { None },
            attachments,
            can_attach,
            cosigners: l.cosigners,
            assignments: l.assignments,
            supervisors: l.supervisors,
            proposal: l.p,
        };
        // A draft has links too: a report turned into a proposal draft shows where it came from.
        if access == Access::Full {
            view.links = self.linked(&mut c.ex(), actor, RecordRef::proposal(id)).await?;
        }
        Ok(if access == Access::Public { view.public_part() } else { view })
    }

    /// A page of proposals the actor may see, newest first: the actor's list (`scope`, by
    /// default the first one `policy::default_scope` gives), narrowed by the filter.
    pub async fn list_proposals(&self, actor: &Actor, q: &ProposalFilter) -> AppResult<Page<Row>> {
        let limit = crate::limit(q.limit)?;
        let sort = q.order();
        let f = q.rows(actor)?;
        let mut items = self.list_rows(actor.committee_id, &f, limit + 1).await?;
        Ok(Page::from_overfetch(&mut items, limit, |r| sort.cursor(r.id, r.number, r.due_on.as_deref())))
    }

    /// The rows of a list through the read cache (`cache.rs`): the key is the filter after the
    /// viewer's rights were applied to it.
    pub(crate) async fn list_rows(&self, committee_id: i64, f: &Filter, limit: i64) -> AppResult<Vec<Row>> {
        let key = format!("{committee_id}|{limit}|{f:?}");
        let rows = self
            .lists
            .get_or_load(key, async {
                let mut c = self.db.acquire().await?;
                proposals::list(&mut c.ex(), committee_id, f, limit).await
            })
            .await?;
        Ok(rows.as_ref().clone())
    }
}

/// The actor's own draft: not found unless they may see it, forbidden unless they wrote it,
/// `refusal` once it is no longer a draft.
async fn own_draft(ex: &mut eline_storage::Ex<'_>, actor: &Actor, id: i64, refusal: &str) -> AppResult<Loaded> {
    let l = Loaded::load(ex, actor.committee_id, id).await?;
    if !l.visible_to(actor) {
        return Err(AppError::NotFound);
    }
    if !l.standing(actor).proposer {
        return Err(AppError::Forbidden);
    }
    if l.status() != Status::Draft {
        return Err(AppError::InvalidTransition(refusal.into()));
    }
    Ok(l)
}

impl App {
    /// The filed proposals of a session a proposal may be merged into (newest 200; office staff).
    pub async fn merge_targets(&self, actor: &Actor, session_id: i64) -> AppResult<Vec<Row>> {
        if !can(actor, Action::ProposalOffice, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        self.list_rows(actor.committee_id, &Filter { scope: Some(ScopeRule::Filed), session_id: Some(session_id), ..Filter::default() }, 200).await
    }

    /// Leader accounts as (user id, name), for choosing supervising leaders.
    /// Through the read cache, like the directory's pickers.
    pub async fn leader_choices(&self, actor: &Actor) -> AppResult<Vec<(i64, String)>> {
        let leaders = self
            .leaders
            .get_or_load(actor.committee_id.to_string(), async {
                let mut c = self.db.acquire().await?;
                let users = eline_storage::users::with_role(&mut c.ex(), actor.committee_id, "leader").await?;
                Ok::<_, AppError>(users.into_iter().map(|u| (u.id, u.display_name)).collect())
            })
            .await?;
        Ok(leaders.as_ref().clone())
    }
}

/// What a home page shows of the proposal work for the actor's role.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProposalHome {
    /// The office's queues (staff), or the unit's own counts (unit).
    pub queues: eline_storage::proposals::Queues,
    /// Member: co-sign requests waiting, replies waiting for evaluation.
    pub cosign_requests: i64,
    pub to_evaluate: i64,
    /// Member: own proposals; unit: assignments by due date; leader: supervised ones.
    pub items: Vec<Row>,
    /// Leader: the key proposals the leader supervises that were closed (办结), latest first.
    pub closings: Vec<SupervisedClosing>,
}

impl App {
    /// A committee's figures, or one unit's, through the read cache (`crate::cache`): served
    /// until the next write or for `read_cache_ms`, so a clerk who acts sees the change.
    pub(crate) async fn proposal_queues_of(&self, committee_id: i64, unit_id: Option<i64>) -> AppResult<proposals::Queues> {
        let today = super::config::fmt_date(super::today());
        let key = format!("{committee_id}/{unit_id:?}/{today}");
        let q = self
            .proposal_queues
            .get_or_load(key, async {
                let mut c = self.db.acquire().await?;
                Ok::<_, AppError>(proposals::queues(&mut c.ex(), committee_id, unit_id, &today).await?)
            })
            .await?;
        Ok((*q).clone())
    }

    pub async fn proposal_home(&self, actor: &Actor) -> AppResult<ProposalHome> {
        let mut h = ProposalHome::default();
        let role = policy::home(actor);
        let scope = match role {
            Role::Staff => {
                h.queues = self.proposal_queues_of(actor.committee_id, None).await?;
                return Ok(h);
            }
            Role::Unit if actor.unit_id.is_some() => {
                h.queues = self.proposal_queues_of(actor.committee_id, actor.unit_id).await?;
                Scope::Unit
            }
            Role::Member if actor.member_id.is_some() => {
                let mut c = self.db.acquire().await?;
                (h.cosign_requests, h.to_evaluate) = proposals::member_todo(&mut c.ex(), actor.member_id.unwrap_or_default()).await?;
                Scope::Mine
            }
            Role::Leader => {
                let mut c = self.db.acquire().await?;
                h.closings = proposals::supervised_closings(&mut c.ex(), actor.committee_id, actor.user_id, 10).await?;
                Scope::Supervised
            }
            _ => return Ok(h),
        };
        let mut items = self.list_proposals(actor, &ProposalFilter::scope(scope)).await?.items;
        if role == Role::Unit {
            // Nearest deadline first; replied ones after.
            items.sort_by_key(|r| (!r.status.awaits_reply(), r.due_on.clone().unwrap_or_default()));
        }
        items.truncate(10);
        h.items = items;
        Ok(h)
    }
}
