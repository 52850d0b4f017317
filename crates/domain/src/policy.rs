//! The permission policy: one pure function answers whether an actor may take an action on a
//! resource. Handlers never check roles themselves; they ask `can`.
//!
//! Tenancy (a record belongs to the actor's committee) is enforced by storage queries, which
//! always filter on the actor's committee; this policy decides what a role may do inside it.

use crate::{Actor, Role};

/// What an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read reference data (sectors, special committees, organisations, units, work stations, sessions).
    ViewDirectory,
    /// Create, edit or archive reference data.
    ManageDirectory,
    /// Read a member's file (contact details included).
    ViewMember,
    /// Create, edit, archive, import or export members.
    ManageMembers,
    /// Create and edit user accounts, reset passwords.
    ManageUsers,
    /// Browse the audit log.
    ViewAudit,
    /// Edit the working-day calendar and the time limits (configuration).
    ManageSettings,
}

/// What the action is about, where the answer depends on the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Any,
    /// A member record, by id.
    Member(i64),
}

pub fn can(actor: &Actor, action: Action, resource: Resource) -> bool {
    let office = actor.has(Role::Staff) || actor.has(Role::Admin);
    match action {
        Action::ViewDirectory => !actor.roles.is_empty(),
        Action::ManageDirectory | Action::ManageMembers => office,
        Action::ViewMember => match resource {
            _ if office || actor.has(Role::Leader) => true,
            Resource::Member(id) => actor.member_id == Some(id),
            Resource::Any => false,
        },
        Action::ManageUsers | Action::ViewAudit | Action::ManageSettings => actor.has(Role::Admin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: &[Role], member_id: Option<i64>) -> Actor {
        Actor {
            user_id: 1,
            committee_id: 1,
            username: "u".into(),
            display_name: "u".into(),
            roles: roles.to_vec(),
            member_id,
            unit_id: None,
            organization_id: None,
        }
    }

    #[test]
    fn a_member_sees_only_their_own_member_file() {
        let m = actor(&[Role::Member], Some(7));
        assert!(can(&m, Action::ViewMember, Resource::Member(7)));
        assert!(!can(&m, Action::ViewMember, Resource::Member(8)));
        assert!(!can(&m, Action::ViewMember, Resource::Any));
    }

    #[test]
    fn only_the_office_manages_members_and_only_admins_manage_users() {
        let staff = actor(&[Role::Staff], None);
        let admin = actor(&[Role::Admin], None);
        let unit = actor(&[Role::Unit], None);
        let leader = actor(&[Role::Leader], None);
        assert!(can(&staff, Action::ManageMembers, Resource::Any));
        assert!(!can(&unit, Action::ManageMembers, Resource::Any));
        assert!(!can(&leader, Action::ManageDirectory, Resource::Any));
        assert!(can(&leader, Action::ViewMember, Resource::Member(3)));
        assert!(can(&admin, Action::ManageUsers, Resource::Any));
        assert!(!can(&staff, Action::ManageUsers, Resource::Any));
        assert!(!can(&staff, Action::ViewAudit, Resource::Any));
    }

    #[test]
    fn an_account_without_roles_may_do_nothing() {
        let nobody = actor(&[], None);
        for action in [
            Action::ViewDirectory,
            Action::ManageDirectory,
            Action::ViewMember,
            Action::ManageMembers,
            Action::ManageUsers,
            Action::ViewAudit,
            Action::ManageSettings,
        ] {
            assert!(!can(&nobody, action, Resource::Any));
        }
    }
}
