//! The last pass over the OpenAPI document: what every operation shares is stated once here
//! rather than on each route — the errors any request can meet (401 without a token, 403, 404, 408
//! for a body too slow, 413, 422, 429, 503 when the server is full, 409 for writes), each as
//! `application/problem+json`, a description on every response, and operation ids that are
//! unique and readable (`proposals.submit`).

use std::collections::HashSet;

use serde_json::{Map, Value, json};

/// (status, description) of the errors a request may meet whatever the route.
const COMMON: [(&str, &str); 7] = [
    ("403", "没有权限（forbidden）"),
    ("404", "记录或接口不存在，或无权查看（not_found）"),
    ("408", "请求内容未在规定时间内传完（request_timeout）"),
    ("422", "输入有误（validation_failed），errors 列出每个字段的问题"),
    ("429", "操作过于频繁（rate_limited），见 Retry-After"),
    ("503", "服务繁忙或暂不可用（overloaded / unavailable），见 Retry-After"),
    ("500", "服务器内部错误（internal）"),
];

fn description(status: &str) -> &'static str {
    match status {
        "200" => "成功",
        "201" => "已创建",
        "204" => "成功，无内容",
        "304" => "未修改",
        "401" => "未登录或令牌无效（unauthenticated）",
        "409" => "当前状态不允许此操作（invalid_transition）或记录已被他人修改（version_conflict）",
        "413" => "内容过大（payload_too_large）",
        s => COMMON.iter().find(|(c, _)| *c == s).map(|(_, d)| *d).unwrap_or("见说明"),
    }
}

fn problem(status: &str) -> Value {
    json!({
        "description": description(status),
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    })
}

/// Finishes the document as generated from the routes.
pub fn finish(mut doc: Value) -> Value {
    let mut seen_ids = HashSet::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return doc };
    for (_, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let Some(op) = op.as_object_mut() else { continue };
            name_operation(op, &mut seen_ids);
            let open = op.get("security").and_then(Value::as_array).is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(Map::is_empty)));
            let has_body = op.contains_key("requestBody");
            let write = method != "get";
            let responses = op.entry("responses").or_insert_with(|| json!({}));
            let Some(responses) = responses.as_object_mut() else { continue };
            for (status, resp) in responses.iter_mut() {
                finish_response(status, resp);
            }
            let mut add = |status: &str| {
                responses.entry(status.to_string()).or_insert_with(|| problem(status));
            };
            if !open {
                add("401");
            }
            for (status, _) in COMMON {
                add(status);
            }
            if has_body {
                add("413");
            }
            if write {
                add("409");
            }
        }
    }
    doc
}

/// `tag.name` (the first tag and the handler's name); a second use of an id gets a suffix.
fn name_operation(op: &mut Map<String, Value>, seen: &mut HashSet<String>) {
    let tag = op.get("tags").and_then(|t| t.get(0)).and_then(Value::as_str).unwrap_or("api").to_string();
    let name = op.get("operationId").and_then(Value::as_str).unwrap_or("operation").to_string();
    let base = if name.contains('.') { name } else { format!("{tag}.{name}") };
    let mut id = base.clone();
    let mut n = 2;
    while !seen.insert(id.clone()) {
        id = format!("{base}_{n}");
        n += 1;
    }
    op.insert("operationId".into(), Value::String(id));
}

/// A description on every response; errors as problem+json.
fn finish_response(status: &str, resp: &mut Value) {
    let Some(resp) = resp.as_object_mut() else { return };
    if resp.get("description").and_then(Value::as_str).is_none_or(str::is_empty) {
        resp.insert("description".into(), Value::String(description(status).to_string()));
    }
    if status.starts_with('4') || status.starts_with('5') {
        let schema = resp.get("content").and_then(|c| c.as_object()).and_then(|c| c.values().next()).and_then(|m| m.get("schema")).cloned();
        let schema = schema.unwrap_or_else(|| json!({"$ref": "#/components/schemas/Problem"}));
        resp.insert("content".into(), json!({"application/problem+json": {"schema": schema}}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_gets_the_common_errors_a_description_and_a_unique_id() {
        let doc = json!({"paths": {
            "/a": {"get": {"tags": ["x"], "operationId": "list", "responses": {"200": {"description": ""}, "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}}},
            "/b": {"post": {"tags": ["y"], "operationId": "list", "security": [{}], "requestBody": {}, "responses": {"201": {"description": "made"}}}},
            "/c": {"post": {"tags": ["y"], "operationId": "list", "responses": {}}},
        }});
        let out = finish(doc);
        let a = &out["paths"]["/a"]["get"];
        assert_eq!(a["operationId"], "x.list");
        assert_eq!(a["responses"]["200"]["description"], "成功");
        assert!(a["responses"]["404"]["content"]["application/problem+json"].is_object());
        for s in ["401", "403", "422", "429", "503"] {
            assert!(a["responses"][s]["description"].is_string(), "{s}");
        }
        assert!(a["responses"].get("409").is_none(), "a read is no write");
        let b = &out["paths"]["/b"]["post"];
        assert_eq!(b["operationId"], "y.list");
        assert!(b["responses"].get("401").is_none(), "an open operation is never 401");
        assert!(b["responses"]["413"].is_object() && b["responses"]["409"].is_object());
        assert_eq!(out["paths"]["/c"]["post"]["operationId"], "y.list_2");
    }
}
