//! The reply (答复) with its class, letter text, signer and promises; the proposer's rating
//! (评价); closing (办结).

use eline_domain::proposal::{Act, Disclosure, Satisfaction, Status, Step};
use eline_storage::proposals::{self, LetterDetails};

use super::super::config::fmt_date;
use super::super::flow::ProposalFlow;
use super::super::inputs::{CloseInput, EvaluateInput, ReplyInput};
use super::{ProposalAction, optional, parse_date, required};
use crate::workflow::Cx;
use crate::{AppError, AppResult};

impl ProposalAction for ReplyInput {
    const ACT: Act = Act::Reply;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Reply)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let letter = self.letter_details()?;
        let rules = &cx.loaded.config.rules;
        let Some(label) = rules.reply_class_label(&self.class).map(String::from) else {
            let codes: Vec<&str> = rules.reply_classes.iter().map(|(c, _)| c.as_str()).collect();
            return Err(AppError::field("class", format!("答复类别应为{}之一", codes.join("、"))));
        };
        let body = required("text", "答复内容", &self.text, 20_000)?;
        let signer = eline_domain::text::required("signer", "签发人", &self.signer, 30).map_err(|e| AppError::Validation(vec![e]))?;
        let mine = cx.loaded.l.my_assignment(cx.actor).ok_or(AppError::Forbidden)?.clone();
        let (id, round) = (cx.loaded.p.id, cx.loaded.p.round);
        let reply_id = proposals::add_reply(&mut cx.tx.ex(), id, mine.unit_id, round, &self.class, &body, &signer, cx.actor.user_id).await?;
        proposals::set_letter_details(&mut cx.tx.ex(), reply_id, &letter).await?;
        proposals::set_replied(&mut cx.tx.ex(), mine.id, round).await?;
        for c in &self.commitments {
            let promise = required("commitments", "承诺事项", &c.promise, 500)?;
            let due = parse_date("commitments", c.due_on.as_deref())?;
            proposals::add_commitment(&mut cx.tx.ex(), id, Some(mine.unit_id), &promise, due.as_deref()).await?;
        }
        let w = &mut *cx.loaded;
        if cx.next == Status::Replied {
            w.p.replied_on = Some(fmt_date(w.today));
            w.p.evaluation_due_on = Some(fmt_date(w.config.deadlines.evaluation_window.due(&w.config.calendar, w.today)));
        }
        Ok(format!("{}答复（{}类：{label}），签发人{signer}", mine.unit_name, self.class))
    }
}

impl ReplyInput {
    /// 文号, 联系人, 联系电话 and 公开属性 of the letter, each checked; all are optional, and
    /// every problem is reported at once.
    pub fn letter_details(&self) -> AppResult<LetterDetails> {
        use eline_domain::text;
        let mut errors = Vec::new();
        let mut take = |r: Result<Option<String>, eline_domain::FieldError>| r.map_err(|e| errors.push(e)).ok().flatten();
        let doc_number = take(text::optional("doc_number", "文号", self.doc_number.as_deref(), 40));
        let contact_name = take(text::optional("contact_name", "联系人", self.contact_name.as_deref(), 30));
        let contact_phone = take(text::phone("contact_phone", self.contact_phone.as_deref()));
        let disclosure = match self.disclosure.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Disclosure::parse(d).or_else(|| {
                errors.push(eline_domain::FieldError::new("disclosure", "公开属性应为主动公开、依申请公开或不予公开"));
                None
            }),
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(LetterDetails { doc_number, contact_name, contact_phone, disclosure })
    }
}

impl EvaluateInput {
    fn satisfaction(&self) -> AppResult<Satisfaction> {
        Satisfaction::parse(&self.satisfaction).ok_or_else(|| AppError::field("satisfaction", "请选择满意、基本满意或不满意"))
    }
}

impl ProposalAction for EvaluateInput {
    const ACT: Act = Act::Evaluate;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Evaluate(self.satisfaction()?))
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let sat = self.satisfaction()?;
        let comment = optional(&self.comment);
        if sat == Satisfaction::Dissatisfied && comment.is_none() {
            return Err(AppError::field("comment", "评价为不满意时，请写明理由"));
        }
        let c = comment.map(|c| format!("：{c}")).unwrap_or_default();
        let (id, actor) = (cx.loaded.p.id, cx.actor);
        if cx.loaded.l.status() == Status::Closed {
            // Rating the delivery of the promises: recorded, not deciding anything.
            proposals::add_evaluation(&mut cx.tx.ex(), id, actor.member_id, actor.user_id, proposals::DELIVERY_ROUND, sat, comment, false).await?;
            return Ok(format!("承诺事项落实后评价：{}{c}", sat.label()));
        }
        let proposer = cx.loaded.l.standing(actor).proposer;
        proposals::add_evaluation(&mut cx.tx.ex(), id, actor.member_id, actor.user_id, cx.loaded.p.round, sat, comment, proposer).await?;
        if proposer {
            let w = &mut *cx.loaded;
            match cx.next {
                Status::Closed => w.p.closed_at = Some(eline_storage::now_micros()),
                Status::Rehandling => {
                    w.p.dissatisfied_rounds += 1;
                    w.p.round += 1;
                    w.p.due_on = Some(fmt_date(w.config.deadlines.rehandling.due(&w.config.calendar, w.today)));
                    w.p.evaluation_due_on = None;
                }
                _ => w.p.dissatisfied_rounds += 1,
            }
        }
        Ok(format!("评价：{}{c}", sat.label()))
    }
}

impl ProposalAction for CloseInput {
    const ACT: Act = Act::Close;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Close)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let c = optional(&self.comment);
        if cx.loaded.p.dissatisfied_rounds >= 2 && c.is_none() {
            return Err(AppError::field("comment", "两次评价不满意的提案，办结前请记录与提案人面商的情况"));
        }
        cx.loaded.p.closed_at = Some(eline_storage::now_micros());
        Ok(match c {
            Some(c) => format!("办结：{c}"),
            None => "评价期满，办结".into(),
        })
    }
}
