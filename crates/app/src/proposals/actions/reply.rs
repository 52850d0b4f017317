//! The reply (答复) with its class, letter text, signer and promises; the proposer's rating
//! (评价); closing (办结).

use eline_domain::proposal::{Act, ContactWay, Disclosure, Satisfaction, Status, Step, Survey, UnitRole};
use eline_storage::proposals::{self, LetterDetails};

use super::super::config::fmt_date;
use super::super::flow::ProposalFlow;
use super::super::inputs::{CloseInput, EvaluateInput, ReplyInput};
use super::{ProposalAction, optional, parse_date, required};
use crate::workflow::Cx;
use crate::{AppError, AppResult, Checks};

impl ProposalAction for ReplyInput {
    const ACT: Act = Act::Reply;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Reply)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        // Every mistake of the form at once: class, text, signer, the letter's details, the
        // promises, the co-units' opinions.
        let mut checks = Checks::default();
        let letter = checks.take(self.letter_details())?;
        let rules = &cx.loaded.config.rules;
        let label = rules.reply_class_label(&self.class).map(String::from);
        if label.is_none() {
            let codes: Vec<&str> = rules.reply_classes.iter().map(|(c, _)| c.as_str()).collect();
            checks.push("class", format!("答复类别应为{}之一", codes.join("、")));
        }
        let body = checks.take(required("text", "答复内容", &self.text, 20_000))?;
        let signer = checks.take(eline_domain::text::required("signer", "签发人", &self.signer, 30).map_err(|e| AppError::Validation(vec![e])))?;
        let mut promises = Vec::new();
        for c in &self.commitments {
            let promise = checks.take(required("commitments", "承诺事项", &c.promise, 500))?;
            let due = checks.take(parse_date("commitments", c.due_on.as_deref()))?;
            promises.push((promise, due));
        }
        let mine = cx.loaded.l.my_assignment(cx.actor).ok_or(AppError::Forbidden)?.clone();
        let waiting = if mine.role == UnitRole::Lead { cx.loaded.l.pending_co_opinions() } else { Vec::new() };
        if !waiting.is_empty() && !self.confirm_without_co_opinions {
            checks
                .push("confirm_without_co_opinions", format!("会办单位{}尚未提出会办意见。确需先行答复，请确认“会办意见未到齐，仍然答复”", waiting.join("、")));
        }
        let (Some(letter), Some(label), Some(body), Some(signer)) = (letter, label, body, signer) else { return Err(checks.error()) };
        if !checks.is_empty() {
            return Err(checks.error());
        }
        let (id, round) = (cx.loaded.p.id, cx.loaded.p.round);
        let reply_id = proposals::add_reply(&mut cx.tx.ex(), id, mine.unit_id, round, &self.class, &body, &signer, cx.actor.user_id).await?;
        proposals::set_letter_details(&mut cx.tx.ex(), reply_id, &letter).await?;
        proposals::set_replied(&mut cx.tx.ex(), mine.id, round).await?;
        for (promise, due) in promises.into_iter().filter_map(|(p, d)| Some((p?, d?))) {
            proposals::add_commitment(&mut cx.tx.ex(), id, Some(mine.unit_id), &promise, due.as_deref()).await?;
        }
        let w = &mut *cx.loaded;
        if cx.next == Status::Replied {
            w.p.replied_on = Some(fmt_date(w.today));
            w.p.evaluation_due_on = Some(fmt_date(w.config.deadlines.evaluation_window.due(&w.config.calendar, w.today)));
        }
        let early = if waiting.is_empty() { String::new() } else { format!("（答复时会办单位{}尚未提出会办意见）", waiting.join("、")) };
        Ok(format!("{}答复（{}类：{label}），签发人{signer}{early}", mine.unit_name, self.class))
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

impl EvaluateInput {
    /// The 测评表: all four ratings, or none of them.
    fn survey(&self) -> AppResult<Option<Survey>> {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let fields = [&self.contact_before, &self.contact_during, &self.attitude, &self.result];
        if fields.iter().all(|f| given(f).is_none()) {
            return Ok(None);
        }
        let mut errors = Vec::new();
        let mut contact = |field: &str, label: &str, v: &Option<String>| {
            let way = given(v).and_then(ContactWay::parse);
            if way.is_none() {
                errors.push(eline_domain::FieldError::new(field, format!("请选择{label}：当面、电话、书面或未联系")));
            }
            way
        };
        let before = contact("contact_before", "办前沟通", &self.contact_before);
        let during = contact("contact_during", "办中沟通", &self.contact_during);
        let mut rating = |field: &str, label: &str, v: &Option<String>| {
            let s = given(v).and_then(Satisfaction::parse);
            if s.is_none() {
                errors.push(eline_domain::FieldError::new(field, format!("请选择{label}：满意、基本满意或不满意")));
            }
            s
        };
        let attitude = rating("attitude", "办理态度", &self.attitude);
        let result = rating("result", "办理结果", &self.result);
        match (before, during, attitude, result) {
            (Some(contact_before), Some(contact_during), Some(attitude), Some(result)) => Ok(Some(Survey { contact_before, contact_during, attitude, result })),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// "（办前沟通：当面；办中沟通：电话；办理态度：满意；办理结果：基本满意）"
fn survey_note(s: &Survey) -> String {
    format!(
        "（办前沟通：{}；办中沟通：{}；办理态度：{}；办理结果：{}）",
        s.contact_before.label(),
        s.contact_during.label(),
        s.attitude.label(),
        s.result.label()
    )
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
        let survey = self.survey()?;
        let c = comment.map(|c| format!("：{c}")).unwrap_or_default();
        let (id, actor) = (cx.loaded.p.id, cx.actor);
        if cx.loaded.l.status() == Status::Closed {
            // Rating the delivery of the promises: recorded, not deciding anything; no 测评表.
            if survey.is_some() {
                return Err(AppError::field("contact_before", "评价承诺事项的落实情况时不填写测评表"));
            }
            proposals::add_evaluation(&mut cx.tx.ex(), id, actor.member_id, actor.user_id, proposals::DELIVERY_ROUND, sat, comment, false).await?;
            return Ok(format!("承诺事项落实后评价：{}{c}", sat.label()));
        }
        let proposer = cx.loaded.l.standing(actor).proposer;
        let evaluation = proposals::add_evaluation(&mut cx.tx.ex(), id, actor.member_id, actor.user_id, cx.loaded.p.round, sat, comment, proposer).await?;
        if let Some(s) = &survey {
            proposals::set_survey(&mut cx.tx.ex(), evaluation, s).await?;
        }
        let table = survey.as_ref().map(survey_note).unwrap_or_default();
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
        Ok(format!("评价：{}{c}{table}", sat.label()))
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
