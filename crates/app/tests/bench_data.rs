//! `eline bench-data`: counts per table, the mix of statuses, determinism, refusal to run twice.
//! (Correctness only; speed is measured by bench/gen.sh, never by a test.)

use eline_app::App;
use eline_app::bench_data::{ACCOUNTS, STATUS_MIX};
use eline_storage::bulk;
use eline_storage::testing::fresh;

const SCALE: u64 = 2000;

async fn counts(app: &App) -> Vec<(&'static str, i64)> {
    let mut c = app.db.acquire().await.unwrap();
    let mut out = Vec::new();
    for t in
        ["units", "sessions", "members", "users", "proposals", "proposal_units", "proposal_replies", "proposal_evaluations", "record_events", "instructions"]
    {
        out.push((t, bulk::count(&mut c.ex(), t).await.unwrap()));
    }
    out
}

async fn first_titles(app: &App) -> Vec<String> {
    let mut c = app.db.acquire().await.unwrap();
    let cid = eline_storage::committees::first(&mut c.ex()).await.unwrap().unwrap().id;
    let mut out = Vec::new();
    for id in 1..=20 {
        if let Some(p) = eline_storage::proposals::get(&mut c.ex(), cid, id).await.unwrap() {
            out.push(p.title);
        }
    }
    out
}

#[tokio::test]
async fn generates_expected_rows_deterministically() {
    let t1 = fresh().await;
    let app1 = App::new(t1.db.clone(), Default::default());
    let report = app1.generate_bench_data(SCALE).await.expect("generate");

    let n = counts(&app1).await;
    let get = |t: &str| n.iter().find(|e| e.0 == t).map(|e| e.1).unwrap();
    assert_eq!(get("proposals"), SCALE as i64);
    let closed = STATUS_MIX.iter().find(|s| s.0 == "closed").unwrap().1 as i64 * SCALE as i64 / 1000;
    assert_eq!(get("instructions"), closed / eline_app::bench_data::CLOSED_PER_INSTRUCTION, "one instruction per 500 closed proposals");
    assert_eq!(get("units"), 200);
    assert_eq!(get("sessions"), 10);
    assert_eq!(get("members"), 50, "N/100 but at least 50");
    assert_eq!(get("users"), ACCOUNTS.len() as i64);
    // assigned + replied + closed = 80%: one lead unit each, a co unit for some.
    let handled = SCALE as i64 * 80 / 100;
    assert!(get("proposal_units") >= handled && get("proposal_units") < handled * 3 / 2, "{n:?}");
    assert_eq!(get("proposal_replies"), SCALE as i64 * 58 / 100);
    assert_eq!(get("proposal_evaluations"), SCALE as i64 * 48 / 100);
    assert!(get("record_events") >= 2 * SCALE as i64 && get("record_events") <= 5 * SCALE as i64);
    assert_eq!(report.tables.iter().find(|e| e.0 == "proposals").map(|e| e.1), Some(SCALE));

    // Status proportions (exact per block of a thousand).
    let mut c = app1.db.acquire().await.unwrap();
    let statuses = bulk::proposal_status_counts(&mut c.ex(), report.committee_id).await.unwrap();
    drop(c);
    for (status, share) in STATUS_MIX {
        let got = statuses.iter().find(|e| e.0 == status).map(|e| e.1).unwrap_or(0);
        let want = (SCALE * share / 1000) as i64;
        assert!((got - want).abs() <= 2, "{status}: {got} vs {want}");
    }

    // Refuses a second run into the same database.
    let again = app1.generate_bench_data(SCALE).await;
    assert!(again.is_err(), "a second run must be refused");

    // The same scale into another fresh database gives the same data.
    let t2 = fresh().await;
    let app2 = App::new(t2.db.clone(), Default::default());
    app2.generate_bench_data(SCALE).await.expect("generate again");
    assert_eq!(counts(&app2).await, n);
    let (a, b) = (first_titles(&app1).await, first_titles(&app2).await);
    assert_eq!(a.len(), 20);
    assert_eq!(a, b);

    // The bench accounts can log in with the documented password.
    let done = app2.login("bench-staff", eline_app::bench_data::PASSWORD, "127.0.0.1").await.expect("login");
    assert_eq!(done.user.username, "bench-staff");
}
