//! The reply letter (答复函): one reply of a proposal laid out as the letter a unit sends.

use eline_domain::Actor;
use eline_storage::proposals::Reply;

use super::ProposalView;
use crate::{App, AppError, AppResult};

/// What a reply letter shows.
pub struct Letter {
    pub view: ProposalView,
    pub reply: Reply,
    /// The reply class (A/B/C…) as the committee's rules name it.
    pub class_label: String,
    /// The committee's short name (the letter's addressee).
    pub committee: String,
}

impl App {
    /// The letter of the actor's own unit's latest reply, or else of the latest reply; "not
    /// found" before any reply, or when the actor may not see the handling record.
    pub async fn reply_letter(&self, actor: &Actor, id: i64) -> AppResult<Letter> {
        let view = self.get_proposal(actor, id).await?;
        let mine = view.my_unit_id;
        let reply =
            view.replies.iter().rev().find(|r| mine.is_none_or(|u| r.unit_id == u)).or_else(|| view.replies.last()).cloned().ok_or(AppError::NotFound)?;
        let class_label = self.current_proposal_rules(actor).await?.reply_class_label(&reply.class).unwrap_or("").to_string();
        let committee = self.committee_name(actor.committee_id).await?;
        Ok(Letter { view, reply, class_label, committee })
    }
}
