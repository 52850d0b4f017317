//! The home page: one per role, with the figures that exist today and empty states that say
//! what will appear there.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use eline_app::home::HomeCounts;
use eline_domain::Role;
use eline_domain::policy::{self, Action, Resource, can};

use super::proposals::P;
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
}

pub fn heading(role: Role) -> &'static str {
    match role {
        Role::Admin => "系统管理",
        Role::Staff => "机关工作台",
        Role::Member => "我的履职",
        Role::Unit => "承办单位工作台",
        Role::Leader => "领导督办",
    }
}

async fn home(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let role = policy::home(&user.actor);
    let c = state.app.home_counts(&user.actor).await?;
    let p = state.app.proposal_home(&user.actor).await?;
    let l = Layout::page(&state, &user, "/", heading(role), &[]).await?;
    let can_manage = can(&user.actor, Action::ManageMembers, Resource::Any);
    Ok(render(&HomePage { l, role: role.as_str(), heading: heading(role), c, member_id: user.actor.member_id, can_manage, p }))
}
