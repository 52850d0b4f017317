//! What handling units and proposers record on a proposal: replies (with the letter's details),
//! evaluations (with the 测评表), commitments and supervising leaders. Re-exported by
//! `proposals`, whose functions these were.

use eline_domain::proposal::{Disclosure, Satisfaction};
use serde::Serialize;

use crate::{Ex, Result, StorageError, all, now_micros, run, scalar};

// ---- replies, evaluations, timeline ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Reply {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub round: i64,
    pub class: String,
    pub text: String,
    pub signer: String,
    pub at: i64,
    /// What the reply letter (答复函) states besides the text; None on replies recorded before
    /// the letter asked for them.
    pub letter: LetterDetails,
}

/// 文号, 联系人, 联系电话 and 公开属性 of a reply letter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LetterDetails {
    /// 文号, e.g. 中民函〔2026〕12号
    pub doc_number: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub disclosure: Option<Disclosure>,
}

/// A reply as stored; `disclosure` is decoded into the domain enum (an unknown value is an error).
#[derive(sqlx::FromRow)]
struct ReplyRow {
    id: i64,
    unit_id: i64,
    unit_name: String,
    round: i64,
    class: String,
    text: String,
    signer: String,
    at: i64,
    doc_number: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    disclosure: Option<String>,
}

impl TryFrom<ReplyRow> for Reply {
    type Error = StorageError;

    fn try_from(r: ReplyRow) -> Result<Reply> {
        let disclosure = r.disclosure.map(Disclosure::try_from).transpose().map_err(|e| StorageError::Db(sqlx::Error::Decode(Box::new(e))))?;
        let letter = LetterDetails { doc_number: r.doc_number, contact_name: r.contact_name, contact_phone: r.contact_phone, disclosure };
        Ok(Reply { id: r.id, unit_id: r.unit_id, unit_name: r.unit_name, round: r.round, class: r.class, text: r.text, signer: r.signer, at: r.at, letter })
    }
}

