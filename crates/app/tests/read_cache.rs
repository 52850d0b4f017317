//! The read cache of the lists (crates/app/src/cache.rs) against a real database. A test binary
//! of its own: the cache's generation counts the commits of the whole process, and the proposal
//! stories running beside it would move it.

#[allow(dead_code)]
#[path = "proposals/support.rs"]
mod support;

use std::time::{Duration, Instant};

use support::World;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_served_from_memory_shows_this_servers_writes_at_once_and_anothers_within_the_cache_time() {
    let w = World::new().await;
    let ttl = Duration::from_millis(w.app.settings.read_cache_ms);
    assert!(ttl >= Duration::from_millis(500), "the default keeps lists for a moment");
    let p = w.filed("关于完善社区养老服务设施的建议").await;
    let titles = async || {
        w.app
            .list_proposals(&w.staff, &eline_app::proposals::ProposalFilter { limit: Some(20), ..Default::default() })
            .await
            .expect("list")
            .items
            .into_iter()
            .map(|r| (r.id, r.title))
            .collect::<Vec<_>>()
    };
    assert_eq!(titles().await[0], (p.id, "关于完善社区养老服务设施的建议".to_string()));

    // A write of this server (a committed transaction): the next list has it.
    let q = w.filed("关于规范校外培训机构收费的建议").await;
    assert_eq!(titles().await[0].0, q.id);

    // Another server's write (outside this process: no commit seen here): the cached page stays
    // until its time is up, then the list is read again.
    let started = Instant::now();
    let mut row = w.row(q.id).await;
    row.title = "关于规范校外培训机构收费标准的建议".into();
    let mut c = w.t.db.acquire().await.expect("connection");
    eline_storage::proposals::save(&mut c.ex(), &row, row.version).await.expect("write");
    drop(c);
    let first = titles().await;
    if started.elapsed() < ttl {
        assert_eq!(first[0].1, "关于规范校外培训机构收费的建议", "served from memory within the cache time");
    }
    tokio::time::sleep(ttl).await;
    assert_eq!(titles().await[0], (q.id, "关于规范校外培训机构收费标准的建议".to_string()));
}
