//! Activity statistics and their workbook (issue 15, point 7): activities by kind and month,
//! 政情通报 counted apart, person-times and attendance rates per member, sector and special
//! committee, each closed activity's leave and absence list, and a member's attendance list —
//! the figures the duty record and the annual report read.

mod member;
mod sheets;
mod stats;

pub use member::{AttendedLine, MemberYear};
pub use sheets::LINE_COLUMNS;
pub use stats::{
    ABSENCES_CAP, ABSENCES_SHOWN, AbsenceLine, ActivityStats, BriefingLine, DEFINITIONS, GroupLine, KindLine, Line, MemberLine, MonthLine, StatsYear,
    StatusCounts, Tally,
};
