//! The bench committee's 社情民意 reports: N/2 for N proposals, spread over the sessions' years,
//! in every status in fixed proportions, from members (most), informants, organisations, special
//! committees and sectors, 资政之声 one in ten, with the submitter's text as revision 1 and an
//! office edit on most decided ones, outcomes at each level on adopted ones (entered by hand: the
//! bench committee has no parent on the platform) and 2–4 timeline events each. Written in chunks
//! of multi-row INSERTs inside the bench transaction, like the proposals.

use std::time::Instant;

use eline_domain::RecordKind;
use eline_storage::Tx;
use eline_storage::bulk::{self, Rows, Val};

use super::text::{Rng, Vocab};
use super::{BenchReport, CHUNK, DAY, data, date_of, timed};
use crate::AppResult;

/// (status, share in permille); sums to 1000.
pub const STATUS_MIX: [(&str, u64); 6] = [("draft", 20), ("submitted", 50), ("editing", 30), ("returned", 20), ("adopted", 500), ("kept", 380)];

/// Informants' names (the office writes for them; the bench has no informant accounts).
const INFORMANTS: [&str; 6] = ["特邀信息员王敏", "特邀信息员陈刚", "特邀信息员李娜", "特邀信息员张伟", "特邀信息员刘洋", "特邀信息员黄静"];

/// (level, kind) of the outcomes adopted reports get, in the order tried.
const CITY_KINDS: [&str; 3] = ["adopted", "dept_adopted", "instructed"];
const PROVINCE_KINDS: [&str; 3] = ["adopted", "forwarded", "to_national"];
const NATIONAL_KINDS: [&str; 4] = ["single_adopted", "digest_adopted", "to_ministries", "instructed"];

