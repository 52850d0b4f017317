//! Accounts for the whole roster at once (账号开通): the office opens member accounts for every
//! active member without one (or those picked), usernames from a rule (the name in pinyin, or the
//! mobile number), random initial passwords that must be changed at first login. The batch keeps
//! the initial passwords for its creator for a day — for the account letters and the office's
//! list — and is then deleted.

use std::collections::HashSet;

use eline_domain::policy::{Action, Resource};
use eline_domain::{Actor, Role};
use eline_storage::account_batches;
use eline_storage::now_micros;
use eline_storage::users::{self, NewUser};
use pinyin::ToPinyin;
use serde::{Deserialize, Serialize};

use crate::auth::hash_password;
use crate::context::audit_write;
use crate::{App, AppError, AppResult};

/// A batch's letters and list can be printed for this long (µs): a day.
pub const BATCH_LIFETIME: i64 = 24 * 3600 * 1_000_000;
/// Accounts opened in one go at most (a city committee has about 320 members).
pub const MAX_BATCH: usize = 1000;

/// How usernames are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UsernameRule {
    /// The name in pinyin without tones (王帆凯 → wangfankai; a second one wangfankai2).
    Pinyin,
    /// The member's mobile number; the pinyin name when there is none (or it is taken).
    Phone,
}

impl UsernameRule {
    pub fn parse(s: &str) -> Option<UsernameRule> {
        match s {
            "pinyin" => Some(UsernameRule::Pinyin),
            "phone" => Some(UsernameRule::Phone),
            _ => None,
        }
    }
}

/// One account opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opened {
    pub member_id: i64,
    pub user_id: i64,
    pub name: String,
    pub sector: String,
    pub phone: Option<String>,
    pub username: String,
    /// The initial password (to be changed at first login).
    pub password: String,
}

#[derive(Debug, Clone)]
pub struct AccountBatch {
    pub id: String,
    /// The committee's full name (the letters' heading).
    pub committee: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub entries: Vec<Opened>,
}

/// The name in pinyin, lowercase ASCII letters only (Latin letters in the name are kept).
pub fn pinyin_of(name: &str) -> String {
    let mut out = String::new();
    for (c, p) in name.chars().zip(name.to_pinyin()) {
        match p {
            Some(p) => out.push_str(p.plain()),
            None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            None => {}
        }
    }
    out.chars().filter(|c| c.is_ascii_alphanumeric()).take(28).collect()
}

/// A mainland mobile number as digits (11 digits starting with 1), else None.
pub fn mobile_of(phone: Option<&str>) -> Option<String> {
    let digits = crate::auth::phone_number(phone?)?;
    (digits.len() == 11 && digits.starts_with('1')).then_some(digits)
}

