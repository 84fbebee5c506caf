//! Integration tests: the real app on 127.0.0.1:0 with a fresh SQLite file per test.

mod archives;
mod auth;
mod authz;
mod banks;
mod console;
mod console_admin;
mod console_practical;
mod exam;
mod extend;
mod helpers;
mod invigilator_actions;
mod metrics;
mod practical;
mod reports;
mod sessions;
mod storage;
mod takeover;
mod tls;
