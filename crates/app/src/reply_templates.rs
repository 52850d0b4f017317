//! A handling unit's reusable reply texts (答复模板), kept per unit and seen only by it.

use eline_domain::policy::{Action, Resource, can};
use eline_domain::{Actor, text};
use eline_storage::reply_templates::{self, ReplyTemplate};

use crate::context::{audit_write, snapshot};
use crate::{App, AppError, AppResult};

fn unit_of(actor: &Actor) -> AppResult<i64> {
    match actor.unit_id {
        Some(u) if can(actor, Action::ManageReplyTemplates, Resource::Any) => Ok(u),
        _ => Err(AppError::Forbidden),
    }
}

impl App {
    pub async fn reply_templates(&self, actor: &Actor) -> AppResult<Vec<ReplyTemplate>> {
        let unit = unit_of(actor)?;
        let mut c = self.db.acquire().await?;
        Ok(reply_templates::for_unit(&mut c.ex(), actor.committee_id, unit).await?)
    }

    pub async fn reply_template(&self, actor: &Actor, id: i64) -> AppResult<ReplyTemplate> {
        let unit = unit_of(actor)?;
        let mut c = self.db.acquire().await?;
        reply_templates::get(&mut c.ex(), actor.committee_id, unit, id).await?.filter(|t| !t.archived).ok_or(AppError::NotFound)
    }

    pub async fn create_reply_template(&self, actor: &Actor, name: &str, body: &str) -> AppResult<ReplyTemplate> {
        let unit = unit_of(actor)?;
        let mut errors = Vec::new();
        let name = text::required("name", "模板名称", name, 40).map_err(|e| errors.push(e)).ok();
        let body = body.trim();
        if body.is_empty() {
            errors.push(eline_domain::FieldError::new("text", "模板内容不能为空"));
        } else if body.chars().count() > 20_000 {
            errors.push(eline_domain::FieldError::new("text", "模板内容不能超过20000字"));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let mut tx = self.db.begin().await?;
        let t = reply_templates::create(&mut tx.ex(), actor.committee_id, unit, &name.unwrap_or_default(), body).await?;
        audit_write(&mut tx, Some(actor), "create", "reply_template", Some(t.id), format!("新建答复模板“{}”", t.name), None, snapshot(&t)).await?;
        tx.commit().await?;
        Ok(t)
    }

    pub async fn archive_reply_template(&self, actor: &Actor, id: i64) -> AppResult<ReplyTemplate> {
        let unit = unit_of(actor)?;
        let mut tx = self.db.begin().await?;
        let t = reply_templates::archive(&mut tx.ex(), actor.committee_id, unit, id).await?.ok_or(AppError::NotFound)?;
        audit_write(&mut tx, Some(actor), "archive", "reply_template", Some(id), format!("归档答复模板“{}”", t.name), None, snapshot(&t)).await?;
        tx.commit().await?;
        Ok(t)
    }
}
