//! A candidate's paper: opening it, saving answers, submitting, and the sweeper's queries.

use std::collections::HashMap;

use super::Store;
use super::{per_db, with_db};
use crate::clock::Millis;

/// What a candidate's terminal needs in one read.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExamRow {
    /// Candidate id.
    pub candidate_id: i64,
    /// Name.
    pub name: String,
    /// ID number (for login comparison only).
    pub id_number: String,
    /// Ticket.
    pub ticket: String,
    /// Seat.
    pub seat: String,
    /// Session id.
    pub session_id: i64,
    /// Paper id.
    pub paper_id: i64,
    /// Paper JSON.
    pub paper_json: String,
    /// Questions on the paper.
    pub question_count: i64,
    /// Paper status.
    pub status: String,
    /// Deadline.
    pub deadline_at: Option<Millis>,
    /// Submission time.
    pub submitted_at: Option<Millis>,
    /// Auto-submitted.
    pub auto_submitted: bool,
    /// Score, tenths.
    pub score_tenths: Option<i64>,
    /// Passed.
    pub passed: Option<bool>,
    /// Unanswered at submission.
    pub unanswered: Option<i64>,
    /// The terminal the started paper is open on (`None`: not claimed yet).
    pub terminal_id: Option<String>,
    /// Its seat label.
    pub terminal_seat: Option<String>,
    /// Paused by an invigilator since then.
    pub paused_at: Option<Millis>,
    /// Admitted after the late-entry window by an invigilator.
    pub late_admitted_at: Option<Millis>,
    /// Ended for irregularity: the reason.
    pub terminated_reason: Option<String>,
    /// When the terminal holding the paper last polled (see `Store::touch_paper`).
    pub last_seen_at: Option<Millis>,
}

impl ExamRow {
    /// Whether `terminal` may work on the started paper: it holds it, or nobody does.
    pub fn held_by(&self, terminal: &str) -> bool {
        self.terminal_id.as_deref().is_none_or(|t| t == terminal)
    }
}

/// The terminal a candidate signed in on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terminal {
    /// Its id, `""` for sign-ins that gave none.
    pub id: String,
    /// Its seat label, if it gave one.
    pub seat: Option<String>,
}

/// Outcome of a terminal asking for a started paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This terminal holds the paper (it already did, or nobody did).
    Held,
    /// This terminal took the paper over from another (automatic policy).
    TookOver {
        /// Seat label of the terminal that lost it.
        from_seat: Option<String>,
    },
    /// The request is recorded; an invigilator must approve it.
    Waiting {
        /// Seat label of the terminal holding the paper.
        holder_seat: Option<String>,
    },
}

/// Outcome of submitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submission {
    /// Marked and stored.
    Done(Marked),
    /// Not in the `started` state (already submitted, say).
    NotStarted,
    /// Another terminal holds the paper.
    TakenOver,
    /// An invigilator paused the paper.
    Paused,
}

/// A stored answer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnswerRow {
    /// Paper id.
    pub paper_id: i64,
    /// 1-based question number.
    pub question_no: i64,
    /// Bank-label answer, `None` when cleared.
    pub answer: Option<String>,
    /// Sequence number.
    pub seq: i64,
}

/// Outcome of a save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Stored (or already stored with this or a later seq); the current row.
    Saved {
        /// Whether this request changed anything.
        applied: bool,
        /// Current answer.
        answer: Option<String>,
        /// Current seq.
        seq: i64,
        /// Deadline.
        deadline: Millis,
    },
    /// The paper is not started (session not open or candidate not started).
    NotStarted,
    /// Already submitted or absent.
    Closed,
    /// Time is up.
    DeadlinePassed,
    /// Another terminal holds the paper now.
    TakenOver,
    /// An invigilator paused the paper.
    Paused,
}

/// Outcome of giving a candidate more time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extension {
    /// The deadline moved; the new one.
    Extended(Millis),
    /// Already submitted or absent.
    Closed,
    /// The deadline has already passed (the sweeper is about to close the paper).
    DeadlinePassed,
    /// No deadline yet (the session is not open).
    NotOpen,
}

