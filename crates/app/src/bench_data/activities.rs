//! The bench committee's activities (issue 15, point 8): N/50 activities for N proposals (20,000
//! at 1,000,000) over 2017 to mid-2027, every kind in fixed proportions, each with its list of
//! invitees (about 110 on average, 300 at a plenary: over 2,000,000 rows at 1,000,000). Those
//! before the data's "now" (`NOW`) are closed — leave requested (on time or late), approved,
//! denied or never decided, check-ins by code (some late) or by hand, early check-outs at
//! plenaries — and their final attendance is what `eline_domain::activity::attendance` makes of
//! each row, as closing would; a few are cancelled. Later ones are published (replies and pending
//! leave) or still planned. Written in chunks of multi-row INSERTs inside the bench transaction.

use std::time::Instant;

use eline_domain::activity::{ActivityRules, Attendance, Kind, LeaveStatus, Record, Span, attendance, window_of};
use eline_storage::Tx;
use eline_storage::bulk::{self, Rows, Val};

use super::text::Rng;
use super::{BenchReport, DAY, micros_of, timed};
use crate::AppResult;

/// Activities per proposal: one in fifty.
pub const PER_PROPOSALS: u64 = 50;
/// (kind, share in permille); sums to 1000.
pub const KIND_MIX: [(Kind, u64); 14] = [
    (Kind::Plenary, 5),
    (Kind::Standing, 20),
    (Kind::Chairs, 30),
    (Kind::CommitteeMeeting, 120),
    (Kind::Consultation, 60),
    (Kind::Inspection, 80),
    (Kind::Research, 150),
    (Kind::Visit, 60),
    (Kind::Training, 50),
    (Kind::Study, 120),
    (Kind::Sector, 100),
    (Kind::Station, 120),
    (Kind::Briefing, 35),
    (Kind::Other, 50),
];
/// The data's "now": activities starting before it are over.
const NOW: &str = "2026-12-01";
const FIRST: &str = "2017-01-02";
const LAST: &str = "2027-06-30";
const HOUR: i64 = 3_600_000_000;
const MINUTE: i64 = 60_000_000;
/// Invitee rows written per batch.
const BATCH_ROWS: usize = 50_000;

const TOPICS: [&str; 12] = [
    "老旧小区改造",
    "优化营商环境",
    "乡村振兴",
    "生态环境保护",
    "养老服务体系建设",
    "义务教育均衡发展",
    "基层医疗服务",
    "城市交通治理",
    "数字经济发展",
    "文化旅游融合",
    "食品安全监管",
    "就业创业支持",
];
const PLACES: [&str; 6] = ["市政协大会堂", "市政协第一会议室", "市政协第三会议室", "市民中心多功能厅", "委员之家", "相关区县现场"];
const LEADERS: [&str; 4] = ["市长 王建国", "常务副市长 李明", "副市长 张华", "市委秘书长 陈立"];
const INVITEE_COLUMNS: [&str; 23] = [
    "id",
    "activity_id",
    "committee_id",
    "member_id",
    "source",
    "waiting",
    "rsvp",
    "leave_status",
    "leave_reason",
    "leave_requested_at",
    "leave_late",
    "leave_decided_by",
    "leave_decided_at",
    "leave_note",
    "checked_in_at",
    "checkin_method",
    "checkin_by",
    "checkin_reason",
    "checked_out_at",
    "last_window",
    "attendance",
    "created_at",
    "updated_at",
];
const ACTIVITY_COLUMNS: [&str; 33] = [
    "id",
    "committee_id",
    "year",
    "starts_on",
    "kind",
    "title",
    "description",
    "place",
    "starts_at",
    "ends_at",
    "organiser_kind",
    "special_committee_id",
    "participation",
    "capacity",
    "status",
    "cancel_reason",
    "approver_id",
    "leave_deadline_at",
    "checkin_from",
    "checkin_until",
    "checkout",
    "min_share_percent",
    "late_after_minutes",
    "checkin_secret",
    "briefing_leader",
    "series_id",
    "changes",
    "published_at",
    "closed_at",
    "created_by",
    "version",
    "created_at",
    "updated_at",
];

