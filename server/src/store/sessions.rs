//! Exam sessions and the candidates registered in them (with their papers).

use question_bank::wire::{
    CandidateView, PaperStatus, SessionStatus, SessionView, TakeoverPolicy, TakeoverRequest,
};
use question_bank::{Exposure, Gender, Paper, QuestionId, Subject};
use sqlx::QueryBuilder;

use super::{is_unique_violation, Store};
use super::{per_db, with_db};
use crate::clock::{to_datetime, Millis};
use crate::error::ApiError;

/// A session row with its candidate count.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Subject code.
    pub subject: String,
    /// Scheduled start.
    pub starts_at: Millis,
    /// Length.
    pub duration_seconds: i64,
    /// Seats.
    pub seats: i64,
    /// Late entry window.
    pub late_entry_minutes: i64,
    /// `scheduled` or `open`.
    pub status: String,
    /// When opened.
    pub opened_at: Option<Millis>,
    /// Bank version.
    pub bank_version: String,
    /// Blueprint JSON.
    pub blueprint_json: String,
    /// Registered candidates.
    pub candidates: i64,
    /// Batch (批次).
    pub batch: String,
    /// `approval` or `automatic`.
    pub takeover_policy: String,
    /// Candidates see their score at submission.
    pub show_score: bool,
}

impl SessionRow {
    /// When late entry closes: `late_entry_minutes` after the session opened (`None`
    /// until it opens). After it, only a candidate an invigilator admitted may start.
    pub fn late_entry_ends(&self) -> Option<Millis> {
        self.opened_at
            .map(|opened| opened + self.late_entry_minutes * 60_000)
    }

    /// Parsed subject.
    pub fn subject(&self) -> anyhow::Result<Subject> {
        Ok(self.subject.parse()?)
    }

    /// API view.
    pub fn view(&self) -> anyhow::Result<SessionView> {
        Ok(SessionView {
            id: self.id,
            title: self.title.clone(),
            batch: self.batch.clone(),
            subject: self.subject.clone(),
            subject_name: self.subject()?.name_zh(),
            starts_at: to_datetime(self.starts_at),
            duration_seconds: u32::try_from(self.duration_seconds)?,
            seats: u16::try_from(self.seats)?,
            status: if self.status == "open" {
                SessionStatus::Open
            } else {
                SessionStatus::Scheduled
            },
            opened_at: self.opened_at.map(to_datetime),
            late_entry_minutes: u32::try_from(self.late_entry_minutes)?,
            bank_version: self.bank_version.clone(),
            candidates: u32::try_from(self.candidates)?,
            takeover_policy: self.takeover_policy(),
            show_score: self.show_score,
        })
    }

    /// Moving a started paper to another terminal.
    pub fn takeover_policy(&self) -> TakeoverPolicy {
        TakeoverPolicy::from_stored(&self.takeover_policy)
    }

    /// Deadline of a paper in this session, once it is open.
    pub fn deadline(&self) -> Option<Millis> {
        self.opened_at.map(|o| o + self.duration_seconds * 1000)
    }
}

/// A new session.
pub struct NewSession<'a> {
    /// Title.
    pub title: &'a str,
    /// Subject.
    pub subject: Subject,
    /// Scheduled start.
    pub starts_at: Millis,
    /// Length.
    pub duration_seconds: u32,
    /// Seats.
    pub seats: u16,
    /// Late entry window.
    pub late_entry_minutes: u32,
    /// Bank version papers are drawn from.
    pub bank_version: &'a str,
    /// Blueprint JSON.
    pub blueprint_json: &'a str,
    /// Moving a started paper to another terminal.
    pub takeover_policy: TakeoverPolicy,
    /// Candidates see their score at submission.
    pub show_score: bool,
    /// Batch (批次), may be empty.
    pub batch: &'a str,
    /// Creating user.
    pub created_by: i64,
    /// Now.
    pub now: Millis,
}

