//! Reading issues: one issue as the actor may see it (its reports and credits; for the office
//! its sends, its timeline, what may be done next and what is still missing to issue it), the
//! list by year and series, the compiler's picking list, the print view (A4), and the issue a
//! report was printed in (for the report's page).

use chrono::{Datelike, NaiveDate};
use eline_domain::bulletin::{self, Facts, Step, transition};
use eline_domain::opinion::{BulletinStatus, Channel};
use eline_domain::policy::{Action, Resource, can};
use eline_domain::{Access, Actor, FieldError, RecordKind, RecordRef};
use eline_storage::bulletins::{self, Bulletin, Candidate, Item, Row, Send};
use eline_storage::timeline::{self, Event};
use serde::Serialize;

use super::{BulletinFilter, access};
use crate::opinions::Config;
use crate::page::Page;
use crate::{App, AppError, AppResult};

/// An issue as the actor sees it.
#[derive(Debug, Clone, Serialize)]
pub struct BulletinView {
    pub b: Bulletin,
    pub access: Access,
    /// 《社情民意》2026年第3期, or 《社情民意》（待印发）.
    pub label: String,
    pub items: Vec<Item>,
    /// The office's: to whom it was sent, and its timeline.
    pub sends: Vec<Send>,
    pub events: Vec<Event>,
    /// What the actor may do now: update, add_item, remove_item, issue, send.
    pub actions: Vec<&'static str>,
    /// A draft: the number it gets if issued today (第N期 of this year).
    pub next_number: Option<i64>,
    /// A draft: what is still missing before it may be issued.
    pub missing: Vec<FieldError>,
}

impl BulletinView {
    pub fn may(&self, action: &str) -> bool {
        self.actions.contains(&action)
    }
}

/// An issue a report was printed in (the report's page shows it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BulletinRef {
    pub id: i64,
    pub title: String,
    pub series: Channel,
    pub year: i64,
    /// 0 while a draft.
    pub number: i64,
    /// 《社情民意》2026年第3期
    pub label: String,
}

/// What the A4 print view shows.
#[derive(Debug, Clone, Serialize)]
pub struct BulletinPrint {
    pub v: BulletinView,
    /// The text by paragraph.
    pub paragraphs: Vec<String>,
    /// 2026年12月1日: the issue date, or today on a draft's proof (样稿).
    pub date: String,
    /// 2026年第3期; a draft: 2026年第N期（样稿）.
    pub number_line: String,
    pub proof: bool,
}

