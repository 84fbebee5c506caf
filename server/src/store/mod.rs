//! All SQL. One module per aggregate; handlers and services never write SQL.
//!
//! Two databases run the same SQL (`$N` placeholders, portable syntax; the few statements
//! that differ are chosen per database): SQLite, embedded, for one server; PostgreSQL for
//! several servers sharing one database. Each store method is written once inside
//! [`with_db!`] and compiled for both.
//!
//! SQLite runs in WAL mode with `synchronous=FULL` and PostgreSQL with
//! `synchronous_commit=on`, so a committed transaction survives power loss.

pub mod archive;
pub mod audit;
pub mod banks;
pub mod candidate_search;
pub mod exams;
pub mod group_commit;
pub mod invigilation;
pub mod lease;
pub mod outbox;
pub mod practical;
pub mod sessions;
pub mod throttle;
pub mod users;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Postgres, Sqlite, Transaction};

/// Handle to the database.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    saves: group_commit::GroupCommit,
}

/// The database behind a [`Store`]: SQLite (one file, one server) or PostgreSQL (any
/// number of servers sharing it).
#[derive(Clone, Debug)]
pub(crate) enum Db {
    /// SQLite.
    Sqlite(Pools<Sqlite>),
    /// PostgreSQL.
    Postgres(Pools<Postgres>),
}

/// The connection pools of one database.
#[derive(Debug)]
pub(crate) struct Pools<DB: sqlx::Database> {
    /// For writes. SQLite: one connection (SQLite has one writer anyway, and this avoids
    /// busy-retry storms). PostgreSQL: the same pool as `reader`.
    pub writer: Pool<DB>,
    /// For reads.
    pub reader: Pool<DB>,
    /// SQLite only: the connection that checkpoints the WAL.
    checkpointer: Option<Pool<DB>>,
}

/// Run `$body` with `$p` bound to the store's [`Pools`] and the type `Sql` naming its
/// database: the body is written once and compiled for each database.
macro_rules! with_db {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite($p) => {
                #[allow(unused)]
                type Sql = sqlx::Sqlite;
                $body
            }
            $crate::store::Db::Postgres($p) => {
                #[allow(unused)]
                type Sql = sqlx::Postgres;
                $body
            }
        }
    };
}
pub(crate) use with_db;

/// Items compiled once per database with the type `Sql` naming it: implementations of
/// the store's per-database helper traits.
macro_rules! per_db {
    ($($item:item)*) => {
        const _: () = {
            #[allow(unused)]
            type Sql = sqlx::Sqlite;
            $($item)*
        };
        const _: () = {
            #[allow(unused)]
            type Sql = sqlx::Postgres;
            $($item)*
        };
    };
}
pub(crate) use per_db;

/// How often the background checkpoint copies committed pages from the WAL into the
/// database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Key of the PostgreSQL advisory lock every write transaction holds (see
/// [`Pools::write_tx`]).
pub const PG_WRITE_LOCK: i64 = 0x6372_616e_6565_7861; // "craneexa"

impl Store {
    /// Open the database the settings name: PostgreSQL when `database_url` is set,
    /// otherwise SQLite in the data directory.
    pub async fn open(settings: &crate::config::Settings) -> anyhow::Result<Store> {
        if settings.database_url.0.is_empty() {
            Store::open_sqlite(&settings.database_path()).await
        } else {
            Store::open_postgres(&settings.database_url.0).await
        }
    }

    /// [`Store::open`] for tools that read what a server wrote: a missing SQLite file is
    /// an error rather than a new empty database.
    pub async fn open_existing(settings: &crate::config::Settings) -> anyhow::Result<Store> {
        let path = settings.database_path();
        anyhow::ensure!(
            !settings.database_url.0.is_empty() || path.exists(),
            "没有数据库 no database at {}",
            path.display()
        );
        Store::open(settings).await
    }

