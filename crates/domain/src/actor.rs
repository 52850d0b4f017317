//! The person acting: an authenticated user within one committee.

use crate::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub committee_id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// The member (委员) this account belongs to, if any.
    pub member_id: Option<i64>,
    /// The handling unit (承办单位) this account works for, if any.
    pub unit_id: Option<i64>,
    /// The organisation (党派团体) this account submits collective proposals for, if any.
    pub organization_id: Option<i64>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The role whose home page this user sees first (most powerful first).
    pub fn primary_role(&self) -> Role {
        [Role::Admin, Role::Staff, Role::Leader, Role::Unit, Role::Member, Role::Informant].into_iter().find(|r| self.has(*r)).unwrap_or(Role::Member)
    }
}