/// What a save checks about its paper, read inside the save transaction.
#[derive(sqlx::FromRow)]
pub(super) struct SaveGate {
    id: i64,
    status: String,
    deadline_at: Option<Millis>,
    terminal_id: Option<String>,
    paused_at: Option<Millis>,
}

/// One answer to save.
#[derive(Debug, Clone)]
pub struct SaveRequest {
    /// Paper id.
    pub paper_id: i64,
    /// 1-based question number.
    pub no: i64,
    /// Bank-label answer, `None` to clear it.
    pub answer: Option<String>,
    /// The terminal's sequence number for this question.
    pub seq: i64,
    /// The terminal sending it.
    pub terminal: String,
    /// Server time of the request.
    pub now: Millis,
}

/// A candidate opening a pending paper on a terminal.
#[derive(Debug, Clone)]
pub struct StartRequest {
    /// Paper id.
    pub paper_id: i64,
    /// The terminal opening it.
    pub terminal: Terminal,
    /// Server time of the request.
    pub now: Millis,
}

/// Marks a paper from its stored answers. The store holds no answer key: the service
/// passes this in, and the group commit calls it inside the submitting transaction.
pub type Marker = Box<dyn Fn(&[AnswerRow]) -> anyhow::Result<Marked> + Send + Sync>;

/// A started paper to mark and close.
pub struct SubmitRequest {
    /// Paper id.
    pub paper_id: i64,
    /// The terminal submitting it; `None` for the sweeper, which may close any paper.
    pub by: Option<String>,
    /// Server time of the submission.
    pub now: Millis,
    /// Closed by the deadline rather than by the candidate.
    pub auto: bool,
    /// How to mark it.
    pub mark: Marker,
}

impl std::fmt::Debug for SubmitRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubmitRequest")
            .field("paper_id", &self.paper_id)
            .field("by", &self.by)
            .field("now", &self.now)
            .field("auto", &self.auto)
            .finish_non_exhaustive()
    }
}

/// The statements of a group commit that differ between the databases: a batch travels
/// as one JSON array parameter, unpacked by `json_each` (SQLite) or
/// `json_array_elements` (PostgreSQL).
pub(super) trait SaveSql: sqlx::Database {
    /// Gates of the papers whose ids are in the JSON array `$1`.
    const GATES: &'static str;
    /// Upsert the `[paper, question, answer, seq, now]` rows of `$1` (no two for the same
    /// question), keeping a stored row whose seq is not lower; returns the rows changed.
    const UPSERT: &'static str;
    /// The stored answers of the `[paper, question]` pairs of `$1`.
    const CURRENT: &'static str;
    /// Start the pending papers of the `[paper, now, terminal id, terminal seat]` rows of
    /// `$1` (one row per paper); the start is also the terminal's first sign of life.
    const START: &'static str;
    /// The stored answers of the papers whose ids are in the JSON array `$1`.
    const ANSWERS: &'static str;
}

impl SaveSql for sqlx::Sqlite {
    const GATES: &'static str = "SELECT id, status, deadline_at, terminal_id, paused_at FROM papers
         WHERE id IN (SELECT value FROM json_each($1))";
    const UPSERT: &'static str =
        "INSERT INTO answers (paper_id, question_no, answer, seq, saved_at)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4
         FROM json_each($1) WHERE true
         ON CONFLICT (paper_id, question_no) DO UPDATE SET answer = excluded.answer,
           seq = excluded.seq, saved_at = excluded.saved_at
         WHERE excluded.seq > answers.seq
         RETURNING paper_id, question_no, seq";
    const CURRENT: &'static str =
        "SELECT a.paper_id, a.question_no, a.answer, a.seq FROM json_each($1) j
         JOIN answers a ON a.paper_id = j.value ->> 0 AND a.question_no = j.value ->> 1";
    const START: &'static str = "UPDATE papers SET status = 'started', started_at = j.value ->> 1,
           last_seen_at = j.value ->> 1, terminal_id = j.value ->> 2, terminal_seat = j.value ->> 3
         FROM json_each($1) AS j
         WHERE papers.id = j.value ->> 0 AND papers.status = 'pending'";
    const ANSWERS: &'static str = "SELECT paper_id, question_no, answer, seq FROM answers
         WHERE paper_id IN (SELECT value FROM json_each($1)) ORDER BY paper_id, question_no";
}

