//! The permission policy: one pure function answers whether an actor may take an action on a
//! resource. Handlers never check roles themselves; they ask `can`.
//!
//! Tenancy (a record belongs to the actor's committee) is enforced by storage queries, which
//! always filter on the actor's committee; this policy decides what a role may do inside it.

use crate::proposal::{CosignStatus, Kind, Parties, Status};
use crate::{Actor, Role};

/// What an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The office's proposal work beyond one record's workflow: bulk assignment, history
    /// import, merge candidates, unit suggestions, the staff's list tools.
    ProposalOffice,
    /// Proposal statistics and the session catalogue.
    ViewProposalStats,
    /// Write a proposal of this kind: individual or joint (a member), collective (the office,
    /// or an account authorised for an organisation).
    WriteProposal(crate::proposal::Kind),
    /// Choose co-signers and other members from the roster (members writing, the office).
    PickMembers,
    /// A handling unit's reusable reply texts.
    ManageReplyTemplates,
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
    /// Open accounts for members of the roster who have none (member accounts only, with
    /// initial passwords to be changed at first login): the office.
    OpenMemberAccounts,
    /// Browse the audit log.
    ViewAudit,
    /// Edit the working-day calendar and the time limits (configuration).
    ManageSettings,
    /// Link two records (a conversion: a rejected proposal → its 社情民意 report, a public
    /// request → a proposal); the office, on records it sees whole.
    LinkRecords,
    /// Record a leader's instruction (领导批示) on a record seen whole, and its follow-ups: the
    /// office and leaders.
    RecordInstruction,
    /// The list of instructions and their counts (statistics): the office and leaders.
    ViewInstructions,
    /// 社情民意 statistics (by year, member, sector, organisation, special committee): the
    /// office and leaders.
    ViewOpinionStats,
    /// Import past years' 社情民意 reports: the information office.
    ImportOpinions,
    /// Compile, issue and send the bulletin issues (期刊) of 《社情民意》 and 《资政之声》: the
    /// information office.
    ManageBulletins,
    /// Create activities and meetings, invite, run check-in, close: the office.
    ManageActivities,
    /// Activity and attendance statistics, every activity's list: the office and leaders.
    ViewActivityStats,
    /// Activities: one's own list, the notices, the calendar feed (members, leaders, the office).
    ViewActivities,
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
    let member = actor.has(Role::Member) && actor.member_id.is_some();
    match action {
        Action::ProposalOffice | Action::LinkRecords | Action::ImportOpinions | Action::ManageBulletins | Action::ManageActivities => actor.has(Role::Staff),
        Action::ViewActivities => member || actor.has(Role::Staff) || actor.has(Role::Leader),
        Action::ViewProposalStats | Action::ViewOpinionStats | Action::RecordInstruction | Action::ViewInstructions | Action::ViewActivityStats => {
            actor.has(Role::Staff) || actor.has(Role::Leader)
        }
        Action::WriteProposal(crate::proposal::Kind::Collective) => actor.has(Role::Staff) || actor.organization_id.is_some(),
        Action::WriteProposal(_) => member,
        Action::PickMembers => member || actor.has(Role::Staff) || actor.has(Role::Admin),
        Action::ManageReplyTemplates => actor.has(Role::Unit) && actor.unit_id.is_some(),
        Action::ViewDirectory => !actor.roles.is_empty(),
        Action::ManageDirectory | Action::ManageMembers | Action::OpenMemberAccounts => office,
        Action::ViewMember => match resource {
            _ if office || actor.has(Role::Leader) => true,
            Resource::Member(id) => actor.has(Role::Member) && actor.member_id == Some(id),
            Resource::Any => false,
        },
        Action::ManageUsers | Action::ViewAudit | Action::ManageSettings => actor.has(Role::Admin),
    }
}

/// A grant under which records are found (the search index's access list, as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grant {
    /// The committee office: every record but the private ones.
    Office,
    /// Administrators (member files).
    Admin,
    /// Marks a private record (a draft): the office's grant does not reach it.
    Private,
    Leader,
    /// Published: everyone.
    Public,
    /// Members of the committee (published 社情民意 reports).
    Members,
    User(i64),
    Member(i64),
    Unit(i64),
    Supervisor(i64),
}

impl std::fmt::Display for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Grant::Office => f.write_str("staff"),
            Grant::Admin => f.write_str("admin"),
            Grant::Private => f.write_str("private"),
            Grant::Leader => f.write_str("leader"),
            Grant::Public => f.write_str("public"),
            Grant::Members => f.write_str("members"),
            Grant::User(u) => write!(f, "u:{u}"),
            Grant::Member(m) => write!(f, "m:{m}"),
            Grant::Unit(u) => write!(f, "unit:{u}"),
            Grant::Supervisor(u) => write!(f, "sup:{u}"),
        }
    }
}

