//! Notifications for `eline bench-data` (issue 14's scale targets: 10,000 people with 20
//! notifications each at N = 1,000,000). Every member gets an account (`bench-m00002` …; member 1
//! is `bench-member`) with an email address, and each of those accounts 20 inbox rows about the
//! member's own records, newest records first: a filed proposal tells "filed", a replied one
//! "filed" then "replied" then "evaluation due", a closed one "filed", "replied", "closed"; an
//! adopted, kept or returned report its decision (when a member has fewer records than that, at
//! small N, the list starts over). The rows of a person span the 60 days before `TODAY`.
//!
//! Members get email as a daily digest (their role's default, `notice::default_mode`): the
//! oldest 2–8 of each person's notifications are read and went out in yesterday's digest (one
//! sent message per person); the rest are unread and wait for today's digest — what
//! `eline notify digest --mode daily` then gathers, one message per person.
//!
//! Titles are the records' own: regenerated from the same streams as the records (`Rng` 1 for
//! proposals, 3 for reports), which `tests/bench_data.rs` checks against the stored titles.
//! Rows are written in multi-row INSERTs inside the bench transaction, in chunks of people; ids
//! follow the time order inside a chunk, so one person's rows are spread over the table as
//! they would be.

use std::time::Instant;

use eline_domain::RecordKind;
use eline_domain::notice::{self, Kind};
use eline_storage::bulk::{self, Rows, Val};
use eline_storage::notifications as store;
use eline_storage::{Arg, Query, Tx};

use super::text::{Rng, Vocab};
use super::{BenchReport, DAY, data, micros_of, opinions, status_of, timed};
use crate::AppResult;

/// Notifications per account.
pub const PER_USER: usize = 20;
/// The bench's "today" (Beijing): notifications are from the 60 days before it.
pub const TODAY: &str = "2026-11-30";
/// Where the bench accounts' email goes (`bench/notifications.sh` runs a sink that takes it).
pub const EMAIL_DOMAIN: &str = "bench.example.cn";
/// People whose rows are built and written together (memory stays bounded at any N).
const PEOPLE_PER_CHUNK: usize = 5_000;
/// Records remembered per member (newest first): more than 20 notifications need.
const RECORDS_PER_MEMBER: usize = 20;

/// What the notifications refer to in the rest of the bench data.
pub(super) struct Context<'a> {
    pub cid: i64,
    /// (first id - 1, how many) of the members.
    pub members: (i64, u64),
    /// The account of member 1 (`bench-member`).
    pub member_user: i64,
    /// The other bench accounts (they get an address, no notifications).
    pub accounts: Vec<(i64, &'static str)>,
    /// (first id - 1, how many) of this run's proposals and reports.
    pub proposals: (i64, u64),
    pub reports: (i64, u64),
    pub password_hash: &'a str,
    pub vocab: &'a Vocab,
}

/// A proposal's title as `bench_data::generate_bench_data` drew it (stream 1, first draw).
fn proposal_title(vocab: &Vocab, i: u64) -> String {
    vocab.title(&mut Rng::for_index(1, i))
}

/// A report's title as `opinions::generate` drew it (stream 3, after the channel's draw).
fn report_title(vocab: &Vocab, i: u64) -> String {
    let mut r = Rng::for_index(3, i);
    r.below(10);
    vocab.title(&mut r).replace("的提案", "的建议")
}

/// (kind, message) told to the proposer along a proposal's path to `status`, oldest first.
fn proposal_chain(status: &str) -> &'static [(Kind, &'static str)] {
    const FILED: (Kind, &str) = (notice::PROPOSAL_FILED, "提案已立案，交办后将通知您办理情况");
    const REPLIED: (Kind, &str) = (notice::PROPOSAL_REPLIED, "承办单位已答复，请在15个工作日内评价");
    match status {
        "filed" | "assigned" => &[FILED],
        "not_filed" => &[(notice::PROPOSAL_REJECTED, "审查：不予立案。该件内容属于一般工作建议，转有关部门参考")],
        "merged" => &[(notice::PROPOSAL_MERGED, "审查：并案。与同类提案内容相近，并案办理")],
        "replied" => &[FILED, REPLIED, (notice::PROPOSAL_EVALUATION_DUE, "评价期限还有5个工作日，请评价办理答复")],
        "closed" => &[FILED, REPLIED, (notice::PROPOSAL_CLOSED, "提案已办结")],
        _ => &[],
    }
}

/// The same for a 社情民意 report.
fn report_chain(status: &str) -> &'static [(Kind, &'static str)] {
    match status {
        "adopted" => &[(notice::OPINION_ADOPTED, "录用")],
        "kept" => &[(notice::OPINION_KEPT, "留存：内容与已录用信息相近，留存备查")],
        "returned" => &[(notice::OPINION_RETURNED, "退回修改：请补充具体情况和数据后重新提交")],
        _ => &[],
    }
}

