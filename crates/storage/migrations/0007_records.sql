-- Shared by every kind of record (proposals now; 社情民意, activities … later): one timeline, files
-- keyed by (record kind, record id, purpose), and links between records (a rejected proposal → its
-- 社情民意 report, a public request → a proposal, a lead → a proposal).

CREATE TABLE record_events (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    record_kind TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    status_after TEXT,
    note TEXT NOT NULL
);
CREATE INDEX record_events_record ON record_events (record_kind, record_id, id);
INSERT INTO record_events (committee_id, record_kind, record_id, at, actor_user_id, actor_name, action, status_after, note)
    SELECT p.committee_id, 'proposal', e.proposal_id, e.at, e.actor_user_id, e.actor_name, e.action, e.status_after, e.note
    FROM proposal_events e JOIN proposals p ON p.id = e.proposal_id ORDER BY e.id;
DROP TABLE proposal_events;

ALTER TABLE attachments RENAME COLUMN owner_type TO purpose;
ALTER TABLE attachments RENAME COLUMN owner_id TO record_id;
ALTER TABLE attachments ADD COLUMN record_kind TEXT NOT NULL DEFAULT 'proposal';
DROP INDEX attachments_owner;
CREATE INDEX attachments_record ON attachments (record_kind, record_id);

CREATE TABLE record_links (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    from_kind TEXT NOT NULL,
    from_id BIGINT NOT NULL,
    to_kind TEXT NOT NULL,
    to_id BIGINT NOT NULL,
    -- What the later record is to the earlier one, e.g. converted_to, follows_from.
    relation TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX record_links_from ON record_links (from_kind, from_id);
CREATE INDEX record_links_to ON record_links (to_kind, to_id);
