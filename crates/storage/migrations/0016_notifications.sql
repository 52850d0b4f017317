-- Notifications (docs/notifications.md): a step that needs someone's attention writes, in its own
-- transaction, one inbox row per person concerned and, per channel their preferences turn on, a
-- delivery. Immediate deliveries go out in a message of their own at once; digest deliveries wait
-- for the daily or weekly run, which gathers each person's waiting ones into one message. Messages
-- are the queue the dispatcher drains (retries with backoff, visible to admins).

-- An address for email; a member's account falls back to the member's own address.
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    -- What happened, a key of the catalogue (domain `notice::KINDS`), e.g. 'proposal.returned'.
    kind TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    -- The record's title when it happened, and one sentence on what happened (Chinese).
    title TEXT NOT NULL,
    message TEXT NOT NULL,
    -- Reminders: at most one row per person and key (a deadline's threshold), whatever the runs.
    once_key TEXT,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_inbox ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, once_key);

-- One message sent on one channel (an email, a webhook call): one item at once, or a digest.
CREATE TABLE notification_messages (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    -- email | webhook
    channel TEXT NOT NULL,
    -- immediate | daily | weekly
    mode TEXT NOT NULL,
    -- pending | sent
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- A dispatcher took it until then (another one leaves it alone meanwhile).
    claimed_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    last_attempt_at BIGINT,
    sent_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX notification_messages_due ON notification_messages (state, next_attempt_at);
CREATE INDEX notification_messages_failing ON notification_messages (committee_id, state, attempts);

-- A notification to be sent on a channel; message_id is set when it goes into a message (at once
-- for immediate ones, at the digest run for the others): each goes into exactly one.
CREATE TABLE notification_deliveries (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    notification_id BIGINT NOT NULL REFERENCES notifications(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    channel TEXT NOT NULL,
    mode TEXT NOT NULL,
    message_id BIGINT REFERENCES notification_messages(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX notification_deliveries_waiting ON notification_deliveries (mode, message_id, user_id);
CREATE INDEX notification_deliveries_message ON notification_deliveries (message_id);

-- A person's choice per kind and channel (no row: the default of their role).
CREATE TABLE notification_prefs (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    -- immediate | daily | weekly | off
    mode TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX notification_prefs_choice ON notification_prefs (user_id, kind, channel);

-- A committee's webhook: its SMS or WeChat bridge receives signed JSON bodies.
CREATE TABLE notification_webhooks (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX notification_webhooks_committee ON notification_webhooks (committee_id);

-- The scheduled runs' last periods (the daily and weekly digests, the reminder check), so that a
-- missed run catches up once and a run is not repeated by another server or after a restart.
CREATE TABLE job_runs (
    id INTEGER PRIMARY KEY,
    job TEXT NOT NULL,
    period TEXT NOT NULL,
    ran_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX job_runs_job ON job_runs (job);
