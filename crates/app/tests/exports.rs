//! Documents out of eline and back in: the member roster through Excel (export → edit → import
//! updates by 编号, never duplicates), a proposal list exported exactly as the actor sees it, and
//! the reply letter's details (文号, 联系人, 联系电话, 公开属性) checked, stored and laid out.
//! Runs on SQLite, or on PostgreSQL when ELINE_TEST_DATABASE_URL is set.

use eline_app::App;
use eline_app::AppError;
use eline_app::auth::actor_of;
use eline_app::members::{ImportOutcome, MemberFilter};
use eline_app::proposals::{ActionInput, DraftInput, ProposalFilter};
use eline_app::spreadsheet::{Sheet, read_table, write_xlsx};
use eline_domain::Actor;
use eline_domain::policy::Scope;
use eline_domain::proposal::{Disclosure, Status};
use eline_storage::testing::TestDb;
use serde_json::{Value, json};

const BODY: &str = "近年来我市老旧小区加装电梯需求持续增长，但审批环节多、资金分摊难、邻里协调难等问题较为突出。\
建议由住建部门牵头简化审批流程，设立专项补贴资金，并在街道层面建立协调机制，推动加装电梯工作提速增效。";

struct World {
    app: App,
    cid: i64,
    staff: Actor,
    member: Actor,
    unit: Actor,
    _t: TestDb,
}

async fn world() -> World {
    let t = eline_storage::testing::fresh().await;
    let app = App::new(t.db.clone(), Default::default());
    let (cid, _) = app.load_demo().await.expect("load demo");
    let mut c = t.db.acquire().await.expect("connection");
    let mut user = async |name: &str| actor_of(&eline_storage::users::get_by_username(&mut c.ex(), name).await.expect("read user").expect("demo user"));
    let (staff, member, unit) = (user("staff").await, user("member").await, user("unit").await);
    drop(c);
    World { app, cid, staff, member, unit, _t: t }
}

impl World {
    async fn active_members(&self) -> i64 {
        let mut c = self.app.db.acquire().await.expect("connection");
        eline_storage::members::count_active(&mut c.ex(), self.cid).await.expect("count")
    }

    /// The roster export of one sector, read back as text rows (header first).
    async fn exported(&self, sector_id: i64) -> Vec<Vec<String>> {
        let f = MemberFilter { sector_id: Some(sector_id), ..Default::default() };
        let book = self.app.export_members(&self.staff, &f).await.expect("export");
        assert!(book.file_name.starts_with("委员名单（") && book.file_name.ends_with("日）.xlsx"), "{}", book.file_name);
        read_table(&book.file_name, &book.bytes).expect("read the export")
    }

    async fn import(&self, rows: &[Vec<String>]) -> ImportOutcome {
        let (header, body) = rows.split_first().expect("a header");
        let file = write_xlsx(&[Sheet::text("委员", header.clone(), body.to_vec())]).expect("xlsx");
        self.app.import_members(&self.staff, "委员名单.xlsx", &file).await.expect("import")
    }

    async fn act(&self, who: &Actor, id: i64, action: &str, body: Value) -> Result<(), AppError> {
        let input = ActionInput::parse(action, body).expect("an action");
        self.app.act(who, id, None, input).await.map(drop)
    }

    /// A proposal of the demo member, filed and assigned to the demo unit.
    async fn assigned(&self, title: &str) -> i64 {
        let input = DraftInput { title: title.into(), body: BODY.into(), ..Default::default() };
        let id = self.app.create_proposal(&self.member, &input).await.expect("draft").id;
        self.act(&self.member, id, "submit", json!({})).await.expect("submit");
        self.act(&self.staff, id, "review", json!({"decision": "file"})).await.expect("file");
        self.act(&self.staff, id, "assign", json!({"lead_unit_id": self.unit.unit_id})).await.expect("assign");
        id
    }
}

fn column(rows: &[Vec<String>], title: &str) -> usize {
    rows[0].iter().position(|h| h.trim_end_matches('*') == title).unwrap_or_else(|| panic!("column {title} in {:?}", rows[0]))
}

