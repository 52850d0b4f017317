//! The accept loop: HTTP/1.1 and HTTP/2 on one port, with a deadline for a request's headers
//! (a client that sends them a byte at a time is disconnected) and a cap on open connections,
//! and a graceful shutdown that lets requests in flight finish.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

use crate::AppState;

/// How long a client has to send a request's headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Open connections at most; more wait in the listen backlog until one closes.
pub const MAX_CONNECTIONS: usize = 8192;

/// Serves until `shutdown` resolves; in-flight requests finish first.
pub async fn serve(listener: TcpListener, state: AppState, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let stopping = state.stopping.clone();
    let router = crate::router(state);
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    // Closed when shutdown starts: every connection then finishes its request and closes.
    let (stop_tx, stop_rx) = watch::channel(());
    // Each connection holds a receiver; all dropped = all connections closed.
    let (open_tx, open_rx) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(move |mut req: axum::extract::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(remote));
            req.map(axum::body::Body::new)
        });
        let service = TowerToHyperService::new(service.map_err(|e: Infallible| match e {}));
        let mut stop = stop_rx.clone();
        let open = open_rx.clone();
        tokio::spawn(async move {
            let mut builder = Builder::new(TokioExecutor::new());
            builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
            builder.http2().timer(TokioTimer::new()).keep_alive_interval(Duration::from_secs(30));
            let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            let result = tokio::select! {
                result = conn.as_mut() => result,
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    conn.as_mut().await
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(open);
            drop(permit);
        });
    }
    drop(listener);
    // Event streams end now; other requests finish.
    stopping.send_replace(true);
    drop(stop_tx);
    drop(open_rx);
    // Wait for every connection to close.
    open_tx.closed().await;
    Ok(())
}
