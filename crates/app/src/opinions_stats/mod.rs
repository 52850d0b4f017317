//! 社情民意 statistics, the report list's export and the import of past years' reports
//! (issue 13, point 8): the figures the office and leaders count the channel by, per year and
//! per member, sector, organisation and special committee, with their workbooks.

mod export;
mod history;
mod sheets;
mod stats;

pub use export::EXPORT_COLUMNS;
pub use history::COLUMNS as HISTORY_COLUMNS;
pub use stats::{DEFINITIONS, Figures, GroupStats, InstructionTable, LevelOutcomes, OpinionStats, RankRow, SeriesCount, StatsPeriod};
