//! What the API sends and receives. Field names are snake_case English; enum values too.

use eline_domain::Role;
use eline_domain::member::MemberStatus;
use eline_storage::audit::Entry as AuditEntry;
use eline_storage::directory::{Entry, Session};
use eline_storage::members::{Member, MemberRow};
use eline_storage::users::{Token, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Time as RFC 3339 (UTC).
/// A time as the API writes it: RFC 3339 in Beijing time (`2026-12-01T17:46:02+08:00`).
pub fn ts(micros: i64) -> String {
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("a valid offset");
    chrono::DateTime::from_timestamp_micros(micros).map(|t| t.with_timezone(&beijing).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).unwrap_or_default()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Include archived records.
    #[serde(default)]
    pub include_archived: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub version: i64,
    pub username: String,
    pub display_name: String,
    /// admin, staff, member, unit, leader
    pub roles: Vec<String>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// The organisation this account submits collective proposals (集体提案) for.
    pub organization_id: Option<i64>,
    pub active: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<String>,
    pub created_at: String,
    pub allowed_actions: Vec<String>,
}

impl UserOut {
    pub fn from(u: &User, admin: bool) -> UserOut {
        UserOut {
            id: u.id,
            version: u.version,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            roles: Role::parse_list(&u.roles).unwrap_or_default().iter().map(|r| r.as_str().to_string()).collect(),
            member_id: u.member_id,
            unit_id: u.unit_id,
            organization_id: u.organization_id,
            active: u.active,
            must_change_password: u.must_change_password,
            last_login_at: u.last_login_at.map(ts),
            created_at: ts(u.created_at),
            allowed_actions: if admin { vec!["edit".into(), "reset_password".into()] } else { vec![] },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserOut>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryOut {
    pub id: i64,
    pub version: i64,
    /// sector, special_committee, organization, unit, work_station
    pub kind: String,
    pub name: String,
    pub category: Option<String>,
    pub note: Option<String>,
    pub sort_order: i64,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
    pub allowed_actions: Vec<String>,
}

pub fn archive_actions(can_manage: bool, archived: bool) -> Vec<String> {
    match (can_manage, archived) {
        (false, _) => vec![],
        (true, false) => vec!["edit".into(), "archive".into()],
        (true, true) => vec!["edit".into(), "restore".into()],
    }
}

impl DirectoryOut {
    pub fn from(kind: eline_domain::org::DirectoryKind, e: &Entry, can_manage: bool) -> DirectoryOut {
        DirectoryOut {
            id: e.id,
            version: e.version,
            kind: serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
            name: e.name.clone(),
            category: e.category.clone(),
            note: e.note.clone(),
            sort_order: e.sort_order,
            archived: e.archived,
            created_at: ts(e.created_at),
            updated_at: ts(e.updated_at),
            allowed_actions: archive_actions(can_manage, e.archived),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryPage {
    pub items: Vec<DirectoryOut>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub id: i64,
    pub version: i64,
    /// e.g. 十三届二次会议
    pub name: String,
    pub term_number: i64,
    pub session_number: i64,
    pub year: i64,
    pub opens_on: Option<String>,
    pub archived: bool,
    pub allowed_actions: Vec<String>,
}

impl SessionOut {
    pub fn from(s: &Session, can_manage: bool) -> SessionOut {
        SessionOut {
            id: s.id,
            version: s.version,
            name: s.name(),
            term_number: s.term_number,
            session_number: s.session_number,
            year: s.year,
            opens_on: s.opens_on.clone(),
            archived: s.archived,
            allowed_actions: archive_actions(can_manage, s.archived),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionPage {
    pub items: Vec<SessionOut>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MemberOut {
    pub id: i64,
    pub version: i64,
    pub name: String,
    /// male | female
    pub gender: Option<String>,
    pub birth_year: Option<i64>,
    pub party: Option<String>,
    pub sector_id: i64,
    pub sector_name: Option<String>,
    pub work_station_id: Option<i64>,
    pub committee_ids: Vec<i64>,
    /// chair, vice_chair, secretary_general, standing, member
    pub roles: Vec<String>,
    pub term_number: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub hk_macao: bool,
    /// active | left
    pub status: String,
    pub archived: bool,
    pub allowed_actions: Vec<String>,
}

impl MemberOut {
    pub fn from(m: &Member, committee_ids: Vec<i64>, sector_name: Option<String>, can_manage: bool) -> MemberOut {
        MemberOut {
            id: m.id,
            version: m.version,
            name: m.name.clone(),
            gender: m.gender.clone(),
            birth_year: m.birth_year,
            party: m.party.clone(),
            sector_id: m.sector_id,
            sector_name,
            work_station_id: m.work_station_id,
            committee_ids,
            roles: m.roles.split(',').filter(|r| !r.is_empty()).map(String::from).collect(),
            term_number: m.term_number,
            phone: m.phone.clone(),
            email: m.email.clone(),
            address: m.address.clone(),
            hk_macao: m.hk_macao,
            status: MemberStatus::parse(&m.status).map(|s| s.as_str()).unwrap_or("active").to_string(),
            archived: m.archived,
            allowed_actions: archive_actions(can_manage, m.archived),
        }
    }

    pub fn from_row(r: &MemberRow, can_manage: bool) -> MemberOut {
        MemberOut::from(&r.member, vec![], Some(r.sector_name.clone()), can_manage)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberPage {
    /// List items carry `committee_ids: []`; GET the member for its special committees.
    pub items: Vec<MemberOut>,
    pub next_cursor: Option<String>,
}

/// A member as created or edited.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct MemberIn {
    #[serde(default)]
    pub name: String,
    pub gender: Option<String>,
    pub birth_year: Option<i64>,
    pub party: Option<String>,
    pub sector_id: Option<i64>,
    pub work_station_id: Option<i64>,
    pub committee_ids: Option<Vec<i64>>,
    pub roles: Option<Vec<String>>,
    pub term_number: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub hk_macao: Option<bool>,
    pub status: Option<String>,
    /// Required on PATCH (or If-Match).
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
    /// A personal token stops working at this time unless used before (each use moves it on); a
    /// device session ends then unless refreshed before.
    pub expires_at: String,
    /// Neither revoked nor expired.
    pub live: bool,
    /// `personal` (a token made on the account page or by POST /api/v1/tokens) or `device` (a
    /// phone app's session, opened by logging in).
    pub kind: TokenKind,
    /// The device of a session.
    pub device: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Personal,
    Device,
}

impl From<&Token> for TokenOut {
    fn from(t: &Token) -> Self {
        TokenOut {
            id: t.id,
            name: t.name.clone(),
            created_at: ts(t.created_at),
            last_used_at: t.last_used_at.map(ts),
            revoked: t.revoked_at.is_some(),
            expires_at: ts(t.ends_at()),
            live: t.live(eline_storage::now_micros()),
            kind: if t.device.is_some() { TokenKind::Device } else { TokenKind::Personal },
            device: t.device.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditOut {
    pub id: i64,
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub summary: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub hash: String,
}

impl From<&AuditEntry> for AuditOut {
    fn from(e: &AuditEntry) -> Self {
        AuditOut {
            id: e.id,
            at: ts(e.at),
            actor_user_id: e.actor_user_id,
            actor_name: e.actor_name.clone(),
            action: e.action.clone(),
            target_type: e.target_type.clone(),
            target_id: e.target_id,
            summary: e.summary.clone(),
            before_digest: e.before_digest.clone(),
            after_digest: e.after_digest.clone(),
            hash: e.hash.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditOut>,
    pub next_cursor: Option<String>,
}

/// The body of an action: the version the caller last saw (or send If-Match instead).
#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct VersionIn {
    pub version: Option<i64>,
}
