//! Prometheus metrics: requests by route, method and status; latency histograms; pool state.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    total: u64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<HashMap<(String, String, u16), u64>>,
    latency: Mutex<HashMap<String, Histogram>>,
}

impl Metrics {
    fn observe(&self, route: &str, method: &str, status: u16, secs: f64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((route.to_string(), method.to_string(), status)).or_default() += 1;
        }
        if let Ok(mut m) = self.latency.lock() {
            let h = m.entry(route.to_string()).or_default();
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    h.counts[i] += 1;
                }
            }
            h.sum += secs;
            h.total += 1;
        }
    }

    /// `pool`: (open, idle) connections; `admission`: (requests in flight, refused since start).
    pub fn render(&self, pool: (u32, usize), admission: (usize, u64)) -> String {
        let mut out = String::new();
        out.push_str("# HELP eline_http_requests_total HTTP requests by route, method and status.\n# TYPE eline_http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            let mut rows: Vec<_> = m.iter().collect();
            rows.sort();
            for ((route, method, status), n) in rows {
                let _ = writeln!(out, "eline_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}", escape(route));
            }
        }
        out.push_str("# HELP eline_http_request_duration_seconds Request latency by route.\n# TYPE eline_http_request_duration_seconds histogram\n");
        if let Ok(m) = self.latency.lock() {
            let mut rows: Vec<_> = m.iter().collect();
            rows.sort_by(|a, b| a.0.cmp(b.0));
            for (route, h) in rows {
                let r = escape(route);
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(out, "eline_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{b}\"}} {}", h.counts[i]);
                }
                let _ = writeln!(out, "eline_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}", h.total);
                let _ = writeln!(out, "eline_http_request_duration_seconds_sum{{route=\"{r}\"}} {}", h.sum);
                let _ = writeln!(out, "eline_http_request_duration_seconds_count{{route=\"{r}\"}} {}", h.total);
            }
        }
        let (size, idle) = pool;
        let _ = writeln!(
            out,
            "# HELP eline_db_pool_connections Open database connections.\n# TYPE eline_db_pool_connections gauge\neline_db_pool_connections {size}"
        );
        let _ = writeln!(out, "# HELP eline_db_pool_idle Idle database connections.\n# TYPE eline_db_pool_idle gauge\neline_db_pool_idle {idle}");
        let (in_flight, shed) = admission;
        let _ = writeln!(out, "# HELP eline_http_in_flight Requests being handled.\n# TYPE eline_http_in_flight gauge\neline_http_in_flight {in_flight}");
        let _ = writeln!(
            out,
            "# HELP eline_http_shed_total Requests refused over the in-flight limit.\n# TYPE eline_http_shed_total counter\neline_http_shed_total {shed}"
        );
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    state.metrics.observe(&route, &method, res.status().as_u16(), start.elapsed().as_secs_f64());
    res
}
