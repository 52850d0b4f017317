//! Activities and meetings (履职活动): kinds, states, who takes part and sees what, the leave
//! rules, the rotating check-in code and the final attendance. Pure rules, no I/O.
//!
//! | from | action | to | who |
//! |---|---|---|---|
//! | planned | publish (发布: invitees are told) | published | the office |
//! | planned, published, checkin_open | edit (time, place …; after publishing each change is shown) | same | the office |
//! | planned, published, checkin_open | invite (by role, sector, special committee, station, organisation, by hand) | same | the office |
//! | published, checkin_open | sign_up (open sign-up: a place, or the waiting list) | same | a member |
//! | published, checkin_open | rsvp (参加 / 不参加) | same | an invitee |
//! | published, checkin_open | request_leave (请假, late after the deadline) | same | an invitee |
//! | published, checkin_open | approve_leave (批准/不批准) | same | the approver (the office when none) |
//! | published | open_checkin (开始签到) | checkin_open | the office |
//! | checkin_open | check_in (rotating code, within the window) / check_out | same | an invitee |
//! | checkin_open | check_in_by_hand (with a reason, audited) | same | the office |
//! | published, checkin_open | close (attendance final) | closed | the office |
//! | planned, published, checkin_open | cancel (with the reason; everyone told) | cancelled | the office |

mod attendance;
mod code;
mod enums;
mod machine;
mod parties;
mod rules;

pub use attendance::*;
pub use code::*;
pub use enums::*;
pub use machine::*;
pub use parties::*;
pub use rules::*;
