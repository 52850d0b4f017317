//! Files attached to a proposal: the proposal's own materials (by its proposer, before filing),
//! a unit's reply materials (while handling), and evaluation materials (while the reply is rated).

use eline_domain::Actor;
use eline_domain::proposal::Status;

use super::Loaded;

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

/// The purposes of a proposal's files, with their names.
pub(crate) const PURPOSES: [(&str, &str); 3] = [("proposal", "提案材料"), ("reply", "答复材料"), ("evaluation", "评价材料")];

pub fn purpose_label(p: &str) -> &'static str {
    PURPOSES.iter().find(|(k, _)| *k == p).map(|(_, l)| *l).unwrap_or("附件")
}
