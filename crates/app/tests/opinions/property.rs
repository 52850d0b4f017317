//! Random sequences of report actions by random actors against an independent transition table:
//! every action the table allows succeeds and leads where the table says; every other one is
//! refused and changes nothing.

use eline_domain::Actor;
use eline_domain::opinion::Status;
use proptest::prelude::*;
use serde_json::{Value, json};

use super::support::*;

/// The table, written independently of `eline_domain::opinion::transition`: (status, action,
/// by the office?) → next status.
fn table(status: Status, action: &str, office: bool, author: bool, reported: bool) -> Option<Status> {
    use Status::*;
    match (status, action) {
        (Draft | Returned, "submit") if author => Some(Submitted),
        (Submitted, "take") if office => Some(Editing),
        (Submitted | Editing, "revise") if office => Some(Editing),
        (Submitted | Editing, "return") if office => Some(Returned),
        (Submitted | Editing, "adopt") if office => Some(Adopted),
        (Submitted | Editing, "keep") if office => Some(Kept),
        (Submitted | Editing, "mark_direct") if office => Some(status),
        (Adopted, "report_up") if office && !reported => Some(Adopted),
        (Adopted, "record_outcome") if office => Some(Adopted),
        _ => None,
    }
}

fn body(action: &str, step: usize) -> Value {
    match action {
        "revise" => json!({"title": format!("关于第{step}稿的建议"), "body": format!("{BODY}第{step}稿。")}),
        "return" | "keep" => json!({"reason": "理由"}),
        "mark_direct" => json!({"direct": step.is_multiple_of(2)}),
        "record_outcome" => json!({"level": "city", "kind": "adopted", "decided_on": "2026-11-30"}),
        _ => json!({}),
    }
}

const ACTIONS: [&str; 9] = ["submit", "take", "revise", "return", "adopt", "keep", "mark_direct", "report_up", "record_outcome"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn random_action_sequences_follow_the_table(seq in proptest::collection::vec((0usize..ACTIONS.len(), 0usize..3), 4..14)) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let w = World::new().await;
            let actors: [&Actor; 3] = [&w.member, &w.staff, &w.other_member];
            let o = w.draft(&w.member, "关于随机序列的建议").await;
            let (mut status, mut reported, mut channel_direct) = (Status::Draft, false, false);
            for (step, (a, who)) in seq.into_iter().enumerate() {
                let action = ACTIONS[a];
                let actor = actors[who];
                let before = w.app.get_opinion(&w.member, o.id).await.unwrap().o;
                let expected = table(status, action, who == 1 && status != Status::Draft, who == 0, reported);
                let input = body(action, step);
                // Marking the channel it already has is refused by the action itself.
                let same_channel = action == "mark_direct" && input["direct"].as_bool() == Some(channel_direct);
                let result = w.act(actor, o.id, action, input).await;
                match (expected, same_channel) {
                    (Some(next), false) => {
                        let after = result.unwrap_or_else(|e| panic!("{action} by {} in {status:?}: {e:?}", actor.username));
                        assert_eq!(after.status, next, "{action} in {status:?}");
                        status = next;
                        reported |= action == "report_up";
                        if action == "mark_direct" { channel_direct = !channel_direct; }
                    }
                    _ => {
                        assert!(result.is_err(), "{action} by {} in {status:?} must be refused", actor.username);
                        let now = w.app.get_opinion(&w.member, o.id).await.unwrap().o;
                        assert_eq!(now.version, before.version, "a refused {action} changed the report");
                    }
                }
            }
        });
    }
}
