//! Counts of the matching documents by type, year, status, unit and sector.
//!
//! A broad query (人才: half of 1.6 million documents) spent two thirds of its time reading the
//! fast fields document by document (column index lookups, bit-unpacking, a hash per value). So
//! each segment's facet values are decoded once, when the reader loads the segment (a tantivy
//! warmer), into small per-document tables of dictionary numbers; counting a hit is then a few
//! array increments. Segments never change (deletes only hide documents), so a table lives as long
//! as its segment is searched. About 16 bytes per document.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, Searcher, SearcherGeneration, SegmentOrdinal, SegmentReader, TantivyError, Warmer};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    pub kind: BTreeMap<String, u64>,
    pub year: BTreeMap<i64, u64>,
    pub status: BTreeMap<String, u64>,
    pub unit: BTreeMap<i64, u64>,
    pub sector: BTreeMap<i64, u64>,
}

impl Facets {
    fn merge(&mut self, other: Facets) {
        fn add<K: Ord>(into: &mut BTreeMap<K, u64>, from: BTreeMap<K, u64>) {
            for (k, n) in from {
                *into.entry(k).or_default() += n;
            }
        }
        add(&mut self.kind, other.kind);
        add(&mut self.year, other.year);
        add(&mut self.status, other.status);
        add(&mut self.unit, other.unit);
        add(&mut self.sector, other.sector);
    }
}

/// Numbers values in order of first sight; number 0 is "none".
struct Dictionary<T> {
    values: Vec<T>,
    numbers: HashMap<T, u32>,
}

impl<T: Clone + Eq + std::hash::Hash> Dictionary<T> {
    fn new(none: T) -> Self {
        Dictionary { values: vec![none], numbers: HashMap::new() }
    }

    fn number(&mut self, v: T) -> u32 {
        if let Some(n) = self.numbers.get(&v) {
            return *n;
        }
        let n = self.values.len() as u32;
        self.values.push(v.clone());
        self.numbers.insert(v, n);
        n
    }
}

/// A segment's facet values, one dictionary number per document (units: several, by offsets).
struct SegmentTable {
    kind: Vec<u16>,
    status: Vec<u16>,
    year: Vec<u16>,
    sector: Vec<u32>,
    /// The units of document d are `units[unit_from[d]..unit_from[d + 1]]`.
    unit_from: Vec<u32>,
    units: Vec<u32>,
    kinds: Vec<String>,
    statuses: Vec<String>,
    years: Vec<i64>,
    sectors: Vec<i64>,
    unit_ids: Vec<i64>,
}

fn small(n: u32, what: &str) -> tantivy::Result<u16> {
    u16::try_from(n).map_err(|_| TantivyError::InvalidArgument(format!("more than 65,535 distinct {what} in one segment")))
}

fn first_str(column: &Option<StrColumn>, doc: DocId, into: &mut String) -> bool {
    into.clear();
    match column {
        Some(c) => c.term_ords(doc).next().is_some_and(|o| c.ord_to_str(o, into).unwrap_or(false)),
        None => false,
    }
}

impl SegmentTable {
    fn build(reader: &SegmentReader) -> tantivy::Result<SegmentTable> {
        let ff = reader.fast_fields();
        let (kind_col, status_col) = (ff.str("kind")?, ff.str("status")?);
        let (year_col, unit_col, sector_col) = (ff.i64("year")?, ff.i64("unit")?, ff.i64("sector")?);
        let n = reader.max_doc() as usize;
        let (mut kinds, mut statuses) = (Dictionary::new(String::new()), Dictionary::new(String::new()));
        let (mut years, mut sectors, mut unit_ids) = (Dictionary::new(0i64), Dictionary::new(0i64), Dictionary::new(0i64));
        let mut t = SegmentTable {
            kind: Vec::with_capacity(n),
            status: Vec::with_capacity(n),
            year: Vec::with_capacity(n),
            sector: Vec::with_capacity(n),
            unit_from: Vec::with_capacity(n + 1),
            units: Vec::new(),
            kinds: Vec::new(),
            statuses: Vec::new(),
            years: Vec::new(),
            sectors: Vec::new(),
            unit_ids: Vec::new(),
        };
        let mut s = String::new();
        for doc in 0..reader.max_doc() {
            let kind = if first_str(&kind_col, doc, &mut s) { kinds.number(s.clone()) } else { 0 };
            t.kind.push(small(kind, "kinds")?);
            let status = if first_str(&status_col, doc, &mut s) { statuses.number(s.clone()) } else { 0 };
            t.status.push(small(status, "statuses")?);
            let year = year_col.first(doc).filter(|v| *v != 0).map_or(0, |v| years.number(v));
            t.year.push(small(year, "years")?);
            t.sector.push(sector_col.first(doc).filter(|v| *v != 0).map_or(0, |v| sectors.number(v)));
            t.unit_from.push(t.units.len() as u32);
            for u in unit_col.values_for_doc(doc).filter(|v| *v != 0) {
                t.units.push(unit_ids.number(u));
            }
        }
        t.unit_from.push(t.units.len() as u32);
        t.units.shrink_to_fit();
        (t.kinds, t.statuses, t.years, t.sectors, t.unit_ids) = (kinds.values, statuses.values, years.values, sectors.values, unit_ids.values);
        Ok(t)
    }
}

