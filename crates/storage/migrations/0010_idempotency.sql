-- Idempotency keys of the JSON API (docs/api.md "Idempotency-Key"). A POST or PATCH under /api/v1
-- sent with an `Idempotency-Key` header is first reserved here (state 'pending'; the unique index
-- lets one request of several servers have it), then runs; its answer is stored (state 'done')
-- and a retry with the same key, by the same account, to the same method and path with the same
-- body gets that answer again instead of running. Answers that invite a retry (5xx, 408, 429) are
-- not kept: the reservation is deleted. Rows expire after 24 hours and are pruned as requests come.
CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    -- The header's value (1 to 255 visible ASCII characters).
    idem_key TEXT NOT NULL,
    -- Method and path with its query, e.g. 'POST /api/v1/proposals/7/submit'.
    request TEXT NOT NULL,
    -- SHA-256 (hex) of the request body as received.
    body_sha256 TEXT NOT NULL,
    -- pending (running) | done (the answer below is stored).
    state TEXT NOT NULL,
    status BIGINT,
    content_type TEXT,
    location TEXT,
    etag TEXT,
    body TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX idempotency_keys_user_key ON idempotency_keys (user_id, idem_key);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
