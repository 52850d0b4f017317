//! CORS for the API (docs/api.md "CORS"): off unless `--cors-origin` names the web origins whose
//! pages may call /api/ from a browser. Those exact origins get the CORS headers on /api/ only;
//! a request from any other origin is served as if CORS did not exist (no `Access-Control-*`
//! header: the browser keeps the answer from the page). Bearer tokens, not cookies: credentials
//! are never allowed.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use eline_app::net::Origin;
use tower::{Layer, ServiceExt};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::api::idempotency::{IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED};

/// The CORS rules for the configured origins; None when there are none (CORS off).
pub fn layer(origins: &[Origin]) -> Option<CorsLayer> {
    let list: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o.as_str()).ok()).collect();
    if list.is_empty() {
        return None;
    }
    let exposed = ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "deprecation", "sunset"].map(HeaderName::from_static);
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(list))
            .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE, Method::OPTIONS])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::IF_MATCH, header::IF_NONE_MATCH, IDEMPOTENCY_KEY])
            .expose_headers([header::ETAG, header::LOCATION, header::RETRY_AFTER, IDEMPOTENT_REPLAYED].into_iter().chain(exposed).collect::<Vec<_>>())
            .max_age(Duration::from_secs(600)),
    )
}

/// The state of `api_only`: the rules and the origins they allow.
#[derive(Clone)]
pub struct Cors {
    pub rules: CorsLayer,
    pub origins: std::sync::Arc<Vec<Origin>>,
}

/// Applies the CORS rules to /api/ requests from an allowed origin (preflights included: they
/// are answered here, before any route).
pub async fn api_only(State(cors): State<Cors>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let allowed = req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).is_some_and(|o| cors.origins.iter().any(|a| a.as_str() == o));
    if allowed {
        let Ok(res) = cors.rules.layer(next).oneshot(req).await;
        return res;
    }
    let mut res = next.run(req).await;
    // Another origin would have been answered differently: caches must tell them apart.
    res.headers_mut().append(header::VARY, HeaderValue::from_static("origin"));
    res
}
