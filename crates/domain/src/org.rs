//! Reference data of a committee (组织机构): sectors (界别), special committees (专委会),
//! organisations (党派团体/人民团体), handling units (承办单位), work stations (委员工作站)
//! and sessions (届次). They are archived, never deleted.

use serde::{Deserialize, Serialize};

use crate::{FieldError, Invalid, text};

/// The kinds of simple reference records that share one shape: a name, an optional category and
/// a sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DirectoryKind {
    Sector,
    SpecialCommittee,
    Organization,
    Unit,
    WorkStation,
}

impl DirectoryKind {
    pub const ALL: [DirectoryKind; 5] =
        [DirectoryKind::Sector, DirectoryKind::SpecialCommittee, DirectoryKind::Organization, DirectoryKind::Unit, DirectoryKind::WorkStation];

    /// The storage table; a fixed name, never user input.
    pub fn table(self) -> &'static str {
        match self {
            DirectoryKind::Sector => "sectors",
            DirectoryKind::SpecialCommittee => "special_committees",
            DirectoryKind::Organization => "organizations",
            DirectoryKind::Unit => "units",
            DirectoryKind::WorkStation => "work_stations",
        }
    }

    /// The URL segment (web and API).
    pub fn slug(self) -> &'static str {
        match self {
            DirectoryKind::Sector => "sectors",
            DirectoryKind::SpecialCommittee => "committees",
            DirectoryKind::Organization => "organizations",
            DirectoryKind::Unit => "units",
            DirectoryKind::WorkStation => "work-stations",
        }
    }

    pub fn from_slug(slug: &str) -> Option<DirectoryKind> {
        DirectoryKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            DirectoryKind::Sector => "界别",
            DirectoryKind::SpecialCommittee => "专委会",
            DirectoryKind::Organization => "党派团体",
            DirectoryKind::Unit => "承办单位",
            DirectoryKind::WorkStation => "委员工作站",
        }
    }

    /// Allowed categories (value, label); empty when the kind has none.
    pub fn categories(self) -> &'static [(&'static str, &'static str)] {
        match self {
            DirectoryKind::Organization => &[("party", "民主党派"), ("people", "人民团体"), ("other", "其他团体")],
            DirectoryKind::Unit => &[("government", "政府部门"), ("judicial", "司法机关"), ("enterprise", "企事业单位"), ("other", "其他")],
            _ => &[],
        }
    }

    pub fn category_label(self, value: &str) -> &'static str {
        self.categories().iter().find(|(v, _)| *v == value).map(|(_, l)| *l).unwrap_or("")
    }

    /// The label of the free-text note field, where the kind has one.
    pub fn note_label(self) -> Option<&'static str> {
        match self {
            DirectoryKind::WorkStation => Some("所在镇街"),
            DirectoryKind::Unit => Some("联系电话"),
            _ => None,
        }
    }
}

/// Validated fields of a reference record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryFields {
    pub name: String,
    pub category: Option<String>,
    pub note: Option<String>,
    pub sort_order: i64,
}

impl DirectoryFields {
    pub fn parse(kind: DirectoryKind, name: &str, category: Option<&str>, note: Option<&str>, sort_order: Option<i64>) -> Result<Self, Invalid> {
        let mut invalid = Invalid::default();
        let name = invalid.take(text::required("name", "名称", name, 60));
        let category = match category.map(str::trim).filter(|c| !c.is_empty()) {
            None if kind.categories().is_empty() => None,
            None => {
                invalid.push("category", "请选择类别");
                None
            }
            Some(c) if kind.categories().iter().any(|(v, _)| *v == c) => Some(c.to_string()),
            Some(_) => {
                invalid.push("category", "类别不在可选范围内");
                None
            }
        };
        let note = invalid.take(text::optional("note", kind.note_label().unwrap_or("备注"), note, 100));
        let sort_order = sort_order.unwrap_or(0);
        if !(0..=100_000).contains(&sort_order) {
            invalid.push("sort_order", "排序号应在0到100000之间");
        }
        invalid.finish(())?;
        Ok(DirectoryFields { name: name.unwrap_or_default(), category, note: note.flatten(), sort_order })
    }
}

/// A plenary session (次会议) of a term (届), e.g. 十三届二次会议.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFields {
    pub term_number: u32,
    pub session_number: u32,
    pub year: i32,
    /// Opening date, `YYYY-MM-DD`.
    pub opens_on: Option<String>,
}

impl SessionFields {
    pub fn parse(term_number: Option<i64>, session_number: Option<i64>, year: Option<i64>, opens_on: Option<&str>) -> Result<Self, Invalid> {
        let mut invalid = Invalid::default();
        let term = match term_number {
            Some(n @ 1..=99) => n as u32,
            Some(_) => {
                invalid.push("term_number", "届次应在1到99之间");
                0
            }
            None => {
                invalid.push("term_number", "请填写第几届");
                0
            }
        };
        let session = match session_number {
            Some(n @ 1..=9) => n as u32,
            Some(_) => {
                invalid.push("session_number", "会议次数应在1到9之间");
                0
            }
            None => {
                invalid.push("session_number", "请填写第几次会议");
                0
            }
        };
        let year = match year {
            Some(y @ 1949..=2100) => y as i32,
            _ => {
                invalid.push("year", "请填写会议年份（如2026）");
                0
            }
        };
        let opens_on = match opens_on.map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                Ok(date) => Some(date.format("%Y-%m-%d").to_string()),
                Err(_) => {
                    invalid.push("opens_on", "开幕日期格式应为 年-月-日，如2026-01-15");
                    None
                }
            },
        };
        invalid.finish(SessionFields { term_number: term, session_number: session, year, opens_on })
    }

    pub fn name(&self) -> String {
        crate::numerals::session_name(self.term_number, self.session_number)
    }
}

/// Checks that an optional version given by a client is a positive number.
pub fn version(raw: Option<i64>) -> Result<i64, FieldError> {
    match raw {
        Some(v) if v >= 1 => Ok(v),
        Some(_) => Err(FieldError::new("version", "版本号无效")),
        None => Err(FieldError::new("version", "缺少版本号（version），请刷新后重试")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organisation_needs_a_category_from_the_list() {
        let err = DirectoryFields::parse(DirectoryKind::Organization, "民革清河市委员会", None, None, None).unwrap_err();
        assert_eq!(err.0[0].field, "category");
        let ok = DirectoryFields::parse(DirectoryKind::Organization, "民革清河市委员会", Some("party"), None, Some(3)).unwrap();
        assert_eq!(ok.category.as_deref(), Some("party"));
        assert!(DirectoryFields::parse(DirectoryKind::Organization, "x", Some("gang"), None, None).is_err());
    }

    #[test]
    fn a_sector_has_no_category_and_needs_a_name() {
        let err = DirectoryFields::parse(DirectoryKind::Sector, " ", None, None, None).unwrap_err();
        assert_eq!(err.0[0].message, "名称不能为空");
    }

    #[test]
    fn sessions_are_named_as_published_and_dates_are_checked() {
        let s = SessionFields::parse(Some(13), Some(2), Some(2023), Some("2023-01-10")).unwrap();
        assert_eq!(s.name(), "十三届二次会议");
        let err = SessionFields::parse(Some(13), Some(2), Some(2023), Some("2023/13/40")).unwrap_err();
        assert_eq!(err.0[0].field, "opens_on");
    }

    #[test]
    fn every_kind_round_trips_through_its_slug() {
        for kind in DirectoryKind::ALL {
            assert_eq!(DirectoryKind::from_slug(kind.slug()), Some(kind));
        }
    }
}
