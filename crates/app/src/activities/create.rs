//! Creating activities (one, or a weekly or monthly series at once) outside the workflow, and the
//! derived fields every change of time recomputes: year, date, leave deadline, check-in window.

use chrono::{Datelike, Months};
use eline_domain::activity::{ActivityRules, Kind, Organiser, Participation, Source, Status};
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource};
use eline_domain::{Actor, RecordKind, RecordRef, Role, text};
use eline_storage::activities::{self as store, Activity};
use eline_storage::{Ex, directory, users};

use super::inputs::NewActivity;
use super::{at, parse_at, rules_in_force};
use crate::change::{self, Change};
use crate::{App, AppError, AppResult, Checks};

const HOUR: i64 = 3_600_000_000;
const MINUTE: i64 = 60_000_000;

/// Recomputes what follows from the times and checks them: the year and date (Beijing), the leave
/// deadline (the rules' days before the start date, at midnight), the check-in window.
pub(crate) fn settle(a: &mut Activity, rules: &ActivityRules) -> AppResult<()> {
    if a.ends_at <= a.starts_at {
        return Err(AppError::field("ends_at", "结束时间应晚于开始时间"));
    }
    if a.ends_at - a.starts_at > 31 * 24 * HOUR {
        return Err(AppError::field("ends_at", "一次活动最长31天；更长的请分成几次活动"));
    }
    if let Some(c) = a.capacity
        && !(1..=10_000).contains(&c)
    {
        return Err(AppError::field("capacity", "报名名额应在1到10000之间"));
    }
    let start = at(a.starts_at);
    a.year = i64::from(start.year());
    a.starts_on = start.format("%Y-%m-%d").to_string();
    a.leave_deadline_at = rules.leave_deadline(a.kind, a.starts_at);
    a.checkin_from = a.starts_at - i64::from(rules.checkin_before_minutes) * MINUTE;
    a.checkin_until = a.ends_at + i64::from(rules.checkin_after_minutes) * MINUTE;
    Ok(())
}

/// The approver must be an active account of the committee with the leader or staff role.
pub(crate) async fn check_approver(ex: &mut Ex<'_>, committee_id: i64, user_id: i64) -> AppResult<()> {
    match users::get(ex, committee_id, user_id).await? {
        Some(u) if u.active && (u.roles.contains(Role::Leader.as_str()) || u.roles.contains(Role::Staff.as_str())) => Ok(()),
        _ => Err(AppError::field("approver_id", "请假审批人应为本会的领导或工作人员账号")),
    }
}