/// The grants an actor holds.
pub fn grants(actor: &Actor) -> Vec<Grant> {
    let mut g = vec![Grant::Public, Grant::User(actor.user_id)];
    if actor.has(Role::Staff) {
        g.push(Grant::Office);
    }
    if actor.has(Role::Admin) {
        g.push(Grant::Admin);
    }
    if actor.has(Role::Leader) {
        g.push(Grant::Leader);
        g.push(Grant::Supervisor(actor.user_id));
    }
    if actor.has(Role::Member) {
        g.push(Grant::Members);
    }
    if let Some(m) = actor.member_id.filter(|_| actor.has(Role::Member)) {
        g.push(Grant::Member(m));
    }
    if let Some(u) = actor.unit_id.filter(|_| actor.has(Role::Unit)) {
        g.push(Grant::Unit(u));
    }
    g
}

/// Whether an actor holding `grants` finds a record with `audience`: the office finds every
/// record that is not private; anyone finds a record carrying one of their grants.
pub fn finds(grants: &[Grant], audience: &[Grant]) -> bool {
    (grants.contains(&Grant::Office) && !audience.contains(&Grant::Private)) || grants.iter().any(|g| *g != Grant::Office && audience.contains(g))
}

/// Who finds a member's file: the office, administrators, leaders and the member
/// (`can(ViewMember)` written for a search index).
pub fn member_audience(member_id: i64) -> Vec<Grant> {
    vec![Grant::Office, Grant::Admin, Grant::Leader, Grant::Member(member_id)]
}

crate::labeled! {
    /// The lists of proposals an actor may open.
    pub enum Scope {
        /// Every proposal of the committee but drafts (the office); the filed ones (leaders).
        All = "all" / "全部提案",
        /// Proposed or co-signed (a member); entered by the account (the office).
        Mine = "mine" / "我的提案",
        /// Assigned to the actor's unit.
        Unit = "unit" / "本单位承办",
        /// Key proposals the leader supervises.
        Supervised = "supervised" / "我督办的",
        /// Published ones.
        Public = "public" / "公开的提案",
    }
}

/// What a scope's list holds for an actor (`None`: the actor may not open it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeRule {
    /// Every proposal of the committee but drafts.
    AllButDrafts,
    /// Filed ones and after.
    Filed,
    /// Proposed or co-signed by the member.
    OfMember(i64),
    /// Written by the user (the office's collective entries).
    WrittenBy(i64),
    AssignedTo(i64),
    SupervisedBy(i64),
    /// Published and filed.
    Published,
}

impl ScopeRule {
    /// Whether the list can hold proposals in `status` (a count links into the list only then).
    pub fn holds_status(self, status: Status) -> bool {
        match self {
            ScopeRule::AllButDrafts => status != Status::Draft,
            ScopeRule::Filed | ScopeRule::Published => status.is_filed(),
            _ => true,
        }
    }

    /// Whether a proposal belongs to the list (what the storage query selects; a property test
    /// checks that every proposal a list holds is one the actor may open).
    pub fn includes(self, status: Status, published: bool, p: &Parties) -> bool {
        let draft = status == Status::Draft;
        match self {
            ScopeRule::AllButDrafts => !draft,
            ScopeRule::Filed => status.is_filed(),
            ScopeRule::OfMember(m) => {
                p.proposer_member == Some(m)
                    || (!draft && p.cosigners.iter().any(|(c, s)| *c == m && matches!(s, CosignStatus::Pending | CosignStatus::Confirmed)))
            }
            // The office's own drafts are collective ones (a staff account writes no other kind).
            ScopeRule::WrittenBy(u) => p.created_by == u && (!draft || p.kind == Some(Kind::Collective)),
            ScopeRule::AssignedTo(u) => p.units.iter().any(|a| a.active && a.unit_id == u),
            ScopeRule::SupervisedBy(u) => p.supervisors.contains(&u),
            ScopeRule::Published => published && status.is_filed(),
        }
    }
}

/// What `scope` holds for `actor`, if the actor may open it.
pub fn proposal_scope(actor: &Actor, scope: Scope) -> Option<ScopeRule> {
    let member = actor.member_id.filter(|_| actor.has(Role::Member));
    let unit = actor.unit_id.filter(|_| actor.has(Role::Unit));
    match scope {
        Scope::All if actor.has(Role::Staff) => Some(ScopeRule::AllButDrafts),
        Scope::All if actor.has(Role::Leader) => Some(ScopeRule::Filed),
        Scope::Mine => member.map(ScopeRule::OfMember).or_else(|| actor.has(Role::Staff).then_some(ScopeRule::WrittenBy(actor.user_id))),
        Scope::Unit => unit.map(ScopeRule::AssignedTo),
        Scope::Supervised if actor.has(Role::Leader) => Some(ScopeRule::SupervisedBy(actor.user_id)),
        Scope::Public => Some(ScopeRule::Published),
        _ => None,
    }
}

