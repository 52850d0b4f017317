//! Notifications leaving eline: email through a real SMTP server (in process, `smtp_sink`) read
//! back as MIME (`mime`), and the signed webhook checked by a receiver written from the
//! documentation (`receiver`) and by the Python example in docs/webhook_receiver.py. Runs on
//! SQLite, or on PostgreSQL when ELINE_TEST_DATABASE_URL is set.

mod email;
mod mime;
mod receiver;
mod smtp_sink;
mod support;
mod webhook;
