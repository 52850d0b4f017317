//! The activity actions: each a typed input (`super::inputs`) with its step and its effects, run
//! by the workflow kernel. `activity_actions!` is the one list: the dispatch below, the API
//! routes and the page's forms come from it. Check-in and check-out go through
//! `App::activity_act`, which records a refused code after the action's rollback.

use eline_domain::activity::{Attendance, CheckinMethod, CheckinRefusal, LeaveStatus, Participation, Presented, Rsvp, Source, Span, Status, Step};
use eline_domain::activity::{attendance, judge, window_of};
use eline_domain::{Actor, text};
use eline_storage::activities::{self as store, Invitee, Selector};
use eline_storage::{Opt, Tx};

use super::flow::{ActivityFlow, Working};
use super::inputs::*;
use super::{code_of, fmt_at, member_of, parse_at};
use crate::workflow::{Action, Cx};
use crate::{App, AppError, AppResult};

/// Calls `$callback!` with every activity action as `name: Variant => input type`.
#[macro_export]
macro_rules! activity_actions {
    ($callback:ident) => {
        $callback! {
            publish: Publish => PublishInput,
            edit: Edit => EditInput,
            invite: Invite => InviteInput,
            sign_up: SignUp => SignUpInput,
            rsvp: Rsvp => RsvpInput,
            request_leave: RequestLeave => LeaveInput,
            approve_leave: ApproveLeave => DecideLeaveInput,
            open_checkin: OpenCheckin => OpenCheckinInput,
            check_in: CheckIn => CodeInput,
            check_in_by_hand: CheckInByHand => HandCheckinInput,
            check_out: CheckOut => CheckOutInput,
            close: Close => CloseInput,
            cancel: Cancel => CancelInput,
        }
    };
}

/// An activity action: its label, its step (which names it) and its effects (the timeline note).
pub(crate) trait ActivityStep: Send + Sync {
    const LABEL: &'static str;
    const STEP: Step;
    fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> impl std::future::Future<Output = AppResult<String>> + Send;
}

impl<T: ActivityStep> Action<ActivityFlow> for T {
    fn name(&self) -> &'static str {
        T::STEP.name()
    }
    fn label(&self) -> &'static str {
        T::LABEL
    }
    fn step(&self) -> AppResult<Step> {
        Ok(T::STEP)
    }
    fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> impl std::future::Future<Output = AppResult<String>> + Send {
        ActivityStep::apply(self, cx)
    }
}

macro_rules! define_inputs {
    ($($name:ident: $variant:ident => $input:ident,)*) => {
        crate::workflow_actions!(ActivityFlow, ActivityAction, activity_run; $($name: $variant => $input,)*);

        /// The Chinese label of an activity action (audit log, timeline).
        pub fn label(action: &str) -> Option<&'static str> {
            match action {
                "create" => Some("创建活动"),
                $(stringify!($name) => Some(<$input as ActivityStep>::LABEL),)*
                _ => None,
            }
        }
    };
}

activity_actions!(define_inputs);

impl App {
    /// Takes one action on an activity (`activity_run` with the refusals of a code recorded:
    /// an expired, replayed or foreign code, a check-in outside the window or by a member not on
    /// the list is refused, nothing changes, and the attempt is kept for the office).
    pub async fn activity_act(&self, actor: &Actor, id: i64, version: Option<i64>, input: ActivityAction) -> AppResult<eline_storage::activities::Activity> {
        let code = match &input {
            ActivityAction::CheckIn(i) => Some(i.code.clone()),
            ActivityAction::CheckOut(i) => Some(i.code.clone()),
            _ => None,
        };
        let result = self.activity_run(actor, id, version, input).await;
        if let (Err(AppError::InvalidTransition(message)), Some(code)) = (&result, code)
            && let Some(refusal) = CheckinRefusal::from_message(message)
        {
            let mut tx = self.db.begin().await?;
            store::record_attempt(&mut tx.ex(), actor.committee_id, id, actor.user_id, member_of(actor), &code, refusal.as_str()).await?;
            tx.commit().await?;
        }
        result
    }
}

