//! Writing a report: creating and editing a draft (or a returned report), deleting a draft, and
//! the conversions both ways — a rejected proposal converted to 社情民意 becomes a draft report for
//! its proposer; a report becomes a proposal draft of its author. Each one transaction.

use chrono::Datelike;
use eline_domain::opinion::{self, Act, Channel, Status, Submitter};
use eline_domain::org::DirectoryKind;
use eline_domain::proposal::{Kind as ProposalKind, Status as ProposalStatus};
use eline_domain::record::LinkRelation;
use eline_domain::{Actor, RecordKind, RecordRef, Role};
use eline_storage::opinions::{self, NewOpinion, Opinion};
use eline_storage::proposals::{self, NewProposal, Proposal};
use eline_storage::{Ex, Tx, directory, links, members};

use super::{Config, Loaded, OpinionDraft, OpinionFlow, authors_turn};
use crate::change::{self, Change};
use crate::proposals::ProposalFlow;
use crate::workflow::Workflow;
use crate::{App, AppError, AppResult, Checks, snapshot};

/// Who a new report is credited to.
struct Credit {
    kind: Submitter,
    member_id: Option<i64>,
    organization_id: Option<i64>,
    special_committee_id: Option<i64>,
    sector_id: Option<i64>,
    name: String,
}

impl Credit {
    fn of(kind: Submitter, name: String) -> Credit {
        Credit { kind, member_id: None, organization_id: None, special_committee_id: None, sector_id: None, name }
    }
}

/// Who the actor writes as: themselves (a member, an organisation's account, an informant), or —
/// the office — the submitter chosen in the form.
async fn credit(ex: &mut Ex<'_>, actor: &Actor, input: &OpinionDraft) -> AppResult<Credit> {
    let cid = actor.committee_id;
    let chosen = input.submitter_kind.as_deref().map(str::trim).filter(|k| !k.is_empty());
    if actor.has(Role::Staff) && chosen.is_some() {
        let kind = Submitter::parse(chosen.unwrap_or_default())
            .filter(|k| *k != Submitter::Committee)
            .ok_or_else(|| AppError::field("submitter_kind", "报送人类别应为委员、党派团体、专委会、界别或特邀信息员"))?;
        let missing = || AppError::field("submitter_id", format!("请选择报送的{}", kind.label()));
        return match kind {
            Submitter::Member => {
                let id = input.submitter_id.ok_or_else(missing)?;
                let m = members::get(ex, cid, id).await?.filter(|m| !m.archived).ok_or_else(|| AppError::field("submitter_id", "所选委员不存在"))?;
                Ok(Credit { member_id: Some(m.id), ..Credit::of(kind, m.name) })
            }
            Submitter::Informant => {
                let name =
                    input.author_name.as_deref().map(str::trim).filter(|n| !n.is_empty()).ok_or_else(|| AppError::field("author_name", "请填写信息员姓名"))?;
                Ok(Credit::of(kind, name.chars().take(50).collect()))
            }
            _ => {
                let dir = match kind {
                    Submitter::Organization => DirectoryKind::Organization,
                    Submitter::SpecialCommittee => DirectoryKind::SpecialCommittee,
                    _ => DirectoryKind::Sector,
                };
                let id = input.submitter_id.ok_or_else(missing)?;
                let e = directory::get(ex, dir, cid, id)
                    .await?
                    .filter(|e| !e.archived)
                    .ok_or_else(|| AppError::field("submitter_id", format!("所选{}不存在", kind.label())))?;
                let mut c = Credit::of(kind, e.name);
                match kind {
                    Submitter::Organization => c.organization_id = Some(e.id),
                    Submitter::SpecialCommittee => c.special_committee_id = Some(e.id),
                    _ => c.sector_id = Some(e.id),
                }
                Ok(c)
            }
        };
    }
    if let Some(m) = actor.member_id.filter(|_| actor.has(Role::Member)) {
        let name = members::get(ex, cid, m).await?.map(|m| m.name).unwrap_or_else(|| actor.display_name.clone());
        return Ok(Credit { member_id: Some(m), ..Credit::of(Submitter::Member, name) });
    }
    if let Some(o) = actor.organization_id {
        let e = directory::get(ex, DirectoryKind::Organization, cid, o).await?.ok_or(AppError::Forbidden)?;
        return Ok(Credit { organization_id: Some(o), ..Credit::of(Submitter::Organization, e.name) });
    }
    if actor.has(Role::Informant) {
        return Ok(Credit::of(Submitter::Informant, actor.display_name.clone()));
    }
    if actor.has(Role::Staff) {
        return Err(AppError::field("submitter_kind", "请选择代谁报送：委员、党派团体、专委会、界别或特邀信息员"));
    }
    Err(AppError::Forbidden)
}

