//! Overload: requests beyond the in-flight limit are refused at once with 503 and Retry-After
//! (problem+json, Chinese) instead of queueing without bound; the server serves normally after.

use crate::helpers::*;
use eline_app::Settings;
use eline_web::testing::spawn_app_with;

#[tokio::test]
async fn requests_over_the_in_flight_limit_are_shed_with_retry_after_and_the_rest_are_served() {
    let app = spawn_app_with(Settings { max_in_flight: 1, ..Settings::default() }).await;
    let client = client();
    // All at once: each request its own task.
    let burst: Vec<_> = (0..100).map(|_| tokio::spawn(client.get(format!("{}/healthz", app.base_url)).send())).collect();
    let (mut ok, mut shed) = (0, 0);
    for task in burst {
        let res = task.await.unwrap().expect("a response, never a dropped connection");
        match res.status().as_u16() {
            200 => ok += 1,
            503 => {
                assert_eq!(header_str(res.headers(), "retry-after"), "1");
                let p: serde_json::Value = res.json().await.unwrap();
                assert_eq!(p["code"], "overloaded");
                assert!(has_chinese(p["detail"].as_str().unwrap()));
                shed += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(ok >= 1 && shed >= 1, "served {ok}, shed {shed}");
    assert_eq!(client.get(format!("{}/healthz", app.base_url)).send().await.unwrap().status(), 200);
}
