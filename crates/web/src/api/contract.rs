//! The last pass over the OpenAPI document: what every operation shares is stated once here
//! rather than on each route — the errors any request can meet (401 without a token, 403, 404, 408
//! for a body too slow, 413, 422, 429, 503 when the server is full, 409 for writes), each as
//! `application/problem+json`, a description on every response, and operation ids that are
//! unique and readable (`proposals.submit`) — and the HTTP conventions of docs/api.md: conditional
//! reads (`If-None-Match`, `304`, `ETag`), `If-Match` on writes that take a version,
//! `Idempotency-Key` on writes, the `RateLimit-*` headers of throttled operations. Headers an
//! answer does not always carry are declared `required: false`.

use std::collections::HashSet;

use axum::http::Method;

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
        "304" => "未修改：If-None-Match 与当前 ETag 相同，无正文",
        "401" => "未登录或令牌无效（unauthenticated）",
        "409" => {
            "当前状态不允许此操作（invalid_transition）、记录已被他人修改（version_conflict），或同一 Idempotency-Key 的请求正在处理（idempotency_in_progress，见 Retry-After）"
        }
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

/// Operations whose answers carry the `RateLimit-*` headers (throttled per account and address).
pub const RATE_LIMITED: [&str; 3] = ["auth.login", "auth.first_login", "auth.change_password"];

/// Finishes the document as generated from the routes.
pub fn finish(mut doc: Value) -> Value {
    let mut seen_ids = HashSet::new();
    let schemas = doc.pointer("/components/schemas").cloned().unwrap_or(Value::Null);
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return doc };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let Some(op) = op.as_object_mut() else { continue };
            name_operation(op, &mut seen_ids);
            summarise(op, &schemas);
            let open = is_open(op);
            let has_body = op.contains_key("requestBody");
            let write = method != "get";
            let keyed = (method == "post" || method == "patch")
                && path.starts_with("/api/v1/")
                && !open
                && json_or_no_body(op)
                && !super::idempotency::WITH_SECRETS.contains(&(method.to_ascii_uppercase().as_str(), path.as_str()));
            // Edits (a JSON PATCH) carry a version; so do actions whose input has one.
            let json_body = op.contains_key("requestBody") && json_or_no_body(op);
            let versioned = (method == "patch" && json_body) || (method == "post" && path.contains("{id}") && body_has_version(op, &schemas));
            let throttled = op.get("operationId").and_then(Value::as_str).is_some_and(|id| RATE_LIMITED.contains(&id));
            if method == "get" {
                add_header_parameter(op, "If-None-Match", "上次读取时得到的 ETag（可列多个，或 *）：内容未变时回答 304，不含正文", json!({"type": "string"}));
            }
            if versioned {
                add_header_parameter(
                    op,
                    "If-Match",
                    "记录的版本号，或读取该记录时得到的 ETag（取“-”前的整数）；与请求体中的 version 二选一",
                    json!({"type": "string"}),
                );
            }
            if keyed {
                add_header_parameter(
                    op,
                    "Idempotency-Key",
                    "幂等键（1–255 个可见 ASCII 字符）：同一账号用同一键重发同一请求时，返回首次的结果而不再执行",
                    json!({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}),
                );
            }
            let responses = op.entry("responses").or_insert_with(|| json!({}));
            let Some(responses) = responses.as_object_mut() else { continue };
            if method == "get" {
                responses.entry("304").or_insert_with(|| json!({"description": description("304")}));
            }
            for (status, resp) in responses.iter_mut() {
                finish_response(status, resp);
                if method == "get" && (status == "200" || status == "304") {
                    add_header(resp, "ETag", "内容的实体标签（JSON 内容才有）；带 version 的记录为 \"<version>-<hash16>\"，可作为 If-Match 发回");
                }
                if keyed && status.starts_with('2') {
                    add_header(resp, "Idempotent-Replayed", "为 true 时，这是同一 Idempotency-Key 首次请求的结果的重放");
                }
                if throttled && ["200", "204", "422", "429"].contains(&status.as_str()) {
                    add_header(resp, "RateLimit-Limit", "时间窗口内允许的尝试次数（按账号和来源地址计）");
                    add_header(resp, "RateLimit-Remaining", "当前窗口内剩余的尝试次数");
                    add_header(resp, "RateLimit-Reset", "距当前窗口结束的秒数（0：没有进行中的窗口）");
                }
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

/// The operations open without login (`security: [{}]`), as (method, path template).
pub fn open_operations(doc: &Value) -> HashSet<(Method, String)> {
    let mut open = HashSet::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let (Some(op), Ok(m)) = (op.as_object(), Method::from_bytes(method.to_ascii_uppercase().as_bytes()))
                && is_open(op)
            {
                open.insert((m, path.clone()));
            }
        }
    }
    open
}

