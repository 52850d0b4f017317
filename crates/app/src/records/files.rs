//! Files attached to any record: who may attach what is the module's answer (`Seen::purposes`),
//! who may read them is the record's full access (or its public view, where the module says so).

use eline_domain::{Access, Actor, RecordRef};
use eline_storage::attachments::{self, Attachment, NewAttachment};

use crate::change::{self, Change};
use crate::files::clean_name;
use crate::{App, AppError, AppResult};

impl App {
    /// Stores a file for `purpose` on the record, after asking the record's module whether the
    /// actor may attach such a file now; the change is on the record's timeline and in the audit.
    pub async fn attach(&self, actor: &Actor, record: RecordRef, purpose: &str, file_name: &str, bytes: &[u8]) -> AppResult<Attachment> {
        let module = self.records.get(record.kind.as_str()).ok_or(AppError::NotFound)?;
        let seen = self.see(actor, record).await?;
        match seen.access {
            Access::Full => {}
            // Those who read the notice only (an activity's public view) see that it exists.
            Access::Public => return Err(AppError::Forbidden),
            Access::None => return Err(AppError::NotFound),
        }
        let Some(label) = module.purposes().iter().find(|(p, _)| *p == purpose).map(|(_, l)| *l) else {
            return Err(AppError::field("purpose", purpose_message(module.purposes())));
        };
        if !seen.purposes.contains(&purpose) {
            return Err(AppError::Forbidden);
        }
        let (sha, ty) = self.files.put(bytes).await?;
        let name = clean_name(file_name, ty);
        let mut tx = self.db.begin().await?;
        let a = attachments::create(
            &mut tx.ex(),
            &NewAttachment {
                committee_id: actor.committee_id,
                record,
                purpose,
                sha256: &sha,
                file_name: &name,
                content_type: ty.content_type,
                size: bytes.len() as i64,
                uploaded_by: actor.user_id,
            },
        )
        .await?;
        let note = format!("上传{label}“{name}”");
        let change = Change {
            record,
            action: "attach",
            summary: format!("{}“{}”：{note}", module.label(), seen.title),
            before: None,
            after: crate::snapshot(&a),
            timeline: Some((seen.status, &note)),
            topics: &[],
        };
        change::record(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Whether the actor may read the record's files: with its whole record, or with its public
    /// view when the kind's files belong to that view (an activity's materials to its notice).
    async fn may_read_files(&self, actor: &Actor, record: RecordRef) -> AppResult<bool> {
        let module = self.records.get(record.kind.as_str()).ok_or(AppError::NotFound)?;
        Ok(match self.see(actor, record).await?.access {
            Access::Full => true,
            Access::Public => module.public_files(),
            Access::None => false,
        })
    }

    /// A record's files, for whoever may read them ([`App::may_read_files`]).
    pub async fn files_of(&self, actor: &Actor, record: RecordRef) -> AppResult<Vec<Attachment>> {
        if !self.may_read_files(actor, record).await? {
            return Err(AppError::NotFound);
        }
        let mut c = self.db.acquire().await?;
        Ok(attachments::of(&mut c.ex(), actor.committee_id, record).await?)
    }

    /// One file of a record with its bytes, for whoever may read the record's files (the public
    /// view of most records has no files).
    pub async fn record_file(&self, actor: &Actor, record: RecordRef, attachment_id: i64) -> AppResult<(Attachment, Vec<u8>)> {
        if !self.may_read_files(actor, record).await? {
            return Err(AppError::NotFound);
        }
        let a = {
            let mut c = self.db.acquire().await?;
            attachments::get(&mut c.ex(), actor.committee_id, record, attachment_id).await?.ok_or(AppError::NotFound)?
        };
        let bytes = self.files.read(&a.sha256).await?;
        Ok((a, bytes))
    }
}

/// "附件用途应为提案材料、答复材料或评价材料".
fn purpose_message(purposes: &[(&str, &str)]) -> String {
    let labels: Vec<&str> = purposes.iter().map(|(_, l)| *l).collect();
    match labels.split_last() {
        None => "这类记录不能上传附件".into(),
        Some((last, [])) => format!("附件用途应为{last}"),
        Some((last, rest)) => format!("附件用途应为{}或{last}", rest.join("、")),
    }
}
