//! The baseline of the load benchmark: how many single-row transactions per second the
//! database on this machine commits durably, with the server's own connection settings
//! (SQLite: WAL, `synchronous=FULL`). Also times 256-row transactions, the gap group
//! commit works in.
//!
//!     cargo run --release -p exam-server --example durable_insert -- /tmp/raw.db 5
//!
//! Prints one JSON line.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sqlx::Connection;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "durable-insert.db".to_owned()),
    );
    let seconds: f64 = args.next().map_or(Ok(5.0), |s| s.parse())?;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut conn =
        sqlx::SqliteConnection::connect_with(&exam_server::store::sqlite_options(&path)?).await?;
    sqlx::query(
        "CREATE TABLE answers (paper_id INTEGER NOT NULL, question_no INTEGER NOT NULL,
           answer TEXT, seq INTEGER NOT NULL, saved_at INTEGER NOT NULL,
           PRIMARY KEY (paper_id, question_no))",
    )
    .execute(&mut conn)
    .await?;
    let budget = Duration::from_secs_f64(seconds);

    let mut single = 0i64;
    let started = Instant::now();
    while started.elapsed() < budget {
        let mut tx = conn.begin().await?;
        insert(&mut tx, single).await?;
        tx.commit().await?;
        single += 1;
    }
    let single_rate = single as f64 / started.elapsed().as_secs_f64();

    let mut batched = 0i64;
    let started = Instant::now();
    while started.elapsed() < budget {
        let mut tx = conn.begin().await?;
        for _ in 0..256 {
            insert(&mut tx, single + batched).await?;
            batched += 1;
        }
        tx.commit().await?;
    }
    let batched_rate = batched as f64 / started.elapsed().as_secs_f64();
    conn.close().await?;
    println!(
        "{}",
        serde_json::json!({
            "backend": "sqlite",
            "single_row_commits_per_s": single_rate.round(),
            "rows_per_s_in_256_row_commits": batched_rate.round(),
        })
    );
    Ok(())
}

async fn insert(conn: &mut sqlx::SqliteConnection, n: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO answers (paper_id, question_no, answer, seq, saved_at) VALUES (?, ?, ?, 1, ?)",
    )
    .bind(n / 100)
    .bind(n % 100 + 1)
    .bind("ABD")
    .bind(n)
    .execute(conn)
    .await?;
    Ok(())
}
