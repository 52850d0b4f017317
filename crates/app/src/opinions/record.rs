//! Reports in the registry of record kinds (`crate::records`): who sees one, its labels, its
//! files and its search documents (with the grants of `opinion::audience`).

use eline_domain::opinion::{self, Act, Status};
use eline_domain::{Actor, RecordKind};
use eline_search::Doc;
use eline_storage::{Ex, opinions};

use super::{Loaded, parties};
use crate::AppError;
use crate::records::{Fut, RecordModule, Seen};

/// The file purposes of a report: the author's material while it is with them.
pub const PURPOSES: [(&str, &str); 1] = [("material", "附件材料")];

/// The 社情民意 module's registration.
pub struct Opinions;

impl RecordModule for Opinions {
    fn kind(&self) -> RecordKind {
        RecordKind::OPINION
    }

    fn label(&self) -> &'static str {
        "社情民意"
    }

    fn url(&self, id: i64) -> String {
        format!("/opinions/{id}")
    }

    fn action_label(&self, action: &str) -> Option<&'static str> {
        Act::parse(action).map(|a| a.label())
    }

    fn status_label(&self, status: &str) -> Option<&'static str> {
        Status::parse(status).map(|s| s.label())
    }

    fn purposes(&self) -> &'static [(&'static str, &'static str)] {
        &PURPOSES
    }

    fn see<'a>(&'a self, ex: &'a mut Ex<'_>, actor: &'a Actor, id: i64) -> Fut<'a, Option<Seen>> {
        Box::pin(async move {
            let l = match Loaded::load(ex, actor.committee_id, id).await {
                Ok(l) => l,
                Err(AppError::NotFound) => return Ok(None),
                Err(e) => return Err(e),
            };
            // The author attaches material while the report is theirs to edit.
            let purposes = if l.o.status.with_author() && l.standing(actor).author { vec!["material"] } else { Vec::new() };
            Ok(Some(Seen { access: l.access(actor), title: l.o.title.clone(), status: Some(l.o.status.as_str()), purposes }))
        })
    }

    fn documents<'a>(&'a self, ex: &'a mut Ex<'_>, from: i64, to: i64) -> Fut<'a, Vec<Doc>> {
        Box::pin(async move {
            Ok(opinions::in_range(ex, from, to)
                .await?
                .into_iter()
                .map(|o| Doc {
                    kind: RecordKind::OPINION.as_str().into(),
                    id: o.id,
                    committee_id: o.committee_id,
                    extra: format!("{} {}", o.author_name, o.channel.label()),
                    year: Some(o.year),
                    session_id: None,
                    status: o.status.as_str().into(),
                    units: Vec::new(),
                    lead_unit: None,
                    sector: o.sector_id,
                    // The record page's rule written for the index (a domain property test keeps
                    // `opinion::audience` and `opinion::access` in agreement).
                    acl: opinion::audience(o.status, &parties(&o)).iter().map(ToString::to_string).collect(),
                    at: o.submitted_at.unwrap_or(o.created_at),
                    title: o.title,
                    body: o.body,
                })
                .collect())
        })
    }

    fn max_id<'a>(&'a self, ex: &'a mut Ex<'_>) -> Fut<'a, i64> {
        Box::pin(async move { Ok(opinions::max_id(ex).await?) })
    }
}
