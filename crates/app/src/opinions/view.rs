//! Reading reports: one report as the actor may see it (revisions and their diffs, its fate at
//! every level, what the actor may do next), the lists, and the home page's counts.

use chrono::NaiveDate;
use eline_domain::calendar::{days_left, days_left_label};
use eline_domain::opinion::{self, Level, Status, Step, transition};
use eline_domain::{Access, Actor, RecordKind, RecordRef};
use eline_storage::opinions::{self, Opinion, Outcome, Revision, Row};
use eline_storage::timeline::Event;
use eline_storage::{committees, timeline};
use serde::Serialize;

use super::{Config, DiffLine, Loaded, OpinionFilter, diff};
use crate::page::Page;
use crate::{App, AppError, AppResult};

/// One revision with its diff against the one before.
#[derive(Debug, Clone, Serialize)]
pub struct ShownRevision {
    pub r: Revision,
    pub title_diff: Vec<DiffLine>,
    pub body_diff: Vec<DiffLine>,
}

/// The report at another level of its chain: the committee and what became of it there.
#[derive(Debug, Clone, Serialize)]
pub struct ChainStep {
    pub committee: String,
    pub level: Level,
    pub status: Status,
}

/// A report as the actor sees it.
#[derive(Debug, Clone, Serialize)]
pub struct OpinionView {
    pub o: Opinion,
    pub access: Access,
    /// Revisions oldest first, each with its diff (whole access only).
    pub revisions: Vec<ShownRevision>,
    pub outcomes: Vec<Outcome>,
    /// The report above (reported up) and below (received from), each with its committee.
    pub above: Option<ChainStep>,
    pub below: Option<ChainStep>,
    pub events: Vec<Event>,
    /// The actions the actor may take now (names of `opinion_actions!`).
    pub actions: Vec<&'static str>,
    /// The author may edit it (draft or returned) and delete it (draft).
    pub editable: bool,
    pub deletable: bool,
    /// The author (a member) may turn it into a proposal draft.
    pub convertible: bool,
    /// 还剩3个工作日 / 已超期2天, while it waits for the office.
    pub due_label: Option<String>,
    pub overdue: bool,
    /// The levels an outcome may be recorded at here (this committee's and above, by hand).
    pub outcome_levels: Vec<Level>,
}

/// What a list page shows.
pub type OpinionPage = Page<Row>;

/// The home page's counts of the information work.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OpinionHome {
    /// The author's own reports by status: (status, label, count).
    pub mine: Vec<(Status, &'static str, i64)>,
    /// The office's queues.
    pub queues: Option<opinions::Queues>,
}

