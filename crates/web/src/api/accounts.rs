//! Accounts for the roster through the API (the pages: html/accounts.rs).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use eline_app::accounts::{AccountBatch, UsernameRule};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Body;
use crate::AppState;
use crate::auth::{Allowed, ApiUser, OpenMemberAccounts};
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(open)).routes(routes!(batch))
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"rule": "pinyin"}))]
pub struct OpenAccountsIn {
    /// The members to open accounts for (each active and without an account); absent: every
    /// active member without one.
    #[serde(default)]
    pub member_ids: Option<Vec<i64>>,
    pub rule: UsernameRule,
}

#[derive(Serialize, ToSchema)]
pub struct OpenedOut {
    pub member_id: i64,
    pub user_id: i64,
    pub name: String,
    pub sector: String,
    pub username: String,
    /// 初始密码: must be changed at first login (POST /api/v1/auth/first-login or the web form).
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct AccountBatchOut {
    /// The batch: readable by its creator until `expires_at` (then the passwords are gone).
    pub id: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// The A4 account letters to print (a page of the web interface).
    pub letters_url: String,
    /// The office's list as XLSX (a page of the web interface).
    pub list_url: String,
    pub accounts: Vec<OpenedOut>,
}

impl From<AccountBatch> for AccountBatchOut {
    fn from(b: AccountBatch) -> Self {
        AccountBatchOut {
            letters_url: format!("/members/accounts/{}/letters", b.id),
            list_url: format!("/members/accounts/{}/list.xlsx", b.id),
            created_at: super::dto::ts(b.created_at),
            expires_at: super::dto::ts(b.expires_at),
            accounts: b
                .entries
                .into_iter()
                .map(|e| OpenedOut { member_id: e.member_id, user_id: e.user_id, name: e.name, sector: e.sector, username: e.username, password: e.password })
                .collect(),
            id: b.id,
        }
    }
}

/// Open member accounts for the roster (the office): usernames by the rule, random initial
/// passwords to be changed at first login; all or nothing.
#[utoipa::path(post, path = "/api/v1/members/accounts", tag = "members", request_body = OpenAccountsIn,
    responses((status = 201, body = AccountBatchOut), (status = 403, body = Problem), (status = 422, body = Problem, description = "没有可开通的委员，或输入有误")))]
async fn open(
    State(state): State<AppState>,
    Allowed(a, _): Allowed<OpenMemberAccounts>,
    Body(b): Body<OpenAccountsIn>,
) -> Result<(StatusCode, Json<AccountBatchOut>), ApiError> {
    let batch = state.app.open_member_accounts(&a, b.member_ids.as_deref(), b.rule).await?;
    Ok((StatusCode::CREATED, Json(batch.into())))
}

/// A batch of accounts the caller opened, within its day.
#[utoipa::path(get, path = "/api/v1/members/accounts/{batch}", tag = "members", params(("batch" = String, Path)),
    responses((status = 200, body = AccountBatchOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn batch(State(state): State<AppState>, ApiUser(a): ApiUser, Path(id): Path<String>) -> Result<Json<AccountBatchOut>, ApiError> {
    Ok(Json(state.app.account_batch(&a, &id).await?.into()))
}
