//! Queries: a user's words (every topic word must match, in the title, text or replies; when
//! none match all, at least half of them), the caller's grants and filters → ranked hits with
//! highlighted snippets, the total and facet counts. ("More like this" is in `similar.rs`.)

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

use crate::facets::{FacetCollector, Facets};
use crate::text::{self, is_stop_word};
use crate::{Fields, Result, SearchIndex, key};

/// The grant of the committee office: it sees all of its committee's records except private ones.
pub const STAFF: &str = "staff";
/// Marks a private document (a draft): the office's grant does not cover it; only the grants it
/// carries besides this mark do.
pub const PRIVATE: &str = "private";
/// The deepest hit a query may reach (offset + limit): collecting top documents allocates for
/// all of them, so a request beyond this is refused instead of exhausting memory.
pub const MAX_WINDOW: usize = 10_000;

/// What to look for and on whose behalf.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub committee_id: i64,
    pub text: String,
    /// The caller's grants; a document is found only when it carries one of them.
    pub grants: Vec<String>,
    pub kind: Option<String>,
    pub year: Option<i64>,
    pub session_id: Option<i64>,
    pub status: Option<String>,
    pub unit: Option<i64>,
    pub sector: Option<i64>,
    /// Records never to return (the one being written or reviewed).
    pub exclude: Vec<(String, i64)>,
    /// Statuses never to return (drafts, when looking for earlier proposals).
    pub exclude_status: Vec<String>,
    pub offset: usize,
    pub limit: usize,
}

/// A highlighted piece of text: `marks` are byte ranges of `text` that matched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    pub marks: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub kind: String,
    pub id: i64,
    pub title: Snippet,
    pub snippet: Snippet,
    pub score: Score,
    pub year: Option<i64>,
    pub session_id: Option<i64>,
    pub status: String,
    pub units: Vec<i64>,
    pub lead_unit: Option<i64>,
    pub at: i64,
    /// For [`SearchIndex::similar`]: how much of the text's title the hit shares, from 0 to 1
    /// (see [`crate::likeness`]); 0 for a search hit.
    pub likeness: f32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// No record matched every word, so these match at least half of them.
    pub relaxed: bool,
    /// The words searched for (after folding and segmentation).
    pub words: Vec<String>,
}

/// Input of [`SearchIndex::similar`].
#[derive(Debug, Clone, Default)]
pub struct Similar {
    pub title: String,
    pub body: String,
    /// Hits less alike than this ([`Hit::likeness`]) are left out; 0 keeps every hit. When
    /// above 0, a title without one telling word finds nothing.
    pub floor: f32,
}

/// A query as run, its top documents, the total and the facet counts.
type Found = (Box<dyn Query>, Vec<(Score, DocAddress)>, usize, Facets);

pub(crate) fn term(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

pub(crate) fn filter(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

fn i64_term(field: tantivy::schema::Field, v: i64) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_i64(field, v), IndexRecordOption::Basic))
}

/// A word anywhere (title counts most); a word the index may have split differently in
/// context also matches when all its parts are there.
fn word_query(f: &Fields, w: &str) -> Box<dyn Query> {
    let anywhere = |w: &str| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(vec![
            (Occur::Should, Box::new(BoostQuery::new(term(f.title, w), 3.0)) as Box<dyn Query>),
            (Occur::Should, term(f.body, w)),
            (Occur::Should, term(f.extra, w)),
        ]))
    };
    let subs = text::sub_words(w);
    if subs.is_empty() {
        return anywhere(w);
    }
    let parts: Vec<(Occur, Box<dyn Query>)> = subs.iter().map(|s| (Occur::Must, anywhere(s))).collect();
    Box::new(BooleanQuery::new(vec![(Occur::Should, anywhere(w)), (Occur::Should, Box::new(BooleanQuery::new(parts)))]))
}

