//! Group commit for answer saves.
//!
//! A save is acknowledged only after its transaction is durable. With one writer and
//! `synchronous=FULL`, every commit waits for the disk, so one commit per save would cap
//! the save rate at the disk's flush rate. Instead one task, the committer, takes every
//! save waiting at that moment (up to [`MAX_BATCH`]), applies them in arrival order in one
//! transaction, commits once, and only then answers each caller. Saves that arrive during
//! a commit form the next batch. Nothing waits on a timer: a lone save pays one commit.
//!
//! When a batch fails, its saves are retried one transaction each, so each caller gets its
//! own outcome and one failing save cannot take its neighbours down with it; unless the
//! database cannot write at all (disk full, lock held elsewhere), when all of them fail.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use super::exams::{apply_save, SaveOutcome, SaveRequest};

/// Most saves committed in one transaction.
pub const MAX_BATCH: usize = 512;

/// Saves that may wait for the committer before callers wait to enqueue.
const QUEUE: usize = 16_384;

struct Job {
    request: SaveRequest,
    reply: oneshot::Sender<sqlx::Result<SaveOutcome>>,
}

/// Handle to the committer task; cheap to clone.
#[derive(Clone, Debug)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
    stats: Arc<Stats>,
}

/// Counts since start, for `/metrics`.
#[derive(Debug, Default)]
struct Stats {
    commits: AtomicU64,
    saves: AtomicU64,
}

/// Transactions committed and saves they carried, since the server started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitStats {
    /// Save transactions committed.
    pub commits: u64,
    /// Saves committed in them.
    pub saves: u64,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.request.fmt(f)
    }
}

impl GroupCommit {
    /// Start the committer on the current runtime. It stops when every handle is dropped.
    pub fn spawn(writer: SqlitePool) -> GroupCommit {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let stats = Arc::new(Stats::default());
        tokio::spawn(run(writer, queue, stats.clone()));
        GroupCommit { jobs, stats }
    }

    /// Commits and saves so far.
    pub fn stats(&self) -> CommitStats {
        CommitStats {
            commits: self.stats.commits.load(Ordering::Relaxed),
            saves: self.stats.saves.load(Ordering::Relaxed),
        }
    }

    /// Apply one save; returns once it is durable (or failed).
    pub async fn save(&self, request: SaveRequest) -> sqlx::Result<SaveOutcome> {
        let (reply, outcome) = oneshot::channel();
        self.jobs
            .send(Job { request, reply })
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        outcome.await.map_err(|_| sqlx::Error::PoolClosed)?
    }
}

async fn run(writer: SqlitePool, mut queue: mpsc::Receiver<Job>, stats: Arc<Stats>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match apply(&writer, &stats, &batch).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            // The database cannot write at all (disk full, locked elsewhere): every save
            // in the batch gets that error; retrying them one by one would only wait again.
            Err(e) if batch.len() == 1 || super::is_unavailable(&e) => {
                let text = e.to_string();
                let mut first = Some(e);
                for job in batch.drain(..) {
                    let e = first
                        .take()
                        .unwrap_or_else(|| sqlx::Error::Io(std::io::Error::other(text.clone())));
                    let _ = job.reply.send(Err(e));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, saves = batch.len(), "group commit failed; retrying its saves one by one");
                for job in batch.drain(..) {
                    let outcome = apply(&writer, &stats, std::slice::from_ref(&job))
                        .await
                        .map(|mut one| one.remove(0));
                    let _ = job.reply.send(outcome);
                }
            }
        }
    }
}

/// Apply `jobs` in order in one transaction and commit it.
async fn apply(writer: &SqlitePool, stats: &Stats, jobs: &[Job]) -> sqlx::Result<Vec<SaveOutcome>> {
    let mut tx = super::write_tx(writer).await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        outcomes.push(apply_save(&mut tx, &job.request).await?);
    }
    tx.commit().await?;
    stats.commits.fetch_add(1, Ordering::Relaxed);
    stats.saves.fetch_add(jobs.len() as u64, Ordering::Relaxed);
    Ok(outcomes)
}
