//! Random action sequences against the table. One database per run, a fresh proposal per case,
//! brought first along a known path to a random starting state (draft … closed), then up to 12
//! random (actor, action) steps, with now and then a time limit passing. After every step:
//! - accepted: (from, action, to) is in `TABLE` (written from the table in DOMAIN.md and
//!   crates/domain/src/proposal.rs, not from the code), the version went up by one, exactly one
//!   more audit entry and one more timeline entry, both named after the action;
//! - refused: the stored proposal, its timeline and its audited changes are as before; a
//!   `Forbidden` answer adds exactly one `permission_denied` entry, any other refusal none;
//! - whoever is not a party to the action by the table's "who" column (judged from the recorded
//!   co-signers, assignments and supervisors) is refused (Forbidden or NotFound; or Validation
//!   when the decision or satisfaction cannot be read at all), and a party is never answered
//!   Forbidden;
//! - an action not in the actor's `allowed_actions` is refused.
//!
//! Cases: 64 on either engine (about 10 s on SQLite, 8 s on PostgreSQL on two cores);
//! PROPOSAL_PROPTEST_CASES overrides.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use eline_app::AppError;
use eline_app::proposals::*;
use eline_domain::Actor;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::json;

use crate::support::*;

use crate::cases::*;

struct Run {
    w: World,
    /// A filed proposal to merge into.
    target: i64,
    table: HashSet<(&'static str, &'static str, &'static str)>,
}

#[derive(Default)]
struct Tally {
    accepted: BTreeMap<String, usize>,
    refused: BTreeMap<String, usize>,
    cases: usize,
}

impl Run {
    fn actor(&self, who: Who) -> &Actor {
        let w = &self.w;
        match who {
            Who::Staff => &w.staff,
            Who::Proposer => &w.member,
            Who::Cosigner => &w.cosigner_a,
            Who::LeadUnit => &w.unit,
            Who::CoUnit => &w.unit_b,
            Who::OtherUnit => &w.unit_c,
            Who::Leader => &w.leader,
            Who::OtherMember => &w.other_member,
        }
    }

    fn assign_input(&self, units: Units) -> AssignInput {
        let w = &self.w;
        match units {
            Units::LeadAndCo => AssignInput { lead_unit_id: Some(w.uid(&w.unit)), co_unit_ids: vec![w.uid(&w.unit_b)], ..Default::default() },
            Units::Split => AssignInput { split_unit_ids: vec![w.uid(&w.unit), w.uid(&w.unit_b)], ..Default::default() },
            Units::Other => AssignInput { lead_unit_id: Some(w.uid(&w.unit_c)), ..Default::default() },
            Units::None => AssignInput::default(),
        }
    }

