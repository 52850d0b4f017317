//! The typed inputs of creating an activity and of its actions: the JSON body of the API and the
//! fields of the page's forms are the same struct. Every action input may carry the activity's
//! `version` (else `If-Match`; checked when given). Times are Beijing time: `2026-12-10T09:00`
//! (a form's datetime-local) or RFC 3339 with an offset.

use serde::Deserialize;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A new activity (the office). Without `invitee_member_ids` or other invitation parts the list
/// starts empty (invite later); with a `capacity` (or `participation: signup`) members sign up.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "plenary", "title": "政协第十三届委员会第三次会议", "place": "市政协大会堂",
    "starts_at": "2027-01-10T09:00", "ends_at": "2027-01-10T12:00", "invitee_member_ids": [1, 2, 3], "checkout": true
})))]
pub struct NewActivity {
    /// The kind: plenary | standing | chairs | committee_meeting | consultation | inspection |
    /// research | visit | training | study | sector | station | briefing | other.
    #[serde(rename = "type", default, with = "crate::params::blank")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<eline_domain::activity::Kind>))]
    pub kind: Option<eline_domain::activity::Kind>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    /// The special committee organising it (none: the office).
    #[serde(default, with = "crate::params::blank")]
    pub special_committee_id: Option<i64>,
    /// invited (default) | signup.
    #[serde(default, with = "crate::params::blank")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<eline_domain::activity::Participation>))]
    pub participation: Option<eline_domain::activity::Participation>,
    /// Places for sign-up (a capacity makes it a sign-up activity).
    #[serde(default, with = "crate::params::blank")]
    pub capacity: Option<i64>,
    /// Who decides leave (a user id); none: the committee's meeting approver for plenary,
    /// standing and chairs' meetings, else the office.
    #[serde(default, with = "crate::params::blank")]
    pub approver_id: Option<i64>,
    /// Members check out too (long meetings: a stay under the minimum share counts as absent).
    #[serde(default, with = "crate::params::flag")]
    pub checkout: bool,
    /// 政情通报: the briefing leader and post ("市长 张三").
    #[serde(default, with = "crate::params::blank")]
    pub briefing_leader: Option<String>,
    /// Invited by hand.
    #[serde(default)]
    pub invitee_member_ids: Vec<i64>,
    /// A series: weekly | monthly, `repeat_count` activities in all (2 to 24).
    #[serde(default, with = "crate::params::blank")]
    pub repeat: Option<String>,
    #[serde(default, with = "crate::params::blank")]
    pub repeat_count: Option<u32>,
}

/// 修改 (the office): the fields given change; after publishing, a change of time or place is
/// shown to the invitees and they are told.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EditInput {
    #[serde(default, with = "crate::params::blank")]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, with = "crate::params::blank")]
    pub place: Option<String>,
    #[serde(default, with = "crate::params::blank")]
    pub starts_at: Option<String>,
    #[serde(default, with = "crate::params::blank")]
    pub ends_at: Option<String>,
    #[serde(default, with = "crate::params::blank")]
    pub capacity: Option<i64>,
    #[serde(default, with = "crate::params::blank")]
    pub approver_id: Option<i64>,
    #[serde(default, with = "crate::params::blank")]
    pub briefing_leader: Option<String>,
    pub version: Option<i64>,
}

/// 邀请 (the office): members by position, sector, special committee, work station,
/// organisation, or by hand; those already on the list stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"positions": ["standing"], "sector_ids": [2], "member_ids": [15]})))]
pub struct InviteInput {
    /// Member positions: chair | vice_chair | secretary_general | standing | member (all).
    #[serde(default)]
    pub positions: Vec<String>,
    #[serde(default)]
    pub sector_ids: Vec<i64>,
    #[serde(default)]
    pub special_committee_ids: Vec<i64>,
    #[serde(default)]
    pub station_ids: Vec<i64>,
    #[serde(default)]
    pub organization_ids: Vec<i64>,
    #[serde(default)]
    pub member_ids: Vec<i64>,
    pub version: Option<i64>,
}

macro_rules! plain_inputs {
    ($($(#[$doc:meta])* $name:ident;)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Default, Deserialize)]
            #[cfg_attr(feature = "openapi", derive(ToSchema))]
            pub struct $name {
                pub version: Option<i64>,
            }
        )*
    };
}

plain_inputs! {
    /// 发布 (the office): invitees are told; the notice shows on their home page.
    PublishInput;
    /// 开始签到 (the office): the check-in screen shows the rotating code.
    OpenCheckinInput;
    /// 结束 (the office): attendance becomes final.
    CloseInput;
}

/// 报名 (a member, sign-up activities): a place, or the waiting list when full.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SignUpInput {
    pub version: Option<i64>,
}

/// 回复 (an invitee): attending or not. On a sign-up activity "not attending" gives the place up
/// (the first on the waiting list moves up).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RsvpInput {
    #[serde(default, with = "crate::params::flag")]
    pub attending: bool,
    pub version: Option<i64>,
}

/// 请假 (an invitee): the reason, seen only by the member, the approver and the office.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reason": "赴省外出差，无法参会"})))]
pub struct LeaveInput {
    #[serde(default)]
    pub reason: String,
    pub version: Option<i64>,
}

/// 审批请假 (the approver): approved or not, with an optional note to the member.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"member_id": 15, "approved": true})))]
pub struct DecideLeaveInput {
    #[serde(default, with = "crate::params::blank")]
    pub member_id: Option<i64>,
    #[serde(default, with = "crate::params::flag")]
    pub approved: bool,
    #[serde(default, with = "crate::params::blank")]
    pub note: Option<String>,
    pub version: Option<i64>,
}

/// 签到 / 签退 (an invitee at the venue): the 6 digits on the screen, or the code in the
/// scanned QR link.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"code": "402917"})))]
pub struct CodeInput {
    #[serde(default)]
    pub code: String,
    pub version: Option<i64>,
}

/// 代签到 (the office): an invitee checked in by hand, with the reason (audited; the member is
/// told).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"member_id": 15, "reason": "手机没电，现场核对身份后代签"})))]
pub struct HandCheckinInput {
    #[serde(default, with = "crate::params::blank")]
    pub member_id: Option<i64>,
    #[serde(default)]
    pub reason: String,
    pub version: Option<i64>,
}

/// 取消 (the office): everyone on the list is told, with the reason.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CancelInput {
    #[serde(default)]
    pub reason: String,
    pub version: Option<i64>,
}

/// 签退 (an invitee leaving a long meeting): a fresh code from the screen (the one used to check
/// in is refused as replayed).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"code": "731208"})))]
pub struct CheckOutInput {
    #[serde(default)]
    pub code: String,
    pub version: Option<i64>,
}
