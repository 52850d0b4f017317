//! Who takes part in a proposal, and how much of it each actor may see — for a record page
//! (`access`), a list (the scopes of `crate::policy`) and a search (`audience` against
//! `crate::policy::grants`): one set of rules, checked against each other by a property test.

use super::{CosignStatus, Kind, Status, UnitRole};
use crate::policy::Grant;
pub use crate::record::Access;
use crate::{Actor, Role};

/// What the actor is to this proposal (`Standing::of`, from the proposal's parties).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    pub staff: bool,
    /// The first proposer (individual/joint) or the submitting user of a collective proposal.
    pub proposer: bool,
    /// A co-signer who has not answered yet.
    pub pending_cosigner: bool,
    /// A co-signer who confirmed.
    pub cosigner: bool,
    /// The actor's unit's current assignment, if any.
    pub unit_role: Option<UnitRole>,
    /// The actor's unit has replied in the current round.
    pub unit_replied: bool,
    /// A leader supervising this (key) proposal.
    pub supervisor: bool,
    pub leader: bool,
    /// The actor has already evaluated the current round's reply.
    pub evaluated: bool,
    /// Took part before: a unit the proposal was reassigned away from, or the proposer of a
    /// proposal merged into this one (they keep seeing it).
    pub earlier_party: bool,
}

/// A unit's part in handling, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitPart {
    pub unit_id: i64,
    pub role: UnitRole,
    /// False once the proposal was reassigned away from the unit.
    pub active: bool,
    pub replied_round: Option<i64>,
}

/// Who takes part in a proposal, as its records say.
#[derive(Debug, Clone, Default)]
pub struct Parties {
    pub kind: Option<Kind>,
    /// The first proposer: set for individual and joint proposals, never for collective ones.
    pub proposer_member: Option<i64>,
    /// The user who wrote it (the proposer of a collective proposal).
    pub created_by: i64,
    pub round: i64,
    pub cosigners: Vec<(i64, CosignStatus)>,
    pub units: Vec<UnitPart>,
    /// User ids of the supervising leaders.
    pub supervisors: Vec<i64>,
    /// Users who evaluated the current round.
    pub evaluators: Vec<i64>,
    /// Members who proposed or co-signed a proposal merged into this one.
    pub merged_proposers: Vec<i64>,
}

impl Standing {
    /// What `actor` is to a proposal with these parties.
    pub fn of(actor: &Actor, p: &Parties) -> Standing {
        let member = actor.member_id.filter(|_| actor.has(Role::Member));
        let unit = actor.unit_id.filter(|_| actor.has(Role::Unit));
        let cosign = |status: CosignStatus| member.is_some_and(|m| p.cosigners.iter().any(|(c, s)| *c == m && *s == status));
        let mine = unit.and_then(|u| p.units.iter().find(|a| a.active && a.unit_id == u));
        let leader = actor.has(Role::Leader);
        Standing {
            staff: actor.has(Role::Staff),
            proposer: match p.kind {
                Some(Kind::Collective) => p.created_by == actor.user_id,
                _ => member.is_some() && member == p.proposer_member,
            },
            pending_cosigner: cosign(CosignStatus::Pending),
            cosigner: cosign(CosignStatus::Confirmed),
            unit_role: mine.map(|a| a.role),
            unit_replied: mine.is_some_and(|a| a.replied_round == Some(p.round)),
            supervisor: leader && p.supervisors.contains(&actor.user_id),
            leader,
            evaluated: p.evaluators.contains(&actor.user_id),
            earlier_party: unit.is_some_and(|u| p.units.iter().any(|a| a.unit_id == u)) || member.is_some_and(|m| p.merged_proposers.contains(&m)),
        }
    }
}

