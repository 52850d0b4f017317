//! The cases of the random action-sequence test (`property.rs`): the table of allowed moves,
//! the actors, starting states and actions, and their proptest strategies.

use proptest::prelude::*;

/// (from, action, to) — every move the table allows.
pub(crate) const TABLE: &[(&str, &str, &str)] = &[
    ("draft", "submit", "awaiting_cosigners"),
    ("draft", "submit", "submitted"),
    ("awaiting_cosigners", "submit", "submitted"),
    ("awaiting_cosigners", "cosign", "awaiting_cosigners"),
    ("awaiting_cosigners", "cosign", "submitted"),
    ("awaiting_cosigners", "withdraw", "withdrawn"),
    ("submitted", "withdraw", "withdrawn"),
    ("submitted", "review", "draft"),
    ("submitted", "review", "filed"),
    ("submitted", "review", "not_filed"),
    ("submitted", "review", "merged"),
    ("filed", "assign", "assigned"),
    ("filed", "mark_key", "filed"),
    ("filed", "publish", "filed"),
    ("assigned", "object", "assigned"),
    ("assigned", "reassign", "assigned"),
    ("assigned", "keep_assignment", "assigned"),
    ("assigned", "contact", "assigned"),
    ("assigned", "co_opinion", "assigned"),
    ("assigned", "request_extension", "assigned"),
    ("assigned", "decide_extension", "assigned"),
    ("assigned", "reply", "assigned"),
    ("assigned", "reply", "replied"),
    ("assigned", "mark_key", "assigned"),
    ("assigned", "publish", "assigned"),
    ("assigned", "supervise", "assigned"),
    ("rehandling", "contact", "rehandling"),
    ("rehandling", "co_opinion", "rehandling"),
    ("rehandling", "reply", "rehandling"),
    ("rehandling", "reply", "replied"),
    ("rehandling", "mark_key", "rehandling"),
    ("rehandling", "publish", "rehandling"),
    ("rehandling", "supervise", "rehandling"),
    ("replied", "evaluate", "closed"),
    ("replied", "evaluate", "rehandling"),
    ("replied", "evaluate", "replied"),
    ("replied", "close", "closed"),
    ("replied", "mark_key", "replied"),
    ("replied", "publish", "replied"),
    ("replied", "supervise", "replied"),
    ("closed", "follow_up", "closed"),
    ("closed", "evaluate", "closed"),
    ("closed", "mark_key", "closed"),
    ("closed", "publish", "closed"),
    ("closed", "supervise", "closed"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Who {
    Staff,
    Proposer,
    Cosigner,
    LeadUnit,
    CoUnit,
    OtherUnit,
    Leader,
    OtherMember,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    Draft,
    AwaitingCosigners,
    Submitted,
    Filed,
    Assigned,
    Split,
    Replied,
    Rehandling,
    Closed,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Units {
    /// The lead unit with the co-unit.
    LeadAndCo,
    /// Lead and co units as split units.
    Split,
    /// The other unit as lead.
    Other,
    /// Nothing chosen.
    None,
}

#[derive(Debug, Clone)]
pub(crate) enum Review {
    File,
    Reject { reason: Option<&'static str>, convert: Option<&'static str> },
    Merge { into_target: bool },
    Return { comment: Option<&'static str> },
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum FollowUp {
    Add,
    FulfilFirst,
    Neither,
}

#[derive(Debug, Clone)]
pub(crate) enum Action {
    Submit,
    Cosign(bool),
    Withdraw(Option<&'static str>),
    Review(Review),
    Assign(Units),
    Object(&'static str),
    Reassign(Units),
    KeepAssignment(&'static str),
    Contact(&'static str),
    CoOpinion(&'static str),
    RequestExtension(&'static str),
    DecideExtension(bool),
    Reply { class: &'static str, text: &'static str, commitment: Option<&'static str> },
    Evaluate(&'static str, Option<&'static str>),
    Close(Option<&'static str>),
    FollowUp(FollowUp),
    MarkKey { key: bool, supervisors: u8 },
    Supervise(&'static str),
    Publish(bool),
}

/// A time limit running out (stored date moved into the past).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Window {
    Cosign,
    Objection,
    Reply,
    Evaluation,
}

pub(crate) const EVERYONE: [Who; 8] = [Who::Staff, Who::Proposer, Who::Cosigner, Who::LeadUnit, Who::CoUnit, Who::OtherUnit, Who::Leader, Who::OtherMember];

/// Who takes a step: a given actor, or (to reach deeper states more often) one of those the
/// table's "who" column names for the action, picked by the seed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pick {
    Actor(Who),
    Party(u8),
}

/// What is tried: a random action with random parameters, or (to go deeper) one of the actions
/// `TABLE` lists from the present status, picked by the seed, with plausible parameters.
#[derive(Debug, Clone)]
pub(crate) enum Choice {
    Random(Action),
    Table(u8),
}

#[derive(Debug, Clone)]
pub(crate) enum Op {
    Act(Pick, Choice),
    Pass(Window),
}

#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) start: Start,
    pub(crate) joint: bool,
    pub(crate) ops: Vec<Op>,
}

pub(crate) fn text() -> impl Strategy<Value = &'static str> {
    prop_oneof![1 => Just(""), 4 => Just("已与提案人面商，达成共识")]
}

pub(crate) fn opt_text() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![Just(None), Just(Some("情况说明"))]
}

pub(crate) fn units() -> impl Strategy<Value = Units> {
    prop_oneof![4 => Just(Units::LeadAndCo), 2 => Just(Units::Split), 2 => Just(Units::Other), 1 => Just(Units::None)]
}

pub(crate) fn review() -> impl Strategy<Value = Review> {
    prop_oneof![
        4 => Just(Review::File),
        2 => (prop_oneof![Just(None), Just(Some("没有具体建议")), Just(Some("其他理由"))], prop_oneof![Just(None), Just(Some("opinion")), Just(Some("letter")), Just(Some("bogus"))])
            .prop_map(|(reason, convert)| Review::Reject { reason, convert }),
        1 => any::<bool>().prop_map(|into_target| Review::Merge { into_target }),
        2 => opt_text().prop_map(|comment| Review::Return { comment }),
    ]
}

pub(crate) fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::Submit),
        any::<bool>().prop_map(Action::Cosign),
        opt_text().prop_map(Action::Withdraw),
        review().prop_map(Action::Review),
        units().prop_map(Action::Assign),
        text().prop_map(Action::Object),
        units().prop_map(Action::Reassign),
        text().prop_map(Action::KeepAssignment),
        text().prop_map(Action::Contact),
        text().prop_map(Action::CoOpinion),
        text().prop_map(Action::RequestExtension),
        any::<bool>().prop_map(Action::DecideExtension),
        (
            prop_oneof![4 => Just("A"), 2 => Just("B"), 2 => Just("C"), 1 => Just("D")],
            prop_oneof![1 => Just(""), 6 => Just("经研究，答复如下")],
            prop_oneof![3 => Just(None), 1 => Just(Some("2027-06-30")), 1 => Just(Some("明年"))]
        )
            .prop_map(|(class, text, commitment)| Action::Reply { class, text, commitment }),
        (prop_oneof![Just("satisfied"), Just("basically_satisfied"), Just("dissatisfied"), Just("so-so")], opt_text())
            .prop_map(|(s, c)| Action::Evaluate(s, c)),
        opt_text().prop_map(Action::Close),
        prop_oneof![Just(FollowUp::Add), Just(FollowUp::FulfilFirst), Just(FollowUp::Neither)].prop_map(Action::FollowUp),
        (any::<bool>(), 0u8..3).prop_map(|(key, supervisors)| Action::MarkKey { key, supervisors }),
        text().prop_map(Action::Supervise),
        any::<bool>().prop_map(Action::Publish),
    ]
}

pub(crate) fn pick() -> impl Strategy<Value = Pick> {
    prop_oneof![1 => (0..EVERYONE.len()).prop_map(|i| Pick::Actor(EVERYONE[i])), 1 => any::<u8>().prop_map(Pick::Party)]
}

pub(crate) fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => (pick(), prop_oneof![action().prop_map(Choice::Random), any::<u8>().prop_map(Choice::Table)]).prop_map(|(w, a)| Op::Act(w, a)),
        1 => prop_oneof![Just(Window::Cosign), Just(Window::Objection), Just(Window::Reply), Just(Window::Evaluation)].prop_map(Op::Pass),
    ]
}

pub(crate) fn case() -> impl Strategy<Value = Case> {
    let start = prop_oneof![
        Just(Start::Draft),
        Just(Start::AwaitingCosigners),
        Just(Start::Submitted),
        Just(Start::Filed),
        Just(Start::Assigned),
        Just(Start::Split),
        Just(Start::Replied),
        Just(Start::Rehandling),
        Just(Start::Closed),
    ];
    (start, any::<bool>(), prop::collection::vec(op(), 1..=12)).prop_map(|(start, joint, ops)| Case { start, joint, ops })
}
