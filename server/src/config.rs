//! Settings, layered: built-in defaults, then an optional TOML file, then environment
//! variables `CRANE_EXAM__<KEY>`, then command-line flags.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// A secret that never prints itself.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "Secret(<unset>)"
        } else {
            "Secret(<redacted>)"
        })
    }
}

/// Everything the server can be configured with.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Directory for the SQLite database and generated keys.
    pub data_dir: PathBuf,
    /// PostgreSQL URL (`postgres://user:password@host:5432/db`); empty = SQLite in
    /// `data_dir`. Several instances may share one PostgreSQL database.
    pub database_url: Secret,
    /// HMAC key for tokens; generated into `<data_dir>/jwt.key` when empty. Instances that
    /// share a database must share this key.
    pub jwt_secret: Secret,
    /// Lifetime of staff tokens.
    pub staff_token_minutes: i64,
    /// Lifetime of candidate tokens (terminals sign in again transparently).
    pub candidate_token_minutes: i64,
    /// How often the sweeper looks for papers past their deadline.
    pub sweeper_interval_ms: u64,
    /// Failed sign-ins allowed per account within `login_lock_seconds`.
    pub login_max_failures: i64,
    /// Lock-out after too many failures.
    pub login_lock_seconds: i64,
    /// Whether candidates see their score at submission, for sessions that do not say.
    pub show_score_on_submit: bool,
    /// Years sealed records are kept before an admin may purge them.
    pub archive_retention_years: u32,
    /// The issuing authority's endpoint for result summaries (HTTP POST); empty = off.
    pub transmission_endpoint: String,
    /// How often the outbox is tried.
    pub transmission_interval_ms: u64,
    /// A CJK font (TTF/OTF/TTC) for PDF reports; empty = search the usual system paths.
    pub report_font: String,
    /// PEM certificate chain (leaf first); with `tls_key`, the server speaks HTTPS.
    pub tls_cert: String,
    /// PEM private key of `tls_cert`.
    pub tls_key: String,
    /// Serve plain HTTP on a non-loopback address (e.g. behind a TLS-terminating proxy).
    pub allow_plain_http: bool,
    /// Bearer token that lets non-loopback callers scrape `/metrics`; empty = loopback only.
    pub metrics_token: Secret,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".parse().expect("valid literal"),
            data_dir: PathBuf::from("exam-data"),
            database_url: Secret::default(),
            jwt_secret: Secret::default(),
            staff_token_minutes: 30,
            candidate_token_minutes: 120,
            sweeper_interval_ms: 1000,
            login_max_failures: 5,
            login_lock_seconds: 300,
            show_score_on_submit: true,
            archive_retention_years: 4,
            transmission_endpoint: String::new(),
            transmission_interval_ms: 5000,
            report_font: String::new(),
            tls_cert: String::new(),
            tls_key: String::new(),
            allow_plain_http: false,
            metrics_token: Secret::default(),
        }
    }
}

impl Settings {
    /// Defaults, overlaid with `file` (if given) and `CRANE_EXAM__*` environment variables.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
        let mut table = toml::Table::try_from(Settings::default()).context("serialize defaults")?;
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("read config {}", path.display()))?;
            let overlay: toml::Table = toml::from_str(&text)
                .with_context(|| format!("parse config {}", path.display()))?;
            table.extend(overlay);
        }
        for (key, value) in std::env::vars() {
            if let Some(name) = key.strip_prefix("CRANE_EXAM__") {
                let name = name.to_ascii_lowercase();
                let parsed = toml::from_str::<toml::Table>(&format!("v = {value}"))
                    .ok()
                    .and_then(|mut t| t.remove("v"))
                    .unwrap_or(toml::Value::String(value));
                table.insert(name, parsed);
            }
        }
        Settings::deserialize(table).context("invalid configuration")
    }

    /// Path of the SQLite database file.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("exam.db")
    }
}

/// A commented example configuration file.
pub const EXAMPLE: &str = r#"# CraneExam server configuration (exam-server --config FILE).
# Every key is optional; environment variables CRANE_EXAM__<KEY> override the file
# (e.g. CRANE_EXAM__LISTEN="0.0.0.0:8080"), and command-line flags override both.

# Address and port to listen on.
listen = "127.0.0.1:8080"
# Where the SQLite database (exam.db) and the generated token key (jwt.key) live.
data_dir = "exam-data"
# PostgreSQL instead of SQLite: "postgres://user:password@host:5432/db". Every instance
# behind one reverse proxy points at the same database and sets the same jwt_secret.
# Empty: SQLite (data_dir/exam.db), one instance.
database_url = ""
# Token signing key. Leave empty to generate one into data_dir/jwt.key (one instance);
# instances sharing a PostgreSQL database must all set the same key here.
jwt_secret = ""
# Staff tokens expire after this many minutes.
staff_token_minutes = 30
# Candidate tokens expire after this many minutes (terminals sign in again).
candidate_token_minutes = 120
# How often papers past their deadline are auto-submitted (milliseconds).
sweeper_interval_ms = 1000
# Failed sign-ins allowed per account before it is locked for login_lock_seconds.
login_max_failures = 5
login_lock_seconds = 300
# Show candidates their score when they submit (sessions may override with show_score).
show_score_on_submit = true
# Sealed archive records are kept this many years (the certificate's validity) before
# an admin may purge them (POST /api/v1/archives/purge; the purge is logged).
archive_retention_years = 4
# Where to POST each sealed result summary (JSON, header X-CraneExam-Signature:
# Ed25519 over the body). Empty: no delivery; certification bodies pull instead.
transmission_endpoint = ""
# How often undelivered summaries are retried (milliseconds; failures back off).
transmission_interval_ms = 5000
# A CJK font for PDF reports (TTF, OTF or TTC). Empty: the first of Noto CJK,
# WenQuanYi or AR PL UMing found under /usr/share/fonts.
report_font = ""
# HTTPS: PEM certificate chain (leaf first) and its private key. With both set the
# server speaks only HTTPS; it logs the certificate's SHA-256 pin at start-up (what
# exam-client --pin-sha256 takes).
tls_cert = ""
tls_key = ""
# Without TLS the server listens only on a loopback address (127.0.0.1, ::1) and refuses
# to start otherwise, unless this is true (or --allow-plain-http is given), e.g. behind
# a TLS-terminating reverse proxy.
allow_plain_http = false
# GET /metrics (Prometheus text format) is served to loopback callers; others need
# "Authorization: Bearer <metrics_token>". Empty: loopback only.
metrics_token = ""
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_parses_to_defaults() {
        let example: Settings = toml::from_str(EXAMPLE).unwrap();
        let default = Settings::default();
        assert_eq!(example.listen, default.listen);
        assert_eq!(example.staff_token_minutes, default.staff_token_minutes);
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Settings {
            jwt_secret: Secret("hunter2".into()),
            metrics_token: Secret("scrape-me".into()),
            ..Settings::default()
        };
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!format!("{s:?}").contains("scrape-me"));
    }
}
