//! The baseline of the load benchmark: how many single-row transactions per second the
//! database on this machine commits durably, with the server's own connection settings
//! (SQLite: WAL, `synchronous=FULL`; PostgreSQL: `synchronous_commit=on`). Also times
//! 256-row transactions, the gap group commit works in.
//!
//!     cargo run --release -p exam-server --example durable_insert -- /tmp/raw.db 5
//!     cargo run --release -p exam-server --example durable_insert -- postgres://postgres@127.0.0.1/bench 5
//!
//! Prints one JSON line.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sqlx::Connection;

/// Single-row commits, then 256-row commits, each for `budget`, on `conn` (a macro: the
/// same loops for either connection type). Yields (single-row rate, batched row rate).
macro_rules! measure {
    ($conn:expr, $budget:expr) => {{
        let conn = $conn;
        let mut single = 0i64;
        let started = Instant::now();
        while started.elapsed() < $budget {
            // A statement outside a transaction commits on its own.
            insert!(&mut *conn, single);
            single += 1;
        }
        let single_rate = single as f64 / started.elapsed().as_secs_f64();
        let mut batched = 0i64;
        let started = Instant::now();
        while started.elapsed() < $budget {
            let mut tx = conn.begin().await?;
            for _ in 0..256 {
                insert!(&mut *tx, single + batched);
                batched += 1;
            }
            tx.commit().await?;
        }
        (
            single_rate,
            batched as f64 / started.elapsed().as_secs_f64(),
        )
    }};
}

macro_rules! insert {
    ($conn:expr, $n:expr) => {{
        let n: i64 = $n;
        sqlx::query(
            "INSERT INTO bench_answers (paper_id, question_no, answer, seq, saved_at)
             VALUES ($1, $2, $3, 1, $4)",
        )
        .bind(n / 100)
        .bind(n % 100 + 1)
        .bind("ABD")
        .bind(n)
        .execute($conn)
        .await?;
    }};
}

const TABLE: &str = "CREATE TABLE bench_answers (paper_id BIGINT NOT NULL, question_no BIGINT NOT NULL,
    answer TEXT, seq BIGINT NOT NULL, saved_at BIGINT NOT NULL, PRIMARY KEY (paper_id, question_no))";

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let target = args
        .next()
        .unwrap_or_else(|| "durable-insert.db".to_owned());
    let seconds: f64 = args.next().map_or(Ok(5.0), |s| s.parse())?;
    let budget = Duration::from_secs_f64(seconds);
    let (backend, (single, batched)) = if target.starts_with("postgres://") {
        // The server's settings: every commit waits for the WAL flush.
        let options: sqlx::postgres::PgConnectOptions = target.parse()?;
        let mut conn =
            sqlx::PgConnection::connect_with(&options.options([("synchronous_commit", "on")]))
                .await?;
        sqlx::query("DROP TABLE IF EXISTS bench_answers")
            .execute(&mut conn)
            .await?;
        sqlx::query(TABLE).execute(&mut conn).await?;
        let rates = measure!(&mut conn, budget);
        sqlx::query("DROP TABLE bench_answers")
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        ("postgres", rates)
    } else {
        let path = PathBuf::from(target);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let mut conn =
            sqlx::SqliteConnection::connect_with(&exam_server::store::sqlite_options(&path)?)
                .await?;
        sqlx::query(TABLE).execute(&mut conn).await?;
        let rates = measure!(&mut conn, budget);
        conn.close().await?;
        ("sqlite", rates)
    };
    println!(
        "{}",
        serde_json::json!({
            "backend": backend,
            "single_row_commits_per_s": single.round(),
            "rows_per_s_in_256_row_commits": batched.round(),
        })
    );
    Ok(())
}