/// The scopes an actor may open, with their labels as the actor reads them, in tab order.
pub fn proposal_scopes(actor: &Actor) -> Vec<(Scope, &'static str)> {
    let label = |s: Scope| match (s, proposal_scope(actor, s)) {
        (Scope::All, Some(ScopeRule::Filed)) => "已立案提案",
        (Scope::Mine, Some(ScopeRule::WrittenBy(_))) => "我录入的",
        (s, _) => s.label(),
    };
    Scope::ALL.iter().copied().filter(|s| proposal_scope(actor, *s).is_some()).map(|s| (s, label(s))).collect()
}

/// The list an actor sees first: the office and leaders all, a unit its assignments, a member
/// their own, anyone else the public ones.
pub fn default_scope(actor: &Actor) -> Scope {
    match actor.primary_role() {
        Role::Staff | Role::Leader => Scope::All,
        Role::Unit if proposal_scope(actor, Scope::Unit).is_some() => Scope::Unit,
        Role::Member if proposal_scope(actor, Scope::Mine).is_some() => Scope::Mine,
        _ => Scope::Public,
    }
}

/// The home page an actor sees (its most powerful role).
pub fn home(actor: &Actor) -> Role {
    actor.primary_role()
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
        for action in [Action::RecordInstruction, Action::ViewInstructions] {
            assert!(can(&staff, action, Resource::Any) && can(&leader, action, Resource::Any));
            assert!(!can(&admin, action, Resource::Any) && !can(&unit, action, Resource::Any));
            assert!(!can(&actor(&[Role::Member], Some(7)), action, Resource::Any));
        }
        assert!(can(&staff, Action::ViewOpinionStats, Resource::Any) && can(&leader, Action::ViewOpinionStats, Resource::Any));
        assert!(!can(&unit, Action::ViewOpinionStats, Resource::Any) && !can(&actor(&[Role::Member], Some(7)), Action::ViewOpinionStats, Resource::Any));
        assert!(can(&staff, Action::ImportOpinions, Resource::Any) && !can(&leader, Action::ImportOpinions, Resource::Any));
        assert!(!can(&admin, Action::ImportOpinions, Resource::Any));
    }

    #[test]
    fn an_account_without_roles_may_do_nothing() {
        let nobody = actor(&[], None);
        for action in [
            Action::ProposalOffice,
            Action::ViewProposalStats,
            Action::WriteProposal(crate::proposal::Kind::Individual),
            Action::WriteProposal(crate::proposal::Kind::Collective),
            Action::PickMembers,
            Action::ManageReplyTemplates,
            Action::ViewDirectory,
            Action::ManageDirectory,
            Action::ViewMember,
            Action::ManageMembers,
            Action::ManageUsers,
            Action::ViewAudit,
            Action::ManageSettings,
            Action::RecordInstruction,
            Action::ViewInstructions,
            Action::ViewOpinionStats,
            Action::ImportOpinions,
            Action::ManageBulletins,
        ] {
            assert!(!can(&nobody, action, Resource::Any));
        }
    }

    #[test]
    fn the_tabs_follow_the_roles() {
        let staff = actor(&[Role::Staff], None);
        let tabs: Vec<Scope> = proposal_scopes(&staff).into_iter().map(|(s, _)| s).collect();
        assert_eq!(tabs, [Scope::All, Scope::Mine, Scope::Public]);
        assert_eq!(proposal_scopes(&staff)[1].1, "我录入的");
        let leader = actor(&[Role::Leader], None);
        assert_eq!(proposal_scope(&leader, Scope::All), Some(ScopeRule::Filed));
        assert_eq!(proposal_scope(&leader, Scope::Mine), None);
        let member = actor(&[Role::Member], Some(4));
        assert_eq!(default_scope(&member), Scope::Mine);
        assert_eq!(proposal_scope(&member, Scope::All), None);
        assert_eq!(default_scope(&actor(&[], None)), Scope::Public);
    }

    #[test]
    fn a_member_file_is_found_exactly_by_those_who_may_open_it() {
        for roles in [vec![], vec![Role::Member], vec![Role::Staff], vec![Role::Admin], vec![Role::Leader], vec![Role::Unit], vec![Role::Member, Role::Unit]] {
            for me in [None, Some(3), Some(4)] {
                let a = actor(&roles, me);
                assert_eq!(can(&a, Action::ViewMember, Resource::Member(3)), finds(&grants(&a), &member_audience(3)), "{roles:?} {me:?}");
            }
        }
    }
}
