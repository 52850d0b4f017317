//! Proposal statistics (提案统计) for the office and leaders.

use axum::Json;
use axum::extract::State;
use eline_app::proposals::{ClassCount, Figures, GroupStats, ProposalStats, STATS_DEFINITIONS, UnitStats};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Params;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stats))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// One session; by default the current (latest) session.
    pub session_id: Option<i64>,
    /// true: every session (全部届次) instead of one.
    pub all_sessions: Option<bool>,
}

/// The statistics of the committee. Rates are fractions in 0..=1, `null` when their base is 0.
#[derive(Serialize, ToSchema)]
pub struct ProposalStatsOut {
    /// The session counted; null for all sessions.
    pub session_id: Option<i64>,
    /// The session's name, or "全部届次".
    pub scope_name: String,
    pub totals: FiguresOut,
    /// How each rate is computed (指标说明), as the statistics page shows it.
    pub definitions: Vec<DefinitionOut>,
    /// Per category (提案分类), in the committee's order; then 未分类 when any.
    pub categories: Vec<GroupStatsOut>,
    pub by_status: Vec<StatusCountOut>,
    /// Class of each unit's latest reply to each proposal (答复类别).
    pub classes: Vec<ClassCountOut>,
    /// Per handling unit (承办单位).
    pub units: Vec<UnitStatsOut>,
    /// Per sector of the first proposer (individual and joint proposals).
    pub sectors: Vec<GroupStatsOut>,
    /// Per organisation (collective proposals).
    pub organizations: Vec<GroupStatsOut>,
}

/// A rate and how it is computed.
#[derive(Serialize, ToSchema)]
pub struct DefinitionOut {
    /// e.g. 办复率
    pub figure: String,
    /// e.g. 已答复件数 ÷ 已交办件数
    pub definition: String,
}