impl App {
    /// One issue as the actor may see it.
    pub async fn get_bulletin(&self, actor: &Actor, id: i64) -> AppResult<BulletinView> {
        let mut c = self.db.acquire().await?;
        let b = bulletins::get(&mut c.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let access = access(actor, &b);
        if access == Access::None {
            return Err(AppError::NotFound);
        }
        let full = access == Access::Full;
        let items = bulletins::items(&mut c.ex(), id).await?;
        let office = can(actor, Action::ManageBulletins, Resource::Any);
        let facts = Facts { status: b.status, form: b.form, items: items.len() };
        let steps = [("update", Step::Edit), ("add_item", Step::AddItem), ("remove_item", Step::Edit), ("issue", Step::Issue), ("send", Step::Send)];
        let actions = steps.iter().filter(|(_, s)| transition(&facts, office, *s).is_ok()).map(|(n, _)| *n).collect();
        let (next_number, missing) = if b.status == BulletinStatus::Draft && full {
            let year = i64::from(Config::load(&mut c.ex(), actor.committee_id).await?.today.year());
            let next = bulletins::next_number(&mut c.ex(), actor.committee_id, b.series, year).await?;
            let f = bulletin::check_fields(&b.title, &b.body, &b.editor_unit, b.signed_off_by.as_deref(), b.report_to.as_deref(), b.copy_to.as_deref());
            let missing = match f {
                Ok(f) => bulletin::check_issue(&f, b.form, items.len()).err().map(|i| i.0).unwrap_or_default(),
                Err(i) => i.0,
            };
            (Some(next), missing)
        } else {
            (None, Vec::new())
        };
        Ok(BulletinView {
            label: bulletin::issue_label(b.series, b.year, b.number),
            sends: if full { bulletins::sends(&mut c.ex(), id).await? } else { Vec::new() },
            events: if full { timeline::list(&mut c.ex(), RecordRef::new(RecordKind::BULLETIN, id)).await? } else { Vec::new() },
            items,
            actions,
            next_number,
            missing,
            access,
            b,
        })
    }

    /// A page of the issues the actor may read (the office: drafts too).
    pub async fn list_bulletins(&self, actor: &Actor, q: &BulletinFilter) -> AppResult<Page<Row>> {
        let limit = crate::limit(q.limit)?;
        let f = q.rows(actor)?;
        let mut c = self.db.acquire().await?;
        let mut items = bulletins::list(&mut c.ex(), actor.committee_id, &f, limit + 1).await?;
        Ok(Page::from_overfetch(&mut items, limit, |r| format!("{}~{}~{}", r.year, r.number, r.id)))
    }

    /// The years that have issues, newest first (the list's year choices).
    pub async fn bulletin_years(&self, actor: &Actor) -> AppResult<Vec<i64>> {
        if !bulletin::may_list(actor) {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db.acquire().await?;
        Ok(bulletins::years(&mut c.ex(), actor.committee_id).await?)
    }

    /// The adopted reports of the issue's series that no issue holds yet (the office's picking
    /// list for a draft).
    pub async fn bulletin_candidates(&self, actor: &Actor, id: i64) -> AppResult<Vec<Candidate>> {
        if !can(actor, Action::ManageBulletins, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db.acquire().await?;
        let b = bulletins::get(&mut c.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        Ok(bulletins::candidates(&mut c.ex(), actor.committee_id, b.series, 200).await?)
    }

    /// The committee's 编发单位 (`opinion_rules.editor_unit`): a new issue's default.
    pub async fn bulletin_editor_unit(&self, actor: &Actor) -> AppResult<String> {
        let mut c = self.db.acquire().await?;
        Ok(Config::load(&mut c.ex(), actor.committee_id).await?.rules.editor_unit)
    }

    /// The adopted reports of a channel that no issue holds yet (待编发; a new issue's first report).
    pub async fn compilable_reports(&self, actor: &Actor, channel: Channel) -> AppResult<Vec<Candidate>> {
        if !can(actor, Action::ManageBulletins, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db.acquire().await?;
        Ok(bulletins::candidates(&mut c.ex(), actor.committee_id, channel, 200).await?)
    }

    /// The issue a report was compiled into, when the actor may read that issue: (id, title,
    /// series, year, number). A report is in one issue at most.
    pub async fn bulletins_of_opinion(&self, actor: &Actor, opinion_id: i64) -> AppResult<Vec<BulletinRef>> {
        let mut c = self.db.acquire().await?;
        let Some(h) = bulletins::holder(&mut c.ex(), opinion_id).await? else { return Ok(Vec::new()) };
        if h.committee_id != actor.committee_id || bulletin::access(actor, h.status) == Access::None {
            return Ok(Vec::new());
        }
        Ok(vec![BulletinRef {
            id: h.bulletin_id,
            label: bulletin::issue_label(h.series, h.year, h.number),
            title: h.title,
            series: h.series,
            year: h.year,
            number: h.number,
        }])
    }

    /// The issue in its A4 print layout (a draft prints as a proof, 样稿, numbered as it would be).
    pub async fn bulletin_print(&self, actor: &Actor, id: i64) -> AppResult<BulletinPrint> {
        let v = self.get_bulletin(actor, id).await?;
        let proof = v.b.status == BulletinStatus::Draft;
        let day = match v.b.issued_on.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) {
            Some(d) => d,
            None => crate::proposals::today(),
        };
        let number_line = match v.next_number {
            Some(n) if proof => format!("{}年第{n}期（样稿）", day.year()),
            _ => format!("{}年第{}期", v.b.year, v.b.number),
        };
        let paragraphs = v.b.body.lines().map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect();
        Ok(BulletinPrint { date: crate::dates::chinese_day(day), paragraphs, number_line, proof, v })
    }
}