/// What the activities refer to in the rest of the bench data.
pub(super) struct Context {
    pub cid: i64,
    /// Activities to write.
    pub count: u64,
    /// (first id - 1, how many) of members and special committees.
    pub members: (i64, u64),
    pub special_committees: (i64, u64),
    /// The office account that creates, hand-checks and decides.
    pub staff: i64,
}

/// The kind of activity `i`: exact proportions per block of 1000, shuffled inside it.
pub(super) fn kind_of(i: u64) -> Kind {
    let slot = (i % 1000).wrapping_mul(433) % 1000; // 433 is coprime to 1000: a permutation
    let mut acc = 0;
    for (k, share) in KIND_MIX {
        acc += share;
        if slot < acc {
            return k;
        }
    }
    Kind::Other
}

/// How many are invited to activity `i` of the kind (never more than the members), from a stream
/// of its own.
pub(super) fn list_size(i: u64, kind: Kind, members: u64) -> u64 {
    let mut r = Rng::for_index(8, i);
    let n = match kind {
        Kind::Plenary => 300,
        Kind::Standing => 120,
        Kind::Chairs => 15,
        _ => 50 + r.below(121),
    };
    n.min(members)
}

/// Writes the activities and their lists; returns (activities, invitee rows).
pub(super) async fn generate(tx: &mut Tx, cx: &Context, report: &mut BenchReport) -> AppResult<(u64, u64)> {
    let rules = ActivityRules::default();
    let (first_activity, first_invitee) = (bulk::max_id(&mut tx.ex(), "activities").await?, bulk::max_id(&mut tx.ex(), "activity_invitees").await?);
    // `micros_of` is 09:00 UTC of the day: the first two are 09:00 Beijing, `now` Beijing midnight.
    let (from, until, now) = (micros_of(FIRST) - 8 * HOUR, micros_of(LAST) - 8 * HOUR, micros_of(NOW) - 17 * HOUR);
    let span_days = ((until - from) / DAY) as u64;
    let mut activities = Rows::new("activities", &ACTIVITY_COLUMNS);
    let mut invitees = Rows::new("activity_invitees", &INVITEE_COLUMNS);
    let (mut written, mut rows_written) = (0u64, 0u64);
    let mut gen_started = Instant::now();
    for i in 0..cx.count {
        let mut r = Rng::for_index(7, i);
        let id = first_activity + i as i64 + 1;
        let kind = kind_of(i);
        // Evenly over the span (in order of id), at 09:00 or 14:30 Beijing.
        let day = from + ((i * span_days) / cx.count.max(1)) as i64 * DAY;
        let starts_at = day + if r.below(2) == 0 { 0 } else { 5 * HOUR + 30 * MINUTE };
        let hours = match kind {
            Kind::Plenary => 3,
            Kind::Inspection | Kind::Research | Kind::Visit | Kind::Training => 3 + r.below(4) as i64,
            _ => 2,
        };
        let ends_at = starts_at + hours * HOUR;
        let date = chrono::DateTime::from_timestamp_micros(starts_at + 8 * HOUR).map(|t| t.date_naive()).unwrap_or_default();
        let starts_on = date.format("%Y-%m-%d").to_string();
        let year = i64::from(chrono::Datelike::year(&date));
        let over = starts_at < now;
        let status = match (over, r.below(100)) {
            (true, 0..=2) => "cancelled",
            (true, _) => "closed",
            (false, 0..=14) => "planned",
            (false, _) => "published",
        };
        let topic = TOPICS[r.below(TOPICS.len() as u64) as usize];
        let title = match kind {
            Kind::Plenary => format!("政协全体会议（{year}年）"),
            Kind::Briefing => format!("{year}年政情通报：{topic}"),
            _ => format!("{}：{topic}", kind.label()),
        };
        let sc = matches!(kind, Kind::CommitteeMeeting | Kind::Research | Kind::Inspection)
            .then(|| cx.special_committees.0 + r.below(cx.special_committees.1) as i64 + 1);
        let checkout = kind == Kind::Plenary;
        let created = starts_at - DAY * (10 + r.below(20) as i64);
        let published = (status != "planned").then(|| created + DAY);
        let closed = (status == "closed").then(|| ends_at + 30 * MINUTE);
        let deadline = rules.leave_deadline(kind, starts_at);
        activities.push([
            Val::Int(id),
            Val::Int(cx.cid),
            Val::Int(year),
            Val::Text(starts_on),
            Val::Static(kind.as_str()),
            Val::Text(title),
            Val::Text(format!("围绕{topic}开展{}，请按时参加。", kind.label())),
            Val::Static(PLACES[r.below(PLACES.len() as u64) as usize]),
            Val::Int(starts_at),
            Val::Int(ends_at),
            Val::Static(if sc.is_some() { "special_committee" } else { "office" }),
            Val::OptInt(sc),
            Val::Static("invited"),
            Val::OptInt(None),
            Val::Static(status),
            Val::OptText((status == "cancelled").then(|| "会期调整，另行通知".to_string())),
            Val::OptInt(None),
            Val::Int(deadline),
            Val::Int(starts_at - i64::from(rules.checkin_before_minutes) * MINUTE),
            Val::Int(ends_at + i64::from(rules.checkin_after_minutes) * MINUTE),
            Val::Bool(checkout),
            Val::Int(i64::from(rules.min_share_percent)),
            Val::Int(i64::from(rules.late_after_minutes)),
            Val::Text(format!("{:016x}{:016x}", r.next(), r.next())),
            Val::OptText((kind == Kind::Briefing).then(|| LEADERS[r.below(LEADERS.len() as u64) as usize].to_string())),
            Val::OptInt(None),
            Val::Int(0),
            Val::OptInt(published),
            Val::OptInt(closed),
            Val::Int(cx.staff),
            Val::Int(1 + i64::from(published.is_some()) + i64::from(closed.is_some())),
            Val::Int(created),
            Val::Int(closed.or(published).unwrap_or(created)),
        ]);

        // The list: a run of members from a random one on (distinct, wrapping round).
        let span = Span {
            starts_at,
            ends_at,
            checkout,
            min_share_percent: i64::from(rules.min_share_percent),
            late_after_minutes: i64::from(rules.late_after_minutes),
        };
        let n = list_size(i, kind, cx.members.1);
        let offset = r.below(cx.members.1);
        let source = match kind {
            Kind::CommitteeMeeting => "special_committee",
            Kind::Sector => "sector",
            Kind::Station => "station",
            Kind::Plenary | Kind::Standing | Kind::Chairs => "role",
            _ => "hand",
        };
        for k in 0..n {
            let member = cx.members.0 + ((offset + k) % cx.members.1) as i64 + 1;
            let row_id = first_invitee + rows_written as i64 + invitees.len() as i64 + 1;
            push_invitee(&mut invitees, row_id, id, member, source, status, &span, deadline, cx, &mut r);
        }
        if invitees.len() >= BATCH_ROWS || i + 1 == cx.count {
            report.generate += gen_started.elapsed();
            timed(tx, &activities, report).await?;
            timed(tx, &invitees, report).await?;
            written += activities.len() as u64;
            rows_written += invitees.len() as u64;
            activities = Rows::new("activities", &ACTIVITY_COLUMNS);
            invitees = Rows::new("activity_invitees", &INVITEE_COLUMNS);
            gen_started = Instant::now();
            tracing::info!(done = i + 1, of = cx.count, rows = rows_written, "bench activities written");
        }
    }
    for t in ["activities", "activity_invitees"] {
        bulk::reset_id_sequence(&mut tx.ex(), t).await?;
    }
    Ok((written, rows_written))
}