fn is_open(op: &Map<String, Value>) -> bool {
    op.get("security").and_then(Value::as_array).is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(Map::is_empty)))
}

/// Whether an operation takes a JSON body or none (the writes that take part in Idempotency-Key).
fn json_or_no_body(op: &Map<String, Value>) -> bool {
    match op.get("requestBody").and_then(|b| b.get("content")).and_then(Value::as_object) {
        None => true,
        Some(c) => c.keys().any(|k| k == "application/json" || k.ends_with("+json")),
    }
}

/// Whether the request body's schema (followed through `$ref`s) has a `version` property.
fn body_has_version(op: &Map<String, Value>, schemas: &Value) -> bool {
    let Some(content) = op.get("requestBody").and_then(|b| b.get("content")).and_then(Value::as_object) else { return false };
    content.values().filter_map(|m| m.get("schema")).any(|s| has_property(s, "version", schemas, 0))
}

fn has_property(schema: &Value, name: &str, schemas: &Value, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    if let Some(target) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/")) {
        return schemas.get(target).is_some_and(|s| has_property(s, name, schemas, depth + 1));
    }
    schema.get("properties").and_then(|p| p.get(name)).is_some()
        || ["allOf", "oneOf", "anyOf"]
            .iter()
            .filter_map(|k| schema.get(*k).and_then(Value::as_array))
            .flatten()
            .any(|s| has_property(s, name, schemas, depth + 1))
}