impl Request {
    pub(crate) fn filters(&self, f: &Fields, searcher: &Searcher) -> Result<Vec<(Occur, Box<dyn Query>)>> {
        let mut out = Vec::new();
        // With one committee in the index (the usual install) every document is the caller's:
        // intersecting with its million-entry posting list would only cost time.
        let committee = Term::from_field_i64(f.committee, self.committee_id);
        let all: u64 = searcher.segment_readers().iter().map(|s| u64::from(s.max_doc())).sum();
        if searcher.doc_freq(&committee)? != all {
            out.push(filter(Box::new(TermQuery::new(committee, IndexRecordOption::Basic))));
        }
        let granted = |grants: &mut dyn Iterator<Item = &String>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                grants
                    .map(|g| (Occur::Should, Box::new(TermQuery::new(Term::from_field_text(f.acl, g), IndexRecordOption::Basic)) as Box<dyn Query>))
                    .collect(),
            ))
        };
        if self.grants.iter().any(|g| g == STAFF) {
            // The office sees every record of its committee but the private ones not otherwise
            // granted to the caller: no need to intersect with a grant nearly every document
            // carries; the few private ones are taken out instead.
            let private = Box::new(TermQuery::new(Term::from_field_text(f.acl, PRIVATE), IndexRecordOption::Basic));
            let own = granted(&mut self.grants.iter().filter(|g| *g != STAFF));
            out.push((Occur::MustNot, Box::new(BooleanQuery::new(vec![(Occur::Must, private), (Occur::MustNot, own)]))));
        } else {
            out.push(filter(granted(&mut self.grants.iter())));
        }
        if let Some(k) = &self.kind {
            out.push(filter(Box::new(TermQuery::new(Term::from_field_text(f.kind, k), IndexRecordOption::Basic))));
        }
        if let Some(s) = &self.status {
            out.push(filter(Box::new(TermQuery::new(Term::from_field_text(f.status, s), IndexRecordOption::Basic))));
        }
        for (field, v) in [(f.year, self.year), (f.session, self.session_id), (f.unit, self.unit), (f.sector, self.sector)] {
            if let Some(v) = v {
                out.push(filter(i64_term(field, v)));
            }
        }
        for s in &self.exclude_status {
            out.push((Occur::MustNot, Box::new(TermQuery::new(Term::from_field_text(f.status, s), IndexRecordOption::Basic))));
        }
        for (kind, id) in &self.exclude {
            out.push((Occur::MustNot, Box::new(TermQuery::new(Term::from_field_text(f.key, &key(kind, *id)), IndexRecordOption::Basic))));
        }
        Ok(out)
    }
}

fn highlight(generator: &SnippetGenerator, text: &str) -> Snippet {
    let s = generator.snippet(text);
    Snippet { text: s.fragment().to_string(), marks: s.highlighted().iter().map(|r| (r.start, r.end)).collect() }
}

fn leading(text: &str, chars: usize) -> Snippet {
    let end = text.char_indices().nth(chars).map(|(i, _)| i).unwrap_or(text.len());
    Snippet { text: text[..end].to_string(), marks: Vec::new() }
}

pub(crate) struct Generators {
    title: SnippetGenerator,
    body: SnippetGenerator,
    extra: SnippetGenerator,
}

impl Generators {
    pub(crate) fn new(searcher: &Searcher, q: &dyn Query, f: &Fields) -> Result<Generators> {
        let make = |field, chars| -> Result<SnippetGenerator> {
            let mut g = SnippetGenerator::create(searcher, q, field)?;
            g.set_max_num_chars(chars);
            Ok(g)
        };
        Ok(Generators { title: make(f.title, 400)?, body: make(f.body, 120)?, extra: make(f.extra, 120)? })
    }
}

pub(crate) fn hit(searcher: &Searcher, f: &Fields, g: &Generators, score: Score, addr: DocAddress) -> Result<Hit> {
    let doc: TantivyDocument = searcher.doc(addr)?;
    let s = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let n = |field| doc.get_first(field).and_then(|v| v.as_i64()).filter(|v| *v != 0);
    let title = s(f.title);
    let body = s(f.body);
    let mut snippet = highlight(&g.body, &body);
    if snippet.marks.is_empty() {
        let extra = highlight(&g.extra, &s(f.extra));
        snippet = if extra.marks.is_empty() { leading(&body, 100) } else { extra };
    }
    let mut title_snippet = highlight(&g.title, &title);
    if title_snippet.text.len() < title.len() {
        title_snippet = Snippet { text: title.clone(), marks: Vec::new() };
    }
    Ok(Hit {
        kind: s(f.kind),
        id: n(f.id).unwrap_or(0),
        title: title_snippet,
        snippet,
        score,
        year: n(f.year),
        session_id: n(f.session),
        status: s(f.status),
        units: doc.get_all(f.unit).filter_map(|v| v.as_i64()).collect(),
        lead_unit: n(f.lead_unit),
        at: n(f.at).unwrap_or(0),
        likeness: 0.0,
    })
}

