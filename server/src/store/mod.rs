//! All SQL. One module per aggregate; handlers and services never write SQL.
//!
//! SQLite runs in WAL mode with `synchronous=FULL`, so a committed transaction survives
//! power loss. Writes go through a single-connection pool (SQLite has one writer anyway,
//! and this avoids busy-retry storms); reads use a separate pool.

pub mod archive;
pub mod audit;
pub mod banks;
pub mod candidate_search;
pub mod exams;
pub mod invigilation;
pub mod outbox;
pub mod practical;
pub mod sessions;
pub mod throttle;
pub mod users;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// Handle to the database.
#[derive(Clone, Debug)]
pub struct Store {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl Store {
    /// Open (creating if needed) the SQLite database at `path` and run migrations.
    pub async fn open_sqlite(path: &Path) -> anyhow::Result<Store> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .with_context(|| format!("open database {}", path.display()))?;
        sqlx::migrate!("migrations/sqlite")
            .run(&writer)
            .await
            .context("run migrations")?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Store { writer, reader })
    }

    /// Close both pools, flushing the WAL.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// Whether an error is a UNIQUE constraint violation mentioning `column`.
pub(crate) fn is_unique_violation(e: &sqlx::Error, column: &str) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation() && db.message().contains(column))
}
