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

/// The account of the member with this phone number, when exactly one account has it (a number
/// shared by two accounts logs in neither: the username must be used).
pub async fn get_by_member_phone(ex: &mut Ex<'_>, phone: &str) -> Result<Option<User>> {
    let mut found =
        all!(ex, User, concat!("SELECT ", user_columns!(), " FROM users WHERE member_id IN (SELECT id FROM members WHERE phone = $1) LIMIT 2"), phone)?;
    Ok(if found.len() == 1 { found.pop() } else { None })
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
    /// A personal token: moves on with each use (sliding); the token stops working after it.
    /// A device session: when its current access token stops working (refresh for a new one).
    pub expires_at: i64,
    /// The device a session was opened on (None: a personal token).
    pub device: Option<String>,
    #[serde(skip)]
    pub refresh_hash: Option<String>,
    /// A device session ends then unless refreshed before (each refresh moves it on).
    pub session_expires_at: Option<i64>,
}

impl Token {
    /// When the token or session stops working for good (unless used or refreshed before).
    pub fn ends_at(&self) -> i64 {
        self.session_expires_at.unwrap_or(self.expires_at)
    }

    pub fn live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.ends_at() > now
    }
}

macro_rules! token_columns {
    () => {
        "id, user_id, name, token_hash, created_at, last_used_at, revoked_at, expires_at, device, refresh_hash, session_expires_at"
    };
}

pub async fn create_token(ex: &mut Ex<'_>, user_id: i64, name: &str, token_hash: &str, expires_at: i64) -> Result<Token> {
    opt!(
        ex,
        Token,
        concat!("INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING ", token_columns!()),
        user_id,
        name,
        token_hash,
        now_micros(),
        expires_at
    )?
    .ok_or(StorageError::NotFound)
}

/// The live (neither revoked nor expired) token with this hash.
pub async fn token_by_hash(ex: &mut Ex<'_>, token_hash: &str) -> Result<Option<Token>> {
    Ok(opt!(
        ex,
        Token,
        concat!("SELECT ", token_columns!(), " FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2"),
        token_hash,
        now_micros()
    )?)
}

/// Records a use and moves a personal token's expiry on (a device session's access token keeps
/// its short life: the session moves on when refreshed).
pub async fn touch_token(ex: &mut Ex<'_>, id: i64, expires_at: i64) -> Result<()> {
    run!(
        ex,
        "UPDATE api_tokens SET last_used_at = $1, expires_at = CASE WHEN device IS NULL THEN $2 ELSE expires_at END WHERE id = $3",
        now_micros(),
        expires_at,
        id
    )?;
    Ok(())
}

/// The hashes and expiries of a device session's token pair.
pub struct SessionPair<'a> {
    pub access_hash: &'a str,
    pub access_expires_at: i64,
    pub refresh_hash: &'a str,
    pub session_expires_at: i64,
}

/// Opens a device session; with `replace`, a live session of the same user on the same device is
/// ended (one per device). Returns the session and how many were ended.
pub async fn open_session(ex: &mut Ex<'_>, user_id: i64, name: &str, device: &str, replace: bool, pair: &SessionPair<'_>) -> Result<(Token, u64)> {
    let now = now_micros();
    let ended = if replace {
        run!(ex, "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND device = $3 AND revoked_at IS NULL", now, user_id, device)?
    } else {
        0
    };
    let token = opt!(
        ex,
        Token,
        concat!(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at, device, refresh_hash, session_expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ",
            token_columns!()
        ),
        user_id,
        name,
        pair.access_hash,
        now,
        pair.access_expires_at,
        device,
        pair.refresh_hash,
        pair.session_expires_at
    )?
    .ok_or(StorageError::NotFound)?;
    Ok((token, ended))
}

