//! 编辑新一期: a new draft issue, one transaction; a single issue may start with its report.

use chrono::Datelike;
use eline_domain::bulletin::{self, Act};
use eline_domain::opinion::{BulletinForm, BulletinStatus, Channel};
use eline_domain::policy::{Action, Resource, can};
use eline_domain::{Actor, RecordKind, RecordRef};
use eline_storage::bulletins::{self, Bulletin, NewBulletin};

use super::{BulletinFlow, BulletinInput, compilable, default_credit};
use crate::change::{self, Change};
use crate::opinions::Config;
use crate::workflow::Workflow;
use crate::{App, AppError, AppResult, Checks, snapshot};

impl App {
    /// A new draft issue of 《社情民意》 or 《资政之声》 (the office), every error at once.
    pub async fn create_bulletin(&self, actor: &Actor, input: &BulletinInput) -> AppResult<Bulletin> {
        if !can(actor, Action::ManageBulletins, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let mut tx = self.db.begin().await?;
        let config = Config::load(&mut tx.ex(), actor.committee_id).await?;
        let series = input.series.unwrap_or(Channel::Opinion);
        let form = input.form.unwrap_or(BulletinForm::Single);
        let mut checks = Checks::default();
        let report = match input.opinion_id {
            Some(id) => checks.take(compilable(&mut tx.ex(), actor, series, Some(id)).await)?,
            None => None,
        };
        // A single issue prints its report: its title and edited text unless written otherwise.
        let single = report.as_ref().filter(|_| form == BulletinForm::Single);
        let title = match (input.title.trim(), single) {
            ("", Some(o)) => o.title.clone(),
            (t, _) => t.to_string(),
        };
        let body = match (input.body.trim(), single) {
            ("", Some(o)) => o.body.clone(),
            (b, _) => b.to_string(),
        };
        let editor_unit = input.editor_unit.as_deref().map(str::trim).filter(|u| !u.is_empty()).unwrap_or(&config.rules.editor_unit).to_string();
        let fields = checks.take(
            bulletin::check_fields(&title, &body, &editor_unit, input.signed_off_by.as_deref(), input.report_to.as_deref(), input.copy_to.as_deref())
                .map_err(AppError::from),
        )?;
        let Some(f) = fields.filter(|_| checks.is_empty()) else { return Err(checks.error()) };
        let new = NewBulletin {
            committee_id: actor.committee_id,
            series,
            year: i64::from(config.today.year()),
            form,
            title: &f.title,
            body: &f.body,
            editor_unit: &f.editor_unit,
            signed_off_by: f.signed_off_by.as_deref(),
            report_to: f.report_to.as_deref(),
            copy_to: f.copy_to.as_deref(),
            created_by: actor.user_id,
        };
        let b = bulletins::create(&mut tx.ex(), &new).await?;
        let mut note = format!("编辑新一期《{}》（{}）", series.series_title(), form.label());
        if let Some(o) = &report {
            let credit = default_credit(o);
            bulletins::add_item(&mut tx.ex(), b.id, o.id, &credit).await.map_err(|e| AppError::from_storage(e, "opinion_id"))?;
            note.push_str(&format!("，编入信息“{}”（{credit}）", o.title));
        }
        let change = Change {
            record: RecordRef::new(RecordKind::BULLETIN, b.id),
            action: Act::Create.as_str(),
            summary: format!("期刊“{}”：{note}", b.title),
            before: None,
            after: snapshot(&b),
            timeline: Some((Some(BulletinStatus::Draft.as_str()), &note)),
            topics: BulletinFlow::TOPICS,
        };
        change::record(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(b)
    }
}
