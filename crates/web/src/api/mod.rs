//! The JSON API under /api/v1, described by the OpenAPI document at /api/openapi.json.

mod account;
mod accounts;
mod activities;
mod activity_dto;
mod activity_stats;
mod bulletins;
pub mod contract;
mod directory;
pub mod dto;
pub mod etag;
pub mod idempotency;
mod instructions;
mod links;
pub mod location;
mod members;
mod notifications;
mod opinion_dto;
mod opinion_stats;
mod opinions;
mod pickers;
mod proposal_dto;
mod proposal_stats;
mod proposals;
mod record_files;
mod reply_templates;
mod search;
mod settings;
mod uploads;
mod users;

use axum::http::HeaderMap;
use eline_app::AppError;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "eline 委员e线通 API", version = "1", description = "政协委员履职服务平台接口。错误以 application/problem+json 返回，`code` 字段为机器可读的错误类别。时间为 RFC 3339 格式的北京时间（如 2026-12-01T17:46:02+08:00），日期为 YYYY-MM-DD。Times are RFC 3339 in Beijing time (+08:00), dates YYYY-MM-DD. 使用指南（认证、分页、错误、幂等、分段上传）见 docs/api.md。"),
    modifiers(&Security),
    // Enums used only in query parameters (utoipa collects the bodies' schemas by itself).
    components(schemas(eline_domain::policy::Scope, eline_domain::proposal::Queue, eline_domain::proposal::ListSort,
        eline_domain::opinion::Scope, eline_domain::opinion::Queue)),
    tags(
        (name = "auth", description = "登录、令牌与本人账号"),
        (name = "users", description = "用户账号（管理员）"),
        (name = "directory", description = "组织机构：界别、专委会、党派团体、承办单位、委员工作站、届次"),
        (name = "members", description = "委员档案、导入与导出"),
        (name = "proposals", description = "提案：撰写、联名、审查、交办、办理、答复、评价、跟踪"),
        (name = "opinions", description = "社情民意与资政之声：撰写、报送、受理、编辑修改（保留每一稿及其差异）、退回、录用、留存、报送上级、采用情况"),
        (name = "instructions", description = "领导批示：在提案等履职成果上记录批示、登记落实情况、按年度/级别/对象统计与导出"),
        (name = "bulletins", description = "期刊《社情民意》《资政之声》：编辑、编入信息、署名、印发、报送登记"),
        (name = "uploads", description = "分段上传（可续传）：手机网络不稳时把大文件分段发送，传完后附到记录上"),
        (name = "search", description = "全文检索、相似提案、并案候选与承办单位建议"),
        (name = "pickers", description = "选择委员、承办单位（按姓名、拼音首字母、界别查找）"),
        (name = "audit", description = "审计日志（管理员）"),
        (name = "settings", description = "工作日历与办理期限（管理员）"),
        (name = "notifications", description = "通知：收件箱、未读数（含实时推送）、通知设置；管理员：发送失败的消息与重发、短信/微信网关（webhook）、截止提醒与督办规则"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new())]);
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(account::router())
        .merge(users::router())
        .merge(members::router())
        .merge(accounts::router())
        .merge(opinion_stats::router())
        .merge(activity_stats::router())
        .merge(proposal_stats::router())
        .merge(proposals::router())
        .merge(bulletins::router())
        .merge(opinions::router())
        .merge(activities::router())
        .merge(links::router())
        .merge(instructions::router())
        .merge(reply_templates::router())
        .merge(search::router())
        .merge(pickers::router())
        .merge(settings::router())
        .merge(notifications::router())
        .merge(uploads::router())
        .merge(directory::router())
}

/// The API's edges in one middleware — conditional reads (`etag`), writes run once per
/// Idempotency-Key (`idempotency`), `Location` on creates (`location`): one layer instead of
/// three (each layer costs every request; measured in bench/README.md "The API as a product").
pub async fn edges(
    axum::extract::State(keys): axum::extract::State<std::sync::Arc<idempotency::Keys>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::Method;
    match *req.method() {
        Method::GET | Method::HEAD => etag::conditional(req, next).await,
        Method::POST | Method::PATCH => {
            let created_in = location::created_in(&req);
            let res = idempotency::idempotent(&keys, req, next).await;
            match created_in {
                Some(collection) => location::name_created(collection, res).await,
                None => res,
            }
        }
        _ => next.run(req).await,
    }
}

/// The version a write must carry: `If-Match` header or the body's `version`.
pub fn version_of(headers: &HeaderMap, body: Option<i64>) -> Result<i64, AppError> {
    eline_domain::org::version(header_version(headers)?.or(body)).map_err(|e| AppError::Validation(vec![e]))
}

