//! The office's forms: a new activity (or a weekly or monthly series) with its members chosen by
//! the picker, editing an activity (after publishing a change of time or place is shown to the
//! invitees), and inviting members by position, sector, special committee, work station,
//! organisation or by hand. The forms post the typed inputs the API takes; errors come back by
//! field with what was typed kept.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use eline_app::AppError;
use eline_app::activities::{ActivityAction, EditInput, InviteInput, NewActivity};
use eline_app::pickers::Source;
use eline_domain::activity::{Kind, Participation};
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource, can};
use eline_storage::directory::Entry;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::html::picker::{Picker, interact};
use crate::html::{Errors, FormData, Layout, PagePath, flash, form_errors, render, render_invalid};

/// Leaders' and staff accounts of the committee (who may decide leave), as (user id, name).
pub(super) async fn approver_choices(state: &AppState, user: &PageUser) -> Result<Vec<(i64, String)>, PageError> {
    let mut out = state.app.leader_choices(&user.actor).await?;
    let mut c = state.app.db.acquire().await.map_err(|e| PageError(e.into()))?;
    let staff = eline_storage::users::with_role(&mut c.ex(), user.actor.committee_id, "staff").await.map_err(|e| PageError(e.into()))?;
    for u in staff {
        if !out.iter().any(|(id, _)| *id == u.id) {
            out.push((u.id, format!("{}（工作人员）", u.display_name)));
        }
    }
    Ok(out)
}

/// "2027-01-10T09:00" of stored microseconds (a datetime-local field's value).
pub(super) fn local(micros: i64) -> String {
    eline_app::activities::fmt_at(micros).replacen(' ', "T", 1)
}

fn office_only(user: &PageUser) -> Result<(), PageError> {
    if can(&user.actor, Action::ManageActivities, Resource::Any) { Ok(()) } else { Err(PageError(AppError::Forbidden)) }
}

#[derive(Template)]
#[template(path = "activity_form.html")]
struct FormPage {
    l: Layout,
    f: FormData,
    errors: Errors,
    committees: Vec<Entry>,
    approvers: Vec<(i64, String)>,
    members: Picker,
}

impl FormPage {
    fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }
    fn is(&self, key: &str, value: &str) -> bool {
        self.f.get(key) == value
    }
    fn picked(&self, key: &str, id: &i64) -> bool {
        self.f.get(key) == id.to_string()
    }
    fn signup(&self) -> bool {
        self.f.get("participation") == Participation::Signup.as_str()
    }
}

async fn form_page(state: &AppState, user: &PageUser, f: FormData, errors: Errors, searched: Option<&str>) -> Result<FormPage, PageError> {
    let a = &user.actor;
    let l = Layout::page(state, user, "/activities/new", "新建活动", &[("活动", "/activities")]).await?;
    let members =
        Picker::new("invitee_member_ids", Source::Members, true, "参加委员（可稍后再按界别、专委会等邀请）", "按姓名、拼音首字母（如 zs）或界别查找，可选多位")
            .load(state, a, &f, searched, errors.get("invitee_member_ids"))
            .await?;
    let committees = state.app.directory_choices(a, DirectoryKind::SpecialCommittee).await?;
    let approvers = approver_choices(state, user).await?;
    Ok(FormPage { l, f, errors, committees, approvers, members })
}

pub(super) async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    office_only(&user)?;
    let start = FormData(vec![("participation".into(), "invited".into())]);
    Ok(render(&form_page(&state, &user, start, Errors::default(), None).await?))
}

