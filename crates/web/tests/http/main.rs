//! Black-box HTTP tests of the whole application (pages and API), each against its own server on
//! port 0 and a fresh database: SQLite, or PostgreSQL when ELINE_TEST_DATABASE_URL is set.

mod helpers;

mod accounts;
mod activities;
mod activity_pages;
mod activity_stats;
mod api_http;
mod audit;
mod auth;
mod authz;
mod authz_cases;
mod authz_table;
mod basics;
mod bulletins;
mod cluster;
mod configuration;
mod devices;
mod exports;
mod homes;
mod imports;
mod instructions;
mod messages;
mod notification_live;
mod notifications;
mod opinion_stats;
mod opinions;
mod overload;
mod pages;
mod pickers;
mod proposal_fields;
mod proposals;
mod search;
mod security;
mod tenancy;
mod uploads;
mod validation;
