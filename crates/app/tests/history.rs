//! Importing past sessions' proposals: real published titles (a sample of the shared reference
//! data, copied into the repo) with demo members, units and organisations.

use eline_app::App;
use eline_app::demo_data;
use eline_app::members::ImportOutcome;
use eline_app::proposals::{HISTORY_COLUMNS, ProposalFilter};
use eline_app::spreadsheet::{Sheet, write_xlsx};
use eline_app::{AppError, auth};
use eline_storage::testing::fresh;

fn titles() -> Vec<String> {
    include_str!("data/real-proposals-sample.jsonl")
        .lines()
        .map(|l| {
            let start = l.find("\"title\": \"").expect("title") + 10;
            l[start..start + l[start..].find('"').expect("end")].to_string()
        })
        .collect()
}

fn row(cells: &[(&str, &str)]) -> Vec<String> {
    HISTORY_COLUMNS.iter().map(|c| cells.iter().find(|(k, _)| k == c).map(|(_, v)| v.to_string()).unwrap_or_default()).collect()
}

fn xlsx(rows: Vec<Vec<String>>) -> Vec<u8> {
    write_xlsx(&[Sheet::text("导入", HISTORY_COLUMNS.iter().map(|c| c.to_string()).collect(), rows)]).unwrap()
}

async fn actor(app: &App, name: &str) -> eline_domain::Actor {
    let mut c = app.db.acquire().await.unwrap();
    auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.unwrap().unwrap())
}

#[tokio::test]
async fn past_proposals_come_in_closed_with_numbers_units_classes_and_satisfaction() {
    let t = fresh().await;
    let app = App::new(t.db.clone(), Default::default());
    app.load_demo().await.unwrap();
    let staff = actor(&app, "staff").await;
    let titles = titles();
    let (m0, m1) = (demo_data::member(30).name, demo_data::member(31).name);
    let rows = vec![
        row(&[
            ("届次*", "十三届二次会议"),
            ("编号", "1"),
            ("标题*", &titles[0]),
            ("类型*", "个人"),
            ("提案者*", &m0),
            ("主办单位", demo_data::UNITS[3]),
            ("答复类别", "A"),
            ("满意度", "满意"),
            ("提案分类", "社会建设"),
            ("提案性质", "平时提案"),
        ]),
        row(&[
            ("届次*", "十三届二次会议"),
            ("编号", "2"),
            ("标题*", &titles[1]),
            ("类型*", "联名"),
            ("提案者*", &m0),
            ("联名委员", &m1),
            ("主办单位", demo_data::UNITS[4]),
            ("会办单位", demo_data::UNITS[5]),
            ("答复类别", "B"),
            ("满意度", "基本满意"),
        ]),
        row(&[
            ("届次*", "十三届二次会议"),
            ("编号", "3"),
            ("标题*", &titles[2]),
            ("类型*", "集体"),
            ("提案者*", demo_data::ORGANIZATIONS[0].0),
            ("主办单位", demo_data::UNITS[3]),
            ("答复类别", "C"),
        ]),
        row(&[("届次*", "十三届二次会议"), ("标题*", &titles[3]), ("类型*", "个人"), ("提案者*", &m1), ("状态", "不立案"), ("不立案理由", "没有具体建议")]),
    ];
    let outcome = app.import_proposal_history(&staff, "往届提案.xlsx", &xlsx(rows)).await.unwrap();
    assert!(matches!(outcome, ImportOutcome::Imported(4)), "{outcome:?}");
    let list = app.list_proposals(&staff, &ProposalFilter::default()).await.unwrap().items;
    assert_eq!(list.len(), 4);
    let first = list.iter().find(|r| r.title == titles[0]).unwrap();
    assert_eq!((first.status.as_str(), first.number), ("closed", Some(1)));
    let v = app.get_proposal(&staff, first.id).await.unwrap();
    assert_eq!(v.replies[0].class, "A");
    assert_eq!(v.assignments[0].unit_name, demo_data::UNITS[3]);
    assert_eq!((v.evaluations[0].satisfaction.as_str(), v.evaluations[0].decisive), ("satisfied", true));
    assert_eq!(v.events.len(), 1);
    assert!(v.events[0].note.starts_with("导入历史提案"));
    // The optional columns of issue 12: category and occasion when given; consent unknown.
    assert_eq!((v.proposal.category.as_deref(), v.proposal.occasion.as_deref(), v.proposal.publish_consent), (Some("社会建设"), Some("regular"), None));
    let joint = app.get_proposal(&staff, list.iter().find(|r| r.title == titles[1]).unwrap().id).await.unwrap();
    assert_eq!(joint.cosigners[0].status, "confirmed");
    assert_eq!(joint.assignments.len(), 2);
    let rejected = list.iter().find(|r| r.title == titles[3]).unwrap();
    assert_eq!(rejected.status, "not_filed");
    assert!(app.verify_audit().await.unwrap().is_ok());
}

