//! The registry of record kinds: for any record (`RecordRef`), whether an actor may see it, its
//! title, its URL, its labels, the files that may be attached to it now and its search documents.
//! Each module registers one `RecordModule` (docs/modules.md); the audit page, the search index,
//! record links and attachments work on every registered kind without knowing it.

mod files;
mod links;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use eline_domain::{Access, Actor, RecordKind, RecordRef};
use eline_search::Doc;
use eline_storage::Ex;

use crate::AppResult;

pub use links::ShownLink;

/// A boxed future of a module's answer (the registry holds modules of different types).
pub type Fut<'a, T> = Pin<Box<dyn Future<Output = AppResult<T>> + Send + 'a>>;

/// One record as one actor sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub access: Access,
    /// What people call the record (a proposal's title, a member's name).
    pub title: String,
    /// The record's status name, if it has a workflow.
    pub status: Option<&'static str>,
    /// File purposes the actor may attach to the record now.
    pub purposes: Vec<&'static str>,
}

/// What a module tells the kernel about its kind of record.
pub trait RecordModule: Send + Sync + 'static {
    fn kind(&self) -> RecordKind;
    /// The kind's Chinese name (提案, 委员).
    fn label(&self) -> &'static str;
    /// The record's page.
    fn url(&self, id: i64) -> String;
    /// The Chinese label of an action recorded on such a record (audit log, timeline), when it
    /// is the module's own; the shared actions (新建, 修改, 上传附件 …) are labelled by the kernel.
    fn action_label(&self, action: &str) -> Option<&'static str>;
    /// The Chinese label of a status (search facets and hits).
    fn status_label(&self, status: &str) -> Option<&'static str>;
    /// The purposes files of this kind are attached for, with their Chinese names.
    fn purposes(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }
    /// Record `id` of the actor's committee as the actor sees it (its access may be `None`);
    /// `None` when there is no such record in the committee.
    fn see<'a>(&'a self, ex: &'a mut Ex<'_>, actor: &'a Actor, id: i64) -> Fut<'a, Option<Seen>>;
    /// Whether the record's files belong to its public view (an activity's materials are part of
    /// its notice); otherwise only the whole record carries them.
    fn public_files(&self) -> bool {
        false
    }
    /// Whether the actor may open a search hit, when the actor and the indexed status decide it
    /// without reading the record (`None`: read it with `see`).
    fn may_open_hit(&self, _actor: &Actor, _id: i64, _status: &str) -> Option<bool> {
        None
    }
    /// Search documents of the records with ids in `from..=to`, all committees (none: the kind
    /// is not searched).
    fn documents<'a>(&'a self, ex: &'a mut Ex<'_>, from: i64, to: i64) -> Fut<'a, Vec<Doc>>;
    /// Other records of the kind whose documents change with record `id` (a merge changes who
    /// sees the proposal merged into).
    fn related<'a>(&'a self, _ex: &'a mut Ex<'_>, _id: i64) -> Fut<'a, Vec<i64>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    /// The highest id of the kind (a rebuild of the index walks `1..=max_id`).
    fn max_id<'a>(&'a self, ex: &'a mut Ex<'_>) -> Fut<'a, i64>;
    /// Told the registry it belongs to, each time one is made with it: a kind whose records
    /// hang on records of other kinds (批示) answers for them through it.
    fn registered(&self, _registry: WeakRegistry) {}
}

/// A registry as its modules hold it (no cycle: the registry owns its modules).
#[derive(Clone, Default)]
pub struct WeakRegistry(std::sync::Weak<Vec<Arc<dyn RecordModule>>>);

impl WeakRegistry {
    pub fn upgrade(&self) -> Option<Registry> {
        self.0.upgrade().map(|modules| Registry { modules })
    }
}

/// The registered kinds, in the order searches and menus list them.
#[derive(Clone)]
pub struct Registry {
    modules: Arc<Vec<Arc<dyn RecordModule>>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.modules.iter().map(|m| m.kind())).finish()
    }
}

impl Default for Registry {
    fn default() -> Registry {
        Registry::standard()
    }
}

impl Registry {
    /// The modules of eline: one line per module.
    pub fn standard() -> Registry {
        Registry { modules: Arc::new(Vec::new()) }
            .with(crate::proposals::record::Proposals)
            .with(crate::opinions::record::Opinions)
            .with(crate::activities::record::Activities)
            .with(crate::bulletins::record::Bulletins)
            .with(crate::members::record::Members)
            .with(crate::instructions::record::Instructions::default())
    }

