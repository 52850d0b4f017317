-- An account may be authorised to submit collective proposals (集体提案) for one organisation.
ALTER TABLE users ADD COLUMN organization_id BIGINT REFERENCES organizations(id);
