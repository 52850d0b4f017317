//! `eline bench-data`: counts per table, the mix of statuses, the notifications (20 per member
//! account, about the member's own records, a digest's worth waiting), determinism, refusal to
//! run twice.
//! (Correctness only; speed is measured by bench/gen.sh, never by a test.)

use eline_app::App;
use eline_app::bench_data::{ACCOUNTS, EMAIL_DOMAIN, NOTIFICATIONS_PER_USER, REPORT_STATUS_MIX, STATUS_MIX};
use eline_domain::notice::Mode;
use eline_storage::testing::fresh;
use eline_storage::{Query, bulk};

const SCALE: u64 = 2000;

async fn counts(app: &App) -> Vec<(&'static str, i64)> {
    let mut c = app.db.acquire().await.unwrap();
    let mut out = Vec::new();
    for t in [
        "units",
        "sessions",
        "members",
        "users",
        "proposals",
        "proposal_units",
        "proposal_replies",
        "proposal_evaluations",
        "record_events",
        "opinions",
        "opinion_revisions",
        "opinion_outcomes",
        "instructions",
        "notifications",
        "notification_deliveries",
        "notification_messages",
        "activities",
        "activity_invitees",
    ] {
        out.push((t, bulk::count(&mut c.ex(), t).await.unwrap()));
    }
    out
}

/// One number (a count) of a query.
async fn number(app: &App, sql: &'static str) -> i64 {
    let mut c = app.db.acquire().await.unwrap();
    Query::new(sql).fetch_all::<(i64,)>(&mut c.ex()).await.unwrap()[0].0
}

/// (value, rows) of a grouped count (this test crate has no SQL macros of its own).
async fn grouped(app: &App, sql: &'static str) -> Vec<(String, i64)> {
    let mut c = app.db.acquire().await.unwrap();
    Query::new(sql).fetch_all::<(String, i64)>(&mut c.ex()).await.unwrap()
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
    // One account per member besides the bench accounts (member 1's is bench-member).
    assert_eq!(get("users"), ACCOUNTS.len() as i64 + 50 - 1);
    // assigned + replied + closed = 80%: one lead unit each, a co unit for some.
    let handled = SCALE as i64 * 80 / 100;
    assert!(get("proposal_units") >= handled && get("proposal_units") < handled * 3 / 2, "{n:?}");
    assert_eq!(get("proposal_replies"), SCALE as i64 * 58 / 100);
    assert_eq!(get("proposal_evaluations"), SCALE as i64 * 48 / 100);
    let events = grouped(&app1, "SELECT record_kind, COUNT(*) FROM record_events GROUP BY record_kind ORDER BY 1").await;
    let events_of = |k: &str| events.iter().find(|e| e.0 == k).map(|e| e.1).unwrap_or(0);
    assert!(events_of("proposal") >= 2 * SCALE as i64 && events_of("proposal") <= 5 * SCALE as i64, "{events:?}");

    // 社情民意 reports: N/2 in their mix, revision 1 for each submitted one (2 for most decided),
    // outcomes on adopted ones only, 2–4 timeline events each.
    let reports = SCALE as i64 / 2;
    assert_eq!(get("opinions"), reports);
    let by_status = grouped(&app1, "SELECT status, COUNT(*) FROM opinions GROUP BY status ORDER BY 1").await;
    for (status, share) in REPORT_STATUS_MIX {
        assert_eq!(by_status.iter().find(|e| e.0 == status).map(|e| e.1), Some(reports * share as i64 / 1000), "{status}: {by_status:?}");
    }
    let submitted = reports * 98 / 100;
    assert!(get("opinion_revisions") > submitted && get("opinion_revisions") < submitted + reports * 88 / 100, "{n:?}");
    let outcomes_on = grouped(&app1, "SELECT o.status, COUNT(*) FROM opinion_outcomes oc JOIN opinions o ON o.id = oc.opinion_id GROUP BY o.status").await;
    assert!(matches!(outcomes_on.as_slice(), [(s, k)] if s == "adopted" && *k > 0), "{outcomes_on:?}");
    assert!(events_of("opinion") >= 2 * reports - reports / 50 && events_of("opinion") <= 3 * reports, "{events:?}");
    assert_eq!(report.tables.iter().find(|e| e.0 == "proposals").map(|e| e.1), Some(SCALE));

    notifications_hold(&app1, report.committee_id).await;
    activities_hold(&app1).await;

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

    // The bench accounts can log in with the documented password, so can the members' own.
    let done = app2.login("bench-staff", eline_app::bench_data::PASSWORD, "127.0.0.1").await.expect("login");
    assert_eq!(done.user.username, "bench-staff");
    let member = app2.login("bench-m00050", eline_app::bench_data::PASSWORD, "127.0.0.1").await.expect("a member's account logs in");
    assert_eq!(app2.unread_count(&member.actor).await.unwrap(), number(&app2, UNREAD_OF_M50).await);

    // The daily digest gathers every member's waiting deliveries into one message each, once.
    let cid = report.committee_id;
    assert_eq!(app2.digest(cid, Mode::Daily, "2026-11-30").await.unwrap(), 50, "one digest per member account");
    assert_eq!(number(&app2, "SELECT COUNT(*) FROM notification_deliveries WHERE message_id IS NULL").await, 0);
    assert_eq!(number(&app2, "SELECT COUNT(*) FROM notification_messages WHERE state = 'pending' AND mode = 'daily'").await, 50);
    assert_eq!(app2.digest(cid, Mode::Daily, "2026-11-30").await.unwrap(), 0, "a period is made once");
}

