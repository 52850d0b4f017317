//! Device sessions for phone apps: a login through the API opens one session per device with a
//! short-lived access token and a refresh token. A refresh exchanges the refresh token for a new
//! pair (rotation); a refresh token presented a second time was copied, and the session it
//! belonged to ends at once. Personal tokens (the account page) stay as they were.

use base64::Engine as _;
use eline_domain::Actor;
use eline_storage::now_micros;
use eline_storage::users::{self, SessionPair, Token, User};

use crate::auth::{actor_of, token_hash};
use crate::context::audit_write;
use crate::{App, AppError, AppResult};

/// A device's name as the app sends it (e.g. "张三的 iPhone"): at most this many characters.
pub const MAX_DEVICE_CHARS: usize = 60;

/// A session and the secrets of its current pair (shown once, stored hashed).
#[derive(Debug, Clone)]
pub struct Issued {
    pub user: User,
    pub actor: Actor,
    pub session: Token,
    pub access_token: String,
    pub refresh_token: String,
}

/// A random secret with a prefix telling what it is (`eline_` access, `eline_r_` refresh).
pub fn secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// A random URL-safe name for a short-lived record (an upload, an account batch): 32 characters.
pub fn random_id() -> String {
    let mut bytes = [0u8; 24];
    rand::fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `id` can be one `random_id` made (anything else is simply not found).
pub fn is_random_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The device a login names, or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub name: String,
    /// Named by the app: a new login on it ends its earlier session. A login without a name gets
    /// one of its own and is a session apart (scripts logging in several times keep each token).
    pub named: bool,
}

/// The device to record: trimmed, at most `MAX_DEVICE_CHARS`, no control characters.
pub fn device_name(device: Option<&str>, stamp: &str) -> AppResult<Device> {
    match device.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) if d.chars().count() > MAX_DEVICE_CHARS => Err(AppError::field("device", format!("设备名称不能超过{MAX_DEVICE_CHARS}个字"))),
        Some(d) if d.chars().any(char::is_control) => Err(AppError::field("device", "设备名称不能含控制字符")),
        Some(d) => Ok(Device { name: d.to_string(), named: true }),
        None => Ok(Device { name: format!("接口登录 {stamp}"), named: false }),
    }
}

impl App {
    fn new_pair(&self) -> (String, String, i64, i64) {
        let access_until = now_micros() + self.settings.access_token_minutes.max(1) * 60 * 1_000_000;
        (secret("eline_"), secret("eline_r_"), access_until, self.token_expiry())
    }

    /// Opens a session for `actor` on `device`, ending the device's earlier session.
    pub async fn open_device_session(&self, actor: &Actor, device: &Device) -> AppResult<Issued> {
        let (access, refresh, access_until, session_until) = self.new_pair();
        let (access_hash, refresh_hash) = (token_hash(&access), token_hash(&refresh));
        let pair = SessionPair { access_hash: &access_hash, access_expires_at: access_until, refresh_hash: &refresh_hash, session_expires_at: session_until };
        let mut tx = self.db.begin().await?;
        let user = users::get_by_id(&mut tx.ex(), actor.user_id).await?.ok_or(AppError::NotFound)?;
        let (session, ended) = users::open_session(&mut tx.ex(), actor.user_id, &device.name, &device.name, device.named, &pair).await?;
        let device = &device.name;
        let summary = if ended > 0 {
            format!("在设备“{device}”上登录接口（取代该设备先前的会话）")
        } else {
            format!("在设备“{device}”上登录接口")
        };
        audit_write(&mut tx, Some(actor), "device_session_opened", "api_token", Some(session.id), summary, None, None).await?;
        tx.commit().await?;
        Ok(Issued { actor: actor_of(&user), user, session, access_token: access, refresh_token: refresh })
    }

    /// Exchanges a refresh token for a new pair. An unknown or ended one is `Unauthenticated`;
    /// one already exchanged ends its session (audited) and is `Unauthenticated` too.
    pub async fn refresh_device_session(&self, refresh_token: &str) -> AppResult<Issued> {
        if refresh_token.len() > 200 || !refresh_token.starts_with("eline_r_") {
            return Err(AppError::Unauthenticated);
        }
        let old = token_hash(refresh_token);
        let (access, refresh, access_until, session_until) = self.new_pair();
        let (access_hash, refresh_hash) = (token_hash(&access), token_hash(&refresh));
        let pair = SessionPair { access_hash: &access_hash, access_expires_at: access_until, refresh_hash: &refresh_hash, session_expires_at: session_until };
        let mut tx = self.db.begin().await?;
        let Some(session) = users::rotate_session(&mut tx.ex(), &old, &pair).await? else {
            drop(tx);
            return self.refused_refresh(&old).await;
        };
        let user = users::get_by_id(&mut tx.ex(), session.user_id).await?.filter(|u| u.active && !u.must_change_password);
        let Some(user) = user else {
            drop(tx);
            return Err(AppError::Unauthenticated);
        };
        tx.commit().await?;
        Ok(Issued { actor: actor_of(&user), user, session, access_token: access, refresh_token: refresh })
    }

    /// A refresh token that opened nothing: when it was exchanged before, its session ends.
    async fn refused_refresh(&self, hash: &str) -> AppResult<Issued> {
        let mut tx = self.db.begin().await?;
        if let Some((token_id, user_id)) = users::used_refresh(&mut tx.ex(), hash).await?
            && users::end_token(&mut tx.ex(), token_id).await?
        {
            let owner = users::get_by_id(&mut tx.ex(), user_id).await?.map(|u| actor_of(&u));
            let summary = "刷新令牌被重复使用（可能已被复制），该设备会话已结束".to_string();
            audit_write(&mut tx, owner.as_ref(), "refresh_token_reused", "api_token", Some(token_id), summary, None, None).await?;
        }
        tx.commit().await?;
        Err(AppError::Unauthenticated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_are_trimmed_bounded_and_defaulted() {
        assert_eq!(device_name(Some("  张三的手机 "), "x").unwrap(), Device { name: "张三的手机".into(), named: true });
        assert_eq!(device_name(None, "2026-12-01 09:00").unwrap(), Device { name: "接口登录 2026-12-01 09:00".into(), named: false });
        assert_eq!(device_name(Some("   "), "s").unwrap(), Device { name: "接口登录 s".into(), named: false });
        assert!(device_name(Some(&"机".repeat(61)), "s").is_err());
        assert!(device_name(Some("a\u{7}b"), "s").is_err());
    }

    #[test]
    fn secrets_are_random_and_say_what_they_are() {
        let (a, b) = (secret("eline_r_"), secret("eline_r_"));
        assert_ne!(a, b);
        assert!(a.starts_with("eline_r_") && a.len() > 40);
    }
}
