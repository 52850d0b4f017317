//! 委员 records of a committee, with their special-committee memberships.

use eline_domain::member::MemberFields;
use serde::Serialize;

use crate::{Ex, Result, StorageError, all, now_micros, opt, run, scalar};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub committee_id: i64,
    pub name: String,
    pub gender: Option<String>,
    pub birth_year: Option<i64>,
    pub party: Option<String>,
    pub sector_id: i64,
    pub work_station_id: Option<i64>,
    /// Comma-separated positions (chair, vice_chair, secretary_general, standing, member).
    pub roles: String,
    pub term_number: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub hk_macao: bool,
    pub status: String,
    pub archived: bool,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A member row joined with the names a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MemberRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub member: Member,
    pub sector_name: String,
    pub work_station_name: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub sector_id: Option<i64>,
    pub work_station_id: Option<i64>,
    pub special_committee_id: Option<i64>,
    /// Part of the name.
    pub name: Option<String>,
    pub include_archived: bool,
    pub after_id: Option<i64>,
}

fn roles_text(f: &MemberFields) -> String {
    f.roles.join(",")
}

pub async fn create(ex: &mut Ex<'_>, committee_id: i64, f: &MemberFields) -> Result<Member> {
    let now = now_micros();
    let m = opt!(
        &mut *ex,
        Member,
        "INSERT INTO members (committee_id, name, gender, birth_year, party, sector_id, work_station_id, roles, term_number, phone, email, address, hk_macao, status, archived, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, FALSE, 1, $15, $15) RETURNING *",
        committee_id,
        &f.name,
        &f.gender,
        f.birth_year.map(i64::from),
        &f.party,
        f.sector_id,
        f.work_station_id,
        roles_text(f),
        f.term_number.map(i64::from),
        &f.phone,
        &f.email,
        &f.address,
        f.hk_macao,
        f.status.as_str(),
        now
    )?
    .ok_or(StorageError::NotFound)?;
    set_committees(ex, m.id, &f.committee_ids).await?;
    Ok(m)
}