impl SearchIndex {
    /// Runs a user's query. An empty query (or one of punctuation only) finds nothing.
    pub fn search(&self, req: &Request) -> Result<Results> {
        let g = self.current();
        let f = &g.fields;
        let searcher = g.reader.searcher();
        let mut words = text::query_words(&req.text);
        if words.iter().any(|w| !is_stop_word(w)) {
            words.retain(|w| !is_stop_word(w));
        }
        if words.is_empty() {
            return Ok(Results::default());
        }
        let limit = req.limit.clamp(1, 100);
        if req.offset.saturating_add(limit) > MAX_WINDOW {
            return Err(crate::SearchError::Other(format!("offset {} beyond the deepest hit a query may reach ({MAX_WINDOW})", req.offset)));
        }
        // A one-character word next to longer ones (养老服务站 → 养老服务 + 站) is often a piece
        // of a word the text segments differently: it ranks, but is not required.
        let long: Vec<&String> = words.iter().filter(|w| w.chars().count() > 1).collect();
        let short: Vec<&String> = words.iter().filter(|w| w.chars().count() == 1).collect();
        let search = |text: BooleanQuery| -> Result<Found> {
            let mut clauses = req.filters(f, &searcher)?;
            clauses.push((Occur::Must, Box::new(text)));
            let q: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
            let (top, total, facets) =
                searcher.search(&q, &(TopDocs::with_limit(limit).and_offset(req.offset).order_by_score(), Count, FacetCollector(&g.facets)))?;
            Ok((q, top, total, facets))
        };
        let strict = words.iter().map(|w| (if !long.is_empty() && w.chars().count() == 1 { Occur::Should } else { Occur::Must }, word_query(f, w)));
        let (mut q, mut top, mut total, mut facets) = search(BooleanQuery::new(strict.collect()))?;
        let mut relaxed = false;
        // No record has every word: records with at least half of the query's words (of two
        // characters or more) are offered instead, never records sharing only a character or
        // one word of three (`芯片 量子 计算机` finds nothing rather than every record about 芯片).
        if total == 0 && long.len() > 1 {
            let at_least = long.len().div_ceil(2);
            let any = BooleanQuery::with_minimum_required_clauses(long.iter().map(|w| (Occur::Should, word_query(f, w))).collect(), at_least);
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(any))];
            clauses.extend(short.iter().map(|w| (Occur::Should, word_query(f, w))));
            (q, top, total, facets) = search(BooleanQuery::new(clauses))?;
            relaxed = total > 0;
        }
        let generators = Generators::new(&searcher, q.as_ref(), f)?;
        let hits = top.into_iter().map(|(score, addr)| hit(&searcher, f, &generators, score, addr)).collect::<Result<Vec<_>>>()?;
        Ok(Results { total, hits, facets, relaxed, words })
    }

    /// The stored documents of one kind, for tests and diagnostics: id → title.
    pub fn titles(&self, committee_id: i64, kind: &str) -> Result<BTreeMap<i64, String>> {
        let g = self.current();
        let f = &g.fields;
        let searcher = g.reader.searcher();
        let q = BooleanQuery::new(vec![
            filter(i64_term(f.committee, committee_id)),
            filter(Box::new(TermQuery::new(Term::from_field_text(f.kind, kind), IndexRecordOption::Basic))),
        ]);
        let top = searcher.search(&q, &TopDocs::with_limit(searcher.num_docs().max(1) as usize).order_by_score())?;
        let mut out = BTreeMap::new();
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let id = doc.get_first(f.id).and_then(|v| v.as_i64()).unwrap_or(0);
            out.insert(id, doc.get_first(f.title).and_then(|v| v.as_str()).unwrap_or("").to_string());
        }
        Ok(out)
    }
}