/// A candidate to register, with the paper already assembled.
pub struct NewCandidate<'a> {
    /// Session.
    pub session_id: i64,
    /// Name.
    pub name: &'a str,
    /// Validated ID number.
    pub id_number: &'a str,
    /// Gender.
    pub gender: Gender,
    /// Ticket.
    pub ticket: &'a str,
    /// Seat.
    pub seat: &'a str,
    /// Employer (工作单位), may be empty.
    pub employer: &'a str,
    /// Deadline if the session is already open.
    pub deadline: Option<Millis>,
    /// Now.
    pub now: Millis,
}

/// A candidate row joined with the paper state.
#[derive(Debug, sqlx::FromRow)]
pub struct CandidateRow {
    /// Id.
    pub id: i64,
    /// Session.
    pub session_id: i64,
    /// Name.
    pub name: String,
    /// ID number.
    pub id_number: String,
    /// Gender.
    pub gender: String,
    /// Ticket.
    pub ticket: String,
    /// Seat.
    pub seat: String,
    /// Paper status.
    pub paper_status: String,
    /// Seat label of the terminal holding the paper.
    pub terminal_seat: Option<String>,
    /// A terminal asks to take over: its seat label.
    pub takeover_seat: Option<String>,
    /// A terminal asks to take over: since when.
    pub takeover_requested_at: Option<Millis>,
    /// When the paper was submitted.
    pub submitted_at: Option<Millis>,
    /// The paper's deadline.
    pub deadline_at: Option<Millis>,
    /// The candidate passed the identity check at a terminal.
    pub signed_in: bool,
    /// Paused since.
    pub paused_at: Option<Millis>,
    /// Admitted late.
    pub late_admitted: bool,
    /// Ended for irregularity: why.
    pub terminated_reason: Option<String>,
    /// Questions answered.
    pub answered: i64,
    /// Last answer saved at.
    pub last_save_at: Option<Millis>,
    /// Terminal last noted polling at (saves show in `last_save_at`).
    pub last_seen_at: Option<Millis>,
}

/// Parse a stored paper status.
pub fn paper_status(s: &str) -> PaperStatus {
    match s {
        "started" => PaperStatus::Started,
        "submitted" => PaperStatus::Submitted,
        "absent" => PaperStatus::Absent,
        _ => PaperStatus::Pending,
    }
}

impl CandidateRow {
    /// API view (ID number masked).
    pub fn view(&self) -> CandidateView {
        CandidateView {
            id: self.id,
            session_id: self.session_id,
            name: self.name.clone(),
            id_number_masked: question_bank::id_number::masked(&self.id_number),
            gender: if self.gender == "female" {
                Gender::Female
            } else {
                Gender::Male
            },
            ticket: self.ticket.clone(),
            seat: self.seat.clone(),
            paper_status: paper_status(&self.paper_status),
            terminal_seat: self.terminal_seat.clone().filter(|s| !s.is_empty()),
            takeover_request: self.takeover_requested_at.map(|at| TakeoverRequest {
                terminal_seat: self.takeover_seat.clone().filter(|s| !s.is_empty()),
                requested_at: to_datetime(at),
            }),
            signed_in: self.signed_in,
            submitted_at: self.submitted_at.map(to_datetime),
            deadline_at: self.deadline_at.map(to_datetime),
            paused_at: self.paused_at.map(to_datetime),
            late_admitted: self.late_admitted,
            terminated_reason: self.terminated_reason.clone(),
            answered: u32::try_from(self.answered).unwrap_or(0),
            last_save_at: self.last_save_at.map(to_datetime),
            // Heard from: the last poll noted, or the last save, whichever is later.
            last_seen_at: self.last_seen_at.max(self.last_save_at).map(to_datetime),
        }
    }
}

const SESSION_COLUMNS: &str =
    "s.id, s.title, s.subject, s.starts_at, s.duration_seconds, s.seats, s.late_entry_minutes,
    s.status, s.opened_at, s.bank_version, s.blueprint_json, s.takeover_policy, s.show_score, s.batch,
    (SELECT COUNT(*) FROM candidates c WHERE c.session_id = s.id) AS candidates";

