//! Proposal statistics (提案统计) and a session's proposal catalogue (提案目录), with their
//! spreadsheets.
//!
//! Definitions (DOMAIN.md, "Statistics"):
//! - submitted (提交): every proposal past drafting — not draft, awaiting_cosigners or withdrawn;
//! - filed (立案): filed, assigned, replied, rehandling or closed; filing rate = filed / submitted;
//! - kinds and key proposals are counted among the submitted ones;
//! - assigned (已交办): a filed proposal that was assigned to handling units — assigned, replied,
//!   rehandling or closed (filed ones waiting for assignment are not counted);
//! - replied (已答复): a filed proposal with at least one recorded reply (so one being re-handled
//!   after a reply still counts); reply rate (办复率) = replied / assigned: the units answer for
//!   what they were given, not for what still waits for assignment;
//! - on time (按期答复): the proposal's first reply, as a Beijing date, is on or before its due date
//!   (`proposal_replies.at` against `proposals.due_on`, which includes a granted extension). The
//!   due date is the current one: for a proposal sent back for re-handling it is the new one, so
//!   its first reply is measured against that later date. On-time reply rate (按期办复率) =
//!   on time / assigned;
//! - satisfaction: the latest decisive (the proposer's) evaluation of each proposal; satisfaction
//!   rate (满意率) = satisfied / evaluated, basic satisfaction rate (基本满意率) = (satisfied +
//!   basically satisfied) / evaluated;
//! - contact (沟通) and meeting (见面), from the 测评表 of the same latest decisive evaluation:
//!   surveyed = evaluations with the table; contacted = the unit contacted the proposer before or
//!   during handling in any way (当面, 电话, 书面); met = face to face (当面) before or during.
//!   沟通率 = contacted / surveyed, 见面率 = met / surveyed (ratings without the table are left
//!   out of both rates);
//! - class distribution: the class of each unit's latest reply to each proposal;
//! - categories (提案分类): the committee's categories in their configured order, then any other
//!   stored, then 未分类; counted like sectors.
//!
//! The scope is one session or all; pages and the API default to the current (latest) session.
//!
//! Per handling unit the same figures use the unit's own replies and its current assignments
//! (assigned = as lead or split unit; co-units are counted apart and do not reply).
//! Per sector counts the first proposer's sector (individual and joint proposals); per
//! organisation counts collective proposals.

use std::collections::{BTreeMap, HashMap};

use eline_domain::Actor;
use eline_domain::policy::{Action, Resource, can};
use eline_domain::proposal::{Kind, Satisfaction, Status};
use eline_storage::proposal_stats::{self as q, CountRow};
use eline_storage::{Ex, directory};
use serde::Serialize;

use super::Config;
use crate::spreadsheet::{Sheet, Workbook, write_xlsx};
use crate::{App, AppError, AppResult};

/// A rate in 0..=1; None when there is nothing to divide by.
pub fn rate(num: i64, den: i64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// The one way a rate is shown: "45.9%", or "—" when its denominator is 0.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.1}%", r * 100.0),
        None => "—".into(),
    }
}

/// The statistics of a committee, for one session or all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposalStats {
    pub session_id: Option<i64>,
    /// "十三届二次会议", or "全部届次".
    pub scope_name: String,
    pub totals: Figures,
    /// Count per status (drafts left out), for links to the list.
    pub by_status: Vec<StatusCount>,
    /// Reply classes in the configured order, then any other class found.
    pub classes: Vec<ClassCount>,
    pub units: Vec<UnitStats>,
    /// Per category (提案分类); `id` is the position in the list, from 1.
    pub categories: Vec<GroupStats>,
    pub sectors: Vec<GroupStats>,
    pub organizations: Vec<GroupStats>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub submitted: i64,
    /// Submitted and not yet reviewed (待审查).
    pub pending_review: i64,
    pub filed: i64,
    pub filing_rate: Option<f64>,
    pub not_filed: i64,
    pub merged: i64,
    pub individual: i64,
    pub joint: i64,
    pub collective: i64,
    pub key: i64,
    /// Assigned to handling units (assigned, replied, rehandling, closed).
    pub assigned: i64,
    pub replied: i64,
    /// replied / assigned
    pub reply_rate: Option<f64>,
    pub on_time: i64,
    /// on time / assigned
    pub on_time_rate: Option<f64>,
    pub evaluated: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub dissatisfied: i64,
    pub satisfaction_rate: Option<f64>,
    pub basic_satisfaction_rate: Option<f64>,
    /// Evaluated with the 测评表.
    pub surveyed: i64,
    /// … where the unit contacted the proposer before or during handling.
    pub contacted: i64,
    /// … where it met the proposer face to face.
    pub met: i64,
    /// 沟通率 = contacted / surveyed
    pub contact_rate: Option<f64>,
    /// 见面率 = met / surveyed
    pub meeting_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusCount {
    pub status: String,
    pub label: &'static str,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassCount {
    pub class: String,
    pub label: String,
    pub count: i64,
}

