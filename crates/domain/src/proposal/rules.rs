//! The committee's configurable lists (reply classes, rejection reasons, categories, limits) and
//! the text of a proposal as written.

use serde::{Deserialize, Serialize};

/// The configurable lists of the proposal work (per committee and year; DOMAIN.md defaults).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalRules {
    /// (code, wording) of reply classes, e.g. ["A", "所提问题已经解决或基本解决"]; codes are what
    /// the reply action takes.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub reply_classes: Vec<(String, String)>,
    /// Default reasons for not filing (不立案理由).
    pub rejection_reasons: Vec<String>,
    pub title_max_chars: usize,
    pub body_min_chars: usize,
    pub body_max_chars: usize,
    /// 提案分类: the categories a proposal is filed under (default 经济建设, 政治建设, 文化建设,
    /// 社会建设, 生态文明建设, 其他). Rules stored before categories existed get the defaults.
    #[serde(default = "default_categories")]
    pub categories: Vec<String>,
}

fn default_categories() -> Vec<String> {
    ["经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "其他"].into_iter().map(String::from).collect()
}

impl Default for ProposalRules {
    fn default() -> Self {
        ProposalRules {
            reply_classes: vec![
                ("A".into(), "所提问题已经解决或基本解决".into()),
                ("B".into(), "所提问题正在解决或已列入计划逐步解决".into()),
                ("C".into(), "因条件限制或其他原因暂时不能解决，留作参考".into()),
            ],
            rejection_reasons: [
                "涉及国家秘密",
                "属于法律法规禁止的事项",
                "涉及党派内部人事问题",
                "属于党派团体内部事务",
                "涉及正在诉讼或仲裁的事项",
                "属于学术讨论",
                "属于个人或家庭问题",
                "宣传推介具体作品或产品",
                "属于指名举报",
                "没有具体建议",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            title_max_chars: 60,
            body_min_chars: 50,
            body_max_chars: 20_000,
            categories: default_categories(),
        }
    }
}

impl ProposalRules {
    pub fn reply_class_label(&self, code: &str) -> Option<&str> {
        self.reply_classes.iter().find(|(c, _)| c == code).map(|(_, l)| l.as_str())
    }

    /// A category as given (trimmed; empty is none), checked against the committee's list.
    pub fn category(&self, raw: Option<&str>) -> Result<Option<String>, crate::FieldError> {
        match raw.map(str::trim).filter(|c| !c.is_empty()) {
            None => Ok(None),
            Some(c) if self.categories.iter().any(|k| k == c) => Ok(Some(c.to_string())),
            Some(c) => Err(crate::FieldError::new("category", format!("提案分类“{c}”不在本会的分类中，应为{}之一", self.categories.join("、")))),
        }
    }

    /// Checks a committee's rules before they are stored: every error at once, against its field.
    pub fn check(&self) -> Result<(), crate::Invalid> {
        let mut invalid = crate::Invalid::default();
        let mut err = |field: &str, message: String| invalid.0.push(crate::FieldError::new(field, message));
        if !(2..=6).contains(&self.reply_classes.len()) {
            err("reply_classes", "答复类别应有2到6个".into());
        }
        let mut codes = std::collections::HashSet::new();
        for (code, wording) in &self.reply_classes {
            if code.is_empty() || code.len() > 2 || !code.chars().all(|c| c.is_ascii_uppercase()) {
                err("reply_classes", format!("类别代码“{code}”应为1到2个大写字母，如A、B、C"));
            } else if !codes.insert(code.as_str()) {
                err("reply_classes", format!("类别代码“{code}”重复"));
            }
            let n = wording.trim().chars().count();
            if n == 0 || n > 60 {
                err("reply_classes", format!("类别“{code}”的说明应为1到60个字"));
            }
        }
        if !(1..=30).contains(&self.rejection_reasons.len()) {
            err("rejection_reasons", "不立案理由应有1到30条".into());
        }
        let mut reasons = std::collections::HashSet::new();
        for r in &self.rejection_reasons {
            let n = r.trim().chars().count();
            if n == 0 || n > 60 {
                err("rejection_reasons", format!("不立案理由“{r}”应为1到60个字"));
            } else if !reasons.insert(r.trim()) {
                err("rejection_reasons", format!("不立案理由“{r}”重复"));
            }
        }
        if !(1..=30).contains(&self.categories.len()) {
            err("categories", "提案分类应有1到30个".into());
        }
        let mut categories = std::collections::HashSet::new();
        for c in &self.categories {
            let n = c.chars().count();
            if n == 0 || n > 20 || c.trim() != c {
                err("categories", format!("提案分类“{c}”应为1到20个字，前后不留空格"));
            } else if !categories.insert(c.as_str()) {
                err("categories", format!("提案分类“{c}”重复"));
            }
        }
        if !(20..=200).contains(&self.title_max_chars) {
            err("title_max_chars", "标题字数上限应在20到200之间".into());
        }
        if self.body_max_chars > 50_000 || self.body_min_chars == 0 || self.body_min_chars > self.body_max_chars {
            err("body_max_chars", "正文字数应在1到50000之间，且下限不大于上限".into());
        }
        if invalid.0.is_empty() { Ok(()) } else { Err(invalid) }
    }
}

/// A proposal's text as written by its proposer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub title: String,
    pub body: String,
}

impl Text {
    /// Title and body: required, within the configured lengths, title on one line.
    pub fn parse(title: &str, body: &str, rules: &ProposalRules) -> Result<Text, crate::Invalid> {
        let mut invalid = crate::Invalid::default();
        let title = invalid.take(crate::text::required("title", "标题", title, rules.title_max_chars));
        let body = body.trim().replace("\r\n", "\n");
        let n = body.chars().count();
        if n == 0 {
            invalid.push("body", "正文不能为空");
        } else if n < rules.body_min_chars {
            invalid.push("body", format!("正文过短：请写明情况、分析和具体建议（至少{}字）", rules.body_min_chars));
        } else if n > rules.body_max_chars {
            invalid.push("body", format!("正文不能超过{}字", rules.body_max_chars));
        }
        invalid.finish(())?;
        Ok(Text { title: title.unwrap_or_default(), body })
    }

    /// A gentle reminder when a title looks like more than one matter (一事一案).
    pub fn one_matter_hint(&self) -> Option<&'static str> {
        let t = &self.title;
        let joins = t.matches('和').count() + t.matches('及').count() + t.matches('、').count();
        (joins >= 2 || t.contains("若干") || t.contains("几点")).then_some("提示：提案应一事一案，如涉及多个事项，建议分别提出")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_committees_rules_are_checked_before_they_are_stored() {
        assert!(ProposalRules::default().check().is_ok());
        let bad = ProposalRules {
            reply_classes: vec![("a".into(), "x".into()), ("B".into(), "".into())],
            rejection_reasons: vec![],
            title_max_chars: 5,
            body_min_chars: 100,
            body_max_chars: 50,
            categories: vec!["经济建设".into(), "经济建设".into()],
        };
        let fields: Vec<String> = bad.check().unwrap_err().0.into_iter().map(|e| e.field).collect();
        for f in ["reply_classes", "rejection_reasons", "title_max_chars", "body_max_chars", "categories"] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn a_category_is_one_of_the_committees_list_and_old_rules_get_the_defaults() {
        let rules = ProposalRules::default();
        assert_eq!(rules.category(Some(" 生态文明建设 ")), Ok(Some("生态文明建设".into())));
        assert_eq!(rules.category(Some("")), Ok(None));
        assert_eq!(rules.category(None), Ok(None));
        let e = rules.category(Some("党的建设")).unwrap_err();
        assert_eq!(e.field, "category");
        assert!(e.message.contains("经济建设"), "{}", e.message);
        let own = ProposalRules { categories: vec!["党的建设".into()], ..ProposalRules::default() };
        assert_eq!(own.category(Some("党的建设")), Ok(Some("党的建设".into())));
        let mut stored = serde_json::to_value(ProposalRules::default()).unwrap();
        stored.as_object_mut().unwrap().remove("categories");
        let old: ProposalRules = serde_json::from_value(stored).unwrap();
        assert_eq!(old.categories.len(), 6);
    }

    #[test]
    fn text_is_checked_and_several_matters_get_a_reminder() {
        let rules = ProposalRules::default();
        let err = Text::parse("", "短", &rules).unwrap_err();
        assert_eq!(err.0.len(), 2);
        let body = "情况".repeat(30);
        let t = Text::parse("关于加强社区养老、托育和医疗服务的建议", &body, &rules).unwrap();
        assert!(t.one_matter_hint().is_some());
        let t = Text::parse("关于加快建设城市慢行系统的提案", &body, &rules).unwrap();
        assert!(t.one_matter_hint().is_none());
    }
}
