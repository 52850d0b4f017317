//! Records → search documents, with the grants that may see each one.
//!
//! The grants are the record pages' rules written for an index (`proposal::audience` for
//! `proposal::access`, `policy::member_audience` for `can(ViewMember)`; the domain's property
//! tests keep each pair in agreement); the search use case checks every returned hit against
//! the record's own rule again, so a stale grant can hide a hit but never reveal one.

use std::collections::HashMap;

use eline_domain::Actor;
use eline_domain::policy::{self, Grant};
use eline_domain::proposal::{CosignStatus, Kind, Parties, Status, UnitPart, UnitRole, audience};
use eline_search::Doc;
use eline_storage::Ex;
use eline_storage::search_rows::{self, Link};

use crate::AppResult;

/// The kinds' names in the index (the registry's `RecordKind`s).
pub const PROPOSAL: &str = eline_domain::RecordKind::PROPOSAL.0;
pub const MEMBER: &str = eline_domain::RecordKind::MEMBER.0;

/// The grants of an actor, as the index stores them: a document is found when it carries one
/// of them (`eline_domain::policy::grants`).
pub fn grants(actor: &Actor) -> Vec<String> {
    policy::grants(actor).iter().map(ToString::to_string).collect()
}

fn acl(audience: Vec<Grant>) -> Vec<String> {
    audience.iter().map(ToString::to_string).collect()
}

fn group(links: Vec<Link>) -> HashMap<i64, Vec<Link>> {
    let mut out: HashMap<i64, Vec<Link>> = HashMap::new();
    for l in links {
        out.entry(l.proposal_id).or_default().push(l);
    }
    out
}

/// Proposals with ids in `from..=to`, as documents (all committees).
pub async fn proposals(ex: &mut Ex<'_>, from: i64, to: i64) -> AppResult<Vec<Doc>> {
    let rows = search_rows::proposals(&mut *ex, from, to).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let cosigners = group(search_rows::cosigners(&mut *ex, from, to).await?);
    let units = group(search_rows::units(&mut *ex, from, to).await?);
    let supervisors = group(search_rows::supervisors(&mut *ex, from, to).await?);
    let merged = group(search_rows::merged_members(&mut *ex, from, to).await?);
    let mut replies: HashMap<i64, Vec<String>> = HashMap::new();
    for r in search_rows::replies(&mut *ex, from, to).await? {
        replies.entry(r.proposal_id).or_default().push(r.text);
    }
    let none = Vec::new();
    Ok(rows
        .into_iter()
        .map(|p| {
            let status = Status::parse(&p.status).unwrap_or(Status::Draft);
            let my_units = units.get(&p.id).unwrap_or(&none);
            let parties = Parties {
                kind: Kind::parse(&p.kind),
                proposer_member: p.proposer_member_id,
                created_by: p.created_by,
                cosigners: cosigners.get(&p.id).unwrap_or(&none).iter().filter_map(|c| Some((c.other_id, CosignStatus::parse(&c.note)?))).collect(),
                units: my_units
                    .iter()
                    .filter_map(|u| {
                        let (role, active) = u.note.strip_suffix('-').map_or((u.note.as_str(), true), |r| (r, false));
                        Some(UnitPart { unit_id: u.other_id, role: UnitRole::parse(role)?, active, replied_round: None })
                    })
                    .collect(),
                supervisors: supervisors.get(&p.id).unwrap_or(&none).iter().map(|s| s.other_id).collect(),
                merged_proposers: merged.get(&p.id).unwrap_or(&none).iter().map(|m| m.other_id).collect(),
                ..Parties::default()
            };
            // The record page's rule (`proposal::access`), written for the index; a property
            // test in the domain keeps the two in agreement.
            let acl = acl(audience(status, p.published, &parties));
            let active: Vec<&Link> = my_units.iter().filter(|u| !u.note.ends_with('-')).collect();
            let lead = active.iter().find(|u| u.note != "co").map(|u| u.other_id);
            let mut unit_ids: Vec<i64> = lead.into_iter().collect();
            for u in active.iter().chain(my_units.iter().filter(|u| u.note.ends_with('-')).collect::<Vec<_>>().iter()) {
                if !unit_ids.contains(&u.other_id) {
                    unit_ids.push(u.other_id);
                }
            }
            let proposer = p.organization_name.clone().or(p.proposer_name.clone()).unwrap_or_default();
            let number = p.number.map(|n| format!("第{n}号 ")).unwrap_or_default();
            Doc {
                kind: PROPOSAL.into(),
                id: p.id,
                committee_id: p.committee_id,
                title: p.title,
                body: p.body,
                extra: format!("{number}{proposer}\n{}", replies.remove(&p.id).unwrap_or_default().join("\n")),
                year: Some(p.year),
                session_id: Some(p.session_id),
                status: p.status,
                units: unit_ids,
                lead_unit: lead,
                sector: p.sector_id,
                acl,
                at: p.submitted_at.unwrap_or(p.created_at),
            }
        })
        .collect())
}

/// Members with ids in `from..=to`: their file is seen by the office, leaders and themselves.
pub async fn members(ex: &mut Ex<'_>, from: i64, to: i64) -> AppResult<Vec<Doc>> {
    Ok(search_rows::members(ex, from, to)
        .await?
        .into_iter()
        .map(|m| Doc {
            kind: MEMBER.into(),
            id: m.id,
            committee_id: m.committee_id,
            title: m.name,
            body: [Some(m.sector_name), m.party, m.station_name, m.term_number.map(|t| format!("第{t}届"))]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            extra: String::new(),
            year: None,
            session_id: None,
            status: if m.archived { "archived".into() } else { "active".into() },
            units: Vec::new(),
            lead_unit: None,
            sector: Some(m.sector_id),
            acl: acl(policy::member_audience(m.id)),
            at: m.created_at,
        })
        .collect())
}
