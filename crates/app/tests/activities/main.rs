//! Activities and meetings on both engines: the plenary of 300 invitees (leave, check-in with
//! valid, expired, replayed and foreign codes, by hand, check-out, close) with every status and
//! the person-times counted by hand; sign-up with a waiting list; changes after publishing; who
//! may do and see what; series and calendars.

// The stories name members by their place on the list (member 20 checks in, member 21 leaves early).
#![allow(clippy::needless_range_loop)]

mod plenary;
mod rules;
mod support;
