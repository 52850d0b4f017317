-- The staff list reads a committee's proposals newest first: an index in that order avoids sorting them all.
CREATE INDEX proposals_committee ON proposals (committee_id, id);
