//! Reading and checking what users upload — spreadsheets, file types, file names — with no
//! database, HTTP or async, so that every function here can be fuzzed cheaply (`fuzz/`).
//!
//! Everything here treats its input as hostile: whatever the bytes claim, memory and time stay
//! bounded by the constants of each module, and a refusal is a [`FormatError`] with a Chinese
//! message the user can act on.

mod error;
pub mod files;
pub mod spreadsheet;

pub use error::{FormatError, FormatResult};
