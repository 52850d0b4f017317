-- What offices record on a proposal (issue 12, points 12-14): its category (提案分类, from the
-- committee's configurable list), whether it is a plenary or a between-sessions proposal
-- (大会提案 / 平时提案), the proposer's consent to publication (公开意愿; NULL: not stated, as for
-- proposals written before this migration and imported history), the units the proposer suggests
-- (建议承办单位), and the proposer's survey of a reply (测评表): contact before and during handling,
-- attitude and result. One text for both engines (docs/migrations.md).

ALTER TABLE proposals ADD COLUMN category TEXT;
ALTER TABLE proposals ADD COLUMN occasion TEXT;
ALTER TABLE proposals ADD COLUMN publish_consent BOOLEAN;
CREATE INDEX proposals_category ON proposals (committee_id, category, id);

CREATE TABLE proposal_suggested_units (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals(id),
    unit_id BIGINT NOT NULL REFERENCES units(id)
);
CREATE UNIQUE INDEX proposal_suggested_units_pair ON proposal_suggested_units (proposal_id, unit_id);

ALTER TABLE proposal_evaluations ADD COLUMN contact_before TEXT;
ALTER TABLE proposal_evaluations ADD COLUMN contact_during TEXT;
ALTER TABLE proposal_evaluations ADD COLUMN attitude TEXT;
ALTER TABLE proposal_evaluations ADD COLUMN result TEXT;