    /// Open (creating if needed) the SQLite database at `path` and run migrations.
    /// Starts the answer-save committer and the checkpointer on the current runtime.
    pub async fn open_sqlite(path: &Path) -> anyhow::Result<Store> {
        let options = sqlite_options(path)?;
        // Commits never checkpoint: a checkpoint (copying pages into the database file
        // and syncing it) would hold up every save waiting on that commit. A separate
        // connection does it in the background instead.
        // A WAL that grew past 64 MB is cut back to that when it starts over.
        let writing = options
            .clone()
            .pragma("wal_autocheckpoint", "0")
            .pragma("journal_size_limit", "67108864");
        // An embedded connection cannot go stale: no ping before each use (a round trip
        // to the connection's thread).
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(writing.clone())
            .await
            .with_context(|| format!("open database {}", path.display()))?;
        sqlx::migrate!("migrations/sqlite")
            .run(&writer)
            .await
            .context("run migrations")?;
        // A reader drops its page cache whenever the writer has committed since its last
        // read (always, under load), so a big cache only costs time to clear. Nor does it
        // map the file: the file grows as checkpoints copy pages in, and every growth
        // made each reader unmap and map it again (TLB shootdowns on every core).
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(
                options
                    .read_only(true)
                    .pragma("cache_size", "-2048")
                    .pragma("mmap_size", "0"),
            )
            .await?;
        // The checkpointer waits at most [`CHECKPOINT_WAIT`] for the writer or a reader.
        let checkpointer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(writing.busy_timeout(CHECKPOINT_WAIT))
            .await?;
        tokio::spawn(checkpoint_loop(checkpointer.clone()));
        Ok(Store::with(Db::Sqlite(Pools {
            writer,
            reader,
            checkpointer: Some(checkpointer),
        })))
    }

