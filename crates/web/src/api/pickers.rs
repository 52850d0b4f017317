//! Pickers: members and units found by name, pinyin, pinyin initials or 界别, for forms that
//! choose co-signers or link an account (the web pages' picker asks these as the user types).

use axum::Json;
use axum::extract::State;
use eline_app::pickers::{MAX_PICKS, Pick, Source};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Params;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(members)).routes(routes!(units))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PickParams {
    /// Part of the name, the pinyin or its initials (张三 → "zs"), or the 界别 / category; empty lists the first ones.
    #[serde(default)]
    #[param(example = "zs")]
    pub q: String,
    /// At most this many (1–50, default 20).
    pub limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct PickOut {
    pub id: i64,
    pub name: String,
    /// A member's 界别, a unit's category.
    pub detail: String,
    /// "张三（经济界）": how a form shows the choice.
    pub label: String,
}

#[derive(Serialize, ToSchema)]
pub struct PicksOut {
    pub items: Vec<PickOut>,
}

async fn picks(state: &AppState, a: &eline_domain::Actor, source: Source, p: PickParams) -> Result<Json<PicksOut>, ApiError> {
    let q: String = p.q.chars().take(40).collect();
    let found = state.app.picks(a, source, &q, p.limit.unwrap_or(20).min(MAX_PICKS)).await?;
    Ok(Json(PicksOut { items: found.into_iter().map(|k: Pick| PickOut { label: k.label(), id: k.id, name: k.name, detail: k.detail }).collect() }))
}

/// Members of the roster matching a query (co-signers, the member an account belongs to).
#[utoipa::path(get, path = "/api/v1/pickers/members", tag = "pickers", params(PickParams),
    responses((status = 200, body = PicksOut), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn members(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<PickParams>) -> Result<Json<PicksOut>, ApiError> {
    picks(&state, &a, Source::Members, p).await
}

/// Handling units matching a query (the unit an account belongs to).
#[utoipa::path(get, path = "/api/v1/pickers/units", tag = "pickers", params(PickParams),
    responses((status = 200, body = PicksOut), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn units(State(state): State<AppState>, ApiUser(a): ApiUser, Params(p): Params<PickParams>) -> Result<Json<PicksOut>, ApiError> {
    picks(&state, &a, Source::Units, p).await
}
