//! Which instance runs a background job. Several servers may share one PostgreSQL
//! database; the sweeper (auto-submit and sealing) and result delivery must each run on
//! one of them at a time. A job's lease is a PostgreSQL session-level advisory lock held
//! on a connection of its own: when the holder dies its connection closes, the lock is
//! released, and another instance takes the job over on its next tick. On SQLite there
//! is one server, and it always holds every lease.

use sqlx::postgres::PgConnection;
use sqlx::{Connection, PgPool};

use super::{Db, Store};

/// Background jobs that run on one instance at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Auto-submit, absences and sealing.
    Sweeper,
    /// Result delivery to the issuing authority.
    Delivery,
}

impl Job {
    /// Its advisory lock key.
    fn key(self) -> i64 {
        match self {
            Job::Sweeper => 0x6372_616e_6500_0001,
            Job::Delivery => 0x6372_616e_6500_0002,
        }
    }

    /// Its name in logs.
    pub fn name(self) -> &'static str {
        match self {
            Job::Sweeper => "sweeper",
            Job::Delivery => "delivery",
        }
    }
}

/// This instance's claim on one job.
#[derive(Debug)]
pub struct Lease {
    job: Job,
    /// PostgreSQL's pool; `None` on SQLite.
    pool: Option<PgPool>,
    conn: Option<PgConnection>,
    held: bool,
}

impl Store {
    /// A lease on `job`, not yet taken (see [`Lease::hold`]).
    pub fn lease(&self, job: Job) -> Lease {
        let pool = match &self.db {
            Db::Sqlite(_) => None,
            Db::Postgres(p) => Some(p.writer.clone()),
        };
        Lease {
            job,
            pool,
            conn: None,
            held: false,
        }
    }
}

impl Lease {
    /// Whether this instance runs the job now: takes the lease if it is free, and checks
    /// that a lease already held is still held (its connection alive).
    pub async fn hold(&mut self) -> bool {
        let Some(pool) = self.pool.clone() else {
            return true;
        };
        let was_held = self.held;
        self.held = match self.try_hold(pool).await {
            Ok(held) => held,
            Err(e) => {
                tracing::warn!(job = self.job.name(), error = %e, "lease check failed");
                // A broken connection released the lock; start again next tick.
                self.conn = None;
                false
            }
        };
        if self.held != was_held {
            tracing::info!(
                job = self.job.name(),
                held = self.held,
                "{}",
                if self.held {
                    "this instance now runs the job"
                } else {
                    "this instance no longer runs the job"
                }
            );
        }
        self.held
    }

    async fn try_hold(&mut self, pool: PgPool) -> sqlx::Result<bool> {
        let conn = match &mut self.conn {
            Some(c) => c,
            // A connection outside the pool: the lock lives exactly as long as it does.
            None => self.conn.insert(pool.acquire().await?.detach()),
        };
        if self.held {
            conn.ping().await?;
            return Ok(true);
        }
        sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(self.job.key())
            .fetch_one(&mut *conn)
            .await
    }
}
