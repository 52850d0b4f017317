//! 期刊 — the numbered issues of 《社情民意》 and 《资政之声》 that the information office compiles
//! from adopted reports: a single issue (单篇) prints one report, a digest (综合) draws on several,
//! each credited by name. The series is the reports' channel: 《社情民意》 takes 社情民意 reports,
//! 《资政之声》 those addressed to the main leaders.
//!
//! | from | action | to | who |
//! |---|---|---|---|
//! | — | create (编辑新一期) | draft | the office |
//! | draft | update (title, text, 编发单位, 签发人, 报送, 抄送) | draft | the office |
//! | draft | add_item / remove_item / move_item / credit (编入、移出、排序、署名) | draft | the office |
//! | draft | issue (印发: numbered, the reports published) | issued | the office |
//! | issued | send (登记报送: recipient and date) | issued | the office |
//!
//! Numbering: an issue is numbered when it is issued, the next number of its committee, series and
//! year (第N期), so numbers follow issue order without gaps whatever happens to drafts. A report
//! is compiled into one issue only: its single publication, which its credit, the instructions
//! on it and the statistics point at.
//!
//! Who reads an issue: a draft is the office's; an issued one is read by the office, leaders
//! and members (as a published report is: `opinion::access`), never by informants or units.

use crate::opinion::{BulletinForm, BulletinStatus, Channel, Status as ReportStatus};
use crate::policy::Grant;
pub use crate::record::Refusal;
use crate::{Access, Actor, FieldError, Invalid, Role};

/// Longest title of an issue.
pub const TITLE_MAX: usize = 80;
/// Longest text of an issue (a digest's editorial text with its extracts).
pub const BODY_MAX: usize = 20_000;
/// Longest credit of one report (署名).
pub const CREDIT_MAX: usize = 50;

crate::labeled! {
    /// The actions recorded on an issue (timeline, audit log).
    pub enum Act {
        Create = "create" / "编辑新一期",
        Update = "update" / "修改期刊",
        AddItem = "add_item" / "编入信息",
        RemoveItem = "remove_item" / "移出信息",
        MoveItem = "move_item" / "调整顺序",
        Credit = "credit" / "修改署名",
        Issue = "issue" / "印发",
        Send = "send" / "登记报送",
    }
}

/// What an action asks of an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Change the text, the items, their order or credits.
    Edit,
    /// Compile one more report into it.
    AddItem,
    Issue,
    Send,
}

/// What decides the next step of an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub status: BulletinStatus,
    pub form: BulletinForm,
    /// Reports compiled into it now.
    pub items: usize,
}

/// The state after `step` (the office only), or why not.
pub fn transition(f: &Facts, office: bool, step: Step) -> Result<BulletinStatus, Refusal> {
    if !office {
        return Err(Refusal::Forbidden);
    }
    let not_now = |why: &str| Err(Refusal::NotNow(why.to_string()));
    match step {
        Step::Edit | Step::AddItem | Step::Issue if f.status == BulletinStatus::Issued => not_now("期刊已印发，不能再修改"),
        Step::AddItem if f.form == BulletinForm::Single && f.items >= 1 => not_now("单篇期刊只编入一篇信息；要编入多篇，请把形式改为综合"),
        Step::Edit | Step::AddItem => Ok(BulletinStatus::Draft),
        Step::Issue => Ok(BulletinStatus::Issued),
        Step::Send if f.status == BulletinStatus::Draft => not_now("期刊印发后才能登记报送"),
        Step::Send => Ok(BulletinStatus::Issued),
    }
}

/// An issue's own fields, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub title: String,
    pub body: String,
    pub editor_unit: String,
    pub signed_off_by: Option<String>,
    pub report_to: Option<String>,
    pub copy_to: Option<String>,
}

