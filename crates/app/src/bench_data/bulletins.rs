//! Bench data's bulletin issues (期刊): the adopted reports that bench data holds (written by the
//! reports' step, `opinions` rows of the bench committee), compiled per series and year in order
//! of id — a single issue, then a digest of three, in turn — numbered 第1期, 第2期 … per series and
//! year, issued on the last report's decision day, sent to the party committee and the
//! government; the reports published. Without adopted reports: nothing.

use eline_domain::opinion::Channel;
use eline_storage::Tx;
use eline_storage::bulk::{self, Rows, Val};
use eline_storage::bulletins::{self, Source};

use super::{BenchReport, micros_of, timed};
use crate::AppResult;

/// One issue as planned: its series, year, number and the reports it draws on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub series: Channel,
    pub year: i64,
    pub number: i64,
    pub reports: Vec<usize>,
}

/// Issues for `sources` (indexes into it): per (series, year), a single issue then a digest of
/// three, in turn; a last lone report is a single issue.
pub fn plan(sources: &[Source]) -> Vec<Planned> {
    let mut groups: Vec<((Channel, i64), Vec<usize>)> = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        match groups.iter_mut().find(|(k, _)| *k == (s.channel, s.year)) {
            Some((_, v)) => v.push(i),
            None => groups.push(((s.channel, s.year), vec![i])),
        }
    }
    let mut out = Vec::new();
    for ((series, year), members) in groups {
        let mut rest = members.as_slice();
        let mut number = 0;
        while !rest.is_empty() {
            number += 1;
            let take = if number % 2 == 1 || rest.len() < 2 { 1 } else { rest.len().min(3) };
            out.push(Planned { series, year, number, reports: rest[..take].to_vec() });
            rest = &rest[take..];
        }
    }
    out
}

