//! Integration tests: the real app on 127.0.0.1:0 with a fresh SQLite file per test.

mod archives;
mod auth;
mod banks;
mod console;
mod exam;
mod extend;
mod helpers;
mod practical;
mod reports;
mod sessions;
mod takeover;