/// Creates many members in a few multi-row statements (an import): the rows as `create` would
/// write them, returned in the order given.
pub async fn create_many(tx: &mut crate::Tx, committee_id: i64, fields: &[MemberFields]) -> Result<Vec<Member>> {
    use crate::bulk::{Rows, Val, insert, reserve_ids};
    let ids = reserve_ids(tx, "members", fields.len()).await?;
    let now = now_micros();
    let members: Vec<Member> = fields
        .iter()
        .zip(&ids)
        .map(|(f, id)| Member {
            id: *id,
            committee_id,
            name: f.name.clone(),
            gender: f.gender.clone(),
            birth_year: f.birth_year.map(i64::from),
            party: f.party.clone(),
            sector_id: f.sector_id,
            work_station_id: f.work_station_id,
            roles: roles_text(f),
            term_number: f.term_number.map(i64::from),
            phone: f.phone.clone(),
            email: f.email.clone(),
            address: f.address.clone(),
            hk_macao: f.hk_macao,
            status: f.status.as_str().to_string(),
            archived: false,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .collect();
    let mut rows = Rows::new(
        "members",
        &[
            "id",
            "committee_id",
            "name",
            "gender",
            "birth_year",
            "party",
            "sector_id",
            "work_station_id",
            "roles",
            "term_number",
            "phone",
            "email",
            "address",
            "hk_macao",
            "status",
            "archived",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    for m in &members {
        rows.push([
            Val::Int(m.id),
            Val::Int(m.committee_id),
            Val::Text(m.name.clone()),
            Val::OptText(m.gender.clone()),
            Val::OptInt(m.birth_year),
            Val::OptText(m.party.clone()),
            Val::Int(m.sector_id),
            Val::OptInt(m.work_station_id),
            Val::Text(m.roles.clone()),
            Val::OptInt(m.term_number),
            Val::OptText(m.phone.clone()),
            Val::OptText(m.email.clone()),
            Val::OptText(m.address.clone()),
            Val::Bool(m.hk_macao),
            Val::Text(m.status.clone()),
            Val::Bool(false),
            Val::Int(1),
            Val::Int(now),
            Val::Int(now),
        ]);
    }
    insert(tx, &rows).await?;
    let mut links = Rows::new("member_committees", &["member_id", "special_committee_id"]);
    for (f, id) in fields.iter().zip(&ids) {
        for c in &f.committee_ids {
            links.push([Val::Int(*id), Val::Int(*c)]);
        }
    }
    insert(tx, &links).await?;
    Ok(members)
}

async fn set_committees(ex: &mut Ex<'_>, member_id: i64, ids: &[i64]) -> Result<()> {
    run!(&mut *ex, "DELETE FROM member_committees WHERE member_id = $1", member_id)?;
    for id in ids {
        run!(&mut *ex, "INSERT INTO member_committees (member_id, special_committee_id) VALUES ($1, $2)", member_id, *id)?;
    }
    Ok(())
}

pub async fn get(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> Result<Option<Member>> {
    Ok(opt!(ex, Member, "SELECT * FROM members WHERE id = $1 AND committee_id = $2", id, committee_id)?)
}

pub async fn committee_ids(ex: &mut Ex<'_>, member_id: i64) -> Result<Vec<i64>> {
    Ok(all!(ex, (i64,), "SELECT special_committee_id FROM member_committees WHERE member_id = $1 ORDER BY special_committee_id", member_id)?
        .into_iter()
        .map(|(id,)| id)
        .collect())
}

pub async fn update(ex: &mut Ex<'_>, committee_id: i64, id: i64, version: i64, f: &MemberFields) -> Result<Member> {
    let row = opt!(
        &mut *ex,
        Member,
        "UPDATE members SET name = $1, gender = $2, birth_year = $3, party = $4, sector_id = $5, work_station_id = $6, roles = $7,
             term_number = $8, phone = $9, email = $10, address = $11, hk_macao = $12, status = $13, version = version + 1, updated_at = $14
         WHERE id = $15 AND committee_id = $16 AND version = $17 RETURNING *",
        &f.name,
        &f.gender,
        f.birth_year.map(i64::from),
        &f.party,
        f.sector_id,
        f.work_station_id,
        roles_text(f),
        f.term_number.map(i64::from),
        &f.phone,
        &f.email,
        &f.address,
        f.hk_macao,
        f.status.as_str(),
        now_micros(),
        id,
        committee_id,
        version
    )?;
    let m = found_or_reason(ex, committee_id, id, row).await?;
    set_committees(ex, id, &f.committee_ids).await?;
    Ok(m)
}

pub async fn set_archived(ex: &mut Ex<'_>, committee_id: i64, id: i64, version: i64, archived: bool) -> Result<Member> {
    let row = opt!(
        &mut *ex,
        Member,
        "UPDATE members SET archived = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND committee_id = $4 AND version = $5 RETURNING *",
        archived,
        now_micros(),
        id,
        committee_id,
        version
    )?;
    found_or_reason(ex, committee_id, id, row).await
}

async fn found_or_reason(ex: &mut Ex<'_>, committee_id: i64, id: i64, row: Option<Member>) -> Result<Member> {
    match row {
        Some(m) => Ok(m),
        None => match get(ex, committee_id, id).await? {
            Some(_) => Err(StorageError::VersionConflict),
            None => Err(StorageError::NotFound),
        },
    }
}

const LIST_SQL: &str = "SELECT m.*, s.name AS sector_name, w.name AS work_station_name
     FROM members m
     JOIN sectors s ON s.id = m.sector_id
     LEFT JOIN work_stations w ON w.id = m.work_station_id
     WHERE m.committee_id = $1 AND ($2 OR m.archived = FALSE)
       AND (CAST($3 AS BIGINT) IS NULL OR m.sector_id = $3)
       AND (CAST($4 AS BIGINT) IS NULL OR m.work_station_id = $4)
       AND (CAST($5 AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM member_committees mc WHERE mc.member_id = m.id AND mc.special_committee_id = $5))
       AND (CAST($6 AS TEXT) IS NULL OR LOWER(m.name) LIKE LOWER($6))
       AND m.id > $7
     ORDER BY m.id LIMIT $8";

/// A page of members in id order.
pub async fn list(ex: &mut Ex<'_>, committee_id: i64, f: &Filter, limit: i64) -> Result<Vec<MemberRow>> {
    let like = f.name.as_ref().filter(|n| !n.trim().is_empty()).map(|n| format!("%{}%", n.trim().replace(['%', '_'], "")));
    Ok(all!(
        ex,
        MemberRow,
        LIST_SQL,
        committee_id,
        f.include_archived,
        f.sector_id,
        f.work_station_id,
        f.special_committee_id,
        like,
        f.after_id.unwrap_or(0),
        limit
    )?)
}

pub async fn count_active(ex: &mut Ex<'_>, committee_id: i64) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT COUNT(*) FROM members WHERE committee_id = $1 AND archived = FALSE", committee_id)?)
}

/// (name, id) of active members with exactly this name, to spot duplicates on import.
pub async fn ids_by_name(ex: &mut Ex<'_>, committee_id: i64, name: &str) -> Result<Vec<i64>> {
    Ok(all!(ex, (i64,), "SELECT id FROM members WHERE committee_id = $1 AND name = $2 AND archived = FALSE", committee_id, name)?
        .into_iter()
        .map(|(id,)| id)
        .collect())
}

/// Ids among `ids` that are not active members of the committee.
pub async fn unknown_ids(ex: &mut Ex<'_>, committee_id: i64, ids: &[i64]) -> Result<Vec<i64>> {
    let mut missing = Vec::new();
    for id in ids {
        let n: i64 = scalar!(&mut *ex, i64, "SELECT COUNT(*) FROM members WHERE id = $1 AND committee_id = $2 AND archived = FALSE", *id, committee_id)?;
        if n == 0 {
            missing.push(*id);
        }
    }
    Ok(missing)
}
