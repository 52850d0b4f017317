//! Links between records (conversions, follow-up work), at both ends: the kernel's use cases
//! (`App::links_of`, `App::link_records`) under each module's record path.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use eline_app::records::ShownLink;
use eline_domain::record::LinkRelation;
use eline_domain::{RecordKind, RecordRef};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Body, Id};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(proposal_links, link_proposal))
}

/// The other end of a new link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordIn {
    /// The record kind (`proposal`, `member`, and the kinds of later modules).
    pub kind: String,
    pub id: i64,
}

/// A link from this record to a later one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkIn {
    pub to: RecordIn,
    pub relation: LinkRelation,
}

impl RecordIn {
    fn record(&self, state: &AppState) -> Result<RecordRef, ApiError> {
        let module = state.app.records.get(&self.kind).ok_or_else(|| {
            let kinds = state.app.records.kinds().iter().map(|(k, l)| format!("{k}（{l}）")).collect::<Vec<_>>().join("、");
            ApiError(eline_app::AppError::field("to.kind", format!("没有“{}”这种记录，可选：{kinds}", self.kind)))
        })?;
        Ok(RecordRef::new(module.kind(), self.id))
    }
}

/// A link as one of its ends shows it.
#[derive(Serialize, ToSchema)]
pub struct LinkOut {
    pub id: i64,
    pub relation: LinkRelation,
    /// How this end names the other ("转为", or "转自" from the later record).
    pub label: &'static str,
    /// The other end's kind (`proposal`, …), id, label, title and page.
    pub kind: String,
    pub record_id: i64,
    pub kind_label: &'static str,
    pub title: String,
    pub url: String,
    #[schema(format = DateTime)]
    pub at: String,
}

impl From<ShownLink> for LinkOut {
    fn from(l: ShownLink) -> Self {
        LinkOut {
            id: l.id,
            relation: l.relation,
            label: l.label,
            kind: l.kind,
            record_id: l.record_id,
            kind_label: l.kind_label,
            title: l.title,
            url: l.url,
            at: super::dto::ts(l.at),
        }
    }
}

/// A record's links, oldest first (a JSON array).
#[derive(Serialize, ToSchema)]
#[serde(transparent)]
pub struct LinkList(pub Vec<LinkOut>);

async fn links(state: &AppState, a: &eline_domain::Actor, record: RecordRef) -> Result<Json<LinkList>, ApiError> {
    Ok(Json(LinkList(state.app.links_of(a, record).await?.into_iter().map(LinkOut::from).collect())))
}

async fn link(state: &AppState, a: &eline_domain::Actor, from: RecordRef, b: LinkIn) -> Result<(StatusCode, Json<LinkOut>), ApiError> {
    let to = b.to.record(state)?;
    Ok((StatusCode::CREATED, Json(state.app.link_records(a, from, to, b.relation).await?.into())))
}

/// The records a proposal is linked with (both directions), for those who see its whole record.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/links", tag = "proposals", params(("id" = i64, Path)),
    responses((status = 200, body = LinkList), (status = 404, body = Problem)))]
async fn proposal_links(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<LinkList>, ApiError> {
    links(&state, &a, RecordRef::new(RecordKind::PROPOSAL, id)).await
}

/// Link a proposal to a later record (the office): shown at both ends, on both timelines.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/links", tag = "proposals", params(("id" = i64, Path)), request_body = LinkIn,
    responses((status = 201, body = LinkOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn link_proposal(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id, Body(b): Body<LinkIn>) -> Result<(StatusCode, Json<LinkOut>), ApiError> {
    link(&state, &a, RecordRef::new(RecordKind::PROPOSAL, id), b).await
}
