//! Search (全文检索), similar items, merge candidates and handling-unit suggestions.

use axum::Json;
use axum::extract::State;
use eline_app::search::{Facet, SearchItem, SearchQuery, UnitSuggestion};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Id, Params};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search)).routes(routes!(similar)).routes(routes!(merge_candidates)).routes(routes!(unit_suggestions))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for (up to 100 characters; traditional characters find simplified text too).
    #[serde(default)]
    #[param(example = "社区养老")]
    pub q: String,
    /// `proposal` or `member`.
    #[serde(rename = "type")]
    #[param(rename = "type", example = "proposal")]
    pub kind: Option<String>,
    #[param(example = 2026)]
    pub year: Option<i64>,
    pub status: Option<String>,
    /// Handling unit id.
    pub unit: Option<i64>,
    /// Sector id (界别) of the proposer or member.
    pub sector: Option<i64>,
    pub session: Option<i64>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// Text with the byte ranges that matched the query.
#[derive(Serialize, ToSchema)]
pub struct SnippetOut {
    pub text: String,
    /// [start, end) byte offsets into `text`.
    pub marks: Vec<[usize; 2]>,
}

impl From<eline_search::Snippet> for SnippetOut {
    fn from(s: eline_search::Snippet) -> Self {
        SnippetOut { text: s.text, marks: s.marks.into_iter().map(|(a, b)| [a, b]).collect() }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SearchItemOut {
    /// `proposal` or `member`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: i64,
    /// The title as plain text (highlights in `title_marks`).
    pub title: String,
    pub title_marks: Vec<[usize; 2]>,
    /// A piece of the text or replies around the matched words.
    pub snippet: String,
    pub snippet_marks: Vec<[usize; 2]>,
    /// The record's page.
    pub url: String,
    pub status: String,
    pub status_label: String,
    pub year: Option<i64>,
    /// Handling units, lead first.
    pub units: Vec<String>,
}

impl From<SearchItem> for SearchItemOut {
    fn from(i: SearchItem) -> Self {
        let title = SnippetOut::from(i.title);
        let snippet = SnippetOut::from(i.snippet);
        SearchItemOut {
            kind: i.kind,
            id: i.id,
            title: title.text,
            title_marks: title.marks,
            snippet: snippet.text,
            snippet_marks: snippet.marks,
            url: i.url,
            status: i.status,
            status_label: i.status_label,
            year: i.year,
            units: i.units,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FacetValueOut {
    /// The value to pass back as the facet's query parameter.
    pub value: String,
    pub label: String,
    pub count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct FacetOut {
    /// The query parameter: type, year, status, unit, sector.
    pub name: String,
    pub label: String,
    pub values: Vec<FacetValueOut>,
}

impl From<Facet> for FacetOut {
    fn from(f: Facet) -> Self {
        FacetOut {
            name: f.name.into(),
            label: f.label.into(),
            values: f.values.into_iter().map(|v| FacetValueOut { value: v.value, label: v.label, count: v.count }).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SearchOut {
    pub items: Vec<SearchItemOut>,
    pub total: usize,
    pub facets: Vec<FacetOut>,
    /// No record matched every word; the items match at least half of them. A query of which
    /// fewer match anywhere answers an empty list (`total` 0, `relaxed` false).
    pub relaxed: bool,
    /// The words searched for, after segmentation.
    pub words: Vec<String>,
    pub next_cursor: Option<String>,
    /// The index is being rebuilt; results may be incomplete for a while.
    pub rebuilding: bool,
}

/// Search everything the caller may see. An empty query answers an empty list.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchOut), (status = 401, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)))]
async fn search(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<SearchParams>) -> Result<Json<SearchOut>, ApiError> {
    let q = SearchQuery { q: p.q, kind: p.kind, year: p.year, status: p.status, unit: p.unit, sector: p.sector, session: p.session, cursor: p.cursor };
    let page = state.app.search(&a, &q, eline_app::limit(p.limit)?).await?;
    Ok(Json(SearchOut {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
        facets: page.facets.into_iter().map(Into::into).collect(),
        relaxed: page.relaxed,
        words: page.words,
        next_cursor: page.next_cursor,
        rebuilding: page.rebuilding,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimilarParams {
    /// The title being written.
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// The caller's own draft, left out of the answer.
    pub exclude: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemsOut {
    pub items: Vec<SearchItemOut>,
}

/// Up to five earlier proposals like a text being written (all years, as far as the caller may
/// see them; never a draft). Only those alike enough are listed: an empty list means none is.
#[utoipa::path(get, path = "/api/v1/search/similar", tag = "search", params(SimilarParams),
    responses((status = 200, body = ItemsOut), (status = 401, body = Problem), (status = 503, body = Problem)))]
async fn similar(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<SimilarParams>) -> Result<Json<ItemsOut>, ApiError> {
    let title: String = p.title.chars().take(200).collect();
    let body: String = p.body.chars().take(5000).collect();
    let items = state.app.similar_items(&a, &title, &body, p.exclude.map(|id| (eline_app::search::PROPOSAL, id))).await?;
    Ok(Json(ItemsOut { items: items.into_iter().map(Into::into).collect() }))
}

/// Proposals of the same session like this one, to merge (并案). Office staff.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/merge-candidates", tag = "search", params(("id" = i64, Path)),
    responses((status = 200, body = ItemsOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn merge_candidates(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<ItemsOut>, ApiError> {
    let items = state.app.merge_candidates(&a, id).await?;
    Ok(Json(ItemsOut { items: items.into_iter().map(Into::into).collect() }))
}

#[derive(Serialize, ToSchema)]
pub struct UnitSuggestionOut {
    pub unit_id: i64,
    pub name: String,
    /// Why: similar past proposals this unit led.
    pub because: Vec<SimilarProposalOut>,
}

#[derive(Serialize, ToSchema)]
pub struct SimilarProposalOut {
    pub id: i64,
    pub title: String,
}

#[derive(Serialize, ToSchema)]
pub struct UnitSuggestionsOut {
    pub items: Vec<UnitSuggestionOut>,
}

impl From<UnitSuggestion> for UnitSuggestionOut {
    fn from(s: UnitSuggestion) -> Self {
        UnitSuggestionOut { unit_id: s.unit_id, name: s.name, because: s.because.into_iter().map(|(id, title)| SimilarProposalOut { id, title }).collect() }
    }
}

/// Up to three handling units for a proposal, with the similar past proposals each led. Office staff.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/unit-suggestions", tag = "search", params(("id" = i64, Path)),
    responses((status = 200, body = UnitSuggestionsOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn unit_suggestions(State(state): State<AppState>, ApiUser(a): ApiUser, Id(id): Id) -> Result<Json<UnitSuggestionsOut>, ApiError> {
    let items = state.app.suggest_units(&a, id).await?;
    Ok(Json(UnitSuggestionsOut { items: items.into_iter().map(Into::into).collect() }))
}
