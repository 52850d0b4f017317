//! Administration of user accounts (admins only).

use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource};
use eline_domain::{Actor, FieldError, Role, text};
use eline_storage::directory;
use eline_storage::users::{self, NewUser, User};
use eline_storage::{members, sessions};
use serde::Deserialize;

use crate::auth::{check_new_password, hash_password};
use crate::context::{audit_write, snapshot};
use crate::{App, AppError, AppResult, Page};

#[derive(Debug, Clone, Deserialize)]
pub struct UserInput {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// Authorised to submit collective proposals for this organisation (党派团体).
    #[serde(default)]
    pub organization_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UserUpdate {
    pub display_name: String,
    pub roles: Vec<String>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub organization_id: Option<i64>,
    pub active: bool,
    pub version: Option<i64>,
}

/// Usernames: 3–32 characters of letters, digits, '.', '_' or '-'.
pub fn parse_username(raw: &str) -> Result<String, FieldError> {
    let u = raw.trim();
    let ok_chars = u.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if u.len() < 3 || u.len() > 32 || !ok_chars {
        return Err(FieldError::new("username", "用户名须为3到32位字母、数字、点、下划线或连字符"));
    }
    Ok(u.to_string())
}

fn parse_roles(raw: &[String]) -> Result<Vec<Role>, FieldError> {
    let roles = Role::parse_list(&raw.join(",")).map_err(|m| FieldError::new("roles", m))?;
    if roles.is_empty() {
        return Err(FieldError::new("roles", "请至少选择一个角色"));
    }
    Ok(roles)
}

impl App {
    /// Checks that a member account points at a member and a unit account at a unit of the committee.
    async fn check_links(
        &self,
        committee_id: i64,
        roles: &[Role],
        member_id: Option<i64>,
        unit_id: Option<i64>,
        organization_id: Option<i64>,
    ) -> AppResult<()> {
        let mut c = self.db.acquire().await?;
        let mut errors = Vec::new();
        if roles.contains(&Role::Member) && member_id.is_none() {
            errors.push(FieldError::new("member_id", "委员账号需关联一名委员"));
        }
        if let Some(id) = member_id
            && members::get(&mut c.ex(), committee_id, id).await?.is_none()
        {
            errors.push(FieldError::new("member_id", "关联的委员不存在"));
        }
        if roles.contains(&Role::Unit) && unit_id.is_none() {
            errors.push(FieldError::new("unit_id", "承办单位账号需关联一个承办单位"));
        }
        if let Some(id) = unit_id
            && directory::get(&mut c.ex(), DirectoryKind::Unit, committee_id, id).await?.is_none()
        {
            errors.push(FieldError::new("unit_id", "关联的承办单位不存在"));
        }
        if let Some(id) = organization_id
            && directory::get(&mut c.ex(), DirectoryKind::Organization, committee_id, id).await?.is_none_or(|o| o.archived)
        {
            errors.push(FieldError::new("organization_id", "授权的党派团体不存在或已归档"));
        }
        if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
    }

