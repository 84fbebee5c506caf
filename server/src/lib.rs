//! CraneExam server (起重机作业人员考试系统 服务端): HTTP API over SQLite, exam sessions,
//! durable answer saves, server-side deadlines and automatic submission.

pub mod archive_cli;
pub mod auth;
pub mod bank_cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod demo;
pub mod error;
pub mod metrics;
pub mod ops_cli;
pub mod reports;
pub mod routes;
pub mod service;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod tls;
