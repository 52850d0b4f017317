//! Roles a user account may hold (several at once).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员
    Admin,
    /// 机关工作人员 — committee office staff
    Staff,
    /// 委员
    Member,
    /// 承办单位 — a user of one handling unit
    Unit,
    /// 领导 — chair, vice-chairs and government leaders who supervise and give instructions
    Leader,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Staff, Role::Member, Role::Unit, Role::Leader];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Member => "member",
            Role::Unit => "unit",
            Role::Leader => "leader",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Staff => "机关工作人员",
            Role::Member => "委员",
            Role::Unit => "承办单位",
            Role::Leader => "领导",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// "admin,staff" → roles; unknown names are an error naming them.
    pub fn parse_list(s: &str) -> Result<Vec<Role>, String> {
        let mut roles = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let role = Role::parse(part).ok_or_else(|| format!("未知角色：{part}"))?;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        roles.sort();
        Ok(roles)
    }

    pub fn join(roles: &[Role]) -> String {
        roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_lists_round_trip_and_unknown_roles_are_named() {
        let roles = Role::parse_list("staff, admin,staff").unwrap();
        assert_eq!(roles, vec![Role::Admin, Role::Staff]);
        assert_eq!(Role::join(&roles), "admin,staff");
        assert_eq!(Role::parse_list("boss").unwrap_err(), "未知角色：boss");
    }
}