#[tokio::test]
async fn a_file_with_an_unknown_unit_or_a_duplicate_number_imports_nothing() {
    let t = fresh().await;
    let app = App::new(t.db.clone(), Default::default());
    app.load_demo().await.unwrap();
    let staff = actor(&app, "staff").await;
    let titles = titles();
    let m = demo_data::member(30).name;
    let good = |n: &str, title: &str| {
        row(&[
            ("届次*", "十三届三次会议"),
            ("编号", n),
            ("标题*", title),
            ("类型*", "个人"),
            ("提案者*", &m),
            ("主办单位", demo_data::UNITS[3]),
            ("答复类别", "A"),
        ])
    };
    let bad_unit = row(&[
        ("届次*", "十三届三次会议"),
        ("编号", "2"),
        ("标题*", &titles[1]),
        ("类型*", "个人"),
        ("提案者*", &m),
        ("主办单位", "不存在的局"),
        ("答复类别", "A"),
    ]);
    let mut bad_category = good("3", &titles[3]);
    bad_category[HISTORY_COLUMNS.iter().position(|c| *c == "提案分类").unwrap()] = "党的建设".into();
    bad_category[HISTORY_COLUMNS.iter().position(|c| *c == "提案性质").unwrap()] = "临时提案".into();
    let rows = vec![good("1", &titles[0]), bad_unit, good("1", &titles[2]), bad_category];
    let ImportOutcome::Rejected(errors) = app.import_proposal_history(&staff, "x.xlsx", &xlsx(rows)).await.unwrap() else { panic!("imported") };
    assert!(errors.iter().any(|e| e.row == 5 && e.column == "提案分类" && e.message.contains("党的建设")), "{errors:?}");
    assert!(errors.iter().any(|e| e.row == 5 && e.column == "提案性质"), "{errors:?}");
    assert!(errors.iter().any(|e| e.row == 3 && e.column == "主办单位" && e.message.contains("不存在的局")), "{errors:?}");
    assert!(errors.iter().any(|e| e.row == 4 && e.column == "编号"), "{errors:?}");
    assert!(app.list_proposals(&staff, &ProposalFilter::default()).await.unwrap().items.is_empty(), "nothing was imported");
    let member = actor(&app, "member").await;
    assert!(matches!(app.import_proposal_history(&member, "x.xlsx", &xlsx(vec![good("9", &titles[0])])).await, Err(AppError::Forbidden)));
}