fn refused(r: CheckinRefusal) -> AppError {
    AppError::InvalidTransition(r.label().to_string())
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::field(field, message)
}

/// The actor's own row on the list (the transition let an invitee through).
fn my_row(w: &Working) -> AppResult<Invitee> {
    w.l.mine.clone().ok_or(AppError::Forbidden)
}

/// The row of `member_id` on the list.
async fn row_of(tx: &mut Tx, w: &Working, member_id: Option<i64>) -> AppResult<Invitee> {
    let member_id = member_id.ok_or_else(|| invalid("member_id", "请选择委员"))?;
    match store::invitee(&mut tx.ex(), w.a.id, member_id).await? {
        Some(i) if !i.waiting => Ok(i),
        _ => Err(invalid("member_id", "该委员不在本次活动的参加名单中")),
    }
}

impl ActivityStep for PublishInput {
    const LABEL: &'static str = "发布活动";
    const STEP: Step = Step::Publish;
    async fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        cx.loaded.a.published_at = Some(cx.loaded.now);
        let places = store::places_taken(&mut cx.tx.ex(), cx.loaded.a.id).await?;
        Ok(match cx.loaded.a.participation {
            Participation::Invited => format!("发布活动通知，通知{places}位委员"),
            Participation::Signup => "发布活动，开放报名".to_string(),
        })
    }
}

impl ActivityStep for EditInput {
    const LABEL: &'static str = "修改活动";
    const STEP: Step = Step::Edit;
    async fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        let w = &mut *cx.loaded;
        let before = w.a.clone();
        if let Some(t) = &self.title {
            w.a.title = text::required("title", "活动名称", t, 100).map_err(|e| AppError::Validation(vec![e]))?;
        }
        if let Some(d) = &self.description {
            w.a.description = d.trim().to_string();
        }
        if let Some(p) = &self.place {
            w.a.place = text::required("place", "地点", p, 100).map_err(|e| AppError::Validation(vec![e]))?;
        }
        if let Some(s) = &self.starts_at {
            w.a.starts_at = parse_at("starts_at", "开始时间", s)?;
        }
        if let Some(e) = &self.ends_at {
            w.a.ends_at = parse_at("ends_at", "结束时间", e)?;
        }
        if self.capacity.is_some() {
            w.a.capacity = self.capacity;
        }
        if self.approver_id.is_some() {
            w.a.approver_id = self.approver_id;
        }
        if self.briefing_leader.is_some() {
            w.a.briefing_leader = self.briefing_leader.clone();
        }
        super::create::settle(&mut w.a, &w.rules)?;
        if let Some(a) = self.approver_id {
            super::create::check_approver(&mut cx.tx.ex(), cx.actor.committee_id, a).await?;
        }
        let mut changed = Vec::new();
        if before.starts_at != w.a.starts_at || before.ends_at != w.a.ends_at {
            let (from, to) = (span(before.starts_at, before.ends_at), span(w.a.starts_at, w.a.ends_at));
            changed.push(format!("时间由{from}改为{to}"));
            if before.status != Status::Planned {
                store::add_change(&mut cx.tx.ex(), w.a.id, "time", &from, &to, cx.actor.user_id).await?;
            }
        }
        if before.place != w.a.place {
            changed.push(format!("地点由“{}”改为“{}”", before.place, w.a.place));
            if before.status != Status::Planned {
                store::add_change(&mut cx.tx.ex(), w.a.id, "place", &before.place, &w.a.place, cx.actor.user_id).await?;
            }
        }
        if !changed.is_empty() && before.status != Status::Planned {
            w.a.changes += 1;
        }
        Ok(if changed.is_empty() { "修改活动信息".into() } else { format!("变更：{}", changed.join("；")) })
    }
}

