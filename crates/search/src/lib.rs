//! Chinese full-text search: a tantivy index of the committee's records, fed from the outbox,
//! rebuilt from the database at will. Derived data only: deleting the directory loses nothing.
//!
//! The index lives in generations (`<dir>/gen-<n>`), the one in use named by `<dir>/CURRENT`.
//! A rebuild writes a new generation beside the one in use and switches by renaming CURRENT, so
//! searches go on during a rebuild, also when `eline reindex` runs in another process: a server
//! notices the switch ([`SearchIndex::follow`]) and catches up from the new generation's cursor.
//!
//! Each commit carries a [`Cursor`] (the last outbox entry applied) in tantivy's commit payload,
//! so after a crash the index resumes exactly where its last commit left it.
//!
//! Permission: every document carries the grants (`acl`) that may see it; a query carries the
//! caller's grants (computed by the app from the same facts as the record pages) and only
//! matching documents are counted, faceted and returned.

mod facets;
mod query;
mod similar;
pub mod text;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use serde::{Deserialize, Serialize};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use facets::Facets;
pub use query::{Hit, MAX_WINDOW, PRIVATE, Request, Results, STAFF, Similar, Snippet};
pub use similar::likeness;

/// The name of the Chinese tokenizer in the schema.
pub const TOKENIZER: &str = "zh";
/// Bumped when the schema or the tokenizer changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index: {0}")]
    Other(String),
}

pub type Result<T> = std::result::Result<T, SearchError>;

/// One searchable record, as the app builds it from the database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    /// "proposal", "member" (and the modules to come: "report", "activity", …).
    pub kind: String,
    pub id: i64,
    pub committee_id: i64,
    pub title: String,
    pub body: String,
    /// Further text: replies, co-opinions, contact details of a member.
    pub extra: String,
    pub year: Option<i64>,
    pub session_id: Option<i64>,
    pub status: String,
    /// Units that handle or handled it, lead first.
    pub units: Vec<i64>,
    pub lead_unit: Option<i64>,
    pub sector: Option<i64>,
    /// Grants that may see the record (see the app's `search` module).
    pub acl: Vec<String>,
    /// When it happened (UTC microseconds), shown with the hit.
    pub at: i64,
}

impl Doc {
    pub fn key(&self) -> String {
        key(&self.kind, self.id)
    }
}

fn key(kind: &str, id: i64) -> String {
    format!("{kind}:{id}")
}

/// How far the index has followed the outbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The highest outbox id applied.
    pub outbox: i64,
    /// When the generation was built (UTC microseconds): an index older than the outbox's
    /// retention must be rebuilt instead of followed.
    pub built_at: i64,
    pub schema: u32,
}

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub key: Field,
    pub kind: Field,
    pub id: Field,
    pub committee: Field,
    pub title: Field,
    pub body: Field,
    pub extra: Field,
    pub year: Field,
    pub session: Field,
    pub status: Field,
    pub unit: Field,
    pub lead_unit: Field,
    pub sector: Field,
    pub acl: Field,
    pub at: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let zh = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqs))
        .set_stored();
    let num = || NumericOptions::default().set_indexed().set_fast().set_stored();
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        kind: b.add_text_field("kind", STRING | FAST | STORED),
        id: b.add_i64_field("id", num()),
        committee: b.add_i64_field("committee", INDEXED),
        title: b.add_text_field("title", zh.clone()),
        body: b.add_text_field("body", zh.clone()),
        extra: b.add_text_field("extra", zh),
        year: b.add_i64_field("year", num()),
        session: b.add_i64_field("session", num()),
        status: b.add_text_field("status", STRING | FAST | STORED),
        unit: b.add_i64_field("unit", num()),
        lead_unit: b.add_i64_field("lead_unit", num()),
        sector: b.add_i64_field("sector", num()),
        acl: b.add_text_field("acl", STRING),
        at: b.add_i64_field("at", NumericOptions::default().set_stored()),
    };
    (b.build(), fields)
}

/// One generation of the index: a tantivy index in its own directory.
pub(crate) struct Generation {
    name: String,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    /// The facet values of the searched segments (the reader's warmer keeps them).
    pub(crate) facets: Arc<facets::FacetTables>,
    /// Opened on the first write, so that a process that only reads or rebuilds never takes
    /// the writer lock of a generation another process writes.
    writer: Mutex<Option<IndexWriter>>,
}

