//! Searchable pickers: choosing members (co-signers, the member an account belongs to) and
//! units from a list found by name, pinyin, pinyin initials or 界别 — never by typing an id.
//!
//! The roster of a city committee is a few hundred members and its units a few dozen, so a
//! search reads the committee's list and matches in memory; `eline bench-data`'s 10,000 members
//! take a few milliseconds.

use eline_domain::Actor;
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource, can};
use pinyin::ToPinyin;
use serde::Serialize;

use crate::accounts::pinyin_of;
use crate::{App, AppError, AppResult};

/// Where a picker's choices come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Members of the roster (name, pinyin, initials, 界别).
    Members,
    /// Handling units of the directory (name, pinyin, initials, category).
    Units,
}

impl Source {
    pub fn parse(s: &str) -> Option<Source> {
        match s {
            "members" => Some(Source::Members),
            "units" => Some(Source::Units),
            _ => None,
        }
    }

    /// The name `parse` reads (the path of `/api/v1/pickers/{source}`).
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Members => "members",
            Source::Units => "units",
        }
    }
}

/// One choice of a picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pick {
    pub id: i64,
    pub name: String,
    /// What tells two of the same name apart: a member's 界别, a unit's category.
    pub detail: String,
}

impl Pick {
    /// "张三（经济界）", as chips and lists show a choice.
    pub fn label(&self) -> String {
        if self.detail.is_empty() { self.name.clone() } else { format!("{}（{}）", self.name, self.detail) }
    }
}

/// The first letter of each character's pinyin (张三丰 → zsf); Latin letters and digits are kept.
pub fn initials_of(name: &str) -> String {
    name.chars()
        .zip(name.to_pinyin())
        .filter_map(|(c, p)| match p {
            Some(p) => p.plain().chars().next(),
            None if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .collect()
}

/// Whether a choice answers the query: its name or detail contains it, or (for a query in Latin
/// letters) its pinyin or pinyin initials start with it. An empty query matches everything.
pub fn matches(query: &str, name: &str, detail: &str) -> bool {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return true;
    }
    if name.to_lowercase().contains(&q) || detail.contains(&q) {
        return true;
    }
    if q.chars().all(|c| c.is_ascii_alphanumeric()) {
        return initials_of(name).starts_with(&q) || pinyin_of(name).starts_with(&q);
    }
    false
}

/// The most choices one search answers.
pub const MAX_PICKS: usize = 50;

impl App {
    /// The choices of `source` matching `query` (at most `limit`, in the list's order).
    pub async fn picks(&self, actor: &Actor, source: Source, query: &str, limit: usize) -> AppResult<Vec<Pick>> {
        let limit = limit.clamp(1, MAX_PICKS);
        let all = self.all_picks(actor, source).await?;
        Ok(all.into_iter().filter(|p| matches(query, &p.name, &p.detail)).take(limit).collect())
    }

    /// The choices of the given ids (for showing what a form has picked), in the ids' order;
    /// ids that are not choices are left out.
    pub async fn picked(&self, actor: &Actor, source: Source, ids: &[i64]) -> AppResult<Vec<Pick>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let all = self.all_picks(actor, source).await?;
        Ok(ids.iter().filter_map(|id| all.iter().find(|p| p.id == *id).cloned()).collect())
    }

    /// Active members as (id, name, 界别), in the roster's order.
    async fn member_roster(&self, actor: &Actor) -> AppResult<Vec<(i64, String, String)>> {
        let mut c = self.db.acquire().await?;
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let f = eline_storage::members::Filter { after_id: Some(after), ..Default::default() };
            let page = eline_storage::members::list(&mut c.ex(), actor.committee_id, &f, 1000).await?;
            let Some(last) = page.last() else { break };
            after = last.member.id;
            out.extend(page.into_iter().map(|r| (r.member.id, r.member.name, r.sector_name)));
        }
        Ok(out)
    }

    async fn all_picks(&self, actor: &Actor, source: Source) -> AppResult<Vec<Pick>> {
        match source {
            Source::Members => {
                if !can(actor, Action::PickMembers, Resource::Any) {
                    return Err(AppError::Forbidden);
                }
                Ok(self.member_roster(actor).await?.into_iter().map(|(id, name, detail)| Pick { id, name, detail }).collect())
            }
            Source::Units => Ok(self
                .directory_choices(actor, DirectoryKind::Unit)
                .await?
                .into_iter()
                .map(|e| Pick { id: e.id, name: e.name, detail: e.category.unwrap_or_default() })
                .collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_is_found_by_name_pinyin_initials_and_sector() {
        assert!(matches("张", "张三丰", "经济界"));
        assert!(matches("zsf", "张三丰", "经济界"));
        assert!(matches("ZS", "张三丰", "经济界"));
        assert!(matches("zhangsan", "张三丰", "经济界"));
        assert!(matches("经济", "张三丰", "经济界"));
        assert!(matches("", "张三丰", "经济界"));
        assert!(!matches("ls", "张三丰", "经济界"));
        assert!(!matches("教育", "张三丰", "经济界"));
        assert!(!matches("sanfeng", "张三丰", "经济界"), "pinyin matches from the start of the name");
    }

    #[test]
    fn initials_keep_latin_letters() {
        assert_eq!(initials_of("王帆凯"), "wfk");
        assert_eq!(initials_of("李A明"), "lam");
    }
}
