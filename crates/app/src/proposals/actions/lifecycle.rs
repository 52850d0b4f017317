//! Submitting, co-signing, withdrawing and the office's review (立案, 不立案, 并案, 退回修改).

use eline_domain::RecordRef;
use eline_domain::proposal::{Act, Conversion, CosignStatus, Decision, Status, Step};
use eline_storage::proposals;

use super::super::config::fmt_date;
use super::super::flow::ProposalFlow;
use super::super::inputs::{CosignInput, ReviewInput, SubmitInput, WithdrawInput};
use super::{ProposalAction, optional, with_detail};
use crate::workflow::Cx;
use crate::{AppError, AppResult};

impl ProposalAction for SubmitInput {
    const ACT: Act = Act::Submit;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Submit)
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let w = &mut *cx.loaded;
        if cx.next == Status::AwaitingCosigners {
            w.p.cosign_due_on = Some(fmt_date(w.config.deadlines.cosign_window.due(&w.config.calendar, w.today)));
            return Ok(format!("提交，等待{}位联名委员确认（{}前）", w.l.cosigners.len(), w.p.cosign_due_on.clone().unwrap_or_default()));
        }
        let dropped = proposals::drop_pending_cosigners(&mut cx.tx.ex(), w.p.id).await?;
        w.p.submitted_at = Some(eline_storage::now_micros());
        Ok(if dropped > 0 { format!("提交审查（{dropped}位联名委员未在期限内确认，不再列为联名人）") } else { "提交审查".into() })
    }
}

impl ProposalAction for CosignInput {
    const ACT: Act = Act::Cosign;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Cosign { accept: self.accept })
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        let member = cx.actor.member_id.ok_or(AppError::Forbidden)?;
        let answer = if self.accept { CosignStatus::Confirmed } else { CosignStatus::Declined };
        proposals::answer_cosign(&mut cx.tx.ex(), cx.loaded.p.id, member, answer).await?;
        if cx.next == Status::Submitted {
            cx.loaded.p.submitted_at = Some(eline_storage::now_micros());
        }
        let verb = if self.accept { "确认联名" } else { "谢绝联名" };
        Ok(if cx.next == Status::Submitted { format!("{verb}；联名确认完毕，提交审查") } else { verb.to_string() })
    }
}

impl ProposalAction for WithdrawInput {
    const ACT: Act = Act::Withdraw;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Withdraw)
    }

    async fn apply(&self, _cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        Ok(with_detail("撤回提案", optional(&self.reason)))
    }
}

impl ReviewInput {
    fn decision(&self) -> AppResult<Decision> {
        Decision::parse(&self.decision).ok_or_else(|| AppError::field("decision", "审查结论应为立案、不立案、并案或退回修改"))
    }
}

impl ProposalAction for ReviewInput {
    const ACT: Act = Act::Review;

    fn step(&self) -> AppResult<Step> {
        Ok(Step::Review(self.decision()?))
    }

    async fn apply(&self, cx: &mut Cx<'_, ProposalFlow>) -> AppResult<String> {
        match self.decision()? {
            Decision::File => file(cx, self).await,
            Decision::Reject => reject(cx, self).await,
            Decision::Merge => merge(cx, self).await,
            Decision::Return => {
                let c = optional(&self.comment).ok_or_else(|| AppError::field("comment", "退回修改时请写明修改意见"))?;
                cx.loaded.p.review_note = Some(c.to_string());
                Ok(format!("退回修改：{c}"))
            }
        }
    }
}

/// 立案: the next number of the session (numbering serialised per session).
async fn file(cx: &mut Cx<'_, ProposalFlow>, r: &ReviewInput) -> AppResult<String> {
    let p = &mut cx.loaded.p;
    proposals::lock_session(&mut cx.tx.ex(), p.session_id).await?;
    let n = proposals::next_number(&mut cx.tx.ex(), p.session_id).await?;
    p.number = Some(n);
    p.filed_at = Some(eline_storage::now_micros());
    p.review_note = optional(&r.comment).map(String::from);
    Ok(format!("立案，编号第{n:04}号"))
}

/// 不立案 with a reason; with the proposer's consent, the conversion it becomes.
async fn reject(cx: &mut Cx<'_, ProposalFlow>, r: &ReviewInput) -> AppResult<String> {
    let reason = optional(&r.reason).ok_or_else(|| AppError::field("reason", "不立案须选择或填写理由"))?;
    if reason.chars().count() > 200 {
        return Err(AppError::field("reason", "理由不能超过200个字"));
    }
    let conversion = match optional(&r.convert_to) {
        None => None,
        Some(c) => Some(Conversion::parse(c).ok_or_else(|| AppError::field("convert_to", "转办方式应为社情民意、意见建议或委员来信"))?),
    };
    let standard = cx.loaded.config.rules.rejection_reasons.iter().any(|x| x == reason);
    cx.loaded.p.review_note = Some(reason.to_string());
    cx.loaded.p.converted_to = conversion.map(|c| c.as_str().to_string());
    let note = conversion.map(|c| format!("；经提案人同意，转为{}", c.label())).unwrap_or_default();
    // Converted to 社情民意: the proposer finds the draft report among their reports, linked.
    if conversion == Some(Conversion::Opinion) {
        crate::opinions::draft_from_proposal(cx.tx, cx.actor, &cx.loaded.p).await?;
    }
    Ok(format!("不立案（{}{reason}）{note}", if standard { "" } else { "其他：" }))
}

/// 并案 into a filed proposal of the committee; the target's timeline tells of it too.
async fn merge(cx: &mut Cx<'_, ProposalFlow>, r: &ReviewInput) -> AppResult<String> {
    let target_id = r.merge_into.ok_or_else(|| AppError::field("merge_into", "请选择并入的已立案提案"))?;
    if target_id == cx.loaded.p.id {
        return Err(AppError::field("merge_into", "不能并入提案本身"));
    }
    let target = proposals::get(&mut cx.tx.ex(), cx.actor.committee_id, target_id).await?.ok_or_else(|| AppError::field("merge_into", "要并入的提案不存在"))?;
    if !target.status.is_filed() {
        return Err(AppError::field("merge_into", "只能并入已立案的提案"));
    }
    cx.loaded.p.merged_into_id = Some(target_id);
    cx.loaded.p.review_note = optional(&r.comment).map(String::from);
    let note = format!("并入提案“{}”，其提案人将一并收到答复", cx.loaded.p.title);
    let event = eline_storage::timeline::NewEvent {
        committee_id: cx.actor.committee_id,
        record: RecordRef::proposal(target_id),
        actor_user_id: Some(cx.actor.user_id),
        actor_name: &cx.actor.display_name,
        action: "merge",
        status_after: Some(target.status.as_str()),
        note: &note,
    };
    eline_storage::timeline::add(&mut cx.tx.ex(), &event).await?;
    Ok(format!("并案：并入第{:04}号提案“{}”", target.number.unwrap_or(0), target.title))
}