impl App {
    /// A new draft report of the actor (or, by the office, for a submitter).
    pub async fn create_opinion(&self, actor: &Actor, input: &OpinionDraft) -> AppResult<Opinion> {
        if !opinion::may_write(actor) {
            return Err(AppError::Forbidden);
        }
        let mut tx = self.db.begin().await?;
        let config = Config::load(&mut tx.ex(), actor.committee_id).await?;
        let mut checks = Checks::default();
        let text = checks.take(config.rules.check_text(&input.title, &input.body).map_err(AppError::from))?;
        let credit = checks.take(credit(&mut tx.ex(), actor, input).await)?;
        let (Some((title, body)), Some(credit)) = (text, credit) else { return Err(checks.error()) };
        let channel = if input.direct { Channel::Direct } else { Channel::Opinion };
        let new = NewOpinion {
            committee_id: actor.committee_id,
            year: i64::from(config.today.year()),
            channel,
            status: Status::Draft,
            title: &title,
            body: &body,
            submitter_kind: credit.kind,
            member_id: credit.member_id,
            organization_id: credit.organization_id,
            special_committee_id: credit.special_committee_id,
            sector_id: credit.sector_id,
            author_name: &credit.name,
            created_by: actor.user_id,
            origin_id: None,
        };
        let o = opinions::create(&mut tx.ex(), &new).await?;
        record(&mut tx, actor, &o, "create", None, "起草信息").await?;
        tx.commit().await?;
        Ok(o)
    }

