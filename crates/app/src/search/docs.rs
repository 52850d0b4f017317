//! Records → search documents, with the grants that may see each one.
//!
//! The grants mirror the record pages' rules (`eline_domain::proposal::visible` and
//! `Loaded::visible_to` for proposals, `policy::can(ViewMember)` for members); the search use
//! case checks every returned hit against those rules again, so a stale grant can hide a hit
//! but never reveal one.

use std::collections::HashMap;

use eline_domain::proposal::{Kind, Status};
use eline_domain::{Actor, Role};
use eline_search::Doc;
use eline_storage::Ex;
use eline_storage::search_rows::{self, Link};

use crate::AppResult;

pub const PROPOSAL: &str = "proposal";
pub const MEMBER: &str = "member";

/// The grants of an actor: a document is found when it carries one of them.
pub fn grants(actor: &Actor) -> Vec<String> {
    let mut g = vec!["public".to_string(), format!("u:{}", actor.user_id)];
    if actor.has(Role::Staff) {
        g.push(eline_search::STAFF.into());
    }
    if actor.has(Role::Admin) {
        g.push("admin".into());
    }
    if actor.has(Role::Leader) {
        g.push("leader".into());
        g.push(format!("sup:{}", actor.user_id));
    }
    if let Some(m) = actor.member_id.filter(|_| actor.has(Role::Member)) {
        g.push(format!("m:{m}"));
    }
    if let Some(u) = actor.unit_id.filter(|_| actor.has(Role::Unit)) {
        g.push(format!("unit:{u}"));
    }
    g
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
            // A draft is its author's alone: the office's grant does not cover it.
            let mut acl = vec![if status == Status::Draft { eline_search::PRIVATE } else { eline_search::STAFF }.to_string()];
            match Kind::parse(&p.kind) {
                Some(Kind::Collective) => acl.push(format!("u:{}", p.created_by)),
                _ => acl.extend(p.proposer_member_id.map(|m| format!("m:{m}"))),
            }
            if status != Status::Draft {
                // Pending and confirmed co-signers see it (declined ones do not).
                acl.extend(cosigners.get(&p.id).unwrap_or(&none).iter().filter(|c| c.note != "declined").map(|c| format!("m:{}", c.other_id)));
            }
            let my_units = units.get(&p.id).unwrap_or(&none);
            acl.extend(my_units.iter().map(|u| format!("unit:{}", u.other_id)));
            acl.extend(supervisors.get(&p.id).unwrap_or(&none).iter().map(|s| format!("sup:{}", s.other_id)));
            acl.extend(merged.get(&p.id).unwrap_or(&none).iter().map(|m| format!("m:{}", m.other_id)));
            if status.is_filed() {
                acl.push("leader".into());
                if p.published {
                    acl.push("public".into());
                }
            }
            acl.sort();
            acl.dedup();
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
            acl: vec![eline_search::STAFF.into(), "admin".into(), "leader".into(), format!("m:{}", m.id)],
            at: m.created_at,
        })
        .collect())
}