/// `base`, or `base2`, `base3` … the first one not taken (and takes it).
fn unique(base: &str, taken: &mut HashSet<String>) -> String {
    let mut candidate = base.to_string();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// The username for a member under the rule, unique among `taken`.
pub fn username_for(rule: UsernameRule, member_id: i64, name: &str, phone: Option<&str>, taken: &mut HashSet<String>) -> String {
    if rule == UsernameRule::Phone
        && let Some(mobile) = mobile_of(phone)
        && !taken.contains(&mobile)
    {
        taken.insert(mobile.clone());
        return mobile;
    }
    let base = pinyin_of(name);
    let base = if base.len() >= 3 { base } else { format!("wy{member_id}") };
    unique(&base, taken)
}

/// Letters and digits that cannot be mistaken for each other on paper (no 0/o, 1/l/i).
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A random initial password of 10 characters with letters and digits.
pub fn initial_password() -> String {
    loop {
        let mut bytes = [0u8; 10];
        rand::fill(&mut bytes);
        let p: String = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
        if p.chars().any(|c| c.is_ascii_digit()) && p.chars().any(|c| c.is_ascii_lowercase()) {
            return p;
        }
    }
}

impl App {
    /// Opens member accounts for the active members without one (`only`: just these), all in one
    /// transaction (nothing is half done); returns the batch with the initial passwords.
    pub async fn open_member_accounts(&self, actor: &Actor, only: Option<&[i64]>, rule: UsernameRule) -> AppResult<AccountBatch> {
        self.require(actor, Action::OpenMemberAccounts, Resource::Any).await?;
        if only.is_some_and(|ids| ids.is_empty()) {
            return Err(AppError::field("member_ids", "请至少选择一位委员"));
        }
        let (members, mut taken) = {
            let mut c = self.db.acquire().await?;
            let members = account_batches::members_without_account(&mut c.ex(), actor.committee_id, only).await?;
            let taken: HashSet<String> = account_batches::taken_usernames(&mut c.ex()).await?.into_iter().collect();
            (members, taken)
        };
        if members.is_empty() {
            let why = if only.is_some() { "所选委员都已有账号（或已离任、已归档）" } else { "所有在任委员都已有账号" };
            return Err(AppError::field("member_ids", why));
        }
        if members.len() > MAX_BATCH {
            return Err(AppError::field("member_ids", format!("一次最多开通{MAX_BATCH}个账号，请分批选择")));
        }
        let mut planned = Vec::with_capacity(members.len());
        for listed in &members {
            let m = &listed.member;
            let username = username_for(rule, m.id, &m.name, m.phone.as_deref(), &mut taken);
            planned.push((listed, username, initial_password()));
        }
        // Hash on the blocking pool, all cores at once (argon2 takes tens of milliseconds each).
        let mut hashing = tokio::task::JoinSet::new();
        for (i, (_, _, password)) in planned.iter().enumerate() {
            let password = password.clone();
            hashing.spawn(async move { (i, hash_password(password).await) });
        }
        let mut hashes = vec![String::new(); planned.len()];
        while let Some(done) = hashing.join_next().await {
            let (i, hash) = done.map_err(|e| AppError::Internal(e.to_string()))?;
            hashes[i] = hash?;
        }

        let mut tx = self.db.begin().await?;
        let mut entries = Vec::with_capacity(planned.len());
        for ((listed, username, password), hash) in planned.into_iter().zip(hashes) {
            let m = &listed.member;
            let new = NewUser {
                committee_id: actor.committee_id,
                username: &username,
                display_name: &m.name,
                password_hash: &hash,
                roles: &Role::join(&[Role::Member]),
                member_id: Some(m.id),
                unit_id: None,
                organization_id: None,
                must_change_password: true,
            };
            let user = users::create(&mut tx.ex(), &new).await.map_err(|e| AppError::from_storage(e, "username"))?;
            let summary = format!("为委员{}开通账号 {username}（初始密码须在首次登录时修改）", m.name);
            audit_write(&mut tx, Some(actor), "account_opened", "user", Some(user.id), summary, None, None).await?;
            let sector = listed.sector_name.clone().unwrap_or_default();
            entries.push(Opened { member_id: m.id, user_id: user.id, name: m.name.clone(), sector, phone: m.phone.clone(), username, password });
        }
        account_batches::delete_expired(&mut tx.ex(), now_micros()).await?;
        let id = crate::device_sessions::random_id();
        let json = serde_json::to_string(&entries).map_err(|e| AppError::Internal(e.to_string()))?;
        let batch = account_batches::create(&mut tx.ex(), &id, actor.committee_id, actor.user_id, now_micros() + BATCH_LIFETIME, &json).await?;
        let committee = eline_storage::committees::get(&mut tx.ex(), actor.committee_id).await?.map(|c| c.name).unwrap_or_default();
        tx.commit().await?;
        Ok(AccountBatch { id: batch.id, committee, created_at: batch.created_at, expires_at: batch.expires_at, entries })
    }

    /// A batch the actor opened, within its day (404 for anyone else's or an expired one).
    pub async fn account_batch(&self, actor: &Actor, id: &str) -> AppResult<AccountBatch> {
        self.require(actor, Action::OpenMemberAccounts, Resource::Any).await?;
        if !crate::device_sessions::is_random_id(id) {
            return Err(AppError::NotFound);
        }
        let mut c = self.db.acquire().await?;
        let b = account_batches::get(&mut c.ex(), id, actor.user_id).await?.ok_or(AppError::NotFound)?;
        let entries = serde_json::from_str(&b.entries).map_err(|e| AppError::Internal(format!("account batch: {e}")))?;
        let committee = eline_storage::committees::get(&mut c.ex(), actor.committee_id).await?.map(|c| c.name).unwrap_or_default();
        Ok(AccountBatch { id: b.id, committee, created_at: b.created_at, expires_at: b.expires_at, entries })
    }

    /// The active members without an account (for the page that picks whom to open for).
    pub async fn members_without_account(&self, actor: &Actor) -> AppResult<Vec<account_batches::Listed>> {
        self.require(actor, Action::OpenMemberAccounts, Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        Ok(account_batches::members_without_account(&mut c.ex(), actor.committee_id, None).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_the_rule_and_never_repeat() {
        let mut taken: HashSet<String> = ["wangfankai".to_string()].into_iter().collect();
        assert_eq!(pinyin_of("王帆凯"), "wangfankai");
        assert_eq!(pinyin_of("欧阳 Li"), "ouyangli");
        assert_eq!(username_for(UsernameRule::Pinyin, 7, "王帆凯", None, &mut taken), "wangfankai2");
        assert_eq!(username_for(UsernameRule::Pinyin, 8, "王帆凯", None, &mut taken), "wangfankai3");
        assert_eq!(username_for(UsernameRule::Phone, 9, "李明", Some("138-0013-8000"), &mut taken), "13800138000");
        assert_eq!(username_for(UsernameRule::Phone, 10, "李明", Some("13800138000"), &mut taken), "liming", "a taken number falls back to pinyin");
        assert_eq!(username_for(UsernameRule::Phone, 11, "李明", Some("0760-88888888"), &mut taken), "liming2", "a landline is no username");
        assert_eq!(username_for(UsernameRule::Pinyin, 12, "鑫", None, &mut taken), "xin");
        assert_eq!(username_for(UsernameRule::Pinyin, 13, "李", None, &mut taken), "wy13", "too short for a username: from the id");
    }

    #[test]
    fn initial_passwords_have_letters_and_digits_and_nothing_ambiguous() {
        for _ in 0..200 {
            let p = initial_password();
            assert_eq!(p.len(), 10);
            assert!(crate::auth::check_new_password(&p).is_ok(), "{p}");
            assert!(!p.contains(['0', 'o', '1', 'l', 'i']), "{p}");
        }
        assert_ne!(initial_password(), initial_password());
    }
}