#[tokio::test]
async fn replies_and_evaluations_of_the_past_are_dated_at_the_session_and_former_members_count() {
    let t = fresh().await;
    let app = App::new(t.db.clone(), Default::default());
    app.load_demo().await.unwrap();
    let staff = actor(&app, "staff").await;
    let titles = titles();
    let former = app.list_members(&staff, &eline_app::members::MemberFilter { limit: Some(1), ..Default::default() }).await.unwrap().items.remove(0).member;
    app.archive_member(&staff, former.id, Some(former.version), true).await.unwrap();
    let rows = vec![row(&[
        ("届次*", "十三届一次会议"),
        ("编号", "7"),
        ("标题*", &titles[0]),
        ("类型*", "个人"),
        ("提案者*", &former.name),
        ("主办单位", demo_data::UNITS[3]),
        ("答复类别", "A"),
        ("满意度", "满意"),
    ])];
    let outcome = app.import_proposal_history(&staff, "x.xlsx", &xlsx(rows)).await.unwrap();
    assert!(matches!(outcome, ImportOutcome::Imported(1)), "{outcome:?}");
    let id = app.list_proposals(&staff, &ProposalFilter { limit: Some(5), ..Default::default() }).await.unwrap().items[0].id;
    let v = app.get_proposal(&staff, id).await.unwrap();
    let opening_noon = chrono::NaiveDate::from_ymd_opt(2022, 1, 6).unwrap().and_hms_opt(4, 0, 0).unwrap().and_utc().timestamp_micros();
    assert_eq!(v.proposal.proposer_member_id, Some(former.id));
    assert_eq!((v.replies[0].at, v.evaluations[0].at, v.proposal.closed_at), (opening_noon, opening_noon, Some(opening_noon)));
}

#[tokio::test]
async fn reply_classes_are_the_committees_own_for_the_sessions_year() {
    let t = fresh().await;
    let app = App::new(t.db.clone(), Default::default());
    app.load_demo().await.unwrap();
    let staff = actor(&app, "staff").await;
    let rules = r#"{"reply_classes":[["甲","已解决"],["乙","正在解决"]],"rejection_reasons":[],"title_max_chars":60,"body_min_chars":1,"body_max_chars":8000}"#;
    let mut c = app.db.acquire().await.unwrap();
    eline_storage::settings::put(&mut c.ex(), staff.committee_id, "proposal_rules", 2022, rules).await.unwrap();
    drop(c);
    let m = demo_data::member(30).name;
    let with_class = |n: &str, class: &str| {
        row(&[
            ("届次*", "十三届一次会议"),
            ("编号", n),
            ("标题*", &titles()[0]),
            ("类型*", "个人"),
            ("提案者*", &m),
            ("主办单位", demo_data::UNITS[3]),
            ("答复类别", class),
        ])
    };
    let ImportOutcome::Rejected(errors) = app.import_proposal_history(&staff, "x.xlsx", &xlsx(vec![with_class("1", "A")])).await.unwrap() else {
        panic!("imported a class the committee does not use")
    };
    assert_eq!(errors[0].column, "答复类别");
    let outcome = app.import_proposal_history(&staff, "x.xlsx", &xlsx(vec![with_class("1", "甲")])).await.unwrap();
    assert!(matches!(outcome, ImportOutcome::Imported(1)), "{outcome:?}");
}

#[tokio::test]
async fn a_not_filed_row_with_handling_filled_in_is_refused_and_an_admin_refusal_is_audited() {
    let t = fresh().await;
    let app = App::new(t.db.clone(), Default::default());
    app.load_demo().await.unwrap();
    let staff = actor(&app, "staff").await;
    let m = demo_data::member(30).name;
    let rows = vec![row(&[
        ("届次*", "十三届一次会议"),
        ("标题*", &titles()[0]),
        ("类型*", "个人"),
        ("提案者*", &m),
        ("状态", "不立案"),
        ("不立案理由", "没有具体建议"),
        ("满意度", "满意"),
    ])];
    let ImportOutcome::Rejected(errors) = app.import_proposal_history(&staff, "x.xlsx", &xlsx(rows.clone())).await.unwrap() else { panic!("imported") };
    assert_eq!((errors[0].row, errors[0].column.as_str()), (2, "满意度"));
    let admin = actor(&app, "admin").await;
    assert!(matches!(app.import_proposal_history(&admin, "x.xlsx", &xlsx(rows)).await, Err(AppError::Forbidden)));
    let filter = eline_storage::audit::Filter { action: Some("permission_denied".into()), ..Default::default() };
    assert_eq!(app.list_audit(&admin, filter, None, 5).await.unwrap().items.len(), 1);
}
