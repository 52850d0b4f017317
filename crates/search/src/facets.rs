//! Counts of the matching documents by type, year, status, unit and sector, read from the
//! fast fields while the query runs (no second pass).

use std::collections::{BTreeMap, HashMap};

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

pub(crate) struct FacetCollector;

pub(crate) struct FacetSegment {
    kind: Option<StrColumn>,
    status: Option<StrColumn>,
    year: Column<i64>,
    unit: Column<i64>,
    sector: Column<i64>,
    kind_ords: HashMap<u64, u64>,
    status_ords: HashMap<u64, u64>,
    counts: Facets,
}

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = FacetSegment;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<FacetSegment> {
        let ff = reader.fast_fields();
        Ok(FacetSegment {
            kind: ff.str("kind")?,
            status: ff.str("status")?,
            year: ff.i64("year")?,
            unit: ff.i64("unit")?,
            sector: ff.i64("sector")?,
            kind_ords: HashMap::new(),
            status_ords: HashMap::new(),
            counts: Facets::default(),
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

fn names(column: &Option<StrColumn>, ords: HashMap<u64, u64>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let Some(column) = column else { return out };
    let mut name = String::new();
    for (ord, n) in ords {
        name.clear();
        if column.ord_to_str(ord, &mut name).unwrap_or(false) {
            *out.entry(name.clone()).or_default() += n;
        }
    }
    out
}

impl SegmentCollector for FacetSegment {
    type Fruit = Facets;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(c) = &self.kind {
            for o in c.term_ords(doc) {
                *self.kind_ords.entry(o).or_default() += 1;
            }
        }
        if let Some(c) = &self.status {
            for o in c.term_ords(doc) {
                *self.status_ords.entry(o).or_default() += 1;
            }
        }
        for (column, into) in [(&self.year, &mut self.counts.year), (&self.sector, &mut self.counts.sector), (&self.unit, &mut self.counts.unit)] {
            for v in column.values_for_doc(doc).filter(|v| *v != 0) {
                *into.entry(v).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> Facets {
        let mut counts = self.counts;
        counts.kind = names(&self.kind, self.kind_ords);
        counts.status = names(&self.status, self.status_ords);
        counts
    }
}
