-- Proposals (提案), attachments, settings, working-day calendar. One text for both engines (docs/migrations.md).

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    session_id BIGINT NOT NULL REFERENCES sessions(id),
    number BIGINT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    kind TEXT NOT NULL,
    proposer_member_id BIGINT REFERENCES members(id),
    organization_id BIGINT REFERENCES organizations(id),
    created_by BIGINT NOT NULL REFERENCES users(id),
    status TEXT NOT NULL,
    is_key BOOLEAN NOT NULL DEFAULT FALSE,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    merged_into_id BIGINT,
    review_note TEXT,
    converted_to TEXT,
    handling_mode TEXT,
    assigned_on TEXT,
    due_on TEXT,
    objection_open BOOLEAN NOT NULL DEFAULT FALSE,
    extension_requested BOOLEAN NOT NULL DEFAULT FALSE,
    extension_reason TEXT,
    extended BOOLEAN NOT NULL DEFAULT FALSE,
    round BIGINT NOT NULL DEFAULT 0,
    dissatisfied_rounds BIGINT NOT NULL DEFAULT 0,
    cosign_due_on TEXT,
    evaluation_due_on TEXT,
    replied_on TEXT,
    submitted_at BIGINT,
    filed_at BIGINT,
    closed_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX proposals_status ON proposals (committee_id, status, id);
CREATE UNIQUE INDEX proposals_number ON proposals (session_id, number);
CREATE INDEX proposals_session ON proposals (committee_id, session_id, id);
CREATE INDEX proposals_proposer ON proposals (proposer_member_id);
CREATE INDEX proposals_creator ON proposals (created_by);

CREATE TABLE proposal_cosigners (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    status TEXT NOT NULL,
    answered_at BIGINT
);
CREATE UNIQUE INDEX proposal_cosigners_pair ON proposal_cosigners (proposal_id, member_id);
CREATE INDEX proposal_cosigners_member ON proposal_cosigners (member_id);

CREATE TABLE proposal_units (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    role TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    assigned_on TEXT NOT NULL,
    objection_reason TEXT,
    replied_round BIGINT,
    co_opinion TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX proposal_units_unit ON proposal_units (unit_id, active, proposal_id);
CREATE INDEX proposal_units_proposal ON proposal_units (proposal_id);

CREATE TABLE proposal_replies (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    round BIGINT NOT NULL,
    class TEXT NOT NULL,
    text TEXT NOT NULL,
    signer TEXT NOT NULL,
    replied_by BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL
);
CREATE INDEX proposal_replies_proposal ON proposal_replies (proposal_id, id);

CREATE TABLE proposal_evaluations (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals(id),
    member_id BIGINT REFERENCES members(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    round BIGINT NOT NULL,
    satisfaction TEXT NOT NULL,
    comment TEXT,
    decisive BOOLEAN NOT NULL DEFAULT FALSE,
    at BIGINT NOT NULL
);
CREATE INDEX proposal_evaluations_proposal ON proposal_evaluations (proposal_id, id);

CREATE TABLE proposal_events (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals(id),
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    status_after TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX proposal_events_proposal ON proposal_events (proposal_id, id);

CREATE TABLE proposal_commitments (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals(id),
    unit_id BIGINT REFERENCES units(id),
    promise TEXT NOT NULL,
    due_on TEXT,
    evidence TEXT,
    done_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX proposal_commitments_proposal ON proposal_commitments (proposal_id);

CREATE TABLE proposal_supervisors (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals(id),
    user_id BIGINT NOT NULL REFERENCES users(id)
);
CREATE UNIQUE INDEX proposal_supervisors_pair ON proposal_supervisors (proposal_id, user_id);
CREATE INDEX proposal_supervisors_user ON proposal_supervisors (user_id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    owner_type TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_owner ON attachments (owner_type, owner_id);

CREATE TABLE settings (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    key TEXT NOT NULL,
    year BIGINT NOT NULL,
    value TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX settings_key ON settings (committee_id, key, year);

CREATE TABLE calendar_days (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX calendar_days_day ON calendar_days (committee_id, day);

CREATE TABLE reply_templates (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    text TEXT NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reply_templates_unit ON reply_templates (unit_id, archived);