#[tokio::test]
async fn export_edit_and_reimport_changes_the_roster_and_never_duplicates_it() {
    let w = world().await;
    let member_id = w.member.member_id.expect("the demo member");
    let (m, _) = w.app.get_member(&w.staff, member_id).await.expect("member");
    let before_count = w.active_members().await;
    let mut rows = w.exported(m.sector_id).await;
    assert_eq!(rows[0][0], "编号", "the member id comes first");
    let (phone, address) = (column(&rows, "手机"), column(&rows, "通讯地址"));
    let line = rows.iter().position(|r| r[0] == member_id.to_string()).expect("the member's row");
    rows[line][phone] = "13912345678".into();
    rows[line][address] = "清河市人民路1号".into();

    let other: i64 = rows[if line == 1 { 2 } else { 1 }][0].parse().expect("an id");
    let (other_before, _) = w.app.get_member(&w.staff, other).await.expect("member");
    let outcome = w.import(&rows).await;
    assert!(matches!(outcome, ImportOutcome::Imported(n) if n == rows.len() - 1), "{outcome:?}");
    assert_eq!(w.active_members().await, before_count, "nobody was added");
    let (after, _) = w.app.get_member(&w.staff, member_id).await.expect("member");
    assert_eq!(after.phone.as_deref(), Some("13912345678"));
    assert_eq!(after.address.as_deref(), Some("清河市人民路1号"));
    assert_eq!(after.version, m.version + 1, "one change of the edited member");
    // The other rows said what the roster says: left alone.
    let (other_after, _) = w.app.get_member(&w.staff, other).await.expect("member");
    assert_eq!(w.exported(m.sector_id).await.len(), rows.len(), "the sector still has as many members");
    assert_eq!(other_after.version, other_before.version, "an unchanged row writes nothing");

    // A row without 编号 is a new member, as before.
    let mut with_new = w.exported(m.sector_id).await;
    let mut fresh = with_new[1].clone();
    fresh[0] = String::new();
    fresh[column(&with_new, "姓名")] = "导入新委员".into();
    with_new.push(fresh);
    assert!(matches!(w.import(&with_new).await, ImportOutcome::Imported(_)));
    assert_eq!(w.active_members().await, before_count + 1);
}

#[tokio::test]
async fn an_unknown_or_repeated_id_is_a_row_error_and_nothing_changes() {
    let w = world().await;
    let member_id = w.member.member_id.expect("the demo member");
    let (m, _) = w.app.get_member(&w.staff, member_id).await.expect("member");
    let before_count = w.active_members().await;
    let mut rows = w.exported(m.sector_id).await;
    let phone = column(&rows, "手机");
    let line = rows.iter().position(|r| r[0] == member_id.to_string()).expect("the member's row");
    rows[line][phone] = "13900000000".into();
    let stranger = if line == 1 { 2 } else { 1 };
    rows[stranger][0] = "987654321".into();

    let ImportOutcome::Rejected(errors) = w.import(&rows).await else { panic!("imported with an unknown id") };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].row, errors[0].column.as_str()), (stranger + 1, "编号"));
    assert!(errors[0].message.contains("987654321"), "{}", errors[0].message);
    let (same, _) = w.app.get_member(&w.staff, member_id).await.expect("member");
    assert_eq!((same.phone, same.version), (m.phone.clone(), m.version), "nothing changed");
    assert_eq!(w.active_members().await, before_count);

    // The same member twice in one file: refused, naming both rows.
    let mut twice = w.exported(m.sector_id).await;
    let copy = twice[1].clone();
    twice.push(copy);
    let ImportOutcome::Rejected(errors) = w.import(&twice).await else { panic!("imported a member twice") };
    assert!(errors.iter().any(|e| e.row == twice.len() && e.message.contains("第2行")), "{errors:?}");
}

