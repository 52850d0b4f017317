//! A record kind that exists only in this test (便笺, kept in memory) registers in one place —
//! one `RecordModule` and one `Workflow` — and gets from the kernel what every module gets: the
//! action runner (visibility, version, transition, refusal audit), the change recorder (audit
//! entry, timeline, search outbox), attachments, links to records of other kinds shown at both
//! ends, search with its access rule, and its labels on the audit page. It is what
//! docs/modules.md asks of a new module, proved without a table of its own.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use eline_app::change::{self, Change, Topic};
use eline_app::records::{Fut, RecordModule, Registry, Seen};
use eline_app::search::SearchQuery;
use eline_app::workflow::{self, Action, Cx, Workflow};
use eline_app::{App, AppError, AppResult, Settings, auth};
use eline_domain::record::{LinkRelation, Refusal};
use eline_domain::{Access, Actor, RecordKind, RecordRef, Role};
use eline_search::Doc;
use eline_storage::audit::Filter;
use eline_storage::testing::{TestDb, fresh, temp_dir};
use eline_storage::{Ex, Tx};
use serde::Serialize;

const NOTE: RecordKind = RecordKind("test_note");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum NoteStatus {
    Open,
    Done,
}

impl NoteStatus {
    fn name(self) -> &'static str {
        match self {
            NoteStatus::Open => "open",
            NoteStatus::Done => "done",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
struct Note {
    id: i64,
    committee_id: i64,
    owner: i64,
    title: String,
    status: NoteStatus,
    version: i64,
}

/// The module's storage: a map in memory (a real module has its table and storage functions).
static NOTES: Mutex<BTreeMap<i64, Note>> = Mutex::new(BTreeMap::new());

fn notes() -> MutexGuard<'static, BTreeMap<i64, Note>> {
    NOTES.lock().unwrap_or_else(|e| e.into_inner())
}

/// The module's rule of who sees a note: its owner and the office, whole.
fn access(note: &Note, actor: &Actor) -> Access {
    if note.committee_id != actor.committee_id {
        Access::None
    } else if note.owner == actor.user_id || actor.has(Role::Staff) {
        Access::Full
    } else {
        Access::None
    }
}

/// The registration: everything the kernel asks of the kind.
struct Notes;

impl RecordModule for Notes {
    fn kind(&self) -> RecordKind {
        NOTE
    }
    fn label(&self) -> &'static str {
        "便笺"
    }
    fn url(&self, id: i64) -> String {
        format!("/notes/{id}")
    }
    fn action_label(&self, action: &str) -> Option<&'static str> {
        (action == "finish").then_some("完成便笺")
    }
    fn status_label(&self, status: &str) -> Option<&'static str> {
        match status {
            "open" => Some("进行中"),
            "done" => Some("已完成"),
            _ => None,
        }
    }
    fn purposes(&self) -> &'static [(&'static str, &'static str)] {
        &[("material", "便笺材料")]
    }
    fn see<'a>(&'a self, _ex: &'a mut Ex<'_>, actor: &'a Actor, id: i64) -> Fut<'a, Option<Seen>> {
        let found = notes().get(&id).filter(|n| n.committee_id == actor.committee_id).cloned();
        Box::pin(async move {
            Ok(found.map(|n| Seen {
                access: access(&n, actor),
                title: n.title.clone(),
                status: Some(n.status.name()),
                purposes: if n.owner == actor.user_id && n.status == NoteStatus::Open { vec!["material"] } else { vec![] },
            }))
        })
    }
    fn documents<'a>(&'a self, _ex: &'a mut Ex<'_>, from: i64, to: i64) -> Fut<'a, Vec<Doc>> {
        let docs = notes()
            .range(from..=to)
            .map(|(id, n)| Doc {
                kind: NOTE.as_str().into(),
                id: *id,
                committee_id: n.committee_id,
                title: n.title.clone(),
                status: n.status.name().into(),
                acl: vec![format!("u:{}", n.owner), "staff".into()],
                ..Doc::default()
            })
            .collect();
        Box::pin(async move { Ok(docs) })
    }
    fn max_id<'a>(&'a self, _ex: &'a mut Ex<'_>) -> Fut<'a, i64> {
        let max = notes().keys().next_back().copied().unwrap_or(0);
        Box::pin(async move { Ok(max) })
    }
}