/// Exchanges a live session's refresh token for a new pair, in one statement (of two
/// concurrent exchanges of the same token only one succeeds); the old refresh token is kept as
/// used. None when no live session has this refresh token.
pub async fn rotate_session(ex: &mut Ex<'_>, old_refresh_hash: &str, pair: &SessionPair<'_>) -> Result<Option<Token>> {
    let now = now_micros();
    let token = opt!(
        ex,
        Token,
        concat!(
            "UPDATE api_tokens SET token_hash = $1, expires_at = $2, refresh_hash = $3, session_expires_at = $4, last_used_at = $5
             WHERE refresh_hash = $6 AND revoked_at IS NULL AND session_expires_at > $5 RETURNING ",
            token_columns!()
        ),
        pair.access_hash,
        pair.access_expires_at,
        pair.refresh_hash,
        pair.session_expires_at,
        now,
        old_refresh_hash
    )?;
    if let Some(t) = &token {
        run!(ex, "INSERT INTO api_refresh_used (id, token_id, used_at) VALUES ($1, $2, $3)", old_refresh_hash, t.id, now)?;
    }
    Ok(token)
}

/// The session a refresh token already exchanged belonged to, with its user.
pub async fn used_refresh(ex: &mut Ex<'_>, hash: &str) -> Result<Option<(i64, i64)>> {
    let row: Option<(i64, i64)> =
        opt!(ex, (i64, i64), "SELECT t.id, t.user_id FROM api_refresh_used r JOIN api_tokens t ON t.id = r.token_id WHERE r.id = $1", hash)?;
    Ok(row)
}

