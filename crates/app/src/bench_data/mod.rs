//! `eline bench-data --scale N`: deterministic synthetic data for benchmarks — one bench
//! committee with reference data, N/100 members (at least 50), N proposals spread over ten
//! sessions in realistic proportions of statuses, with handling units, replies, evaluations and
//! timelines, N/2 社情民意 reports (`opinions`), one account per role, an account per member with 20
//! notifications each (`notifications`) and N/50 activities with their lists (`activities`). Same N
//! → same data (timestamps are derived from the sessions' dates, never from the clock). Rows go in
//! through multi-row INSERTs (`eline_storage::bulk`) in one transaction; one audit entry records it.

use std::time::{Duration, Instant};

use eline_storage::bulk::{self, Rows, Val};
use eline_storage::{Tx, committees, users};

use crate::auth::{hash_password, system_actor};
use crate::context::audit_write;
use crate::demo_data as data;
use crate::{App, AppError, AppResult};

mod activities;
mod bulletins;
mod instructions;
mod notifications;
mod opinions;
mod text;
pub use instructions::CLOSED_PER_INSTRUCTION;
pub use notifications::{EMAIL_DOMAIN, PER_USER as NOTIFICATIONS_PER_USER};

pub use opinions::STATUS_MIX as REPORT_STATUS_MIX;

use text::{Rng, SUGGESTIONS, Vocab, directory_rows, sessions, unit_names};

pub const COMMITTEE_NAME: &str = "政协清河市委员会（基准测试）";
pub const COMMITTEE_SHORT_NAME: &str = "基准测试政协";
pub const PASSWORD: &str = "bench-pass-1";
/// (username, display name, role) of the bench accounts.
pub const ACCOUNTS: [(&str, &str, &str); 5] = [
    ("bench-admin", "基准管理员", "admin"),
    ("bench-staff", "基准提案工作人员", "staff"),
    ("bench-member", "基准委员", "member"),
    ("bench-unit", "基准承办单位联络员", "unit"),
    ("bench-leader", "基准分管领导", "leader"),
];
/// Proposals generated and written per batch.
/// The default categories (提案分类), as a committee's rules name them.
const CATEGORIES: [&str; 6] = ["经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "其他"];
/// How units contacted proposers, weighted: half face to face, then phone, written, none.
const CONTACTS: [&str; 10] = ["face_to_face", "face_to_face", "face_to_face", "face_to_face", "face_to_face", "phone", "phone", "phone", "written", "none"];

const CHUNK: u64 = 50_000;
/// Members: N/100 but at least this many.
const MIN_MEMBERS: u64 = 50;
const UNIT_COUNT: usize = 200;

/// (status, share in permille); sums to 1000.
pub const STATUS_MIX: [(&str, u64); 8] =
    [("draft", 20), ("submitted", 50), ("filed", 50), ("not_filed", 80), ("merged", 20), ("assigned", 200), ("replied", 100), ("closed", 480)];

/// Rows written and time taken per table, in the order written.
#[derive(Debug, Clone, Default)]
pub struct BenchReport {
    pub committee_id: i64,
    pub tables: Vec<(&'static str, u64, Duration)>,
    /// Time spent building rows in memory (not writing them).
    pub generate: Duration,
    pub total: Duration,
}

impl BenchReport {
    fn add(&mut self, table: &'static str, rows: u64, took: Duration) {
        if let Some(e) = self.tables.iter_mut().find(|e| e.0 == table) {
            e.1 += rows;
            e.2 += took;
        } else {
            self.tables.push((table, rows, took));
        }
    }
}

/// The status of proposal `i` of `n`: exact proportions per block of 1000, shuffled inside it.
fn status_of(i: u64) -> &'static str {
    let slot = (i % 1000).wrapping_mul(619) % 1000; // 619 is coprime to 1000: a permutation
    let mut acc = 0;
    for (s, share) in STATUS_MIX {
        acc += share;
        if slot < acc {
            return s;
        }
    }
    "closed"
}

const DAY: i64 = 86_400_000_000;

fn micros_of(date: &str) -> i64 {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(9, 0, 0)).map(|t| t.and_utc().timestamp_micros()).unwrap_or(0)
}

