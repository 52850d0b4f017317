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

#[test]
fn a_million_makes_twenty_thousand_activities_with_two_million_places() {
    let scale = 1_000_000u64;
    let count = scale / activities::PER_PROPOSALS;
    let members = scale / 100;
    let places: u64 = (0..count).map(|i| activities::list_size(i, activities::kind_of(i), members)).sum();
    assert!(count >= 20_000, "{count} activities");
    assert!(places >= 2_000_000, "{places} places");
}

#[test]
fn activity_kinds_are_exact_per_thousand() {
    let mut counts = std::collections::HashMap::new();
    for i in 0..1000 {
        *counts.entry(activities::kind_of(i)).or_insert(0u64) += 1;
    }
    for (k, share) in activities::KIND_MIX {
        assert_eq!(counts.get(&k).copied().unwrap_or(0), share, "{k:?}");
    }
    assert_eq!(activities::KIND_MIX.iter().map(|k| k.1).sum::<u64>(), 1000);
}
