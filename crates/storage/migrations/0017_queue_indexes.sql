-- The information office's queues at 500,000 reports (issue 13's open figures): the queue of
-- reports waiting for a decision is read in due-date order, a page at a time, from an index that
-- holds only the waiting ones (it sorted every waiting report on each page: 0.3 s with 40,000
-- waiting); and "adopted, not yet in an issue" (待编发) is a flag kept with the bulletin items, so
-- its count reads a small partial index instead of probing the items of every adopted report.
ALTER TABLE opinions ADD COLUMN compiled BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE opinions SET compiled = TRUE WHERE id IN (SELECT opinion_id FROM bulletin_items);
CREATE INDEX opinions_queue ON opinions (committee_id, channel, due_on, id) WHERE status IN ('submitted', 'editing');
CREATE INDEX opinions_to_compile ON opinions (committee_id, id) WHERE status = 'adopted' AND compiled = FALSE;

-- Who a notification goes to is found by member and by unit (and the office by role, within the
-- committee): without these the reminder run scanned every account for each notice.
CREATE INDEX users_member ON users (committee_id, member_id);
CREATE INDEX users_unit ON users (committee_id, unit_id);