/// The fields as written, every error at once (a draft may still lack its text, 签发人 and
/// 报送; `check_issue` asks for them).
pub fn check_fields(
    title: &str,
    body: &str,
    editor_unit: &str,
    signed_off_by: Option<&str>,
    report_to: Option<&str>,
    copy_to: Option<&str>,
) -> Result<Fields, Invalid> {
    let mut invalid = Invalid::default();
    let title = invalid.take(crate::text::required("title", "期刊标题", title, TITLE_MAX));
    let body = body.trim().replace("\r\n", "\n");
    if body.chars().count() > BODY_MAX {
        invalid.push("body", format!("正文最多{BODY_MAX}个字，现有{}个字", body.chars().count()));
    }
    let editor_unit = invalid.take(crate::text::required("editor_unit", "编发单位", editor_unit, 50));
    let signed_off_by = invalid.take(crate::text::optional("signed_off_by", "签发人", signed_off_by, 20));
    let report_to = invalid.take(crate::text::optional("report_to", "报送", report_to, 300));
    let copy_to = invalid.take(crate::text::optional("copy_to", "抄送", copy_to, 300));
    match (title, editor_unit, signed_off_by, report_to, copy_to) {
        (Some(title), Some(editor_unit), Some(signed_off_by), Some(report_to), Some(copy_to)) if invalid.is_empty() => {
            Ok(Fields { title, body, editor_unit, signed_off_by, report_to, copy_to })
        }
        _ => Err(invalid),
    }
}

/// A report's credit in an issue (署名): one line, not empty.
pub fn check_credit(raw: &str) -> Result<String, FieldError> {
    crate::text::required("credit", "署名", raw, CREDIT_MAX)
}

/// What an issue must have before it is issued, every missing part at once: its text, 签发人,
/// 报送, and its reports (a single issue one, a digest at least two).
pub fn check_issue(fields: &Fields, form: BulletinForm, items: usize) -> Result<(), Invalid> {
    let mut invalid = Invalid::default();
    if fields.body.trim().is_empty() {
        invalid.push("body", "请填写期刊正文");
    }
    if fields.signed_off_by.is_none() {
        invalid.push("signed_off_by", "请填写签发人");
    }
    if fields.report_to.is_none() {
        invalid.push("report_to", "请填写报送单位");
    }
    match form {
        BulletinForm::Single if items != 1 => invalid.push("items", "单篇期刊应编入一篇信息"),
        BulletinForm::Digest if items < 2 => invalid.push("items", format!("综合期刊应编入至少两篇信息，现有{items}篇")),
        _ => {}
    }
    invalid.finish(())
}

/// Why a report may not be compiled into an issue of `series` (None: it may).
pub fn compile_refusal(status: ReportStatus, channel: Channel, series: Channel) -> Option<String> {
    if status != ReportStatus::Adopted {
        return Some(format!("只有已录用的信息可以编入期刊，这篇信息目前为“{}”", status.label()));
    }
    if channel != series {
        return Some(format!("这篇信息属于{}，不能编入《{}》", channel.label(), series.series_title()));
    }
    None
}

/// 《社情民意》2026年第3期; a draft: 《社情民意》（待印发）.
pub fn issue_label(series: Channel, year: i64, number: i64) -> String {
    if number > 0 { format!("《{}》{year}年第{number}期", series.series_title()) } else { format!("《{}》（待印发）", series.series_title()) }
}

/// How much of an issue an actor may see.
pub fn access(actor: &Actor, status: BulletinStatus) -> Access {
    // Leaders read an issued issue whole: they are its addressees and record their instructions
    // (批示) on it, which needs the whole record.
    if actor.has(Role::Staff) || (status == BulletinStatus::Issued && actor.has(Role::Leader)) {
        Access::Full
    } else if status == BulletinStatus::Issued && actor.has(Role::Member) {
        Access::Public
    } else {
        Access::None
    }
}

/// The grants under which an issue is found (`crate::policy::finds`): the cases of `access`.
pub fn audience(status: BulletinStatus) -> Vec<Grant> {
    match status {
        BulletinStatus::Draft => vec![Grant::Office],
        BulletinStatus::Issued => vec![Grant::Office, Grant::Leader, Grant::Members],
    }
}