/// One inbox row before it has an id.
struct Item {
    user: i64,
    at: i64,
    kind: Kind,
    record: (&'static str, i64),
    title: String,
    message: &'static str,
    read: bool,
}

/// The newest records of each member: `(first id - 1, how many)` members → record ids, newest
/// first, at most RECORDS_PER_MEMBER each. `sql` selects (member id, record id) with the member
/// column's lower and upper bound after each part.
async fn own_records(tx: &mut Tx, sql: [&'static str; 2], members: (i64, u64), after_id: i64) -> AppResult<Vec<Vec<i64>>> {
    let mut q = Query::new(sql[0]);
    q.arg(Arg::I64(members.0)).sql(sql[1]).arg(Arg::I64(members.0 + members.1 as i64)).sql(" AND id > ").arg(Arg::I64(after_id));
    let rows: Vec<(i64, i64)> = q.fetch_all(&mut tx.ex()).await.map_err(eline_storage::StorageError::from)?;
    let mut out = vec![Vec::new(); members.1 as usize];
    for (member, id) in rows {
        out[(member - members.0 - 1) as usize].push(id);
    }
    for ids in &mut out {
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.truncate(RECORDS_PER_MEMBER);
    }
    Ok(out)
}

/// Writes the accounts, notifications, deliveries and yesterday's digests; returns
/// (accounts with notifications, notifications).
pub(super) async fn generate(tx: &mut Tx, cx: &Context<'_>, report: &mut BenchReport) -> AppResult<(u64, u64)> {
    let today = micros_of(TODAY);
    for (id, username) in &cx.accounts {
        store::set_email(&mut tx.ex(), *id, Some(&format!("{username}@{EMAIL_DOMAIN}"))).await?;
    }
    let gen_started = Instant::now();
    let proposals = own_records(
        tx,
        ["SELECT proposer_member_id, id FROM proposals WHERE proposer_member_id > ", " AND proposer_member_id <= "],
        cx.members,
        cx.proposals.0,
    )
    .await?;
    let reports = own_records(tx, ["SELECT member_id, id FROM opinions WHERE member_id > ", " AND member_id <= "], cx.members, cx.reports.0).await?;

    // The accounts: member 1 has bench-member; every other member one of their own.
    let users_base = bulk::max_id(&mut tx.ex(), "users").await?;
    let mut accounts =
        Rows::new("users", &["id", "committee_id", "username", "display_name", "password_hash", "roles", "member_id", "email", "created_at", "updated_at"]);
    let mut people = vec![(cx.member_user, cx.members.0 + 1)];
    for k in 1..cx.members.1 {
        let id = users_base + k as i64;
        let username = format!("bench-m{:05}", k + 1);
        accounts.push([
            Val::Int(id),
            Val::Int(cx.cid),
            Val::Text(username.clone()),
            Val::Text(data::member(k as usize).name),
            Val::Text(cx.password_hash.to_string()),
            Val::Static("member"),
            Val::OptInt(Some(cx.members.0 + k as i64 + 1)),
            Val::OptText(Some(format!("{username}@{EMAIL_DOMAIN}"))),
            Val::Int(today - 300 * DAY),
            Val::Int(today - 300 * DAY),
        ]);
        people.push((id, cx.members.0 + k as i64 + 1));
    }
    report.generate += gen_started.elapsed();
    timed(tx, &accounts, report).await?;

    let mut ids = [0i64; 3];
    for (k, t) in ["notifications", "notification_messages", "notification_deliveries"].into_iter().enumerate() {
        ids[k] = bulk::max_id(&mut tx.ex(), t).await?;
    }
    let [mut notification_id, mut message_id, mut delivery_id] = ids;
    let mut written = 0u64;
    for chunk in people.chunks(PEOPLE_PER_CHUNK) {
        let gen_started = Instant::now();
        let mut items: Vec<Item> = Vec::with_capacity(chunk.len() * PER_USER);
        for &(user, member) in chunk {
            let k = (member - cx.members.0 - 1) as usize;
            let mut r = Rng::for_index(4, k as u64);
            items.extend(person(cx, user, &proposals[k], &reports[k], today, &mut r));
        }
        // Ids in time order (a person's rows are spread among everyone's, as they would be).
        items.sort_by_key(|i| (i.at, i.user));
        let mut notifications =
            Rows::new("notifications", &["id", "committee_id", "user_id", "kind", "record_type", "record_id", "title", "message", "created_at", "read_at"]);
        let mut messages = Rows::new(
            "notification_messages",
            &["id", "committee_id", "user_id", "channel", "mode", "state", "attempts", "next_attempt_at", "last_attempt_at", "sent_at", "created_at"],
        );
        let mut deliveries =
            Rows::new("notification_deliveries", &["id", "committee_id", "notification_id", "user_id", "channel", "mode", "message_id", "created_at"]);
        // Yesterday's digest of each person who has read ones: sent at the digest hour after them.
        let mut digest_of = std::collections::HashMap::with_capacity(chunk.len());
        for i in items.iter().filter(|i| i.read) {
            let sent = (i.at / DAY + 1) * DAY;
            digest_of.entry(i.user).and_modify(|e: &mut (i64, i64)| e.1 = e.1.max(sent)).or_insert((0, sent));
        }
        let mut with_digest: Vec<_> = digest_of.iter_mut().collect();
        with_digest.sort_by_key(|(user, _)| **user);
        for (user, (id, sent)) in with_digest {
            message_id += 1;
            *id = message_id;
            messages.push([
                Val::Int(message_id),
                Val::Int(cx.cid),
                Val::Int(*user),
                Val::Static("email"),
                Val::Static("daily"),
                Val::Static("sent"),
                Val::Int(1),
                Val::Int(*sent),
                Val::OptInt(Some(*sent)),
                Val::OptInt(Some(*sent)),
                Val::Int(*sent),
            ]);
        }
        for i in &items {
            notification_id += 1;
            delivery_id += 1;
            notifications.push([
                Val::Int(notification_id),
                Val::Int(cx.cid),
                Val::Int(i.user),
                Val::Static(i.kind.key),
                Val::Static(i.record.0),
                Val::Int(i.record.1),
                Val::Text(i.title.clone()),
                Val::Static(i.message),
                Val::Int(i.at),
                Val::OptInt(i.read.then(|| i.at + DAY / 2)),
            ]);
            let sent_in = if i.read { digest_of.get(&i.user).map(|d| d.0) } else { None };
            deliveries.push([
                Val::Int(delivery_id),
                Val::Int(cx.cid),
                Val::Int(notification_id),
                Val::Int(i.user),
                Val::Static("email"),
                Val::Static("daily"),
                Val::OptInt(sent_in),
                Val::Int(i.at),
            ]);
        }
        report.generate += gen_started.elapsed();
        for rows in [&notifications, &messages, &deliveries] {
            timed(tx, rows, report).await?;
        }
        written += items.len() as u64;
    }
    for t in ["users", "notifications", "notification_messages", "notification_deliveries"] {
        bulk::reset_id_sequence(&mut tx.ex(), t).await?;
    }
    tracing::info!(people = people.len(), notifications = written, "bench notifications written");
    Ok((people.len() as u64, written))
}

/// The PER_USER rows of one person, oldest first, over the 60 days before `today`.
fn person(cx: &Context<'_>, user: i64, proposals: &[i64], reports: &[i64], today: i64, r: &mut Rng) -> Vec<Item> {
    // Newest first: records in turn (two proposals for each report), each record's chain newest first.
    let mut newest_first: Vec<(Kind, &'static str, (&'static str, i64), String)> = Vec::with_capacity(PER_USER);
    let (mut p, mut o) = (0, 0);
    // Draws of any proposal for a member whose own records tell nothing (tiny N), bounded.
    let mut strangers = 0;
    let mut own_told = false;
    while newest_first.len() < PER_USER {
        let take_report = o < reports.len() && (p >= proposals.len() || r.below(3) == 0);
        let (chain, record, title) = if take_report {
            let i = (reports[o] - cx.reports.0 - 1) as u64;
            o += 1;
            (report_chain(opinions::status_of(i)), (RecordKind::OPINION.as_str(), reports[o - 1]), report_title(cx.vocab, i))
        } else if p < proposals.len() {
            let i = (proposals[p] - cx.proposals.0 - 1) as u64;
            p += 1;
            (proposal_chain(status_of(i)), (RecordKind::PROPOSAL.as_str(), proposals[p - 1]), proposal_title(cx.vocab, i))
        } else if own_told {
            // Every record told: start over (a small N has few records per member).
            (p, o) = (0, 0);
            continue;
        } else if strangers < 1000 && cx.proposals.1 > 0 {
            strangers += 1;
            let i = r.below(cx.proposals.1);
            (proposal_chain(status_of(i)), (RecordKind::PROPOSAL.as_str(), cx.proposals.0 + i as i64 + 1), proposal_title(cx.vocab, i))
        } else {
            break;
        };
        for (kind, message) in chain.iter().rev() {
            if newest_first.len() < PER_USER {
                newest_first.push((*kind, message, record, title.clone()));
                own_told |= strangers == 0;
            }
        }
    }
    let read = 2 + r.below(7) as usize;
    let start = today - 60 * DAY;
    newest_first
        .into_iter()
        .rev()
        .enumerate()
        .map(|(j, (kind, message, record, title))| Item {
            user,
            at: start + j as i64 * 3 * DAY + r.below(DAY as u64 * 2) as i64,
            kind,
            record,
            title,
            message,
            read: j < read,
        })
        .collect()
}