/// Writes the issues of the committee's adopted reports (compiled by the bench staff account).
pub(super) async fn generate(tx: &mut Tx, cid: i64, report: &mut BenchReport) -> AppResult<()> {
    let sources = bulletins::sources(&mut tx.ex(), cid).await?;
    let planned = plan(&sources);
    if planned.is_empty() {
        return Ok(());
    }
    let staff_user = eline_storage::users::get_by_username(&mut tx.ex(), "bench-staff").await?.map(|u| u.id).unwrap_or(1);
    let mut next = bulletins::max_id(&mut tx.ex()).await? + 1;
    let cols = [
        "id",
        "committee_id",
        "series",
        "year",
        "number",
        "form",
        "status",
        "title",
        "body",
        "editor_unit",
        "signed_off_by",
        "issued_on",
        "report_to",
        "copy_to",
        "created_by",
        "version",
        "created_at",
        "updated_at",
    ];
    let mut issues = Rows::new("bulletins", &cols);
    let mut items = Rows::new("bulletin_items", &["bulletin_id", "opinion_id", "position", "credit"]);
    let mut sends = Rows::new("bulletin_sends", &["bulletin_id", "recipient_kind", "recipient", "sent_on", "recorded_by", "recorded_at"]);
    for p in &planned {
        let first = &sources[p.reports[0]];
        let last = &sources[*p.reports.last().unwrap_or(&p.reports[0])];
        let on = last.decided_on.clone().unwrap_or_else(|| format!("{}-12-20", p.year));
        let at = micros_of(&on);
        let digest = p.reports.len() > 1;
        let title = if digest { format!("{}等{}篇信息综合", first.title, p.reports.len()) } else { first.title.clone() };
        let body = p.reports.iter().map(|i| format!("{}（{}）", sources[*i].title, sources[*i].author_name)).collect::<Vec<_>>().join("\n");
        issues.push([
            Val::Int(next),
            Val::Int(cid),
            Val::Static(p.series.as_str()),
            Val::Int(p.year),
            Val::Int(p.number),
            Val::Static(if digest { "digest" } else { "single" }),
            Val::Static("issued"),
            Val::Text(title.chars().take(eline_domain::bulletin::TITLE_MAX).collect()),
            Val::Text(body),
            Val::Static("政协办公室信息科"),
            Val::Static("秘书长"),
            Val::Text(on.clone()),
            Val::Static("市委、市政府主要领导"),
            Val::Static("市委办公室、市政府办公室"),
            Val::Int(staff_user),
            Val::Int(1),
            Val::Int(at),
            Val::Int(at),
        ]);
        for (pos, i) in p.reports.iter().enumerate() {
            items.push([Val::Int(next), Val::Int(sources[*i].id), Val::Int(pos as i64 + 1), Val::Text(sources[*i].author_name.clone())]);
        }
        for (kind, to) in [("party_committee", "市委办公室"), ("government", "市政府办公室")] {
            sends.push([Val::Int(next), Val::Static(kind), Val::Static(to), Val::Text(on.clone()), Val::OptInt(Some(staff_user)), Val::Int(at)]);
        }
        next += 1;
    }
    for rows in [&issues, &items, &sends] {
        timed(tx, rows, report).await?;
    }
    bulletins::publish_compiled(&mut tx.ex(), cid).await?;
    for t in ["bulletins", "bulletin_items", "bulletin_sends"] {
        bulk::reset_id_sequence(&mut tx.ex(), t).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(id: i64, channel: Channel, year: i64) -> Source {
        Source { id, channel, year, title: format!("信息{id}"), author_name: "委员".into(), decided_on: None }
    }

    #[test]
    fn issues_alternate_single_and_digest_numbered_per_series_and_year() {
        let mut s: Vec<Source> = (1..=6).map(|i| source(i, Channel::Opinion, 2025)).collect();
        s.push(source(7, Channel::Direct, 2025));
        s.push(source(8, Channel::Opinion, 2026));
        let p = plan(&s);
        let shape: Vec<(Channel, i64, i64, Vec<usize>)> = p.into_iter().map(|p| (p.series, p.year, p.number, p.reports)).collect();
        assert_eq!(
            shape,
            [
                (Channel::Opinion, 2025, 1, vec![0]),
                (Channel::Opinion, 2025, 2, vec![1, 2, 3]),
                (Channel::Opinion, 2025, 3, vec![4]),
                (Channel::Opinion, 2025, 4, vec![5]),
                (Channel::Direct, 2025, 1, vec![6]),
                (Channel::Opinion, 2026, 1, vec![7]),
            ]
        );
        assert!(plan(&[]).is_empty(), "no adopted reports: no issues");
    }

    #[tokio::test]
    async fn the_adopted_reports_are_compiled_issued_sent_and_published() {
        use eline_domain::opinion::{Status, Submitter};
        use eline_storage::opinions::{self, NewOpinion};
        let t = eline_storage::testing::fresh().await;
        let mut tx = t.db.begin().await.unwrap();
        let cid = eline_storage::committees::create(&mut tx.ex(), None, "基准", "基准", "city").await.unwrap();
        use eline_storage::users::NewUser;
        let new_user = NewUser {
            committee_id: cid,
            username: "bench-staff",
            display_name: "基准",
            password_hash: "x",
            roles: "staff",
            member_id: None,
            unit_id: None,
            organization_id: None,
            must_change_password: false,
        };
        // Another account first: the sends name the bench staff account, not the first one.
        eline_storage::users::create(&mut tx.ex(), &NewUser { username: "someone-else", ..new_user }).await.unwrap();
        let user = eline_storage::users::create(&mut tx.ex(), &new_user).await.unwrap().id;
        for (i, status) in [Status::Adopted, Status::Adopted, Status::Kept, Status::Adopted, Status::Adopted, Status::Adopted].iter().enumerate() {
            let title = format!("信息{i}");
            let new = NewOpinion {
                committee_id: cid,
                year: 2025,
                channel: Channel::Opinion,
                status: *status,
                title: &title,
                body: "正文",
                submitter_kind: Submitter::Informant,
                member_id: None,
                organization_id: None,
                special_committee_id: None,
                sector_id: None,
                author_name: "信息员",
                created_by: user,
                origin_id: None,
            };
            opinions::create(&mut tx.ex(), &new).await.unwrap();
        }
        generate(&mut tx, cid, &mut BenchReport::default()).await.unwrap();
        tx.commit().await.unwrap();
        let mut c = t.db.acquire().await.unwrap();
        let rows = bulletins::list(&mut c.ex(), cid, &Default::default(), 50).await.unwrap();
        let shape: Vec<(i64, i64, i64)> = rows.iter().map(|r| (r.year, r.number, r.items)).collect();
        assert_eq!(shape, [(2025, 3, 1), (2025, 2, 3), (2025, 1, 1)], "five adopted reports: 单篇, 综合 of three, 单篇");
        let sends = bulletins::sends(&mut c.ex(), rows[0].id).await.unwrap();
        assert_eq!(sends.iter().map(|s| s.recorded_by).collect::<Vec<_>>(), [Some(user), Some(user)], "recorded by the bench staff account");
        let all = opinions::in_range(&mut c.ex(), 1, 100).await.unwrap();
        assert!(all.iter().all(|o| o.published == (o.status == Status::Adopted)), "the compiled reports are published, the kept one not");
        assert!(bulletins::sources(&mut c.ex(), cid).await.unwrap().is_empty());
    }
}
