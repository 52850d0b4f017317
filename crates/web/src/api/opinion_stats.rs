//! 社情民意 statistics (office and leaders), their workbook, the report list's export and the
//! import of past years' reports (the information office).

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use eline_app::opinions::OpinionFilter;
use eline_app::opinions_stats::{DEFINITIONS, Figures, GroupStats, OpinionStats, StatsPeriod};
use eline_domain::opinion::{Channel, Level, OutcomeKind, Status};
use eline_domain::policy::{Action, Resource};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Params;
use super::members::{ImportOut, ImportUpload, import_response};
use super::proposal_stats::DefinitionOut;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(stats))
        .routes(routes!(stats_xlsx))
        .routes(routes!(export))
        .routes(routes!(history_import))
        .routes(routes!(history_template))
}

/// The statistics of a period. Rates are fractions in 0..=1, `null` when their base is 0.
#[derive(Serialize, ToSchema)]
pub struct OpinionStatsOut {
    /// The year counted (null: every year, or a range alone).
    pub year: Option<i64>,
    /// The range of submission dates counted, when one was given.
    pub from: Option<String>,
    pub to: Option<String>,
    /// "2026年", "全部年度", "2026年（2026-03-01至2026-06-30）"
    pub scope_name: String,
    pub totals: OpinionFiguresOut,
    pub definitions: Vec<DefinitionOut>,
    /// Reports per status (drafts never counted).
    pub by_status: Vec<OpinionStatusCountOut>,
    /// Every level with each of its kinds of outcome.
    pub outcomes: Vec<LevelOutcomesOut>,
    /// Issues per bulletin series.
    pub bulletins: Vec<SeriesOut>,
    /// Instructions per rank and kind of record.
    pub instructions: Vec<InstructionCountOut>,
    pub instructions_total: i64,
    /// Per member credited.
    pub members: Vec<GroupOut>,
    /// Per sector (the report's own, else its member's).
    pub sectors: Vec<GroupOut>,
    pub organizations: Vec<GroupOut>,
    pub special_committees: Vec<GroupOut>,
    /// Years with reports, newest first.
    pub years: Vec<i64>,
}

/// Submitted: reports with a submission (drafts never); decided = adopted + kept.
#[derive(Serialize, ToSchema)]
pub struct OpinionFiguresOut {
    pub submitted: i64,
    /// Submitted or being edited.
    pub pending: i64,
    pub returned: i64,
    pub adopted: i64,
    pub kept: i64,
    pub decided: i64,
    /// 录用率 = adopted / decided
    pub adoption_rate: Option<f64>,
    /// 资政之声
    pub direct_submitted: i64,
    pub direct_adopted: i64,
    pub direct_kept: i64,
    pub direct_adoption_rate: Option<f64>,
    /// Arrived from committees below.
    pub from_below: i64,
    /// Reported up to the parent committee.
    pub reported_up: i64,
}

#[derive(Serialize, ToSchema)]
pub struct OpinionStatusCountOut {
    pub status: Status,
    pub label: String,
    pub count: i64,
}

/// The reports with an outcome at a level: any (`reports`) and per kind.
#[derive(Serialize, ToSchema)]
pub struct LevelOutcomesOut {
    pub level: Level,
    pub label: String,
    pub reports: i64,
    pub kinds: Vec<OutcomeCountOut>,
}

#[derive(Serialize, ToSchema)]
pub struct OutcomeCountOut {
    pub kind: OutcomeKind,
    pub label: String,
    pub reports: i64,
}

/// A bulletin series' issues: issued (single + digest) and drafts.
#[derive(Serialize, ToSchema)]
pub struct SeriesOut {
    pub series: Channel,
    pub label: String,
    pub issued: i64,
    pub single: i64,
    pub digest: i64,
    pub drafts: i64,
}

/// Instructions given by leaders of a rank on records of a kind.
#[derive(Serialize, ToSchema)]
pub struct InstructionCountOut {
    pub rank: Level,
    /// proposal | opinion | bulletin | …
    pub record_kind: String,
    pub record_label: String,
    pub count: i64,
}

/// A member's, sector's, organisation's or special committee's reports.
#[derive(Serialize, ToSchema)]
pub struct GroupOut {
    pub id: i64,
    pub name: String,
    pub submitted: i64,
    pub adopted: i64,
    pub kept: i64,
    pub adoption_rate: Option<f64>,
    pub direct_submitted: i64,
    pub direct_adopted: i64,
    /// Reports with an outcome at the city, province, national level.
    pub city: i64,
    pub province: i64,
    pub national: i64,
}

fn groups(v: Vec<GroupStats>) -> Vec<GroupOut> {
    v.into_iter()
        .map(|g| GroupOut {
            id: g.id,
            name: g.name,
            submitted: g.submitted,
            adopted: g.adopted,
            kept: g.kept,
            adoption_rate: g.adoption_rate,
            direct_submitted: g.direct_submitted,
            direct_adopted: g.direct_adopted,
            city: g.city,
            province: g.province,
            national: g.national,
        })
        .collect()
}

