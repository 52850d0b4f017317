//! Pure rules of eline: entities, parsed values, the permission policy. No I/O, no SQL, no HTTP.

pub mod activity;
pub mod actor;
pub mod bulletin;
pub mod calendar;
pub mod error;
pub mod instruction;
pub mod labels;
pub mod member;
pub mod notice;
pub mod numerals;
pub mod opinion;
pub mod org;
pub mod paging;
pub mod policy;
pub mod proposal;
pub mod record;
pub mod role;
pub mod text;

pub use actor::Actor;
pub use error::{FieldError, Invalid};
pub use record::{Access, RecordKind, RecordRef};
pub use role::Role;

#[cfg(feature = "openapi")]
#[doc(hidden)]
pub use utoipa;