/// Records the letter details of a reply (in the reply's transaction).
pub async fn set_letter_details(ex: &mut Ex<'_>, reply_id: i64, d: &LetterDetails) -> Result<()> {
    run!(
        ex,
        "UPDATE proposal_replies SET doc_number = $1, contact_name = $2, contact_phone = $3, disclosure = $4 WHERE id = $5",
        &d.doc_number,
        &d.contact_name,
        &d.contact_phone,
        d.disclosure.map(Disclosure::as_str),
        reply_id
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn add_reply(ex: &mut Ex<'_>, proposal_id: i64, unit_id: i64, round: i64, class: &str, text: &str, signer: &str, user_id: i64) -> Result<i64> {
    Ok(scalar!(
        ex,
        i64,
        "INSERT INTO proposal_replies (proposal_id, unit_id, round, class, text, signer, replied_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        proposal_id,
        unit_id,
        round,
        class,
        text,
        signer,
        user_id,
        now_micros()
    )?)
}

pub async fn replies(ex: &mut Ex<'_>, proposal_id: i64) -> Result<Vec<Reply>> {
    let rows = all!(
        ex,
        ReplyRow,
        "SELECT r.id, r.unit_id, u.name AS unit_name, r.round, r.class, r.text, r.signer, r.at,
                r.doc_number, r.contact_name, r.contact_phone, r.disclosure
         FROM proposal_replies r JOIN units u ON u.id = r.unit_id
         WHERE r.proposal_id = $1 ORDER BY r.id",
        proposal_id
    )?;
    rows.into_iter().map(Reply::try_from).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Evaluation {
    pub id: i64,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub round: i64,
    #[sqlx(try_from = "String")]
    pub satisfaction: Satisfaction,
    pub comment: Option<String>,
    pub decisive: bool,
    pub at: i64,
    /// The 测评表 (`eline_domain::proposal::ContactWay` names, then `Satisfaction` names); all
    /// None when the rating was given without it.
    pub contact_before: Option<String>,
    pub contact_during: Option<String>,
    pub attitude: Option<String>,
    pub result: Option<String>,
}

/// Stores the 测评表 of an evaluation just added.
pub async fn set_survey(ex: &mut Ex<'_>, evaluation_id: i64, s: &eline_domain::proposal::Survey) -> Result<()> {
    run!(
        ex,
        "UPDATE proposal_evaluations SET contact_before = $1, contact_during = $2, attitude = $3, result = $4 WHERE id = $5",
        s.contact_before.as_str(),
        s.contact_during.as_str(),
        s.attitude.as_str(),
        s.result.as_str(),
        evaluation_id
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn add_evaluation(
    ex: &mut Ex<'_>,
    proposal_id: i64,
    member_id: Option<i64>,
    user_id: i64,
    round: i64,
    satisfaction: Satisfaction,
    comment: Option<&str>,
    decisive: bool,
) -> Result<i64> {
    Ok(scalar!(
        ex,
        i64,
        "INSERT INTO proposal_evaluations (proposal_id, member_id, user_id, round, satisfaction, comment, decisive, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        proposal_id,
        member_id,
        user_id,
        round,
        satisfaction.as_str(),
        comment,
        decisive,
        now_micros()
    )?)
}

pub async fn evaluations(ex: &mut Ex<'_>, proposal_id: i64) -> Result<Vec<Evaluation>> {
    Ok(all!(
        ex,
        Evaluation,
        "SELECT e.id, e.member_id, m.name AS member_name, e.round, e.satisfaction, e.comment, e.decisive, e.at,
            e.contact_before, e.contact_during, e.attitude, e.result FROM proposal_evaluations e
         LEFT JOIN members m ON m.id = e.member_id WHERE e.proposal_id = $1 ORDER BY e.id",
        proposal_id
    )?)
}

/// Users who evaluated in this round.
/// Who rated the reply of `round`, and who rated the delivery of the promises (`DELIVERY_ROUND`).
pub async fn evaluators(ex: &mut Ex<'_>, proposal_id: i64, round: i64) -> Result<(Vec<i64>, Vec<i64>)> {
    let rows = all!(
        ex,
        (i64, i64),
        "SELECT user_id, round FROM proposal_evaluations WHERE proposal_id = $1 AND round IN ($2, $3)",
        proposal_id,
        round,
        DELIVERY_ROUND
    )?;
    let (delivery, reply): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, r)| *r == DELIVERY_ROUND);
    Ok((reply.into_iter().map(|(u, _)| u).collect(), delivery.into_iter().map(|(u, _)| u).collect()))
}

/// The round number under which a proposer rates the delivery of the promises after closing.
pub const DELIVERY_ROUND: i64 = -1;

// ---- commitments (B/C follow-up) and supervision ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Commitment {
    pub id: i64,
    pub unit_id: Option<i64>,
    pub promise: String,
    pub due_on: Option<String>,
    pub evidence: Option<String>,
    pub done_at: Option<i64>,
}

pub async fn add_commitment(ex: &mut Ex<'_>, proposal_id: i64, unit_id: Option<i64>, promise: &str, due_on: Option<&str>) -> Result<i64> {
    Ok(scalar!(
        ex,
        i64,
        "INSERT INTO proposal_commitments (proposal_id, unit_id, promise, due_on, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        proposal_id,
        unit_id,
        promise,
        due_on,
        now_micros()
    )?)
}

pub async fn fulfil_commitment(ex: &mut Ex<'_>, proposal_id: i64, commitment_id: i64, evidence: &str) -> Result<bool> {
    Ok(run!(
        ex,
        "UPDATE proposal_commitments SET evidence = $1, done_at = $2 WHERE id = $3 AND proposal_id = $4 AND done_at IS NULL",
        evidence,
        now_micros(),
        commitment_id,
        proposal_id
    )? == 1)
}

pub async fn commitments(ex: &mut Ex<'_>, proposal_id: i64) -> Result<Vec<Commitment>> {
    Ok(all!(
        ex,
        Commitment,
        "SELECT id, unit_id, promise, due_on, evidence, done_at FROM proposal_commitments WHERE proposal_id = $1 ORDER BY id",
        proposal_id
    )?)
}

pub async fn set_supervisors(ex: &mut Ex<'_>, proposal_id: i64, user_ids: &[i64]) -> Result<()> {
    run!(&mut *ex, "DELETE FROM proposal_supervisors WHERE proposal_id = $1", proposal_id)?;
    for u in user_ids {
        run!(&mut *ex, "INSERT INTO proposal_supervisors (proposal_id, user_id) VALUES ($1, $2)", proposal_id, *u)?;
    }
    Ok(())
}

pub async fn supervisors(ex: &mut Ex<'_>, proposal_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(all!(
        ex,
        (i64, String),
        "SELECT s.user_id, u.display_name FROM proposal_supervisors s JOIN users u ON u.id = s.user_id WHERE s.proposal_id = $1 ORDER BY s.id",
        proposal_id
    )?)
}
