//! Who takes part in a report and how much of it each actor may see — for the record page
//! (`access`), the lists (`ScopeRule::includes`) and the search index (`audience`): one set of
//! rules, checked against each other by property tests.

use super::Status;
use crate::policy::Grant;
use crate::{Access, Actor, Role};

/// Who takes part in a report, as its row says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parties {
    /// The account that wrote it (a member, an organisation's account, an informant, the office).
    pub created_by: i64,
    /// The member it is credited to (a member's report).
    pub member_id: Option<i64>,
    /// Adopted and printed in an issued bulletin.
    pub published: bool,
}

/// What an actor is to a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// Wrote it, or is the member it is credited to.
    pub author: bool,
    /// The information office.
    pub office: bool,
    pub leader: bool,
}

impl Standing {
    pub fn of(actor: &Actor, p: &Parties) -> Standing {
        let member = actor.member_id.filter(|_| actor.has(Role::Member));
        Standing {
            author: p.created_by == actor.user_id || (member.is_some() && member == p.member_id),
            office: actor.has(Role::Staff),
            leader: actor.has(Role::Leader),
        }
    }
}

/// How much of a report an actor may see. A draft is its author's alone; the office sees every
/// submitted one (and those it returned); leaders see adopted ones; once printed in an issued
/// bulletin, members read the published text (never the revisions or the timeline).
pub fn access(actor: &Actor, status: Status, p: &Parties) -> Access {
    let who = Standing::of(actor, p);
    let full = who.author || (who.office && status != Status::Draft) || (who.leader && status == Status::Adopted);
    if full {
        Access::Full
    } else if p.published && status == Status::Adopted && actor.has(Role::Member) {
        Access::Public
    } else {
        Access::None
    }
}

/// The grants under which a report is found (`crate::policy::finds`): the cases of `access`.
pub fn audience(status: Status, p: &Parties) -> Vec<Grant> {
    let mut out = vec![if status == Status::Draft { Grant::Private } else { Grant::Office }, Grant::User(p.created_by)];
    out.extend(p.member_id.map(Grant::Member));
    if status == Status::Adopted {
        out.push(Grant::Leader);
        if p.published {
            out.push(Grant::Members);
        }
    }
    out.sort();
    out.dedup();
    out
}

crate::labeled! {
    /// The lists of reports an actor may open.
    pub enum Scope {
        /// Every report but drafts (the office); adopted ones (leaders).
        All = "all" / "全部信息",
        /// Written by the account or credited to the member.
        Mine = "mine" / "我的信息",
        /// Printed in an issued bulletin (members).
        Published = "published" / "已刊发",
    }
}

/// What a scope's list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeRule {
    AllButDrafts,
    Adopted,
    /// Written by the user or credited to the member.
    OfAuthor {
        user: i64,
        member: Option<i64>,
    },
    Published,
}

impl ScopeRule {
    pub fn includes(self, status: Status, p: &Parties) -> bool {
        match self {
            ScopeRule::AllButDrafts => status != Status::Draft,
            ScopeRule::Adopted => status == Status::Adopted,
            ScopeRule::OfAuthor { user, member } => p.created_by == user || (member.is_some() && member == p.member_id),
            ScopeRule::Published => p.published && status == Status::Adopted,
        }
    }
}

/// What `scope` holds for `actor`, if the actor may open it.
pub fn scope_rule(actor: &Actor, scope: Scope) -> Option<ScopeRule> {
    let member = actor.member_id.filter(|_| actor.has(Role::Member));
    match scope {
        Scope::All if actor.has(Role::Staff) => Some(ScopeRule::AllButDrafts),
        Scope::All if actor.has(Role::Leader) => Some(ScopeRule::Adopted),
        Scope::Mine if member.is_some() || actor.has(Role::Informant) || actor.organization_id.is_some() || actor.has(Role::Staff) => {
            Some(ScopeRule::OfAuthor { user: actor.user_id, member })
        }
        Scope::Published if actor.has(Role::Member) => Some(ScopeRule::Published),
        _ => None,
    }
}