impl SaveSql for sqlx::Postgres {
    // Papers are found by `id = ANY(ARRAY(...))`, never by joining the batch or by
    // `IN (SELECT ...)`: the planner takes the JSON function for 100 rows and would hash
    // it against a scan of every paper (3 ms a batch at 10,000 papers, growing).
    const GATES: &'static str = "SELECT id, status, deadline_at, terminal_id, paused_at FROM papers
         WHERE id = ANY(ARRAY(SELECT value::bigint FROM json_array_elements_text($1::json)))";
    const UPSERT: &'static str =
        "INSERT INTO answers (paper_id, question_no, answer, seq, saved_at)
         SELECT (value ->> 0)::bigint, (value ->> 1)::bigint, value ->> 2, (value ->> 3)::bigint,
           (value ->> 4)::bigint
         FROM json_array_elements($1::json) AS j(value)
         ON CONFLICT (paper_id, question_no) DO UPDATE SET answer = excluded.answer,
           seq = excluded.seq, saved_at = excluded.saved_at
         WHERE excluded.seq > answers.seq
         RETURNING paper_id, question_no, seq";
    const CURRENT: &'static str = "SELECT a.paper_id, a.question_no, a.answer, a.seq
         FROM json_array_elements($1::json) AS j(value)
         JOIN answers a ON a.paper_id = (j.value ->> 0)::bigint
           AND a.question_no = (j.value ->> 1)::bigint";
    const START: &'static str = "UPDATE papers SET status = 'started',
           started_at = (j.value ->> 1)::bigint, last_seen_at = (j.value ->> 1)::bigint,
           terminal_id = j.value ->> 2,
           terminal_seat = j.value ->> 3
         FROM json_array_elements($1::json) AS j(value)
         WHERE papers.id = (j.value ->> 0)::bigint AND papers.status = 'pending'
           AND papers.id = ANY(ARRAY(SELECT (value ->> 0)::bigint
             FROM json_array_elements($1::json)))";
    const ANSWERS: &'static str = "SELECT paper_id, question_no, answer, seq FROM answers
         WHERE paper_id = ANY(ARRAY(SELECT value::bigint FROM json_array_elements_text($1::json)))
         ORDER BY paper_id, question_no";
}

/// Applying a batch of saves (the group commit's transaction).
pub(super) trait SaveOps: SaveSql {
    /// The gates of the papers `ids`, by paper id, as the transaction sees them.
    async fn gates(
        conn: &mut Self::Connection,
        ids: impl Iterator<Item = i64>,
    ) -> sqlx::Result<HashMap<i64, SaveGate>>;

    /// Apply `requests` in order inside the caller's transaction, in a fixed number of
    /// statements whatever their number: their papers' gates (deadline, pause, terminal)
    /// as the transaction sees them, one multi-row upsert (more when a question is
    /// saved more than once in the batch), and one read of the rows whose save changed
    /// nothing. A `seq` not above the stored one changes nothing (idempotent replays); the
    /// answer events are written by a trigger.
    async fn apply_saves(
        conn: &mut Self::Connection,
        requests: &[&SaveRequest],
    ) -> sqlx::Result<Vec<SaveOutcome>>;

    /// Start the pending papers of `requests` in one statement; a paper asked for twice
    /// goes to the first terminal, as it would with one statement each.
    async fn apply_starts(
        conn: &mut Self::Connection,
        requests: &[&StartRequest],
    ) -> sqlx::Result<()>;

    /// Mark and close the papers of `requests` in order, each against its answers as the
    /// transaction sees them (the saves of the same batch included). A paper submitted
    /// twice is closed by the first; a paper that cannot be marked gets its own error and
    /// stays open, and the others go ahead.
    async fn apply_submits(
        conn: &mut Self::Connection,
        requests: &[&SubmitRequest],
    ) -> sqlx::Result<Vec<anyhow::Result<Submission>>>;
}