const UNREAD_OF_M50: &str = "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'bench-m00050' AND n.read_at IS NULL";

/// The generated notifications: 20 per member account and none for anyone else, about records
/// that exist and are the member's own, with their titles; some read; the read ones in a sent
/// digest of their own person, the unread ones (most) waiting for today's; every account with an
/// address.
async fn notifications_hold(app: &App, committee_id: i64) {
    let per_user = grouped(app, "SELECT u.username, COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id GROUP BY u.username ORDER BY 1").await;
    assert_eq!(per_user.len(), 50, "every member's account and no other");
    assert!(per_user.iter().all(|(u, n)| *n == NOTIFICATIONS_PER_USER as i64 && (u == "bench-member" || u.starts_with("bench-m0"))), "{per_user:?}");
    let total = 50 * NOTIFICATIONS_PER_USER as i64;
    let all_of = |sql| number(app, sql);
    assert_eq!(all_of("SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.committee_id = n.committee_id").await, total);
    let own_proposals = "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id JOIN proposals p ON p.id = n.record_id
        WHERE n.record_type = 'proposal' AND p.proposer_member_id = u.member_id AND p.title = n.title";
    let own_reports = "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id JOIN opinions o ON o.id = n.record_id
        WHERE n.record_type = 'opinion' AND o.member_id = u.member_id AND o.title = n.title";
    let (p, o) = (all_of(own_proposals).await, all_of(own_reports).await);
    assert_eq!(p + o, total, "each about the member's own record, with its title ({p} proposals, {o} reports)");
    assert!(p > 0 && o > 0);
    let kinds = grouped(app, "SELECT kind, COUNT(*) FROM notifications GROUP BY kind ORDER BY 1").await;
    assert!(kinds.len() >= 6 && kinds.iter().all(|(k, _)| eline_domain::notice::kind(k).is_some()), "{kinds:?}");
    // A replied proposal tells "filed" before "replied" (ids follow time for each person).
    let out_of_order = "SELECT COUNT(*) FROM notifications a JOIN notifications b ON b.user_id = a.user_id AND b.record_id = a.record_id
        WHERE a.kind = 'proposal.filed' AND b.kind = 'proposal.replied' AND (b.id < a.id OR b.created_at < a.created_at)";
    assert_eq!(all_of(out_of_order).await, 0);

    let read = all_of("SELECT COUNT(*) FROM notifications WHERE read_at IS NOT NULL").await;
    assert!((2 * 50..=8 * 50).contains(&read), "the oldest 2–8 of each person are read: {read}");
    assert_eq!(all_of("SELECT COUNT(*) FROM notification_deliveries WHERE channel = 'email' AND mode = 'daily'").await, total);
    let waiting = all_of(
        "SELECT COUNT(*) FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE d.message_id IS NULL AND n.read_at IS NULL",
    )
    .await;
    assert_eq!(waiting, total - read, "every unread one waits for the digest");
    let sent_in_own = "SELECT COUNT(*) FROM notification_deliveries d JOIN notification_messages m ON m.id = d.message_id
        WHERE m.user_id = d.user_id AND m.state = 'sent' AND m.mode = 'daily'";
    assert_eq!(all_of(sent_in_own).await, read, "the read ones went out in the person's digest");
    assert_eq!(all_of("SELECT COUNT(*) FROM notification_messages").await, 50);
    let mut c = app.db.acquire().await.unwrap();
    let no_address = Query::new("SELECT username FROM users WHERE email IS NULL OR email NOT LIKE '%@' || 'bench.example.cn'")
        .fetch_all::<(String,)>(&mut c.ex())
        .await
        .unwrap();
    assert!(no_address.is_empty() && EMAIL_DOMAIN == "bench.example.cn", "{no_address:?}");
    let messages = eline_storage::notifications::message_counts(&mut c.ex(), committee_id).await.unwrap();
    assert_eq!(messages, (0, 0, 50));
}

