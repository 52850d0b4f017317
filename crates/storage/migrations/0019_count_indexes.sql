-- The office's home page at 1,000,000 proposals (3 s): its queue sizes were one pass over every
-- proposal's row. Each figure is now counted from an index that holds the rows it counts (or, for
-- the status counts, the covering (committee, status) index): requests waiting on a decision,
-- proposals in handling by due date, replies waiting for their evaluation or closing, and the
-- promises not yet delivered. A unit's figures read its few thousand proposals from one index
-- that holds the columns they test (SQLite keeps the columns added by later migrations after the
-- text, so reading them from the table walks each body's overflow pages: 0.3 s for 5,000). One
-- text for both engines.
CREATE INDEX proposals_requests ON proposals (committee_id, objection_open, extension_requested)
    WHERE status = 'assigned' AND (objection_open = TRUE OR extension_requested = TRUE);
CREATE INDEX proposals_handling_due ON proposals (committee_id, due_on) WHERE status IN ('assigned', 'rehandling');
CREATE INDEX proposals_replied ON proposals (committee_id, evaluation_due_on, dissatisfied_rounds) WHERE status = 'replied';
CREATE INDEX proposal_commitments_open ON proposal_commitments (proposal_id) WHERE done_at IS NULL;
CREATE INDEX proposals_figures ON proposals (committee_id, id, status, due_on, evaluation_due_on, dissatisfied_rounds, objection_open, extension_requested);