/// One handling unit's work (承办单位办理情况).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitStats {
    pub unit_id: i64,
    pub name: String,
    /// Currently assigned as lead (主办) or split (分办) unit.
    pub assigned: i64,
    /// Currently assigned as co-unit (会办).
    pub co_handled: i64,
    pub replied: i64,
    /// replied / assigned
    pub reply_rate: Option<f64>,
    pub on_time: i64,
    /// on time / assigned
    pub on_time_rate: Option<f64>,
    /// Same order as `ProposalStats::classes`.
    pub classes: Vec<ClassCount>,
    pub evaluated: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub satisfaction_rate: Option<f64>,
    pub basic_satisfaction_rate: Option<f64>,
}

/// A sector's or an organisation's proposals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupStats {
    pub id: i64,
    pub name: String,
    pub submitted: i64,
    pub filed: i64,
    pub filing_rate: Option<f64>,
    pub not_filed: i64,
    pub merged: i64,
    pub key: i64,
    pub assigned: i64,
    pub replied: i64,
    /// replied / assigned
    pub reply_rate: Option<f64>,
}

/// Counts of proposals, added up from grouped rows.
#[derive(Default)]
struct Tally {
    submitted: i64,
    pending_review: i64,
    filed: i64,
    not_filed: i64,
    merged: i64,
    key: i64,
    assigned: i64,
    replied: i64,
    kinds: [i64; 3],
}

impl Tally {
    fn add(&mut self, r: &CountRow) {
        let Some(status) = Status::parse(&r.status) else { return };
        if matches!(status, Status::Draft | Status::AwaitingCosigners | Status::Withdrawn) {
            return;
        }
        self.submitted += r.n;
        match status {
            Status::Submitted => self.pending_review += r.n,
            Status::NotFiled => self.not_filed += r.n,
            Status::Merged => self.merged += r.n,
            s if s.is_filed() => {
                self.filed += r.n;
                if s != Status::Filed {
                    self.assigned += r.n;
                }
                if r.has_reply == 1 {
                    self.replied += r.n;
                }
            }
            _ => {}
        }
        if r.is_key == 1 {
            self.key += r.n;
        }
        match Kind::parse(&r.kind) {
            Some(Kind::Individual) => self.kinds[0] += r.n,
            Some(Kind::Joint) => self.kinds[1] += r.n,
            Some(Kind::Collective) => self.kinds[2] += r.n,
            None => {}
        }
    }

    fn group(&self, id: i64, name: String) -> GroupStats {
        GroupStats {
            id,
            name,
            submitted: self.submitted,
            filed: self.filed,
            filing_rate: rate(self.filed, self.submitted),
            not_filed: self.not_filed,
            merged: self.merged,
            key: self.key,
            assigned: self.assigned,
            replied: self.replied,
            reply_rate: rate(self.replied, self.assigned),
        }
    }
}

/// Satisfaction counts of a set of proposals.
#[derive(Default)]
struct Marks {
    evaluated: i64,
    satisfied: i64,
    basically_satisfied: i64,
    dissatisfied: i64,
}

impl Marks {
    /// `n` evaluations of one satisfaction (None: not evaluated, not counted).
    fn add(&mut self, satisfaction: Option<&str>, n: i64) {
        let Some(s) = satisfaction.and_then(Satisfaction::parse) else { return };
        self.evaluated += n;
        match s {
            Satisfaction::Satisfied => self.satisfied += n,
            Satisfaction::BasicallySatisfied => self.basically_satisfied += n,
            Satisfaction::Dissatisfied => self.dissatisfied += n,
        }
    }
    fn rates(&self) -> (Option<f64>, Option<f64>) {
        (rate(self.satisfied, self.evaluated), rate(self.satisfied + self.basically_satisfied, self.evaluated))
    }
}