    fn input(&self, action: &Action, view: &ProposalView) -> ActionInput {
        let s = |t: &str| t.to_string();
        match action {
            Action::Submit => ActionInput::Submit(SubmitInput::default()),
            Action::Cosign(accept) => ActionInput::Cosign(CosignInput { accept: *accept, ..Default::default() }),
            Action::Withdraw(r) => ActionInput::Withdraw(WithdrawInput { reason: r.map(s), ..Default::default() }),
            Action::Review(r) => ActionInput::Review(match r {
                Review::File => ReviewInput { decision: s("file"), ..Default::default() },
                Review::Reject { reason, convert } => {
                    ReviewInput { decision: s("reject"), reason: reason.map(s), convert_to: convert.map(s), ..Default::default() }
                }
                Review::Merge { into_target } => {
                    ReviewInput { decision: s("merge"), merge_into: Some(if *into_target { self.target } else { 999_999 }), ..Default::default() }
                }
                Review::Return { comment } => ReviewInput { decision: s("return"), comment: comment.map(s), ..Default::default() },
            }),
            Action::Assign(u) => ActionInput::Assign(self.assign_input(*u)),
            Action::Object(t) => ActionInput::Object(ObjectInput { reason: s(t), ..Default::default() }),
            Action::Reassign(u) => ActionInput::Reassign(ReassignInput(self.assign_input(*u))),
            Action::KeepAssignment(t) => ActionInput::KeepAssignment(KeepAssignmentInput { reason: s(t), ..Default::default() }),
            Action::Contact(t) => ActionInput::Contact(ContactInput { text: s(t), ..Default::default() }),
            Action::CoOpinion(t) => ActionInput::CoOpinion(CoOpinionInput { text: s(t), ..Default::default() }),
            Action::RequestExtension(t) => ActionInput::RequestExtension(RequestExtensionInput { reason: s(t), ..Default::default() }),
            Action::DecideExtension(approved) => ActionInput::DecideExtension(DecideExtensionInput { approved: *approved, ..Default::default() }),
            Action::Reply { class, text, commitment } => ActionInput::Reply(ReplyInput {
                class: s(class),
                text: s(text),
                signer: s(SIGNER),
                commitments: commitment.map(|d| vec![CommitmentInput { promise: s("年内完成整改"), due_on: Some(s(d)) }]).unwrap_or_default(),
                // The co-unit's opinion may be missing; the lead unit confirms it replies anyway.
                confirm_without_co_opinions: true,
                ..Default::default()
            }),
            Action::Evaluate(sat, comment) => ActionInput::Evaluate(EvaluateInput { satisfaction: s(sat), comment: comment.map(s), ..Default::default() }),
            Action::Close(c) => ActionInput::Close(CloseInput { comment: c.map(s), ..Default::default() }),
            Action::FollowUp(f) => ActionInput::FollowUp(match f {
                FollowUp::Add => FollowUpInput { promise: Some(s("纳入明年回头看")), ..Default::default() },
                FollowUp::FulfilFirst => {
                    let id = view.commitments.first().map(|c| c.id).unwrap_or(999_999);
                    FollowUpInput { commitment_id: Some(id), evidence: Some(s("已落实")), ..Default::default() }
                }
                FollowUp::Neither => FollowUpInput::default(),
            }),
            Action::MarkKey { key, supervisors } => ActionInput::MarkKey(MarkKeyInput {
                key: *key,
                supervisor_ids: match supervisors {
                    0 => vec![],
                    1 => vec![self.w.leader.user_id],
                    _ => vec![self.w.member.user_id],
                },
                version: None,
            }),
            Action::Supervise(t) => ActionInput::Supervise(SuperviseInput { text: s(t), ..Default::default() }),
            // The proposals here do not state the proposer's 公开意愿: the office gives its reason.
            Action::Publish(p) => ActionInput::Publish(PublishInput { published: *p, override_reason: Some(s("机关决定公开")), version: None }),
        }
    }

    /// The table's "who" column, judged from what is recorded (the staff's view).
    fn party(&self, who: Who, act: &str, v: &ProposalView) -> bool {
        let a = self.actor(who);
        let proposer = who == Who::Proposer;
        let cosign = |status: &str| v.cosigners.iter().any(|c| Some(c.member_id) == a.member_id && c.status == status);
        let unit = |roles: &[&str]| v.assignments.iter().any(|x| x.active && Some(x.unit_id) == a.unit_id && roles.contains(&x.role.as_str()));
        let staff = who == Who::Staff;
        match act {
            "submit" | "withdraw" => proposer,
            "cosign" => cosign("pending"),
            "review" | "assign" | "reassign" | "keep_assignment" | "decide_extension" | "close" | "mark_key" | "publish" => staff,
            "object" | "contact" => unit(&["lead", "co", "split"]),
            "co_opinion" => unit(&["co"]),
            "request_extension" | "reply" => unit(&["lead", "split"]),
            "evaluate" => proposer || cosign("confirmed"),
            "follow_up" => staff || unit(&["lead", "co", "split"]),
            "supervise" => who == Who::Leader && v.supervisors.iter().any(|(u, _)| *u == a.user_id),
            other => panic!("unknown action {other}"),
        }
    }

    /// A fresh proposal of the demo member (joint with co-signer A when `joint`), at `start`.
    async fn prepare(&self, start: Start, joint: bool) -> i64 {
        let w = &self.w;
        let joint = joint || start == Start::AwaitingCosigners;
        let p = if joint {
            w.joint_draft(&w.member, "关于随机路径的提案", &[&w.cosigner_a]).await
        } else {
            w.draft(&w.member, "关于随机路径的提案").await
        };
        let id = p.id;
        if start == Start::Draft {
            return id;
        }
        w.ok(&w.member, id, "submit", json!({})).await;
        if start == Start::AwaitingCosigners {
            return id;
        }
        if joint {
            w.ok(&w.cosigner_a, id, "cosign", json!({"accept": true})).await;
        }
        if start == Start::Submitted {
            return id;
        }
        w.ok(&w.staff, id, "review", json!({"decision": "file"})).await;
        match start {
            Start::Filed => return id,
            Start::Split => {
                w.ok(&w.staff, id, "assign", json!({"split_unit_ids": [w.uid(&w.unit), w.uid(&w.unit_b)]})).await;
                return id;
            }
            _ => {}
        }
        w.ok(&w.staff, id, "assign", json!({"lead_unit_id": w.uid(&w.unit), "co_unit_ids": [w.uid(&w.unit_b)]})).await;
        if start == Start::Assigned {
            return id;
        }
        w.ok(&w.unit, id, "reply", reply("B")).await;
        match start {
            Start::Replied => {}
            Start::Rehandling => {
                w.ok(&w.member, id, "evaluate", json!({"satisfaction": "dissatisfied", "comment": "未解决"})).await;
            }
            _ => {
                w.ok(&w.member, id, "evaluate", json!({"satisfaction": "satisfied"})).await;
            }
        }
        id
    }

