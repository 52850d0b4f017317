//! Who is told of which step, per module: the one place a module declares its events. The
//! workflow runner calls the module's function (`Workflow::notices`) after the action saved the
//! record, in the action's transaction; actions outside a workflow (instructions) call
//! `notify::send` themselves. The kinds are the catalogue's (`eline_domain::notice::KINDS`).

use eline_domain::notice::*;
use eline_domain::proposal::{CosignStatus, Status, UnitRole};
use eline_domain::{RecordRef, opinion};
use eline_storage::notifications::Party;
use eline_storage::opinions::Opinion;
use eline_storage::proposals::Proposal;
use eline_storage::{Ex, bulletins};

use super::Notice;
use crate::AppResult;
use crate::proposals::Loaded;

/// The proposer: the first proposer's member accounts, or the user who wrote a collective one.
pub fn proposer(p: &Proposal) -> Party {
    match p.proposer_member_id {
        Some(m) => Party::Member(m),
        None => Party::User(p.created_by),
    }
}

/// The proposer and the co-signers who confirmed (a co-signer who declined is not told).
fn authors(l: &Loaded) -> Vec<Party> {
    let mut to = vec![proposer(&l.p)];
    to.extend(l.cosigners.iter().filter(|c| c.status == CosignStatus::Confirmed).map(|c| Party::Member(c.member_id)));
    to
}

fn units(l: &Loaded, pick: impl Fn(UnitRole) -> bool) -> Vec<Party> {
    l.assignments.iter().filter(|a| a.active && pick(a.role)).map(|a| Party::Unit(a.unit_id)).collect()
}

/// The notices of a proposal action: `before` as loaded, `after` reloaded once it was saved,
/// `note` the timeline's note (it carries the reasons).
pub fn proposal(action: &str, before: &Loaded, after: &Loaded, note: &str) -> Vec<Notice> {
    let p = &after.p;
    let record = RecordRef::proposal(p.id);
    let n = |kind: Kind, message: String, to: Vec<Party>| Notice::new(kind, record, &p.title, message, to);
    let status = p.status;
    let was = before.p.status;
    let mut out = Vec::new();
    match action {
        "submit" | "cosign" if status == Status::Submitted && was != Status::Submitted => {
            out.push(n(PROPOSAL_SUBMITTED, "新提交的提案等待审查立案".into(), vec![Party::Staff]));
        }
        _ => {}
    }
    match action {
        "submit" if status == Status::AwaitingCosigners => {
            let due = p.cosign_due_on.as_deref().map(|d| format!("，请在{d}前确认或谢绝")).unwrap_or_default();
            let pending = after.cosigners.iter().filter(|c| c.status == CosignStatus::Pending).map(|c| Party::Member(c.member_id)).collect();
            out.push(n(PROPOSAL_COSIGN_REQUESTED, format!("邀请您联名这件提案{due}"), pending));
        }
        "cosign" => out.push(n(PROPOSAL_COSIGN_ANSWERED, note.to_string(), vec![proposer(p)])),
        "review" => match status {
            Status::Filed => out.push(n(PROPOSAL_FILED, format!("提案已立案{}", p.number.map(|x| format!("，编号{x}")).unwrap_or_default()), authors(after))),
            Status::NotFiled => out.push(n(PROPOSAL_REJECTED, note.to_string(), authors(after))),
            Status::Merged => out.push(n(PROPOSAL_MERGED, note.to_string(), authors(after))),
            Status::Draft => out.push(n(PROPOSAL_RETURNED, note.to_string(), vec![proposer(p)])),
            _ => {}
        },
        "assign" | "reassign" => {
            let was_on = |u: i64| before.assignments.iter().any(|a| a.active && a.unit_id == u);
            let due = p.due_on.as_deref().map(|d| format!("，答复期限{d}")).unwrap_or_default();
            let new: Vec<Party> = after.assignments.iter().filter(|a| a.active && !was_on(a.unit_id)).map(|a| Party::Unit(a.unit_id)).collect();
            out.push(n(PROPOSAL_ASSIGNED, format!("交由贵单位办理{due}"), new));
            if action == "reassign" {
                let gone = before.assignments.iter().filter(|a| a.active && !after.assignments.iter().any(|b| b.active && b.unit_id == a.unit_id));
                out.push(n(PROPOSAL_OBJECTION_DECIDED, "调整申请已同意，提案已改由其他单位办理".into(), gone.map(|a| Party::Unit(a.unit_id)).collect()));
            }
        }
        "keep_assignment" => {
            let objected = before.assignments.iter().filter(|a| a.active && a.objection_reason.is_some()).map(|a| Party::Unit(a.unit_id)).collect();
            out.push(n(PROPOSAL_OBJECTION_DECIDED, format!("{note}，请继续办理"), objected));
        }
        "object" => out.push(n(PROPOSAL_OBJECTION_RAISED, note.to_string(), vec![Party::Staff])),
        "request_extension" => out.push(n(PROPOSAL_EXTENSION_REQUESTED, note.to_string(), vec![Party::Staff])),
        "decide_extension" => {
            let due = p.due_on.as_deref().map(|d| format!("（答复期限{d}）")).unwrap_or_default();
            out.push(n(PROPOSAL_EXTENSION_DECIDED, format!("{note}{due}"), units(after, UnitRole::replies)));
        }
        "reply" if status == Status::Replied => {
            let due = p.evaluation_due_on.as_deref().map(|d| format!("，请在{d}前评价")).unwrap_or_default();
            out.push(n(PROPOSAL_REPLIED, format!("承办单位已答复{due}"), authors(after)));
        }
        "evaluate" => {
            out.push(n(PROPOSAL_EVALUATED, note.to_string(), units(after, UnitRole::replies)));
            if status == Status::Rehandling {
                let due = p.due_on.as_deref().map(|d| format!("，答复期限{d}")).unwrap_or_default();
                out.push(n(PROPOSAL_REHANDLING, format!("提案者对答复不满意，请重新办理{due}"), units(after, UnitRole::replies)));
            }
        }
        "close" => {
            let mut to = authors(after);
            to.extend(units(after, |_| true));
            out.push(n(PROPOSAL_CLOSED, "提案已办结".into(), to));
        }
        "mark_key" | "supervise" => {
            let new = after.supervisors.iter().filter(|(u, _)| !before.supervisors.iter().any(|(b, _)| b == u)).map(|(u, _)| Party::User(*u)).collect();
            out.push(n(PROPOSAL_KEY_MARKED, "请您领衔督办这件重点提案".into(), new));
        }
        _ => {}
    }
    out
}

