-- API tokens expire: each use moves the expiry on (sliding); a token unused for the configured
-- time (default 90 days) stops working. Tokens issued before get their expiry from their last use.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
UPDATE api_tokens SET expires_at = COALESCE(last_used_at, created_at) + 7776000000000;
CREATE INDEX api_tokens_user_live ON api_tokens (user_id, expires_at);

-- Login throttling: one row per key (an account and address pair, an address, an account),
-- counted and checked in one statement so that concurrent attempts cannot all slip through.
CREATE TABLE login_throttle (
    -- The key: pair:<account>|<address>, ip:<address>, account:<account>, password:<user id>.
    id TEXT PRIMARY KEY,
    attempts BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    previous_at BIGINT
);
CREATE INDEX login_throttle_last ON login_throttle (last_at);

-- Addresses an account has logged in from (the account's own back-off does not slow them).
CREATE TABLE login_known_addresses (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    address TEXT NOT NULL,
    last_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX login_known_addresses_user ON login_known_addresses (user_id, address);

DROP TABLE login_failures;
