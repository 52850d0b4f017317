-- The search index follows the outbox by topic and id (and looks back a few seconds by time).
CREATE INDEX outbox_topic ON outbox (topic, id);
CREATE INDEX outbox_topic_time ON outbox (topic, created_at);