/// "2027-01-10 09:00—12:00" (or with the end date when it differs).
pub fn span(starts_at: i64, ends_at: i64) -> String {
    let (s, e) = (fmt_at(starts_at), fmt_at(ends_at));
    if s[..10] == e[..10] { format!("{s}—{}", &e[11..]) } else { format!("{s}—{e}") }
}

impl ActivityStep for InviteInput {
    const LABEL: &'static str = "邀请委员";
    const STEP: Step = Step::Invite;
    async fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        let cid = cx.actor.committee_id;
        for p in &self.positions {
            if !eline_domain::member::POSITIONS.iter().any(|(v, _)| v == p) {
                return Err(invalid("positions", format!("未知职务：{p}")));
            }
        }
        let selector = Selector {
            positions: self.positions.clone(),
            sector_ids: self.sector_ids.clone(),
            special_committee_ids: self.special_committee_ids.clone(),
            station_ids: self.station_ids.clone(),
            organization_ids: self.organization_ids.clone(),
        };
        let mut found = store::select_members(&mut cx.tx.ex(), cid, &selector).await?;
        let by_hand = store::existing_members(&mut cx.tx.ex(), cid, &self.member_ids).await?;
        if by_hand.len() != dedup(&self.member_ids).len() {
            return Err(invalid("member_ids", "所选委员中有不属于本会或已撤销的委员"));
        }
        found.extend(by_hand.into_iter().filter(|m| !found.iter().any(|(f, _)| f == m)).map(|m| (m, Source::Hand)).collect::<Vec<_>>());
        if found.is_empty() {
            return Err(invalid("member_ids", "没有找到符合条件的委员，请选择职务、界别、专委会、工作站、党派团体或逐个选择委员"));
        }
        let mut added = Vec::new();
        for (member, source) in &found {
            if store::add_invitees(&mut cx.tx.ex(), cid, cx.loaded.a.id, &[*member], *source, false).await? == 1 {
                added.push(*member);
            }
        }
        let note = format!("邀请{}位委员（{}位已在名单中）", added.len(), found.len() - added.len());
        cx.loaded.concerned = added;
        Ok(note)
    }
}

fn dedup(ids: &[i64]) -> Vec<i64> {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

impl ActivityStep for SignUpInput {
    const LABEL: &'static str = "报名";
    const STEP: Step = Step::SignUp;
    async fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        let member = member_of(cx.actor).ok_or(AppError::Forbidden)?;
        let id = cx.loaded.a.id;
        let taken = store::places_taken(&mut cx.tx.ex(), id).await?;
        let full = cx.loaded.a.capacity.is_some_and(|c| taken >= c);
        store::add_invitees(&mut cx.tx.ex(), cx.actor.committee_id, id, &[member], Source::Signup, full).await?;
        Ok(if full { format!("{}报名（名额已满，列入候补）", cx.actor.display_name) } else { format!("{}报名参加", cx.actor.display_name) })
    }
}

impl ActivityStep for RsvpInput {
    const LABEL: &'static str = "回复是否参加";
    const STEP: Step = Step::Rsvp;
    async fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        let mut row = my_row(cx.loaded)?;
        let name = &cx.actor.display_name;
        if cx.loaded.a.participation == Participation::Signup && !self.attending {
            // Giving a place up: the first on the waiting list moves up.
            store::remove_invitee(&mut cx.tx.ex(), row.id).await?;
            if !row.waiting
                && let Some(mut next) = store::first_waiting(&mut cx.tx.ex(), cx.loaded.a.id).await?
            {
                next.waiting = false;
                store::save_invitee(&mut cx.tx.ex(), &next).await?;
                cx.loaded.concerned = vec![next.member_id];
            }
            return Ok(format!("{name}取消报名"));
        }
        row.rsvp = Opt(Some(if self.attending { Rsvp::Yes } else { Rsvp::No }));
        store::save_invitee(&mut cx.tx.ex(), &row).await?;
        Ok(if self.attending {
            format!("{name}回复：参加")
        } else {
            format!("{name}回复：不参加{}", if row.leave_status.is_none() { "（未请假）" } else { "" })
        })
    }
}