per_db! {
    impl SaveOps for Sql {
        async fn gates(
            conn: &mut Self::Connection,
            ids: impl Iterator<Item = i64>,
        ) -> sqlx::Result<HashMap<i64, SaveGate>> {
            Ok(sqlx::query_as::<_, SaveGate>(<Self as SaveSql>::GATES)
                .bind(json_ids(ids))
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|gate| (gate.id, gate))
                .collect())
        }

        async fn apply_saves(
            conn: &mut Self::Connection,
            requests: &[&SaveRequest],
        ) -> sqlx::Result<Vec<SaveOutcome>> {
            let gates = Self::gates(&mut *conn, requests.iter().map(|r| r.paper_id)).await?;
            let checked: Vec<Result<Millis, SaveOutcome>> =
                requests.iter().map(|r| check_gate(&gates, r)).collect();
            // One upsert per run of saves without a repeated question (PostgreSQL refuses to
            // change a row twice in one statement).
            let mut changed: Vec<(i64, i64, i64)> = Vec::new();
            for round in upsert_rounds(requests, &checked) {
                let rows: Vec<_> = round
                    .into_iter()
                    .map(|r| serde_json::json!([r.paper_id, r.no, r.answer, r.seq, r.now]))
                    .collect();
                changed.extend(
                    sqlx::query_as::<_, (i64, i64, i64)>(<Self as SaveSql>::UPSERT)
                        .bind(serde_json::Value::Array(rows).to_string())
                        .fetch_all(&mut *conn)
                        .await?,
                );
            }
            let applied = applied_saves(requests, &checked, changed);
            let stale: Vec<_> = requests
                .iter()
                .zip(&checked)
                .zip(&applied)
                .filter(|((_, c), applied)| c.is_ok() && !**applied)
                .map(|((r, _), _)| serde_json::json!([r.paper_id, r.no]))
                .collect();
            let current: HashMap<(i64, i64), (Option<String>, i64)> = if stale.is_empty() {
                HashMap::new()
            } else {
                sqlx::query_as::<_, (i64, i64, Option<String>, i64)>(<Self as SaveSql>::CURRENT)
                    .bind(serde_json::Value::Array(stale).to_string())
                    .fetch_all(&mut *conn)
                    .await?
                    .into_iter()
                    .map(|(paper, no, answer, seq)| ((paper, no), (answer, seq)))
                    .collect()
            };
            save_outcomes(requests, checked, applied, &current)
        }

        async fn apply_starts(
            conn: &mut Self::Connection,
            requests: &[&StartRequest],
        ) -> sqlx::Result<()> {
            let mut seen = std::collections::HashSet::new();
            let rows: Vec<_> = requests
                .iter()
                .filter(|r| seen.insert(r.paper_id))
                .map(|r| serde_json::json!([r.paper_id, r.now, r.terminal.id, r.terminal.seat]))
                .collect();
            sqlx::query(<Self as SaveSql>::START)
                .bind(serde_json::Value::Array(rows).to_string())
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        async fn apply_submits(
            conn: &mut Self::Connection,
            requests: &[&SubmitRequest],
        ) -> sqlx::Result<Vec<anyhow::Result<Submission>>> {
            let ids = || requests.iter().map(|r| r.paper_id);
            let mut gates = Self::gates(&mut *conn, ids()).await?;
            let mut answers: HashMap<i64, Vec<AnswerRow>> = HashMap::new();
            for row in sqlx::query_as::<_, AnswerRow>(<Self as SaveSql>::ANSWERS)
                .bind(json_ids(ids()))
                .fetch_all(&mut *conn)
                .await?
            {
                answers.entry(row.paper_id).or_default().push(row);
            }
            let mut outcomes = Vec::with_capacity(requests.len());
            for r in requests {
                let gate = gates.get_mut(&r.paper_id);
                if let Err(refused) = submit_gate(gate.as_deref(), r.by.as_deref()) {
                    outcomes.push(Ok(refused));
                    continue;
                }
                let rows = answers.get(&r.paper_id).map_or(&[][..], Vec::as_slice);
                let marked = match mark(r, rows) {
                    Ok(marked) => marked,
                    Err(e) => {
                        outcomes.push(Err(e));
                        continue;
                    }
                };
                sqlx::query(
                    "UPDATE papers SET status = 'submitted', submitted_at = $1, auto_submitted = $2,
                       score_tenths = $3, passed = $4, unanswered = $5
                     WHERE id = $6 AND status = 'started'",
                )
                .bind(r.now)
                .bind(r.auto)
                .bind(i64::from(marked.score_tenths))
                .bind(marked.passed)
                .bind(i64::from(marked.unanswered))
                .bind(r.paper_id)
                .execute(&mut *conn)
                .await?;
                if let Some(gate) = gate {
                    "submitted".clone_into(&mut gate.status);
                }
                outcomes.push(Ok(Submission::Done(marked)));
            }
            Ok(outcomes)
        }
    }
}