    async fn run_case(&self, case: &Case, tally: &mut Tally) -> Result<(), TestCaseError> {
        let w = &self.w;
        let id = self.prepare(case.start, case.joint).await;
        tally.cases += 1;
        for (n, op) in case.ops.iter().enumerate() {
            let (who, action) = match op {
                Op::Pass(window) => {
                    w.age(id, |p| {
                        let field = match window {
                            Window::Cosign => &mut p.cosign_due_on,
                            Window::Objection => &mut p.assigned_on,
                            Window::Reply => &mut p.due_on,
                            Window::Evaluation => &mut p.evaluation_due_on,
                        };
                        if field.is_some() {
                            *field = Some(LONG_AGO.into());
                        }
                    })
                    .await;
                    continue;
                }
                Op::Act(pick, choice) => (*pick, choice),
            };
            let staff_view = w.full_view(id).await;
            let action = match action {
                Choice::Random(a) => a.clone(),
                Choice::Table(seed) => plausible(staff_view.proposal.status.as_str(), *seed),
            };
            let input = self.input(&action, &staff_view);
            let act = act_name(&input);
            let who = match who {
                Pick::Actor(who) => who,
                Pick::Party(seed) => {
                    let parties: Vec<Who> = EVERYONE.into_iter().filter(|x| self.party(*x, act, &staff_view)).collect();
                    if parties.is_empty() { EVERYONE[usize::from(seed) % EVERYONE.len()] } else { parties[usize::from(seed) % parties.len()] }
                }
            };
            let actor = self.actor(who);
            let party = self.party(who, act, &staff_view);
            let offered: Vec<&str> = match w.app.get_proposal(actor, id).await {
                Ok(v) => v.allowed_actions,
                Err(_) => Vec::new(),
            };
            let before = w.row(id).await;
            let (events, audited, denials) = (w.events(id).await.len(), w.audited_changes(id).await.len(), w.denials(id).await);
            let started = Instant::now();
            let result = w.app.act(actor, id, Some(before.version), input.clone()).await;
            let took = started.elapsed();
            let at = format!("step {n}: {} {act} {input:?} on {} ({}), took {took:?}", actor.username, before.status, id);
            let after = w.row(id).await;
            let (events2, audited2, denials2) = (w.events(id).await.len(), w.audited_changes(id).await.len(), w.denials(id).await);
            match result {
                Ok(p) => {
                    *tally.accepted.entry(format!("{} {act} → {}", before.status, p.status)).or_default() += 1;
                    prop_assert!(
                        self.table.contains(&(before.status.as_str(), act, p.status.as_str())),
                        "{at}: {} → {} is not in the table",
                        before.status,
                        p.status
                    );
                    prop_assert!(party, "{at}: accepted from someone who is not a party");
                    prop_assert!(offered.contains(&act), "{at}: accepted but not offered ({offered:?})");
                    prop_assert_eq!(&after, &p, "{}: stored row differs from the returned one", at);
                    prop_assert_eq!(after.version, before.version + 1, "{}: version", at);
                    prop_assert_eq!(events2, events + 1, "{}: timeline entries", at);
                    prop_assert_eq!(audited2, audited + 1, "{}: audit entries", at);
                    prop_assert_eq!(denials2, denials, "{}: denials", at);
                    let last_audit = w.audited_changes(id).await.pop().map(|e| e.action);
                    prop_assert_eq!(last_audit.as_deref(), Some(act), "{}: audit entry action", at);
                    let last_event = w.events(id).await.pop().map(|e| (e.action, e.status_after));
                    prop_assert_eq!(last_event, Some((act.to_string(), Some(p.status.to_string()))), "{}: timeline entry", at);
                }
                Err(e) => {
                    *tally.refused.entry(format!("{act} {}", kind(&e))).or_default() += 1;
                    prop_assert!(!matches!(e, AppError::Internal(_)), "{at}: {e:?}");
                    prop_assert_eq!(&after, &before, "{}: refused ({:?}) but the proposal changed", at, e);
                    prop_assert_eq!(events2, events, "{}: refused ({:?}) but the timeline grew", at, e);
                    prop_assert_eq!(audited2, audited, "{}: refused ({:?}) but a change was audited", at, e);
                    let expected_denials = denials + usize::from(matches!(e, AppError::Forbidden));
                    prop_assert_eq!(denials2, expected_denials, "{}: permission_denied entries after {:?}", at, e);
                    if party {
                        prop_assert!(!matches!(e, AppError::Forbidden), "{at}: a party was answered Forbidden");
                    } else {
                        // A malformed decision or satisfaction is answered before the permission check.
                        prop_assert!(matches!(e, AppError::Forbidden | AppError::NotFound | AppError::Validation(_)), "{at}: a non-party got {e:?}");
                    }
                    prop_assert!(took < Duration::from_secs(5), "{at}: refusal took {took:?}");
                }
            }
        }
        Ok(())
    }
}

/// One of the actions the table lists from `status`, with parameters that should be accepted.
fn plausible(status: &str, seed: u8) -> Action {
    let mut names: Vec<&str> = TABLE.iter().filter(|(from, _, _)| *from == status).map(|(_, a, _)| *a).collect();
    names.dedup();
    let Some(name) = (!names.is_empty()).then(|| names[usize::from(seed) % names.len()]) else {
        return Action::Publish(true);
    };
    let n = usize::from(seed / 7);
    let nth = |options: &[Action]| options[n % options.len()].clone();
    match name {
        "submit" => Action::Submit,
        "cosign" => Action::Cosign(n % 3 != 0),
        "withdraw" => Action::Withdraw(None),
        "review" => nth(&[
            Action::Review(Review::File),
            Action::Review(Review::File),
            Action::Review(Review::Reject { reason: Some("没有具体建议"), convert: Some("opinion") }),
            Action::Review(Review::Merge { into_target: true }),
            Action::Review(Review::Return { comment: Some("请补充具体建议") }),
        ]),
        "assign" => nth(&[Action::Assign(Units::LeadAndCo), Action::Assign(Units::Split), Action::Assign(Units::Other)]),
        "object" => Action::Object("不属于本单位职责"),
        "reassign" => nth(&[Action::Reassign(Units::Other), Action::Reassign(Units::LeadAndCo), Action::Reassign(Units::Split)]),
        "keep_assignment" => Action::KeepAssignment("属于本单位职责，请继续办理"),
        "contact" => Action::Contact("已电话联系提案人"),
        "co_opinion" => Action::CoOpinion("同意主办单位意见"),
        "request_extension" => Action::RequestExtension("涉及多部门协调"),
        "decide_extension" => Action::DecideExtension(n % 2 == 0),
        "reply" => nth(&[
            Action::Reply { class: "A", text: "经研究，答复如下", commitment: None },
            Action::Reply { class: "B", text: "经研究，答复如下", commitment: Some("2027-06-30") },
            Action::Reply { class: "C", text: "经研究，答复如下", commitment: None },
        ]),
        "evaluate" => nth(&[
            Action::Evaluate("satisfied", None),
            Action::Evaluate("basically_satisfied", Some("基本解决")),
            Action::Evaluate("dissatisfied", Some("尚未解决")),
        ]),
        "close" => Action::Close(Some("已与提案人面商")),
        "follow_up" => nth(&[Action::FollowUp(FollowUp::Add), Action::FollowUp(FollowUp::FulfilFirst)]),
        "mark_key" => Action::MarkKey { key: n % 4 != 0, supervisors: 1 },
        "supervise" => Action::Supervise("请加快办理"),
        _ => Action::Publish(n % 2 == 0),
    }
}

fn kind(e: &AppError) -> &'static str {
    match e {
        AppError::Validation(_) => "validation",
        AppError::Forbidden => "forbidden",
        AppError::NotFound => "not_found",
        AppError::InvalidTransition(_) => "invalid_transition",
        AppError::VersionConflict => "version_conflict",
        _ => "other",
    }
}