fn date_of(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros).map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// Next ids per table, after what the database already holds.
struct Ids {
    proposal: i64,
    unit_link: i64,
    reply: i64,
    evaluation: i64,
    event: i64,
}

async fn timed(tx: &mut Tx, rows: &Rows, report: &mut BenchReport) -> AppResult<()> {
    let t = Instant::now();
    let n = bulk::insert(tx, rows).await?;
    report.add(rows.table, n, t.elapsed());
    Ok(())
}

impl App {
    /// Generates the bench committee with `scale` proposals. Refuses when it already exists.
    pub async fn generate_bench_data(&self, scale: u64) -> AppResult<BenchReport> {
        let started = Instant::now();
        let mut report = BenchReport::default();
        {
            let mut c = self.db.acquire().await?;
            if committees::find_by_name(&mut c.ex(), COMMITTEE_NAME).await?.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "数据库中已有基准测试委员会“{COMMITTEE_NAME}”：bench-data 只能在没有它的数据库上运行一次，请换一个空数据库"
                )));
            }
            for (u, _, _) in ACCOUNTS {
                if users::get_by_username(&mut c.ex(), u).await?.is_some() {
                    return Err(AppError::InvalidTransition(format!("数据库中已有账号“{u}”：请换一个空数据库")));
                }
            }
        }
        let hash = hash_password(PASSWORD.to_string()).await?;
        let t0 = micros_of("2016-12-01");
        let vocab = Vocab::new();

        // 1. Reference data, members and accounts.
        let mut tx = self.db.begin().await?;
        bulk::tune_for_bulk(&mut tx.ex()).await?;
        let cid = committees::create(&mut tx.ex(), None, COMMITTEE_NAME, COMMITTEE_SHORT_NAME, "city").await?;
        report.committee_id = cid;
        let mut base = std::collections::HashMap::new();
        for t in [
            "sectors",
            "special_committees",
            "organizations",
            "units",
            "work_stations",
            "sessions",
            "members",
            "member_committees",
            "users",
            "proposals",
            "proposal_units",
            "proposal_replies",
            "proposal_evaluations",
            "record_events",
        ] {
            base.insert(t, bulk::max_id(&mut tx.ex(), t).await?);
        }
        let b = |t: &str| base.get(t).copied().unwrap_or(0);

        let named = |xs: &[&str]| xs.iter().map(|s| (s.to_string(), None)).collect::<Vec<_>>();
        timed(&mut tx, &directory_rows("sectors", b("sectors"), cid, t0, &named(data::SECTORS)), &mut report).await?;
        timed(&mut tx, &directory_rows("special_committees", b("special_committees"), cid, t0, &named(data::SPECIAL_COMMITTEES)), &mut report).await?;
        let orgs: Vec<_> = data::ORGANIZATIONS.iter().map(|(n, k)| (n.to_string(), Some(*k))).collect();
        timed(&mut tx, &directory_rows("organizations", b("organizations"), cid, t0, &orgs), &mut report).await?;
        let units: Vec<_> = unit_names().into_iter().map(|(n, k)| (n, Some(k))).collect();
        timed(&mut tx, &directory_rows("units", b("units"), cid, t0, &units), &mut report).await?;
        let stations: Vec<_> = data::TOWNS.iter().map(|t| (format!("{t}委员工作站"), None)).collect();
        timed(&mut tx, &directory_rows("work_stations", b("work_stations"), cid, t0, &stations), &mut report).await?;

        let sess = sessions();
        let mut rows = Rows::new("sessions", &["id", "committee_id", "term_number", "session_number", "year", "opens_on", "created_at", "updated_at"]);
        for (i, (term, n, year, opens)) in sess.iter().enumerate() {
            rows.push([
                Val::Int(b("sessions") + i as i64 + 1),
                Val::Int(cid),
                Val::Int(*term),
                Val::Int(*n),
                Val::Int(*year),
                Val::Text(opens.clone()),
                Val::Int(t0),
                Val::Int(t0),
            ]);
        }
        timed(&mut tx, &rows, &mut report).await?;

        let member_count = (scale / 100).max(MIN_MEMBERS);
        let mut members = Rows::new(
            "members",
            &[
                "id",
                "committee_id",
                "name",
                "gender",
                "birth_year",
                "party",
                "sector_id",
                "work_station_id",
                "roles",
                "term_number",
                "phone",
                "hk_macao",
                "status",
                "created_at",
                "updated_at",
            ],
        );
        let mut links = Rows::new("member_committees", &["id", "member_id", "special_committee_id"]);
        for i in 0..member_count {
            let d = data::member(i as usize);
            let id = b("members") + i as i64 + 1;
            members.push([
                Val::Int(id),
                Val::Int(cid),
                Val::Text(d.name),
                Val::Static(d.gender),
                Val::Int(i64::from(d.birth_year)),
                Val::Static(d.party),
                Val::Int(b("sectors") + d.sector_index as i64 + 1),
                Val::OptInt(Some(b("work_stations") + d.town_index as i64 + 1)),
                Val::Text(d.roles.join(",")),
                Val::OptInt(Some(13)),
                Val::Text(d.phone),
                Val::Bool(d.hk_macao),
                Val::Static("active"),
                Val::Int(t0),
                Val::Int(t0),
            ]);
            for sc in d.special_committee_indexes {
                let n = links.len() as i64;
                links.push([Val::Int(b("member_committees") + n + 1), Val::Int(id), Val::Int(b("special_committees") + sc as i64 + 1)]);
            }
        }
        timed(&mut tx, &members, &mut report).await?;
        timed(&mut tx, &links, &mut report).await?;

        let mut accounts = Rows::new(
            "users",
            &["id", "committee_id", "username", "display_name", "password_hash", "roles", "member_id", "unit_id", "created_at", "updated_at"],
        );
        let user_id = |k: usize| b("users") + k as i64 + 1;
        for (k, (username, display, role)) in ACCOUNTS.iter().enumerate() {
            let member_id = (*role == "member").then(|| b("members") + 1);
            let unit_id = (*role == "unit").then(|| b("units") + 1);
            accounts.push([
                Val::Int(user_id(k)),
                Val::Int(cid),
                Val::Static(username),
                Val::Static(display),
                Val::Text(hash.clone()),
                Val::Static(role),
                Val::OptInt(member_id),
                Val::OptInt(unit_id),
                Val::Int(t0),
                Val::Int(t0),
            ]);
        }
        timed(&mut tx, &accounts, &mut report).await?;

        // 2. Proposals with their children, written in chunks of CHUNK (one transaction for all).
        let (staff, member_user, unit_user) = (user_id(1), user_id(2), user_id(3));
        let mut ids = Ids {
            proposal: b("proposals"),
            unit_link: b("proposal_units"),
            reply: b("proposal_replies"),
            evaluation: b("proposal_evaluations"),
            event: b("record_events"),
        };
        let mut numbers = vec![0i64; sess.len()];
        let session_starts: Vec<i64> = sess.iter().map(|s| micros_of(&s.3)).collect();
        let unit_count = units.len() as u64;
        let org_count = orgs.len() as u64;
        let mut start = 0;
        while start < scale {
            let end = (start + CHUNK).min(scale);
            let gen_started = Instant::now();
            let mut props = Rows::new(
                "proposals",
                &[
                    "id",
                    "committee_id",
                    "session_id",
                    "number",
                    "title",
                    "body",
                    "kind",
                    "proposer_member_id",
                    "organization_id",
                    "created_by",
                    "status",
                    "is_key",
                    "published",
                    "review_note",
                    "handling_mode",
                    "assigned_on",
                    "due_on",
                    "round",
                    "replied_on",
                    "submitted_at",
                    "filed_at",
                    "closed_at",
                    "created_at",
                    "updated_at",
                    "category",
                    "occasion",
                    "publish_consent",
                ],
            );
            let mut plinks = Rows::new("proposal_units", &["id", "proposal_id", "unit_id", "role", "assigned_on", "replied_round", "created_at"]);
            let mut replies = Rows::new("proposal_replies", &["id", "proposal_id", "unit_id", "round", "class", "text", "signer", "replied_by", "at"]);
            let mut evals = Rows::new(
                "proposal_evaluations",
                &[
                    "id",
                    "proposal_id",
                    "member_id",
                    "user_id",
                    "round",
                    "satisfaction",
                    "comment",
                    "decisive",
                    "at",
                    "contact_before",
                    "contact_during",
                    "attitude",
                    "result",
                ],
            );
            let mut events = Rows::new(
                "record_events",
                &["id", "committee_id", "record_kind", "record_id", "at", "actor_user_id", "actor_name", "action", "status_after", "note"],
            );
            for i in start..end {
                let mut r = Rng::for_index(1, i);
                // The fields of issue 12 from a stream of their own, so that the rest of the data
                // stays what it was before they existed.
                let mut f = Rng::for_index(2, i);
                let category = CATEGORIES[f.below(CATEGORIES.len() as u64) as usize];
                let occasion = if f.below(4) == 0 { "regular" } else { "plenary" };
                let consent = f.below(5) != 0;
                let status = status_of(i);
                let s = ((i * sess.len() as u64) / scale.max(1)) as usize;
                let id = ids.proposal + i as i64 + 1;
                let title = vocab.title(&mut r);
                let body = vocab.body(&title, &mut r);
                let collective = r.below(10) == 0;
                let kind = if collective {
                    "collective"
                } else if r.below(9) == 0 {
                    "joint"
                } else {
                    "individual"
                };
                let proposer = (!collective).then(|| b("members") + r.below(member_count) as i64 + 1);
                let org = collective.then(|| b("organizations") + r.below(org_count) as i64 + 1);
                let created = session_starts[s] - DAY * (1 + r.below(40) as i64) + r.below(DAY as u64 / 2) as i64;
                let submitted = (status != "draft").then(|| created + DAY * (r.below(3) as i64) + 3_600_000_000);
                let reviewed = matches!(status, "filed" | "not_filed" | "merged" | "assigned" | "replied" | "closed");
                let filed_ok = matches!(status, "filed" | "assigned" | "replied" | "closed");
                let filed = (filed_ok).then(|| session_starts[s] + DAY * (10 + r.below(20) as i64));
                let review_at = submitted.unwrap_or(created) + DAY * (7 + r.below(20) as i64);
                let number = filed_ok.then(|| {
                    numbers[s] += 1;
                    numbers[s]
                });
                let assigned = matches!(status, "assigned" | "replied" | "closed");
                let assigned_at = filed.unwrap_or(review_at) + DAY * (3 + r.below(10) as i64);
                let replied = matches!(status, "replied" | "closed");
                let replied_at = assigned_at + DAY * (30 + r.below(60) as i64);
                let closed_at = (status == "closed").then(|| replied_at + DAY * (5 + r.below(25) as i64));
                let updated = closed_at
                    .or(replied.then_some(replied_at))
                    .or(assigned.then_some(assigned_at))
                    .or(reviewed.then_some(review_at))
                    .or(submitted)
                    .unwrap_or(created);
                let review_note = match status {
                    "not_filed" => Some("经审查，该件内容属于一般工作建议，不予立案，转有关部门参考。".to_string()),
                    "merged" => Some("与同类提案内容相近，并案办理。".to_string()),
                    _ => None,
                };
                let lead = b("units") + r.below(unit_count) as i64 + 1;
                let author = if collective { staff } else { member_user };
                let is_key = filed_ok && r.below(30) == 0;
                let published = status == "closed" && r.below(2) == 0;
                props.push([
                    Val::Int(id),
                    Val::Int(cid),
                    Val::Int(b("sessions") + s as i64 + 1),
                    Val::OptInt(number),
                    Val::Text(title),
                    Val::Text(body),
                    Val::Static(kind),
                    Val::OptInt(proposer),
                    Val::OptInt(org),
                    Val::Int(author),
                    Val::Static(status),
                    Val::Bool(is_key),
                    Val::Bool(published),
                    Val::OptText(review_note),
                    Val::OptText(assigned.then(|| "lead".to_string())),
                    Val::OptText(assigned.then(|| date_of(assigned_at))),
                    Val::OptText(assigned.then(|| date_of(assigned_at + 90 * DAY))),
                    Val::Int(i64::from(replied)),
                    Val::OptText(replied.then(|| date_of(replied_at))),
                    Val::OptInt(submitted),
                    Val::OptInt(filed),
                    Val::OptInt(closed_at),
                    Val::Int(created),
                    Val::Int(updated),
                    Val::Static(category),
                    Val::Static(occasion),
                    // Published ones had their proposer's consent.
                    Val::Bool(consent || published),
                ]);

                // Timeline: 2–5 events along the path the proposal took.
                let actor_name = |u: i64| -> &'static str {
                    if u == staff {
                        ACCOUNTS[1].1
                    } else if u == unit_user {
                        ACCOUNTS[3].1
                    } else {
                        ACCOUNTS[2].1
                    }
                };
                let mut path: Vec<(i64, i64, &'static str, &'static str, &'static str)> = Vec::with_capacity(6);
                path.push((created, author, "create", "draft", "起草提案"));
                match submitted {
                    Some(at) => path.push((at, author, "submit", "submitted", "提交提案")),
                    None => path.push((created + 3_600_000_000, author, "edit", "draft", "修改草稿")),
                }
                if reviewed {
                    let (st, note) = match status {
                        "not_filed" => ("not_filed", "审查：不予立案"),
                        "merged" => ("merged", "审查：并案"),
                        _ => ("filed", "审查：立案"),
                    };
                    path.push((filed.unwrap_or(review_at), staff, "review", st, note));
                }
                if assigned {
                    path.push((assigned_at, staff, "assign", "assigned", "交办承办单位"));
                    plinks.push([
                        Val::Int(ids.unit_link + plinks.len() as i64 + 1),
                        Val::Int(id),
                        Val::Int(lead),
                        Val::Static("lead"),
                        Val::Text(date_of(assigned_at)),
                        Val::OptInt(replied.then_some(1)),
                        Val::Int(assigned_at),
                    ]);
                    if r.below(10) < 3 {
                        let co = b("units") + ((lead - b("units")) as u64 + 1 + r.below(unit_count - 1)) as i64 % unit_count as i64 + 1;
                        plinks.push([
                            Val::Int(ids.unit_link + plinks.len() as i64 + 1),
                            Val::Int(id),
                            Val::Int(co),
                            Val::Static("co"),
                            Val::Text(date_of(assigned_at)),
                            Val::OptInt(None),
                            Val::Int(assigned_at),
                        ]);
                    }
                }
                if replied {
                    let class = *r.pick(&["A", "A", "A", "B", "B", "C"]);
                    path.push((replied_at, unit_user, "reply", "replied", "答复提案"));
                    replies.push([
                        Val::Int(ids.reply + replies.len() as i64 + 1),
                        Val::Int(id),
                        Val::Int(lead),
                        Val::Int(1),
                        Val::Static(class),
                        Val::Text(format!(
                            "经认真研究，现就所提建议答复如下：{}。我单位已将相关建议纳入年度工作计划，会同有关部门推进落实，并将及时向您反馈进展。",
                            r.pick(SUGGESTIONS)
                        )),
                        Val::Static("办公室主任"),
                        Val::Int(unit_user),
                        Val::Int(replied_at),
                    ]);
                }
                if let Some(at) = closed_at {
                    let satisfaction = match r.below(20) {
                        0 => "dissatisfied",
                        1..=5 => "basically_satisfied",
                        _ => "satisfied",
                    };
                    evals.push([
                        Val::Int(ids.evaluation + evals.len() as i64 + 1),
                        Val::Int(id),
                        Val::OptInt(proposer),
                        Val::Int(author),
                        Val::Int(1),
                        Val::Static(satisfaction),
                        Val::OptText(None),
                        Val::Bool(true),
                        Val::Int(at),
                        Val::Static(CONTACTS[f.below(10) as usize]),
                        Val::Static(CONTACTS[f.below(10) as usize]),
                        Val::Static(if satisfaction == "dissatisfied" { "basically_satisfied" } else { "satisfied" }),
                        Val::Static(satisfaction),
                    ]);
                    path.push((at, author, "evaluate", "closed", "评价办理结果并办结"));
                    if path.len() > 5 {
                        path.remove(0); // the draft was made before this system's records: keep five
                    }
                }
                for (at, u, action, st, note) in path {
                    events.push([
                        Val::Int(ids.event + events.len() as i64 + 1),
                        Val::Int(cid),
                        Val::Static(eline_domain::RecordKind::PROPOSAL.as_str()),
                        Val::Int(id),
                        Val::Int(at),
                        Val::OptInt(Some(u)),
                        Val::Static(actor_name(u)),
                        Val::Static(action),
                        Val::Static(st),
                        Val::Static(note),
                    ]);
                }
            }
            report.generate += gen_started.elapsed();
            for rows in [&props, &plinks, &replies, &evals, &events] {
                timed(&mut tx, rows, &mut report).await?;
            }
            ids.unit_link += plinks.len() as i64;
            ids.reply += replies.len() as i64;
            ids.evaluation += evals.len() as i64;
            ids.event += events.len() as i64;
            tracing::info!(done = end, of = scale, "bench proposals written");
            start = end;
        }

        instructions::generate(&mut tx, cid, &mut report).await?;

        // 3. 社情民意 reports, N/2, with their revisions, outcomes and timelines.
        let reports = opinions::Context {
            cid,
            count: scale / 2,
            members: (b("members"), member_count),
            sectors: (b("sectors"), data::SECTORS.len() as u64),
            organizations: (b("organizations"), org_count),
            special_committees: (b("special_committees"), data::SPECIAL_COMMITTEES.len() as u64),
            staff: (staff, ACCOUNTS[1].1),
            member_user: (member_user, ACCOUNTS[2].1),
            years: sess.iter().zip(&session_starts).map(|(s, at)| (s.2, *at)).collect(),
            vocab: &vocab,
        };
        let reports = opinions::generate(&mut tx, &reports, &mut report).await?;

        bulletins::generate(&mut tx, cid, &mut report).await?; // issues of the adopted reports above
        let told = notifications::Context {
            cid,
            members: (b("members"), member_count),
            member_user,
            accounts: ACCOUNTS.iter().enumerate().map(|(k, a)| (user_id(k), a.0)).collect(),
            proposals: (b("proposals"), scale),
            reports: (bulk::max_id(&mut tx.ex(), "opinions").await? - reports as i64, reports),
            password_hash: &hash,
            vocab: &vocab,
        };
        let (people, told) = notifications::generate(&mut tx, &told, &mut report).await?;
        let scs = (b("special_committees"), data::SPECIAL_COMMITTEES.len() as u64);
        let acts = activities::Context { cid, count: scale / activities::PER_PROPOSALS, members: (b("members"), member_count), special_committees: scs, staff };
        let (held, places) = activities::generate(&mut tx, &acts, &mut report).await?;
        // 4. Identity sequences (PostgreSQL) and the one audit entry; everything commits at once,
        // so a failure halfway leaves the database as it was.
        for t in base.keys() {
            bulk::reset_id_sequence(&mut tx.ex(), t).await?;
        }
        bulk::reset_id_sequence(&mut tx.ex(), "committees").await?;
        let proposals_written = report.tables.iter().find(|e| e.0 == "proposals").map(|e| e.1).unwrap_or(0);
        audit_write(
            &mut tx,
            Some(&system_actor(cid)),
            "bench_data_generated",
            "committee",
            Some(cid),
            format!(
                "bench data generated：{COMMITTEE_NAME}，提案{proposals_written}件，社情民意信息{reports}篇，委员{member_count}名，{people}个账号共{told}条通知，活动{held}场（名单{places}人次）"
            ),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        report.total = started.elapsed();
        Ok(report)
    }
}

#[cfg(test)]
mod tests;