impl ActivityStep for LeaveInput {
    const LABEL: &'static str = "请假";
    const STEP: Step = Step::RequestLeave;
    async fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        let mut row = my_row(cx.loaded)?;
        let reason = text::required("reason", "请假事由", &self.reason, 300).map_err(|e| AppError::Validation(vec![e]))?;
        match *row.leave_status {
            Some(LeaveStatus::Requested) => return Err(AppError::InvalidTransition("请假申请已提交，正在等待审批".into())),
            Some(LeaveStatus::Approved) => return Err(AppError::InvalidTransition("请假已获批准".into())),
            _ => {}
        }
        let now = cx.loaded.now;
        let late = now > cx.loaded.a.leave_deadline_at;
        row.leave_status = Opt(Some(LeaveStatus::Requested));
        row.leave_reason = Some(reason);
        row.leave_requested_at = Some(now);
        row.leave_late = late;
        row.leave_decided_by = None;
        row.leave_decided_at = None;
        row.leave_note = None;
        row.rsvp = Opt(Some(Rsvp::No));
        store::save_invitee(&mut cx.tx.ex(), &row).await?;
        // The reason stays off the timeline (other invitees see the timeline's notes).
        Ok(format!("{}请假{}", cx.actor.display_name, if late { "（逾期请假）" } else { "" }))
    }
}

impl ActivityStep for DecideLeaveInput {
    const LABEL: &'static str = "审批请假";
    const STEP: Step = Step::DecideLeave;
    async fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        let mut row = row_of(cx.tx, cx.loaded, self.member_id).await?;
        if *row.leave_status != Some(LeaveStatus::Requested) {
            return Err(AppError::InvalidTransition("该委员没有待审批的请假申请".into()));
        }
        row.leave_status = Opt(Some(if self.approved { LeaveStatus::Approved } else { LeaveStatus::Denied }));
        row.leave_decided_by = Some(cx.actor.user_id);
        row.leave_decided_at = Some(cx.loaded.now);
        row.leave_note = self.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(String::from);
        store::save_invitee(&mut cx.tx.ex(), &row).await?;
        cx.loaded.concerned = vec![row.member_id];
        let word = if self.approved { "批准请假" } else { "不批准请假，请按时参加" };
        Ok(match &row.leave_note {
            Some(n) => format!("{word}（{n}）"),
            None => word.to_string(),
        })
    }
}

impl ActivityStep for OpenCheckinInput {
    const LABEL: &'static str = "开始签到";
    const STEP: Step = Step::OpenCheckin;
    async fn apply(&self, _cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        Ok("开始签到".into())
    }
}

/// Checks the moment and the code of a check-in or check-out; returns the code's window.
fn check_code(w: &Working, row: Option<&Invitee>, code: &str) -> AppResult<i64> {
    let row = match row {
        Some(r) if !r.waiting => r,
        _ => return Err(refused(CheckinRefusal::NotInvited)),
    };
    if w.now < w.a.checkin_from || w.now > w.a.checkin_until {
        return Err(refused(CheckinRefusal::OutsideWindow));
    }
    let presented = Presented { code, now_window: window_of(w.now), last_window: row.last_window };
    judge(&presented, |window| code_of(&w.a.checkin_secret, w.a.id, window)).map_err(refused)
}

impl ActivityStep for CodeInput {
    const LABEL: &'static str = "签到";
    const STEP: Step = Step::CheckIn;
    async fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        let w = &*cx.loaded;
        let window = check_code(w, w.l.mine.as_ref(), &self.code)?;
        let mut row = my_row(w)?;
        row.checked_in_at = Some(w.now);
        row.checkin_method = Opt(Some(CheckinMethod::Code));
        row.last_window = Some(window);
        store::save_invitee(&mut cx.tx.ex(), &row).await?;
        Ok(format!("{}签到", cx.actor.display_name))
    }
}