/// Paper ids as the JSON array the batch statements unpack.
fn json_ids(ids: impl Iterator<Item = i64>) -> String {
    serde_json::to_string(&ids.collect::<Vec<_>>()).expect("integers serialize")
}

/// Whether `by` may submit the paper behind `gate` (the sweeper, `by` none, may submit
/// any started paper that is not paused), or what refuses it.
fn submit_gate(gate: Option<&SaveGate>, by: Option<&str>) -> Result<(), Submission> {
    let Some(gate) = gate.filter(|g| g.status == "started") else {
        return Err(Submission::NotStarted);
    };
    if let (Some(holder), Some(by)) = (gate.terminal_id.as_deref(), by) {
        if holder != by {
            return Err(Submission::TakenOver);
        }
    }
    if gate.paused_at.is_some() {
        return Err(Submission::Paused);
    }
    Ok(())
}

/// Run the request's marker. It runs on the committer task, which every save in the
/// process waits on: a bug that panics in marking fails this submission, not the task.
fn mark(request: &SubmitRequest, rows: &[AnswerRow]) -> anyhow::Result<Marked> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (request.mark)(rows))).unwrap_or_else(
        |_| {
            Err(anyhow::anyhow!(
                "marking paper {} panicked",
                request.paper_id
            ))
        },
    )
}

/// Which requests changed a row: each changed (paper, question, seq) belongs to the first
/// request that carried it (a replay of the same seq changes nothing).
fn applied_saves(
    requests: &[&SaveRequest],
    checked: &[Result<Millis, SaveOutcome>],
    changed: Vec<(i64, i64, i64)>,
) -> Vec<bool> {
    let mut unclaimed: HashMap<(i64, i64, i64), usize> = HashMap::new();
    for key in changed {
        *unclaimed.entry(key).or_default() += 1;
    }
    requests
        .iter()
        .zip(checked)
        .map(|(r, c)| {
            c.is_ok()
                && unclaimed
                    .get_mut(&(r.paper_id, r.no, r.seq))
                    .is_some_and(|n| {
                        let claimed = *n > 0;
                        *n = n.saturating_sub(1);
                        claimed
                    })
        })
        .collect()
}

/// Each request's outcome: its gate's refusal, or the row it wrote, or (when it changed
/// nothing) the row as the batch left it, from `current`.
fn save_outcomes(
    requests: &[&SaveRequest],
    checked: Vec<Result<Millis, SaveOutcome>>,
    applied: Vec<bool>,
    current: &HashMap<(i64, i64), (Option<String>, i64)>,
) -> sqlx::Result<Vec<SaveOutcome>> {
    requests
        .iter()
        .zip(checked)
        .zip(applied)
        .map(|((r, checked), applied)| {
            let deadline = match checked {
                Ok(deadline) => deadline,
                Err(outcome) => return Ok(outcome),
            };
            let (answer, seq) = if applied {
                (r.answer.clone(), r.seq)
            } else {
                current
                    .get(&(r.paper_id, r.no))
                    .cloned()
                    .ok_or(sqlx::Error::RowNotFound)?
            };
            Ok(SaveOutcome::Saved {
                applied,
                answer,
                seq,
                deadline,
            })
        })
        .collect()
}