fn add_header_parameter(op: &mut Map<String, Value>, name: &str, description: &str, schema: Value) {
    let params = op.entry("parameters").or_insert_with(|| json!([]));
    let Some(params) = params.as_array_mut() else { return };
    if params.iter().any(|p| p["in"] == "header" && p["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name))) {
        return;
    }
    params.push(json!({"name": name, "in": "header", "required": false, "description": description, "schema": schema}));
}

/// Declares a response header the answer may carry (`required: false`).
fn add_header(resp: &mut Value, name: &str, description: &str) {
    let Some(resp) = resp.as_object_mut() else { return };
    let headers = resp.entry("headers").or_insert_with(|| json!({}));
    if let Some(headers) = headers.as_object_mut() {
        let schema = if name.starts_with("RateLimit-") { json!({"type": "integer", "minimum": 0}) } else { json!({"type": "string"}) };
        headers.entry(name.to_string()).or_insert_with(|| json!({"description": description, "required": false, "schema": schema}));
    }
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

/// An operation without a summary (the workflow actions, generated by a macro) is summed up by
/// the first line of its request body's description (`交办 / 重新交办 (the office) …`).
fn summarise(op: &mut Map<String, Value>, schemas: &Value) {
    if op.get("summary").and_then(Value::as_str).is_some_and(|s| !s.is_empty()) {
        return;
    }
    let body_ref = op.get("requestBody").and_then(|b| b.pointer("/content/application~1json/schema/$ref")).and_then(Value::as_str).unwrap_or("");
    let name = body_ref.rsplit('/').next().unwrap_or("");
    if let Some(line) = schemas.get(name).and_then(|s| s.get("description")).and_then(Value::as_str).and_then(|d| d.lines().next()) {
        op.insert("summary".into(), Value::String(line.to_string()));
    }
}

/// A description on every response; errors as problem+json; a create names the new record.
fn finish_response(status: &str, resp: &mut Value) {
    let Some(resp) = resp.as_object_mut() else { return };
    if status == "201" {
        let headers = resp.entry("headers").or_insert_with(|| json!({}));
        if let Some(h) = headers.as_object_mut() {
            h.entry("Location").or_insert_with(|| json!({"description": "新记录的地址（有地址可读的记录）", "required": false, "schema": {"type": "string"}}));
        }
    }
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

    fn header_params(op: &Value) -> Vec<String> {
        op["parameters"]
            .as_array()
            .map(|ps| ps.iter().filter(|p| p["in"] == "header").map(|p| p["name"].as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn reads_writes_and_throttled_operations_declare_their_http_headers() {
        let doc = json!({
            "components": {"schemas": {
                "Versioned": {"type": "object", "properties": {"version": {"type": "integer"}}},
                "Wrapped": {"$ref": "#/components/schemas/Versioned"},
                "Plain": {"type": "object", "properties": {"name": {"type": "string"}}},
            }},
            "paths": {
                "/api/v1/things": {
                    "get": {"tags": ["t"], "operationId": "list", "responses": {"200": {"description": ""}}},
                    "post": {"tags": ["t"], "operationId": "create", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Versioned"}}}},
                        "responses": {"201": {"description": ""}, "422": {"description": ""}}},
                },
                "/api/v1/things/{id}": {
                    "patch": {"tags": ["t"], "operationId": "patch", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Plain"}}}},
                        "responses": {"200": {"description": ""}}},
                },
                "/api/v1/things/{id}/act": {"post": {"tags": ["t"], "operationId": "act",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Wrapped"}}}}, "responses": {"200": {"description": ""}}}},
                "/api/v1/things/{id}/revoke": {"post": {"tags": ["t"], "operationId": "revoke", "responses": {"204": {"description": ""}}}},
                "/api/v1/tokens": {"post": {"tags": ["auth"], "operationId": "create_token", "responses": {"201": {"description": ""}}}},
                "/api/v1/things/{id}/files": {"post": {"tags": ["t"], "operationId": "upload",
                    "requestBody": {"content": {"multipart/form-data": {"schema": {}}}}, "responses": {"201": {"description": ""}}}},
                "/api/v1/pieces/{id}": {"patch": {"tags": ["t"], "operationId": "append",
                    "requestBody": {"content": {"application/octet-stream": {"schema": {}}}}, "responses": {"200": {"description": ""}}}},
                "/api/v1/auth/login": {"post": {"tags": ["auth"], "operationId": "login", "security": [{}],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Plain"}}}},
                    "responses": {"200": {"description": ""}, "422": {"description": ""}, "429": {"description": ""}}}},
            }
        });
        let open = open_operations(&doc);
        assert_eq!(open, HashSet::from([(Method::POST, "/api/v1/auth/login".to_string())]));
        let out = finish(doc);
        let p = &out["paths"];
        let list = &p["/api/v1/things"]["get"];
        assert_eq!(header_params(list), ["If-None-Match"]);
        assert_eq!(list["responses"]["304"]["description"], description("304"));
        assert!(list["responses"]["304"].get("content").is_none(), "a 304 has no body");
        for s in ["200", "304"] {
            assert_eq!(list["responses"][s]["headers"]["ETag"]["required"], false, "{s}");
        }
        let create = &p["/api/v1/things"]["post"];
        assert_eq!(header_params(create), ["Idempotency-Key"], "a create takes no version even when its body type has one");
        assert_eq!(create["parameters"][0]["schema"]["maxLength"], 255);
        assert!(create["responses"]["201"]["headers"]["Idempotent-Replayed"].is_object());
        assert!(create["responses"]["422"].get("headers").is_none(), "only success answers are replays of a success");
        assert_eq!(header_params(&p["/api/v1/things/{id}"]["patch"]), ["If-Match", "Idempotency-Key"], "every edit takes a version");
        assert_eq!(header_params(&p["/api/v1/things/{id}/act"]["post"]), ["If-Match", "Idempotency-Key"], "an action whose input has a version");
        assert_eq!(header_params(&p["/api/v1/things/{id}/revoke"]["post"]), ["Idempotency-Key"]);
        assert!(header_params(&p["/api/v1/things/{id}/files"]["post"]).is_empty(), "uploads do not take part");
        assert!(header_params(&p["/api/v1/pieces/{id}"]["patch"]).is_empty(), "nor other bodies that are not JSON (and they are no edits)");
        assert!(header_params(&p["/api/v1/tokens"]["post"]).is_empty(), "nor operations a secret passes through");
        let login = &p["/api/v1/auth/login"]["post"];
        assert!(header_params(login).is_empty(), "the login is open: no key to scope it to");
        for s in ["200", "422", "429"] {
            for h in ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] {
                assert_eq!(login["responses"][s]["headers"][h]["schema"]["type"], "integer", "{s} {h}");
            }
        }
        assert!(login["responses"]["403"].get("headers").is_none());
        assert!(create["responses"]["201"]["headers"].get("RateLimit-Limit").is_none());
    }

    #[test]
    fn an_operation_without_a_summary_takes_its_request_bodys_description() {
        let doc = json!({
            "components": {"schemas": {"AssignInput": {"description": "交办 (the office).\nMore."}}},
            "paths": {
                "/a": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AssignInput"}}}}, "responses": {}}},
                "/b": {"post": {"summary": "Kept.", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AssignInput"}}}}, "responses": {}}},
            }
        });
        let out = finish(doc);
        assert_eq!(out["paths"]["/a"]["post"]["summary"], "交办 (the office).");
        assert_eq!(out["paths"]["/b"]["post"]["summary"], "Kept.");
    }
}
