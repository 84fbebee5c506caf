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
pub mod group_commit;
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
use sqlx::{Sqlite, SqlitePool};

/// Handle to the database.
#[derive(Clone, Debug)]
pub struct Store {
    writer: SqlitePool,
    reader: SqlitePool,
    checkpointer: SqlitePool,
    saves: group_commit::GroupCommit,
}

/// How often the background checkpoint copies committed pages from the WAL into the
/// database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

impl Store {
    /// Open (creating if needed) the SQLite database at `path` and run migrations.
    /// Starts the answer-save committer and the checkpointer on the current runtime.
    pub async fn open_sqlite(path: &Path) -> anyhow::Result<Store> {
        let options = sqlite_options(path)?;
        // Commits never checkpoint: a checkpoint (copying pages into the database file
        // and syncing it) would hold up every save waiting on that commit. A separate
        // connection does it in the background instead.
        let writing = options.clone().pragma("wal_autocheckpoint", "0");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(writing.clone())
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
        let checkpointer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(writing)
            .await?;
        tokio::spawn(checkpoint_loop(checkpointer.clone()));
        let saves = group_commit::GroupCommit::spawn(writer.clone());
        Ok(Store {
            writer,
            reader,
            checkpointer,
            saves,
        })
    }

    /// A write transaction that holds SQLite's write lock from its first statement
    /// (`BEGIN IMMEDIATE`), so a lock held elsewhere is waited for (up to the busy
    /// timeout) up front instead of failing midway when a read turns into a write.
    pub(crate) async fn write_tx(&self) -> sqlx::Result<sqlx::Transaction<'static, Sqlite>> {
        write_tx(&self.writer).await
    }

    /// Answer-save transactions committed and the saves they carried.
    pub fn commit_stats(&self) -> group_commit::CommitStats {
        self.saves.stats()
    }

    /// Close the pools, checkpointing the WAL.
    pub async fn close(&self) {
        self.checkpointer.close().await;
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// How the server connects to SQLite: WAL, `synchronous=FULL` (a commit survives power
/// loss), foreign keys on, a 10 s wait for a lock held by another process, a 32 MB page
/// cache, reads through a memory map, and statement journals in memory.
pub fn sqlite_options(path: &Path) -> anyhow::Result<SqliteConnectOptions> {
    Ok(
        SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-32768")
            .pragma("mmap_size", "268435456")
            .pragma("temp_store", "memory"),
    )
}

/// Checkpoint the WAL every [`CHECKPOINT_EVERY`] (`PASSIVE`: never waits for readers or
/// the writer) until the store closes.
async fn checkpoint_loop(pool: SqlitePool) {
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}

/// See [`Store::write_tx`].
pub(crate) async fn write_tx(
    writer: &SqlitePool,
) -> sqlx::Result<sqlx::Transaction<'static, Sqlite>> {
    writer.begin_with("BEGIN IMMEDIATE").await
}

/// Whether the database could not take a write for a reason outside the request: disk
/// full, a lock held too long, a read-only or failing disk, no free connection.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            // SQLite primary result codes (the low byte of extended codes): BUSY 5,
            // LOCKED 6, READONLY 8, IOERR 10, FULL 13, CANTOPEN 14. PostgreSQL SQLSTATE
            // classes: 53 insufficient resources, 57 operator intervention, 58 system
            // error, and 55P03 lock not available.
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                code.parse::<i32>()
                    .is_ok_and(|n| matches!(n & 0xff, 5 | 6 | 8 | 10 | 13 | 14))
            } else {
                ["53", "57", "58"].iter().any(|c| code.starts_with(c)) || code == "55P03"
            }
        }
        _ => false,
    }
}

/// Whether an error is a UNIQUE constraint violation mentioning `column`.
pub(crate) fn is_unique_violation(e: &sqlx::Error, column: &str) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation() && db.message().contains(column))
}