/// The accepted saves in order, cut into runs in which no question repeats: each run is
/// one upsert, so a later save of a question meets the earlier one exactly as if they had
/// come in separate statements, and the answer events keep the arrival order.
fn upsert_rounds<'r>(
    requests: &[&'r SaveRequest],
    checked: &[Result<Millis, SaveOutcome>],
) -> Vec<Vec<&'r SaveRequest>> {
    let mut rounds: Vec<Vec<&SaveRequest>> = Vec::new();
    let mut in_round: std::collections::HashSet<(i64, i64)> = std::collections::HashSet::new();
    for (r, c) in requests.iter().zip(checked) {
        if c.is_ok() {
            if rounds.is_empty() || !in_round.insert((r.paper_id, r.no)) {
                in_round.clear();
                in_round.insert((r.paper_id, r.no));
                rounds.push(Vec::new());
            }
            rounds.last_mut().expect("pushed above").push(r);
        }
    }
    rounds
}

/// The paper's deadline if the save may go ahead, or why not.
fn check_gate(gates: &HashMap<i64, SaveGate>, r: &SaveRequest) -> Result<Millis, SaveOutcome> {
    let Some(gate) = gates.get(&r.paper_id) else {
        return Err(SaveOutcome::NotStarted);
    };
    let deadline = match (gate.status.as_str(), gate.deadline_at) {
        ("started", _) if gate.terminal_id.as_deref().is_some_and(|h| h != r.terminal) => {
            return Err(SaveOutcome::TakenOver)
        }
        ("started", _) if gate.paused_at.is_some() => return Err(SaveOutcome::Paused),
        ("started", Some(deadline)) => deadline,
        ("submitted" | "absent", _) => return Err(SaveOutcome::Closed),
        _ => return Err(SaveOutcome::NotStarted),
    };
    if r.now >= deadline {
        return Err(SaveOutcome::DeadlinePassed);
    }
    Ok(deadline)
}

/// A marked paper, ready to store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marked {
    /// Score, tenths.
    pub score_tenths: u32,
    /// Passed.
    pub passed: bool,
    /// Unanswered questions.
    pub unanswered: u32,
}

const EXAM_COLUMNS: &str = "c.id AS candidate_id, c.name, c.id_number, c.ticket, c.seat, c.session_id,
    p.id AS paper_id, p.paper_json, p.question_count, p.status, p.deadline_at, p.submitted_at, p.auto_submitted,
    p.score_tenths, p.passed, p.unanswered, p.terminal_id, p.terminal_seat, p.paused_at, p.late_admitted_at,
    p.terminated_reason, p.last_seen_at";

