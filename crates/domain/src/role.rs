//! Roles a user account may hold (several at once).

crate::labeled! {
    /// A role a user account holds (an account may hold several).
    pub enum Role {
        /// 系统管理员
        Admin = "admin" / "系统管理员",
        /// 机关工作人员 — committee office staff
        Staff = "staff" / "机关工作人员",
        /// 委员
        Member = "member" / "委员",
        /// 承办单位 — a user of one handling unit
        Unit = "unit" / "承办单位",
        /// 领导 — chair, vice-chairs and government leaders who supervise and give instructions
        Leader = "leader" / "领导",
        /// 特邀信息员 — an invited informant: writes 社情民意 reports, has no member record
        Informant = "informant" / "特邀信息员",
    }
}

impl Role {
    /// "admin,staff" → roles; unknown names are an error naming them.
    pub fn parse_list(s: &str) -> Result<Vec<Role>, String> {
        let mut roles = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let role = Role::parse(part.trim()).ok_or_else(|| format!("未知角色：{part}"))?;
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
