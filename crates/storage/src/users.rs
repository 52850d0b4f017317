//! User accounts, API tokens (stored as SHA-256 hashes) and failed-login records for throttling.

use serde::Serialize;

use crate::{Ex, Result, StorageError, all, now_micros, opt, run, scalar};

/// The columns of `User`, named: `SELECT *` would let a connection's cached statement disagree
/// with a table that gained a column (SQLite re-prepares, sqlx keeps the old column list).
macro_rules! user_columns {
    () => {
        "id, committee_id, username, display_name, password_hash, roles, member_id, unit_id, must_change_password, active, organization_id, last_login_at, version, created_at, updated_at"
    };
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub committee_id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    /// Comma-separated roles.
    pub roles: String,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub must_change_password: bool,
    pub active: bool,
    /// The organisation this account may submit collective proposals for.
    pub organization_id: Option<i64>,
    pub last_login_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub struct NewUser<'a> {
    pub committee_id: i64,
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub roles: &'a str,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub must_change_password: bool,
}

pub async fn create(ex: &mut Ex<'_>, u: &NewUser<'_>) -> Result<User> {
    let now = now_micros();
    opt!(
        ex,
        User,
        concat!("INSERT INTO users (committee_id, username, display_name, password_hash, roles, member_id, unit_id, must_change_password, active, version, created_at, updated_at, organization_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, 1, $9, $9, $10) RETURNING ", user_columns!()),
        u.committee_id,
        u.username,
        u.display_name,
        u.password_hash,
        u.roles,
        u.member_id,
        u.unit_id,
        u.must_change_password,
        now,
        u.organization_id
    )
    .map_err(|e| StorageError::from(e).duplicate_as("该用户名已被使用"))?
    .ok_or(StorageError::NotFound)
}

pub async fn get(ex: &mut Ex<'_>, committee_id: i64, id: i64) -> Result<Option<User>> {
    Ok(opt!(ex, User, concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1 AND committee_id = $2"), id, committee_id)?)
}

/// By id regardless of committee: only for resolving a session or token to its own user.
pub async fn get_by_id(ex: &mut Ex<'_>, id: i64) -> Result<Option<User>> {
    Ok(opt!(ex, User, concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1"), id)?)
}

pub async fn get_by_username(ex: &mut Ex<'_>, username: &str) -> Result<Option<User>> {
    Ok(opt!(ex, User, concat!("SELECT ", user_columns!(), " FROM users WHERE username = $1"), username)?)
}

pub async fn list(ex: &mut Ex<'_>, committee_id: i64, after_id: i64, limit: i64) -> Result<Vec<User>> {
    Ok(all!(
        ex,
        User,
        concat!("SELECT ", user_columns!(), " FROM users WHERE committee_id = $1 AND id > $2 ORDER BY id LIMIT $3"),
        committee_id,
        after_id,
        limit
    )?)
}

pub async fn count(ex: &mut Ex<'_>, committee_id: i64) -> Result<i64> {
    Ok(scalar!(ex, i64, "SELECT COUNT(*) FROM users WHERE committee_id = $1 AND active = TRUE", committee_id)?)
}

/// Changes display name, roles, links and active flag when `version` is current.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    ex: &mut Ex<'_>,
    committee_id: i64,
    id: i64,
    version: i64,
    display_name: &str,
    roles: &str,
    member_id: Option<i64>,
    unit_id: Option<i64>,
    organization_id: Option<i64>,
    active: bool,
) -> Result<User> {
    let row = opt!(
        &mut *ex,
        User,
        concat!(
            "UPDATE users SET display_name = $1, roles = $2, member_id = $3, unit_id = $4, active = $5, version = version + 1, updated_at = $6,
         organization_id = $10 WHERE id = $7 AND committee_id = $8 AND version = $9 RETURNING ",
            user_columns!()
        ),
        display_name,
        roles,
        member_id,
        unit_id,
        active,
        now_micros(),
        id,
        committee_id,
        version,
        organization_id
    )?;
    match row {
        Some(u) => Ok(u),
        None => match get(ex, committee_id, id).await? {
            Some(_) => Err(StorageError::VersionConflict),
            None => Err(StorageError::NotFound),
        },
    }
}

pub async fn set_password(ex: &mut Ex<'_>, id: i64, password_hash: &str, must_change: bool) -> Result<()> {
    run!(
        ex,
        "UPDATE users SET password_hash = $1, must_change_password = $2, version = version + 1, updated_at = $3 WHERE id = $4",
        password_hash,
        must_change,
        now_micros(),
        id
    )?;
    Ok(())
}

pub async fn touch_login(ex: &mut Ex<'_>, id: i64) -> Result<()> {
    run!(ex, "UPDATE users SET last_login_at = $1 WHERE id = $2", now_micros(), id)?;
    Ok(())
}

// ---- API tokens ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Token {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    #[serde(skip)]
    pub token_hash: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub async fn create_token(ex: &mut Ex<'_>, user_id: i64, name: &str, token_hash: &str) -> Result<Token> {
    opt!(
        ex,
        Token,
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING *",
        user_id,
        name,
        token_hash,
        now_micros()
    )?
    .ok_or(StorageError::NotFound)
}

/// The live token with this hash and its user.
pub async fn token_by_hash(ex: &mut Ex<'_>, token_hash: &str) -> Result<Option<Token>> {
    Ok(opt!(ex, Token, "SELECT * FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL", token_hash)?)
}

pub async fn touch_token(ex: &mut Ex<'_>, id: i64) -> Result<()> {
    run!(ex, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", now_micros(), id)?;
    Ok(())
}

pub async fn list_tokens(ex: &mut Ex<'_>, user_id: i64) -> Result<Vec<Token>> {
    Ok(all!(ex, Token, "SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY id DESC LIMIT 200", user_id)?)
}

/// Revokes one of the user's own tokens; false when there is no such live token.
pub async fn revoke_token(ex: &mut Ex<'_>, user_id: i64, token_id: i64) -> Result<bool> {
    Ok(run!(ex, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL", now_micros(), token_id, user_id)? == 1)
}

// ---- login throttling ----

pub async fn record_failure(ex: &mut Ex<'_>, key: &str) -> Result<()> {
    run!(ex, "INSERT INTO login_failures (key, at) VALUES ($1, $2)", key, now_micros())?;
    Ok(())
}

/// Failures for `key` since `since` (µs), and the time of the oldest of them.
pub async fn failures_since(ex: &mut Ex<'_>, key: &str, since: i64) -> Result<(i64, Option<i64>)> {
    Ok(opt!(ex, (i64, Option<i64>), "SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = $1 AND at >= $2", key, since)?.unwrap_or((0, None)))
}

pub async fn clear_failures(ex: &mut Ex<'_>, key: &str) -> Result<()> {
    run!(ex, "DELETE FROM login_failures WHERE key = $1", key)?;
    Ok(())
}

/// Drops failure records older than `before` (µs).
pub async fn prune_failures(ex: &mut Ex<'_>, before: i64) -> Result<u64> {
    Ok(run!(ex, "DELETE FROM login_failures WHERE at < $1", before)?)
}

/// Active users of the committee holding `role`, for pickers (e.g. supervising leaders).
pub async fn with_role(ex: &mut Ex<'_>, committee_id: i64, role: &str) -> Result<Vec<User>> {
    let users = all!(ex, User, concat!("SELECT ", user_columns!(), " FROM users WHERE committee_id = $1 AND active = TRUE ORDER BY id"), committee_id)?;
    Ok(users.into_iter().filter(|u| u.roles.split(',').any(|r| r == role)).collect())
}