fn act_name(input: &ActionInput) -> &'static str {
    input.act().as_str()
}

#[test]
fn random_action_sequences_only_take_the_moves_of_the_table_and_leave_one_audit_entry_per_accepted_action() {
    // Multi-threaded, and the world dropped inside it: see the note at the top of story.rs.
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let cases = std::env::var("PROPOSAL_PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64);
    let run = rt.block_on(async {
        let w = World::new().await;
        let target = w.filed("并案目标：关于加强食品安全监管的建议").await.id;
        Run { w, target, table: TABLE.iter().copied().collect() }
    });
    let tally = std::cell::RefCell::new(Tally::default());
    let mut runner = TestRunner::new(Config { cases, max_shrink_iters: 64, failure_persistence: None, ..Config::default() });
    let started = Instant::now();
    let result = runner.run(&case(), |c| rt.block_on(run.run_case(&c, &mut tally.borrow_mut())));
    let t = tally.into_inner();
    eprintln!("{} cases ({} runs with shrinking) in {:?}; accepted: {:?}; refused: {:?}", cases, t.cases, started.elapsed(), t.accepted, t.refused);
    if let Err(e) = result {
        rt.block_on(async move { drop(run) });
        panic!("{e}");
    }
    rt.block_on(run.search_finds_exactly_what_the_pages_show());
    rt.block_on(run.lists_hold_exactly_what_their_scope_rule_includes());
    rt.block_on(async move { drop(run) });
}

impl Run {
    /// After all the random cases: for every actor and every list the policy gives it, the list
    /// the database selects is exactly the proposals the list's rule (`ScopeRule::includes`, the
    /// rule the domain's property tests hold to the page's visibility) includes.
    async fn lists_hold_exactly_what_their_scope_rule_includes(&self) {
        use eline_domain::policy::{Scope, proposal_scope};
        let app = &self.w.app;
        let mut records = Vec::new();
        {
            let mut c = app.db.acquire().await.expect("connection");
            let max = eline_storage::search_rows::max_proposal_id(&mut c.ex()).await.expect("max id");
            for id in 1..=max {
                if let Ok(l) = Loaded::load(&mut c.ex(), self.w.cid, id).await {
                    records.push(l);
                }
            }
        }
        let mut checked = 0;
        for who in EVERYONE {
            let a = self.actor(who);
            for scope in Scope::ALL {
                let Some(rule) = proposal_scope(a, *scope) else { continue };
                let expected: std::collections::BTreeSet<i64> =
                    records.iter().filter(|l| rule.includes(l.status(), l.p.published, &l.parties())).map(|l| l.p.id).collect();
                let mut listed = std::collections::BTreeSet::new();
                let mut filter = ProposalFilter { scope: Some(*scope), limit: Some(200), ..ProposalFilter::default() };
                loop {
                    let page = app.list_proposals(a, &filter).await.expect("list");
                    listed.extend(page.items.iter().map(|r| r.id));
                    filter.cursor = page.next_cursor;
                    if filter.cursor.is_none() {
                        break;
                    }
                }
                assert_eq!(listed, expected, "{who:?}, list {scope:?} ({rule:?}): the database and the rule disagree");
                checked += 1;
            }
        }
        assert!(checked >= EVERYONE.len(), "every actor has at least one list");
    }

    /// After all the random cases: for every actor, a search for a word of the proposals' text
    /// finds exactly the proposals whose page that actor may open — never one more (a search
    /// must not reveal a record its page would refuse), never one fewer.
    async fn search_finds_exactly_what_the_pages_show(&self) {
        use eline_app::search::SearchQuery;
        let app = &self.w.app;
        let search = app.search.clone().expect("search is configured in the test world");
        search.tick(&app.db).await.expect("index catches up");
        let max = {
            let mut c = app.db.acquire().await.expect("connection");
            eline_storage::search_rows::max_proposal_id(&mut c.ex()).await.expect("max id")
        };
        let mut checked = 0;
        for who in EVERYONE {
            let a = self.actor(who);
            let mut visible = std::collections::BTreeSet::new();
            for id in 1..=max {
                if let Ok(v) = app.get_proposal(a, id).await
                    && (v.proposal.title.contains("电梯") || v.proposal.body.contains("电梯"))
                {
                    visible.insert(id);
                }
            }
            let mut found = std::collections::BTreeSet::new();
            let mut cursor = None;
            loop {
                let q = SearchQuery { q: "电梯".into(), kind: Some("proposal".into()), cursor: cursor.clone(), ..Default::default() };
                let page = app.search(a, &q, 100).await.expect("search");
                found.extend(page.items.iter().map(|i| i.id));
                cursor = page.next_cursor;
                if cursor.is_none() {
                    break;
                }
            }
            assert_eq!(found, visible, "{who:?}: search hits differ from the pages this actor may open");
            checked += visible.len();
        }
        assert!(checked > 0, "the check saw no proposal at all");
        eprintln!("search: every actor found exactly the {checked} proposal pages (summed over actors) they may open");
    }
}
