//! What the public sees without an account: the filed proposals and replies the office chose to
//! publish (off by default), without the internal handling record.

use eline_storage::proposals::{self, Assignment, Filter, Reply, Row};
use eline_storage::{committees, directory, members};
use serde::Serialize;

use crate::{App, AppError, AppResult, Page};

#[derive(Debug, Clone, Serialize)]
pub struct PublicProposal {
    pub id: i64,
    pub number: Option<i64>,
    pub session_name: String,
    pub title: String,
    pub body: String,
    pub kind_label: &'static str,
    pub status_label: &'static str,
    pub proposer: String,
    pub units: Vec<Assignment>,
    pub replies: Vec<Reply>,
}

impl App {
    /// The committee the public pages speak for (the first one of the installation).
    pub async fn public_committee(&self) -> AppResult<(i64, String)> {
        let mut c = self.db.acquire().await?;
        let committee = committees::first(&mut c.ex()).await?.ok_or(AppError::NotFound)?;
        Ok((committee.id, committee.name))
    }

    pub async fn public_proposals(&self, committee_id: i64, q: Option<String>, cursor: Option<&str>, limit: i64) -> AppResult<Page<Row>> {
        let f = Filter { scope: Some(eline_domain::policy::ScopeRule::Published), q, before_id: crate::parse_cursor(cursor)?, ..Filter::default() };
        let mut items = self.list_rows(committee_id, &f, limit + 1).await?;
        Ok(Page::from_overfetch(&mut items, limit, |r| r.id.to_string()))
    }

    pub async fn public_proposal(&self, committee_id: i64, id: i64) -> AppResult<PublicProposal> {
        let mut c = self.db.acquire().await?;
        let p = proposals::get(&mut c.ex(), committee_id, id).await?.ok_or(AppError::NotFound)?;
        let status = p.status;
        if !p.published || !status.is_filed() {
            return Err(AppError::NotFound);
        }
        let kind = p.kind;
        let proposer = match (p.proposer_member_id, p.organization_id) {
            (Some(m), _) => members::get(&mut c.ex(), committee_id, m).await?.map(|m| format!("{}委员", m.name)).unwrap_or_default(),
            (None, Some(o)) => {
                directory::get(&mut c.ex(), eline_domain::org::DirectoryKind::Organization, committee_id, o).await?.map(|o| o.name).unwrap_or_default()
            }
            _ => String::new(),
        };
        Ok(PublicProposal {
            id,
            number: p.number,
            session_name: directory::get_session(&mut c.ex(), committee_id, p.session_id).await?.map(|s| s.name()).unwrap_or_default(),
            kind_label: kind.label(),
            status_label: status.label(),
            proposer,
            units: proposals::assignments(&mut c.ex(), id).await?.into_iter().filter(|a| a.active).collect(),
            replies: proposals::replies(&mut c.ex(), id).await?,
            title: p.title,
            body: p.body,
        })
    }
}
