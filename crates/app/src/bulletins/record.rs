//! Issues in the registry of record kinds (`crate::records`): who sees one (issued ones: the
//! office, leaders, members; drafts: the office), its labels and its search documents. A leader's
//! instruction (批示) on an issue, or on one report within it, finds the issue through `see`.

use eline_domain::bulletin::{self, Act};
use eline_domain::opinion::BulletinStatus;
use eline_domain::{Actor, RecordKind};
use eline_search::Doc;
use eline_storage::{Ex, bulletins};

use super::access;
use crate::records::{Fut, RecordModule, Seen};

/// The bulletin module's registration.
pub struct Bulletins;

impl RecordModule for Bulletins {
    fn kind(&self) -> RecordKind {
        RecordKind::BULLETIN
    }

    fn label(&self) -> &'static str {
        "期刊"
    }

    fn url(&self, id: i64) -> String {
        format!("/bulletins/{id}")
    }

    fn action_label(&self, action: &str) -> Option<&'static str> {
        Act::parse(action).map(|a| a.label())
    }

    fn status_label(&self, status: &str) -> Option<&'static str> {
        BulletinStatus::parse(status).map(|s| s.label())
    }

    fn see<'a>(&'a self, ex: &'a mut Ex<'_>, actor: &'a Actor, id: i64) -> Fut<'a, Option<Seen>> {
        Box::pin(async move {
            let Some(b) = bulletins::get(ex, actor.committee_id, id).await? else { return Ok(None) };
            let title = format!("{}{}", bulletin::issue_label(b.series, b.year, b.number), b.title);
            Ok(Some(Seen { access: access(actor, &b), title, status: Some(b.status.as_str()), purposes: Vec::new() }))
        })
    }

    fn may_open_hit(&self, actor: &Actor, _id: i64, status: &str) -> Option<bool> {
        BulletinStatus::parse(status).map(|s| bulletin::access(actor, s) != eline_domain::Access::None)
    }

    fn documents<'a>(&'a self, ex: &'a mut Ex<'_>, from: i64, to: i64) -> Fut<'a, Vec<Doc>> {
        Box::pin(async move {
            Ok(bulletins::in_range(ex, from, to)
                .await?
                .into_iter()
                .map(|(b, items)| {
                    let credits: Vec<String> = items.iter().map(|i| format!("{}（{}）", i.title, i.credit)).collect();
                    Doc {
                        kind: RecordKind::BULLETIN.as_str().into(),
                        id: b.id,
                        committee_id: b.committee_id,
                        title: format!("{}{}", bulletin::issue_label(b.series, b.year, b.number), b.title),
                        body: b.body,
                        extra: format!("{} {}", b.editor_unit, credits.join(" ")),
                        year: Some(b.year),
                        session_id: None,
                        status: b.status.as_str().into(),
                        units: Vec::new(),
                        lead_unit: None,
                        sector: None,
                        acl: bulletin::audience(b.status).iter().map(ToString::to_string).collect(),
                        at: b.updated_at,
                    }
                })
                .collect())
        })
    }

    fn max_id<'a>(&'a self, ex: &'a mut Ex<'_>) -> Fut<'a, i64> {
        Box::pin(async move { Ok(bulletins::max_id(ex).await?) })
    }
}
