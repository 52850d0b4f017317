//! The activity lists. A member opens three sections: 即将参加 (soonest first, with their own
//! standing and a 签到 button while check-in is open), 可报名 (open sign-ups) and the latest of
//! 以往活动 with their attendance; any filter shows one list of their own with a pager. The
//! office and leaders see every activity, newest first, filtered by type, status, year and time
//! (the same `ActivityFilter` the API takes, as the page's URL).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use eline_app::Page;
use eline_app::activities::ActivityFilter;
use eline_domain::activity::{Kind, LeaveStatus, Status, When};
use eline_domain::policy::{Action, Resource, can};
use eline_storage::activities::Row;

use super::P;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::{Layout, PageQuery, render};

/// A link to an activity list (home page, pager, filters).
pub fn activities_href(f: &ActivityFilter) -> String {
    match serde_urlencoded::to_string(f).unwrap_or_default() {
        qs if qs.is_empty() => "/activities".into(),
        qs => format!("/activities?{qs}"),
    }
}

/// One section of the page: a heading, its rows, what it says when empty, where it continues.
pub struct Section {
    pub id: &'static str,
    pub title: String,
    pub rows: Vec<Row>,
    pub empty: &'static str,
    /// The whole list (when the section shows only its first rows) or the next page.
    pub more: Option<(String, &'static str)>,
    /// The rows carry the member's own standing.
    pub own: bool,
}

#[derive(Template)]
#[template(path = "activity_list.html")]
struct ListPage {
    l: Layout,
    sections: Vec<Section>,
    /// The filter form (the office and leaders; a member's single list).
    f: ActivityFilter,
    filters: bool,
    office: bool,
    member: bool,
    /// Leave requests waiting for the actor's decision.
    leave_waiting: i64,
}

impl ListPage {
    fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }
    fn kind_is(&self, k: &Kind) -> bool {
        self.f.kind == Some(*k)
    }
    fn statuses(&self) -> &'static [Status] {
        Status::ALL
    }
    fn status_is(&self, s: &Status) -> bool {
        self.f.status == Some(*s)
    }
    fn whens(&self) -> &'static [When] {
        When::ALL
    }
    fn when_is(&self, w: &When) -> bool {
        self.f.when == Some(*w)
    }
    fn year_text(&self) -> String {
        self.f.year.map(|y| y.to_string()).unwrap_or_default()
    }
    fn mine(&self, r: &Row) -> &'static str {
        P::mine(*r.rsvp, *r.leave_status, r.checked_in_at, *r.attendance)
    }
    /// The member may check in now: check-in is open, not yet checked in, not on approved leave.
    fn may_check_in(&self, r: &Row) -> bool {
        r.status == Status::CheckinOpen && r.invited.is_some() && r.checked_in_at.is_none() && *r.leave_status != Some(LeaveStatus::Approved)
    }
}

/// The page's rows: at most `limit` of the filter, and the link to what follows.
async fn section_rows(
    state: &AppState,
    user: &PageUser,
    f: ActivityFilter,
    limit: i64,
    more_label: &'static str,
) -> Result<(Vec<Row>, Option<(String, &'static str)>), PageError> {
    let page: Page<Row> = state.app.activities(&user.actor, &ActivityFilter { limit: Some(limit), ..f.clone() }).await?;
    let more = page.next_cursor.as_ref().map(|c| (activities_href(&ActivityFilter { cursor: Some(c.clone()), limit: None, ..f }), more_label));
    Ok((page.items, more))
}

pub(super) async fn list(State(state): State<AppState>, user: PageUser, PageQuery(mut f): PageQuery<ActivityFilter>) -> Result<Response, PageError> {
    let actor = &user.actor;
    let office = can(actor, Action::ManageActivities, Resource::Any);
    let overview = can(actor, Action::ViewActivityStats, Resource::Any);
    let member = eline_app::App::activity_member(actor).is_some() && !overview;
    f.limit = None;
    let mut sections = Vec::new();
    let filters = !(member && f == ActivityFilter::default());
    if !filters {
        let upcoming = ActivityFilter { mine: true, when: Some(When::Upcoming), ..Default::default() };
        let (rows, more) = section_rows(&state, &user, upcoming, 50, "更多即将参加的活动").await?;
        let taken: Vec<i64> = rows.iter().map(|r| r.id).collect();
        sections.push(Section { id: "upcoming", title: "即将参加".into(), rows, empty: "近期没有需要您参加的活动。", more, own: true });
        let signup = ActivityFilter { signup: true, ..Default::default() };
        let (mut rows, more) = section_rows(&state, &user, signup, 50, "更多可报名的活动").await?;
        rows.retain(|r| !taken.contains(&r.id));
        sections.push(Section { id: "signup", title: "可报名".into(), rows, empty: "目前没有开放报名的活动。", more, own: false });
        let past = ActivityFilter { mine: true, when: Some(When::Past), ..Default::default() };
        let (rows, more) = section_rows(&state, &user, past.clone(), 10, "").await?;
        let more = more.map(|_| (activities_href(&past), "查看全部以往活动"));
        sections.push(Section { id: "past", title: "以往活动".into(), rows, empty: "还没有以往的活动记录。", more, own: true });
    } else {
        if member {
            f.mine = !f.signup;
        }
        let (rows, more) = section_rows(&state, &user, f.clone(), 50, "下一页").await?;
        let title = if member && f.signup {
            "可报名的活动"
        } else if member {
            "我的活动"
        } else {
            "全部活动"
        };
        let empty = if office { "没有符合条件的活动。点击“新建活动”发出第一个通知。" } else { "没有符合条件的活动。" };
        sections.push(Section { id: "all", title: title.into(), rows, empty, more, own: member && !f.signup });
    }
    let leave_waiting = if office || overview { state.app.leave_waiting(actor).await? } else { 0 };
    let l = Layout::page(&state, &user, "/activities", "活动", &[]).await?;
    Ok(render(&ListPage { l, sections, f, filters, office, member, leave_waiting }))
}