/// A timeline event: (at, (user, name), action, status after, note).
type Event = (i64, (i64, &'static str), &'static str, &'static str, &'static str);

/// What the reports refer to in the rest of the bench data.
pub(super) struct Context<'a> {
    pub cid: i64,
    /// Reports to write.
    pub count: u64,
    /// (first id - 1, how many) of members, sectors, organisations, special committees.
    pub members: (i64, u64),
    pub sectors: (i64, u64),
    pub organizations: (i64, u64),
    pub special_committees: (i64, u64),
    pub staff: (i64, &'static str),
    pub member_user: (i64, &'static str),
    /// (year, micros of its first day of work) of each session's year.
    pub years: Vec<(i64, i64)>,
    pub vocab: &'a Vocab,
}

/// The status of report `i`: exact proportions per block of 1000, shuffled inside it.
pub(super) fn status_of(i: u64) -> &'static str {
    let slot = (i % 1000).wrapping_mul(377) % 1000; // 377 is coprime to 1000: a permutation
    let mut acc = 0;
    for (s, share) in STATUS_MIX {
        acc += share;
        if slot < acc {
            return s;
        }
    }
    "kept"
}

const OPINION_COLUMNS: [&str; 25] = [
    "id",
    "committee_id",
    "year",
    "channel",
    "status",
    "title",
    "body",
    "submitter_kind",
    "member_id",
    "organization_id",
    "special_committee_id",
    "sector_id",
    "author_name",
    "created_by",
    "submitted_at",
    "submitted_on",
    "due_on",
    "decided_at",
    "decided_on",
    "return_reason",
    "keep_reason",
    "returns",
    "published",
    "created_at",
    "updated_at",
];

/// Writes the reports and their children; returns how many reports were written.
pub(super) async fn generate(tx: &mut Tx, cx: &Context<'_>, report: &mut BenchReport) -> AppResult<u64> {
    let mut ids = [0i64; 4];
    for (k, t) in ["opinions", "opinion_revisions", "opinion_outcomes", "record_events"].into_iter().enumerate() {
        ids[k] = bulk::max_id(&mut tx.ex(), t).await?;
    }
    let [base, mut revision_id, mut outcome_id, mut event_id] = ids;
    let mut start = 0;
    while start < cx.count {
        let end = (start + CHUNK).min(cx.count);
        let gen_started = Instant::now();
        let mut opinions = Rows::new("opinions", &OPINION_COLUMNS);
        let mut revisions = Rows::new("opinion_revisions", &["id", "opinion_id", "number", "title", "body", "edited_by", "editor_name", "note", "at"]);
        let mut outcomes = Rows::new(
            "opinion_outcomes",
            &["id", "opinion_id", "source_id", "level", "kind", "body", "decided_on", "note", "by_hand", "recorded_by", "recorded_at"],
        );
        let mut events = Rows::new(
            "record_events",
            &["id", "committee_id", "record_kind", "record_id", "at", "actor_user_id", "actor_name", "action", "status_after", "note"],
        );
        for i in start..end {
            let mut r = Rng::for_index(3, i);
            let status = status_of(i);
            let id = base + i as i64 + 1;
            let (year, year_start) = cx.years[((i * cx.years.len() as u64) / cx.count.max(1)) as usize];
            let direct = r.below(10) == 0;
            let title = cx.vocab.title(&mut r).replace("的提案", "的建议");
            let body = cx.vocab.body(&title, &mut r);
            let (mut member, mut org, mut sc, mut sector) = (None, None, None, None);
            let (kind, author, created_by) = match r.below(20) {
                0..=13 => {
                    let m = cx.members.0 + r.below(cx.members.1) as i64 + 1;
                    member = Some(m);
                    // The bench member (the first member, `bench_data/mod.rs`) writes their own;
                    // other members' reports were entered by the office (the bench has one
                    // member account), so a member's own list is as small as a real member's.
                    let by = if m == cx.members.0 + 1 { cx.member_user } else { cx.staff };
                    ("member", data::member((m - cx.members.0 - 1) as usize).name, by)
                }
                14..=15 => ("informant", INFORMANTS[r.below(INFORMANTS.len() as u64) as usize].to_string(), cx.staff),
                16..=17 => {
                    let k = r.below(cx.organizations.1);
                    org = Some(cx.organizations.0 + k as i64 + 1);
                    ("organization", data::ORGANIZATIONS[k as usize].0.to_string(), cx.staff)
                }
                18 => {
                    let k = r.below(cx.special_committees.1);
                    sc = Some(cx.special_committees.0 + k as i64 + 1);
                    ("special_committee", data::SPECIAL_COMMITTEES[k as usize].to_string(), cx.staff)
                }
                _ => {
                    let k = r.below(cx.sectors.1);
                    sector = Some(cx.sectors.0 + k as i64 + 1);
                    ("sector", data::SECTORS[k as usize].to_string(), cx.staff)
                }
            };
            let created = year_start + DAY * r.below(300) as i64 + r.below(DAY as u64 / 2) as i64;
            let submitted = (status != "draft").then(|| created + DAY * r.below(2) as i64 + 3_600_000_000);
            let decided = matches!(status, "adopted" | "kept").then(|| submitted.unwrap_or(created) + DAY * (2 + r.below(12) as i64));
            let due = matches!(status, "submitted" | "editing").then(|| date_of(submitted.unwrap_or(created) + DAY * if direct { 7 } else { 14 }));
            let returned = status == "returned";
            let updated = decided.or(submitted).unwrap_or(created) + 3_600_000_000;
            opinions.push([
                Val::Int(id),
                Val::Int(cx.cid),
                Val::Int(year),
                Val::Static(if direct { "direct" } else { "opinion" }),
                Val::Static(status),
                Val::Text(title.clone()),
                Val::Text(body.clone()),
                Val::Static(kind),
                Val::OptInt(member),
                Val::OptInt(org),
                Val::OptInt(sc),
                Val::OptInt(sector),
                Val::Text(author),
                Val::Int(created_by.0),
                Val::OptInt(submitted),
                Val::OptText(submitted.map(date_of)),
                Val::OptText(due),
                Val::OptInt(decided),
                Val::OptText(decided.map(date_of)),
                Val::OptText(returned.then(|| "请补充具体情况和数据后重新提交。".to_string())),
                Val::OptText((status == "kept").then(|| "内容与已录用信息相近，留存备查。".to_string())),
                Val::Int(i64::from(returned)),
                Val::Bool(status == "adopted" && r.below(2) == 0),
                Val::Int(created),
                Val::Int(updated),
            ]);
            let mut revision = |n: i64, title: &str, body: &str, by: Option<(i64, &'static str)>, at: i64| {
                revision_id += 1;
                revisions.push([
                    Val::Int(revision_id),
                    Val::Int(id),
                    Val::Int(n),
                    Val::Text(title.to_string()),
                    Val::Text(body.to_string()),
                    Val::OptInt(by.map(|b| b.0)),
                    Val::Static(by.map(|b| b.1).unwrap_or(created_by.1)),
                    Val::OptText(by.map(|_| "压缩篇幅，标题改为建议".to_string())),
                    Val::Int(at),
                ]);
            };
            if let Some(at) = submitted {
                revision(1, &title, &body, None, at);
            }
            let edited = decided.is_some() && r.below(10) < 6;
            if let Some(at) = decided.filter(|_| edited) {
                let edited_title = format!("关于{}的建议", title.trim_start_matches("关于").trim_end_matches("的建议"));
                revision(2, &edited_title, &format!("{body}\n（信息处编辑）"), Some(cx.staff), at - 3_600_000_000);
            }
            if let Some(at) = decided.filter(|_| status == "adopted") {
                let mut outcome = |level: &'static str, kind: &'static str, days: i64| {
                    outcome_id += 1;
                    outcomes.push([
                        Val::Int(outcome_id),
                        Val::Int(id),
                        Val::Int(id),
                        Val::Static(level),
                        Val::Static(kind),
                        Val::OptText(None),
                        Val::Text(date_of(at + DAY * days)),
                        Val::OptText(None),
                        Val::Bool(true),
                        Val::Int(cx.staff.0),
                        Val::Int(at + DAY * days),
                    ]);
                };
                if r.below(10) < 4 {
                    outcome("city", CITY_KINDS[r.below(3) as usize], 10);
                }
                if r.below(10) == 0 {
                    outcome("province", PROVINCE_KINDS[r.below(3) as usize], 30);
                }
                if r.below(50) == 0 {
                    outcome("national", NATIONAL_KINDS[r.below(4) as usize], 60);
                }
            }
            // Timeline: create, submit, then the office's steps.
            let mut path: Vec<Event> = vec![(created, created_by, "create", "draft", "起草信息")];
            if let Some(at) = submitted {
                path.push((at, created_by, "submit", "submitted", "提交信息"));
            }
            match status {
                "editing" => path.push((submitted.unwrap_or(created) + DAY, cx.staff, "take", "editing", "受理")),
                "returned" => path.push((submitted.unwrap_or(created) + DAY, cx.staff, "return", "returned", "退回修改：请补充具体情况")),
                "adopted" => path.push((decided.unwrap_or(created), cx.staff, "adopt", "adopted", "录用")),
                "kept" => path.push((decided.unwrap_or(created), cx.staff, "keep", "kept", "留存")),
                _ => {}
            }
            for (at, (user, name), action, after, note) in path {
                event_id += 1;
                events.push([
                    Val::Int(event_id),
                    Val::Int(cx.cid),
                    Val::Static(RecordKind::OPINION.as_str()),
                    Val::Int(id),
                    Val::Int(at),
                    Val::OptInt(Some(user)),
                    Val::Static(name),
                    Val::Static(action),
                    Val::Static(after),
                    Val::Static(note),
                ]);
            }
        }
        report.generate += gen_started.elapsed();
        for rows in [&opinions, &revisions, &outcomes, &events] {
            timed(tx, rows, report).await?;
        }
        tracing::info!(done = end, of = cx.count, "bench reports written");
        start = end;
    }
    for t in ["opinions", "opinion_revisions", "opinion_outcomes", "record_events"] {
        bulk::reset_id_sequence(&mut tx.ex(), t).await?;
    }
    Ok(cx.count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_status_mix_is_exact_per_thousand() {
        let mut counts = std::collections::HashMap::new();
        for i in 0..1000 {
            *counts.entry(status_of(i)).or_insert(0u64) += 1;
        }
        for (s, share) in STATUS_MIX {
            assert_eq!(counts.get(s).copied().unwrap_or(0), share, "{s}");
        }
    }
}