/// The scopes an actor may open, in tab order.
pub fn scopes(actor: &Actor) -> Vec<(Scope, &'static str)> {
    Scope::ALL
        .iter()
        .copied()
        .filter_map(|s| {
            scope_rule(actor, s).map(|r| match (s, r) {
                (Scope::All, ScopeRule::Adopted) => (s, "已录用信息"),
                (Scope::Mine, _) if actor.has(Role::Staff) && actor.member_id.is_none() => (s, "我录入的"),
                _ => (s, s.label()),
            })
        })
        .collect()
}

/// The list an actor sees first.
pub fn default_scope(actor: &Actor) -> Option<Scope> {
    if actor.has(Role::Staff) || actor.has(Role::Leader) {
        Some(Scope::All)
    } else if scope_rule(actor, Scope::Mine).is_some() {
        Some(Scope::Mine)
    } else {
        scope_rule(actor, Scope::Published).map(|_| Scope::Published)
    }
}

/// Who may write a report, and as whom: a member (as a member), an organisation's account, an
/// informant, and the office (on behalf of any submitter).
pub fn may_write(actor: &Actor) -> bool {
    actor.has(Role::Staff) || actor.has(Role::Informant) || actor.organization_id.is_some() || (actor.has(Role::Member) && actor.member_id.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{finds, grants};
    use proptest::prelude::*;

    fn actor(user_id: i64, roles: Vec<Role>, member_id: Option<i64>, organization_id: Option<i64>) -> Actor {
        Actor { user_id, committee_id: 1, username: "u".into(), display_name: "u".into(), roles, member_id, unit_id: None, organization_id }
    }

    #[test]
    fn a_member_reads_another_members_report_only_once_published() {
        let p = Parties { created_by: 1, member_id: Some(1), published: false };
        let other = actor(2, vec![Role::Member], Some(2), None);
        assert_eq!(access(&other, Status::Adopted, &p), Access::None);
        let printed = Parties { published: true, ..p };
        assert_eq!(access(&other, Status::Adopted, &printed), Access::Public);
        let informant = actor(3, vec![Role::Informant], None, None);
        assert_eq!(access(&informant, Status::Adopted, &printed), Access::None);
        let office = actor(4, vec![Role::Staff], None, None);
        assert_eq!(access(&office, Status::Draft, &p), Access::None);
        assert_eq!(access(&office, Status::Returned, &p), Access::Full);
        let leader = actor(5, vec![Role::Leader], None, None);
        assert_eq!(access(&leader, Status::Editing, &p), Access::None);
        assert_eq!(access(&leader, Status::Adopted, &p), Access::Full);
    }

    fn case() -> impl Strategy<Value = (Actor, Status, Parties)> {
        (
            1i64..4,
            proptest::collection::vec(0usize..Role::ALL.len(), 0..3),
            proptest::option::of(1i64..4),
            proptest::option::of(1i64..3),
            0usize..Status::ALL.len(),
            1i64..4,
            proptest::option::of(1i64..4),
            any::<bool>(),
        )
            .prop_map(|(u, roles, m, o, s, created_by, member_id, published)| {
                (actor(u, roles.into_iter().map(|i| Role::ALL[i]).collect(), m, o), Status::ALL[s], Parties { created_by, member_id, published })
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn a_report_is_found_exactly_when_it_may_be_opened((actor, status, p) in case()) {
            let opens = access(&actor, status, &p) != Access::None;
            prop_assert_eq!(opens, finds(&grants(&actor), &audience(status, &p)), "{:?} {:?} {:?}", actor, status, p);
        }

        #[test]
        fn a_list_holds_only_what_may_be_opened((actor, status, p) in case()) {
            let opens = access(&actor, status, &p) != Access::None;
            for scope in Scope::ALL {
                if let Some(rule) = scope_rule(&actor, *scope) {
                    prop_assert!(!rule.includes(status, &p) || opens, "{:?} {:?} {:?} {:?}", rule, actor, status, p);
                }
            }
        }
    }
}