/// One member's row on an activity of `status`, as the actions would have left it.
#[allow(clippy::too_many_arguments)]
fn push_invitee(rows: &mut Rows, id: i64, activity: i64, member: i64, source: &'static str, status: &str, s: &Span, deadline: i64, cx: &Context, r: &mut Rng) {
    let created = s.starts_at - 9 * DAY;
    let (mut rsvp, mut leave, mut requested, mut late, mut decided) = (None, None, None, false, None);
    let (mut checked_in, mut method, mut by, mut reason, mut out, mut window, mut result) = (None, None, None, None, None, None, None);
    let roll = r.below(1000);
    if matches!(status, "closed" | "published") && roll < 90 {
        // Leave: one in six late; three in four approved, one in five denied, the rest undecided.
        late = r.below(6) == 0;
        let at = if late { deadline + HOUR * (1 + r.below(20) as i64) } else { deadline - DAY * (1 + r.below(3) as i64) };
        requested = Some(at);
        rsvp = Some("no");
        let decision = r.below(20);
        leave = Some(match decision {
            0..=14 => LeaveStatus::Approved,
            15..=18 => LeaveStatus::Denied,
            _ => LeaveStatus::Requested,
        });
        if leave != Some(LeaveStatus::Requested) {
            decided = Some(at + HOUR * (2 + r.below(20) as i64));
        }
    } else if matches!(status, "closed" | "published") && r.below(2) == 0 {
        rsvp = Some("yes");
    }
    if status == "closed" {
        // Who came: most with a code (one in ten after the late mark), a few by hand.
        let denied = leave == Some(LeaveStatus::Denied) && r.below(2) == 0;
        let comes = match leave {
            None => roll < 930,
            Some(_) => denied,
        };
        if comes {
            let late_in = r.below(10) == 0;
            let at =
                if late_in { s.starts_at + (s.late_after_minutes + 1 + r.below(40) as i64) * MINUTE } else { s.starts_at - (1 + r.below(40) as i64) * MINUTE };
            checked_in = Some(at);
            if r.below(25) == 0 {
                method = Some("hand");
                by = Some(cx.staff);
                reason = Some("手机无法扫码，现场核对身份后代签".to_string());
            } else {
                method = Some("code");
                window = Some(window_of(at));
            }
            if s.checkout {
                // Most stay to the end; one in twelve leaves early (some too early to count).
                let leaves = if r.below(12) == 0 { s.starts_at + (60 + r.below(100) as i64) * MINUTE } else { s.ends_at - (r.below(10) as i64) * MINUTE };
                out = Some(leaves);
                if method == Some("code") {
                    window = Some(window_of(leaves));
                }
            }
            rsvp = rsvp.or(Some("yes"));
        }
        let record = Record { leave, checked_in_at: checked_in, checked_out_at: out };
        result = Some(attendance(&record, s));
    }
    let updated = out.or(checked_in).or(decided).or(requested).unwrap_or(created);
    let leave_text = leave.map(|l| l.as_str());
    rows.push([
        Val::Int(id),
        Val::Int(activity),
        Val::Int(cx.cid),
        Val::Int(member),
        Val::Static(source),
        Val::Bool(false),
        Val::OptText(rsvp.map(String::from)),
        Val::OptText(leave_text.map(String::from)),
        Val::OptText(requested.map(|_| "工作冲突，无法参加".to_string())),
        Val::OptInt(requested),
        Val::Bool(late),
        Val::OptInt(decided.map(|_| cx.staff)),
        Val::OptInt(decided),
        Val::OptText(None),
        Val::OptInt(checked_in),
        Val::OptText(method.map(String::from)),
        Val::OptInt(by),
        Val::OptText(reason),
        Val::OptInt(out),
        Val::OptInt(window),
        Val::OptText(result.map(|a: Attendance| a.as_str().to_string())),
        Val::Int(created),
        Val::Int(updated),
    ]);
}
