//! The relevance floor of similar proposals, measured: for every real title of the quality
//! set, the proposals shown as similar (as the proposal form shows them while the title is
//! typed: title only, five at most, the proposal itself left out) against the titles judged
//! to be on the same subject (`similar.jsonl`), at a range of floors; and titles about subjects
//! absent from the set, which must find nothing.
//!
//! `similar.jsonl` groups titles by subject (a title may be in two groups, most are in one,
//! 26 of the 150 in none); two titles are related when they share a group. See docs/search.md
//! for how the groups were made.

use std::collections::{HashMap, HashSet};

use eline_search::{Hit, Request, SearchIndex, Similar};
use serde::{Deserialize, Serialize};

use super::{PROPOSAL, SHOWN_SIMILAR};
use crate::AppResult;

/// The floors tabulated (the chosen one, [`super::SIMILAR_FLOOR`], among them).
pub const FLOORS: &[f32] = &[0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6];

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Judged {
    Group {
        #[allow(dead_code)]
        subject: String,
        titles: Vec<String>,
    },
    Unrelated {
        unrelated: String,
    },
}

fn judged() -> Vec<Judged> {
    include_str!("similar.jsonl").lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("similar.jsonl is valid")).collect()
}

/// Precision and recall of the similar proposals shown at one floor.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FloorRow {
    pub floor: f32,
    /// Shown and judged related / shown (over all titles of the set).
    pub precision: f64,
    /// Shown and judged related / related, counting at most five per title (five are shown).
    pub recall: f64,
    /// Proposals shown in all.
    pub shown: usize,
    /// Titles with related ones that were shown none.
    pub related_titles_silent: usize,
    /// Titles of absent subjects that were shown something (should be none).
    pub unrelated_answered: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Curve {
    /// Titles of the set looked up (all of the imported ones).
    pub titles: usize,
    /// Of those, titles with at least one related title.
    pub with_related: usize,
    pub unrelated: usize,
    pub rows: Vec<FloorRow>,
}

/// Looks up every title of the set (imported as proposals: title → id) and the absent subjects.
pub(super) fn measure(index: &SearchIndex, request: &Request, ids: &HashMap<String, i64>) -> AppResult<Curve> {
    let judged = judged();
    let mut related: HashMap<&str, HashSet<&str>> = HashMap::new();
    let mut unrelated = Vec::new();
    for j in &judged {
        match j {
            Judged::Group { titles, .. } => {
                for a in titles {
                    related.entry(a).or_default().extend(titles.iter().filter(|b| *b != a).map(String::as_str));
                }
            }
            Judged::Unrelated { unrelated: t } => unrelated.push(t.as_str()),
        }
    }
    // Candidates as the app finds them at any floor above 0; each floor keeps the first five
    // at or above it, which is what the app shows at that floor.
    let lookup = |title: &str, exclude: Option<i64>| -> AppResult<Vec<Hit>> {
        let like = Similar { title: title.to_string(), body: String::new(), floor: f32::MIN_POSITIVE };
        let req = Request { limit: SHOWN_SIMILAR, exclude: exclude.map(|id| (PROPOSAL.to_string(), id)).into_iter().collect(), ..request.clone() };
        index.similar(&like, &req).map_err(|e| crate::AppError::Internal(e.to_string()))
    };
    let title_of: HashMap<i64, &str> = ids.iter().map(|(t, id)| (*id, t.as_str())).collect();
    let mut looked_up = Vec::new();
    for (title, id) in ids {
        let hits = lookup(title, Some(*id))?;
        let relevant = related.get(title.as_str()).cloned().unwrap_or_default();
        looked_up.push((hits, relevant));
    }
    let mut absent = Vec::new();
    for t in &unrelated {
        absent.push(lookup(t, None)?);
    }
    let rows = FLOORS
        .iter()
        .map(|&floor| {
            let shown_at = |hits: &[Hit]| -> Vec<i64> { hits.iter().filter(|h| h.likeness >= floor).take(SHOWN_SIMILAR).map(|h| h.id).collect() };
            let (mut shown, mut right, mut wanted, mut silent) = (0usize, 0usize, 0usize, 0usize);
            for (hits, relevant) in &looked_up {
                let ids = shown_at(hits);
                shown += ids.len();
                right += ids.iter().filter(|id| title_of.get(id).is_some_and(|t| relevant.contains(t))).count();
                wanted += relevant.len().min(SHOWN_SIMILAR);
                if !relevant.is_empty() && ids.is_empty() {
                    silent += 1;
                }
            }
            let share = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
            FloorRow {
                floor,
                precision: share(right, shown),
                recall: share(right, wanted),
                shown,
                related_titles_silent: silent,
                unrelated_answered: absent.iter().filter(|hits| !shown_at(hits).is_empty()).count(),
            }
        })
        .collect();
    Ok(Curve { titles: looked_up.len(), with_related: looked_up.iter().filter(|(_, r)| !r.is_empty()).count(), unrelated: unrelated.len(), rows })
}

impl Curve {
    /// The row of one floor.
    pub fn at(&self, floor: f32) -> Option<&FloorRow> {
        self.rows.iter().find(|r| (r.floor - floor).abs() < 1e-6)
    }

    pub fn table(&self) -> String {
        let mut out = format!(
            "相似提案（{} 个标题，其中 {} 个有同主题标题；另 {} 个无关主题）\n\n| 门槛 | 精确率 | 召回率 | 显示条数 | 有同主题却无显示 | 无关主题有显示 |\n|---:|---:|---:|---:|---:|---:|\n",
            self.titles, self.with_related, self.unrelated
        );
        for r in &self.rows {
            out += &format!(
                "| {:.2} | {:.3} | {:.3} | {} | {} | {}/{} |\n",
                r.floor, r.precision, r.recall, r.shown, r.related_titles_silent, r.unrelated_answered, self.unrelated
            );
        }
        out
    }
}
