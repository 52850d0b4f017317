//! Links between records of any kinds, shown at both ends (a conversion reads "转为 …" on the
//! earlier record and "转自 …" on the later one).

use eline_domain::policy::{Action, Resource};
use eline_domain::record::LinkRelation;
use eline_domain::{Access, Actor, RecordKind, RecordRef};
use eline_storage::{Ex, links};
use serde::Serialize;

use crate::change::{self, Change};
use crate::{App, AppError, AppResult};

/// A link as one end shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShownLink {
    pub id: i64,
    pub relation: LinkRelation,
    /// How this end names the other ("转为", or "转自" from the later record).
    pub label: &'static str,
    /// The other end.
    pub kind: String,
    pub record_id: i64,
    pub kind_label: &'static str,
    pub title: String,
    pub url: String,
    /// Microseconds since the epoch.
    pub at: i64,
}

impl App {
    /// The links of a record the actor sees whole, each with its other end, leaving out the
    /// ends the actor may not see at all.
    pub async fn links_of(&self, actor: &Actor, record: RecordRef) -> AppResult<Vec<ShownLink>> {
        if self.see(actor, record).await?.access != Access::Full {
            return Err(AppError::NotFound);
        }
        let mut c = self.db.acquire().await?;
        self.linked(&mut c.ex(), actor, record).await
    }

    /// The links of a record whose whole record the caller has already found the actor may see
    /// (on the caller's connection: a record page reads them with the rest).
    pub(crate) async fn linked(&self, ex: &mut Ex<'_>, actor: &Actor, record: RecordRef) -> AppResult<Vec<ShownLink>> {
        let stored = links::of(&mut *ex, actor.committee_id, record).await?;
        let mut out = Vec::with_capacity(stored.len());
        for l in stored {
            let outgoing = l.from_kind == record.kind.as_str() && l.from_id == record.id;
            let (kind, id) = if outgoing { (&l.to_kind, l.to_id) } else { (&l.from_kind, l.from_id) };
            let Some(module) = self.records.get(kind) else { continue };
            let Some(relation) = LinkRelation::parse(&l.relation) else { continue };
            let Some(seen) = module.see(&mut *ex, actor, id).await?.filter(|s| s.access != Access::None) else { continue };
            out.push(ShownLink {
                id: l.id,
                relation,
                label: if outgoing { relation.label() } else { relation.reverse_label() },
                kind: module.kind().as_str().to_string(),
                record_id: id,
                kind_label: module.label(),
                title: seen.title,
                url: module.url(id),
                at: l.created_at,
            });
        }
        Ok(out)
    }

    /// Links `from` to the later record `to` (both seen whole by the actor, both of the actor's
    /// committee); the link is recorded on both ends' timelines and in the audit log.
    pub async fn link_records(&self, actor: &Actor, from: RecordRef, to: RecordRef, relation: LinkRelation) -> AppResult<ShownLink> {
        self.require(actor, Action::LinkRecords, Resource::Any).await?;
        if from == to {
            return Err(AppError::field("to", "不能把记录关联到它自己"));
        }
        let (a, b) = (self.see(actor, from).await?, self.see(actor, to).await?);
        if a.access != Access::Full || b.access != Access::Full {
            return Err(AppError::NotFound);
        }
        let mut tx = self.db.begin().await?;
        let existing = links::of(&mut tx.ex(), actor.committee_id, from).await?;
        if existing.iter().any(|l| l.to_kind == to.kind.as_str() && l.to_id == to.id && l.from_kind == from.kind.as_str() && l.from_id == from.id) {
            return Err(AppError::InvalidTransition("这两条记录已经关联过了".into()));
        }
        let link = links::add(&mut tx.ex(), actor.committee_id, from, to, relation.as_str(), Some(actor.user_id)).await?;
        for (end, this, other, that, label) in [(from, &a, to, &b, relation.label()), (to, &b, from, &a, relation.reverse_label())] {
            let note = format!("{label}{}“{}”", self.records.kind_label(other.kind.as_str()), that.title);
            let change = Change {
                record: end,
                action: "link",
                summary: format!("{}“{}”：{note}", self.records.kind_label(end.kind.as_str()), this.title),
                before: None,
                after: crate::snapshot(&link),
                timeline: Some((this.status, &note)),
                topics: &[],
            };
            change::record(&mut tx, actor, change).await?;
        }
        tx.commit().await?;
        let kind: RecordKind = to.kind;
        Ok(ShownLink {
            id: link.id,
            relation,
            label: relation.label(),
            kind: kind.as_str().to_string(),
            record_id: to.id,
            kind_label: self.records.kind_label(kind.as_str()),
            title: b.title,
            url: self.records.url(to).unwrap_or_default(),
            at: link.created_at,
        })
    }
}