    /// Connect to the PostgreSQL database at `url` (`postgres://user:pass@host/db`) and
    /// run migrations. Commits wait for the WAL flush (`synchronous_commit=on`).
    pub async fn open_postgres(url: &str) -> anyhow::Result<Store> {
        let options = PgConnectOptions::from_str(url)
            .context("invalid database_url")?
            .application_name("exam-server")
            // A lock held elsewhere is waited for as long as SQLite's busy timeout.
            .options([("synchronous_commit", "on"), ("lock_timeout", "10s")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .context("connect to PostgreSQL")?;
        // Instances starting together run migrations one at a time (sqlx takes an
        // advisory lock around them).
        sqlx::migrate!("migrations/postgres")
            .run(&pool)
            .await
            .context("run migrations")?;
        Ok(Store::with(Db::Postgres(Pools {
            writer: pool.clone(),
            reader: pool,
            checkpointer: None,
        })))
    }

    fn with(db: Db) -> Store {
        let saves = group_commit::GroupCommit::spawn(db.clone());
        Store { db, saves }
    }

    /// Which database this is: `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Answer-save transactions committed and the saves they carried.
    pub fn commit_stats(&self) -> group_commit::CommitStats {
        self.saves.stats()
    }

    /// Close the pools, checkpointing the WAL.
    pub async fn close(&self) {
        with_db!(&self.db, p => {
            if let Some(c) = &p.checkpointer {
                c.close().await;
            }
            p.reader.close().await;
            p.writer.close().await;
        })
    }
}

impl<DB: sqlx::Database> Clone for Pools<DB> {
    fn clone(&self) -> Self {
        Pools {
            writer: self.writer.clone(),
            reader: self.reader.clone(),
            checkpointer: self.checkpointer.clone(),
        }
    }
}

impl Pools<Sqlite> {
    /// A write transaction that holds SQLite's write lock from its first statement
    /// (`BEGIN IMMEDIATE`), so a lock held elsewhere is waited for (up to the busy
    /// timeout) up front instead of failing midway when a read turns into a write.
    pub(crate) async fn write_tx(&self) -> sqlx::Result<Transaction<'static, Sqlite>> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }
}

impl Pools<Postgres> {
    /// A write transaction holding one advisory lock shared by every instance: writes
    /// are serialized as they are on SQLite, so read-then-write transactions (sealing
    /// the archive chain, marking a paper against its answers) see no concurrent writer.
    /// Reads never take it.
    pub(crate) async fn write_tx(&self) -> sqlx::Result<Transaction<'static, Postgres>> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(PG_WRITE_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

/// How the server connects to SQLite: WAL, `synchronous=FULL` (a commit survives power
/// loss), foreign keys on, a 10 s wait for a lock held by another process, a 32 MB page
/// cache (2 MB for the readers), reads through a memory map, and statement journals in memory.
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

/// Checkpoint the WAL every [`CHECKPOINT_EVERY`] until the store closes: first `PASSIVE`
/// (never waits for readers or the writer), then, once the WAL holds
/// [`WAL_RESTART_FRAMES`] frames, `RESTART`.
///
/// A passive checkpoint alone never lets the WAL start over under a steady stream of
/// commits: SQLite rewinds the WAL only when a writer finds every frame copied, and some
/// commit always lands while the checkpoint copies. The WAL then grows without end (2.7 GB
/// after 70 s at 10,000 saves/s), and so does the cost of finding a page in it. `RESTART`
/// keeps the writer out while it copies what the passive pass left, only the last
/// moment's commits, so the next commit writes the WAL from its start again.
async fn checkpoint_loop(pool: Pool<Sqlite>) {
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = checkpoint(&pool).await {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}

/// WAL frames (pages) from which the checkpointer restarts the WAL: 16 MB of 4 KB pages.
const WAL_RESTART_FRAMES: i64 = 4096;

/// How long a `RESTART` checkpoint waits for the writer's transaction and for readers of
/// older snapshots. It keeps new writers out while it waits, so it must not wait long: a
/// report reading for seconds would hold up every save. If the wait runs out, the WAL
/// starts over at a later round.
const CHECKPOINT_WAIT: Duration = Duration::from_millis(100);

/// One round of [`checkpoint_loop`].
async fn checkpoint(pool: &Pool<Sqlite>) -> sqlx::Result<()> {
    // (busy, frames in the WAL, frames copied into the database)
    let (_, frames, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(pool)
        .await?;
    if frames >= WAL_RESTART_FRAMES {
        sqlx::query("PRAGMA wal_checkpoint(RESTART)")
            .execute(pool)
            .await?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    /// A new SQLite store in `dir` with an empty `filler` table, and its pools.
    async fn filler_store(dir: &tempfile::TempDir) -> Store {
        let store = Store::open_sqlite(&dir.path().join("exam.db"))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE filler (data BLOB)")
            .execute(&sqlite_pools(&store).writer)
            .await
            .unwrap();
        store
    }

    fn sqlite_pools(store: &Store) -> &Pools<Sqlite> {
        let Db::Sqlite(p) = &store.db else {
            unreachable!("a SQLite store")
        };
        p
    }

    /// `commits` commits of one 16,000-byte row each: four overflow pages and a leaf.
    async fn add_filler(writer: &Pool<Sqlite>, commits: usize) {
        for _ in 0..commits {
            sqlx::query("INSERT INTO filler (data) VALUES (zeroblob(16000))")
                .execute(writer)
                .await
                .unwrap();
        }
    }

    /// Commits of several pages each, without a pause, while the checkpointer runs: the
    /// WAL starts over instead of growing with every commit (with `PASSIVE` checkpoints
    /// alone it ends near 50 MB here).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_starts_over_under_a_steady_stream_of_commits() {
        let dir = tempfile::tempdir().unwrap();
        let store = filler_store(&dir).await;
        let p = sqlite_pools(&store);
        // 3,000 commits: 15,000 frames, 60 MB of WAL if it never started over.
        let writer = p.writer.clone();
        let writing = tokio::spawn(async move { add_filler(&writer, 3_000).await });
        let mut rounds = 0;
        while !writing.is_finished() {
            checkpoint(p.checkpointer.as_ref().unwrap()).await.unwrap();
            rounds += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        writing.await.unwrap();
        let wal = std::fs::metadata(dir.path().join("exam.db-wal"))
            .unwrap()
            .len();
        let page = 4096 + 24;
        assert!(
            rounds > 3,
            "the writer finished before the checkpointer ran"
        );
        assert!(
            wal < 2 * WAL_RESTART_FRAMES as u64 * page,
            "WAL of {} MB after {rounds} checkpoints",
            wal / 1_000_000
        );
        store.close().await;
    }

    /// A reader holding an old snapshot (a long report) keeps the WAL from starting
    /// over, but a `RESTART` checkpoint waiting for it must not keep the writer out for the
    /// 10 s lock timeout: it gives up after [`CHECKPOINT_WAIT`].
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_long_read_does_not_hold_up_writes_through_the_checkpointer() {
        let dir = tempfile::tempdir().unwrap();
        let store = filler_store(&dir).await;
        let p = sqlite_pools(&store);
        let mut report = p.reader.begin().await.unwrap();
        sqlx::query("SELECT count(*) FROM filler")
            .fetch_one(&mut *report)
            .await
            .unwrap();
        add_filler(&p.writer, 1_000).await;
        let started = std::time::Instant::now();
        checkpoint(p.checkpointer.as_ref().unwrap()).await.unwrap();
        let waited = started.elapsed();
        assert!(
            waited < Duration::from_secs(5),
            "checkpoint waited {waited:?}"
        );
        add_filler(&p.writer, 1).await;
        report.rollback().await.unwrap();
        store.close().await;
    }

    /// Migration 0010 gives the answer events recorded before it their session, and the
    /// events recorded after it get theirs from the trigger.
    #[tokio::test]
    async fn answer_events_are_found_by_session_across_the_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("exam.db");
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(sqlite_options(&path).unwrap().foreign_keys(false))
            .await
            .unwrap();
        let mut before = sqlx::migrate!("migrations/sqlite");
        before.migrations = Cow::Owned(
            before
                .migrations
                .iter()
                .filter(|m| m.version < 10)
                .cloned()
                .collect(),
        );
        before.run(&pool).await.unwrap();
        let answers = "INSERT INTO answers (paper_id, question_no, answer, seq, saved_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (paper_id, question_no) DO UPDATE SET answer = excluded.answer,
               seq = excluded.seq, saved_at = excluded.saved_at";
        sqlx::query(
            "INSERT INTO papers (id, candidate_id, session_id, paper_json, question_count, status)
             VALUES (1, 1, 7, '{}', 100, 'started'), (2, 2, 8, '{}', 100, 'started')",
        )
        .execute(&pool)
        .await
        .unwrap();
        for (paper, no, answer, seq) in [(1, 1, "A", 1), (2, 1, "B", 1), (1, 1, "C", 2)] {
            sqlx::query(answers)
                .bind(paper)
                .bind(no)
                .bind(answer)
                .bind(seq)
                .bind(seq * 10)
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;

        let store = Store::open_sqlite(&path).await.unwrap();
        sqlx::query(answers)
            .bind(1)
            .bind(2)
            .bind("D")
            .bind(1)
            .bind(40)
            .execute(&sqlite_pools(&store).writer)
            .await
            .unwrap();
        let found = |events: Vec<archive::AnswerEventRow>| -> Vec<(i64, i64, Option<String>)> {
            events
                .into_iter()
                .map(|e| (e.paper_id, e.question_no, e.answer))
                .collect()
        };
        let a = |s: &str| Some(s.to_owned());
        assert_eq!(
            found(store.session_answer_events(7).await.unwrap()),
            [(1, 1, a("A")), (1, 1, a("C")), (1, 2, a("D"))]
        );
        assert_eq!(
            found(store.session_answer_events(8).await.unwrap()),
            [(2, 1, a("B"))]
        );
        store.close().await;
    }
}