impl App {
    /// One report as the actor may see it.
    pub async fn get_opinion(&self, actor: &Actor, id: i64) -> AppResult<OpinionView> {
        let mut c = self.db.acquire().await?;
        let l = Loaded::load(&mut c.ex(), actor.committee_id, id).await?;
        let access = l.access(actor);
        if access == Access::None {
            return Err(AppError::NotFound);
        }
        let full = access == Access::Full;
        let config = Config::load(&mut c.ex(), actor.committee_id).await?;
        let here = committees::get(&mut c.ex(), actor.committee_id).await?.ok_or(AppError::NotFound)?;
        let own = Level::of_committee(&here.level);
        let mut revisions = Vec::new();
        if full {
            let mut before: Option<Revision> = None;
            for r in opinions::revisions(&mut c.ex(), id).await? {
                let (t, b) = before.as_ref().map(|p| (p.title.as_str(), p.body.as_str())).unwrap_or(("", ""));
                revisions.push(ShownRevision { title_diff: diff(t, &r.title), body_diff: diff(b, &r.body), r: r.clone() });
                before = Some(r);
            }
        }
        let above = if full { chain_step(&mut c.ex(), l.o.reported_up_id).await? } else { None };
        let below = if full { chain_step(&mut c.ex(), l.o.origin_id).await? } else { None };
        let who = l.standing(actor);
        let facts = l.facts();
        let steps = [
            ("submit", Step::Submit),
            ("take", Step::Take),
            ("revise", Step::Revise),
            ("return", Step::Return),
            ("adopt", Step::Adopt),
            ("keep", Step::Keep),
            ("mark_direct", Step::MarkDirect(true)),
            ("report_up", Step::ReportUp),
            ("record_outcome", Step::RecordOutcome),
        ];
        let actions = if full { steps.iter().filter(|(_, s)| transition(&facts, &who, *s).is_ok()).map(|(n, _)| *n).collect() } else { Vec::new() };
        let waiting = l.o.status.awaits_office();
        let due = l.o.due_on.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).filter(|_| waiting);
        let authors = who.author && full;
        let outcome_levels = Level::ALL.iter().copied().filter(|lv| *lv == own || (*lv > own && l.o.reported_up_id.is_none())).collect();
        Ok(OpinionView {
            outcomes: if full || l.o.published { opinions::outcomes(&mut c.ex(), id).await? } else { Vec::new() },
            events: if full { timeline::list(&mut c.ex(), RecordRef::new(RecordKind::OPINION, id)).await? } else { Vec::new() },
            revisions,
            above,
            below,
            actions,
            editable: authors && l.o.status.with_author(),
            deletable: authors && l.o.status == Status::Draft,
            convertible: authors && l.o.member_id.is_some() && l.o.member_id == actor.member_id && l.o.status != Status::Draft,
            due_label: due.map(|d| days_left_label(config.today, d)),
            overdue: due.is_some_and(|d| days_left(config.today, d) < 0),
            outcome_levels,
            access,
            o: l.o,
        })
    }

    /// A page of the reports the actor's list holds.
    pub async fn list_opinions(&self, actor: &Actor, q: &OpinionFilter) -> AppResult<OpinionPage> {
        let limit = crate::limit(q.limit)?;
        let f = q.rows(actor)?;
        // Through the read cache (`crate::cache`), keyed by the filter after the actor's rights
        // were applied to it, like the proposal lists.
        let committee_id = actor.committee_id;
        let rows = self
            .opinion_lists
            .get_or_load(format!("{committee_id}|{}|{f:?}", limit + 1), async {
                let mut c = self.db.acquire().await?;
                opinions::list(&mut c.ex(), committee_id, &f, limit + 1).await
            })
            .await?;
        let mut items = rows.as_ref().clone();
        let by_due = f.by_due;
        Ok(Page::from_overfetch(&mut items, limit, |r| {
            if by_due { format!("{}~{}", r.due_on.as_deref().unwrap_or(super::filter::NO_DUE), r.id) } else { r.id.to_string() }
        }))
    }

    /// The information work's counts on the actor's home page: an author's own reports by
    /// status, the office's queues. The office gets its queues only: what a clerk entered for
    /// others is not theirs to follow (and counting it read every report entered: 0.9 s at
    /// 500,000).
    pub async fn opinion_home(&self, actor: &Actor) -> AppResult<OpinionHome> {
        let mut c = self.db.acquire().await?;
        let mut h = OpinionHome::default();
        if !actor.has(eline_domain::Role::Staff) && opinion::scope_rule(actor, opinion::Scope::Mine).is_some() {
            let member = actor.member_id.filter(|_| actor.has(eline_domain::Role::Member));
            let counts = opinions::count_of_author(&mut c.ex(), actor.committee_id, actor.user_id, member).await?;
            h.mine = Status::ALL
                .iter()
                .filter_map(|s| counts.iter().find(|(n, _)| n == s.as_str()).map(|(_, k)| (*s, s.label(), *k)))
                .filter(|(_, _, k)| *k > 0)
                .collect();
        }
        drop(c);
        if actor.has(eline_domain::Role::Staff) {
            // Through the read cache (`crate::cache`): every office list page shows these.
            let today = crate::proposals::config::fmt_date(crate::proposals::today());
            let committee_id = actor.committee_id;
            let q = self
                .opinion_queues
                .get_or_load(format!("{committee_id}/{today}"), async {
                    let mut c = self.db.acquire().await?;
                    Ok::<_, AppError>(opinions::queues(&mut c.ex(), committee_id, &today).await?)
                })
                .await?;
            h.queues = Some(*q);
        }
        Ok(h)
    }
}

/// The report `id` of another committee in the chain, with its committee.
async fn chain_step(ex: &mut eline_storage::Ex<'_>, id: Option<i64>) -> AppResult<Option<ChainStep>> {
    let Some(id) = id else { return Ok(None) };
    let Some(o) = opinions::get_any(&mut *ex, id).await? else { return Ok(None) };
    let k = committees::get(ex, o.committee_id).await?;
    Ok(k.map(|k| ChainStep { committee: k.name, level: Level::of_committee(&k.level), status: o.status }))
}
