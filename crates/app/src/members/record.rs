//! Members' files in the registry of record kinds (`crate::records`).

use eline_domain::policy::{Action, Resource, can};
use eline_domain::{Access, Actor, RecordKind};
use eline_search::Doc;
use eline_storage::{Ex, members, search_rows};

use crate::records::{Fut, RecordModule, Seen};

/// The members module's registration.
pub struct Members;

impl RecordModule for Members {
    fn kind(&self) -> RecordKind {
        RecordKind::MEMBER
    }

    fn label(&self) -> &'static str {
        "委员"
    }

    fn url(&self, id: i64) -> String {
        format!("/members/{id}")
    }

    fn action_label(&self, _action: &str) -> Option<&'static str> {
        None
    }

    fn status_label(&self, status: &str) -> Option<&'static str> {
        match status {
            "active" => Some("在册"),
            "archived" => Some("已归档"),
            _ => None,
        }
    }

    fn see<'a>(&'a self, ex: &'a mut Ex<'_>, actor: &'a Actor, id: i64) -> Fut<'a, Option<Seen>> {
        Box::pin(async move {
            let Some(m) = members::get(ex, actor.committee_id, id).await? else { return Ok(None) };
            let access = if can(actor, Action::ViewMember, Resource::Member(id)) { Access::Full } else { Access::None };
            Ok(Some(Seen { access, title: m.name, status: Some(if m.archived { "archived" } else { "active" }), purposes: Vec::new() }))
        })
    }

    fn may_open_hit(&self, actor: &Actor, id: i64, _status: &str) -> Option<bool> {
        Some(can(actor, Action::ViewMember, Resource::Member(id)))
    }

    fn documents<'a>(&'a self, ex: &'a mut Ex<'_>, from: i64, to: i64) -> Fut<'a, Vec<Doc>> {
        Box::pin(crate::search::docs::members(ex, from, to))
    }

    fn max_id<'a>(&'a self, ex: &'a mut Ex<'_>) -> Fut<'a, i64> {
        Box::pin(async move { Ok(search_rows::max_member_id(ex).await?) })
    }
}