    /// Edits a draft or a returned report (its author only).
    pub async fn update_opinion(&self, actor: &Actor, id: i64, version: Option<i64>, input: &OpinionDraft) -> AppResult<Opinion> {
        let mut tx = self.db.begin().await?;
        let l = Loaded::load(&mut tx.ex(), actor.committee_id, id).await?;
        own_turn(actor, &l, "只有草稿或退回修改的信息可以修改")?;
        if version.or(input.version).is_some_and(|v| v != l.o.version) {
            return Err(AppError::VersionConflict);
        }
        let config = Config::load(&mut tx.ex(), actor.committee_id).await?;
        let (title, body) = config.rules.check_text(&input.title, &input.body)?;
        let mut o = l.o.clone();
        (o.title, o.body) = (title, body);
        o.channel = if input.direct { Channel::Direct } else { Channel::Opinion };
        let saved = opinions::save(&mut tx.ex(), &o, l.o.version).await?;
        record(&mut tx, actor, &saved, "update", Some(&l.o), "修改信息").await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Deletes a draft (its author only); the audit log keeps it.
    pub async fn delete_opinion(&self, actor: &Actor, id: i64, version: Option<i64>) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        let l = Loaded::load(&mut tx.ex(), actor.committee_id, id).await?;
        own_turn(actor, &l, "只有草稿可以删除")?;
        if l.o.status != Status::Draft {
            return Err(AppError::InvalidTransition("只有草稿可以删除；退回修改的信息可以修改后重新提交".into()));
        }
        if !opinions::delete_draft(&mut tx.ex(), actor.committee_id, id, version.unwrap_or(l.o.version)).await? {
            return Err(AppError::VersionConflict);
        }
        let change = Change {
            record: RecordRef::new(RecordKind::OPINION, id),
            action: Act::Delete.as_str(),
            summary: format!("删除信息草稿“{}”", l.o.title),
            before: snapshot(&l.o),
            after: None,
            timeline: None,
            topics: OpinionFlow::TOPICS,
        };
        change::record(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns a report into a proposal draft of its author (a member's report only); both records
    /// show the link. Returns the proposal.
    pub async fn convert_opinion_to_proposal(&self, actor: &Actor, id: i64) -> AppResult<Proposal> {
        let mut tx = self.db.begin().await?;
        let l = Loaded::load(&mut tx.ex(), actor.committee_id, id).await?;
        let member = actor.member_id.filter(|_| actor.has(Role::Member));
        if l.access(actor) == eline_domain::Access::None {
            return Err(AppError::NotFound);
        }
        if member.is_none() || member != l.o.member_id {
            return Err(AppError::Forbidden);
        }
        let to = RecordRef::new(RecordKind::OPINION, id);
        if links::of(&mut tx.ex(), actor.committee_id, to).await?.iter().any(|k| k.relation == LinkRelation::ConvertedTo.as_str()) {
            return Err(AppError::InvalidTransition("这篇信息已经有转换记录".into()));
        }
        let session = directory::list_sessions(&mut tx.ex(), actor.committee_id, false, None, 1)
            .await?
            .first()
            .map(|s| s.id)
            .ok_or_else(|| AppError::InvalidTransition("尚未设置届次会议，请联系政协机关".into()))?;
        let new = NewProposal {
            committee_id: actor.committee_id,
            session_id: session,
            title: &l.o.title,
            body: &l.o.body,
            kind: ProposalKind::Individual.as_str(),
            proposer_member_id: member,
            organization_id: None,
            created_by: actor.user_id,
            category: None,
            occasion: None,
            publish_consent: None,
        };
        let p = proposals::create(&mut tx.ex(), &new).await?;
        links::add(&mut tx.ex(), actor.committee_id, to, RecordRef::proposal(p.id), LinkRelation::ConvertedTo.as_str(), Some(actor.user_id)).await?;
        let note = format!("由社情民意信息“{}”转为提案草稿", l.o.title);
        let change = Change {
            record: RecordRef::proposal(p.id),
            action: "create",
            summary: format!("起草提案“{}”（{note}）", p.title),
            before: None,
            after: snapshot(&p),
            timeline: Some((Some(ProposalStatus::Draft.as_str()), &note)),
            topics: ProposalFlow::TOPICS,
        };
        change::record(&mut tx, actor, change).await?;
        record(&mut tx, actor, &l.o, Act::ConvertToProposal.as_str(), None, &format!("转为提案草稿（提案“{}”）", p.title)).await?;
        tx.commit().await?;
        Ok(p)
    }
}

/// The draft report a rejected proposal becomes when its conversion to 社情民意 was recorded
/// (inside the review's transaction): credited to the proposer (or the organisation), linked
/// from the proposal. Returns the report's id.
pub(crate) async fn draft_from_proposal(tx: &mut Tx, actor: &Actor, p: &Proposal) -> AppResult<i64> {
    let config = Config::load(&mut tx.ex(), actor.committee_id).await?;
    let cid = actor.committee_id;
    let (kind, name, created_by) = match (p.kind, p.proposer_member_id, p.organization_id) {
        (ProposalKind::Collective, _, Some(o)) => {
            let name = directory::get(&mut tx.ex(), DirectoryKind::Organization, cid, o).await?.map(|e| e.name).unwrap_or_default();
            (Submitter::Organization, name, p.created_by)
        }
        (_, Some(m), _) => (Submitter::Member, members::get(&mut tx.ex(), cid, m).await?.map(|m| m.name).unwrap_or_default(), p.created_by),
        _ => (Submitter::Organization, String::new(), p.created_by),
    };
    // The text as the proposal had it, cut to the report's limit (the author edits it to one matter).
    let body: String = p.body.chars().take(config.rules.body_max_chars).collect();
    let title: String = p.title.chars().take(config.rules.title_max_chars).collect();
    let new = NewOpinion {
        committee_id: cid,
        year: i64::from(config.today.year()),
        channel: Channel::Opinion,
        status: Status::Draft,
        title: &title,
        body: &body,
        submitter_kind: kind,
        member_id: p.proposer_member_id.filter(|_| kind == Submitter::Member),
        organization_id: p.organization_id.filter(|_| kind == Submitter::Organization),
        special_committee_id: None,
        sector_id: None,
        author_name: &name,
        created_by,
        origin_id: None,
    };
    let o = opinions::create(&mut tx.ex(), &new).await?;
    links::add(
        &mut tx.ex(),
        cid,
        RecordRef::proposal(p.id),
        RecordRef::new(RecordKind::OPINION, o.id),
        LinkRelation::ConvertedTo.as_str(),
        Some(actor.user_id),
    )
    .await?;
    record(tx, actor, &o, "create", None, &format!("由不立案提案“{}”转来的信息草稿，请修改后提交", p.title)).await?;
    Ok(o.id)
}

fn own_turn(actor: &Actor, l: &Loaded, refusal: &str) -> AppResult<()> {
    if l.access(actor) == eline_domain::Access::None {
        return Err(AppError::NotFound);
    }
    if !l.standing(actor).author {
        return Err(AppError::Forbidden);
    }
    if !authors_turn(actor, l) {
        return Err(AppError::InvalidTransition(refusal.into()));
    }
    Ok(())
}

/// The change of a report outside its workflow (create, edit, convert): audit, timeline, search.
async fn record(tx: &mut Tx, actor: &Actor, o: &Opinion, action: &str, before: Option<&Opinion>, note: &str) -> AppResult<()> {
    let change = Change {
        record: RecordRef::new(RecordKind::OPINION, o.id),
        action,
        summary: format!("社情民意“{}”：{note}", o.title),
        before: before.and_then(snapshot),
        after: snapshot(o),
        timeline: Some((Some(o.status.as_str()), note)),
        topics: OpinionFlow::TOPICS,
    };
    change::record(tx, actor, change).await?;
    Ok(())
}