impl App {
    /// Creates an activity (planned), or a weekly or monthly series of them at once, each with
    /// the invitees given by hand; returns the first.
    pub async fn create_activity(&self, actor: &Actor, input: &NewActivity) -> AppResult<Activity> {
        self.require(actor, Action::ManageActivities, Resource::Any).await?;
        let cid = actor.committee_id;
        let mut tx = self.db.begin().await?;
        let mut checks = Checks::default();
        let kind = checks.take(input.kind.ok_or_else(|| AppError::field("type", "请选择活动类型")))?;
        let title = checks.take(text::required("title", "活动名称", &input.title, 100).map_err(|e| AppError::Validation(vec![e])))?;
        let place = checks.take(text::required("place", "地点", &input.place, 100).map_err(|e| AppError::Validation(vec![e])))?;
        let starts_at = checks.take(parse_at("starts_at", "开始时间", &input.starts_at))?;
        let ends_at = checks.take(parse_at("ends_at", "结束时间", &input.ends_at))?;
        let repeat = match (input.repeat.as_deref(), input.repeat_count) {
            (None, _) => Ok(None),
            (Some(r @ ("weekly" | "monthly")), Some(n)) if (2..=24).contains(&n) => Ok(Some((r == "monthly", n))),
            (Some("weekly" | "monthly"), _) => Err(AppError::field("repeat_count", "系列活动的次数应在2到24之间")),
            (Some(_), _) => Err(AppError::field("repeat", "重复方式应为 weekly（每周）或 monthly（每月）")),
        };
        let repeat = checks.take(repeat)?;
        if !checks.is_empty() {
            return Err(checks.error());
        }
        let (kind, title, place, starts_at, ends_at, repeat) =
            (kind.unwrap_or(Kind::Other), title.unwrap_or_default(), place.unwrap_or_default(), starts_at.unwrap_or(0), ends_at.unwrap_or(0), repeat.flatten());
        if let Some(sc) = input.special_committee_id {
            directory::get(&mut tx.ex(), DirectoryKind::SpecialCommittee, cid, sc)
                .await?
                .ok_or_else(|| AppError::field("special_committee_id", "没有这个专委会"))?;
        }
        let year = i64::from(at(starts_at).year());
        let rules = rules_in_force(&mut tx.ex(), cid, year).await?;
        let approver_id = input.approver_id.or(if kind.is_formal_meeting() { rules.meeting_approver_id } else { None });
        if let Some(a) = input.approver_id {
            check_approver(&mut tx.ex(), cid, a).await?;
        }
        let participation = match (input.participation, input.capacity) {
            (Some(p), _) => p,
            (None, Some(_)) => Participation::Signup,
            (None, None) => Participation::Invited,
        };
        let members = store::existing_members(&mut tx.ex(), cid, &input.invitee_member_ids).await?;
        let mut wanted = input.invitee_member_ids.clone();
        wanted.sort_unstable();
        wanted.dedup();
        if members.len() != wanted.len() {
            return Err(AppError::field("invitee_member_ids", "所选委员中有不属于本会或已撤销的委员"));
        }
        let count = repeat.map_or(1, |(_, n)| n);
        let mut first: Option<Activity> = None;
        for i in 0..count {
            let shift = |t: i64| -> AppResult<i64> {
                match repeat {
                    Some((true, _)) => at(t)
                        .checked_add_months(Months::new(i))
                        .map(|d| d.timestamp_micros())
                        .ok_or_else(|| AppError::field("repeat", "系列活动的日期超出范围")),
                    Some((false, _)) => Ok(t + i64::from(i) * 7 * 24 * HOUR),
                    None => Ok(t),
                }
            };
            let mut a = Activity {
                id: 0,
                committee_id: cid,
                year,
                starts_on: String::new(),
                kind,
                title: title.clone(),
                description: input.description.trim().to_string(),
                place: place.clone(),
                starts_at: shift(starts_at)?,
                ends_at: shift(ends_at)?,
                organiser_kind: if input.special_committee_id.is_some() { Organiser::SpecialCommittee } else { Organiser::Office },
                special_committee_id: input.special_committee_id,
                participation,
                capacity: input.capacity,
                status: Status::Planned,
                cancel_reason: None,
                approver_id,
                leave_deadline_at: 0,
                checkin_from: 0,
                checkin_until: 0,
                checkout: input.checkout,
                min_share_percent: i64::from(rules.min_share_percent),
                late_after_minutes: i64::from(rules.late_after_minutes),
                checkin_secret: crate::device_sessions::secret(""),
                briefing_leader: input.briefing_leader.as_deref().map(str::trim).filter(|b| !b.is_empty()).map(String::from),
                series_id: first.as_ref().map(|f| f.id),
                changes: 0,
                published_at: None,
                closed_at: None,
                created_by: actor.user_id,
                version: 1,
                created_at: 0,
                updated_at: 0,
            };
            settle(&mut a, &rules)?;
            let a = store::create(&mut tx.ex(), &a).await?;
            store::add_invitees(&mut tx.ex(), cid, a.id, &members, Source::Hand, false).await?;
            let series = match repeat {
                Some(_) => format!("（系列活动第{}次，共{count}次）", i + 1),
                None => String::new(),
            };
            let note = format!("创建{}“{}”{series}", a.kind.label(), a.title);
            let change = Change {
                record: RecordRef::new(RecordKind::ACTIVITY, a.id),
                action: "create",
                summary: note.clone(),
                before: None,
                after: crate::snapshot(&a),
                timeline: Some((Some(Status::Planned.as_str()), &note)),
                topics: &[],
            };
            change::record(&mut tx, actor, change).await?;
            first.get_or_insert(a);
        }
        tx.commit().await?;
        first.ok_or(AppError::NotFound)
    }
}
