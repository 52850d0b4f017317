//! The bench generator's proportions and names.

use super::*;

#[test]
fn status_mix_is_exact_per_thousand() {
    let mut counts = std::collections::HashMap::new();
    for i in 0..1000 {
        *counts.entry(status_of(i)).or_insert(0u64) += 1;
    }
    for (s, share) in STATUS_MIX {
        assert_eq!(counts.get(s).copied().unwrap_or(0), share, "{s}");
    }
}

#[test]
fn units_are_two_hundred_and_distinct() {
    let names = unit_names();
    assert_eq!(names.len(), UNIT_COUNT);
    let set: std::collections::HashSet<_> = names.iter().map(|n| &n.0).collect();
    assert_eq!(set.len(), UNIT_COUNT);
}
