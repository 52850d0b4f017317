//! Bulletin issues (期刊) on both engines: a digest of three credited reports, a single issue,
//! numbering per series and year in issue order, issuing publishes the reports (another member
//! reads them, an informant does not), reports that may not be compiled (a draft, one not adopted,
//! another committee's, one of the other channel, one already in an issue) refused with Chinese
//! errors and nothing changed, sends recorded, and the search documents of drafts and issues.

#[allow(dead_code)]
#[path = "opinions/support.rs"]
mod support;

use chrono::Datelike;
use eline_app::AppError;
use eline_app::bulletins::{AddItemInput, BulletinEdit, BulletinInput, ItemArrangement, SendInput};
use eline_domain::opinion::{BulletinForm, BulletinStatus, Channel, RecipientKind, Status, Submitter};
use eline_domain::{Access, Actor, RecordKind, RecordRef};
use eline_storage::opinions::Opinion;
use serde_json::json;
use support::World;

/// A report of `who`, adopted by the office (资政之声 when `direct`).
async fn adopted(w: &World, who: &Actor, title: &str, direct: bool) -> Opinion {
    let o = w.submitted(who, title).await;
    if direct {
        w.ok(&w.staff, o.id, "mark_direct", json!({"direct": true})).await;
    }
    w.ok(&w.staff, o.id, "adopt", json!({})).await
}

fn year() -> i64 {
    i64::from(eline_app::proposals::today().year())
}

fn ready(series: Channel, form: BulletinForm, title: &str) -> BulletinInput {
    BulletinInput {
        series: Some(series),
        form: Some(form),
        title: title.into(),
        body: "委员和信息员近期反映了以下情况和建议。".into(),
        signed_off_by: Some("李明".into()),
        report_to: Some("市委、市政府主要领导".into()),
        copy_to: Some("市民政局".into()),
        ..Default::default()
    }
}

fn add(opinion_id: i64) -> AddItemInput {
    AddItemInput { opinion_id: Some(opinion_id), ..Default::default() }
}

