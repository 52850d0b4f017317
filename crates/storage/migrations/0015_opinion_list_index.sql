-- The report lists read a committee's reports newest first: an index in that order lets the
-- office's list (every status but drafts) stop after a page instead of sorting every report
-- (0.5 s at 500,000 reports without it; the proposals' 0003 did the same for proposals).
CREATE INDEX opinions_recent ON opinions (committee_id, id);