/// The committee's figures. Submitted: past drafting (not draft, awaiting_cosigners, withdrawn);
/// filed: filed, assigned, replied, rehandling, closed; replied: filed with at least one reply;
/// assigned: filed and given to handling units (assigned, replied, rehandling, closed); on time:
/// first reply on or before the due date; satisfaction: the proposer's latest evaluation;
/// contact and meeting: from that evaluation's 测评表.
#[derive(Serialize, ToSchema)]
pub struct FiguresOut {
    pub submitted: i64,
    pub pending_review: i64,
    pub filed: i64,
    /// 立案率 = filed / submitted
    pub filing_rate: Option<f64>,
    pub not_filed: i64,
    pub merged: i64,
    pub individual: i64,
    pub joint: i64,
    pub collective: i64,
    pub key: i64,
    /// 已交办
    pub assigned: i64,
    pub replied: i64,
    /// 办复率 = replied / assigned
    pub reply_rate: Option<f64>,
    pub on_time: i64,
    /// 按期办复率 = on time / assigned
    pub on_time_rate: Option<f64>,
    pub evaluated: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub dissatisfied: i64,
    /// 满意率 = satisfied / evaluated
    pub satisfaction_rate: Option<f64>,
    /// 基本满意率 = (satisfied + basically satisfied) / evaluated
    pub basic_satisfaction_rate: Option<f64>,
    /// Evaluated with the 测评表.
    pub surveyed: i64,
    /// … the unit contacted the proposer before or during handling (当面, 电话 or 书面).
    pub contacted: i64,
    /// … the unit met the proposer face to face (当面).
    pub met: i64,
    /// 沟通率 = contacted / surveyed
    pub contact_rate: Option<f64>,
    /// 见面率 = met / surveyed
    pub meeting_rate: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct StatusCountOut {
    pub status: String,
    pub label: String,
    pub count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ClassCountOut {
    /// A, B, C (configurable)
    pub class: String,
    pub label: String,
    pub count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct UnitStatsOut {
    pub unit_id: i64,
    pub name: String,
    /// Currently assigned as lead or split unit.
    pub assigned: i64,
    /// Currently assigned as co-unit.
    pub co_handled: i64,
    pub replied: i64,
    /// replied / assigned
    pub reply_rate: Option<f64>,
    pub on_time: i64,
    /// on time / assigned
    pub on_time_rate: Option<f64>,
    pub classes: Vec<ClassCountOut>,
    pub evaluated: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub satisfaction_rate: Option<f64>,
    pub basic_satisfaction_rate: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct GroupStatsOut {
    /// The sector's or organisation's id; a category's position (from 1).
    pub id: i64,
    pub name: String,
    pub submitted: i64,
    pub filed: i64,
    pub filing_rate: Option<f64>,
    pub not_filed: i64,
    pub merged: i64,
    pub key: i64,
    pub assigned: i64,
    pub replied: i64,
    /// replied / assigned
    pub reply_rate: Option<f64>,
}

fn classes(v: Vec<ClassCount>) -> Vec<ClassCountOut> {
    v.into_iter().map(|c| ClassCountOut { class: c.class, label: c.label, count: c.count }).collect()
}

fn groups(v: Vec<GroupStats>) -> Vec<GroupStatsOut> {
    v.into_iter()
        .map(|g| GroupStatsOut {
            id: g.id,
            name: g.name,
            submitted: g.submitted,
            filed: g.filed,
            filing_rate: g.filing_rate,
            not_filed: g.not_filed,
            merged: g.merged,
            key: g.key,
            assigned: g.assigned,
            replied: g.replied,
            reply_rate: g.reply_rate,
        })
        .collect()
}

impl From<Figures> for FiguresOut {
    fn from(t: Figures) -> Self {
        FiguresOut {
            submitted: t.submitted,
            pending_review: t.pending_review,
            filed: t.filed,
            filing_rate: t.filing_rate,
            not_filed: t.not_filed,
            merged: t.merged,
            individual: t.individual,
            joint: t.joint,
            collective: t.collective,
            key: t.key,
            assigned: t.assigned,
            replied: t.replied,
            reply_rate: t.reply_rate,
            on_time: t.on_time,
            on_time_rate: t.on_time_rate,
            evaluated: t.evaluated,
            satisfied: t.satisfied,
            basically_satisfied: t.basically_satisfied,
            dissatisfied: t.dissatisfied,
            satisfaction_rate: t.satisfaction_rate,
            basic_satisfaction_rate: t.basic_satisfaction_rate,
            surveyed: t.surveyed,
            contacted: t.contacted,
            met: t.met,
            contact_rate: t.contact_rate,
            meeting_rate: t.meeting_rate,
        }
    }
}

impl From<UnitStats> for UnitStatsOut {
    fn from(u: UnitStats) -> Self {
        UnitStatsOut {
            unit_id: u.unit_id,
            name: u.name,
            assigned: u.assigned,
            co_handled: u.co_handled,
            replied: u.replied,
            reply_rate: u.reply_rate,
            on_time: u.on_time,
            on_time_rate: u.on_time_rate,
            classes: classes(u.classes),
            evaluated: u.evaluated,
            satisfied: u.satisfied,
            basically_satisfied: u.basically_satisfied,
            satisfaction_rate: u.satisfaction_rate,
            basic_satisfaction_rate: u.basic_satisfaction_rate,
        }
    }
}

impl From<ProposalStats> for ProposalStatsOut {
    fn from(s: ProposalStats) -> Self {
        ProposalStatsOut {
            session_id: s.session_id,
            scope_name: s.scope_name,
            totals: s.totals.into(),
            definitions: STATS_DEFINITIONS.iter().map(|(f, d)| DefinitionOut { figure: f.to_string(), definition: d.to_string() }).collect(),
            categories: groups(s.categories),
            by_status: s.by_status.into_iter().map(|x| StatusCountOut { status: x.status, label: x.label.into(), count: x.count }).collect(),
            classes: classes(s.classes),
            units: s.units.into_iter().map(Into::into).collect(),
            sectors: groups(s.sectors),
            organizations: groups(s.organizations),
        }
    }
}

/// Proposal statistics of the committee (office staff and leaders): the current session unless
/// `session_id` names another or `all_sessions=true` asks for every session.
#[utoipa::path(get, path = "/api/v1/proposals/stats", tag = "proposals", params(StatsParams),
    responses((status = 200, body = ProposalStatsOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn stats(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<StatsParams>) -> Result<Json<ProposalStatsOut>, ApiError> {
    let session = match (p.session_id, p.all_sessions.unwrap_or(false)) {
        (Some(_), true) => return Err(eline_app::AppError::field("all_sessions", "session_id 与 all_sessions 只能选一个").into()),
        (Some(id), false) => Some(id),
        (None, true) => None,
        (None, false) => state.app.current_session_id(&a).await?,
    };
    Ok(Json(state.app.proposal_stats(&a, session).await?.into()))
}
