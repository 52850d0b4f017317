//! Files attached to a proposal: the proposal's own materials (by its proposer, before filing),
//! a unit's reply materials (while handling), and evaluation materials (while the reply is rated).

use eline_domain::proposal::Status;
use eline_domain::{Actor, RecordRef};
use eline_storage::attachments::{self, Attachment, NewAttachment};

use super::Loaded;
use crate::change::{self, Change};
use crate::files::clean_name;
use crate::{App, AppError, AppResult};

/// Purposes the actor may attach files for now.
pub(crate) fn purposes(l: &Loaded, actor: &Actor) -> Vec<&'static str> {
    let who = l.standing(actor);
    let mut out = Vec::new();
    let status = l.status();
    if who.proposer && matches!(status, Status::Draft | Status::AwaitingCosigners | Status::Submitted) {
        out.push("proposal");
    }
    if who.unit_role.is_some() && matches!(status, Status::Assigned | Status::Rehandling) {
        out.push("reply");
    }
    if (who.proposer || who.cosigner) && status == Status::Replied {
        out.push("evaluation");
    }
    out
}

pub fn purpose_label(p: &str) -> &'static str {
    match p {
        "proposal" => "提案材料",
        "reply" => "答复材料",
        "evaluation" => "评价材料",
        _ => "附件",
    }
}

impl App {
    /// Stores a file for a proposal after checking who may attach what, now.
    pub async fn attach_to_proposal(&self, actor: &Actor, proposal_id: i64, purpose: &str, file_name: &str, bytes: &[u8]) -> AppResult<Attachment> {
        {
            let mut c = self.db.acquire().await?;
            let l = Loaded::load(&mut c.ex(), actor.committee_id, proposal_id).await?;
            if !l.record_visible_to(actor) {
                return Err(AppError::NotFound);
            }
            if !["proposal", "reply", "evaluation"].contains(&purpose) {
                return Err(AppError::field("purpose", "附件用途应为提案材料、答复材料或评价材料"));
            }
            if !purposes(&l, actor).contains(&purpose) {
                return Err(AppError::Forbidden);
            }
        }
        let (sha, ty) = self.files.put(bytes).await?;
        let name = clean_name(file_name, ty);
        let mut tx = self.db.begin().await?;
        let record = RecordRef::proposal(proposal_id);
        let a = attachments::create(
            &mut tx.ex(),
            &NewAttachment {
                committee_id: actor.committee_id,
                record,
                purpose,
                sha256: &sha,
                file_name: &name,
                content_type: ty.content_type,
                size: bytes.len() as i64,
                uploaded_by: actor.user_id,
            },
        )
        .await?;
        let note = format!("上传{}“{name}”", purpose_label(purpose));
        let status = eline_storage::proposals::get(&mut tx.ex(), actor.committee_id, proposal_id).await?.map(|p| p.status);
        let change = Change {
            record,
            action: "attach",
            summary: note.clone(),
            before: None,
            after: crate::snapshot(&a),
            timeline: Some((status.map(|s| s.as_str()), &note)),
            topics: &[],
        };
        change::record(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// A proposal's file with its bytes, for whoever may see the proposal.
    pub async fn proposal_file(&self, actor: &Actor, proposal_id: i64, attachment_id: i64) -> AppResult<(Attachment, Vec<u8>)> {
        let mut c = self.db.acquire().await?;
        let l = Loaded::load(&mut c.ex(), actor.committee_id, proposal_id).await?;
        // Files belong to the handling record: the public view of a published proposal has none.
        if !l.record_visible_to(actor) {
            return Err(AppError::NotFound);
        }
        let a = attachments::get(&mut c.ex(), actor.committee_id, RecordRef::proposal(proposal_id), attachment_id).await?.ok_or(AppError::NotFound)?;
        drop(c);
        let bytes = self.files.read(&a.sha256).await?;
        Ok((a, bytes))
    }
}
