//! The action runner every workflow module uses (docs/modules.md): one transaction per action —
//! load the record, check that the actor may see it and that the version is current, ask the
//! module's pure transition, apply the action's effects, save, record the change (audit,
//! timeline, outbox) and commit. A refused action changes nothing; a refusal of the party itself
//! (Forbidden) is audited the same way for every module.

use std::future::Future;

use eline_domain::record::Refusal;
use eline_domain::{Access, Actor, RecordKind, RecordRef};
use eline_storage::Tx;

use crate::change::{self, Change, Topic};
use crate::context::audit_write;
use crate::{App, AppError, AppResult};

/// A record kind with a workflow: what the runner needs of the module.
pub trait Workflow: Send + Sync + 'static {
    const KIND: RecordKind;
    /// Outbox topics every change of such a record follows.
    const TOPICS: &'static [Topic];
    /// The record as an action needs it: the stored row, what decides who may do what, and the
    /// configuration in force (loaded in the action's transaction).
    type Loaded: Send + Sync;
    /// The stored row an action returns.
    type Saved: serde::Serialize + Send;
    /// The module's pure input to its transition (e.g. `proposal::Step`).
    type Step: Copy + Send + Sync;
    type Status: Copy + Send + Sync;

    fn load(app: &App, tx: &mut Tx, actor: &Actor, id: i64) -> impl Future<Output = AppResult<Self::Loaded>> + Send;
    /// How much of the record the actor may see (`None`: "not found"): pure, from what `load`
    /// read (the same rule the record page, the lists and the search index follow).
    fn access(loaded: &Self::Loaded, actor: &Actor) -> Access;
    fn version(loaded: &Self::Loaded) -> i64;
    /// The state after `step`, or why it is refused (the module's pure transition).
    fn decide(loaded: &Self::Loaded, actor: &Actor, step: Self::Step) -> Result<Self::Status, Refusal>;
    fn status_name(status: Self::Status) -> &'static str;
    /// Stores the record in its new state (version checked); returns the stored row.
    fn save(tx: &mut Tx, loaded: &mut Self::Loaded, next: Self::Status) -> impl Future<Output = AppResult<Self::Saved>> + Send;
    fn before(loaded: &Self::Loaded) -> &Self::Saved;
    /// The audit summary of an action: "提案“…”：<note>".
    fn summary(saved: &Self::Saved, note: &str) -> String;
    /// Who is told of the action (the module's part of `crate::notify::events`): asked after the
    /// record was saved, in the action's transaction; `note` is the timeline's note.
    fn notices(
        tx: &mut Tx,
        actor: &Actor,
        action: &str,
        loaded: &Self::Loaded,
        saved: &Self::Saved,
        note: &str,
    ) -> impl Future<Output = AppResult<Vec<crate::notify::Notice>>> + Send;
}

/// One action of a workflow: its typed input (the JSON body and the form, the same struct), its
/// step, and its effects.
pub trait Action<W: Workflow>: Send + Sync {
    /// The action's name (API path and audit/timeline action).
    fn name(&self) -> &'static str;
    /// The Chinese label (refusal audit, messages).
    fn label(&self) -> &'static str;
    /// What the input asks of the transition (validates what decides the step).
    fn step(&self) -> AppResult<W::Step>;
    /// The action's effects beyond the state change (rows of its own, fields of the record);
    /// returns the timeline note. Runs inside the action's transaction after the transition
    /// allowed the step.
    fn apply(&self, cx: &mut Cx<'_, W>) -> impl Future<Output = AppResult<String>> + Send;
}

/// What an action's effects work with.
pub struct Cx<'a, W: Workflow> {
    pub app: &'a App,
    pub tx: &'a mut Tx,
    pub actor: &'a Actor,
    pub loaded: &'a mut W::Loaded,
    /// The state the transition leads to.
    pub next: W::Status,
}

/// Runs `action` on record `id` in its own transaction; `version`, when given, must be current.
pub async fn run<W: Workflow, A: Action<W>>(app: &App, actor: &Actor, id: i64, version: Option<i64>, action: &A) -> AppResult<W::Saved> {
    let mut tx = app.db.begin().await?;
    match run_in::<W, A>(app, &mut tx, actor, id, version, action).await {
        Ok(saved) => {
            tx.commit().await?;
            app.hub.wake.notify_one();
            Ok(saved)
        }
        Err(e) => {
            drop(tx);
            Err(audit_refusal(app, actor, RecordRef::new(W::KIND, id), action.label(), e).await)
        }
    }
}