#[tokio::test]
async fn a_proposal_list_exports_exactly_the_rows_the_actor_sees() {
    let w = world().await;
    let mine = w.assigned("关于加强社区养老服务的提案").await;
    for (who, scope) in [(&w.staff, Scope::All), (&w.member, Scope::Mine), (&w.unit, Scope::Unit)] {
        let f = ProposalFilter::scope(scope);
        let mut listed = Vec::new();
        let mut page = ProposalFilter { limit: Some(200), ..f.clone() };
        loop {
            let p = w.app.list_proposals(who, &page).await.expect("list");
            listed.extend(p.items.iter().map(|r| r.id.to_string()));
            match p.next_cursor {
                Some(c) => page.cursor = Some(c),
                None => break,
            }
        }
        let book = w.app.export_proposals(who, &f).await.expect("export");
        let rows = read_table(&book.file_name, &book.bytes).expect("read");
        assert_eq!(rows[0], eline_app::proposals::EXPORT_COLUMNS.map(String::from).to_vec());
        let id = rows[0].len() - 1;
        let exported: Vec<String> = rows[1..].iter().map(|r| r[id].clone()).collect();
        assert_eq!(exported, listed, "{} sees the same rows in the list and the file", who.username);
        assert!(exported.contains(&mine.to_string()), "{}", who.username);
    }
    // A filter narrows the file; a session names it.
    let p = w.app.get_proposal(&w.staff, mine).await.expect("proposal");
    let f = ProposalFilter { status: Some(Status::Assigned), session_id: Some(p.proposal.session_id), ..ProposalFilter::scope(Scope::All) };
    let book = w.app.export_proposals(&w.staff, &f).await.expect("export");
    assert_eq!(book.file_name, format!("提案清单（{}）.xlsx", p.session_name.trim_end_matches("会议")));
    let rows = read_table(&book.file_name, &book.bytes).expect("read");
    assert!(rows[1..].iter().all(|r| r[5] == "办理中"), "{rows:?}");
    // A list the actor may not open is refused as the list is.
    assert!(matches!(w.app.export_proposals(&w.member, &ProposalFilter::scope(Scope::All)).await, Err(AppError::Validation(_))));
}

#[tokio::test]
async fn the_reply_letter_carries_its_checked_details_and_the_committees_full_name() {
    let w = world().await;
    let id = w.assigned("关于加快老旧小区加装电梯的提案").await;
    let reply = |extra: Value| {
        let mut body = json!({"class": "A", "text": "您提出的提案收悉。现答复如下：已完成。\n感谢您的关心和支持。", "signer": "王建国"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    for (bad, field) in [
        (json!({"contact_phone": "电话12"}), "contact_phone"),
        (json!({"doc_number": "函".repeat(41)}), "doc_number"),
        (json!({"disclosure": "secret"}), "disclosure"),
    ] {
        match w.act(&w.unit, id, "reply", reply(bad.clone())).await {
            Err(AppError::Validation(errors)) => assert!(errors.iter().any(|e| e.field == field && !e.message.is_ascii()), "{bad}: {errors:?}"),
            other => panic!("{bad}: {other:?}"),
        }
        let p = w.app.get_proposal(&w.unit, id).await.expect("proposal");
        assert_eq!((p.proposal.status, p.replies.len()), (Status::Assigned, 0), "a refused reply changes nothing");
    }
    let details = json!({"doc_number": "清民函〔2026〕12号", "contact_name": "张丽", "contact_phone": "0760-88312345", "disclosure": "on_request"});
    w.act(&w.unit, id, "reply", reply(details)).await.expect("reply");
    let letter = w.app.reply_letter(&w.unit, id).await.expect("letter");
    let d = &letter.reply.letter;
    assert_eq!((d.doc_number.as_deref(), d.contact_name.as_deref()), (Some("清民函〔2026〕12号"), Some("张丽")));
    assert_eq!((d.contact_phone.as_deref(), d.disclosure), (Some("0760-88312345"), Some(Disclosure::OnRequest)));
    assert!(letter.title.starts_with("关于中国人民政治协商会议清河市委员会") && letter.title.ends_with("号提案的答复"), "{}", letter.title);
    assert!(letter.addressee.ends_with("委员"), "{}", letter.addressee);
    assert_eq!(letter.date, eline_app::dates::chinese_date(letter.reply.at));
    assert_eq!(letter.paragraphs.len(), 2);
    assert_eq!(letter.copy_to, "清河市政协提案委员会");

    // The full name is a setting of the admins.
    let admin = {
        let mut c = w.app.db.acquire().await.expect("connection");
        actor_of(&eline_storage::users::get_by_username(&mut c.ex(), "admin").await.expect("read").expect("admin"))
    };
    let named = "中国人民政治协商会议清河市委员会（试行）";
    assert!(matches!(w.app.set_committee_full_name(&w.staff, Some(named)).await, Err(AppError::Forbidden)));
    assert!(matches!(w.app.set_committee_full_name(&admin, Some(&"会".repeat(61))).await, Err(AppError::Validation(_))));
    w.app.set_committee_full_name(&admin, Some(named)).await.expect("set the full name");
    assert!(w.app.reply_letter(&w.unit, id).await.expect("letter").title.starts_with(&format!("关于{named}")));
    w.app.set_committee_full_name(&admin, Some(" ")).await.expect("clear it");
    assert_eq!(w.app.committee_full_name(&admin).await.expect("name"), ("中国人民政治协商会议清河市委员会".to_string(), None));
}
