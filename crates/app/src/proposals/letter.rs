//! The reply letter (答复函): one reply of a proposal laid out as the letter a unit sends.
//!
//! The layout follows the letters handling units send in reply to CPPCC proposals: the unit's
//! name as letterhead, 文号 and 公开属性, the title "关于<committee's full name><session>第N号提案的
//! 答复", the addressee, the unit's own text as the body, the signature block (unit and the
//! date written 2026年12月1日), 联系人/联系电话 and the 抄送 line. The letter adds exactly the
//! parts listed in [`LETTER_ADDS`]; the reply form says so, so units type only the body.

use eline_domain::Actor;
use eline_domain::policy::{Action, Resource};
use eline_domain::proposal::{CosignStatus, Kind};
use eline_storage::committees::Committee;
use eline_storage::proposals::Reply;

use super::ProposalView;
use crate::context::audit_write;
use crate::dates::chinese_date;
use crate::{App, AppError, AppResult};

/// What the letter prints around the unit's text (shown as a hint on the reply form).
pub const LETTER_ADDS: &str = "答复函会自动加上：单位名称、文号、公开属性、标题（关于……第N号提案的答复）、称呼（如“王芳委员：”）、落款单位和日期、联系人和联系电话、抄送。\
     请只填写正文，从“您提出的……提案收悉”写起，写到致谢语为止。";

/// What a reply letter shows.
pub struct Letter {
    pub view: ProposalView,
    pub reply: Reply,
    /// The reply class (A/B/C…) as the committee's rules name it.
    pub class_label: String,
    /// "关于中国人民政治协商会议清河市委员会十三届二次会议第0001号提案的答复"
    pub title: String,
    /// "王芳委员", "王芳等委员" (joint), or the organisation (collective).
    pub addressee: String,
    /// The reply's day, written 2026年12月1日.
    pub date: String,
    /// "清河市政协提案委员会"
    pub copy_to: String,
    /// The unit's text in paragraphs (blank lines dropped); the last one is printed together
    /// with the signature block so that the signature never stands alone on a page.
    pub paragraphs: Vec<String>,
}

/// The committee's full official name: the one set for letters, else the row's name with its
/// leading "政协" spelled out (政协清河市委员会 → 中国人民政治协商会议清河市委员会).
pub fn full_name(c: &Committee) -> String {
    if let Some(full) = c.full_name.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        return full.to_string();
    }
    match c.name.strip_prefix("政协") {
        Some(rest) => format!("中国人民政治协商会议{rest}"),
        None => c.name.clone(),
    }
}

fn addressee(view: &ProposalView) -> String {
    match (&view.organization_name, &view.proposer_name) {
        (Some(org), _) if view.proposal.kind == Kind::Collective => org.clone(),
        (_, Some(name)) if view.cosigners.iter().any(|c| c.status == CosignStatus::Confirmed) => format!("{name}等委员"),
        (_, Some(name)) => format!("{name}委员"),
        (Some(org), None) => org.clone(),
        (None, None) => "提案人".into(),
    }
}

impl App {
    /// The committee's full name for letters (as set, else spelled out) and what is set.
    pub async fn committee_full_name(&self, actor: &Actor) -> AppResult<(String, Option<String>)> {
        let mut c = self.db.acquire().await?;
        let committee = eline_storage::committees::get(&mut c.ex(), actor.committee_id).await?.ok_or(AppError::NotFound)?;
        Ok((full_name(&committee), committee.full_name.clone()))
    }

    /// Sets the committee's full name for letter headings (empty: spell out the name); at most
    /// 60 characters, one line. Admins (settings), audited.
    pub async fn set_committee_full_name(&self, actor: &Actor, full_name: Option<&str>) -> AppResult<()> {
        self.require(actor, Action::ManageSettings, Resource::Any).await?;
        let value = eline_domain::text::optional("full_name", "委员会全称", full_name, 60).map_err(|e| AppError::Validation(vec![e]))?;
        let mut tx = self.db.begin().await?;
        eline_storage::committees::set_full_name(&mut tx.ex(), actor.committee_id, value.as_deref()).await?;
        let summary = match &value {
            Some(v) => format!("设置委员会全称（公文标题）：{v}"),
            None => "清除委员会全称设置（公文标题使用委员会名称）".to_string(),
        };
        audit_write(&mut tx, Some(actor), "settings_changed", "settings", None, summary, None, Some(serde_json::json!({ "full_name": value }))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The letter of the actor's own unit's latest reply, or else of the latest reply; "not
    /// found" before any reply, or when the actor may not see the handling record.
    pub async fn reply_letter(&self, actor: &Actor, id: i64) -> AppResult<Letter> {
        let view = self.get_proposal(actor, id).await?;
        let mine = view.my_unit_id;
        let reply =
            view.replies.iter().rev().find(|r| mine.is_none_or(|u| r.unit_id == u)).or_else(|| view.replies.last()).cloned().ok_or(AppError::NotFound)?;
        let class_label = self.current_proposal_rules(actor).await?.reply_class_label(&reply.class).unwrap_or("").to_string();
        let committee = {
            let mut c = self.db.acquire().await?;
            eline_storage::committees::get(&mut c.ex(), actor.committee_id).await?.ok_or(AppError::NotFound)?
        };
        let number = view.proposal.number.map(|n| format!("第{n:04}号")).unwrap_or_default();
        let title = format!("关于{}{}{number}提案的答复", full_name(&committee), view.session_name);
        let addressee = addressee(&view);
        let date = chinese_date(reply.at);
        let copy_to = format!("{}提案委员会", committee.short_name);
        let paragraphs = reply.text.lines().map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect();
        Ok(Letter { view, reply, class_label, title, addressee, date, copy_to, paragraphs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committee(name: &str, full: Option<&str>) -> Committee {
        Committee {
            id: 1,
            parent_id: None,
            name: name.into(),
            short_name: "清河市政协".into(),
            level: "city".into(),
            created_at: 0,
            full_name: full.map(String::from),
        }
    }

    #[test]
    fn the_full_name_is_the_one_set_or_the_name_spelled_out() {
        assert_eq!(full_name(&committee("政协清河市委员会", None)), "中国人民政治协商会议清河市委员会");
        assert_eq!(full_name(&committee("政协清河市委员会", Some("中国人民政治协商会议清河市委员会（试）"))), "中国人民政治协商会议清河市委员会（试）");
        assert_eq!(full_name(&committee("清河市委员会", Some("  "))), "清河市委员会");
    }
}
