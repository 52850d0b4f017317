//! Use cases of the bulletin issues (期刊《社情民意》《资政之声》): the information office compiles
//! adopted reports into a draft issue (one report: 单篇; several, each credited: 综合), edits its
//! text and lines, issues it (印发: numbered 第N期 of its series and year, its reports published
//! to members) and records to whom it was sent. Each action one transaction on the workflow
//! kernel (`flow.rs`), with its timeline and audit entries on the issue and, at issue, on each
//! report ("编入《社情民意》2026年第3期"). The rules are `eline_domain::bulletin`.

mod create;
mod filter;
mod flow;
pub mod inputs;
pub mod record;
mod view;

use eline_domain::bulletin;
use eline_domain::opinion::Channel;
use eline_domain::{Access, Actor};
use eline_storage::Ex;
use eline_storage::bulletins::{self, Bulletin};
use eline_storage::opinions::{self, Opinion};

pub use filter::BulletinFilter;
pub use flow::BulletinFlow;
pub use inputs::*;
pub use view::{BulletinPrint, BulletinRef, BulletinView};

use crate::{AppError, AppResult};

/// How much of an issue the actor may see (the one rule: `eline_domain::bulletin::access`).
pub fn access(actor: &Actor, b: &Bulletin) -> Access {
    if b.committee_id != actor.committee_id {
        return Access::None;
    }
    bulletin::access(actor, b.status)
}

/// The report `opinion_id` of the actor's committee if it may be compiled into an issue of
/// `series` now; else a Chinese error on the field `opinion_id` (a report of another committee is
/// not found, as one that does not exist).
pub(crate) async fn compilable(ex: &mut Ex<'_>, actor: &Actor, series: Channel, opinion_id: Option<i64>) -> AppResult<Opinion> {
    let id = opinion_id.ok_or_else(|| AppError::field("opinion_id", "请选择要编入的信息"))?;
    let o = opinions::get(&mut *ex, actor.committee_id, id).await?.ok_or_else(|| AppError::field("opinion_id", format!("找不到编号为{id}的信息")))?;
    if let Some(h) = bulletins::holder(ex, o.id).await? {
        let label = bulletin::issue_label(h.series, h.year, h.number);
        return Err(AppError::field("opinion_id", format!("信息“{}”已编入{label}“{}”，一篇信息只编入一期", o.title, h.title)));
    }
    if let Some(why) = bulletin::compile_refusal(o.status, o.channel, series) {
        return Err(AppError::field("opinion_id", format!("信息“{}”：{why}", o.title)));
    }
    Ok(o)
}

/// A report's default credit: its author's name, cut to the credit's length.
pub(crate) fn default_credit(o: &Opinion) -> String {
    o.author_name.chars().take(bulletin::CREDIT_MAX).collect()
}