    /// Creates an account in the actor's committee. Accounts made by an admin must change their
    /// password at first login (`must_change`), except the demo's.
    pub async fn create_user(&self, actor: &Actor, input: &UserInput, must_change: bool) -> AppResult<User> {
        self.require(actor, Action::ManageUsers, Resource::Any).await?;
        let mut errors = Vec::new();
        let username = parse_username(&input.username).map_err(|e| errors.push(e)).ok();
        let display_name = text::required("display_name", "姓名", &input.display_name, 40).map_err(|e| errors.push(e)).ok();
        let roles = parse_roles(&input.roles).map_err(|e| errors.push(e)).ok();
        if let Err(AppError::Validation(mut e)) = check_new_password(&input.password) {
            errors.append(&mut e);
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let (username, display_name, roles) = (username.unwrap_or_default(), display_name.unwrap_or_default(), roles.unwrap_or_default());
        self.check_links(actor.committee_id, &roles, input.member_id, input.unit_id, input.organization_id).await?;
        let hash = hash_password(input.password.clone()).await?;
        let mut tx = self.db.begin().await?;
        let user = users::create(
            &mut tx.ex(),
            &NewUser {
                committee_id: actor.committee_id,
                username: &username,
                display_name: &display_name,
                password_hash: &hash,
                roles: &Role::join(&roles),
                member_id: input.member_id,
                unit_id: input.unit_id,
                organization_id: input.organization_id,
                must_change_password: must_change,
            },
        )
        .await
        .map_err(|e| AppError::from_storage(e, "username"))?;
        audit_write(&mut tx, Some(actor), "create", "user", Some(user.id), format!("创建账号 {username}"), None, snapshot(&user)).await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn update_user(&self, actor: &Actor, id: i64, input: &UserUpdate) -> AppResult<User> {
        self.require(actor, Action::ManageUsers, Resource::Any).await?;
        let version = eline_domain::org::version(input.version).map_err(|e| AppError::Validation(vec![e]))?;
        let display_name = text::required("display_name", "姓名", &input.display_name, 40).map_err(|e| AppError::Validation(vec![e]))?;
        let roles = parse_roles(&input.roles).map_err(|e| AppError::Validation(vec![e]))?;
        if id == actor.user_id && (!roles.contains(&Role::Admin) || !input.active) {
            return Err(AppError::field("roles", "不能取消自己的管理员角色或停用自己的账号"));
        }
        self.check_links(actor.committee_id, &roles, input.member_id, input.unit_id, input.organization_id).await?;
        let mut tx = self.db.begin().await?;
        let before = users::get(&mut tx.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let after = users::update(
            &mut tx.ex(),
            actor.committee_id,
            id,
            version,
            &display_name,
            &Role::join(&roles),
            input.member_id,
            input.unit_id,
            input.organization_id,
            input.active,
        )
        .await?;
        if !after.active {
            sessions::delete_for_user(&mut tx.ex(), id).await?;
        }
        audit_write(&mut tx, Some(actor), "update", "user", Some(id), format!("修改账号 {}", after.username), snapshot(&before), snapshot(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Sets a new password chosen by the admin; the user must change it at next login.
    pub async fn reset_password(&self, actor: &Actor, id: i64, password: &str) -> AppResult<()> {
        self.require(actor, Action::ManageUsers, Resource::Any).await?;
        check_new_password(password)?;
        let hash = hash_password(password.to_string()).await?;
        let mut tx = self.db.begin().await?;
        let user = users::get(&mut tx.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        users::set_password(&mut tx.ex(), id, &hash, true).await?;
        sessions::delete_for_user(&mut tx.ex(), id).await?;
        let revoked = users::revoke_tokens(&mut tx.ex(), id, None).await?;
        let summary = format!("重置 {} 的密码（结束其登录，吊销接口令牌{revoked}个）", user.username);
        audit_write(&mut tx, Some(actor), "password_reset", "user", Some(id), summary, None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Revokes every API token of a user (e.g. a lost phone); returns how many were live.
    pub async fn revoke_user_tokens(&self, actor: &Actor, id: i64) -> AppResult<u64> {
        self.require(actor, Action::ManageUsers, Resource::Any).await?;
        let mut tx = self.db.begin().await?;
        let user = users::get(&mut tx.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        let revoked = users::revoke_tokens(&mut tx.ex(), id, None).await?;
        audit_write(&mut tx, Some(actor), "tokens_revoked", "user", Some(id), format!("吊销 {} 的全部接口令牌（{revoked}个）", user.username), None, None)
            .await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// A user's tokens as an administrator sees them (live ones, and those ended in 30 days).
    pub async fn user_tokens(&self, actor: &Actor, id: i64) -> AppResult<Vec<users::Token>> {
        self.require(actor, Action::ManageUsers, Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        users::get(&mut c.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
        Ok(users::list_tokens(&mut c.ex(), id, eline_storage::now_micros() - 30 * 24 * 3600 * 1_000_000).await?)
    }

    pub async fn get_user(&self, actor: &Actor, id: i64) -> AppResult<User> {
        self.require(actor, Action::ManageUsers, Resource::Any).await?;
        let mut c = self.db.acquire().await?;
        users::get(&mut c.ex(), actor.committee_id, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn list_users(&self, actor: &Actor, cursor: Option<&str>, limit: i64) -> AppResult<Page<User>> {
        self.require(actor, Action::ManageUsers, Resource::Any).await?;
        let after: i64 = crate::parse_cursor(cursor)?.unwrap_or(0);
        let mut c = self.db.acquire().await?;
        let mut items = users::list(&mut c.ex(), actor.committee_id, after, limit + 1).await?;
        Ok(Page::from_overfetch(&mut items, limit, |u| u.id.to_string()))
    }
}
