//! Activities in the registry of record kinds (`crate::records`): who sees one, its labels and
//! its files (the notice's materials). Activities are not in the search index: members find them
//! in their own lists and calendar.

use eline_domain::activity::{Status, Step, transition};
use eline_domain::{Actor, RecordKind};
use eline_search::Doc;
use eline_storage::Ex;

use super::Loaded;
use crate::AppError;
use crate::records::{Fut, RecordModule, Seen};

/// The file purposes of an activity: the notice's materials (会议材料), attached by the office.
pub const PURPOSES: [(&str, &str); 1] = [("material", "活动材料")];

/// The activities module's registration.
pub struct Activities;

impl RecordModule for Activities {
    fn kind(&self) -> RecordKind {
        RecordKind::ACTIVITY
    }

    fn label(&self) -> &'static str {
        "活动"
    }

    fn url(&self, id: i64) -> String {
        format!("/activities/{id}")
    }

    fn action_label(&self, action: &str) -> Option<&'static str> {
        super::actions::label(action)
    }

    fn status_label(&self, status: &str) -> Option<&'static str> {
        Status::parse(status).map(|s| s.label())
    }

    fn purposes(&self) -> &'static [(&'static str, &'static str)] {
        &PURPOSES
    }

    /// The materials are part of the notice: whoever reads the notice may download them.
    fn public_files(&self) -> bool {
        true
    }

    fn see<'a>(&'a self, ex: &'a mut Ex<'_>, actor: &'a Actor, id: i64) -> Fut<'a, Option<Seen>> {
        Box::pin(async move {
            let l = match Loaded::load(ex, actor, id).await {
                Ok(l) => l,
                Err(AppError::NotFound) => return Ok(None),
                Err(e) => return Err(e),
            };
            // The office attaches materials while it may still change the activity.
            let purposes = if transition(&l.facts(), &l.standing(actor), Step::Edit).is_ok() { vec!["material"] } else { Vec::new() };
            Ok(Some(Seen { access: l.access(actor), title: l.a.title.clone(), status: Some(l.a.status.as_str()), purposes }))
        })
    }

    fn documents<'a>(&'a self, _ex: &'a mut Ex<'_>, _from: i64, _to: i64) -> Fut<'a, Vec<Doc>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    fn max_id<'a>(&'a self, _ex: &'a mut Ex<'_>) -> Fut<'a, i64> {
        Box::pin(async { Ok(0) })
    }
}