impl Store {
    /// Schedule a session.
    #[tracing::instrument(skip_all)]
    pub async fn create_session(&self, s: NewSession<'_>) -> sqlx::Result<i64> {
        with_db!(&self.db, p => {
            sqlx::query_scalar(
                "INSERT INTO exam_sessions (title, subject, starts_at, duration_seconds, seats, late_entry_minutes, status,
                   opened_at, bank_version, blueprint_json, takeover_policy, show_score, created_by, created_at, batch)
                 VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', NULL, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind(s.title)
            .bind(s.subject.code())
            .bind(s.starts_at)
            .bind(i64::from(s.duration_seconds))
            .bind(i64::from(s.seats))
            .bind(i64::from(s.late_entry_minutes))
            .bind(s.bank_version)
            .bind(s.blueprint_json)
            .bind(s.takeover_policy.as_str())
            .bind(s.show_score)
            .bind(s.created_by)
            .bind(s.now)
            .bind(s.batch)
            .fetch_one(&p.writer)
            .await
        })
    }

    /// One session.
    #[tracing::instrument(skip_all)]
    pub async fn session(&self, id: i64) -> sqlx::Result<Option<SessionRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(&format!(
                "SELECT {SESSION_COLUMNS} FROM exam_sessions s WHERE s.id = $1"
            ))
            .bind(id)
            .fetch_optional(&p.reader)
            .await
        })
    }

    /// Every session, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn list_sessions(&self) -> sqlx::Result<Vec<SessionRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(&format!(
                "SELECT {SESSION_COLUMNS} FROM exam_sessions s ORDER BY s.starts_at DESC, s.id DESC"
            ))
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Open a scheduled session: the clock starts now for every paper in it.
    /// Returns false if it was already open.
    #[tracing::instrument(skip_all)]
    pub async fn open_session(&self, id: i64, now: Millis) -> sqlx::Result<bool> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            let opened = sqlx::query("UPDATE exam_sessions SET status = 'open', opened_at = $1 WHERE id = $2 AND status = 'scheduled'")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if opened {
                sqlx::query(
                    "UPDATE papers SET deadline_at = $1 + (SELECT duration_seconds FROM exam_sessions WHERE id = $2) * 1000
                     WHERE session_id = $2 AND status IN ('pending', 'started')",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(opened)
        })
    }

    /// Register a candidate and store their paper in one transaction.
    #[tracing::instrument(skip_all, fields(session = c.session_id))]
    pub async fn register_candidate(
        &self,
        c: NewCandidate<'_>,
        assemble: impl FnOnce(SessionCounts) -> Result<Paper, ApiError>,
    ) -> Result<i64, ApiError> {
        with_db!(&self.db, p => {
            let conflict = |e: sqlx::Error| -> ApiError {
                if is_unique_violation(&e, "ticket") {
                    ApiError::conflict("ticket_taken", format!("准考证号 {} 已被使用", c.ticket))
                } else if is_unique_violation(&e, "seat") {
                    ApiError::conflict("seat_taken", format!("座位 {} 已有考生", c.seat))
                } else if is_unique_violation(&e, "id_number") {
                    ApiError::conflict("already_registered", "该考生已在本场考试中登记")
                } else {
                    e.into()
                }
            };
            let mut tx = p.write_tx().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO candidates (session_id, name, id_number, gender, ticket, seat, created_at, employer)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(c.session_id)
            .bind(c.name)
            .bind(c.id_number)
            .bind(if c.gender == Gender::Female {
                "female"
            } else {
                "male"
            })
            .bind(c.ticket)
            .bind(c.seat)
            .bind(c.now)
            .bind(c.employer)
            .fetch_one(&mut *tx)
            .await
            .map_err(conflict)?;
            // Assemble inside the write transaction: the exposure it sees is exactly the
            // papers stored before this one, which keeps every paper reproducible.
            let counts = Sql::session_counts(&mut tx, c.session_id).await?;
            let paper = assemble(counts)?;
            let paper_json = serde_json::to_string(&paper).map_err(anyhow::Error::from)?;
            sqlx::query(
                "INSERT INTO papers (candidate_id, session_id, paper_json, question_count, status, deadline_at)
                 VALUES ($1, $2, $3, $4, 'pending', $5)",
            )
            .bind(id)
            .bind(c.session_id)
            .bind(&paper_json)
            .bind(paper.questions.len() as i64)
            .bind(c.deadline)
            .execute(&mut *tx)
            .await?;
            let mut upsert = QueryBuilder::<Sql>::new(
                "INSERT INTO session_exposure (session_id, question_id, uses) ",
            );
            upsert.push_values(&paper.questions, |mut row, q| {
                row.push_bind(c.session_id)
                    .push_bind(&q.id.0)
                    .push_bind(1_i64);
            });
            upsert.push(" ON CONFLICT (session_id, question_id) DO UPDATE SET uses = session_exposure.uses + 1");
            upsert.build().execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// How often each question is on the session's papers so far.
    pub async fn exposure(&self, session_id: i64) -> sqlx::Result<SessionCounts> {
        with_db!(&self.db, p => {
            let mut conn = p.reader.acquire().await?;
            Sql::session_counts(&mut conn, session_id).await
        })
    }

    /// Candidates of a session, by seat.
    #[tracing::instrument(skip_all)]
    pub async fn list_candidates(&self, session_id: i64) -> sqlx::Result<Vec<CandidateRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT c.id, c.session_id, c.name, c.id_number, c.gender, c.ticket, c.seat, p.status AS paper_status,
                   p.terminal_seat, p.takeover_seat, p.takeover_requested_at, p.submitted_at, p.deadline_at,
                   EXISTS (SELECT 1 FROM audit_log a WHERE a.target = 'candidate:' || c.id
                             AND a.action = 'exam.signin') AS signed_in,
                   p.paused_at, p.late_admitted_at IS NOT NULL AS late_admitted, p.terminated_reason,
                   (SELECT COUNT(*) FROM answers a WHERE a.paper_id = p.id AND a.answer IS NOT NULL) AS answered,
                   (SELECT MAX(saved_at) FROM answers a WHERE a.paper_id = p.id) AS last_save_at,
                   p.last_seen_at
                 FROM candidates c JOIN papers p ON p.candidate_id = c.id
                 WHERE c.session_id = $1 ORDER BY length(c.seat), c.seat",
            )
            .bind(session_id)
            .fetch_all(&p.reader)
            .await
        })
    }
}