/// The action inside a transaction the caller owns (bulk actions run many in one).
pub async fn run_in<W: Workflow, A: Action<W>>(app: &App, tx: &mut Tx, actor: &Actor, id: i64, version: Option<i64>, action: &A) -> AppResult<W::Saved> {
    let mut loaded = W::load(app, tx, actor, id).await?;
    if W::access(&loaded, actor) == Access::None {
        return Err(AppError::NotFound);
    }
    if version.is_some_and(|v| v != W::version(&loaded)) {
        return Err(AppError::VersionConflict);
    }
    let next = W::decide(&loaded, actor, action.step()?)?;
    let note = action.apply(&mut Cx { app, tx: &mut *tx, actor, loaded: &mut loaded, next }).await?;
    let before = crate::snapshot(W::before(&loaded));
    let saved = W::save(tx, &mut loaded, next).await?;
    let notices = W::notices(tx, actor, action.name(), &loaded, &saved, &note).await?;
    crate::notify::send(tx, actor.committee_id, Some(actor.user_id), &notices).await?;
    let change = Change {
        record: RecordRef::new(W::KIND, id),
        action: action.name(),
        summary: W::summary(&saved, &note),
        before,
        after: crate::snapshot(&saved),
        timeline: Some((Some(W::status_name(next)), &note)),
        topics: W::TOPICS,
    };
    change::record(tx, actor, change).await?;
    Ok(saved)
}

/// After an action's transaction was rolled back: a refusal of the party (Forbidden) is audited
/// in its own transaction; the error is passed on.
pub async fn audit_refusal(app: &App, actor: &Actor, record: RecordRef, label: &str, e: AppError) -> AppError {
    if !matches!(e, AppError::Forbidden) {
        return e;
    }
    let recorded = async {
        let mut tx = app.db.begin().await?;
        audit_write(&mut tx, Some(actor), "permission_denied", record.kind.as_str(), Some(record.id), format!("拒绝：{label}"), None, None).await?;
        tx.commit().await?;
        Ok::<(), AppError>(())
    };
    match recorded.await {
        Ok(()) => e,
        Err(audit_error) => audit_error,
    }
}

/// A JSON body as an action's input type (an absent body is an empty object).
pub fn typed<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> AppResult<T> {
    let body = if body.is_null() { serde_json::json!({}) } else { body };
    serde_json::from_value(body).map_err(|e| body_error(&e.to_string()))
}

/// A body that does not fit its type: the field serde names and a Chinese message.
pub fn body_error(serde_message: &str) -> AppError {
    let quoted = serde_message.split('`').nth(1).unwrap_or("");
    if serde_message.contains("missing field") {
        AppError::field(quoted, format!("缺少字段“{quoted}”"))
    } else if serde_message.contains("unknown field") {
        AppError::field(quoted, format!("不认识的字段“{quoted}”"))
    } else {
        AppError::field("body", format!("请求内容格式有误（{serde_message}）"))
    }
}

/// Declares a module's actions once (docs/modules.md, "Actions"): from the list
/// `name: Variant => InputType,` (each input type implements `Action<$flow>`) it makes
/// - `$enum`, any action with its typed input, for callers that choose the action at run time
///   (the API's `POST …/{id}/<name>`, the page's action form);
/// - `$enum::parse(name, json)` (the field that does not fit is named in Chinese; an unknown
///   name is "not found"), `$enum::NAMES` (the routes), `$enum::name()`;
/// - `App::$method(actor, id, version, input)`, which runs the action with `run`.
///
/// Modules keep their list in a `<module>_actions!` macro that calls back with it, so the web
/// crate builds routes and forms from the same list.
#[macro_export]
macro_rules! workflow_actions {
    ($flow:ty, $enum:ident, $method:ident; $($name:ident: $variant:ident => $input:ty,)*) => {
        /// Any action of the module with its input.
        #[derive(Debug, Clone)]
        pub enum $enum {
            $($variant($input),)*
        }

        impl $enum {
            /// The actions' names, as the API routes and the audit log have them.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),*];

            /// The action named `name` with its JSON body (typed). An unknown name is "not found".
            pub fn parse(name: &str, body: serde_json::Value) -> $crate::AppResult<$enum> {
                match name {
                    $(stringify!($name) => Ok($enum::$variant($crate::workflow::typed(body)?)),)*
                    _ => Err($crate::AppError::NotFound),
                }
            }

            pub fn name(&self) -> &'static str {
                match self {
                    $($enum::$variant(_) => stringify!($name),)*
                }
            }
        }

        impl $crate::App {
            /// Takes one action on a record of the module; `version`, when given, must be current.
            pub async fn $method(
                &self,
                actor: &eline_domain::Actor,
                id: i64,
                version: Option<i64>,
                input: $enum,
            ) -> $crate::AppResult<<$flow as $crate::workflow::Workflow>::Saved> {
                match &input {
                    $($enum::$variant(i) => $crate::workflow::run::<$flow, _>(self, actor, id, version, i).await,)*
                }
            }
        }
    };
}