/// (start, end, checkout, min share, late mark, leave, checked in, checked out, attendance,
/// method, last window) of an invitee of a closed activity.
type Place = (i64, i64, bool, i64, i64, Option<String>, Option<i64>, Option<i64>, Option<String>, Option<String>, Option<i64>);

/// The generated activities: N/50, attendance only on closed ones and there exactly what closing
/// makes of each row (the domain's rule), every kind of leave and check-in present.
async fn activities_hold(app: &App) {
    use eline_domain::activity::{LeaveStatus, Record, Span, attendance, window_of};
    assert_eq!(number(app, "SELECT COUNT(*) FROM activities").await, SCALE as i64 / 50);
    let open_marked =
        "SELECT COUNT(*) FROM activity_invitees i JOIN activities a ON a.id = i.activity_id WHERE a.status <> 'closed' AND i.attendance IS NOT NULL";
    assert_eq!(number(app, open_marked).await, 0, "attendance only once closed");
    let mut c = app.db.acquire().await.unwrap();
    let places: Vec<Place> = Query::new(
        "SELECT a.starts_at, a.ends_at, a.checkout, a.min_share_percent, a.late_after_minutes, i.leave_status, i.checked_in_at, i.checked_out_at,
            i.attendance, i.checkin_method, i.last_window
         FROM activity_invitees i JOIN activities a ON a.id = i.activity_id WHERE a.status = 'closed'",
    )
    .fetch_all(&mut c.ex())
    .await
    .unwrap();
    drop(c);
    assert!(places.len() > 500, "{} places on closed activities", places.len());
    let mut seen = std::collections::HashSet::new();
    for (starts_at, ends_at, checkout, min_share_percent, late_after_minutes, leave, checked_in_at, checked_out_at, marked, method, window) in &places {
        let leave = leave.as_deref().and_then(LeaveStatus::parse);
        let span = Span {
            starts_at: *starts_at,
            ends_at: *ends_at,
            checkout: *checkout,
            min_share_percent: *min_share_percent,
            late_after_minutes: *late_after_minutes,
        };
        let want = attendance(&Record { leave, checked_in_at: *checked_in_at, checked_out_at: *checked_out_at }, &span);
        assert_eq!(marked.as_deref(), Some(want.as_str()));
        if method.as_deref() == Some("code") {
            assert_eq!(*window, checked_out_at.or(*checked_in_at).map(window_of), "the code's window is the last one used");
        }
        seen.insert(want.as_str().to_string());
        seen.extend(leave.map(|l| l.as_str().to_string()));
        seen.extend(method.clone());
    }
    for what in ["present", "late", "excused", "absent", "requested", "approved", "denied", "code", "hand"] {
        assert!(seen.contains(what), "{what} among the generated places");
    }
    assert!(number(app, "SELECT COUNT(*) FROM activity_invitees WHERE leave_late = TRUE").await > 0, "late leave");
    assert!(
        number(app, "SELECT COUNT(*) FROM activities WHERE status IN ('published', 'planned') AND starts_at > 1796054400000000").await > 0,
        "activities to come"
    );
}
