//! Deadline reminders and escalation. Once a day on working days (after the digest hour) the run
//! looks at every open deadline of a committee and, for each, at the one stage it has reached on
//! the working-day calendar (`eline_domain::notice::stage`): a reminder N working days before,
//! the overdue notice, the escalation. Each is written with a key naming the deadline, its date
//! and the stage, so a person gets it once whatever happens: a second run, a second server, a
//! restart, a crash before commit (the whole run is one transaction). After a missed run (a
//! server down over a weekend) the next run tells the stage reached by then, not the milder
//! ones that were missed. A new due date (an extension, rehandling) starts over.
//!
//! Later modules add their deadlines here: a query in `eline_storage::deadlines` and a block
//! below saying who is told at which stage.

use chrono::NaiveDate;
use eline_domain::RecordRef;
use eline_domain::calendar::Calendar;
use eline_domain::notice::{self, Kind, Stage};
use eline_storage::deadlines::{self, Open};
use eline_storage::notifications::Party;

use super::Notice;
use crate::proposals::Config;
use crate::{App, AppResult};

fn date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()
}

/// A notice about an open deadline at a stage, keyed once per deadline, party and stage.
fn at(kind: Kind, record: RecordRef, o: &Open, due: NaiveDate, stage: Stage, message: String, to: Vec<Party>) -> Notice {
    let mut n = Notice::new(kind, record, &o.title, message, to);
    n.once_key = Some(format!(
        "{}:{}:{}:{}:{}:{due}:{}",
        kind.key,
        record.id,
        o.party_id,
        o.item_id,
        stage.key(),
        if stage == Stage::Escalated { "office" } else { "owner" }
    ));
    n
}

fn left(cal: &Calendar, today: NaiveDate, due: NaiveDate) -> i64 {
    cal.working_days_between(today, due)
}

impl App {
    /// The reminder run of a committee for `today` (Beijing); returns the notifications written.
    /// Nothing happens on a day off; a day already run is not run again.
    pub async fn remind(&self, committee_id: i64, today: NaiveDate) -> AppResult<usize> {
        let mut tx = self.db.begin().await?;
        let (config, _) = Config::load_today(&mut tx.ex(), committee_id).await?;
        let cal = &config.calendar;
        if !cal.is_working_day(today) {
            return Ok(0);
        }
        if !eline_storage::notifications::claim_period(&mut tx.ex(), &format!("remind.{committee_id}"), &today.to_string()).await? {
            return Ok(0);
        }
        let rules = super::inbox::reminder_rules_in_force(&mut tx.ex(), committee_id).await?;
        let mut notices = Vec::new();
        let mut unit_names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();

        for o in deadlines::replies(&mut tx.ex(), committee_id).await? {
            let Some(due) = date(&o.due_on) else { continue };
            let record = RecordRef::proposal(o.record_id);
            let unit = vec![Party::Unit(o.party_id)];
            match notice::stage(cal, today, due, &rules.before_due, true, Some(rules.escalate_after)) {
                Some(s @ Stage::Before(_)) => {
                    let msg = format!("答复期限{due}，还有{}个工作日", left(cal, today, due));
                    notices.push(at(notice::PROPOSAL_REPLY_DUE, record, &o, due, s, msg, unit));
                }
                Some(Stage::Overdue) => {
                    let msg = format!("答复期限{due}已过，请尽快答复");
                    notices.push(at(notice::PROPOSAL_REPLY_OVERDUE, record, &o, due, Stage::Overdue, msg, unit));
                }
                Some(Stage::Escalated) => {
                    let late = cal.working_days_between(due, today);
                    let mut to = vec![Party::Staff];
                    if o.is_key {
                        let supervisors = eline_storage::proposals::supervisors(&mut tx.ex(), o.record_id).await?;
                        to.extend(supervisors.into_iter().map(|(u, _)| Party::User(u)));
                    }
                    let unit_name = match unit_names.entry(o.party_id) {
                        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            let unit = eline_storage::directory::get(&mut tx.ex(), eline_domain::org::DirectoryKind::Unit, committee_id, o.party_id).await?;
                            e.insert(unit.map(|u| u.name).unwrap_or_default())
                        }
                    };
                    let msg = format!("{unit_name}答复已超期{late}个工作日（期限{due}），请督办");
                    notices.push(at(notice::PROPOSAL_REPLY_ESCALATED, record, &o, due, Stage::Escalated, msg, to));
                    // The unit, if the run missed its overdue notice, still hears it.
                    let msg = format!("答复期限{due}已过{late}个工作日，已报政协督办");
                    notices.push(at(notice::PROPOSAL_REPLY_OVERDUE, record, &o, due, Stage::Overdue, msg, vec![Party::Unit(o.party_id)]));
                }
                None => {}
            }
        }

        for o in deadlines::cosignatures(&mut tx.ex(), committee_id).await? {
            let Some(due) = date(&o.due_on) else { continue };
            if let Some(s) = notice::stage(cal, today, due, &rules.cosign_before, false, None) {
                let msg = format!("联名确认将于{due}截止，请确认或谢绝");
                notices.push(at(notice::PROPOSAL_COSIGN_DUE, RecordRef::proposal(o.record_id), &o, due, s, msg, vec![Party::Member(o.party_id)]));
            }
        }