/// The report's author: the member's accounts, else the account that wrote it.
pub fn report_authors(o: &Opinion) -> Vec<Party> {
    match o.member_id {
        Some(m) => vec![Party::Member(m), Party::User(o.created_by)],
        None => vec![Party::User(o.created_by)],
    }
}

/// The notices of a 社情民意 action.
pub fn opinion(action: &str, before: &Opinion, o: &Opinion, note: &str) -> Vec<Notice> {
    use opinion::Status;
    let record = RecordRef::new(eline_domain::RecordKind::OPINION, o.id);
    let n = |kind: Kind, message: String, to: Vec<Party>| Notice::new(kind, record, &o.title, message, to);
    let mut out = Vec::new();
    if o.status == Status::Submitted && before.status != Status::Submitted {
        let due = o.due_on.as_deref().map(|d| format!("，处理时限{d}")).unwrap_or_default();
        out.push(n(OPINION_SUBMITTED, format!("新报送的{}信息等待编辑{due}", o.channel.label()), vec![Party::Staff]));
    }
    match (action, o.status) {
        ("return", _) => out.push(n(OPINION_RETURNED, note.to_string(), report_authors(o))),
        ("adopt", Status::Adopted) => out.push(n(OPINION_ADOPTED, note.to_string(), report_authors(o))),
        ("keep", Status::Kept) => out.push(n(OPINION_KEPT, note.to_string(), report_authors(o))),
        ("record_outcome", _) => out.push(n(OPINION_OUTCOME, note.to_string(), report_authors(o))),
        _ => {}
    }
    out
}

