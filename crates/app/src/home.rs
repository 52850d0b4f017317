//! The figures each role's home page shows, counted from the records that exist today.

use eline_domain::Actor;
use eline_domain::org::DirectoryKind;
use eline_storage::{directory, members, users};
use serde::Serialize;

use crate::{App, AppResult};

#[derive(Debug, Clone, Default, Serialize)]
pub struct HomeCounts {
    pub members: i64,
    pub sectors: i64,
    pub special_committees: i64,
    pub organizations: i64,
    pub units: i64,
    pub work_stations: i64,
    pub sessions: i64,
    pub users: i64,
    pub committee_name: String,
    /// The member record of a member account, if linked.
    pub my_member_name: Option<String>,
    /// The unit of a unit account, if linked.
    pub my_unit_name: Option<String>,
}

impl App {
    pub async fn home_counts(&self, actor: &Actor) -> AppResult<HomeCounts> {
        let mut c = self.db.acquire().await?;
        let cid = actor.committee_id;
        let mut h = HomeCounts {
            members: members::count_active(&mut c.ex(), cid).await?,
            sectors: directory::count_active(&mut c.ex(), DirectoryKind::Sector, cid).await?,
            special_committees: directory::count_active(&mut c.ex(), DirectoryKind::SpecialCommittee, cid).await?,
            organizations: directory::count_active(&mut c.ex(), DirectoryKind::Organization, cid).await?,
            units: directory::count_active(&mut c.ex(), DirectoryKind::Unit, cid).await?,
            work_stations: directory::count_active(&mut c.ex(), DirectoryKind::WorkStation, cid).await?,
            sessions: directory::count_sessions(&mut c.ex(), cid).await?,
            users: 0,
            committee_name: eline_storage::committees::get(&mut c.ex(), cid).await?.map(|c| c.name).unwrap_or_default(),
            my_member_name: None,
            my_unit_name: None,
        };
        if eline_domain::policy::can(actor, eline_domain::policy::Action::ManageUsers, eline_domain::policy::Resource::Any) {
            h.users = users::count(&mut c.ex(), cid).await?;
        }
        if let Some(mid) = actor.member_id {
            h.my_member_name = members::get(&mut c.ex(), cid, mid).await?.map(|m| m.name);
        }
        if let Some(uid) = actor.unit_id {
            h.my_unit_name = directory::get(&mut c.ex(), DirectoryKind::Unit, cid, uid).await?.map(|u| u.name);
        }
        Ok(h)
    }

    /// The committee's short name for the page header, read once per process (see
    /// `App::short_names`).
    pub async fn committee_name(&self, committee_id: i64) -> AppResult<String> {
        if let Some(name) = self.short_names.read().unwrap_or_else(|e| e.into_inner()).get(&committee_id) {
            return Ok(name.clone());
        }
        let mut c = self.db.acquire().await?;
        let Some(committee) = eline_storage::committees::get(&mut c.ex(), committee_id).await? else { return Ok(String::new()) };
        self.short_names.write().unwrap_or_else(|e| e.into_inner()).insert(committee_id, committee.short_name.clone());
        Ok(committee.short_name)
    }
}