        for o in deadlines::assignments(&mut tx.ex(), committee_id).await? {
            let Some(assigned) = date(&o.due_on) else { continue };
            let due = config.deadlines.objection_window.due(cal, assigned);
            if let Some(s) = notice::stage(cal, today, due, &rules.objection_before, false, None) {
                let msg = format!("如认为不属于贵单位职责，请在{due}前申请调整，逾期不再受理");
                notices.push(at(notice::PROPOSAL_OBJECTION_DUE, RecordRef::proposal(o.record_id), &o, due, s, msg, vec![Party::Unit(o.party_id)]));
            }
        }

        for o in deadlines::evaluations(&mut tx.ex(), committee_id).await? {
            let Some(due) = date(&o.due_on) else { continue };
            let record = RecordRef::proposal(o.record_id);
            let proposer = if o.party_id != 0 { Party::Member(o.party_id) } else { Party::User(o.item_id) };
            match notice::stage(cal, today, due, &rules.evaluation_before, true, None) {
                Some(s @ Stage::Before(_)) => {
                    let msg = format!("请在{due}前对办理答复作出评价（还有{}个工作日）", left(cal, today, due));
                    notices.push(at(notice::PROPOSAL_EVALUATION_DUE, record, &o, due, s, msg, vec![proposer]));
                }
                Some(s) => {
                    let msg = format!("提案者逾期未评价办理答复（期限{due}）");
                    notices.push(at(notice::PROPOSAL_EVALUATION_DUE, record, &o, due, s, msg, vec![Party::Staff]));
                }
                None => {}
            }
        }

        for o in deadlines::promises(&mut tx.ex(), committee_id).await? {
            let Some(due) = date(&o.due_on) else { continue };
            let record = RecordRef::proposal(o.record_id);
            let unit = vec![Party::Unit(o.party_id)];
            match notice::stage(cal, today, due, &rules.before_due, true, Some(rules.escalate_after)) {
                Some(s @ Stage::Before(_)) => {
                    let msg = format!("答复中承诺的事项将于{due}到期，请按时落实并登记");
                    notices.push(at(notice::PROPOSAL_PROMISE_DUE, record, &o, due, s, msg, unit));
                }
                Some(Stage::Overdue) => {
                    let msg = format!("答复中承诺的事项已于{due}到期，尚未登记落实情况");
                    notices.push(at(notice::PROPOSAL_PROMISE_OVERDUE, record, &o, due, Stage::Overdue, msg, unit));
                }
                Some(Stage::Escalated) => {
                    let msg = format!("承办单位承诺的事项已超期（期限{due}），请督办");
                    notices.push(at(notice::PROPOSAL_PROMISE_OVERDUE, record, &o, due, Stage::Escalated, msg, vec![Party::Staff]));
                }
                None => {}
            }
        }

        for o in deadlines::reports(&mut tx.ex(), committee_id).await? {
            let Some(due) = date(&o.due_on) else { continue };
            let record = RecordRef::new(eline_domain::RecordKind::OPINION, o.record_id);
            let channel = if o.is_key { eline_domain::opinion::Channel::Direct } else { eline_domain::opinion::Channel::Opinion }.label();
            let Some(s) = notice::stage(cal, today, due, &rules.opinion_before, true, None) else { continue };
            let msg = match s {
                Stage::Before(_) => format!("{channel}信息的处理时限为{due}，请及时编辑并决定是否采用"),
                _ => format!("{channel}信息已超过处理时限（{due}）"),
            };
            notices.push(at(notice::OPINION_DUE, record, &o, due, s, msg, vec![Party::Staff]));
        }

        // Leave requests undecided before the activity: one reminder per activity and stage to
        // its approver (the office when it has none), however many requests wait.
        let mut waiting: Vec<(Open, usize)> = Vec::new();
        for o in deadlines::leave_requests(&mut tx.ex(), committee_id).await? {
            match waiting.last_mut() {
                Some((last, n)) if last.record_id == o.record_id => *n += 1,
                _ => waiting.push((Open { item_id: 0, ..o }, 1)),
            }
        }
        for (o, n) in waiting {
            let Some(due) = date(&o.due_on) else { continue };
            let record = RecordRef::new(eline_domain::RecordKind::ACTIVITY, o.record_id);
            let Some(s) = notice::stage(cal, today, due, &rules.leave_before, false, None) else { continue };
            let to = vec![if o.party_id == 0 { Party::Staff } else { Party::User(o.party_id) }];
            let msg = format!("{n}位委员的请假申请尚未审批，活动日期{due}");
            notices.push(at(notice::ACTIVITY_LEAVE_DUE, record, &o, due, s, msg, to));
        }

        let written = super::send(&mut tx, committee_id, None, &notices).await?;
        tx.commit().await?;
        Ok(written)
    }
}