/// Per-question use counts of a session's papers, and the number of papers.
#[derive(Debug, Default)]
pub struct SessionCounts {
    /// `(question, papers it is on)` for every question used at least once.
    pub counts: Vec<(QuestionId, u32)>,
    /// Papers in the session.
    pub papers: u32,
}

impl SessionCounts {
    /// As exposure over `bank` (the session's bank version).
    pub fn exposure(self, bank: &question_bank::Bank) -> Exposure {
        Exposure::from_counts(bank, self.counts, self.papers)
    }
}

/// Reads shared by paper assembly (inside its transaction) and the exposure view.
trait ExposureSql: sqlx::Database {
    /// Per-question use counts of a session's papers, and the number of papers.
    async fn session_counts(
        conn: &mut Self::Connection,
        session_id: i64,
    ) -> sqlx::Result<SessionCounts>;
}

per_db! {
    impl ExposureSql for Sql {
        async fn session_counts(conn: &mut Self::Connection, session_id: i64) -> sqlx::Result<SessionCounts> {
            let counts: Vec<(String, i64)> =
                sqlx::query_as("SELECT question_id, uses FROM session_exposure WHERE session_id = $1")
                    .bind(session_id)
                    .fetch_all(&mut *conn)
                    .await?;
            let papers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM papers WHERE session_id = $1")
                .bind(session_id)
                .fetch_one(&mut *conn)
                .await?;
            Ok(SessionCounts {
                counts: counts
                    .into_iter()
                    .map(|(id, n)| (QuestionId(id), u32::try_from(n).unwrap_or(u32::MAX)))
                    .collect(),
                papers: u32::try_from(papers).unwrap_or(u32::MAX),
            })
        }
    }
}
