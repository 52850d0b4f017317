-- Foundation schema: one text for both engines (docs/migrations.md).

CREATE TABLE committees (
    id INTEGER PRIMARY KEY,
    parent_id BIGINT REFERENCES committees(id),
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    level TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE sectors (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    name TEXT NOT NULL,
    category TEXT,
    note TEXT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sectors_name ON sectors (committee_id, name);
CREATE INDEX sectors_order ON sectors (committee_id, sort_order, id);

CREATE TABLE special_committees (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    name TEXT NOT NULL,
    category TEXT,
    note TEXT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX special_committees_name ON special_committees (committee_id, name);
CREATE INDEX special_committees_order ON special_committees (committee_id, sort_order, id);

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    name TEXT NOT NULL,
    category TEXT,
    note TEXT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX organizations_name ON organizations (committee_id, name);
CREATE INDEX organizations_order ON organizations (committee_id, sort_order, id);

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    name TEXT NOT NULL,
    category TEXT,
    note TEXT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX units_name ON units (committee_id, name);
CREATE INDEX units_order ON units (committee_id, sort_order, id);

CREATE TABLE work_stations (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    name TEXT NOT NULL,
    category TEXT,
    note TEXT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX work_stations_name ON work_stations (committee_id, name);
CREATE INDEX work_stations_order ON work_stations (committee_id, sort_order, id);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    term_number BIGINT NOT NULL,
    session_number BIGINT NOT NULL,
    year BIGINT NOT NULL,
    opens_on TEXT,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sessions_number ON sessions (committee_id, term_number, session_number);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    name TEXT NOT NULL,
    gender TEXT,
    birth_year BIGINT,
    party TEXT,
    sector_id BIGINT NOT NULL REFERENCES sectors(id),
    work_station_id BIGINT REFERENCES work_stations(id),
    roles TEXT NOT NULL,
    term_number BIGINT,
    phone TEXT,
    email TEXT,
    address TEXT,
    hk_macao BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX members_committee ON members (committee_id, archived, id);
CREATE INDEX members_sector ON members (sector_id);
CREATE INDEX members_name ON members (committee_id, name);

CREATE TABLE member_committees (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    special_committee_id BIGINT NOT NULL REFERENCES special_committees(id)
);
CREATE UNIQUE INDEX member_committees_pair ON member_committees (member_id, special_committee_id);
CREATE INDEX member_committees_committee ON member_committees (special_committee_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    member_id BIGINT REFERENCES members(id),
    unit_id BIGINT REFERENCES units(id),
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    last_login_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username ON users (username);
CREATE INDEX users_committee ON users (committee_id, id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT REFERENCES committees(id),
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id BIGINT,
    summary TEXT NOT NULL,
    before_digest TEXT,
    after_digest TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_committee ON audit_log (committee_id, id);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    last_id BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    entries BIGINT NOT NULL
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT,
    topic TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    processed_at BIGINT
);
CREATE INDEX outbox_pending ON outbox (processed_at, id);

CREATE TABLE web_sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