pub(super) async fn create(State(state): State<AppState>, user: PageUser, body: Bytes) -> Result<Response, PageError> {
    office_only(&user)?;
    let mut f = FormData::parse(&body);
    if let Some(searched) = interact(&mut f, &[("invitee_member_ids", true)]) {
        return Ok(render(&form_page(&state, &user, f, Errors::default(), Some(&searched)).await?));
    }
    let result = match crate::form::parse::<NewActivity>(&f.0) {
        Ok(input) => state.app.create_activity(&user.actor, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(a) => {
            let series = f.opt("repeat").is_some();
            flash(
                &user.session,
                if series {
                    "已创建系列活动（筹备中）：核对后逐个发布通知"
                } else {
                    "活动已创建（筹备中）：核对无误后点击“发布通知”"
                },
            )
            .await;
            Ok(Redirect::to(&format!("/activities/{}", a.id)).into_response())
        }
        Err(e) => Ok(render_invalid(&form_page(&state, &user, f, form_errors(e)?, None).await?)),
    }
}

#[derive(Template)]
#[template(path = "activity_edit.html")]
struct EditPage {
    l: Layout,
    id: i64,
    published: bool,
    f: FormData,
    errors: Errors,
    approvers: Vec<(i64, String)>,
}

impl EditPage {
    fn picked(&self, key: &str, id: &i64) -> bool {
        self.f.get(key) == id.to_string()
    }
}

async fn edit_page(state: &AppState, user: &PageUser, id: i64, f: Option<FormData>, errors: Errors) -> Result<EditPage, PageError> {
    let v = state.app.activity(&user.actor, id).await?;
    if !v.actions.contains(&"edit") {
        return Err(PageError(AppError::InvalidTransition("这个活动现在不能修改".into())));
    }
    let a = &v.a;
    let f = f.unwrap_or_else(|| {
        let mut pairs = vec![
            ("title".to_string(), a.title.clone()),
            ("place".into(), a.place.clone()),
            ("description".into(), a.description.clone()),
            ("starts_at".into(), local(a.starts_at)),
            ("ends_at".into(), local(a.ends_at)),
            ("version".into(), a.version.to_string()),
        ];
        pairs.extend(a.capacity.map(|c| ("capacity".to_string(), c.to_string())));
        pairs.extend(a.approver_id.map(|c| ("approver_id".to_string(), c.to_string())));
        pairs.extend(a.briefing_leader.clone().map(|b| ("briefing_leader".to_string(), b)));
        FormData(pairs)
    });
    let back = format!("/activities/{id}");
    let l = Layout::page(state, user, &format!("{back}/edit"), "修改活动", &[("活动", "/activities"), (a.title.as_str(), back.as_str())]).await?;
    let approvers = approver_choices(state, user).await?;
    Ok(EditPage { l, id, published: a.published_at.is_some(), f, errors, approvers })
}

pub(super) async fn edit_form(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    Ok(render(&edit_page(&state, &user, id, None, Errors::default()).await?))
}

pub(super) async fn update(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let version = f.get("version").parse().ok();
    let result = match crate::form::parse::<EditInput>(&f.0) {
        Ok(input) => state.app.activity_act(&user.actor, id, version, ActivityAction::Edit(input)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            flash(&user.session, "已保存修改").await;
            Ok(Redirect::to(&format!("/activities/{id}")).into_response())
        }
        Err(AppError::InvalidTransition(m)) => {
            let errors = Errors::from_list(&[eline_domain::FieldError::new("action", m)]);
            Ok(render_invalid(&edit_page(&state, &user, id, Some(f), errors).await?))
        }
        Err(e) => Ok(render_invalid(&edit_page(&state, &user, id, Some(f), form_errors(e)?).await?)),
    }
}

/// One group of the invitation form: (field, legend, choices as (value, name)).
type Group = (&'static str, &'static str, Vec<(String, String)>);

#[derive(Template)]
#[template(path = "activity_invite.html")]
struct InvitePage {
    l: Layout,
    id: i64,
    version: i64,
    f: FormData,
    errors: Errors,
    groups: Vec<Group>,
    members: Picker,
}

impl InvitePage {
    fn checked(&self, key: &str, value: &str) -> bool {
        self.f.all(key).iter().any(|v| v == value)
    }
}

async fn invite_page(state: &AppState, user: &PageUser, id: i64, f: FormData, errors: Errors, searched: Option<&str>) -> Result<InvitePage, PageError> {
    let a = &user.actor;
    let v = state.app.activity(a, id).await?;
    if !v.actions.contains(&"invite") {
        return Err(PageError(AppError::InvalidTransition("这个活动现在不能再邀请委员".into())));
    }
    let entries = |list: Vec<Entry>| list.into_iter().map(|e| (e.id.to_string(), e.name)).collect::<Vec<_>>();
    let positions =
        eline_domain::member::POSITIONS.iter().map(|(v, l)| (v.to_string(), if *v == "member" { "全体委员".to_string() } else { l.to_string() })).collect();
    let groups = vec![
        ("positions", "按职务", positions),
        ("sector_ids", "按界别", entries(state.app.directory_choices(a, DirectoryKind::Sector).await?)),
        ("special_committee_ids", "按专委会", entries(state.app.directory_choices(a, DirectoryKind::SpecialCommittee).await?)),
        ("station_ids", "按委员工作站", entries(state.app.directory_choices(a, DirectoryKind::WorkStation).await?)),
        ("organization_ids", "按党派团体", entries(state.app.directory_choices(a, DirectoryKind::Organization).await?)),
    ];
    let members = Picker::new("member_ids", Source::Members, true, "逐个指定", "按姓名、拼音首字母或界别查找，可选多位")
        .load(state, a, &f, searched, errors.get("member_ids"))
        .await?;
    let back = format!("/activities/{id}");
    let l = Layout::page(state, user, &format!("{back}/invite"), "邀请委员", &[("活动", "/activities"), (v.a.title.as_str(), back.as_str())]).await?;
    Ok(InvitePage { l, id, version: v.a.version, f, errors, groups, members })
}

pub(super) async fn invite_form(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>) -> Result<Response, PageError> {
    Ok(render(&invite_page(&state, &user, id, FormData::default(), Errors::default(), None).await?))
}

pub(super) async fn invite(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<i64>, body: Bytes) -> Result<Response, PageError> {
    let mut f = FormData::parse(&body);
    if let Some(searched) = interact(&mut f, &[("member_ids", true)]) {
        return Ok(render(&invite_page(&state, &user, id, f, Errors::default(), Some(&searched)).await?));
    }
    let before = state.app.activity(&user.actor, id).await?.counts.invited;
    let result = match crate::form::parse::<InviteInput>(&f.0) {
        Ok(input) => state.app.activity_act(&user.actor, id, None, ActivityAction::Invite(input)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            let after = state.app.activity(&user.actor, id).await?.counts.invited;
            flash(&user.session, &format!("已邀请{}位委员（名单上共{after}位）", after - before)).await;
            Ok(Redirect::to(&format!("/activities/{id}#list")).into_response())
        }
        Err(AppError::InvalidTransition(m)) => {
            let errors = Errors::from_list(&[eline_domain::FieldError::new("action", m)]);
            Ok(render_invalid(&invite_page(&state, &user, id, f, errors, None).await?))
        }
        Err(e) => Ok(render_invalid(&invite_page(&state, &user, id, f, form_errors(e)?, None).await?)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_stored_moment_fills_a_datetime_local_field_in_beijing_time() {
        // 2027-01-10 01:00 UTC is 09:00 in Beijing.
        let micros = chrono::DateTime::parse_from_rfc3339("2027-01-10T01:00:00Z").unwrap().timestamp_micros();
        assert_eq!(super::local(micros), "2027-01-10T09:00");
        assert_eq!(super::super::P::at(&micros), "2027-01-10 09:00");
    }
}
