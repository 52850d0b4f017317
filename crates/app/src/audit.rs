//! Browsing and verifying the audit log.

use eline_domain::Actor;
use eline_domain::policy::{Action, Resource};
use eline_storage::audit::{self, Broken, Entry, Filter};

use crate::{App, AppError, AppResult, Page};

/// What the audit log's filters offer.
pub struct AuditChoices {
    pub actions: Vec<(&'static str, &'static str)>,
    /// (type as recorded, Chinese name)
    pub types: Vec<(String, String)>,
    /// (id, display name, username)
    pub users: Vec<(i64, String, String)>,
}

/// Record types the audit log names that are no record module's kind.
const OTHER_TARGETS: [(&str, &str); 14] = [
    ("user", "用户账号"),
    ("api_token", "接口令牌与设备"),
    ("committee", "政协组织"),
    ("sectors", "界别"),
    ("special_committees", "专委会"),
    ("organizations", "党派团体"),
    ("units", "承办单位"),
    ("work_stations", "委员工作站"),
    ("sessions", "届次"),
    ("reply_template", "答复模板"),
    ("settings", "设置"),
    ("calendar", "工作日历"),
    ("permission", "权限"),
    ("members", "委员（批量）"),
];

/// The Chinese name of a record type as the audit log records it.
pub fn target_label(records: &crate::records::Registry, target_type: &str) -> String {
    match records.get(target_type) {
        Some(m) => m.label().to_string(),
        None => OTHER_TARGETS.iter().find(|(t, _)| *t == target_type).map(|(_, l)| l.to_string()).unwrap_or_else(|| target_type.to_string()),
    }
}

/// A range of days (YYYY-MM-DD, Beijing time, both ends included) as [from, until) in µs.
pub fn day_range(from: Option<&str>, to: Option<&str>) -> AppResult<(Option<i64>, Option<i64>)> {
    let beijing = crate::dates::beijing();
    let start = |field: &str, day: &str, next: bool| -> AppResult<i64> {
        let d = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").map_err(|_| AppError::field(field, "日期格式应为 YYYY-MM-DD"))?;
        let d = if next { d.succ_opt().unwrap_or(d) } else { d };
        let t = d.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(beijing).single()).ok_or_else(|| AppError::field(field, "日期无效"))?;
        Ok(t.timestamp_micros())
    };
    let from = from.filter(|s| !s.trim().is_empty()).map(|d| start("from", d, false)).transpose()?;
    let until = to.filter(|s| !s.trim().is_empty()).map(|d| start("to", d, true)).transpose()?;
    if let (Some(f), Some(u)) = (from, until)
        && u <= f
    {
        return Err(AppError::field("to", "结束日期不能早于开始日期"));
    }
    Ok((from, until))
}

impl App {
    pub async fn list_audit(&self, actor: &Actor, filter: Filter, cursor: Option<&str>, limit: i64) -> AppResult<Page<Entry>> {
        self.require(actor, Action::ViewAudit, Resource::Any).await?;
        let filter = Filter { before_id: crate::parse_cursor(cursor)?, ..filter };
        let mut c = self.db.acquire().await?;
        let mut items = audit::list(&mut c.ex(), actor.committee_id, &filter, limit + 1).await?;
        Ok(Page::from_overfetch(&mut items, limit, |e| e.id.to_string()))
    }

    /// The choices of the audit log's filters: actions and record types with their Chinese
    /// names, and the committee's accounts (id, display name, username).
    pub async fn audit_choices(&self, actor: &Actor) -> AppResult<AuditChoices> {
        self.require(actor, Action::ViewAudit, Resource::Any).await?;
        let mut actions: Vec<(&'static str, &'static str)> = crate::records::SHARED_ACTIONS.to_vec();
        for a in eline_domain::proposal::Act::ALL {
            actions.push((a.as_str(), a.label()));
        }
        actions.push(("merge", "并案"));
        let mut seen = std::collections::HashSet::new();
        actions.retain(|(a, _)| seen.insert(*a));
        let mut types: Vec<(String, String)> = self.records.kinds().iter().map(|(k, l)| (k.to_string(), l.to_string())).collect();
        for (t, l) in OTHER_TARGETS {
            if !types.iter().any(|(k, _)| k == t) {
                types.push((t.to_string(), l.to_string()));
            }
        }
        let mut c = self.db.acquire().await?;
        let users = eline_storage::users::names(&mut c.ex(), actor.committee_id).await?;
        Ok(AuditChoices { actions, types, users })
    }

    /// Runs the chain check for an administrator (the audit page's button).
    pub async fn verify_audit_as(&self, actor: &Actor) -> AppResult<Result<i64, Broken>> {
        self.require(actor, Action::ViewAudit, Resource::Any).await?;
        self.verify_audit().await
    }

    /// Checks the whole chain: Ok(entries) or the first bad entry.
    pub async fn verify_audit(&self) -> AppResult<Result<i64, Broken>> {
        let mut c = self.db.acquire().await?;
        Ok(audit::verify(&mut c.ex()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_range_is_whole_beijing_days() {
        let (f, u) = day_range(Some("2026-12-01"), Some("2026-12-01")).unwrap();
        // 2026-12-01T00:00+08:00 is 2026-11-30T16:00Z.
        assert_eq!(f, Some(1_796_054_400_000_000));
        assert_eq!(u, Some(1_796_054_400_000_000 + 24 * 3600 * 1_000_000));
        assert_eq!(day_range(None, Some("")).unwrap(), (None, None));
        assert!(day_range(Some("2026-13-01"), None).is_err());
        assert!(day_range(Some("2026-12-02"), Some("2026-12-01")).is_err());
    }
}
