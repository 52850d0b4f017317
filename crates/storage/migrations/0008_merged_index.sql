-- Who keeps seeing a proposal another was merged into (its proposers and co-signers) is read on
-- every detail page and for every batch of a search rebuild: without an index each read walked
-- the whole proposals table (a million rows). A plain index (a partial one would be smaller, but
-- the engines describe its condition differently and the parity test compares definitions).

CREATE INDEX proposals_merged_into ON proposals (merged_into_id);