impl ActivityStep for CheckOutInput {
    const LABEL: &'static str = "签退";
    const STEP: Step = Step::CheckOut;
    async fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        let w = &*cx.loaded;
        let Some(mine) = w.l.mine.as_ref().filter(|r| !r.waiting) else {
            return Err(refused(CheckinRefusal::NotInvited));
        };
        let window = check_code(w, Some(mine), &self.code)?;
        let mut row = mine.clone();
        row.checked_out_at = Some(w.now);
        row.last_window = Some(window);
        store::save_invitee(&mut cx.tx.ex(), &row).await?;
        Ok(format!("{}签退", cx.actor.display_name))
    }
}

impl ActivityStep for HandCheckinInput {
    const LABEL: &'static str = "代签到";
    const STEP: Step = Step::CheckInByHand;
    async fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        let reason = text::required("reason", "代签到原因", &self.reason, 200).map_err(|e| AppError::Validation(vec![e]))?;
        let mut row = row_of(cx.tx, cx.loaded, self.member_id).await?;
        if let Some(at) = row.checked_in_at {
            return Err(AppError::InvalidTransition(format!("该委员已于{}签到", fmt_at(at))));
        }
        row.checked_in_at = Some(cx.loaded.now);
        row.checkin_method = Opt(Some(CheckinMethod::Hand));
        row.checkin_by = Some(cx.actor.user_id);
        row.checkin_reason = Some(reason.clone());
        store::save_invitee(&mut cx.tx.ex(), &row).await?;
        cx.loaded.concerned = vec![row.member_id];
        Ok(format!("工作人员{}代为签到，原因：{reason}", cx.actor.display_name))
    }
}

impl ActivityStep for CloseInput {
    const LABEL: &'static str = "结束活动";
    const STEP: Step = Step::Close;
    async fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        let w = &mut *cx.loaded;
        w.a.closed_at = Some(w.now);
        let span = Span {
            starts_at: w.a.starts_at,
            ends_at: w.a.ends_at,
            checkout: w.a.checkout,
            min_share_percent: w.a.min_share_percent,
            late_after_minutes: w.a.late_after_minutes,
        };
        let mut counts = [0usize; 4];
        for listed in store::invitees(&mut cx.tx.ex(), w.a.id).await? {
            let mut row = listed.invitee;
            if row.waiting {
                continue;
            }
            let r = eline_domain::activity::Record { leave: *row.leave_status, checked_in_at: row.checked_in_at, checked_out_at: row.checked_out_at };
            let outcome = attendance(&r, &span);
            counts[Attendance::ALL.iter().position(|a| *a == outcome).unwrap_or(3)] += 1;
            row.attendance = Opt(Some(outcome));
            store::save_invitee(&mut cx.tx.ex(), &row).await?;
        }
        let parts: Vec<String> = Attendance::ALL.iter().zip(counts).map(|(a, n)| format!("{}{n}人", a.label())).collect();
        Ok(format!("活动结束，出席情况：{}", parts.join("，")))
    }
}

impl ActivityStep for CancelInput {
    const LABEL: &'static str = "取消活动";
    const STEP: Step = Step::Cancel;
    async fn apply(&self, cx: &mut Cx<'_, ActivityFlow>) -> AppResult<String> {
        let reason = text::required("reason", "取消原因", &self.reason, 200).map_err(|e| AppError::Validation(vec![e]))?;
        cx.loaded.a.cancel_reason = Some(reason.clone());
        Ok(format!("活动取消：{reason}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_is_named_by_its_step_in_the_same_order() {
        let steps: Vec<&str> = Step::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(steps, ActivityAction::NAMES);
        assert!(ActivityAction::NAMES.iter().all(|n| label(n).is_some()));
    }
}
