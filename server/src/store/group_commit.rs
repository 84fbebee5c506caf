//! Group commit for answer saves, paper starts and submissions.
//!
//! A save is acknowledged only after its transaction is durable. With one writer and
//! `synchronous=FULL`, every commit waits for the disk, so one commit per save would cap
//! the save rate at the disk's flush rate. Instead one task, the committer, takes every
//! save waiting at that moment (up to [`MAX_BATCH`]), applies them in arrival order in one
//! transaction, commits once, and only then answers each caller. Saves that arrive during
//! a commit form the next batch. A lone save pays one commit at once; only a batch large
//! enough to show load waits a moment ([`GATHER`]) for the saves already on their way.
//!
//! When a batch fails, its saves are retried one transaction each, so each caller gets its
//! own outcome and one failing save cannot take its neighbours down with it; unless the
//! database cannot write at all (disk full, lock held elsewhere), when all of them fail.
//!
//! Starts and submissions ride along for the same reason: a room starts at one instant,
//! and every candidate submits within the last minutes; each on a commit of its own
//! would keep the one writer from the saves.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::exams::{SaveOps, SaveOutcome, SaveRequest, StartRequest, Submission, SubmitRequest};
use super::{with_db, Db};

/// Most saves committed in one transaction.
pub const MAX_BATCH: usize = 512;

/// A batch of at least this many requests means the server is under load: the committer
/// then waits [`GATHER`] for more before it begins the transaction.
const GATHER_FROM: usize = 8;

/// How long a batch under load waits for more requests. Every commit costs the same
/// fixed work whatever it carries (begin, commit, flush, the committer and the database
/// thread waking each other): under the 10,000-terminal benchmark, waiting 2 ms doubled
/// the saves per commit and cut the server's CPU per save by a fifth.
const GATHER: std::time::Duration = std::time::Duration::from_millis(2);

/// Saves that may wait for the committer before callers wait to enqueue.
const QUEUE: usize = 16_384;

struct Job {
    request: Request,
    reply: oneshot::Sender<sqlx::Result<Outcome>>,
}

/// A write the committer batches.
#[derive(Debug)]
enum Request {
    /// An answer save.
    Save(SaveRequest),
    /// A candidate opening a pending paper (the synchronized start of a room).
    Start(StartRequest),
    /// A started paper to mark and close.
    Submit(SubmitRequest),
}

/// What one [`Request`] came to.
#[derive(Debug)]
enum Outcome {
    Save(SaveOutcome),
    Start,
    /// The submission, or why this paper could not be marked.
    Submit(anyhow::Result<Submission>),
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
    pub(crate) fn spawn(db: Db) -> GroupCommit {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let stats = Arc::new(Stats::default());
        tokio::spawn(run(db, queue, stats.clone()));
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
        match self.enqueue(Request::Save(request)).await? {
            Outcome::Save(outcome) => Ok(outcome),
            other => unreachable!("a save is answered with a save outcome, not {other:?}"),
        }
    }

    /// Start a pending paper (no-op if it is not pending); returns once durable.
    pub async fn start(&self, request: StartRequest) -> sqlx::Result<()> {
        self.enqueue(Request::Start(request)).await.map(drop)
    }

    /// Mark and close a started paper; returns once durable.
    pub async fn submit(&self, request: SubmitRequest) -> anyhow::Result<Submission> {
        match self.enqueue(Request::Submit(request)).await? {
            Outcome::Submit(submission) => submission,
            other => unreachable!("a submission is answered with a submission, not {other:?}"),
        }
    }

    async fn enqueue(&self, request: Request) -> sqlx::Result<Outcome> {
        let (reply, outcome) = oneshot::channel();
        self.jobs
            .send(Job { request, reply })
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        outcome.await.map_err(|_| sqlx::Error::PoolClosed)?
    }
}

async fn run(db: Db, mut queue: mpsc::Receiver<Job>, stats: Arc<Stats>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        if batch.len() >= GATHER_FROM {
            // Under load: let the saves on their way join this commit.
            tokio::time::sleep(GATHER).await;
            while batch.len() < MAX_BATCH {
                let Ok(job) = queue.try_recv() else { break };
                batch.push(job);
            }
        }
        match apply(&db, &stats, &batch).await {
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
                    let outcome = apply(&db, &stats, std::slice::from_ref(&job))
                        .await
                        .map(|mut one| one.remove(0));
                    let _ = job.reply.send(outcome);
                }
            }
        }
    }
}

