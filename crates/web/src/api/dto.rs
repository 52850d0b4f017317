//! What the API sends and receives. Field names are snake_case English; enum values too.

use eline_domain::Role;
use eline_domain::member::MemberStatus;
use eline_domain::org::DirectoryKind;
use eline_storage::audit::Entry as AuditEntry;
use eline_storage::directory::{Entry, Session};
use eline_storage::members::{Member, MemberRow};
use eline_storage::users::{Token, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A time as the API writes it: RFC 3339 in Beijing time (`2026-12-01T17:46:02+08:00`).
pub fn ts(micros: i64) -> String {
    let beijing = eline_app::dates::beijing();
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
    pub roles: Vec<Role>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// The organisation this account submits collective proposals (集体提案) for.
    pub organization_id: Option<i64>,
    pub active: bool,
    pub must_change_password: bool,
    #[schema(format = DateTime)]
    pub last_login_at: Option<String>,
    #[schema(format = DateTime)]
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
            roles: Role::parse_list(&u.roles).unwrap_or_default(),
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
    pub kind: DirectoryKind,
    pub name: String,
    /// organization: party | people | other; unit: government | judicial | enterprise | other
    #[schema(value_type = Option<DirectoryCategory>)]
    pub category: Option<String>,
    /// work_station: its town; unit: its phone
    pub note: Option<String>,
    pub sort_order: i64,
    pub archived: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
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
    pub fn from(kind: DirectoryKind, e: &Entry, can_manage: bool) -> DirectoryOut {
        DirectoryOut {
            id: e.id,
            version: e.version,
            kind,
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
    #[schema(format = Date)]
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

/// A member's file (委员档案).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MemberOut {
    pub id: i64,
    /// Send it back with a change (or as If-Match): 版本号，修改时带回。
    pub version: i64,
    /// 姓名
    pub name: String,
    /// 性别
    #[schema(value_type = Option<Gender>)]
    pub gender: Option<String>,
    pub birth_year: Option<i64>,
    /// 政治面貌 (中共党员, 民盟盟员, 无党派人士, 群众 …)
    pub party: Option<String>,
    /// 界别
    pub sector_id: i64,
    pub sector_name: Option<String>,
    /// 委员工作站
    pub work_station_id: Option<i64>,
    /// 所在专委会 (empty in lists: GET the member for them).
    pub committee_ids: Vec<i64>,
    /// 职务: positions in the committee; `member` always.
    #[schema(value_type = Vec<Position>)]
    pub roles: Vec<String>,
    /// 届别 (e.g. 13 for 十三届)
    pub term_number: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// 港澳委员
    pub hk_macao: bool,
    /// 在任 (active) or 已离任 (left).
    pub status: MemberStatus,
    /// Archived files are kept for the record and left out of lists unless asked for.
    pub archived: bool,
    /// What the caller may do with the file now: edit, archive, restore.
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
            status: MemberStatus::parse(&m.status).unwrap_or(MemberStatus::Active),
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

/// A member as created or edited (PATCH: only the fields to change).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "name": "王建华",
    "gender": "male",
    "birth_year": 1968,
    "party": "民盟盟员",
    "sector_id": 3,
    "work_station_id": 1,
    "committee_ids": [2],
    "roles": ["standing", "member"],
    "term_number": 13,
    "phone": "13800000001",
    "email": "wangjianhua@example.cn",
    "address": "清河市人民路88号",
    "hk_macao": false,
    "status": "active"
}))]
#[allow(dead_code)]
pub struct MemberIn {
    #[serde(default)]
    pub name: String,
    /// male | female (男、女 are accepted too).
    #[schema(value_type = Option<Gender>)]
    pub gender: Option<String>,
    pub birth_year: Option<i64>,
    /// 政治面貌, as written in member files (中共党员, 民盟盟员, 无党派人士, 群众 …).
    pub party: Option<String>,
    pub sector_id: Option<i64>,
    pub work_station_id: Option<i64>,
    pub committee_ids: Option<Vec<i64>>,
    /// Positions (the Chinese names are accepted too); `member` is implied.
    #[schema(value_type = Option<Vec<Position>>)]
    pub roles: Option<Vec<String>>,
    pub term_number: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub hk_macao: Option<bool>,
    /// active (default) | left (在任、已离任 are accepted too).
    #[schema(value_type = Option<MemberStatus>)]
    pub status: Option<String>,
    /// Required on PATCH (or If-Match).
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub last_used_at: Option<String>,
    pub revoked: bool,
    /// A personal token stops working at this time unless used before (each use moves it on); a
    /// device session ends then unless refreshed before.
    #[schema(format = DateTime)]
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
    #[schema(format = DateTime)]
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

/// 性别 (the schema of the members' `gender`; the file keeps the name).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum Gender {
    /// 男
    Male,
    /// 女
    Female,
}

/// 职务 — a member's position in the committee (the schema of the members' `roles`).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum Position {
    /// 主席
    Chair,
    /// 副主席
    ViceChair,
    /// 秘书长
    SecretaryGeneral,
    /// 常委
    Standing,
    /// 委员
    Member,
}

/// 类别 of a reference record: organization — party (民主党派), people (人民团体), other;
/// unit — government (政府部门), judicial (司法机关), enterprise (企事业单位), other.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum DirectoryCategory {
    Party,
    People,
    Government,
    Judicial,
    Enterprise,
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names<T: Serialize>(values: &[T]) -> Vec<String> {
        let mut v: Vec<String> = values.iter().map(|x| serde_json::to_value(x).unwrap().as_str().unwrap().to_string()).collect();
        v.sort();
        v
    }

    fn sorted(values: impl Iterator<Item = &'static str>) -> Vec<String> {
        let mut v: Vec<String> = values.map(String::from).collect();
        v.sort();
        v.dedup();
        v
    }

    /// The schema-only enums list exactly the names the domain accepts and stores.
    #[test]
    fn schema_enums_name_what_the_domain_knows() {
        use eline_domain::member::{GENDERS, POSITIONS};
        assert_eq!(names(&[Gender::Male, Gender::Female]), sorted(GENDERS.iter().map(|(v, _)| *v)));
        let positions = [Position::Chair, Position::ViceChair, Position::SecretaryGeneral, Position::Standing, Position::Member];
        assert_eq!(names(&positions), sorted(POSITIONS.iter().map(|(v, _)| *v)));
        let categories = [
            DirectoryCategory::Party,
            DirectoryCategory::People,
            DirectoryCategory::Government,
            DirectoryCategory::Judicial,
            DirectoryCategory::Enterprise,
            DirectoryCategory::Other,
        ];
        assert_eq!(names(&categories), sorted(DirectoryKind::ALL.iter().flat_map(|k| k.categories().iter().map(|(v, _)| *v))));
    }
}