/// The workflow: an open note is finished by its owner.
struct NoteFlow;

impl Workflow for NoteFlow {
    const KIND: RecordKind = NOTE;
    const TOPICS: &'static [Topic] = &[Topic::Search];
    type Loaded = Note;
    type Saved = Note;
    type Step = ();
    type Status = NoteStatus;

    async fn load(_app: &App, _tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Note> {
        notes().get(&id).filter(|n| n.committee_id == actor.committee_id).cloned().ok_or(AppError::NotFound)
    }
    fn access(note: &Note, actor: &Actor) -> Access {
        access(note, actor)
    }
    fn version(note: &Note) -> i64 {
        note.version
    }
    fn decide(note: &Note, actor: &Actor, _step: ()) -> Result<NoteStatus, Refusal> {
        if note.owner != actor.user_id {
            return Err(Refusal::Forbidden);
        }
        match note.status {
            NoteStatus::Open => Ok(NoteStatus::Done),
            NoteStatus::Done => Err(Refusal::NotNow("便笺已经完成".into())),
        }
    }
    fn status_name(status: NoteStatus) -> &'static str {
        status.name()
    }
    async fn save(_tx: &mut Tx, note: &mut Note, next: NoteStatus) -> AppResult<Note> {
        note.status = next;
        note.version += 1;
        notes().insert(note.id, note.clone());
        Ok(note.clone())
    }
    fn before(note: &Note) -> &Note {
        note
    }
    fn summary(saved: &Note, note: &str) -> String {
        format!("便笺“{}”：{note}", saved.title)
    }
    async fn notices(_tx: &mut Tx, _actor: &Actor, _action: &str, _note: &Note, _saved: &Note, _text: &str) -> AppResult<Vec<eline_app::notify::Notice>> {
        Ok(Vec::new())
    }
}

/// The one action, with its typed input.
struct Finish {
    remark: String,
}

impl Action<NoteFlow> for Finish {
    fn name(&self) -> &'static str {
        "finish"
    }
    fn label(&self) -> &'static str {
        "完成便笺"
    }
    fn step(&self) -> AppResult<()> {
        if self.remark.trim().is_empty() {
            return Err(AppError::field("remark", "请写明完成情况"));
        }
        Ok(())
    }
    async fn apply(&self, _cx: &mut Cx<'_, NoteFlow>) -> AppResult<String> {
        Ok(format!("完成：{}", self.remark.trim()))
    }
}

