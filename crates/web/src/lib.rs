//! The web face of eline: HTML pages (askama, no JS needed), the JSON API under /api/v1 with its
//! OpenAPI document, and the middleware around both.

pub mod admission;
pub mod api;
mod assets;
pub mod auth;
pub mod cors;
pub mod error;
mod form;
mod headers;
pub mod html;
mod listen;
pub mod live;
pub mod metrics;
pub mod testing;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use eline_app::App;
use eline_storage::sessions::DbSessionStore;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use metrics::Metrics;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: Arc<Metrics>,
    /// The server-wide count of requests in flight.
    pub admission: Arc<admission::Admission>,
    /// Set when the server shuts down: long-lived answers (the live badge's event streams) end,
    /// so that the graceful shutdown does not wait for them.
    pub stopping: Arc<tokio::sync::watch::Sender<bool>>,
}

impl AppState {
    pub fn new(app: App) -> AppState {
        let admission = Arc::new(admission::Admission::new(app.settings.max_in_flight));
        let stopping = Arc::new(tokio::sync::watch::channel(false).0);
        AppState { app, metrics: Arc::new(Metrics::default()), admission, stopping }
    }
}

/// Largest request body (member imports included).
pub const BODY_LIMIT: usize = 25 * 1024 * 1024;

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.app.db.clone()))
        .with_name(auth::SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.app.settings.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(8)));
    let (api_router, openapi) = api::router().split_for_parts();
    let document = api::contract::finish(serde_json::to_value(&openapi).unwrap_or_default());
    // docs/api.md: conditional reads, and writes that run once per Idempotency-Key.
    let keys = api::idempotency::Keys { state: state.clone(), open: Arc::new(api::contract::open_operations(&document)) };
    let api_router = api_router.layer(axum::middleware::from_fn_with_state(Arc::new(keys), api::edges));
    let swagger = utoipa_swagger_ui::SwaggerUi::new("/api/docs").external_url_unchecked("/api/openapi.json", document);

    let router = Router::new()
        .merge(html::router())
        .merge(api_router)
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .merge(swagger)
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .merge(assets::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::csrf_guard))
        .layer(sessions)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        // One count for the whole server (a layer of the router wraps each route, but they
        // share this semaphore), after the body has arrived or been given its deadline.
        .layer(axum::middleware::from_fn_with_state(state.clone(), admission::admit));
    // Outside admission, so that its 503 and 408 answers reach a browser app too.
    let router = match cors::layer(&state.app.settings.cors_origins) {
        Some(rules) => {
            let origins = Arc::new(state.app.settings.cors_origins.clone());
            router.layer(axum::middleware::from_fn_with_state(cors::Cors { rules, origins }, cors::api_only))
        }
        None => router,
    };
    router
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// 200 `ok` once the database answers. While the server refuses requests over its in-flight
/// limit, a second line says so (it stays 200: taking a busy node out of a load balancer would
/// only move its load onto the others); when it is full this request is refused with 503 too.
async fn healthz(State(state): State<AppState>) -> axum::response::Response {
    match state.app.db.ping().await {
        Ok(()) if state.admission.shed_within(10) => {
            let a = &state.admission;
            let body = format!("ok\nshedding: requests over the limit are refused (in flight {}, refused since start {})\n", a.in_flight(), a.shed_total());
            (StatusCode::OK, body).into_response()
        }
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Prometheus text: served on the main address only with `Authorization: Bearer <metrics
/// token>` (else "not found", as if absent); `--metrics-addr` serves it openly on an address of
/// its own (`metrics_router`).
async fn metrics_text(State(state): State<AppState>, headers: axum::http::HeaderMap) -> axum::response::Response {
    let allowed = match (&state.app.settings.metrics_token, auth::bearer_secret(&headers)) {
        (Some(expected), Some(given)) => auth::constant_eq(expected.as_bytes(), given.as_bytes()),
        _ => false,
    };
    if !allowed {
        return not_found(axum::http::Uri::from_static("/metrics")).await;
    }
    metrics_body(&state)
}

fn metrics_body(state: &AppState) -> axum::response::Response {
    let text = state.metrics.render(state.app.db.pool_state(), (state.admission.in_flight(), state.admission.shed_total()));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

/// Serves `/metrics` alone, without a token, on a separate (internal) listening address.
pub async fn serve_metrics(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let router = Router::new().route("/metrics", get(|State(s): State<AppState>| async move { metrics_body(&s) })).with_state(state);
    axum::serve(listener, router).await
}

async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        error::problem_response(StatusCode::NOT_FOUND, "not_found", "记录不存在", "没有这个接口或记录".into(), None)
    } else {
        error::error_page(StatusCode::NOT_FOUND, "页面不存在", "您访问的页面不存在。请检查地址，或从首页重新进入。")
    }
}

/// A known path with a method it does not have: a problem document under /api (the `Allow`
/// header is added by the router), the error page elsewhere.
async fn method_not_allowed(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        error::problem_response(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "不支持此方法", "这个接口不支持该请求方法，见 Allow 头".into(), None)
    } else {
        error::error_page(StatusCode::METHOD_NOT_ALLOWED, "不支持此操作", "这个页面不支持该操作。请从页面上的按钮或链接进入。")
    }
}

pub use listen::serve;