/// How much of a proposal an actor may see. A draft is its author's alone (the office included
/// does not see it; co-signers are asked only once it is submitted); publication opens the
/// public view to everyone, never the handling record.
pub fn access(status: Status, who: &Standing, published: bool) -> Access {
    let draft = status == Status::Draft;
    let takes_part = who.proposer
        || (who.staff && !draft)
        || ((who.cosigner || who.pending_cosigner) && !draft)
        || who.unit_role.is_some()
        || (who.earlier_party && !draft)
        || who.supervisor
        || (who.leader && status.is_filed());
    if takes_part {
        Access::Full
    } else if published && status.is_filed() {
        Access::Public
    } else {
        Access::None
    }
}

/// Who may see a proposal at all (others get "not found").
pub fn visible(status: Status, who: &Standing, published: bool) -> bool {
    access(status, who, published) != Access::None
}

/// The grants under which a proposal can be found: an actor finds it when it holds one of them
/// (`crate::policy::finds`). The same cases as `access`, written for a search index.
pub fn audience(status: Status, published: bool, p: &Parties) -> Vec<Grant> {
    let draft = status == Status::Draft;
    let mut out = vec![if draft { Grant::Private } else { Grant::Office }];
    match p.kind {
        Some(Kind::Collective) => out.push(Grant::User(p.created_by)),
        _ => out.extend(p.proposer_member.map(Grant::Member)),
    }
    if !draft {
        out.extend(p.cosigners.iter().filter(|(_, s)| matches!(s, CosignStatus::Pending | CosignStatus::Confirmed)).map(|(m, _)| Grant::Member(*m)));
        // Every unit that had a part (an earlier one keeps seeing it), merged proposers.
        out.extend(p.units.iter().map(|u| Grant::Unit(u.unit_id)));
        out.extend(p.merged_proposers.iter().map(|m| Grant::Member(*m)));
    } else {
        out.extend(p.units.iter().filter(|u| u.active).map(|u| Grant::Unit(u.unit_id)));
    }
    out.extend(p.supervisors.iter().map(|s| Grant::Supervisor(*s)));
    if status.is_filed() {
        out.push(Grant::Leader);
        if published {
            out.push(Grant::Public);
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proposal::fixtures::*;

    #[test]
    fn drafts_are_private_to_their_proposer() {
        let cosigner = Standing { pending_cosigner: true, ..NOBODY };
        assert!(!visible(Status::Draft, &cosigner, false));
        assert!(visible(Status::AwaitingCosigners, &cosigner, false));
        let leader = Standing { leader: true, ..NOBODY };
        assert!(!visible(Status::Submitted, &leader, false));
        assert!(visible(Status::Filed, &leader, false));
        assert!(visible(Status::Closed, &NOBODY, true));
        assert!(!visible(Status::Submitted, &NOBODY, true));
    }

    #[test]
    fn the_office_does_not_see_a_members_draft_until_it_is_submitted() {
        assert_eq!(access(Status::Draft, &STAFF, false), Access::None);
        assert_eq!(access(Status::Draft, &STAFF, true), Access::None);
        assert_eq!(access(Status::Submitted, &STAFF, false), Access::Full);
        assert_eq!(access(Status::Draft, &PROPOSER, false), Access::Full);
        // A collective draft the office entered is its author's: `proposer` is that user.
        let author = Standing { staff: true, proposer: true, ..NOBODY };
        assert_eq!(access(Status::Draft, &author, false), Access::Full);
    }

    #[test]
    fn publication_opens_the_public_view_never_the_handling_record() {
        assert_eq!(access(Status::Closed, &NOBODY, true), Access::Public);
        let other_unit = Standing { unit_role: None, ..NOBODY };
        assert_eq!(access(Status::Replied, &other_unit, true), Access::Public);
        assert_eq!(access(Status::Closed, &NOBODY, false), Access::None);
        assert_eq!(access(Status::NotFiled, &NOBODY, true), Access::None);
        let lead = Standing { unit_role: Some(UnitRole::Lead), ..NOBODY };
        assert_eq!(access(Status::Closed, &lead, true), Access::Full);
        assert_eq!(access(Status::Closed, &PROPOSER, true), Access::Full);
    }

    mod agreement {
        use super::*;
        use crate::policy::{finds, grants};
        use proptest::prelude::*;

        fn actor_strategy() -> impl Strategy<Value = Actor> {
            (
                1i64..4,
                proptest::collection::vec(0usize..Role::ALL.len(), 0..3),
                proptest::option::of(1i64..4),
                proptest::option::of(1i64..4),
                proptest::option::of(1i64..3),
            )
                .prop_map(|(user_id, roles, member_id, unit_id, organization_id)| Actor {
                    user_id,
                    committee_id: 1,
                    username: "u".into(),
                    display_name: "u".into(),
                    roles: roles.into_iter().map(|i| Role::ALL[i]).collect(),
                    member_id,
                    unit_id,
                    organization_id,
                })
        }

        /// An actor, a proposal's parties, its status and whether it is published. Drafts have no
        /// handling units yet (the state machine never gives them one).
        fn case_strategy() -> impl Strategy<Value = (Actor, Parties, Status, bool)> {
            (actor_strategy(), parties_strategy(), 0usize..Status::ALL.len(), any::<bool>()).prop_map(|(actor, mut parties, status, published)| {
                let status = Status::ALL[status];
                if status == Status::Draft {
                    parties.units.clear();
                }
                (actor, parties, status, published)
            })
        }

        fn parties_strategy() -> impl Strategy<Value = Parties> {
            let ids = || proptest::collection::vec(1i64..4, 0..3);
            let cosign = proptest::collection::vec((1i64..4, 0usize..CosignStatus::ALL.len()), 0..3);
            let units = proptest::collection::vec((1i64..4, 0usize..UnitRole::ALL.len(), any::<bool>(), proptest::option::of(1i64..3)), 0..3);
            (0usize..Kind::ALL.len(), 1i64..4, 1i64..4, 1i64..3, cosign, units, ids(), ids(), ids()).prop_map(
                |(kind, proposer_member, created_by, round, cosigners, units, supervisors, evaluators, merged_proposers)| Parties {
                    kind: Some(Kind::ALL[kind]),
                    proposer_member: (Kind::ALL[kind] != Kind::Collective).then_some(proposer_member),
                    created_by,
                    round,
                    cosigners: cosigners.into_iter().map(|(m, s)| (m, CosignStatus::ALL[s])).collect(),
                    units: units
                        .into_iter()
                        .map(|(unit_id, r, active, replied_round)| UnitPart { unit_id, role: UnitRole::ALL[r], active, replied_round })
                        .collect(),
                    supervisors,
                    evaluators,
                    merged_proposers,
                },
            )
        }

        proptest! {
            // The spaces are small (three ids of each sort): many cases reach every corner.
            #![proptest_config(ProptestConfig::with_cases(4000))]

            /// The record page (`access`) and the search index (`audience` against the actor's
            /// grants) answer alike for every actor, every state and every set of parties.
            #[test]
            fn a_record_is_found_exactly_when_it_may_be_opened((actor, parties, status, published) in case_strategy()) {
                let opens = access(status, &Standing::of(&actor, &parties), published) != Access::None;
                let found = finds(&grants(&actor), &audience(status, published, &parties));
                prop_assert_eq!(opens, found, "{:?} {:?} {:?}", actor, parties, status);
            }

            /// Every proposal a list holds for an actor is one the actor may open.
            #[test]
            fn a_list_holds_only_what_may_be_opened((actor, parties, status, published) in case_strategy()) {
                let opens = access(status, &Standing::of(&actor, &parties), published) != Access::None;
                for scope in crate::policy::Scope::ALL {
                    if let Some(rule) = crate::policy::proposal_scope(&actor, *scope) {
                        prop_assert!(!rule.includes(status, published, &parties) || opens, "{:?} {:?} {:?} {:?}", rule, actor, parties, status);
                    }
                }
            }
        }
    }
}
