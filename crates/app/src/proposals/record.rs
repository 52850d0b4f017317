//! Proposals in the registry of record kinds (`crate::records`).

use eline_domain::policy::{self, Grant};
use eline_domain::proposal::{self, Status};
use eline_domain::{Actor, RecordKind};
use eline_search::Doc;
use eline_storage::{Ex, search_rows};

use super::Loaded;
use super::files::{PURPOSES, purposes};
use crate::AppError;
use crate::records::{Fut, RecordModule, Seen};

/// The proposals module's registration.
pub struct Proposals;

impl RecordModule for Proposals {
    fn kind(&self) -> RecordKind {
        RecordKind::PROPOSAL
    }

    fn label(&self) -> &'static str {
        "提案"
    }

    fn url(&self, id: i64) -> String {
        format!("/proposals/{id}")
    }

    fn action_label(&self, action: &str) -> Option<&'static str> {
        proposal::action_label(action)
    }

    fn status_label(&self, status: &str) -> Option<&'static str> {
        Status::parse(status).map(|s| s.label())
    }

    fn purposes(&self) -> &'static [(&'static str, &'static str)] {
        &PURPOSES
    }

    fn see<'a>(&'a self, ex: &'a mut Ex<'_>, actor: &'a Actor, id: i64) -> Fut<'a, Option<Seen>> {
        Box::pin(async move {
            let l = match Loaded::load_for_visibility(ex, actor.committee_id, id).await {
                Ok(l) => l,
                Err(AppError::NotFound) => return Ok(None),
                Err(e) => return Err(e),
            };
            Ok(Some(Seen { access: l.access(actor), title: l.p.title.clone(), status: Some(l.status().as_str()), purposes: purposes(&l, actor) }))
        })
    }

    fn may_open_hit(&self, actor: &Actor, _id: i64, status: &str) -> Option<bool> {
        // The office sees every proposal of its committee but other people's drafts (the index
        // is per committee; a hit's status is at most a few hundred ms old).
        (policy::grants(actor).contains(&Grant::Office) && status != Status::Draft.as_str()).then_some(true)
    }

    fn documents<'a>(&'a self, ex: &'a mut Ex<'_>, from: i64, to: i64) -> Fut<'a, Vec<Doc>> {
        Box::pin(crate::search::docs::proposals(ex, from, to))
    }

    fn related<'a>(&'a self, ex: &'a mut Ex<'_>, id: i64) -> Fut<'a, Vec<i64>> {
        Box::pin(async move { Ok(search_rows::proposals(ex, id, id).await?.first().and_then(|p| p.merged_into_id).into_iter().collect()) })
    }

    fn max_id<'a>(&'a self, ex: &'a mut Ex<'_>) -> Fut<'a, i64> {
        Box::pin(async move { Ok(search_rows::max_proposal_id(ex).await?) })
    }
}