impl From<Figures> for OpinionFiguresOut {
    fn from(t: Figures) -> Self {
        OpinionFiguresOut {
            submitted: t.submitted,
            pending: t.pending,
            returned: t.returned,
            adopted: t.adopted,
            kept: t.kept,
            decided: t.decided,
            adoption_rate: t.adoption_rate,
            direct_submitted: t.direct_submitted,
            direct_adopted: t.direct_adopted,
            direct_kept: t.direct_kept,
            direct_adoption_rate: t.direct_adoption_rate,
            from_below: t.from_below,
            reported_up: t.reported_up,
        }
    }
}

impl From<OpinionStats> for OpinionStatsOut {
    fn from(s: OpinionStats) -> Self {
        let kinds = &s.instructions.kinds;
        let instructions = s
            .instructions
            .rows
            .iter()
            .flat_map(|r| {
                kinds.iter().zip(&r.counts).map(|((k, l), n)| InstructionCountOut {
                    rank: r.rank,
                    record_kind: k.clone(),
                    record_label: l.to_string(),
                    count: *n,
                })
            })
            .collect();
        OpinionStatsOut {
            year: s.period.year,
            from: s.period.from,
            to: s.period.to,
            scope_name: s.scope_name,
            totals: s.totals.into(),
            definitions: DEFINITIONS.iter().map(|(f, d)| DefinitionOut { figure: f.to_string(), definition: d.to_string() }).collect(),
            by_status: s.by_status.into_iter().map(|(status, count)| OpinionStatusCountOut { status, label: status.label().into(), count }).collect(),
            outcomes: s
                .outcomes
                .into_iter()
                .map(|l| LevelOutcomesOut {
                    level: l.level,
                    label: l.level.label().into(),
                    reports: l.reports,
                    kinds: l.kinds.into_iter().map(|(kind, reports)| OutcomeCountOut { kind, label: kind.label().into(), reports }).collect(),
                })
                .collect(),
            bulletins: s
                .bulletins
                .into_iter()
                .map(|b| SeriesOut {
                    series: b.series,
                    label: format!("《{}》", b.series.label()),
                    issued: b.issued,
                    single: b.single,
                    digest: b.digest,
                    drafts: b.drafts,
                })
                .collect(),
            instructions,
            instructions_total: s.instructions.total,
            members: groups(s.members),
            sectors: groups(s.sectors),
            organizations: groups(s.organizations),
            special_committees: groups(s.special_committees),
            years: s.years,
        }
    }
}

/// 社情民意 statistics of the committee (office staff and leaders): the current year unless
/// `year` names another, `all_years=true` asks for every year, or `from`/`to` give a range of
/// submission dates.
#[utoipa::path(get, path = "/api/v1/opinions/stats", tag = "opinions", params(StatsPeriod),
    responses((status = 200, body = OpinionStatsOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn stats(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<StatsPeriod>) -> Result<Json<OpinionStatsOut>, ApiError> {
    Ok(Json(state.app.opinion_stats(&a, &p).await?.into()))
}

/// The same statistics as an XLSX workbook: one sheet per table, bold frozen headers, counts as
/// numbers and rates as numbers formatted 0.0%, the definitions on a sheet of their own.
#[utoipa::path(get, path = "/api/v1/opinions/stats.xlsx", tag = "opinions", params(StatsPeriod),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "XLSX"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn stats_xlsx(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<StatsPeriod>) -> Result<Response, ApiError> {
    Ok(crate::html::workbook(state.app.opinion_stats_xlsx(&a, &p).await?))
}

/// The reports the filter picks (the same rows `GET /api/v1/opinions` pages through, every page)
/// as an XLSX file. More than 50,000 rows: 422, narrow the filter.
#[utoipa::path(get, path = "/api/v1/opinions/export", tag = "opinions", params(OpinionFilter),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "XLSX"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn export(State(state): State<AppState>, ApiUser(a): ApiUser, Params(f): Params<OpinionFilter>) -> Result<Response, ApiError> {
    Ok(crate::html::workbook(state.app.export_opinions(&a, &f).await?))
}

/// The template for importing past years' reports (XLSX with instructions).
#[utoipa::path(get, path = "/api/v1/opinions/import/template", tag = "opinions",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "XLSX"),
        (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn history_template(State(state): State<AppState>, ApiUser(a): ApiUser) -> Result<Response, ApiError> {
    Ok(crate::html::members_xlsx("历史社情民意信息导入模板.xlsx", state.app.opinion_history_template(&a)?))
}

/// Import past years' reports from an XLSX or CSV file (the information office): any bad row
/// imports nothing and the answer lists every problem (`errors[].row`, `errors[].column`,
/// `errors[].message`).
#[utoipa::path(post, path = "/api/v1/opinions/import", tag = "opinions", request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = ImportOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn history_import(State(state): State<AppState>, ApiUser(a): ApiUser, multipart: crate::html::Upload) -> Result<Response, ApiError> {
    // Refused before the file is read (and audited).
    state.app.require(&a, Action::ImportOpinions, Resource::Any).await?;
    let (name, bytes) = crate::html::read_upload(multipart).await?;
    let outcome = state.app.import_opinion_history(&a, &name, &bytes).await?;
    import_response(outcome, "信息").await
}
