//! "More like this": records like a text being written (a proposal's title and body), and how
//! alike each is, so that callers can show nothing rather than something unrelated.
//!
//! Finding and judging are separate. Candidates are found by BM25 over the text's most telling
//! words (title words double). Each is then judged by its [`likeness`] to the title: the
//! telling words the two titles share, each weighted by its squared rarity (idf², as in the
//! cosine of two tf-idf vectors), over the weight of the smaller of the two titles — the score
//! the smaller title would get against itself. So likeness lies between 0 and 1 whatever the
//! size of the index, where a raw BM25 score grows with the length of the query and drifts as
//! records are added; and a short title wholly contained in a long one counts as alike. Words
//! the index has never seen weigh most: a title about 量子计算机芯片 is unlike every record
//! that shares only 产业. Words every proposal title uses (推进, 加强, 建设 …) are left out.
//! The floor itself is the caller's, chosen from the curve measured on real titles.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query};
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument, Term};

use crate::query::{Generators, Hit, Request, Similar, hit, term};
use crate::text::{self, is_stop_word};
use crate::{Fields, Result, SearchIndex};

/// A word found only in a record's text (not its title) counts this much of its weight.
const TEXT_ONLY: f32 = 0.5;

/// Telling words: two characters or more, not filler.
fn telling(word: &str) -> bool {
    word.chars().count() >= 2 && !is_stop_word(word) && !GENERIC.contains(&word)
}

/// The verbs and adverbs of proposal titles (关于[加快推进][主题]的建议): they say what to do,
/// not what about, and join unrelated titles.
#[rustfmt::skip]
const GENERIC: &[&str] = &[
    "推进", "加快", "加强", "完善", "提升", "促进", "推动", "发展", "建设", "积极", "大力", "切实",
    "做好", "加大", "深化", "优化", "强化", "支持", "提高", "实施", "健全", "建立", "打造", "助力",
    "高质量", "改善", "充分", "逐步", "尽快", "全面", "有效", "重视", "关注", "规范", "创新", "改革",
    "体系", "机制", "能力", "水平", "服务", "管理", "服务体系", "工作",
];

/// How often a word occurs among the records (titles and texts).
fn doc_freq(searcher: &Searcher, f: &Fields, word: &str) -> Result<u64> {
    Ok(searcher.doc_freq(&Term::from_field_text(f.title, word))? + searcher.doc_freq(&Term::from_field_text(f.body, word))?)
}

/// A word in a large share of all records says little about likeness and costs a pass over
/// all of them: it is left out (in a small index every word counts).
fn common(searcher: &Searcher) -> u64 {
    ((searcher.num_docs() as f32 / 20.0).max(100.0)) as u64
}

/// A title's telling words, each weighted by its squared rarity among the index's records; a
/// word the index has never seen weighs most.
fn profile(searcher: &Searcher, f: &Fields, title: &str) -> Result<Vec<(String, f32)>> {
    let docs = searcher.num_docs() as f32;
    let mut out: Vec<(String, f32)> = Vec::new();
    for t in text::tokens(title) {
        if !telling(&t.text) || out.iter().any(|(w, _)| *w == t.text) {
            continue;
        }
        let df = doc_freq(searcher, f, &t.text)?;
        if df > common(searcher) {
            continue;
        }
        let idf = ((docs + 1.0) / (df as f32 + 1.0)).ln().max(0.05);
        out.push((t.text, idf * idf));
    }
    Ok(out)
}

/// How alike a record is to a title, from 0 (nothing shared) to 1: the weight of the title's
/// telling words (`query`, see `profile`) the record has — in its title (`record`, the
/// record title's telling words) in full, only in its text at half — over the smaller of the
/// two titles' own weights.
pub fn likeness(query: &[(String, f32)], record: &[(String, f32)], body: &str) -> f32 {
    let own = |p: &[(String, f32)]| p.iter().map(|(_, w)| w).sum::<f32>();
    let smaller = own(query).min(own(record));
    if smaller <= 0.0 {
        return 0.0;
    }
    // The text is folded only when a word is not in the record's title, and searched as a
    // string: segmenting a long text for every candidate would cost more than the search.
    let mut folded: Option<String> = None;
    let mut in_body = |word: &str| folded.get_or_insert_with(|| text::fold(body)).contains(word);
    let shared: f32 = query
        .iter()
        .map(|(word, w)| {
            if record.iter().any(|(r, _)| r == word) {
                *w
            } else if in_body(word) {
                w * TEXT_ONLY
            } else {
                0.0
            }
        })
        .sum();
    (shared / smaller).min(1.0)
}

impl SearchIndex {
    /// Records like the given text ("more like this"): found by its most telling words, weighted
    /// by how rare they are in the index, title words counting double; those less alike than
    /// `like.floor` left out. Same grants and filters as a search; best first.
    pub fn similar(&self, like: &Similar, req: &Request) -> Result<Vec<Hit>> {
        let g = self.current();
        let f = &g.fields;
        let searcher = g.reader.searcher();
        let limit = req.limit.clamp(1, 100);
        let query = profile(&searcher, f, &like.title)?;
        if like.floor > 0.0 && query.is_empty() {
            return Ok(Vec::new());
        }
        let mut weights: HashMap<String, f32> = HashMap::new();
        for (text, weight) in [(&like.title, 2.0f32), (&like.body, 1.0)] {
            for t in text::tokens(text) {
                if telling(&t.text) {
                    *weights.entry(t.text).or_default() += weight;
                }
            }
        }
        let docs = searcher.num_docs().max(1) as f32;
        let mut scored: Vec<(String, f32)> = Vec::new();
        for (word, tf) in weights {
            let df = doc_freq(&searcher, f, &word)?;
            if df == 0 || df > common(&searcher) {
                continue;
            }
            let idf = (docs / df as f32).ln().max(0.1);
            scored.push((word, tf.sqrt() * idf));
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        scored.truncate(16);
        if scored.is_empty() {
            return Ok(Vec::new());
        }
        let text: Vec<(Occur, Box<dyn Query>)> = scored
            .iter()
            .flat_map(|(w, weight)| {
                [
                    (Occur::Should, Box::new(BoostQuery::new(term(f.title, w), 2.0 * weight)) as Box<dyn Query>),
                    (Occur::Should, Box::new(BoostQuery::new(term(f.body, w), *weight)) as Box<dyn Query>),
                ]
            })
            .collect();
        let mut clauses = req.filters(f, &searcher)?;
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(text))));
        let q = BooleanQuery::new(clauses);
        // Some of the best-scored may fall below the floor: look further than the limit.
        let fetch = if like.floor > 0.0 { (limit * 4).min(100) } else { limit };
        let top = searcher.search(&q, &TopDocs::with_limit(fetch).order_by_score())?;
        let generators = Generators::new(&searcher, &q, f)?;
        let mut out = Vec::new();
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let stored = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
            let record = profile(&searcher, f, &stored(f.title))?;
            let alike = likeness(&query, &record, &stored(f.body));
            if alike < like.floor {
                continue;
            }
            out.push(Hit { likeness: alike, ..hit(&searcher, f, &generators, score, addr)? });
            if out.len() == limit {
                break;
            }
        }
        Ok(out)
    }
}
