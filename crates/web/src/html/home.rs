//! The home page: one per role, with the figures that exist today and empty states that say
//! what will appear there.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use eline_app::activities::ActivityFilter;
use eline_app::home::HomeCounts;
use eline_app::opinions::{OpinionFilter, OpinionHome};
use eline_app::proposals::{LeaderOverview, ProposalFilter};
use eline_domain::Role;
use eline_domain::activity::When;
use eline_domain::opinion;
use eline_domain::policy::{self, Action, Resource, Scope, can};
use eline_domain::proposal::{ListSort, Status};

use super::opinions::opinions_href;
use super::proposals::{P, proposals_href};
use super::{Layout, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    role: &'static str,
    heading: &'static str,
    c: HomeCounts,
    member_id: Option<i64>,
    can_manage: bool,
    p: eline_app::proposals::ProposalHome,
    /// A leader's overview: rates, overdue units, key proposals.
    leader: Option<LeaderOverview>,
    /// The information work: an author's reports by status, the office's queues.
    o: OpinionHome,
    /// The 社情民意 block for an author (may write and is not the office).
    opinion_author: bool,
    /// 领导批示 on the member's (or informant's) own records.
    instructions: Vec<eline_app::instructions::MyInstruction>,
    /// A member's next activities (their own, soonest first).
    activities: Vec<eline_storage::activities::Row>,
    /// Leave requests waiting for the actor's decision (approvers: leaders, the office).
    leave_waiting: i64,
}

impl HomePage {
    fn percent(&self, rate: &Option<f64>) -> String {
        eline_app::proposals::percent(*rate)
    }
    /// Every overdue proposal the leader may see.
    fn overdue_all(&self) -> String {
        proposals_href(&ProposalFilter { scope: Some(Scope::All), due_within_days: Some(-1), ..Default::default() })
    }
    /// The current session's list narrowed to `status`.
    fn session_list(&self, o: &LeaderOverview, status: Option<Status>) -> String {
        proposals_href(&ProposalFilter { scope: Some(Scope::All), session_id: o.session_id, status, ..Default::default() })
    }
    fn overdue_of(&self, unit_id: &i64) -> String {
        proposals_href(&ProposalFilter { scope: Some(Scope::All), unit_id: Some(*unit_id), due_within_days: Some(-1), ..Default::default() })
    }
    /// The author's own reports of one status.
    fn my_opinions(&self, s: &opinion::Status) -> String {
        opinions_href(&OpinionFilter { status: Some(*s), ..OpinionFilter::scope(opinion::Scope::Mine) })
    }
    fn is_returned(&self, s: &opinion::Status) -> bool {
        *s == opinion::Status::Returned
    }
    fn opinion_queue(&self, q: &str) -> String {
        match opinion::Queue::parse(q) {
            Some(q) => opinions_href(&OpinionFilter::queue(q)),
            None => opinions_href(&OpinionFilter { from_below: true, ..OpinionFilter::scope(opinion::Scope::All) }),
        }
    }
    /// A member's own standing in an activity (待回复, 参加, 请假待批 …).
    fn activity_mine(&self, r: &eline_storage::activities::Row) -> &'static str {
        super::activities::P::mine(*r.rsvp, *r.leave_status, r.checked_in_at, *r.attendance)
    }
    fn activity_class(&self, label: &str) -> &'static str {
        super::activities::P::mine_class(label)
    }
    fn activity_span(&self, r: &eline_storage::activities::Row) -> String {
        eline_app::activities::span(r.starts_at, r.ends_at)
    }
    /// Check-in is open and the member has not checked in (nor is on approved leave).
    fn activity_check_in(&self, r: &eline_storage::activities::Row) -> bool {
        r.status == eline_domain::activity::Status::CheckinOpen
            && r.checked_in_at.is_none()
            && *r.leave_status != Some(eline_domain::activity::LeaveStatus::Approved)
    }
    fn key_list(&self, o: &LeaderOverview) -> String {
        proposals_href(&ProposalFilter { scope: Some(Scope::All), session_id: o.session_id, key_only: true, sort: Some(ListSort::Due), ..Default::default() })
    }
}

pub fn heading(role: Role) -> &'static str {
    match role {
        Role::Admin => "系统管理",
        Role::Staff => "机关工作台",
        Role::Member => "我的履职",
        Role::Unit => "承办单位工作台",
        Role::Leader => "领导督办",
        Role::Informant => "我的信息报送",
    }
}

async fn home(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let role = policy::home(&user.actor);
    let c = state.app.home_counts(&user.actor).await?;
    let p = state.app.proposal_home(&user.actor).await?;
    let l = Layout::page(&state, &user, "/", heading(role), &[]).await?;
    let can_manage = can(&user.actor, Action::ManageMembers, Resource::Any);
    let leader = if role == Role::Leader { Some(state.app.leader_overview(&user.actor).await?) } else { None };
    let o = state.app.opinion_home(&user.actor).await?;
    let opinion_author = opinion::may_write(&user.actor) && !user.actor.has(Role::Staff);
    let instructions = if matches!(role, Role::Member | Role::Informant) { state.app.my_instructions(&user.actor).await? } else { Vec::new() };
    let member_id = user.actor.member_id;
    let heading = heading(role);
    let activities = if role == Role::Member && eline_app::App::activity_member(&user.actor).is_some() {
        let next = ActivityFilter { mine: true, when: Some(When::Upcoming), limit: Some(3), ..Default::default() };
        state.app.activities(&user.actor, &next).await?.items
    } else {
        Vec::new()
    };
    let approver = user.actor.has(Role::Leader) || user.actor.has(Role::Staff);
    let leave_waiting = if approver && can(&user.actor, Action::ViewActivityStats, Resource::Any) { state.app.leave_waiting(&user.actor).await? } else { 0 };
    let page = HomePage { l, role: role.as_str(), heading, c, member_id, can_manage, p, leader, o, opinion_author, instructions, activities, leave_waiting };
    Ok(render(&page))
}
