//! A reference to any record of any module (提案, 社情民意, 活动 …): what the timeline, files,
//! audit log, outbox, links between records, instructions (批示) and the duty ledger key on.

use serde::{Deserialize, Serialize};

/// The kind of a record: the module's name for it, as stored (`"proposal"`). Each module declares
/// its kind as a constant; the application's registry knows what each kind answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RecordKind(pub &'static str);

impl RecordKind {
    /// 提案
    pub const PROPOSAL: RecordKind = RecordKind("proposal");
    /// 社情民意信息 (and 资政之声)
    pub const OPINION: RecordKind = RecordKind("opinion");
    /// 期刊 (a bulletin issue of 《社情民意》 or 《资政之声》)
    pub const BULLETIN: RecordKind = RecordKind("bulletin");
    /// 领导批示
    pub const INSTRUCTION: RecordKind = RecordKind("instruction");
    /// 履职活动 (meetings, inspections, briefings …)
    pub const ACTIVITY: RecordKind = RecordKind("activity");
    /// 委员档案
    pub const MEMBER: RecordKind = RecordKind("member");

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// One record: its kind and its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RecordRef {
    pub kind: RecordKind,
    pub id: i64,
}

impl RecordRef {
    pub fn new(kind: RecordKind, id: i64) -> RecordRef {
        RecordRef { kind, id }
    }

    pub fn proposal(id: i64) -> RecordRef {
        RecordRef::new(RecordKind::PROPOSAL, id)
    }
}

impl std::fmt::Display for RecordRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.kind, self.id)
    }
}

/// How much of a record an actor may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Nothing: the record is answered as "not found".
    None,
    /// What the public sees of a published record: never its handling record (timeline,
    /// internal notes, ratings, files).
    Public,
    /// The whole record, for those who take part in it.
    Full,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::None => "none",
            Access::Public => "public",
            Access::Full => "full",
        }
    }
}

/// Why a workflow's transition refuses a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The actor may never take this action on this record.
    Forbidden,
    /// Not in the record's present state; the text says why, in Chinese.
    NotNow(String),
}

crate::labeled! {
    /// What a later record is to an earlier one (record links; both ends show it).
    pub enum LinkRelation {
        /// A rejected proposal turned, with its proposer's consent, into a 社情民意 report, a
        /// suggestion or a member's letter; a public request or a lead turned into a proposal.
        ConvertedTo = "converted_to" / "转为",
        /// Follow-up work that grew out of the earlier record (e.g. a consultation from a proposal).
        LedTo = "led_to" / "引出",
    }
}

impl LinkRelation {
    /// How the earlier record is named from the later one.
    pub fn reverse_label(self) -> &'static str {
        match self {
            LinkRelation::ConvertedTo => "转自",
            LinkRelation::LedTo => "源自",
        }
    }
}
