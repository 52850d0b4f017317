//! Counts of the matching documents by type, year, status, unit and sector, read from the
//! fast fields while the query runs (no second pass).

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

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

/// Ids are small integers: hashing them is a multiplication, not SipHash.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_i64(&mut self, v: i64) {
        self.0 = (v as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type IdMap = HashMap<i64, u64, BuildHasherDefault<IdHasher>>;

pub(crate) struct FacetCollector;

pub(crate) struct FacetSegment {
    kind: Option<StrColumn>,
    status: Option<StrColumn>,
    year: Column<i64>,
    unit: Column<i64>,
    sector: Column<i64>,
    /// Counts by term ordinal (the dictionaries are small: a few kinds and statuses).
    kind_ords: Vec<u64>,
    status_ords: Vec<u64>,
    year_counts: IdMap,
    unit_counts: IdMap,
    sector_counts: IdMap,
}

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = FacetSegment;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<FacetSegment> {
        let ff = reader.fast_fields();
        let kind = ff.str("kind")?;
        let status = ff.str("status")?;
        let terms = |c: &Option<StrColumn>| c.as_ref().map(|c| c.num_terms()).unwrap_or(0);
        Ok(FacetSegment {
            kind_ords: vec![0; terms(&kind)],
            status_ords: vec![0; terms(&status)],
            kind,
            status,
            year: ff.i64("year")?,
            unit: ff.i64("unit")?,
            sector: ff.i64("sector")?,
            year_counts: IdMap::default(),
            unit_counts: IdMap::default(),
            sector_counts: IdMap::default(),
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

fn names(column: &Option<StrColumn>, ords: Vec<u64>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let Some(column) = column else { return out };
    let mut name = String::new();
    for (ord, n) in ords.into_iter().enumerate().filter(|(_, n)| *n > 0) {
        name.clear();
        if column.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
            *out.entry(name.clone()).or_default() += n;
        }
    }
    out
}

fn sorted(counts: IdMap) -> BTreeMap<i64, u64> {
    counts.into_iter().collect()
}

impl SegmentCollector for FacetSegment {
    type Fruit = Facets;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, into) in [(&self.kind, &mut self.kind_ords), (&self.status, &mut self.status_ords)] {
            if let Some(c) = column {
                for o in c.term_ords(doc) {
                    if let Some(n) = into.get_mut(o as usize) {
                        *n += 1;
                    }
                }
            }
        }
        for (column, into) in [(&self.year, &mut self.year_counts), (&self.sector, &mut self.sector_counts)] {
            if let Some(v) = column.first(doc).filter(|v| *v != 0) {
                *into.entry(v).or_default() += 1;
            }
        }
        for v in self.unit.values_for_doc(doc).filter(|v| *v != 0) {
            *self.unit_counts.entry(v).or_default() += 1;
        }
    }

    fn harvest(self) -> Facets {
        Facets {
            kind: names(&self.kind, self.kind_ords),
            status: names(&self.status, self.status_ords),
            year: sorted(self.year_counts),
            unit: sorted(self.unit_counts),
            sector: sorted(self.sector_counts),
        }
    }
}