/// The notices of issuing a bulletin: each credited report's author is told.
pub async fn bulletin_issued(ex: &mut Ex<'_>, committee_id: i64, b: &bulletins::Bulletin) -> AppResult<Vec<Notice>> {
    let label = eline_domain::bulletin::issue_label(b.series, b.year, b.number);
    let mut out = Vec::new();
    for item in bulletins::items(&mut *ex, b.id).await? {
        if let Some(o) = eline_storage::opinions::get(&mut *ex, committee_id, item.opinion_id).await? {
            let record = RecordRef::new(eline_domain::RecordKind::OPINION, o.id);
            out.push(Notice::new(BULLETIN_ISSUED, record, &o.title, format!("已编入{label}《{}》印发", b.title), report_authors(&o)));
        }
    }
    Ok(out)
}

/// The authors of a record an instruction was given on: a proposal's proposer and confirmed
/// co-signers; a report's author; a bulletin's reports' authors (or the one report it names).
pub async fn instruction_recorded(ex: &mut Ex<'_>, committee_id: i64, record: RecordRef, item: Option<i64>, title: &str, note: &str) -> AppResult<Vec<Notice>> {
    use eline_domain::RecordKind;
    let mut to = Vec::new();
    let reports: Vec<i64> = if record.kind == RecordKind::PROPOSAL {
        let l = Loaded::load_for_visibility(&mut *ex, committee_id, record.id).await?;
        to = authors(&l);
        Vec::new()
    } else if record.kind == RecordKind::OPINION {
        vec![record.id]
    } else if record.kind == RecordKind::BULLETIN {
        match item {
            Some(i) => vec![i],
            None => bulletins::items(&mut *ex, record.id).await?.into_iter().map(|i| i.opinion_id).collect(),
        }
    } else {
        Vec::new()
    };
    for id in reports {
        if let Some(o) = eline_storage::opinions::get(&mut *ex, committee_id, id).await? {
            to.extend(report_authors(&o));
        }
    }
    Ok(vec![Notice::new(INSTRUCTION_RECORDED, record, title, note.to_string(), to)])
}

/// The notices of an activity action. `concerned`: the members the action was about (the one
/// whose leave was decided or who was checked in by hand, those newly invited, the one who moved
/// up from the waiting list).
pub fn activity(
    action: &str,
    before: &eline_storage::activities::Activity,
    a: &eline_storage::activities::Activity,
    concerned: &[i64],
    note: &str,
) -> Vec<Notice> {
    use eline_domain::activity::Status;
    let record = RecordRef::new(eline_domain::RecordKind::ACTIVITY, a.id);
    let n = |kind: Kind, message: String, to: Vec<Party>| Notice::new(kind, record, &a.title, message, to);
    let when = format!("{}，{}", crate::activities::fmt_at(a.starts_at), a.place);
    let members = || concerned.iter().map(|m| Party::Member(*m)).collect::<Vec<_>>();
    let approver = || vec![a.approver_id.map_or(Party::Staff, Party::User)];
    match action {
        "publish" => vec![n(ACTIVITY_PUBLISHED, format!("{}：{when}", a.kind.label()), vec![Party::Activity(a.id)])],
        "invite" if a.status != Status::Planned && !concerned.is_empty() => vec![n(ACTIVITY_PUBLISHED, format!("{}：{when}", a.kind.label()), members())],
        "edit" if a.changes > before.changes => vec![n(ACTIVITY_CHANGED, note.to_string(), vec![Party::Activity(a.id)])],
        "cancel" => vec![n(ACTIVITY_CANCELLED, note.to_string(), vec![Party::Activity(a.id)])],
        "request_leave" => vec![n(ACTIVITY_LEAVE_REQUESTED, note.to_string(), approver())],
        "approve_leave" => vec![n(ACTIVITY_LEAVE_DECIDED, note.to_string(), members())],
        "check_in_by_hand" => vec![n(ACTIVITY_CHECKED_IN_BY_HAND, note.to_string(), members())],
        "rsvp" | "sign_up" if !concerned.is_empty() => vec![n(ACTIVITY_PLACE_OFFERED, format!("报名名额已空出，您已转为正式参加：{when}"), members())],
        _ => Vec::new(),
    }
}