/// The tables of the segments being searched, kept by the reader's warmer: built when a reload
/// brings a segment in, dropped when no searcher uses it any more.
#[derive(Default)]
pub(crate) struct FacetTables {
    segments: RwLock<HashMap<SegmentId, Arc<SegmentTable>>>,
}

impl FacetTables {
    fn get(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentTable>> {
        let id = reader.segment_id();
        if let Some(t) = self.segments.read().unwrap_or_else(|e| e.into_inner()).get(&id) {
            return Ok(t.clone());
        }
        // Not warmed (a searcher from before the warmer knew the segment): built now, once.
        let t = Arc::new(SegmentTable::build(reader)?);
        self.segments.write().unwrap_or_else(|e| e.into_inner()).entry(id).or_insert(t.clone());
        Ok(t)
    }
}

impl Warmer for FacetTables {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for reader in searcher.segment_readers() {
            self.get(reader)?;
        }
        Ok(())
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        let mut segments = self.segments.write().unwrap_or_else(|e| e.into_inner());
        segments.retain(|id, _| live.iter().any(|g| g.segments().contains_key(id)));
    }
}

pub(crate) struct FacetCollector<'a>(pub &'a FacetTables);

pub(crate) struct FacetSegment {
    table: Arc<SegmentTable>,
    kind: Vec<u64>,
    status: Vec<u64>,
    year: Vec<u64>,
    sector: Vec<u64>,
    unit: Vec<u64>,
}

impl Collector for FacetCollector<'_> {
    type Fruit = Facets;
    type Child = FacetSegment;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<FacetSegment> {
        let table = self.0.get(reader)?;
        Ok(FacetSegment {
            kind: vec![0; table.kinds.len()],
            status: vec![0; table.statuses.len()],
            year: vec![0; table.years.len()],
            sector: vec![0; table.sectors.len()],
            unit: vec![0; table.unit_ids.len()],
            table,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Facets>) -> tantivy::Result<Facets> {
        let mut all = Facets::default();
        for f in fruits {
            all.merge(f);
        }
        Ok(all)
    }
}

/// The counted values by name (number 0, "none", left out).
fn named<K: Ord + Clone>(values: &[K], counts: Vec<u64>) -> BTreeMap<K, u64> {
    counts.into_iter().enumerate().skip(1).filter(|(_, n)| *n > 0).map(|(i, n)| (values[i].clone(), n)).collect()
}

impl SegmentCollector for FacetSegment {
    type Fruit = Facets;

    fn collect(&mut self, doc: DocId, _: Score) {
        let (t, d) = (&*self.table, doc as usize);
        self.kind[usize::from(t.kind[d])] += 1;
        self.status[usize::from(t.status[d])] += 1;
        self.year[usize::from(t.year[d])] += 1;
        self.sector[t.sector[d] as usize] += 1;
        for u in &t.units[t.unit_from[d] as usize..t.unit_from[d + 1] as usize] {
            self.unit[*u as usize] += 1;
        }
    }

    fn harvest(self) -> Facets {
        let t = &*self.table;
        Facets {
            kind: named(&t.kinds, self.kind),
            status: named(&t.statuses, self.status),
            year: named(&t.years, self.year),
            unit: named(&t.unit_ids, self.unit),
            sector: named(&t.sectors, self.sector),
        }
    }
}
