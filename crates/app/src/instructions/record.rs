//! Instructions in the registry of record kinds (`crate::records`). An instruction has no
//! audience of its own: it is seen by whoever sees its record whole, so `see` asks the record's
//! module, and its search document carries the record's grants (the hit is checked with `see`
//! again, so a record whose audience changed since can hide the hit, never reveal it).

use std::collections::HashMap;
use std::sync::RwLock;

use eline_domain::opinion::Level;
use eline_domain::policy::Grant;
use eline_domain::{Access, Actor, RecordKind, instruction};
use eline_search::Doc;
use eline_storage::{Ex, instructions};

use crate::records::{Fut, RecordModule, Registry, Seen, WeakRegistry};

/// The instructions module's registration.
#[derive(Default)]
pub struct Instructions {
    registry: RwLock<WeakRegistry>,
}

impl Instructions {
    fn registry(&self) -> Option<Registry> {
        self.registry.read().unwrap_or_else(|e| e.into_inner()).upgrade()
    }
}

/// How an instruction is named: "张明（市长）批示".
pub fn title(leader_name: &str, leader_post: &str) -> String {
    format!("{leader_name}（{leader_post}）批示")
}

impl RecordModule for Instructions {
    fn kind(&self) -> RecordKind {
        RecordKind::INSTRUCTION
    }

    fn label(&self) -> &'static str {
        "领导批示"
    }

    fn url(&self, id: i64) -> String {
        format!("/instructions/{id}")
    }

    fn action_label(&self, _action: &str) -> Option<&'static str> {
        None
    }

    /// The index keeps an instruction's rank as its status (a facet: 市级, 省级, 全国).
    fn status_label(&self, status: &str) -> Option<&'static str> {
        Level::parse(status).map(|l| match l {
            Level::City => "市级批示",
            Level::Province => "省级批示",
            Level::National => "全国批示",
        })
    }

    fn see<'a>(&'a self, ex: &'a mut Ex<'_>, actor: &'a Actor, id: i64) -> Fut<'a, Option<Seen>> {
        Box::pin(async move {
            let Some(i) = instructions::get(&mut *ex, actor.committee_id, id).await? else { return Ok(None) };
            let registry = self.registry();
            let record = match registry.as_ref().and_then(|r| r.get(&i.record_kind)) {
                Some(m) => m.see(ex, actor, i.record_id).await?,
                None => None,
            };
            let access = instruction::access(record.as_ref().map_or(Access::None, |s| s.access));
            Ok(Some(Seen { access, title: title(&i.leader_name, &i.leader_post), status: Some(i.rank.as_str()), purposes: Vec::new() }))
        })
    }

    fn documents<'a>(&'a self, ex: &'a mut Ex<'_>, from: i64, to: i64) -> Fut<'a, Vec<Doc>> {
        Box::pin(async move {
            let (rows, followups) = instructions::range(&mut *ex, from, to).await?;
            let Some(registry) = self.registry() else { return Ok(Vec::new()) };
            let mut done: HashMap<i64, Vec<String>> = HashMap::new();
            for f in followups {
                done.entry(f.instruction_id).or_default().push(format!("{} {}：{}", f.done_on, f.by_whom, f.what));
            }
            // The record's document, once per record: its title and who finds it.
            let mut targets: HashMap<(String, i64), Option<Doc>> = HashMap::new();
            let mut docs = Vec::with_capacity(rows.len());
            for i in rows {
                let key = (i.record_kind.clone(), i.record_id);
                if !targets.contains_key(&key) {
                    let doc = match registry.get(&i.record_kind) {
                        Some(m) => m.documents(&mut *ex, i.record_id, i.record_id).await?.into_iter().next(),
                        None => None,
                    };
                    targets.insert(key.clone(), doc);
                }
                let target = targets.get(&key).and_then(Option::as_ref);
                docs.push(Doc {
                    kind: RecordKind::INSTRUCTION.0.into(),
                    id: i.id,
                    committee_id: i.committee_id,
                    title: title(&i.leader_name, &i.leader_post),
                    body: i.gist.clone(),
                    extra: format!("{}\n{}", target.map(|d| d.title.as_str()).unwrap_or_default(), done.remove(&i.id).unwrap_or_default().join("\n")),
                    year: Some(i.year()),
                    session_id: None,
                    status: i.rank.as_str().into(),
                    units: Vec::new(),
                    lead_unit: None,
                    sector: None,
                    acl: audience(target),
                    at: i.created_at,
                });
            }
            Ok(docs)
        })
    }

    fn max_id<'a>(&'a self, ex: &'a mut Ex<'_>) -> Fut<'a, i64> {
        Box::pin(async move { Ok(instructions::max_id(ex).await?) })
    }

    fn registered(&self, registry: WeakRegistry) {
        *self.registry.write().unwrap_or_else(|e| e.into_inner()) = registry;
    }
}

/// Who finds an instruction: those who find its record, but not as the public or all members
/// (those grants open a published record's public view, which shows no instructions); the
/// office alone when the record has no document.
fn audience(target: Option<&Doc>) -> Vec<String> {
    let public = [Grant::Public.to_string(), Grant::Members.to_string()];
    match target {
        Some(d) => d.acl.iter().filter(|g| !public.contains(g)).cloned().collect(),
        None => vec![Grant::Office.to_string()],
    }
}