impl Generation {
    fn open(dir: &Path, name: &str, create: bool) -> Result<Generation> {
        let (schema, fields) = schema();
        let path = dir.join(name);
        let index = if create {
            std::fs::create_dir_all(&path)?;
            Index::create_in_dir(&path, schema)?
        } else {
            let index = Index::open_in_dir(&path)?;
            if index.schema() != schema {
                return Err(SearchError::Other("schema differs".into()));
            }
            index
        };
        let mut index = index;
        // A query over many segments uses every core: a broad query on a million records
        // answers in about half the time for the one user waiting for it.
        index.set_default_multithread_executor()?;
        index.tokenizers().register(TOKENIZER, text::ZhTokenizer);
        let facets = Arc::new(facets::FacetTables::default());
        let warmer: std::sync::Weak<dyn tantivy::Warmer> = Arc::downgrade(&facets) as _;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).warmers(vec![warmer]).try_into()?;
        Ok(Generation { name: name.to_string(), index, reader, fields, facets, writer: Mutex::new(None) })
    }

    fn cursor(&self) -> Result<Option<Cursor>> {
        let metas = self.index.load_metas()?;
        Ok(metas.payload.as_deref().and_then(|p| serde_json::from_str(p).ok()))
    }

    fn document(&self, d: &Doc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_text(f.key, d.key());
        doc.add_text(f.kind, &d.kind);
        doc.add_i64(f.id, d.id);
        doc.add_i64(f.committee, d.committee_id);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.body, &d.body);
        doc.add_text(f.extra, &d.extra);
        doc.add_i64(f.year, d.year.unwrap_or(0));
        doc.add_i64(f.session, d.session_id.unwrap_or(0));
        doc.add_text(f.status, &d.status);
        for u in &d.units {
            doc.add_i64(f.unit, *u);
        }
        if let Some(u) = d.lead_unit {
            doc.add_i64(f.lead_unit, u);
        }
        doc.add_i64(f.sector, d.sector.unwrap_or(0));
        for a in &d.acl {
            doc.add_text(f.acl, a);
        }
        doc.add_i64(f.at, d.at);
        doc
    }

    fn commit(&self, writer: &mut IndexWriter, cursor: &Cursor) -> Result<()> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&serde_json::to_string(cursor).map_err(|e| SearchError::Other(e.to_string()))?);
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }
}

/// What [`SearchIndex::open`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// An index that follows the outbox from this cursor.
    Ready(Cursor),
    /// No usable index (missing, corrupt, of another schema): an empty one was made; rebuild it.
    Rebuild(String),
}

/// The index of one data directory (one per server node).
pub struct SearchIndex {
    dir: PathBuf,
    current: RwLock<Arc<Generation>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("dir", &self.dir).field("generation", &self.current().name).finish()
    }
}

const CURRENT: &str = "CURRENT";

fn new_generation_name(dir: &Path) -> String {
    let mut n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or(0);
    while dir.join(format!("gen-{n}")).exists() {
        n += 1;
    }
    format!("gen-{n}")
}

impl SearchIndex {
    /// Opens the index in `dir`, making an empty one when there is none or it cannot be used.
    pub fn open(dir: impl Into<PathBuf>) -> Result<(SearchIndex, Opened)> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        let found = std::fs::read_to_string(dir.join(CURRENT)).ok().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let problem = match &found {
            None => "没有索引".to_string(),
            Some(name) => match Generation::open(&dir, name, false).and_then(|g| Ok((g.cursor()?, g))) {
                Ok((Some(cursor), g)) if cursor.schema == SCHEMA_VERSION => {
                    let index = SearchIndex { dir, current: RwLock::new(Arc::new(g)) };
                    return Ok((index, Opened::Ready(cursor)));
                }
                Ok((Some(_), _)) => "索引版本不同".to_string(),
                Ok((None, _)) => "索引未完成".to_string(),
                Err(e) => format!("索引无法打开（{e}）"),
            },
        };
        let name = new_generation_name(&dir);
        let g = Generation::open(&dir, &name, true)?;
        let index = SearchIndex { dir, current: RwLock::new(Arc::new(g)) };
        index.write_current(&name)?;
        Ok((index, Opened::Rebuild(problem)))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn current(&self) -> Arc<Generation> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The cursor of the generation in use (zero for a new, empty one).
    pub fn cursor(&self) -> Result<Cursor> {
        Ok(self.current().cursor()?.unwrap_or(Cursor { schema: SCHEMA_VERSION, ..Cursor::default() }))
    }

    /// Number of documents searchable now.
    pub fn len(&self) -> u64 {
        self.current().reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces the given records (and removes `removed`) in one commit that records `cursor`.
    pub fn apply(&self, docs: &[Doc], removed: &[(String, i64)], cursor: Cursor) -> Result<()> {
        let g = self.current();
        let mut guard = g.writer.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            *guard = Some(g.index.writer_with_num_threads(1, 32_000_000)?);
        }
        let writer = guard.as_mut().expect("writer was just opened");
        for (kind, id) in removed {
            writer.delete_term(Term::from_field_text(g.fields.key, &key(kind, *id)));
        }
        for d in docs {
            writer.delete_term(Term::from_field_text(g.fields.key, &d.key()));
            writer.add_document(g.document(d))?;
        }
        let result = g.commit(writer, &cursor);
        if result.is_err() {
            // A failed commit leaves the writer unusable; the next apply opens a new one.
            *guard = None;
        }
        result
    }

    /// Starts a new generation beside the one in use; searches go on meanwhile.
    pub fn rebuild(self: &Arc<Self>) -> Result<Rebuild> {
        let name = new_generation_name(&self.dir);
        let g = Generation::open(&self.dir, &name, true)?;
        let writer: IndexWriter = g.index.writer_with_num_threads(2, 200_000_000)?;
        // No merging while the documents stream in: `finish` merges once into balanced parts.
        writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
        Ok(Rebuild { owner: self.clone(), generation: g, writer, count: 0 })
    }