    /// The registry with one more module (a kind registered twice replaces the first).
    pub fn with(self, module: impl RecordModule) -> Registry {
        let mut modules: Vec<Arc<dyn RecordModule>> = self.modules.iter().filter(|m| m.kind() != module.kind()).cloned().collect();
        modules.push(Arc::new(module));
        let registry = Registry { modules: Arc::new(modules) };
        for m in registry.modules.iter() {
            m.registered(WeakRegistry(Arc::downgrade(&registry.modules)));
        }
        registry
    }

    pub fn get(&self, kind: &str) -> Option<&dyn RecordModule> {
        self.modules.iter().find(|m| m.kind().as_str() == kind).map(|m| m.as_ref())
    }

    pub fn modules(&self) -> impl Iterator<Item = &dyn RecordModule> {
        self.modules.iter().map(|m| m.as_ref())
    }

    /// (kind, label) of every registered kind.
    pub fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        self.modules().map(|m| (m.kind().as_str(), m.label())).collect()
    }

    /// The kind's Chinese name ("记录" for a kind no module registers).
    pub fn kind_label(&self, kind: &str) -> &'static str {
        self.get(kind).map(|m| m.label()).unwrap_or("记录")
    }

    /// The Chinese label of an action recorded on a record of `kind` (or on no record).
    pub fn action_label<'a>(&self, kind: &str, action: &'a str) -> &'a str {
        self.get(kind).and_then(|m| m.action_label(action)).or_else(|| shared_action_label(action)).unwrap_or(action)
    }

    /// The status's Chinese label, whichever kind it belongs to (search facets mix kinds).
    pub fn status_label(&self, kind: Option<&str>, status: &str) -> String {
        let label = match kind {
            Some(k) => self.get(k).and_then(|m| m.status_label(status)),
            None => self.modules().find_map(|m| m.status_label(status)),
        };
        label.unwrap_or_default().to_string()
    }

    pub fn url(&self, record: RecordRef) -> Option<String> {
        self.get(record.kind.as_str()).map(|m| m.url(record.id))
    }
}

/// The actions every kind shares (foundation actions, files, links) and those on no record.
pub const SHARED_ACTIONS: [(&str, &str); 25] = [
    ("create", "新建"),
    ("update", "修改"),
    ("archive", "归档"),
    ("restore", "恢复"),
    ("import", "导入"),
    ("attach", "上传附件"),
    ("link", "关联记录"),
    ("instruct", "领导批示"),
    ("instruction_followup", "批示落实"),
    ("login", "登录"),
    ("login_failed", "登录失败"),
    ("password_changed", "修改密码"),
    ("password_reset", "重置密码"),
    ("token_created", "创建令牌"),
    ("token_revoked", "吊销令牌"),
    ("tokens_revoked", "吊销全部令牌"),
    ("permission_denied", "越权被拒"),
    ("demo_loaded", "加载演示数据"),
    ("calendar_set", "调整工作日历"),
    ("calendar_cleared", "撤销日历调整"),
    ("settings_changed", "修改设置"),
    ("device_session_opened", "设备登录"),
    ("refresh_token_reused", "刷新令牌被重复使用"),
    ("account_opened", "开通委员账号"),
    (PUBLISHED_IN_BULLETIN, "编入期刊印发"),
];

/// A report printed in an issued bulletin (recorded on the report by the bulletin module).
pub const PUBLISHED_IN_BULLETIN: &str = "published_in_bulletin";

pub fn shared_action_label(action: &str) -> Option<&'static str> {
    SHARED_ACTIONS.iter().find(|(a, _)| *a == action).map(|(_, l)| *l)
}

impl crate::App {
    /// Record `record` as the actor sees it: `NotFound` when it does not exist in the actor's
    /// committee, its kind is unknown, or the actor may not see it at all.
    pub async fn see(&self, actor: &Actor, record: RecordRef) -> AppResult<Seen> {
        let module = self.records.get(record.kind.as_str()).ok_or(crate::AppError::NotFound)?;
        let mut c = self.db.acquire().await?;
        match module.see(&mut c.ex(), actor, record.id).await? {
            Some(seen) if seen.access != Access::None => Ok(seen),
            _ => Err(crate::AppError::NotFound),
        }
    }
}