struct World {
    app: App,
    dir: std::path::PathBuf,
    staff: Actor,
    member: Actor,
    other: Actor,
    _t: TestDb,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn actor(app: &App, username: &str) -> Actor {
    let mut c = app.db.acquire().await.unwrap();
    auth::actor_of(&eline_storage::users::get_by_username(&mut c.ex(), username).await.unwrap().unwrap())
}

async fn world() -> World {
    let t = fresh().await;
    let dir = temp_dir("eline_record_kernel");
    let settings = Settings { data_dir: dir.clone(), search_dir: Some(dir.join("search")), ..Settings::default() };
    // The one registration of the kind.
    let app = App::with_records(t.db.clone(), settings, Registry::standard().with(Notes));
    app.load_demo().await.unwrap();
    let (staff, member) = (actor(&app, "staff").await, actor(&app, "member").await);
    app.load_demo_proposals(staff.committee_id).await.unwrap();
    // Another member account: the demo's second member user, or one made here.
    let other = Actor { user_id: member.user_id + 10_000, member_id: member.member_id.map(|m| m + 10_000), ..member.clone() };
    World { app, dir, staff, member, other, _t: t }
}

/// Creates a note the way a module's create use case does: store it, then record the change.
async fn create_note(w: &World, owner: &Actor, title: &str) -> Note {
    let id = notes().keys().next_back().copied().unwrap_or(0) + 1;
    let note = Note { id, committee_id: owner.committee_id, owner: owner.user_id, title: title.into(), status: NoteStatus::Open, version: 1 };
    notes().insert(id, note.clone());
    let mut tx = w.app.db.begin().await.unwrap();
    let change = Change {
        record: RecordRef::new(NOTE, id),
        action: "create",
        summary: format!("便笺“{title}”：新建"),
        before: None,
        after: eline_app::snapshot(&note),
        timeline: Some((Some("open"), "新建便笺")),
        topics: NoteFlow::TOPICS,
    };
    change::record(&mut tx, owner, change).await.unwrap();
    tx.commit().await.unwrap();
    note
}

async fn timeline(w: &World, id: i64) -> Vec<(String, Option<String>, String)> {
    let mut c = w.app.db.acquire().await.unwrap();
    eline_storage::timeline::list(&mut c.ex(), RecordRef::new(NOTE, id)).await.unwrap().into_iter().map(|e| (e.action, e.status_after, e.note)).collect()
}

async fn audit(w: &World, action: &str) -> Vec<eline_storage::audit::Entry> {
    let admin = actor(&w.app, "admin").await;
    let filter = Filter { action: Some(action.into()), target_type: Some(NOTE.as_str().into()), ..Filter::default() };
    w.app.list_audit(&admin, filter, None, 200).await.unwrap().items
}

async fn search(w: &World, who: &Actor, q: &str) -> Vec<(String, i64, String, String)> {
    let query = SearchQuery { q: q.into(), kind: Some(NOTE.as_str().into()), ..SearchQuery::default() };
    let page = w.app.search(who, &query, 20).await.unwrap();
    page.items.into_iter().map(|i| (i.kind, i.id, i.url, i.status_label)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kind_registered_once_gets_actions_audit_timeline_files_links_and_search_from_the_kernel() {
    let w = world().await;
    let note = create_note(&w, &w.member, "关于老旧小区加装电梯的调研便笺").await;
    let record = RecordRef::new(NOTE, note.id);

    // Search follows the outbox the change recorder wrote; the kind's own rule decides who finds it.
    let index = w.app.search.clone().expect("search is on");
    index.tick(&w.app.db).await.unwrap();
    let url = format!("/notes/{}", note.id);
    assert_eq!(search(&w, &w.member, "电梯").await, vec![("test_note".to_string(), note.id, url.clone(), "进行中".to_string())]);
    assert_eq!(search(&w, &w.staff, "电梯").await.len(), 1);
    assert!(search(&w, &w.other, "电梯").await.is_empty(), "not the owner's, not the office: not found");
    let bad = w.app.search(&w.member, &SearchQuery { q: "电梯".into(), kind: Some("nope".into()), ..SearchQuery::default() }, 20).await;
    assert!(matches!(bad, Err(AppError::Validation(e)) if e[0].message.contains("test_note（便笺）")), "the registered kinds are the choices");

    // Files: the kind says which purposes, when and for whom; reading needs the whole record.
    let wrong = w.app.attach(&w.member, record, "photo", "a.pdf", b"%PDF-1.4 x").await.unwrap_err();
    assert!(matches!(wrong, AppError::Validation(ref e) if e[0].message == "附件用途应为便笺材料"), "{wrong:?}");
    assert!(matches!(w.app.attach(&w.staff, record, "material", "a.pdf", b"%PDF-1.4 x").await, Err(AppError::Forbidden)));
    assert!(matches!(w.app.attach(&w.other, record, "material", "a.pdf", b"%PDF-1.4 x").await, Err(AppError::NotFound)));
    let file = w.app.attach(&w.member, record, "material", "调研材料.pdf", b"%PDF-1.4 survey").await.unwrap();
    assert_eq!(w.app.record_file(&w.staff, record, file.id).await.unwrap().1, b"%PDF-1.4 survey");
    assert!(matches!(w.app.record_file(&w.other, record, file.id).await, Err(AppError::NotFound)));
    assert_eq!(w.app.files_of(&w.member, record).await.unwrap().len(), 1);

    // The action runner: visibility first (others: not found), then the party (audited), the
    // version, the input, the state.
    let finish = Finish { remark: "已形成提案".into() };
    assert!(matches!(workflow::run::<NoteFlow, _>(&w.app, &w.other, note.id, None, &finish).await, Err(AppError::NotFound)));
    assert!(matches!(workflow::run::<NoteFlow, _>(&w.app, &w.staff, note.id, None, &finish).await, Err(AppError::Forbidden)));
    assert_eq!(audit(&w, "permission_denied").await.len(), 1, "a refusal of the party is audited for every kind");
    assert!(matches!(workflow::run::<NoteFlow, _>(&w.app, &w.member, note.id, Some(99), &finish).await, Err(AppError::VersionConflict)));
    let blank = Finish { remark: " ".into() };
    assert!(matches!(workflow::run::<NoteFlow, _>(&w.app, &w.member, note.id, None, &blank).await, Err(AppError::Validation(_))));
    let done = workflow::run::<NoteFlow, _>(&w.app, &w.member, note.id, Some(1), &finish).await.unwrap();
    assert_eq!((done.status, done.version), (NoteStatus::Done, 2));
    let again = workflow::run::<NoteFlow, _>(&w.app, &w.member, note.id, None, &finish).await;
    assert!(matches!(again, Err(AppError::InvalidTransition(ref m)) if m == "便笺已经完成"), "{again:?}");

    // The change recorder: one audit entry per change, labelled by the kind; one timeline.
    let finished = audit(&w, "finish").await;
    assert_eq!(finished.len(), 1);
    assert_eq!(finished[0].summary, "便笺“关于老旧小区加装电梯的调研便笺”：完成：已形成提案");
    assert_eq!(w.app.records.action_label("test_note", "finish"), "完成便笺");
    assert_eq!(w.app.records.action_label("test_note", "attach"), "上传附件", "shared actions keep the kernel's label");
    assert_eq!(w.app.records.action_label("proposal", "finish"), "finish", "one kind's labels do not leak into another's");
    assert_eq!(
        timeline(&w, note.id).await,
        vec![
            ("create".into(), Some("open".into()), "新建便笺".into()),
            ("attach".into(), Some("open".into()), "上传便笺材料“调研材料.pdf”".into()),
            ("finish".into(), Some("done".into()), "完成：已形成提案".into()),
        ]
    );
    index.tick(&w.app.db).await.unwrap();
    assert_eq!(search(&w, &w.member, "电梯").await[0].3, "已完成", "the index re-read the record after the action");

    // Links to a record of another kind, shown at both ends, recorded on both timelines.
    let proposal = w.app.list_proposals(&w.staff, &Default::default()).await.unwrap().items[0].id;
    let to = RecordRef::proposal(proposal);
    assert!(matches!(w.app.link_records(&w.member, record, to, LinkRelation::ConvertedTo).await, Err(AppError::Forbidden)));
    let shown = w.app.link_records(&w.staff, record, to, LinkRelation::ConvertedTo).await.unwrap();
    assert_eq!((shown.label, shown.kind_label, shown.url.clone()), ("转为", "提案", format!("/proposals/{proposal}")));
    assert!(w.app.link_records(&w.staff, record, to, LinkRelation::ConvertedTo).await.is_err(), "linked once");
    let at_note = w.app.links_of(&w.staff, record).await.unwrap();
    assert_eq!((at_note.len(), at_note[0].label, at_note[0].record_id), (1, "转为", proposal));
    let at_proposal = w.app.get_proposal(&w.staff, proposal).await.unwrap().links;
    assert_eq!(at_proposal.len(), 1);
    assert_eq!((at_proposal[0].label, at_proposal[0].kind_label, at_proposal[0].url.as_str()), ("转自", "便笺", url.as_str()));
    assert_eq!(at_proposal[0].title, "关于老旧小区加装电梯的调研便笺");
    assert!(matches!(w.app.links_of(&w.other, record).await, Err(AppError::NotFound)));
    assert_eq!(timeline(&w, note.id).await.last().unwrap().2, format!("转为提案“{}”", w.app.get_proposal(&w.staff, proposal).await.unwrap().proposal.title));
    assert_eq!(audit(&w, "link").await.len(), 1, "the note's end of the link is audited (the proposal's end too, under its kind)");
}
