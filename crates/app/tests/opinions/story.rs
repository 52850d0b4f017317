//! Reports through every path of the state table, on both engines.

use eline_app::AppError;
use eline_app::opinions::OpinionFilter;
use eline_domain::opinion::{Channel, Level, OutcomeKind, Scope, Status, Submitter};
use eline_domain::record::LinkRelation;
use eline_domain::{RecordKind, RecordRef};
use serde_json::json;

use super::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_written_edited_with_every_revision_kept_and_adopted() {
    let w = World::new().await;
    let o = w.draft(&w.member, "老旧小区电梯维保的情况反映").await;
    assert_eq!((o.status, o.submitter_kind, o.member_id), (Status::Draft, Submitter::Member, w.member.member_id));
    let o = w.ok(&w.member, o.id, "submit", json!({})).await;
    assert_eq!(o.status, Status::Submitted);
    assert!(o.due_on.is_some(), "a target date in working days");
    assert!(matches!(w.act(&w.member, o.id, "adopt", json!({})).await, Err(AppError::Forbidden)), "only the office decides");

    let o = w.ok(&w.staff, o.id, "take", json!({})).await;
    assert_eq!(o.status, Status::Editing);
    let unchanged = w.act(&w.staff, o.id, "revise", json!({"title": o.title, "body": o.body})).await;
    assert!(matches!(unchanged, Err(AppError::Validation(ref e)) if e[0].message.contains("没有改动")), "{unchanged:?}");
    let edited = format!("{}\n建议将电梯维保纳入物业考评。", BODY);
    let o = w.ok(&w.staff, o.id, "revise", json!({"title": "关于明确加装电梯维保责任的建议", "body": edited, "note": "标题改为建议"})).await;
    assert_eq!(o.title, "关于明确加装电梯维保责任的建议");
    let o = w.ok(&w.staff, o.id, "adopt", json!({"comment": "拟编入《社情民意》"})).await;
    assert_eq!(o.status, Status::Adopted);
    assert!(o.decided_on.is_some());

    // Every version kept, with who and a readable diff; the member sees the same record.
    let v = w.view(&w.member, o.id).await;
    assert_eq!(v.revisions.len(), 2);
    assert_eq!(v.revisions[0].r.title, "老旧小区电梯维保的情况反映");
    assert_eq!(v.revisions[1].r.editor_name, w.staff.display_name);
    assert_eq!(v.revisions[1].r.note.as_deref(), Some("标题改为建议"));
    let added: String = v.revisions[1].body_diff.iter().flat_map(|l| l.parts.iter()).filter(|p| p.kind == "added").map(|p| p.text.as_str()).collect();
    assert_eq!(added, "建议将电梯维保纳入物业考评。");
    let actions: Vec<&str> = v.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "submit", "take", "revise", "adopt"]);
    // The leader sees adopted reports; the office may record outcomes; the member may do nothing more.
    assert_eq!(w.view(&w.leader, o.id).await.o.id, o.id);
    assert!(w.view(&w.member, o.id).await.actions.is_empty());
    assert!(w.view(&w.staff, o.id).await.actions.contains(&"record_outcome"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_returned_report_is_resubmitted_with_its_history_and_a_kept_one_says_why() {
    let w = World::new().await;
    let o = w.submitted(&w.member, "关于社区养老服务的建议").await;
    let no_reason = w.act(&w.staff, o.id, "return", json!({"reason": " "})).await;
    assert!(matches!(no_reason, Err(AppError::Validation(ref e)) if e[0].field == "reason"));
    assert_eq!(w.view(&w.staff, o.id).await.o.version, o.version, "a refused action changes nothing");
    let o = w.ok(&w.staff, o.id, "return", json!({"reason": "请补充具体数据"})).await;
    assert_eq!((o.status, o.returns, o.return_reason.as_deref()), (Status::Returned, 1, Some("请补充具体数据")));
    assert!(matches!(w.act(&w.staff, o.id, "adopt", json!({})).await, Err(AppError::InvalidTransition(_))));
    // The author edits and resubmits; the first submission stays in the history.
    let input = eline_app::opinions::OpinionDraft { title: o.title.clone(), body: format!("{BODY}据统计全市约有1200部。"), ..Default::default() };
    let o = w.app.update_opinion(&w.member, o.id, None, &input).await.unwrap();
    let o = w.ok(&w.member, o.id, "submit", json!({})).await;
    assert_eq!(o.status, Status::Submitted);
    let v = w.view(&w.member, o.id).await;
    assert_eq!(v.revisions.len(), 2);
    assert_eq!(v.revisions[1].r.note.as_deref(), Some("修改后重新提交"));
    let o = w.ok(&w.staff, o.id, "keep", json!({"reason": "内容与已录用信息重复"})).await;
    assert_eq!((o.status, o.keep_reason.as_deref()), (Status::Kept, Some("内容与已录用信息重复")));
    assert!(matches!(w.app.update_opinion(&w.member, o.id, None, &input).await, Err(AppError::InvalidTransition(_))));
    assert!(matches!(w.app.get_opinion(&w.leader, o.id).await, Err(AppError::NotFound)), "leaders see adopted reports only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_direct_channel_has_its_faster_target_and_its_own_queue() {
    let w = World::new().await;
    let slow = w.submitted(&w.member, "关于优化营商环境的建议").await;
    let direct = w
        .app
        .create_opinion(
            &w.member,
            &eline_app::opinions::OpinionDraft {
                title: "关于加快轨道交通建设的建议".into(), body: BODY.into(), direct: true, ..Default::default()
            },
        )
        .await
        .unwrap();
    let direct = w.ok(&w.member, direct.id, "submit", json!({})).await;
    assert_eq!(direct.channel, Channel::Direct);
    assert!(direct.due_on < slow.due_on, "资政之声 is due sooner: {:?} {:?}", direct.due_on, slow.due_on);
    let queue = |q| OpinionFilter { queue: Some(q), ..OpinionFilter::scope(Scope::All) };
    let ids = |p: eline_app::Page<eline_storage::opinions::Row>| p.items.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let direct_queue = ids(w.app.list_opinions(&w.staff, &queue(eline_domain::opinion::Queue::Direct)).await.unwrap());
    assert!(direct_queue.contains(&direct.id) && !direct_queue.contains(&slow.id));
    // The office marks an ordinary report as 资政之声: its target moves up.
    let marked = w.ok(&w.staff, slow.id, "mark_direct", json!({"direct": true})).await;
    assert_eq!((marked.channel, marked.due_on.clone()), (Channel::Direct, direct.due_on.clone()));
    assert!(matches!(w.act(&w.staff, slow.id, "mark_direct", json!({"direct": true})).await, Err(AppError::InvalidTransition(_))));
    let home = w.app.opinion_home(&w.staff).await.unwrap().queues.unwrap();
    assert!(home.direct >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_goes_up_to_province_and_national_and_each_result_comes_back_to_the_origin() {
    let w = World::new().await;
    let o = w.draft(&w.member, "关于加强跨境数据流动监管的建议").await;
    let here = eline_domain::RecordRef::new(eline_domain::RecordKind::OPINION, o.id);
    w.app.attach(&w.member, here, "material", "调研数据.pdf", b"%PDF-1.4 survey").await.expect("attach");
    let o = w.ok(&w.member, o.id, "submit", json!({})).await;
    assert!(matches!(w.act(&w.staff, o.id, "report_up", json!({})).await, Err(AppError::InvalidTransition(_))), "adopted first");
    w.ok(&w.staff, o.id, "adopt", json!({})).await;
    let o = w.ok(&w.staff, o.id, "report_up", json!({"note": "请省政协阅处"})).await;
    let up = o.reported_up_id.expect("a record in the province committee");
    assert!(matches!(w.act(&w.staff, o.id, "report_up", json!({})).await, Err(AppError::InvalidTransition(_))), "once");
    // The province sees only what was reported to it; the city's people never see the province's record.
    let p = w.view(&w.province_staff, up).await;
    assert_eq!((p.o.status, p.o.submitter_kind, p.o.origin_id), (Status::Submitted, Submitter::Committee, Some(o.id)));
    assert!(p.o.author_name.contains(&o.author_name), "credited with the original author: {}", p.o.author_name);
    assert!(matches!(w.app.get_opinion(&w.province_staff, o.id).await, Err(AppError::NotFound)));
    assert!(matches!(w.app.get_opinion(&w.staff, up).await, Err(AppError::NotFound)));
    // The report's files went up with it.
    let above = eline_domain::RecordRef::new(eline_domain::RecordKind::OPINION, up);
    let files: Vec<String> = w.app.files_of(&w.province_staff, above).await.expect("files above").into_iter().map(|f| f.file_name).collect();
    assert_eq!(files, ["调研数据.pdf"]);
    let province_list = w.app.list_opinions(&w.province_staff, &OpinionFilter::scope(Scope::All)).await.unwrap();
    assert_eq!(province_list.items.iter().map(|r| r.id).collect::<Vec<_>>(), vec![up]);

    // The province adopts (省级 采用 comes back down) and reports to the national committee.
    w.ok(&w.province_staff, up, "adopt", json!({})).await;
    w.ok(&w.province_staff, up, "record_outcome", json!({"level": "province", "kind": "to_national", "decided_on": "2026-11-30"})).await;
    let top = w.ok(&w.province_staff, up, "report_up", json!({})).await.reported_up_id.unwrap();
    w.ok(&w.national_staff, top, "adopt", json!({})).await;
    w.ok(&w.national_staff, top, "record_outcome", json!({"level": "national", "kind": "to_ministries", "body": "国家发展改革委", "decided_on": "2026-11-30"}))
        .await;

    let v = w.view(&w.member, o.id).await;
    let fate: Vec<(Level, OutcomeKind)> = v.outcomes.iter().map(|x| (x.level, x.kind)).collect();
    assert_eq!(
        fate,
        [
            (Level::Province, OutcomeKind::Adopted),
            (Level::Province, OutcomeKind::ToNational),
            (Level::National, OutcomeKind::SingleAdopted),
            (Level::National, OutcomeKind::ToMinistries)
        ]
    );
    assert_eq!(v.above.as_ref().map(|s| (s.level, s.status)), Some((Level::Province, Status::Adopted)));
    assert!(v.events.iter().any(|e| e.action == "outcome_from_above" && e.note.contains("国家发展改革委")), "told on the origin's timeline");
    // The province's record shows the national result too; a recorded level above is refused here.
    assert_eq!(w.view(&w.province_staff, up).await.outcomes.len(), 3);
    let by_hand = w.act(&w.staff, o.id, "record_outcome", json!({"level": "province", "kind": "adopted", "decided_on": "2026-11-30"})).await;
    assert!(matches!(by_hand, Err(AppError::Validation(ref e)) if e[0].message.contains("自动反馈")), "{by_hand:?}");
    let city = w.ok(&w.staff, o.id, "record_outcome", json!({"level": "city", "kind": "dept_adopted", "body": "市商务局", "decided_on": "2026-11-28"})).await;
    assert_eq!(w.view(&w.member, city.id).await.outcomes.len(), 5);
    let wrong = w.act(&w.staff, o.id, "record_outcome", json!({"level": "city", "kind": "to_national", "decided_on": "2099-01-01"})).await;
    assert!(matches!(wrong, Err(AppError::Validation(ref e)) if e.len() == 2), "every error at once: {wrong:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_committee_without_a_parent_on_the_platform_records_the_upper_levels_by_hand() {
    let w = World::new().await;
    let mut c = w.t.db.acquire().await.unwrap();
    eline_storage::committees::set_parent(&mut c.ex(), w.cid, None).await.unwrap();
    drop(c);
    let o = w.submitted(&w.informant, "关于加快发展冷链物流的建议").await;
    assert_eq!(o.submitter_kind, Submitter::Informant);
    w.ok(&w.staff, o.id, "adopt", json!({})).await;
    let refused = w.act(&w.staff, o.id, "report_up", json!({})).await;
    assert!(matches!(refused, Err(AppError::InvalidTransition(ref m)) if m.contains("手工登记")), "{refused:?}");
    w.ok(&w.staff, o.id, "record_outcome", json!({"level": "province", "kind": "forwarded", "body": "省发展改革委", "decided_on": "2026-11-20"})).await;
    let v = w.view(&w.informant, o.id).await;
    assert_eq!(v.outcomes.iter().map(|x| (x.level, x.kind, x.by_hand)).collect::<Vec<_>>(), [(Level::Province, OutcomeKind::Forwarded, true)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversions_go_both_ways_and_each_record_shows_the_link() {
    let w = World::new().await;
    // A rejected proposal converted to 社情民意: a linked draft report for its proposer.
    let p = w
        .app
        .create_proposal(
            &w.member,
            &eline_app::proposals::DraftInput { title: "关于小区停车难的建议".into(), body: format!("{BODY}{BODY}"), ..Default::default() },
        )
        .await
        .unwrap();
    let submit = eline_app::proposals::ActionInput::parse("submit", json!({})).unwrap();
    w.app.act(&w.member, p.id, None, submit).await.unwrap();
    let reject = eline_app::proposals::ActionInput::parse("review", json!({"decision": "reject", "reason": "没有具体建议", "convert_to": "opinion"})).unwrap();
    w.app.act(&w.staff, p.id, None, reject).await.unwrap();
    let links = w.app.links_of(&w.member, RecordRef::proposal(p.id)).await.unwrap();
    assert_eq!(links.len(), 1);
    let report = links[0].record_id;
    assert_eq!(links[0].kind, RecordKind::OPINION.as_str());
    let v = w.view(&w.member, report).await;
    assert_eq!((v.o.status, v.o.title.as_str(), v.o.member_id), (Status::Draft, "关于小区停车难的建议", w.member.member_id));
    assert!(v.editable);
    let back = w.app.links_of(&w.member, RecordRef::new(RecordKind::OPINION, report)).await.unwrap();
    assert_eq!(back[0].label, LinkRelation::ConvertedTo.reverse_label());

    // A member's report becomes a proposal draft of its author (once; others may not).
    let o = w.submitted(&w.member, "关于推进垃圾分类的建议").await;
    assert!(matches!(w.app.convert_opinion_to_proposal(&w.staff, o.id).await, Err(AppError::Forbidden)));
    assert!(matches!(w.app.convert_opinion_to_proposal(&w.other_member, o.id).await, Err(AppError::NotFound)));
    let draft = w.app.convert_opinion_to_proposal(&w.member, o.id).await.unwrap();
    assert_eq!((draft.title.as_str(), draft.proposer_member_id), ("关于推进垃圾分类的建议", w.member.member_id));
    assert!(matches!(w.app.convert_opinion_to_proposal(&w.member, o.id).await, Err(AppError::InvalidTransition(_))));
    let shown = w.app.links_of(&w.member, RecordRef::proposal(draft.id)).await.unwrap();
    assert_eq!((shown[0].record_id, shown[0].label), (o.id, "转自"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_are_deleted_only_by_their_author_and_text_is_checked() {
    let w = World::new().await;
    let long = "字".repeat(1501);
    let bad = w.app.create_opinion(&w.member, &eline_app::opinions::OpinionDraft { title: "".into(), body: long, ..Default::default() }).await;
    assert!(matches!(bad, Err(AppError::Validation(ref e)) if e.len() == 2 && e[1].message.contains("1500")), "{bad:?}");
    assert!(matches!(
        w.app.create_opinion(&w.unit, &eline_app::opinions::OpinionDraft { title: "x".into(), body: "y".into(), ..Default::default() }).await,
        Err(AppError::Forbidden)
    ));
    let o = w.draft(&w.member, "关于夜间经济的建议").await;
    assert!(matches!(w.app.delete_opinion(&w.staff, o.id, None).await, Err(AppError::NotFound)), "the office does not see drafts");
    w.app.delete_opinion(&w.member, o.id, None).await.unwrap();
    assert!(matches!(w.app.get_opinion(&w.member, o.id).await, Err(AppError::NotFound)));
    // The office writes for a member or an informant without an account.
    let staff_for = eline_app::opinions::OpinionDraft {
        title: "关于乡村民宿规范发展的建议".into(),
        body: BODY.into(),
        submitter_kind: Some("informant".into()),
        author_name: Some("张信息员".into()),
        ..Default::default()
    };
    let o = w.app.create_opinion(&w.staff, &staff_for).await.unwrap();
    assert_eq!((o.submitter_kind, o.author_name.as_str()), (Submitter::Informant, "张信息员"));
    let none =
        w.app.create_opinion(&w.staff, &eline_app::opinions::OpinionDraft { title: "关于x的建议".into(), body: BODY.into(), ..Default::default() }).await;
    assert!(matches!(none, Err(AppError::Validation(ref e)) if e[0].field == "submitter_kind"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_has_reports_in_every_state_and_one_adopted_by_the_province() {
    let t = eline_storage::testing::fresh().await;
    let app = eline_app::App::new(t.db.clone(), eline_app::Settings::default());
    let (cid, _) = app.load_demo().await.unwrap();
    assert_eq!(app.load_demo_opinions(cid).await.unwrap(), 14);
    let mut c = t.db.acquire().await.unwrap();
    let staff = eline_app::auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), "staff").await.unwrap().unwrap());
    let member = eline_app::auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), "member").await.unwrap().unwrap());
    drop(c);
    let all = app.list_opinions(&member, &OpinionFilter::scope(Scope::Mine)).await.unwrap().items;
    for status in Status::ALL {
        assert!(all.iter().any(|r| r.status == *status), "the member has a report {}", status.label());
    }
    assert!(all.iter().any(|r| r.channel == Channel::Direct), "and a 资政之声");
    let up = all.iter().find(|r| r.reported_up_id.is_some()).expect("one reported up");
    let v = app.get_opinion(&member, up.id).await.unwrap();
    assert!(v.outcomes.iter().any(|o| o.level == Level::Province && o.kind == OutcomeKind::Adopted), "the province's adoption came back");
    assert!(app.list_opinions(&staff, &OpinionFilter::scope(Scope::All)).await.unwrap().items.len() >= 10);
    // Two issued bulletins, their reports published, and an instruction the author is told of.
    let issues = app.list_bulletins(&member, &Default::default()).await.unwrap().items;
    assert_eq!(issues.len(), 2);
    let published = app.list_opinions(&member, &OpinionFilter::scope(Scope::Published)).await.unwrap().items;
    assert_eq!(published.len(), 4);
    assert_eq!(app.my_instructions(&member).await.unwrap().len(), 1);
    assert!(v.outcomes.iter().any(|o| o.level == Level::City && o.kind == OutcomeKind::DeptAdopted));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instruction_on_a_report_is_its_outcome_and_reaches_its_author() {
    let w = World::new().await;
    let o = w.submitted(&w.member, "关于完善社区急救设施的建议").await;
    w.ok(&w.staff, o.id, "adopt", json!({})).await;
    let input = eline_app::instructions::InstructionInput {
        leader_name: "李明".into(),
        leader_post: "市长".into(),
        rank: "city".into(),
        given_on: "2026-11-30".into(),
        gist: "请卫健局研究落实。".into(),
        ..Default::default()
    };
    let record = RecordRef::new(RecordKind::OPINION, o.id);
    assert!(matches!(w.app.record_instruction(&w.member, record, &input).await, Err(AppError::Forbidden)));
    w.app.record_instruction(&w.leader, record, &input).await.unwrap();
    let v = w.view(&w.member, o.id).await;
    assert_eq!(
        v.outcomes.iter().map(|x| (x.level, x.kind, x.body.as_deref())).collect::<Vec<_>>(),
        [(Level::City, OutcomeKind::Instructed, Some("李明 市长"))]
    );
    assert_eq!(w.app.instructions_of(&w.member, record).await.unwrap().items.len(), 1);
    assert_eq!(w.app.my_instructions(&w.member).await.unwrap().len(), 1, "told on the author's home page");
    assert!(w.app.my_instructions(&w.other_member).await.unwrap().is_empty());
    // A province leader's instruction is counted, but 批示 is no province outcome of a report.
    let province = eline_app::instructions::InstructionInput { rank: "province".into(), leader_post: "副省长".into(), ..input };
    w.app.record_instruction(&w.leader, record, &province).await.unwrap();
    assert_eq!(w.view(&w.member, o.id).await.outcomes.len(), 1);
    assert_eq!(w.app.instructions_of(&w.member, record).await.unwrap().items.len(), 2);
}