/// The version an `If-Match` header names: a bare version number (`7`, `"7"`), or the ETag a
/// read of the record gave (`"7-0123456789abcdef"`, also weak `W/"…"`): the integer before the
/// `-`. `*` (any version) and a header that is no text name none.
pub fn header_version(headers: &HeaderMap) -> Result<Option<i64>, AppError> {
    let Some(value) = headers.get(axum::http::header::IF_MATCH).and_then(|v| v.to_str().ok()) else { return Ok(None) };
    if value.trim() == "*" {
        return Ok(None);
    }
    let bad = || AppError::field("version", "If-Match 中的版本号无效：应为版本号，或读取该记录时得到的 ETag（只写一个）");
    let tag = value.trim().trim_matches('"').trim_start_matches("W/").trim_matches('"');
    if let Ok(n) = tag.parse::<i64>() {
        return Ok(Some(n));
    }
    match tag.split_once('-') {
        Some((n, hash)) if !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()) => n.parse::<i64>().map(Some).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// Merges the given JSON object over the current state (for PATCH), refusing unknown fields.
pub fn merge_patch(current: serde_json::Value, patch: &serde_json::Value, allowed: &[&str]) -> Result<serde_json::Value, AppError> {
    let mut out = current;
    let Some(fields) = patch.as_object() else {
        return Err(AppError::field("body", "请求体应为 JSON 对象"));
    };
    for (k, v) in fields {
        if k == "version" {
            continue;
        }
        if !allowed.contains(&k.as_str()) {
            return Err(AppError::field(k, format!("字段“{k}”不能修改或不存在")));
        }
        out[k] = v.clone();
    }
    Ok(out)
}

/// Parses a JSON body into `T` with a Chinese message on failure.
pub fn from_json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, AppError> {
    serde_json::from_value(v).map_err(|e| body_error(&e.to_string()))
}

/// `axum::Json` whose rejections are problem+json in Chinese.
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = crate::error::ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(axum::extract::rejection::JsonRejection::MissingJsonContentType(_)) => {
                Err(AppError::field("body", "请以 JSON 格式提交（Content-Type: application/json）").into())
            }
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => Err(AppError::PayloadTooLarge.into()),
            Err(e) => Err(body_error(&e.body_text()).into()),
        }
    }
}

/// A numeric id in the path; anything else is simply not found.
pub struct Id(pub i64);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Id {
    type Rejection = crate::error::ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(params) =
            axum::extract::Path::<Vec<(String, String)>>::from_request_parts(parts, state).await.map_err(|_| crate::error::ApiError(AppError::NotFound))?;
        let id = params.iter().find(|(k, _)| k == "id").and_then(|(_, v)| v.parse().ok()).ok_or(crate::error::ApiError(AppError::NotFound))?;
        Ok(Id(id))
    }
}

/// Query parameters whose rejections are problem+json.
pub struct Params<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Params<T> {
    type Rejection = crate::error::ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Params(v))
            .map_err(|e| query_error(&e.body_text()).into())
    }
}

/// The `version` of an optional JSON body `{"version": n}` (actions whose body may be empty).
pub fn optional_version(body: &[u8]) -> Result<Option<i64>, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| body_error(&e.to_string()))?;
    Ok(v.get("version").and_then(|v| v.as_i64()))
}

/// A query string that does not parse ("Failed to deserialize query string: limit: invalid
/// digit found in string"): the parameter it names and a Chinese message.
pub fn query_error(m: &str) -> AppError {
    let rest = m.strip_prefix("Failed to deserialize query string: ").unwrap_or(m);
    match rest.split_once(": ") {
        Some((name, why)) if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            let what = if why.contains("digit") || why.contains("too large") || why.contains("too small") || why.contains("integer") {
                "应为整数（且不能过大）"
            } else if why.contains("bool") {
                "应为 true 或 false"
            } else {
                "格式不正确"
            };
            AppError::field(name, format!("查询参数“{name}”的值{what}"))
        }
        _ => AppError::field("query", format!("查询参数有误：{}", chinese_serde(rest))),
    }
}

/// A body that does not parse: the field it names (when serde says which) and a Chinese message.
pub fn body_error(serde_message: &str) -> AppError {
    let field = serde_message.split('`').nth(1).filter(|_| serde_message.contains("missing field") || serde_message.contains("unknown field"));
    AppError::field(field.unwrap_or("body"), format!("请求内容格式有误：{}", chinese_serde(serde_message)))
}

/// Translates serde's usual messages ("missing field `name`", "invalid type: …") into Chinese.
pub fn chinese_serde(m: &str) -> String {
    let quoted = m.split('`').nth(1).unwrap_or("");
    if m.contains("missing field") {
        format!("缺少字段“{quoted}”")
    } else if m.contains("unknown field") {
        format!("不认识的字段“{quoted}”")
    } else if m.contains("invalid type") || m.contains("invalid value") {
        let at = m.find(" at line").map(|i| &m[i..]).unwrap_or("");
        format!("字段的类型或取值不正确（{}{}）", m.split(':').nth(1).unwrap_or("").split(", expected").next().unwrap_or("").trim(), at)
    } else if m.contains("EOF") || m.contains("expected value") || m.contains("trailing") || m.contains("key must be a string") {
        "不是有效的 JSON".to_string()
    } else {
        m.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn if_match(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(axum::http::header::IF_MATCH, v.parse().unwrap());
        h
    }

    #[test]
    fn if_match_takes_a_version_number_or_a_records_etag() {
        for (given, version) in [("7", 7), ("\"7\"", 7), ("W/\"7\"", 7), ("\"7-0123456789abcdef\"", 7), ("W/\"12-0123456789abcdef\"", 12), (" 3-ab ", 3)] {
            assert_eq!(header_version(&if_match(given)).unwrap(), Some(version), "{given}");
            assert_eq!(version_of(&if_match(given), Some(99)).unwrap(), version, "the header wins over the body: {given}");
        }
        assert_eq!(header_version(&HeaderMap::new()).unwrap(), None);
        assert_eq!(header_version(&if_match("*")).unwrap(), None, "any version: the body's is used");
        assert_eq!(version_of(&if_match("*"), Some(4)).unwrap(), 4);
        for bad in ["abc", "\"7-\"", "\"7-xyz\"", "\"3-ab\", \"4-cd\"", "\"x-0123\"", "\"-1-0123\""] {
            let Err(AppError::Validation(e)) = header_version(&if_match(bad)) else { panic!("{bad} should be refused") };
            assert_eq!(e[0].field, "version");
            assert!(e[0].message.contains("If-Match"), "{}", e[0].message);
        }
        // A number below 1 is read as before and refused as a version.
        assert!(version_of(&if_match("-1"), None).is_err() && version_of(&if_match("0"), Some(3)).is_err());
    }
}