/// Apply `jobs` in one transaction and commit it: the starts first (a save cannot be
/// waiting on a start in the same batch: its terminal saves only after its start was
/// answered), then the saves in order, then the submissions. The requests of one batch
/// were all in flight together, so any order among them is one they could have arrived
/// in; this one marks every save acknowledged in the batch with its paper.
async fn apply(db: &Db, stats: &Stats, jobs: &[Job]) -> sqlx::Result<Vec<Outcome>> {
    let (mut starts, mut saves, mut submits) = (Vec::new(), Vec::new(), Vec::new());
    for job in jobs {
        match &job.request {
            Request::Start(s) => starts.push(s),
            Request::Save(s) => saves.push(s),
            Request::Submit(s) => submits.push(s),
        }
    }
    let (saved, submitted) = with_db!(db, p => {
        let mut tx = p.write_tx().await?;
        if !starts.is_empty() {
            Sql::apply_starts(&mut tx, &starts).await?;
        }
        let saved = if saves.is_empty() {
            Vec::new()
        } else {
            Sql::apply_saves(&mut tx, &saves).await?
        };
        let submitted = if submits.is_empty() {
            Vec::new()
        } else {
            Sql::apply_submits(&mut tx, &submits).await?
        };
        tx.commit().await?;
        (saved, submitted)
    });
    stats.commits.fetch_add(1, Ordering::Relaxed);
    stats.saves.fetch_add(saves.len() as u64, Ordering::Relaxed);
    let (mut saved, mut submitted) = (saved.into_iter(), submitted.into_iter());
    Ok(jobs
        .iter()
        .map(|j| match j.request {
            Request::Save(_) => Outcome::Save(saved.next().expect("one outcome per save")),
            Request::Start(_) => Outcome::Start,
            Request::Submit(_) => {
                Outcome::Submit(submitted.next().expect("one outcome per submission"))
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection, Executor};

    use sqlx::SqlitePool;

    use super::*;
    use crate::clock::Millis;
    use crate::store::exams::Marked;
    use crate::store::{sqlite_options, Pools, Store};

    /// A database with one started paper (id 1, deadline at 1,000,000) held by `T1`, and
    /// one pending paper (id 2).
    async fn one_started_paper() -> (tempfile::TempDir, SqlitePool) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("exam.db");
        Store::open_sqlite(&path).await.unwrap().close().await;
        let mut conn = sqlx::SqliteConnection::connect_with(&sqlite_options(&path).unwrap())
            .await
            .unwrap();
        conn.execute(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO papers (id, candidate_id, session_id, paper_json, question_count, status,
               deadline_at, terminal_id)
             VALUES (1, 1, 1, '{}', 100, 'started', 1000000, 'T1');
             INSERT INTO papers (id, candidate_id, session_id, paper_json, question_count, status,
               deadline_at)
             VALUES (2, 2, 1, '{}', 100, 'pending', 1000000);",
        )
        .await
        .unwrap();
        conn.close().await.unwrap();
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(sqlite_options(&path).unwrap())
            .await
            .unwrap();
        (dir, pool)
    }

    /// A committer writing to `pool`.
    fn committer(pool: &SqlitePool) -> GroupCommit {
        GroupCommit::spawn(Db::Sqlite(Pools {
            writer: pool.clone(),
            reader: pool.clone(),
            checkpointer: None,
        }))
    }

    fn save(no: i64, answer: Option<&str>, seq: i64, terminal: &str, now: Millis) -> SaveRequest {
        SaveRequest {
            paper_id: 1,
            no,
            answer: answer.map(str::to_owned),
            seq,
            terminal: terminal.to_owned(),
            now,
        }
    }

    fn saved(outcome: &SaveOutcome) -> (bool, Option<&str>, i64) {
        match outcome {
            SaveOutcome::Saved {
                applied,
                answer,
                seq,
                ..
            } => (*applied, answer.as_deref(), *seq),
            other => panic!("not saved: {other:?}"),
        }
    }

    /// The batch of [`one_batch_gives_each_save_what_saving_them_one_by_one_would`] and
    /// what it must give, on `$pool` (either database) in transaction `$tx`.
    macro_rules! check_one_batch {
        ($pool:expr, $tx:expr, $db:ty) => {{
            let pool = $pool;
            let batch = [
                save(1, Some("A"), 4, "T1", 10),
                save(1, Some("B"), 5, "T1", 11),
                save(1, Some("B"), 5, "T1", 12), // replay
                save(1, Some("C"), 3, "T1", 13), // stale
                save(2, Some("T"), 1, "T1", 14),
                save(2, None, 2, "T1", 15),             // cleared
                save(3, Some("A"), 1, "T2", 16),        // another terminal
                save(4, Some("A"), 1, "T1", 1_000_000), // at the deadline
            ];
            let requests: Vec<&SaveRequest> = batch.iter().collect();
            let mut tx = $tx;
            let outcomes = <$db>::apply_saves(&mut tx, &requests).await.unwrap();
            tx.commit().await.unwrap();

            assert_eq!(saved(&outcomes[0]), (true, Some("A"), 4));
            assert_eq!(saved(&outcomes[1]), (true, Some("B"), 5));
            assert_eq!(saved(&outcomes[2]), (false, Some("B"), 5));
            assert_eq!(saved(&outcomes[3]), (false, Some("B"), 5));
            assert_eq!(saved(&outcomes[4]), (true, Some("T"), 1));
            assert_eq!(saved(&outcomes[5]), (true, None, 2));
            assert_eq!(outcomes[6], SaveOutcome::TakenOver);
            assert_eq!(outcomes[7], SaveOutcome::DeadlinePassed);

            let rows: Vec<(i64, Option<String>, i64)> =
                sqlx::query_as("SELECT question_no, answer, seq FROM answers ORDER BY question_no")
                    .fetch_all(pool)
                    .await
                    .unwrap();
            assert_eq!(rows, vec![(1, Some("B".into()), 5), (2, None, 2)]);
            let events: Vec<(i64, Option<String>, i64)> =
                sqlx::query_as("SELECT question_no, answer, seq FROM answer_events ORDER BY id")
                    .fetch_all(pool)
                    .await
                    .unwrap();
            assert_eq!(
                events,
                vec![
                    (1, Some("A".into()), 4),
                    (1, Some("B".into()), 5),
                    (2, Some("T".into()), 1),
                    (2, None, 2)
                ],
                "one event per change, in order"
            );
        }};
    }

    #[tokio::test]
    async fn one_batch_gives_each_save_what_saving_them_one_by_one_would() {
        let (_dir, pool) = one_started_paper().await;
        let tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        check_one_batch!(&pool, tx, sqlx::Sqlite);
    }

    /// The same batch on PostgreSQL, where one statement may not change a row twice
    /// (runs when `CRANE_EXAM_TEST_POSTGRES` is set).
    #[tokio::test]
    async fn one_batch_on_postgres_gives_what_saving_one_by_one_would() {
        let Some(admin) = e2e_tests::pg::postgres_admin_url() else {
            eprintln!("SKIPPED: set CRANE_EXAM_TEST_POSTGRES to run the PostgreSQL batch test");
            return;
        };
        let db = e2e_tests::pg::TestDatabase::create(&admin).await;
        Store::open_postgres(&db.url).await.unwrap().close().await;
        let mut seed = sqlx::PgConnection::connect(&db.url).await.unwrap();
        // Foreign keys off for this connection only: one paper without its candidate.
        seed.execute(
            "SET session_replication_role = replica;
             INSERT INTO papers (id, candidate_id, session_id, paper_json, question_count, status,
               deadline_at, terminal_id)
             VALUES (1, 1, 1, '{}', 100, 'started', 1000000, 'T1');",
        )
        .await
        .unwrap();
        seed.close().await.unwrap();
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        let tx = pool.begin().await.unwrap();
        check_one_batch!(&pool, tx, sqlx::Postgres);
        pool.close().await;
    }

    #[tokio::test]
    async fn starts_share_the_commit_with_saves_and_the_first_terminal_gets_the_paper() {
        let (_dir, pool) = one_started_paper().await;
        let commit = committer(&pool);
        let start = |terminal: &str| StartRequest {
            paper_id: 2,
            terminal: crate::store::exams::Terminal {
                id: terminal.to_owned(),
                seat: Some(terminal.to_owned()),
            },
            now: 50,
        };
        let (a, b, saved) = tokio::join!(
            commit.start(start("T2")),
            commit.start(start("T3")),
            commit.save(save(1, Some("A"), 1, "T1", 10))
        );
        a.unwrap();
        b.unwrap();
        assert!(matches!(
            saved.unwrap(),
            SaveOutcome::Saved { applied: true, .. }
        ));
        let paper: (String, Option<String>, Option<i64>) =
            sqlx::query_as("SELECT status, terminal_id, started_at FROM papers WHERE id = 2")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(paper, ("started".into(), Some("T2".into()), Some(50)));
        let stats = commit.stats();
        assert_eq!(stats.saves, 1);
        assert!(stats.commits <= 2, "{stats:?}");
    }

    #[tokio::test]
    async fn concurrent_saves_share_a_commit() {
        let (_dir, pool) = one_started_paper().await;
        let commit = committer(&pool);
        let saves = (1..=100).map(|no| commit.save(save(no, Some("A"), 1, "T1", 10)));
        let outcomes = futures_util::future::join_all(saves).await;
        assert!(outcomes
            .iter()
            .all(|o| matches!(o, Ok(SaveOutcome::Saved { applied: true, .. }))));
        let stats = commit.stats();
        assert_eq!(stats.saves, 100);
        assert!(stats.commits < 10, "{stats:?}");
    }

    /// A submission of paper 1 by `terminal` whose marker gives one point per stored
    /// answer, so a test can tell which saves it saw.
    fn submit(terminal: Option<&str>, now: Millis) -> SubmitRequest {
        SubmitRequest {
            paper_id: 1,
            by: terminal.map(str::to_owned),
            now,
            auto: terminal.is_none(),
            mark: Box::new(|rows| Ok(one_point_each(u32::try_from(rows.len())?))),
        }
    }

    /// What [`submit`]'s marker gives for `answered` stored answers.
    fn one_point_each(answered: u32) -> Marked {
        Marked {
            score_tenths: answered * 10,
            passed: answered >= 70,
            unanswered: 100 - answered,
        }
    }

    fn done(answered: u32) -> Submission {
        Submission::Done(one_point_each(answered))
    }

    #[tokio::test]
    async fn a_submission_marks_the_saves_before_it_in_its_batch_and_closes_the_paper() {
        let (_dir, pool) = one_started_paper().await;
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        let saves = [
            save(1, Some("A"), 1, "T1", 10),
            save(2, Some("T"), 1, "T1", 11),
        ];
        sqlx::Sqlite::apply_saves(&mut tx, &saves.iter().collect::<Vec<_>>())
            .await
            .unwrap();
        let taken = submit(Some("T2"), 12);
        let mut broken = submit(Some("T1"), 12);
        broken.mark = Box::new(|_| anyhow::bail!("no answer key"));
        let first = submit(Some("T1"), 13);
        let again = submit(Some("T1"), 14);
        let outcomes = sqlx::Sqlite::apply_submits(&mut tx, &[&taken, &broken, &first, &again])
            .await
            .unwrap();
        tx.commit().await.unwrap();

        assert_eq!(*outcomes[0].as_ref().unwrap(), Submission::TakenOver);
        assert!(
            outcomes[1].is_err(),
            "a marking failure is that submission's own"
        );
        assert_eq!(
            *outcomes[2].as_ref().unwrap(),
            done(2),
            "both saves are marked"
        );
        assert_eq!(
            *outcomes[3].as_ref().unwrap(),
            Submission::NotStarted,
            "the first submission closed it"
        );
        let stored: (String, Option<i64>, Option<i64>, bool) = sqlx::query_as(
            "SELECT status, submitted_at, score_tenths, auto_submitted FROM papers WHERE id = 1",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(stored, ("submitted".into(), Some(13), Some(20), false));

        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        let late = save(3, Some("A"), 1, "T1", 15);
        let outcome = sqlx::Sqlite::apply_saves(&mut tx, &[&late]).await.unwrap();
        assert_eq!(outcome, vec![SaveOutcome::Closed]);
    }

    #[tokio::test]
    async fn a_paused_or_pending_paper_is_not_submitted() {
        let (_dir, pool) = one_started_paper().await;
        sqlx::query("UPDATE papers SET paused_at = 5 WHERE id = 1")
            .execute(&pool)
            .await
            .unwrap();
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        let paused = submit(None, 10);
        let mut pending = submit(None, 10);
        pending.paper_id = 2;
        let outcomes = sqlx::Sqlite::apply_submits(&mut tx, &[&paused, &pending])
            .await
            .unwrap();
        assert_eq!(*outcomes[0].as_ref().unwrap(), Submission::Paused);
        assert_eq!(*outcomes[1].as_ref().unwrap(), Submission::NotStarted);
    }

    #[tokio::test]
    async fn an_acknowledged_save_is_in_the_score_of_a_submission_sent_with_it() {
        let (_dir, pool) = one_started_paper().await;
        let commit = committer(&pool);
        let saves = (1..=20).map(|no| commit.save(save(no, Some("A"), 1, "T1", 10)));
        let (saved, submitted) = tokio::join!(
            futures_util::future::join_all(saves),
            commit.submit(submit(Some("T1"), 11))
        );
        let acknowledged = saved
            .iter()
            .filter(|o| match o.as_ref().unwrap() {
                SaveOutcome::Saved { .. } => true,
                SaveOutcome::Closed => false,
                other => panic!("unexpected {other:?}"),
            })
            .count();
        assert_eq!(submitted.unwrap(), done(acknowledged as u32));
    }

    #[tokio::test]
    async fn a_marker_that_panics_fails_its_submission_and_the_committer_goes_on() {
        let (_dir, pool) = one_started_paper().await;
        let commit = committer(&pool);
        let mut request = submit(Some("T1"), 11);
        request.mark = Box::new(|_| panic!("marking bug"));
        assert!(commit.submit(request).await.is_err());
        assert!(matches!(
            commit.save(save(1, Some("A"), 1, "T1", 12)).await.unwrap(),
            SaveOutcome::Saved { applied: true, .. }
        ));
        assert_eq!(
            commit.submit(submit(Some("T1"), 13)).await.unwrap(),
            done(1)
        );
    }
}
