//! 委员 — a member of the committee, with the fields of the member file (委员档案).

use serde::{Deserialize, Serialize};

use crate::{Invalid, text};

/// Positions a member may hold in the committee (several at once).
pub const POSITIONS: [(&str, &str); 5] =
    [("chair", "主席"), ("vice_chair", "副主席"), ("secretary_general", "秘书长"), ("standing", "常委"), ("member", "委员")];

pub const GENDERS: [(&str, &str); 2] = [("male", "男"), ("female", "女")];

/// Political affiliation (政治面貌) as written in member files.
pub const PARTIES: [&str; 11] =
    ["中共党员", "民革党员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员", "九三学社社员", "台盟盟员", "无党派人士", "群众"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// 在任
    Active,
    /// 已离任 (term ended, resigned or removed); kept for the record
    Left,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Active => "active",
            MemberStatus::Left => "left",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            MemberStatus::Active => "在任",
            MemberStatus::Left => "已离任",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "active" | "在任" => Some(MemberStatus::Active),
            "left" | "已离任" | "离任" => Some(MemberStatus::Left),
            _ => None,
        }
    }
}

pub fn gender_label(value: &str) -> &'static str {
    GENDERS.iter().find(|(v, _)| *v == value).map(|(_, l)| *l).unwrap_or("")
}

pub fn position_label(value: &str) -> &'static str {
    POSITIONS.iter().find(|(v, _)| *v == value).map(|(_, l)| *l).unwrap_or("")
}

/// Unchecked member input, as it comes from a form, the API or an import row. Ids of related
/// records are checked against the committee's data by the application layer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct MemberInput {
    pub name: String,
    pub gender: Option<String>,
    pub birth_year: Option<i64>,
    pub party: Option<String>,
    pub sector_id: Option<i64>,
    pub work_station_id: Option<i64>,
    #[serde(default)]
    pub committee_ids: Vec<i64>,
    /// Positions (POSITIONS values); "member" is implied.
    #[serde(default)]
    pub roles: Vec<String>,
    pub term_number: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    #[serde(default)]
    pub hk_macao: bool,
    pub status: Option<String>,
}

/// Validated member fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFields {
    pub name: String,
    pub gender: Option<String>,
    pub birth_year: Option<i32>,
    pub party: Option<String>,
    pub sector_id: i64,
    pub work_station_id: Option<i64>,
    pub committee_ids: Vec<i64>,
    pub roles: Vec<String>,
    pub term_number: Option<i32>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub hk_macao: bool,
    pub status: MemberStatus,
}

impl MemberFields {
    /// Parses input; `this_year` bounds the birth year.
    pub fn parse(input: &MemberInput, this_year: i32) -> Result<Self, Invalid> {
        let mut invalid = Invalid::default();
        let name = invalid.take(text::required("name", "姓名", &input.name, 30));
        let gender = match input.gender.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
            None => None,
            Some(g) => match GENDERS.iter().find(|(v, l)| *v == g || *l == g) {
                Some((v, _)) => Some(v.to_string()),
                None => {
                    invalid.push("gender", "性别应为“男”或“女”");
                    None
                }
            },
        };
        let birth_year = match input.birth_year {
            None => None,
            Some(y) if (1900..=i64::from(this_year) - 18).contains(&y) => Some(y as i32),
            Some(_) => {
                invalid.push("birth_year", "出生年份不合理，请填写四位年份（如1968）");
                None
            }
        };
        let party = match input.party.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(p) if PARTIES.contains(&p) => Some(p.to_string()),
            Some(_) => {
                invalid.push("party", format!("政治面貌应为以下之一：{}", PARTIES.join("、")));
                None
            }
        };
        let sector_id = match input.sector_id {
            Some(id) if id > 0 => id,
            _ => {
                invalid.push("sector_id", "请选择界别");
                0
            }
        };
        let mut roles: Vec<String> = Vec::new();
        for r in input.roles.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
            match POSITIONS.iter().find(|(v, l)| *v == r || *l == r) {
                Some((v, _)) if !roles.iter().any(|x| x == v) => roles.push(v.to_string()),
                Some(_) => {}
                None => invalid.push("roles", format!("未知职务：{r}")),
            }
        }
        if !roles.iter().any(|r| r == "member") {
            roles.push("member".into());
        }
        roles.sort_by_key(|r| POSITIONS.iter().position(|(v, _)| v == r));
        let term_number = match input.term_number {
            None => None,
            Some(n @ 1..=99) => Some(n as i32),
            Some(_) => {
                invalid.push("term_number", "届次应在1到99之间");
                None
            }
        };
        let phone = invalid.take(text::phone("phone", input.phone.as_deref()));
        let email = invalid.take(text::email("email", input.email.as_deref()));
        let address = invalid.take(text::optional("address", "通讯地址", input.address.as_deref(), 120));
        let status = match input.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => MemberStatus::Active,
            Some(s) => MemberStatus::parse(s).unwrap_or_else(|| {
                invalid.push("status", "状态应为“在任”或“已离任”");
                MemberStatus::Active
            }),
        };
        let mut committee_ids = input.committee_ids.clone();
        committee_ids.sort_unstable();
        committee_ids.dedup();
        invalid.finish(())?;
        Ok(MemberFields {
            name: name.unwrap_or_default(),
            gender,
            birth_year,
            party,
            sector_id,
            work_station_id: input.work_station_id.filter(|id| *id > 0),
            committee_ids,
            roles,
            term_number,
            phone: phone.flatten(),
            email: email.flatten(),
            address: address.flatten(),
            hk_macao: input.hk_macao,
            status,
        })
    }

    pub fn is_standing(&self) -> bool {
        self.roles.iter().any(|r| r != "member")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> MemberInput {
        MemberInput { name: "王建华".into(), sector_id: Some(3), ..Default::default() }
    }

    #[test]
    fn a_member_needs_a_name_and_a_sector() {
        let err = MemberFields::parse(&MemberInput::default(), 2026).unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "sector_id"]);
    }

    #[test]
    fn chinese_labels_are_accepted_for_gender_and_positions() {
        let mut i = input();
        i.gender = Some("女".into());
        i.roles = vec!["常委".into(), "副主席".into()];
        let m = MemberFields::parse(&i, 2026).unwrap();
        assert_eq!(m.gender.as_deref(), Some("female"));
        assert_eq!(m.roles, vec!["vice_chair", "standing", "member"]);
    }

    #[test]
    fn an_unknown_party_or_an_impossible_birth_year_is_refused() {
        let mut i = input();
        i.party = Some("某党".into());
        i.birth_year = Some(2020);
        let err = MemberFields::parse(&i, 2026).unwrap_err();
        assert_eq!(err.0.len(), 2);
    }
}