/// Whether the actor may open the list of issues (the issued ones at least).
pub fn may_list(actor: &Actor) -> bool {
    actor.has(Role::Staff) || actor.has(Role::Leader) || actor.has(Role::Member)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{finds, grants};

    fn actor(roles: Vec<Role>) -> Actor {
        Actor { user_id: 1, committee_id: 1, username: "u".into(), display_name: "u".into(), roles, member_id: Some(1), unit_id: None, organization_id: None }
    }

    #[test]
    fn an_issue_is_found_exactly_when_it_may_be_opened() {
        let mut sets: Vec<Vec<Role>> = vec![vec![]];
        for r in Role::ALL {
            sets.push(vec![*r]);
            for s in Role::ALL {
                sets.push(vec![*r, *s]);
            }
        }
        for roles in sets {
            let a = actor(roles.clone());
            for status in BulletinStatus::ALL {
                let opens = access(&a, *status) != Access::None;
                assert_eq!(opens, finds(&grants(&a), &audience(*status)), "{roles:?} {status:?}");
                if opens && *status == BulletinStatus::Issued {
                    assert!(may_list(&a), "whoever reads an issue finds it in the list: {roles:?}");
                }
            }
        }
    }

    #[test]
    fn informants_and_units_never_read_an_issue_members_read_issued_ones() {
        for status in BulletinStatus::ALL {
            assert_eq!(access(&actor(vec![Role::Informant]), *status), Access::None);
            assert_eq!(access(&actor(vec![Role::Unit]), *status), Access::None);
        }
        assert_eq!(access(&actor(vec![Role::Member]), BulletinStatus::Draft), Access::None);
        assert_eq!(access(&actor(vec![Role::Member]), BulletinStatus::Issued), Access::Public);
        assert_eq!(access(&actor(vec![Role::Staff]), BulletinStatus::Draft), Access::Full);
    }

    #[test]
    fn an_issued_issue_is_final_and_a_single_issue_holds_one_report() {
        let draft = Facts { status: BulletinStatus::Draft, form: BulletinForm::Single, items: 1 };
        assert_eq!(transition(&draft, false, Step::Edit), Err(Refusal::Forbidden));
        assert!(matches!(transition(&draft, true, Step::AddItem), Err(Refusal::NotNow(m)) if m.contains("单篇")));
        assert!(matches!(transition(&draft, true, Step::Send), Err(Refusal::NotNow(_))));
        assert_eq!(transition(&draft, true, Step::Issue), Ok(BulletinStatus::Issued));
        let issued = Facts { status: BulletinStatus::Issued, ..draft };
        for step in [Step::Edit, Step::AddItem, Step::Issue] {
            assert!(matches!(transition(&issued, true, step), Err(Refusal::NotNow(m)) if m.contains("已印发")));
        }
        assert_eq!(transition(&issued, true, Step::Send), Ok(BulletinStatus::Issued));
    }

    #[test]
    fn issuing_asks_for_everything_missing_at_once() {
        let f = check_fields("关于养老服务的综合反映", " ", "政协办公室信息科", None, Some(""), None).unwrap();
        let err = check_issue(&f, BulletinForm::Digest, 1).unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["body", "signed_off_by", "report_to", "items"]);
        assert!(check_fields("", "", "", None, None, Some("a\nb")).unwrap_err().0.len() == 3);
    }

    #[test]
    fn only_adopted_reports_of_the_series_channel_are_compiled() {
        assert!(compile_refusal(ReportStatus::Submitted, Channel::Opinion, Channel::Opinion).unwrap().contains("已录用"));
        assert!(compile_refusal(ReportStatus::Adopted, Channel::Direct, Channel::Opinion).unwrap().contains("《社情民意》"));
        assert_eq!(compile_refusal(ReportStatus::Adopted, Channel::Direct, Channel::Direct), None);
        assert_eq!(issue_label(Channel::Opinion, 2026, 3), "《社情民意》2026年第3期");
        assert_eq!(issue_label(Channel::Direct, 2026, 0), "《资政之声》（待印发）");
    }
}
