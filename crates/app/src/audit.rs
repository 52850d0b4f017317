//! Browsing and verifying the audit log.

use eline_domain::Actor;
use eline_domain::policy::{Action, Resource};
use eline_storage::audit::{self, Broken, Entry, Filter};

use crate::{App, AppResult, Page};

impl App {
    pub async fn list_audit(&self, actor: &Actor, filter: Filter, cursor: Option<&str>, limit: i64) -> AppResult<Page<Entry>> {
        self.require(actor, Action::ViewAudit, Resource::Any).await?;
        let filter = Filter { before_id: crate::parse_cursor(cursor)?, ..filter };
        let mut c = self.db.acquire().await?;
        let mut items = audit::list(&mut c.ex(), actor.committee_id, &filter, limit + 1).await?;
        Ok(Page::from_overfetch(&mut items, limit, |e| e.id.to_string()))
    }

    /// Checks the whole chain: Ok(entries) or the first bad entry.
    pub async fn verify_audit(&self) -> AppResult<Result<i64, Broken>> {
        let mut c = self.db.acquire().await?;
        Ok(audit::verify(&mut c.ex()).await?)
    }
}