fn class_counts(codes: &[(String, String)], counts: &HashMap<String, i64>) -> Vec<ClassCount> {
    codes.iter().map(|(c, l)| ClassCount { class: c.clone(), label: l.clone(), count: counts.get(c).copied().unwrap_or(0) }).collect()
}

/// Statistics and the catalogue are for the office and leaders (`ViewProposalStats`); like
/// other refused reads, a refusal is not audited.
fn may_read(actor: &Actor) -> AppResult<()> {
    if can(actor, Action::ViewProposalStats, Resource::Any) { Ok(()) } else { Err(AppError::Forbidden) }
}

async fn session_name(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> AppResult<String> {
    directory::get_session(ex, committee_id, id).await?.map(|s| s.name()).ok_or_else(|| AppError::field("session_id", "所选届次会议不存在"))
}

impl App {
    /// The statistics of the actor's committee for one session (None = all sessions).
    pub async fn proposal_stats(&self, actor: &Actor, session_id: Option<i64>) -> AppResult<ProposalStats> {
        may_read(actor)?;
        let cid = actor.committee_id;
        let mut c = self.db.acquire().await?;
        let scope_name = match session_id {
            Some(id) => session_name(&mut c.ex(), cid, id).await?,
            None => "全部届次".into(),
        };
        let (config, _) = Config::load_today(&mut c.ex(), cid).await?;
        let rows = q::counts(&mut c.ex(), cid, session_id).await?;
        let replies = q::unit_reply_groups(&mut c.ex(), cid, session_id).await?;
        let on_time_count = q::first_replies_on_time(&mut c.ex(), cid, session_id).await?;
        let assignments = q::unit_assignments(&mut c.ex(), cid, session_id).await?;
        let evaluations = q::evaluation_counts(&mut c.ex(), cid, session_id).await?;
        drop(c);

        // Totals, statuses, sectors, organisations: from the grouped counts.
        let mut total = Tally::default();
        let mut statuses: HashMap<String, i64> = HashMap::new();
        let mut sectors: BTreeMap<(i64, String), Tally> = BTreeMap::new();
        let mut organizations: BTreeMap<(i64, String), Tally> = BTreeMap::new();
        let mut categories: HashMap<Option<String>, Tally> = HashMap::new();
        for r in &rows {
            categories.entry(r.category.clone()).or_default().add(r);
            total.add(r);
            *statuses.entry(r.status.clone()).or_default() += r.n;
            if let (Some(id), Some(name)) = (r.sector_id, &r.sector_name) {
                sectors.entry((id, name.clone())).or_default().add(r);
            }
            if let (Some(id), Some(name), Some(Kind::Collective)) = (r.organization_id, &r.organization_name, Kind::parse(&r.kind)) {
                organizations.entry((id, name.clone())).or_default().add(r);
            }
        }

        // Replies per unit (counted by the database per unit, class, on time and evaluation).
        let mut class_totals: HashMap<String, i64> = HashMap::new();
        let mut units: BTreeMap<i64, UnitAcc> = BTreeMap::new();
        for r in &replies {
            *class_totals.entry(r.class.clone()).or_default() += r.n;
            let u = units.entry(r.unit_id).or_insert_with(|| UnitAcc::named(&r.unit_name));
            u.replied += r.n;
            if r.on_time == 1 {
                u.on_time += r.n;
            }
            *u.classes.entry(r.class.clone()).or_default() += r.n;
            u.marks.add(r.satisfaction.as_deref(), r.n);
        }
        for a in &assignments {
            let u = units.entry(a.unit_id).or_insert_with(|| UnitAcc::named(&a.unit_name));
            if a.role == "co" {
                u.co_handled += a.n;
            } else {
                u.assigned += a.n;
            }
        }

        let mut codes: Vec<(String, String)> = config.rules.reply_classes.clone();
        let mut others: Vec<&String> = class_totals.keys().filter(|c| !codes.iter().any(|(k, _)| k == *c)).collect();
        others.sort();
        codes.extend(others.into_iter().map(|c| (c.clone(), String::new())));

        let mut marks = Marks::default();
        let (mut surveyed, mut contacted, mut met) = (0, 0, 0);
        for g in &evaluations {
            marks.add(Some(&g.satisfaction), g.n);
            surveyed += g.surveyed * g.n;
            contacted += g.surveyed * g.contacted * g.n;
            met += g.surveyed * g.met * g.n;
        }
        let (satisfaction_rate, basic_satisfaction_rate) = marks.rates();
        let totals = Figures {
            submitted: total.submitted,
            pending_review: total.pending_review,
            filed: total.filed,
            filing_rate: rate(total.filed, total.submitted),
            not_filed: total.not_filed,
            merged: total.merged,
            individual: total.kinds[0],
            joint: total.kinds[1],
            collective: total.kinds[2],
            key: total.key,
            assigned: total.assigned,
            replied: total.replied,
            reply_rate: rate(total.replied, total.assigned),
            on_time: on_time_count,
            on_time_rate: rate(on_time_count, total.assigned),
            evaluated: marks.evaluated,
            satisfied: marks.satisfied,
            basically_satisfied: marks.basically_satisfied,
            dissatisfied: marks.dissatisfied,
            satisfaction_rate,
            basic_satisfaction_rate,
            surveyed,
            contacted,
            met,
            contact_rate: rate(contacted, surveyed),
            meeting_rate: rate(met, surveyed),
        };

        let by_status = Status::ALL
            .iter()
            .filter(|s| **s != Status::Draft)
            .filter_map(|s| statuses.get(s.as_str()).map(|n| StatusCount { status: s.as_str().into(), label: s.label(), count: *n }))
            .collect();
        let mut units: Vec<UnitStats> = units.into_iter().map(|(id, u)| u.finish(id, &codes)).collect();
        units.sort_by(|a, b| b.assigned.cmp(&a.assigned).then_with(|| a.name.cmp(&b.name)));
        let groups = |m: BTreeMap<(i64, String), Tally>| {
            let mut v: Vec<GroupStats> = m.into_iter().map(|((id, name), t)| t.group(id, name)).collect();
            v.sort_by(|a, b| b.submitted.cmp(&a.submitted).then_with(|| a.name.cmp(&b.name)));
            v
        };
        Ok(ProposalStats {
            session_id,
            scope_name,
            totals,
            by_status,
            classes: class_counts(&codes, &class_totals),
            units,
            categories: category_groups(&config.rules.categories, categories),
            sectors: groups(sectors),
            organizations: groups(organizations),
        })
    }
}

/// The committee's categories in their order (each, counted or not), then other stored ones by
/// name, then the proposals without a category (未分类) when there are any.
fn category_groups(configured: &[String], mut counts: HashMap<Option<String>, Tally>) -> Vec<GroupStats> {
    let mut names: Vec<String> = configured.to_vec();
    let mut others: Vec<String> = counts.keys().flatten().filter(|c| !configured.contains(c)).cloned().collect();
    others.sort();
    names.extend(others);
    let mut out: Vec<GroupStats> = names.into_iter().map(|n| (counts.remove(&Some(n.clone())).unwrap_or_default(), n)).map(|(t, n)| t.group(0, n)).collect();
    if let Some(t) = counts.remove(&None).filter(|t| t.submitted > 0) {
        out.push(t.group(0, "未分类".into()));
    }
    for (i, g) in out.iter_mut().enumerate() {
        g.id = i as i64 + 1;
    }
    out
}

impl App {
    /// The current session (the latest one not archived): what statistics show by default.
    pub async fn current_session_id(&self, actor: &Actor) -> AppResult<Option<i64>> {
        let mut c = self.db.acquire().await?;
        Ok(directory::list_sessions(&mut c.ex(), actor.committee_id, false, None, 1).await?.first().map(|s| s.id))
    }
}

struct UnitAcc {
    name: String,
    assigned: i64,
    co_handled: i64,
    replied: i64,
    on_time: i64,
    classes: HashMap<String, i64>,
    marks: Marks,
}

impl UnitAcc {
    fn named(name: &str) -> UnitAcc {
        UnitAcc { name: name.into(), assigned: 0, co_handled: 0, replied: 0, on_time: 0, classes: HashMap::new(), marks: Marks::default() }
    }

    fn finish(self, unit_id: i64, codes: &[(String, String)]) -> UnitStats {
        let (satisfaction_rate, basic_satisfaction_rate) = self.marks.rates();
        UnitStats {
            unit_id,
            name: self.name,
            assigned: self.assigned,
            co_handled: self.co_handled,
            replied: self.replied,
            reply_rate: rate(self.replied, self.assigned),
            on_time: self.on_time,
            on_time_rate: rate(self.on_time, self.assigned),
            classes: class_counts(codes, &self.classes),
            evaluated: self.marks.evaluated,
            satisfied: self.marks.satisfied,
            basically_satisfied: self.marks.basically_satisfied,
            satisfaction_rate,
            basic_satisfaction_rate,
        }
    }
}

// ---- the catalogue (提案目录) ----

/// A session's filed proposals in number order, as printed in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalogue {
    pub session_id: i64,
    pub session_name: String,
    pub items: Vec<CatalogueItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueItem {
    pub id: i64,
    /// "第0001号"
    pub number: String,
    pub title: String,
    /// The organisation, or the first proposer followed by the confirmed co-signers.
    pub proposers: String,
    /// Lead unit (主办), or the split units (分办).
    pub lead_units: String,
    /// Co-units (会办).
    pub co_units: String,
    /// The first proposer's sector (界别); empty on collective proposals.
    pub sector: String,
    /// The first proposer's party (党派, 政治面貌), or the organisation of a collective proposal.
    pub party: String,
}

impl App {
    /// The catalogue of a session (None = the latest session).
    pub async fn proposal_catalogue(&self, actor: &Actor, session_id: Option<i64>) -> AppResult<Catalogue> {
        may_read(actor)?;
        let cid = actor.committee_id;
        let mut c = self.db.acquire().await?;
        let session_id = match session_id {
            Some(id) => id,
            None => directory::list_sessions(&mut c.ex(), cid, false, None, 1)
                .await?
                .first()
                .map(|s| s.id)
                .ok_or_else(|| AppError::field("session_id", "尚未设置届次会议，请先在“组织机构 › 届次”中添加"))?,
        };
        let session_name = session_name(&mut c.ex(), cid, session_id).await?;
        let rows = q::catalogue(&mut c.ex(), cid, session_id).await?;
        let mut cosigners: HashMap<i64, Vec<String>> = HashMap::new();
        for (p, name) in q::catalogue_cosigners(&mut c.ex(), cid, session_id).await? {
            cosigners.entry(p).or_default().push(name);
        }
        let mut units: HashMap<i64, (Vec<String>, Vec<String>)> = HashMap::new();
        for (p, name, role) in q::catalogue_units(&mut c.ex(), cid, session_id).await? {
            let entry = units.entry(p).or_default();
            match role.as_str() {
                "co" => entry.1.push(name),
                "split" => entry.0.push(format!("{name}（分办）")),
                _ => entry.0.push(name),
            }
        }
        let items = rows
            .into_iter()
            .map(|r| {
                let party = r.organization_name.clone().or(r.party).unwrap_or_default();
                let proposers = match (r.organization_name, r.proposer_name) {
                    (Some(o), _) => o,
                    (None, Some(first)) => std::iter::once(first).chain(cosigners.remove(&r.id).unwrap_or_default()).collect::<Vec<_>>().join("、"),
                    (None, None) => String::new(),
                };
                let (lead, co) = units.remove(&r.id).unwrap_or_default();
                CatalogueItem {
                    id: r.id,
                    number: r.number.map(|n| format!("第{n:04}号")).unwrap_or_default(),
                    title: r.title,
                    proposers,
                    lead_units: lead.join("、"),
                    co_units: co.join("、"),
                    sector: r.sector_name.unwrap_or_default(),
                    party,
                }
            })
            .collect();
        Ok(Catalogue { session_id, session_name, items })
    }

    /// The catalogue as a workbook (提案目录), named after its session.
    pub async fn proposal_catalogue_xlsx(&self, actor: &Actor, session_id: Option<i64>) -> AppResult<Workbook> {
        let cat = self.proposal_catalogue(actor, session_id).await?;
        let mut sheet = Sheet::new("提案目录", ["编号", "标题", "提案者", "界别", "党派", "主办单位", "会办单位"]);
        for i in cat.items {
            sheet.push([i.number, i.title, i.proposers, i.sector, i.party, i.lead_units, i.co_units]);
        }
        Ok(Workbook::named("提案目录", Some(&cat.session_name), write_xlsx(&[sheet])?))
    }
}
