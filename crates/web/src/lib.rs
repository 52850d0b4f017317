//! The web face of eline: HTML pages (askama, no JS needed), the JSON API under /api/v1 with its
//! OpenAPI document, and the middleware around both.

pub mod api;
mod assets;
pub mod auth;
pub mod error;
mod headers;
pub mod html;
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
}

impl AppState {
    pub fn new(app: App) -> AppState {
        AppState { app, metrics: Arc::new(Metrics::default()) }
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
    let swagger = utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi);

    Router::new()
        .merge(html::router())
        .merge(api_router)
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .merge(swagger)
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .merge(assets::router())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::csrf_guard))
        .layer(sessions)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(|_: tower::BoxError| async { overloaded() }))
                .load_shed()
                .concurrency_limit(state.app.settings.max_in_flight.max(1)),
        )
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The answer to a request over the in-flight limit: come back in a second.
fn overloaded() -> axum::response::Response {
    let mut res = error::problem_response(StatusCode::SERVICE_UNAVAILABLE, "overloaded", "服务繁忙", "当前访问人数较多，请稍后重试".to_string(), None);
    res.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
    res
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render(state.app.db.pool_state()))
}

async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        error::problem_response(StatusCode::NOT_FOUND, "not_found", "记录不存在", "没有这个接口或记录".into(), None)
    } else {
        error::error_page(StatusCode::NOT_FOUND, "页面不存在", "您访问的页面不存在。请检查地址，或从首页重新进入。")
    }
}

/// Serves until `shutdown` resolves; in-flight requests finish first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