    /// Switches to the generation named in CURRENT when another process (`eline reindex`) has
    /// built a newer one. Returns its cursor when it switched.
    pub fn follow(&self) -> Result<Option<Cursor>> {
        let Some(name) = std::fs::read_to_string(self.dir.join(CURRENT)).ok().map(|s| s.trim().to_string()) else { return Ok(None) };
        if name.is_empty() || name == self.current().name {
            return Ok(None);
        }
        let g = Generation::open(&self.dir, &name, false)?;
        let Some(cursor) = g.cursor()? else { return Ok(None) };
        self.switch(g);
        Ok(Some(cursor))
    }

    fn switch(&self, g: Generation) {
        let keep = g.name.clone();
        let old = std::mem::replace(&mut *self.current.write().unwrap_or_else(|e| e.into_inner()), Arc::new(g));
        if let Some(writer) = old.writer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = writer.wait_merging_threads();
        }
        // Older generations are of no further use; a searcher still holding one keeps its
        // open files until it finishes (unlinked files stay readable).
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if name.starts_with("gen-") && name != keep {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
    }

    fn write_current(&self, name: &str) -> Result<()> {
        let tmp = self.dir.join("CURRENT.tmp");
        std::fs::write(&tmp, name)?;
        std::fs::rename(&tmp, self.dir.join(CURRENT))?;
        Ok(())
    }
}

/// Segments a rebuilt index is merged into: a query searches its segments in parallel, one per
/// core at a time, so equal parts (two per core) let a broad query use every core. The default
/// merge policy had left one segment of 1.43 million documents beside two small ones: one core
/// did nearly all the work of each query.
fn parts() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) * 2
}

/// Groups segments (id, documents) into `n` parts of about equal documents: the largest first,
/// each into the part with the fewest so far.
fn balanced<T: Clone>(mut segments: Vec<(T, u32)>, n: usize) -> Vec<Vec<T>> {
    segments.sort_by_key(|s| std::cmp::Reverse(s.1));
    let mut parts: Vec<(u64, Vec<T>)> = vec![(0, Vec::new()); n.max(1)];
    for (id, docs) in segments {
        if let Some(p) = parts.iter_mut().min_by_key(|p| p.0) {
            p.0 += u64::from(docs);
            p.1.push(id);
        }
    }
    parts.into_iter().map(|p| p.1).filter(|p| !p.is_empty()).collect()
}

/// A generation being built; [`Rebuild::finish`] makes it the one in use.
pub struct Rebuild {
    owner: Arc<SearchIndex>,
    generation: Generation,
    writer: IndexWriter,
    count: u64,
}

impl Rebuild {
    /// Merges the flushed segments into [`parts`] balanced segments, then commits again with the
    /// same cursor (the commit that carries it stays the last word).
    fn balance(&mut self, cursor: &Cursor) -> Result<()> {
        let metas = self.generation.index.searchable_segment_metas()?;
        let segments = metas.iter().map(|m| (m.id(), m.num_docs())).collect();
        for group in balanced(segments, parts()).into_iter().filter(|g| g.len() > 1) {
            self.writer.merge(&group).wait()?;
        }
        self.generation.commit(&mut self.writer, cursor)?;
        // The merged segments' files are no longer referenced: without this the new generation
        // kept both (945 MB for a 442 MB index).
        self.writer.garbage_collect_files().wait()?;
        Ok(())
    }

    pub fn add(&mut self, doc: &Doc) -> Result<()> {
        self.writer.add_document(self.generation.document(doc))?;
        self.count += 1;
        Ok(())
    }

    /// Commits with `cursor` (the outbox position read before the records were), switches to
    /// the new generation and returns the number of documents.
    pub fn finish(mut self, cursor: Cursor) -> Result<u64> {
        self.generation.commit(&mut self.writer, &cursor)?;
        self.balance(&cursor)?;
        drop(self.writer);
        self.owner.write_current(&self.generation.name)?;
        self.owner.switch(self.generation);
        Ok(self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::balanced;

    #[test]
    fn segments_are_grouped_into_parts_of_about_equal_documents() {
        let segments: Vec<(u32, u32)> = (1..=20).map(|i| (i, i * 1_000)).collect();
        let parts = balanced(segments, 4);
        assert_eq!(parts.len(), 4);
        let sizes: Vec<u32> = parts.iter().map(|p| p.iter().map(|i| i * 1_000).sum()).collect();
        // Within 5 % of an equal share (52,500 each).
        assert!(sizes.iter().all(|s| s.abs_diff(52_500) * 20 <= 52_500), "{sizes:?}");
        assert_eq!(sizes.iter().sum::<u32>(), 210_000);
        // Fewer segments than parts: each alone.
        assert_eq!(balanced(vec![(1, 5), (2, 7)], 4), vec![vec![2], vec![1]]);
    }
}
