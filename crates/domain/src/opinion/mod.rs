//! 社情民意信息 and 资政之声 — the report state machine, who takes part and sees what, the
//! outcomes by level, the bulletin series, and the committee's configurable limits.
//!
//! | from | action | to | who |
//! |---|---|---|---|
//! | draft, returned | submit (提交; a resubmission keeps the history) | submitted | the author |
//! | draft | delete (删除草稿, outside the machine) | gone; the audit log keeps it | the author |
//! | submitted | take (受理) | editing | the information office |
//! | submitted, editing | revise (编辑: title and text, each revision kept) | editing | the office |
//! | submitted, editing | return (退回, with a reason) | returned | the office |
//! | submitted, editing | adopt (录用) | adopted | the office |
//! | submitted, editing | keep (留存/未录用, with a reason) | kept | the office |
//! | submitted, editing | mark_direct / unmark_direct (资政之声 or not) | same | the office |
//! | adopted | report_up (报送 the parent committee, once) | adopted | the office |
//! | adopted | record_outcome (采用, 部门采纳, 转送 … at a level) | adopted | the office |
//!
//! A report reported up to a parent committee on the platform becomes a submitted report of the
//! parent (submitter: the committee below, credited with the original authors); the parent's
//! outcomes are copied down the chain to the origin.

mod enums;
mod machine;
mod parties;
mod rules;

pub use enums::*;
pub use machine::*;
pub use parties::*;
pub use rules::*;