fn fields(e: AppError) -> Vec<(String, String)> {
    match e {
        AppError::Validation(list) => list.into_iter().map(|f| (f.field, f.message)).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[tokio::test]
async fn a_digest_credits_three_reports_and_issuing_numbers_it_and_publishes_them() {
    let w = World::new().await;
    let a = adopted(&w, &w.member, "关于老旧小区加装电梯维保的建议", false).await;
    let b = adopted(&w, &w.other_member, "关于社区食堂可持续运营的建议", false).await;
    let c = adopted(&w, &w.informant, "关于居家养老上门服务的建议", false).await;
    let d = w.app.create_bulletin(&w.staff, &ready(Channel::Opinion, BulletinForm::Digest, "关于养老服务的几点意见建议")).await.unwrap();
    assert_eq!((d.status, d.number), (BulletinStatus::Draft, 0), "a draft has no number yet");
    assert_eq!(d.editor_unit, "政协办公室信息科", "the committee's information office by default");
    let picking: Vec<i64> = w.app.bulletin_candidates(&w.staff, d.id).await.unwrap().iter().map(|c| c.id).collect();
    for o in [&a, &b, &c] {
        assert!(picking.contains(&o.id), "adopted and in no issue: on the picking list");
    }
    w.app.add_bulletin_item(&w.staff, d.id, None, &add(a.id)).await.unwrap();
    w.app.add_bulletin_item(&w.staff, d.id, None, &AddItemInput { credit: Some("民建清河市委会".into()), ..add(b.id) }).await.unwrap();
    w.app.add_bulletin_item(&w.staff, d.id, None, &add(c.id)).await.unwrap();
    let picking: Vec<i64> = w.app.bulletin_candidates(&w.staff, d.id).await.unwrap().iter().map(|c| c.id).collect();
    assert!(!picking.contains(&a.id), "a compiled report leaves the picking list");

    // Reorder: the informant's report first, with a new credit; a blank credit is refused.
    let v = w.app.get_bulletin(&w.staff, d.id).await.unwrap();
    let arrange = |credit_c: &str| BulletinEdit {
        items: Some(vec![
            ItemArrangement { opinion_id: c.id, credit: credit_c.into(), position: None },
            ItemArrangement { opinion_id: a.id, credit: a.author_name.clone(), position: None },
            ItemArrangement { opinion_id: b.id, credit: "民建清河市委会".into(), position: None },
        ]),
        ..Default::default()
    };
    let errors = fields(w.app.update_bulletin(&w.staff, d.id, Some(v.b.version), &arrange(" ")).await.unwrap_err());
    assert_eq!(errors[0].0, "items[0][credit]");
    assert!(errors[0].1.contains("署名"), "{errors:?}");
    w.app.update_bulletin(&w.staff, d.id, Some(v.b.version), &arrange("特邀信息员李明")).await.unwrap();
    let v = w.app.get_bulletin(&w.staff, d.id).await.unwrap();
    let order: Vec<(i64, &str)> = v.items.iter().map(|i| (i.opinion_id, i.credit.as_str())).collect();
    assert_eq!(order, [(c.id, "特邀信息员李明"), (a.id, a.author_name.as_str()), (b.id, "民建清河市委会")]);
    assert!(v.missing.is_empty(), "{:?}", v.missing);
    assert_eq!(v.next_number, Some(1));

    // Before issue the other member cannot read the member's report; after, they can (published).
    assert!(w.app.get_opinion(&w.other_member, a.id).await.is_err());
    let issued = w.app.issue_bulletin(&w.staff, d.id, Some(v.b.version)).await.unwrap();
    assert_eq!((issued.status, issued.year, issued.number), (BulletinStatus::Issued, year(), 1));
    assert_eq!(issued.issued_on.as_deref(), Some(eline_app::proposals::config::fmt_date(eline_app::proposals::today()).as_str()));
    let seen = w.app.get_opinion(&w.other_member, a.id).await.unwrap();
    assert_eq!(seen.access, Access::Public);
    assert!(matches!(w.app.get_opinion(&w.informant, a.id).await, Err(AppError::NotFound)), "informants never read others' reports");
    let label = format!("《社情民意》{}年第1期", year());
    for o in [&a, &b, &c] {
        let view = w.view(&w.staff, o.id).await;
        assert!(view.o.published);
        let last = view.events.last().expect("timeline");
        assert!(last.note.contains(&format!("编入{label}")), "{}", last.note);
        let refs = w.app.bulletins_of_opinion(&w.member, o.id).await.unwrap();
        assert_eq!(refs.iter().map(|r| (r.id, r.number, r.label.as_str())).collect::<Vec<_>>(), [(d.id, 1, label.as_str())]);
    }
    // The print view credits each report's contribution, in order.
    let p = w.app.bulletin_print(&w.member, d.id).await.unwrap();
    assert_eq!(p.number_line, format!("{}年第1期", year()));
    assert!(!p.proof);
    assert_eq!(p.v.items.iter().map(|i| i.credit.as_str()).collect::<Vec<_>>(), ["特邀信息员李明", a.author_name.as_str(), "民建清河市委会"]);
    // Issued is final.
    let late = w.app.update_bulletin(&w.staff, d.id, None, &BulletinEdit { title: Some("改标题".into()), ..Default::default() }).await;
    assert!(matches!(late, Err(AppError::InvalidTransition(m)) if m.contains("已印发")));
}

#[tokio::test]
async fn a_single_issue_prints_its_reports_edited_text_and_takes_no_second_report() {
    let w = World::new().await;
    let o = adopted(&w, &w.member, "关于加强校园周边交通安全的建议", false).await;
    let other = adopted(&w, &w.other_member, "关于规范共享单车停放的建议", false).await;
    let input =
        BulletinInput { opinion_id: Some(o.id), signed_off_by: Some("李明".into()), report_to: Some("市委、市政府".into()), ..Default::default() };
    let d = w.app.create_bulletin(&w.staff, &input).await.unwrap();
    assert_eq!((d.form, d.series), (BulletinForm::Single, Channel::Opinion), "single 《社情民意》 by default");
    assert_eq!((d.title.as_str(), d.body.as_str()), (o.title.as_str(), o.body.as_str()), "the report's title and edited text");
    let v = w.app.get_bulletin(&w.staff, d.id).await.unwrap();
    assert_eq!(v.items.len(), 1);
    assert_eq!(v.items[0].credit, o.author_name, "credited to the report's author by default");
    assert!(!v.may("add_item"));
    let second = w.app.add_bulletin_item(&w.staff, d.id, None, &add(other.id)).await;
    assert!(matches!(second, Err(AppError::InvalidTransition(m)) if m.contains("单篇")));
    // Making it a digest with one report: the form is refused until it has two.
    let proof = w.app.bulletin_print(&w.staff, d.id).await.unwrap();
    assert!(proof.proof && proof.number_line.ends_with("第1期（样稿）"), "{}", proof.number_line);
    let b = w.app.issue_bulletin(&w.staff, d.id, None).await.unwrap();
    assert_eq!(b.number, 1);
}

#[tokio::test]
async fn issues_are_numbered_per_series_and_year_in_the_order_they_are_issued() {
    let w = World::new().await;
    let mut reports = Vec::new();
    for (i, direct) in [false, false, true, false].into_iter().enumerate() {
        reports.push(adopted(&w, &w.member, &format!("关于第{i}件事情的建议"), direct).await);
    }
    let single = |o: &Opinion, series| BulletinInput { opinion_id: Some(o.id), ..ready(series, BulletinForm::Single, "") };
    // Created first, issued last: its number follows the issue order.
    let early = w.app.create_bulletin(&w.staff, &single(&reports[0], Channel::Opinion)).await.unwrap();
    let second = w.app.create_bulletin(&w.staff, &single(&reports[1], Channel::Opinion)).await.unwrap();
    let direct = w.app.create_bulletin(&w.staff, &single(&reports[2], Channel::Direct)).await.unwrap();
    assert_eq!(w.app.get_bulletin(&w.staff, early.id).await.unwrap().next_number, Some(1));
    assert_eq!(w.app.issue_bulletin(&w.staff, second.id, None).await.unwrap().number, 1);
    assert_eq!(w.app.issue_bulletin(&w.staff, direct.id, None).await.unwrap().number, 1, "《资政之声》 has its own numbers");
    assert_eq!(w.app.get_bulletin(&w.staff, early.id).await.unwrap().next_number, Some(2));
    assert_eq!(w.app.issue_bulletin(&w.staff, early.id, None).await.unwrap().number, 2);
    // An issue of last year does not count in this year's numbers.
    {
        let mut c = w.t.db.acquire().await.unwrap();
        let new = eline_storage::bulletins::NewBulletin {
            committee_id: w.cid,
            series: Channel::Opinion,
            year: year() - 1,
            form: BulletinForm::Single,
            title: "去年的一期",
            body: "正文",
            editor_unit: "政协办公室信息科",
            signed_off_by: None,
            report_to: None,
            copy_to: None,
            created_by: w.staff.user_id,
        };
        let mut old = eline_storage::bulletins::create(&mut c.ex(), &new).await.unwrap();
        (old.status, old.number) = (BulletinStatus::Issued, 40);
        eline_storage::bulletins::save(&mut c.ex(), &old, old.version).await.unwrap();
    }
    let third = w.app.create_bulletin(&w.staff, &single(&reports[3], Channel::Opinion)).await.unwrap();
    assert_eq!(w.app.issue_bulletin(&w.staff, third.id, None).await.unwrap().number, 3);
    // The list: newest first by year and number; the office's drafts apart.
    let f = eline_app::bulletins::BulletinFilter { series: Some(Channel::Opinion), ..Default::default() };
    let rows: Vec<(i64, i64)> = w.app.list_bulletins(&w.staff, &f).await.unwrap().items.iter().map(|r| (r.year, r.number)).collect();
    assert_eq!(rows, [(year(), 3), (year(), 2), (year(), 1), (year() - 1, 40)]);
    let paged = eline_app::bulletins::BulletinFilter { limit: Some(2), ..f.clone() };
    let first = w.app.list_bulletins(&w.member, &paged).await.unwrap();
    let rest = w.app.list_bulletins(&w.member, &eline_app::bulletins::BulletinFilter { cursor: first.next_cursor.clone(), ..paged }).await.unwrap();
    let numbers: Vec<i64> = first.items.iter().chain(rest.items.iter()).map(|r| r.number).collect();
    assert_eq!(numbers, [3, 2, 1, 40], "keyset pages continue where the last ended");
}

#[tokio::test]
async fn reports_that_may_not_be_compiled_are_refused_in_chinese_and_nothing_changes() {
    let w = World::new().await;
    let d = w.app.create_bulletin(&w.staff, &ready(Channel::Opinion, BulletinForm::Digest, "综合一期")).await.unwrap();
    let draft = w.draft(&w.member, "还在草稿中的信息").await;
    let waiting = w.submitted(&w.member, "刚提交尚未录用的信息").await;
    let direct = adopted(&w, &w.member, "报送主要领导的资政之声", true).await;
    // A report of the province committee above (reported up, adopted there).
    let mine = adopted(&w, &w.member, "报送省政协的信息", false).await;
    let reported = w.ok(&w.staff, mine.id, "report_up", json!({})).await;
    let theirs = reported.reported_up_id.expect("the report in the province committee");
    w.ok(&w.province_staff, theirs, "adopt", json!({})).await;

    let cases = [(draft.id, "草稿"), (waiting.id, "待受理"), (direct.id, "资政之声"), (theirs, "找不到")];
    for (id, words) in cases {
        let errors = fields(w.app.add_bulletin_item(&w.staff, d.id, Some(d.version), &add(id)).await.unwrap_err());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, "opinion_id");
        assert!(errors[0].1.contains(words), "{id}: {errors:?}");
    }
    let v = w.app.get_bulletin(&w.staff, d.id).await.unwrap();
    assert_eq!((v.b.version, v.items.len()), (d.version, 0), "nothing changed");
    // Already in an issue: the other issue is named.
    let other = w.app.create_bulletin(&w.staff, &ready(Channel::Opinion, BulletinForm::Digest, "另一期")).await.unwrap();
    w.app.add_bulletin_item(&w.staff, other.id, None, &add(mine.id)).await.unwrap();
    let errors = fields(w.app.add_bulletin_item(&w.staff, d.id, None, &add(mine.id)).await.unwrap_err());
    assert!(errors[0].1.contains("已编入") && errors[0].1.contains("另一期"), "{errors:?}");
    // Issuing asks for everything missing at once.
    let bare =
        w.app.create_bulletin(&w.staff, &BulletinInput { form: Some(BulletinForm::Digest), title: "空的一期".into(), ..Default::default() }).await.unwrap();
    let missing: Vec<String> = fields(w.app.issue_bulletin(&w.staff, bare.id, None).await.unwrap_err()).into_iter().map(|(f, _)| f).collect();
    assert_eq!(missing, ["body", "signed_off_by", "report_to", "items"]);
    assert_eq!(w.app.get_bulletin(&w.staff, bare.id).await.unwrap().b.status, BulletinStatus::Draft);
    // Creating with bad fields: every error at once, nothing created.
    let before = w.app.list_bulletins(&w.staff, &Default::default()).await.unwrap().items.len();
    let bad = BulletinInput { title: " ".into(), editor_unit: Some("办".repeat(60)), opinion_id: Some(draft.id), ..Default::default() };
    let errors: Vec<String> = fields(w.app.create_bulletin(&w.staff, &bad).await.unwrap_err()).into_iter().map(|(f, _)| f).collect();
    assert_eq!(errors, ["opinion_id", "title", "editor_unit"]);
    assert_eq!(w.app.list_bulletins(&w.staff, &Default::default()).await.unwrap().items.len(), before);
}

#[tokio::test]
async fn only_the_office_compiles_and_readers_see_issued_issues_only() {
    let w = World::new().await;
    let o = adopted(&w, &w.member, "关于农贸市场改造的建议", false).await;
    for who in [&w.member, &w.leader, &w.informant, &w.unit] {
        assert!(matches!(w.app.create_bulletin(who, &ready(Channel::Opinion, BulletinForm::Single, "越权")).await, Err(AppError::Forbidden)));
    }
    let d = w.app.create_bulletin(&w.staff, &BulletinInput { opinion_id: Some(o.id), ..ready(Channel::Opinion, BulletinForm::Single, "") }).await.unwrap();
    for who in [&w.member, &w.leader, &w.informant, &w.unit] {
        assert!(matches!(w.app.get_bulletin(who, d.id).await, Err(AppError::NotFound)), "a draft is the office's");
    }
    w.app.issue_bulletin(&w.staff, d.id, None).await.unwrap();
    // Leaders, its addressees, read an issued issue whole (they record instructions on it) but
    // compile nothing.
    let v = w.app.get_bulletin(&w.leader, d.id).await.unwrap();
    assert_eq!((v.access, v.actions.is_empty()), (Access::Full, true));
    for who in [&w.member, &w.other_member] {
        let v = w.app.get_bulletin(who, d.id).await.unwrap();
        assert_eq!(v.access, Access::Public);
        assert!(v.sends.is_empty() && v.events.is_empty() && v.actions.is_empty(), "readers see neither sends nor the timeline");
        assert_eq!(w.app.see(who, RecordRef::new(RecordKind::BULLETIN, d.id)).await.unwrap().access, Access::Public);
    }
    for who in [&w.informant, &w.unit] {
        assert!(matches!(w.app.get_bulletin(who, d.id).await, Err(AppError::NotFound)));
        assert!(w.app.see(who, RecordRef::new(RecordKind::BULLETIN, d.id)).await.is_err());
        assert!(w.app.bulletins_of_opinion(who, o.id).await.unwrap().is_empty());
    }
    assert!(matches!(w.app.list_bulletins(&w.informant, &Default::default()).await, Err(AppError::Forbidden)));
    let member_list = w.app.list_bulletins(&w.member, &Default::default()).await.unwrap();
    assert_eq!(member_list.items.len(), 1);
    // A member may not act on it.
    assert!(matches!(w.app.issue_bulletin(&w.member, d.id, None).await, Err(AppError::Forbidden)));
    // A report of the province committee (another tenant) never shows its issue here.
    assert_eq!(o.submitter_kind, Submitter::Member);
    assert_eq!(w.view(&w.member, o.id).await.o.status, Status::Adopted);
}

#[tokio::test]
async fn sends_are_recorded_once_issued_with_every_error_at_once() {
    let w = World::new().await;
    let o = adopted(&w, &w.member, "关于优化公交线路的建议", false).await;
    let d = w.app.create_bulletin(&w.staff, &BulletinInput { opinion_id: Some(o.id), ..ready(Channel::Opinion, BulletinForm::Single, "") }).await.unwrap();
    let send = SendInput { recipient_kind: Some(RecipientKind::PartyCommittee), recipient: "中共清河市委办公室".into(), ..Default::default() };
    assert!(matches!(w.app.record_bulletin_send(&w.staff, d.id, None, &send).await, Err(AppError::InvalidTransition(m)) if m.contains("印发后")));
    let b = w.app.issue_bulletin(&w.staff, d.id, None).await.unwrap();
    let bad = SendInput { recipient_kind: None, recipient: " ".into(), sent_on: Some("2999-01-01".into()), version: None };
    let errors: Vec<String> = fields(w.app.record_bulletin_send(&w.staff, d.id, None, &bad).await.unwrap_err()).into_iter().map(|(f, _)| f).collect();
    assert_eq!(errors, ["recipient_kind", "recipient", "sent_on"]);
    w.app.record_bulletin_send(&w.staff, d.id, Some(b.version), &send).await.unwrap();
    let gov = SendInput { recipient_kind: Some(RecipientKind::Government), recipient: "清河市人民政府办公室".into(), ..Default::default() };
    w.app.record_bulletin_send(&w.staff, d.id, None, &gov).await.unwrap();
    let stale = w.app.record_bulletin_send(&w.staff, d.id, Some(b.version), &gov).await;
    assert!(matches!(stale, Err(AppError::VersionConflict)));
    let v = w.app.get_bulletin(&w.staff, d.id).await.unwrap();
    let sent: Vec<(RecipientKind, &str)> = v.sends.iter().map(|s| (s.recipient_kind, s.recipient.as_str())).collect();
    assert_eq!(sent, [(RecipientKind::PartyCommittee, "中共清河市委办公室"), (RecipientKind::Government, "清河市人民政府办公室")]);
    assert!(v.events.iter().any(|e| e.note.contains("报送党委：中共清河市委办公室")));
}

#[tokio::test]
async fn drafts_are_found_by_the_office_and_issued_issues_by_members_and_leaders() {
    let w = World::new().await;
    let o = adopted(&w, &w.member, "关于河道保洁长效机制的建议", false).await;
    let d = w.app.create_bulletin(&w.staff, &BulletinInput { opinion_id: Some(o.id), ..ready(Channel::Opinion, BulletinForm::Single, "") }).await.unwrap();
    let index = w.app.search.clone().expect("search is on");
    index.tick(&w.app.db).await.unwrap();
    let found = async |who: &Actor| {
        let query = eline_app::search::SearchQuery { q: "河道保洁".into(), kind: Some("bulletin".into()), ..Default::default() };
        w.app.search(who, &query, 50).await.unwrap().items.into_iter().filter(|i| i.kind == "bulletin").map(|i| i.id).collect::<Vec<i64>>()
    };
    assert_eq!(found(&w.staff).await, [d.id]);
    assert!(found(&w.member).await.is_empty() && found(&w.leader).await.is_empty());
    w.app.issue_bulletin(&w.staff, d.id, None).await.unwrap();
    index.tick(&w.app.db).await.unwrap();
    for who in [&w.staff, &w.member, &w.other_member, &w.leader] {
        assert_eq!(found(who).await, [d.id], "{}", who.username);
    }
    assert!(found(&w.informant).await.is_empty());
}
