//! The committee's configurable limits of the information work (DOMAIN.md defaults).

use serde::{Deserialize, Serialize};

use super::Channel;
use crate::{FieldError, Invalid};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionRules {
    /// Most characters of a report's text (一事一报, default 1,500).
    pub body_max_chars: usize,
    pub title_max_chars: usize,
    /// Working days from submission to the office's decision: 社情民意.
    pub opinion_target_days: u32,
    /// Working days from submission to decision: 资政之声 (default 5).
    pub direct_target_days: u32,
    /// The office that edits and issues the bulletins (编发单位).
    pub editor_unit: String,
}

impl Default for OpinionRules {
    fn default() -> Self {
        OpinionRules {
            body_max_chars: 1500, title_max_chars: 60, opinion_target_days: 15, direct_target_days: 5, editor_unit: "政协办公室信息科".into()
        }
    }
}

impl OpinionRules {
    pub fn target_days(&self, channel: Channel) -> u32 {
        match channel {
            Channel::Opinion => self.opinion_target_days,
            Channel::Direct => self.direct_target_days,
        }
    }

    /// A report's title and text as written, every error at once.
    pub fn check_text(&self, title: &str, body: &str) -> Result<(String, String), Invalid> {
        let (title, body) = (title.split_whitespace().collect::<Vec<_>>().join(" "), body.trim().replace("\r\n", "\n"));
        let mut invalid = Invalid::default();
        let chars = |s: &str| s.chars().count();
        if title.is_empty() {
            invalid.0.push(FieldError::new("title", "请填写标题"));
        } else if chars(&title) > self.title_max_chars {
            invalid.0.push(FieldError::new("title", format!("标题最多{}个字，现有{}个字", self.title_max_chars, chars(&title))));
        }
        if body.is_empty() {
            invalid.0.push(FieldError::new("body", "请填写正文：反映的情况、问题和建议"));
        } else if chars(&body) > self.body_max_chars {
            invalid.0.push(FieldError::new("body", format!("一事一报，正文最多{}个字，现有{}个字", self.body_max_chars, chars(&body))));
        }
        if invalid.0.is_empty() { Ok((title, body)) } else { Err(invalid) }
    }

    /// Checks the rules before they are stored.
    pub fn check(&self) -> Result<(), Invalid> {
        let mut invalid = Invalid::default();
        if !(200..=20_000).contains(&self.body_max_chars) {
            invalid.0.push(FieldError::new("body_max_chars", "正文字数上限应在200到20000之间"));
        }
        if !(10..=200).contains(&self.title_max_chars) {
            invalid.0.push(FieldError::new("title_max_chars", "标题字数上限应在10到200之间"));
        }
        for (field, days) in [("opinion_target_days", self.opinion_target_days), ("direct_target_days", self.direct_target_days)] {
            if !(1..=60).contains(&days) {
                invalid.0.push(FieldError::new(field, "办理时限应在1到60个工作日之间"));
            }
        }
        if self.editor_unit.trim().is_empty() {
            invalid.0.push(FieldError::new("editor_unit", "请填写编发单位"));
        }
        if invalid.0.is_empty() { Ok(()) } else { Err(invalid) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_matter_per_report_within_the_limit() {
        let rules = OpinionRules::default();
        assert!(rules.check_text("关于加强老旧小区电梯加装的建议", "情况。建议。").is_ok());
        let long = "字".repeat(1501);
        let err = rules.check_text("", &long).unwrap_err();
        assert_eq!(err.0.len(), 2);
        assert!(err.0[1].message.contains("1500"));
        assert!(rules.check().is_ok());
        assert!(OpinionRules { direct_target_days: 0, ..rules }.check().is_err());
    }
}