impl Store {
    /// The exam of the candidate holding `ticket`.
    #[tracing::instrument(skip_all)]
    pub async fn exam_by_ticket(&self, ticket: &str) -> sqlx::Result<Option<ExamRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(&format!(
                "SELECT {EXAM_COLUMNS} FROM candidates c JOIN papers p ON p.candidate_id = c.id WHERE c.ticket = $1"
            ))
            .bind(ticket)
            .fetch_optional(&p.reader)
            .await
        })
    }

    /// The exam of a candidate.
    #[tracing::instrument(skip_all)]
    pub async fn exam(&self, candidate_id: i64) -> sqlx::Result<Option<ExamRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(&format!("SELECT {EXAM_COLUMNS} FROM candidates c JOIN papers p ON p.candidate_id = c.id WHERE c.id = $1"))
                .bind(candidate_id)
                .fetch_optional(&p.reader)
                .await
        })
    }

    /// Every exam of a session, by seat.
    #[tracing::instrument(skip_all)]
    pub async fn session_exams(&self, session_id: i64) -> sqlx::Result<Vec<ExamRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(&format!(
                "SELECT {EXAM_COLUMNS} FROM candidates c JOIN papers p ON p.candidate_id = c.id
                 WHERE c.session_id = $1 ORDER BY length(c.seat), c.seat"
            ))
            .bind(session_id)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Current answers of a paper.
    #[tracing::instrument(skip_all)]
    pub async fn answers(&self, paper_id: i64) -> sqlx::Result<Vec<AnswerRow>> {
        with_db!(&self.db, p => {
            Sql::answers_of(&p.reader, paper_id).await
        })
    }

    /// Current answers of every paper in a session.
    #[tracing::instrument(skip_all)]
    pub async fn session_answers(&self, session_id: i64) -> sqlx::Result<Vec<AnswerRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT a.paper_id, a.question_no, a.answer, a.seq FROM answers a JOIN papers p ON p.id = a.paper_id
                 WHERE p.session_id = $1 ORDER BY a.paper_id, a.question_no",
            )
            .bind(session_id)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Start a pending paper on `terminal` (the candidate opened it). No-op if already
    /// started.
    #[tracing::instrument(skip_all)]
    pub async fn start_paper(
        &self,
        paper_id: i64,
        terminal: &Terminal,
        now: Millis,
    ) -> sqlx::Result<()> {
        // Through the group commit: a room's synchronized start shares commits.
        self.saves
            .start(StartRequest {
                paper_id,
                terminal: terminal.clone(),
                now,
            })
            .await
    }

    /// `terminal` asks for a started paper: it keeps or gets it when it holds it or
    /// nobody does; otherwise it takes it over (`automatic`) or its request is recorded
    /// for an invigilator (`approve`). One transaction, so two terminals cannot both win.
    #[tracing::instrument(skip_all)]
    pub async fn claim_paper(
        &self,
        paper_id: i64,
        terminal: &Terminal,
        automatic: bool,
        now: Millis,
    ) -> sqlx::Result<Claim> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            let (holder, holder_seat): (Option<String>, Option<String>) =
                sqlx::query_as("SELECT terminal_id, terminal_seat FROM papers WHERE id = $1")
                    .bind(paper_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let mine = holder.as_deref().is_none_or(|h| h == terminal.id);
            let claim = if mine || automatic {
                sqlx::query(
                    "UPDATE papers SET terminal_id = $1, terminal_seat = $2, takeover_terminal = NULL,
                       takeover_seat = NULL, takeover_requested_at = NULL
                     WHERE id = $3",
                )
                .bind(&terminal.id)
                .bind(&terminal.seat)
                .bind(paper_id)
                .execute(&mut *tx)
                .await?;
                if mine {
                    Claim::Held
                } else {
                    Claim::TookOver {
                        from_seat: holder_seat,
                    }
                }
            } else {
                // Keep the first request time while the same terminal keeps asking.
                sqlx::query(
                    "UPDATE papers SET takeover_seat = $2,
                       takeover_requested_at = CASE WHEN takeover_terminal IS NOT DISTINCT FROM $1 THEN takeover_requested_at ELSE $3 END,
                       takeover_terminal = $1
                     WHERE id = $4",
                )
                .bind(&terminal.id)
                .bind(&terminal.seat)
                .bind(now)
                .bind(paper_id)
                .execute(&mut *tx)
                .await?;
                Claim::Waiting { holder_seat }
            };
            tx.commit().await?;
            Ok(claim)
        })
    }

    /// Hand a started paper to the terminal waiting for it. Returns the seat labels
    /// (from, to), or `None` when no terminal is waiting.
    #[tracing::instrument(skip_all)]
    pub async fn approve_takeover(
        &self,
        paper_id: i64,
    ) -> sqlx::Result<Option<(Option<String>, Option<String>)>> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            let from: Option<Option<String>> = sqlx::query_scalar(
                "SELECT terminal_seat FROM papers WHERE id = $1 AND status = 'started' AND takeover_terminal IS NOT NULL",
            )
            .bind(paper_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(from) = from else {
                return Ok(None);
            };
            let to: Option<String> = sqlx::query_scalar(
                "UPDATE papers SET terminal_id = takeover_terminal, terminal_seat = takeover_seat,
                   takeover_terminal = NULL, takeover_seat = NULL, takeover_requested_at = NULL
                 WHERE id = $1 RETURNING terminal_seat",
            )
            .bind(paper_id)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some((from, to)))
        })
    }

    /// Move a pending or started paper's deadline `add_ms` later, only while it has not
    /// passed at `now` (a paused paper's clock stands still, so it has not). Check and update in one write transaction, so the sweeper cannot
    /// close the paper in between.
    #[tracing::instrument(skip_all, fields(paper_id))]
    pub async fn extend_deadline(
        &self,
        paper_id: i64,
        add_ms: Millis,
        now: Millis,
    ) -> sqlx::Result<Extension> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            let updated = sqlx::query(
                "UPDATE papers SET deadline_at = deadline_at + $1
                 WHERE id = $2 AND status IN ('pending', 'started') AND (deadline_at > $3 OR paused_at IS NOT NULL)",
            )
            .bind(add_ms)
            .bind(paper_id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let (status, deadline): (String, Option<Millis>) =
                sqlx::query_as("SELECT status, deadline_at FROM papers WHERE id = $1")
                    .bind(paper_id)
                    .fetch_one(&mut *tx)
                    .await?;
            tx.commit().await?;
            Ok(match (updated, deadline) {
                (1, Some(deadline)) => Extension::Extended(deadline),
                _ if status == "submitted" || status == "absent" => Extension::Closed,
                (_, None) => Extension::NotOpen,
                (_, Some(_)) => Extension::DeadlinePassed,
            })
        })
    }

    /// Save one answer durably; returns once its commit is on disk. Concurrent saves
    /// share commits (see [`super::group_commit`]).
    #[tracing::instrument(skip_all, fields(paper_id = request.paper_id, no = request.no))]
    pub async fn save_answer(&self, request: SaveRequest) -> sqlx::Result<SaveOutcome> {
        self.saves.save(request).await
    }

    /// Mark and close a started paper, through the group commit: a room's submissions
    /// at the end of the exam share their commits with each other and with the saves.
    pub async fn submit_paper(&self, request: SubmitRequest) -> anyhow::Result<Submission> {
        self.saves.submit(request).await
    }

    /// Papers whose deadline has passed and that are still pending or started (and not
    /// paused: a paused paper's clock stands still).
    #[tracing::instrument(skip_all)]
    pub async fn expired_papers(
        &self,
        now: Millis,
        limit: i64,
    ) -> sqlx::Result<Vec<(i64, String)>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT id, status FROM papers
                 WHERE status IN ('pending', 'started') AND deadline_at <= $1 AND paused_at IS NULL
                 ORDER BY deadline_at LIMIT $2",
            )
            .bind(now)
            .bind(limit)
            .fetch_all(&p.writer)
            .await
        })
    }

    /// Record a never-started paper past its deadline as absent (fail).
    #[tracing::instrument(skip_all)]
    pub async fn mark_absent(&self, paper_id: i64) -> sqlx::Result<bool> {
        with_db!(&self.db, p => {
            Ok(sqlx::query("UPDATE papers SET status = 'absent', score_tenths = 0, passed = FALSE WHERE id = $1 AND status = 'pending'")
                .bind(paper_id)
                .execute(&p.writer)
                .await?
                .rows_affected()
                == 1)
        })
    }

    /// The exam a paper belongs to.
    #[tracing::instrument(skip_all)]
    pub async fn exam_by_paper(&self, paper_id: i64) -> sqlx::Result<Option<ExamRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(&format!("SELECT {EXAM_COLUMNS} FROM candidates c JOIN papers p ON p.candidate_id = c.id WHERE p.id = $1"))
                .bind(paper_id)
                .fetch_optional(&p.reader)
                .await
        })
    }
}

/// Reads shared by the answer view and marking.
trait AnswerSql: sqlx::Database {
    /// Current answers of a paper, through any executor (a pool, or a transaction).
    async fn answers_of<'e, E: sqlx::Executor<'e, Database = Self>>(
        executor: E,
        paper_id: i64,
    ) -> sqlx::Result<Vec<AnswerRow>>;
}

per_db! {
    impl AnswerSql for Sql {
        async fn answers_of<'e, E: sqlx::Executor<'e, Database = Self>>(
            executor: E,
            paper_id: i64,
        ) -> sqlx::Result<Vec<AnswerRow>> {
            sqlx::query_as(
                "SELECT paper_id, question_no, answer, seq FROM answers WHERE paper_id = $1
                 ORDER BY question_no",
            )
            .bind(paper_id)
            .fetch_all(executor)
            .await
        }
    }
}

impl Store {
    /// Papers started and not yet submitted: the `active_papers` gauge of `/metrics`.
    #[tracing::instrument(skip_all)]
    pub async fn active_paper_count(&self) -> sqlx::Result<i64> {
        with_db!(&self.db, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM papers WHERE status = 'started'")
                .fetch_one(&p.reader)
                .await
        })
    }
}