/// Ends a session or token whoever owns it (a reused refresh token); false when already ended.
pub async fn end_token(ex: &mut Ex<'_>, token_id: i64) -> Result<bool> {
    Ok(run!(ex, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", now_micros(), token_id)? == 1)
}

/// Every live token of the user, and those revoked or expired since `ended_since` (µs): live
/// ones first, newest first.
pub async fn list_tokens(ex: &mut Ex<'_>, user_id: i64, ended_since: i64) -> Result<Vec<Token>> {
    Ok(all!(
        ex,
        Token,
        concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens
             WHERE user_id = $1 AND ((revoked_at IS NULL AND COALESCE(session_expires_at, expires_at) > $2)
                   OR COALESCE(revoked_at, session_expires_at, expires_at) >= $3)
             ORDER BY CASE WHEN revoked_at IS NULL AND COALESCE(session_expires_at, expires_at) > $2 THEN 0 ELSE 1 END, id DESC"
        ),
        user_id,
        now_micros(),
        ended_since
    )?)
}

/// Revokes one of the user's own tokens; false when there is no such live token.
pub async fn revoke_token(ex: &mut Ex<'_>, user_id: i64, token_id: i64) -> Result<bool> {
    Ok(run!(ex, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL", now_micros(), token_id, user_id)? == 1)
}

/// Revokes every live token of the user but `keep` (the one a request is made with); returns how many.
pub async fn revoke_tokens(ex: &mut Ex<'_>, user_id: i64, keep: Option<i64>) -> Result<u64> {
    Ok(run!(
        ex,
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND COALESCE(session_expires_at, expires_at) > $1 AND id <> $3",
        now_micros(),
        user_id,
        keep.unwrap_or(0)
    )?)
}

// ---- login throttling ----

/// One counted attempt of a throttle key: the attempts in the current window (this one
/// included), when the window started, and when the attempt before this one was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Attempt {
    pub attempts: i64,
    pub window_start: i64,
    pub previous_at: Option<i64>,
}

/// Counts an attempt for `key` and returns the count, in one statement: concurrent attempts
/// each see their own number, so a limit cannot be raced. A window older than `window` (µs)
/// starts again at one.
pub async fn count_attempt(ex: &mut Ex<'_>, key: &str, window: i64) -> Result<Attempt> {
    let now = now_micros();
    opt!(
        ex,
        Attempt,
        "INSERT INTO login_throttle (id, attempts, window_start, last_at, previous_at) VALUES ($1, 1, $2, $2, NULL)
         ON CONFLICT (id) DO UPDATE SET
            attempts = CASE WHEN login_throttle.window_start <= $3 THEN 1 ELSE login_throttle.attempts + 1 END,
            window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2 ELSE login_throttle.window_start END,
            previous_at = login_throttle.last_at,
            last_at = $2
         RETURNING attempts, window_start, previous_at",
        key,
        now,
        now - window
    )?
    .ok_or(StorageError::NotFound)
}

/// The attempts counted for `key` in its current window and when that window started, in one
/// read that counts nothing (None: no attempt counted, or its window is over).
pub async fn attempts(ex: &mut Ex<'_>, key: &str, window: i64) -> Result<Option<Attempt>> {
    Ok(opt!(ex, Attempt, "SELECT attempts, window_start, previous_at FROM login_throttle WHERE id = $1 AND window_start > $2", key, now_micros() - window)?)
}

/// Gives back one attempt of `key` (a success does not count against an address).
pub async fn refund_attempt(ex: &mut Ex<'_>, key: &str) -> Result<()> {
    run!(ex, "UPDATE login_throttle SET attempts = attempts - 1 WHERE id = $1 AND attempts > 0", key)?;
    Ok(())
}

pub async fn clear_attempts(ex: &mut Ex<'_>, key: &str) -> Result<()> {
    run!(ex, "DELETE FROM login_throttle WHERE id = $1", key)?;
    Ok(())
}

/// Drops throttle rows last touched before `before` (µs), and known addresses not used since
/// `known_before`.
pub async fn prune_throttle(ex: &mut Ex<'_>, before: i64, known_before: i64) -> Result<u64> {
    let a = run!(&mut *ex, "DELETE FROM login_throttle WHERE last_at < $1", before)?;
    let b = run!(ex, "DELETE FROM login_known_addresses WHERE last_at < $1", known_before)?;
    Ok(a + b)
}

/// Remembers that the user logged in from `address`.
pub async fn remember_address(ex: &mut Ex<'_>, user_id: i64, address: &str) -> Result<()> {
    run!(
        ex,
        "INSERT INTO login_known_addresses (user_id, address, last_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, address) DO UPDATE SET last_at = $3",
        user_id,
        address,
        now_micros()
    )?;
    Ok(())
}

/// Whether the user logged in from `address` since `since` (µs).
pub async fn is_known_address(ex: &mut Ex<'_>, user_id: i64, address: &str, since: i64) -> Result<bool> {
    Ok(scalar!(ex, i64, "SELECT COUNT(*) FROM login_known_addresses WHERE user_id = $1 AND address = $2 AND last_at >= $3", user_id, address, since)? > 0)
}

/// (id, display name, username) of every account of the committee, by display name: the
/// audit log's actor picker (deactivated accounts too: their entries stay).
pub async fn names(ex: &mut Ex<'_>, committee_id: i64) -> Result<Vec<(i64, String, String)>> {
    Ok(all!(ex, (i64, String, String), "SELECT id, display_name, username FROM users WHERE committee_id = $1 ORDER BY display_name, id", committee_id)?)
}

/// Active users of the committee holding `role`, for pickers (e.g. supervising leaders).
pub async fn with_role(ex: &mut Ex<'_>, committee_id: i64, role: &str) -> Result<Vec<User>> {
    // The role is matched in SQL: a committee has 10,000 member accounts and a few leaders (a
    // proposal's page loaded them all: 45 ms).
    let users = all!(
        ex,
        User,
        concat!("SELECT ", user_columns!(), " FROM users WHERE committee_id = $1 AND active = TRUE AND (',' || roles || ',') LIKE $2 ORDER BY id"),
        committee_id,
        format!("%,{role},%")
    )?;
    Ok(users.into_iter().filter(|u| u.roles.split(',').any(|r| r == role)).collect())
}
