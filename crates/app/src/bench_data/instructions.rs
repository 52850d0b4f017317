//! Leaders' instructions for `eline bench-data`: one on every 500th closed proposal (a city
//! committee records a dozen or so a year on about 5,000 closed proposals), dated a few days
//! after the proposal was closed, ranks in a fixed rotation.

use eline_storage::bulk::{Rows, Val};
use eline_storage::{Tx, instructions, users};

use super::{BenchReport, date_of, timed};
use crate::AppResult;

/// One instruction per this many closed proposals.
pub const CLOSED_PER_INSTRUCTION: i64 = 500;

const LEADERS: [(&str, &str, &str); 3] = [("张明", "市长", "city"), ("赵刚", "省委副书记", "province"), ("周伟", "全国政协副主席", "national")];

pub(super) async fn generate(tx: &mut Tx, committee_id: i64, report: &mut BenchReport) -> AppResult<()> {
    let staff = users::get_by_username(&mut tx.ex(), super::ACCOUNTS[1].0).await?.map(|u| u.id).unwrap_or(1);
    let closed = instructions::every_nth_closed_proposal(&mut tx.ex(), committee_id, CLOSED_PER_INSTRUCTION).await?;
    let columns =
        ["committee_id", "record_kind", "record_id", "leader_name", "leader_post", "rank", "given_on", "gist", "created_by", "created_at", "updated_at"];
    let mut rows = Rows::new("instructions", &columns);
    for (n, (id, closed_at)) in closed.into_iter().enumerate() {
        let at = closed_at.unwrap_or_default() + 3 * 86_400_000_000;
        let (name, post, rank) = LEADERS[n % LEADERS.len()];
        rows.push([
            Val::Int(committee_id),
            Val::Static(eline_domain::RecordKind::PROPOSAL.as_str()),
            Val::Int(id),
            Val::Static(name),
            Val::Static(post),
            Val::Static(rank),
            Val::Text(date_of(at)),
            Val::Static("这件提案反映的问题很有代表性，请相关部门认真研究，抓好落实。"),
            Val::Int(staff),
            Val::Int(at),
            Val::Int(at),
        ]);
    }
    if !rows.is_empty() {
        timed(tx, &rows, report).await?;
    }
    Ok(())
}
