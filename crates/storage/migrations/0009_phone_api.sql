-- Device sessions for phone apps (docs/api.md "Device sessions"): a login through the API opens
-- one session per device, a row of api_tokens with the device's name. Its access token (the row's
-- token_hash) lives briefly (expires_at); its refresh token (refresh_hash) is exchanged on use for
-- a new pair and keeps the session alive until session_expires_at (sliding). Personal tokens
-- (created on the account page) keep device, refresh_hash and session_expires_at NULL.
ALTER TABLE api_tokens ADD COLUMN device TEXT;
ALTER TABLE api_tokens ADD COLUMN refresh_hash TEXT;
ALTER TABLE api_tokens ADD COLUMN session_expires_at BIGINT;
CREATE UNIQUE INDEX api_tokens_refresh ON api_tokens (refresh_hash);

-- Refresh tokens already exchanged. One presented again means it was copied: the session it
-- belonged to is ended (a thief and the owner cannot both go on refreshing).
CREATE TABLE api_refresh_used (
    -- The refresh token's SHA-256 (hex).
    id TEXT PRIMARY KEY,
    token_id BIGINT NOT NULL REFERENCES api_tokens(id),
    used_at BIGINT NOT NULL
);
CREATE INDEX api_refresh_used_token ON api_refresh_used (token_id);

-- Log in with the phone number: members are found by it.
CREATE INDEX members_phone ON members (phone);

-- Resumable uploads (docs/api.md "Uploading in chunks"): a phone on a weak network sends a file
-- in pieces; each piece is appended at the offset the server has, so a broken connection resumes
-- where it stopped. The bytes wait in <data-dir>/uploads/<id>.part until attached to a record.
CREATE TABLE uploads (
    -- Random and URL-safe: the upload's name in its URL.
    id TEXT PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    file_name TEXT NOT NULL,
    size BIGINT NOT NULL,
    received BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX uploads_user ON uploads (user_id, expires_at);
CREATE INDEX uploads_expires ON uploads (expires_at);

-- Accounts opened for the roster at once: the batch keeps each new account's initial password
-- for its creator to print the account letters and the office's list, for a day; then it is
-- deleted (the passwords must be changed at first login anyway).
CREATE TABLE account_batches (
    -- Random and URL-safe: the batch's name in its URLs.
    id TEXT PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- JSON: [{member_id, user_id, name, sector, username, password}]
    entries TEXT NOT NULL
);
CREATE INDEX account_batches_expires ON account_batches (expires_at);
