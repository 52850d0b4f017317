//! 提案 — the proposal state machine: states, actions, who may take each, and the next state.
//!
//! | from | action | to | who |
//! |---|---|---|---|
//! | draft | submit | awaiting_cosigners (joint, co-signers listed) / submitted | proposer |
//! | awaiting_cosigners | submit (after the confirm window) | submitted; unanswered co-signers drop off | proposer |
//! | awaiting_cosigners | cosign (confirm/decline) | submitted when all have answered | co-signer |
//! | draft | delete (删除草稿, outside the machine: `App::delete_draft`) | gone; the audit log keeps it | proposer |
//! | awaiting_cosigners, submitted | withdraw | withdrawn | proposer |
//! | submitted | review: return | draft | staff |
//! | submitted | review: file (立案) | filed (numbered in the session) | staff |
//! | submitted | review: reject (不立案) | not_filed | staff |
//! | submitted | review: merge (并案) | merged | staff |
//! | filed | assign (交办) | assigned | staff |
//! | assigned | object (申请调整), within the window | assigned, objection open | a handling unit |
//! | assigned | reassign | assigned, objection closed | staff |
//! | assigned, rehandling | contact (沟通) | same | a handling unit |
//! | assigned, rehandling | co_opinion (会办意见) | same | a co-unit |
//! | assigned | request_extension (before the due date) | same | a replying unit |
//! | assigned | decide_extension | same | staff |
//! | assigned, rehandling | reply (答复) | replied when every replying unit has replied | lead unit / each split unit |
//! | replied | evaluate by the first proposer | closed (满意/基本满意) / rehandling (first 不满意) / replied (second 不满意) | proposer |
//! | replied | evaluate by a co-signer | same (recorded) | co-signer |
//! | replied (window passed, or second 不满意 after a face-to-face consultation) | close | closed | staff |
//! | closed | follow_up (B/C commitments) | closed | staff, a handling unit |
//! | closed, every promise delivered | evaluate (rates the delivery, once) | closed | proposer |
//! | filed … closed | mark_key (重点提案) | same | staff |
//! | key proposal, assigned … closed | supervise (督办) | same | a supervising leader |
//! | filed … closed | publish / unpublish | same | staff |

mod enums;
mod machine;
mod parties;
mod rules;
mod sort;

pub use enums::*;
pub use machine::*;
pub use parties::*;
pub use rules::*;
pub use sort::*;

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    pub fn facts(status: Status) -> Facts {
        Facts {
            status,
            kind: Kind::Individual,
            cosigners: 0,
            pending_cosigners: 0,
            cosign_window_passed: false,
            objection_open: false,
            objection_window_passed: false,
            replies_outstanding: 1,
            extension_requested: false,
            extended: false,
            reply_overdue: false,
            dissatisfied_rounds: 0,
            evaluation_window_passed: false,
            delivery_rating_open: false,
            is_key: false,
        }
    }
    pub const PROPOSER: Standing = Standing { proposer: true, ..NOBODY };
    pub const STAFF: Standing = Standing { staff: true, ..NOBODY };
    pub const NOBODY: Standing = Standing {
        staff: false,
        proposer: false,
        pending_cosigner: false,
        cosigner: false,
        unit_role: None,
        unit_replied: false,
        supervisor: false,
        leader: false,
        evaluated: false,
        earlier_party: false,
    };
}
