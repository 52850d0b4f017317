//! `Location` on creates: a `201 Created` answer of a collection whose records are read at
//! `<collection>/{id}` names the new record's URL (RFC 9110), taken from the body's `id`.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;

/// Collections whose records are at `<collection>/{id}` (a create answers the record).
const COLLECTIONS: [&str; 12] = [
    "/api/v1/proposals",
    "/api/v1/activities",
    "/api/v1/bulletins",
    "/api/v1/opinions",
    "/api/v1/members",
    "/api/v1/users",
    "/api/v1/sessions",
    "/api/v1/sectors",
    "/api/v1/committees",
    "/api/v1/organizations",
    "/api/v1/units",
    "/api/v1/work-stations",
];

/// A create answer's body is one record: small.
const MAX_BODY: usize = 1024 * 1024;

/// The collection a POST creates in, when its records are read at `<collection>/{id}`.
pub fn created_in(req: &Request) -> Option<&'static str> {
    if req.method() != Method::POST {
        return None;
    }
    let path = req.uri().path().trim_end_matches('/');
    COLLECTIONS.iter().find(|c| **c == path).copied()
}

/// Names the new record of a `201 Created` answer of `collection` (from the body's `id`).
pub async fn name_created(collection: &str, res: Response) -> Response {
    if res.status() != StatusCode::CREATED || res.headers().contains_key(header::LOCATION) {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    #[derive(serde::Deserialize)]
    struct Created {
        id: Option<i64>,
    }
    if let Ok(Created { id: Some(id) }) = serde_json::from_slice::<Created>(&bytes)
        && let Ok(v) = HeaderValue::from_str(&format!("{collection}/{id}"))
    {
        parts.headers.insert(header::LOCATION, v);
    }
    Response::from_parts(parts, Body::from(bytes))
}
