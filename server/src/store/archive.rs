//! The sealed archive chain, its keys and purges, and the delivery outbox.

use question_bank::archive::{seal, ArchiveKey, RecordBody, SealedRecord, GENESIS};
use sqlx::Transaction;

use super::audit::AuditSql;
use super::Store;
use super::{per_db, with_db};
use crate::clock::Millis;

/// A theory candidate and their paper, as needed for sealing.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TheorySourceRow {
    /// Candidate id.
    pub candidate_id: i64,
    /// Name.
    pub name: String,
    /// ID number.
    pub id_number: String,
    /// Gender as registered.
    pub gender: String,
    /// Employer.
    pub employer: String,
    /// Ticket.
    pub ticket: String,
    /// Seat.
    pub seat: String,
    /// Paper id.
    pub paper_id: i64,
    /// Paper JSON.
    pub paper_json: String,
    /// `submitted` or `absent`.
    pub status: String,
    /// Deadline.
    pub deadline_at: Option<Millis>,
    /// Started.
    pub started_at: Option<Millis>,
    /// Submitted.
    pub submitted_at: Option<Millis>,
    /// Submitted by the sweeper.
    pub auto_submitted: bool,
    /// Score given, tenths.
    pub score_tenths: Option<i64>,
    /// Terminal holding the paper.
    pub terminal_id: Option<String>,
    /// Its seat.
    pub terminal_seat: Option<String>,
    /// Ended for irregularity at.
    pub terminated_at: Option<Millis>,
    /// Ended for irregularity: why.
    pub terminated_reason: Option<String>,
}

/// One applied answer change.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnswerEventRow {
    /// Paper.
    pub paper_id: i64,
    /// Question number.
    pub question_no: i64,
    /// Bank-label answer.
    pub answer: Option<String>,
    /// Terminal sequence number.
    pub seq: i64,
    /// Server receipt time.
    pub received_at: Millis,
}

/// An audit-log line.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    /// When.
    pub at: Millis,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what (`candidate:7`, ...).
    pub target: String,
    /// Details.
    pub detail: String,
}

/// A record ready to be sealed, with the columns copied out of it for filtering.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Session id.
    pub session_id: i64,
    /// Candidate id.
    pub candidate_id: i64,
    /// The body.
    pub body: RecordBody,
}

/// What sealing a batch also marks as done.
#[derive(Debug, Clone, Copy)]
pub enum SealMark {
    /// A theory session: every candidate sealed.
    TheorySession(i64),
    /// One practical candidate.
    PracticalCandidate(i64),
}

/// A stored record with its filter columns.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ArchiveRow {
    /// Chain position.
    pub seq: i64,
    /// Canonical content.
    pub content: String,
    /// SHA-256 hex.
    pub hash: String,
    /// Signature hex.
    pub signature: String,
}

impl From<ArchiveRow> for SealedRecord {
    fn from(r: ArchiveRow) -> SealedRecord {
        SealedRecord {
            seq: u64::try_from(r.seq).unwrap_or_default(),
            content: r.content,
            hash: r.hash,
            signature: r.signature,
        }
    }
}

/// Filters for reading the archive.
#[derive(Debug, Clone, Default)]
pub struct ArchiveFilter {
    /// Records after this seq.
    pub after: i64,
    /// First exam day (`YYYY-MM-DD`), inclusive.
    pub from: Option<String>,
    /// Last exam day, inclusive.
    pub to: Option<String>,
    /// Subject code, exact.
    pub subject: Option<String>,
    /// Batch, exact.
    pub batch: Option<String>,
    /// `theory` or `practical`.
    pub kind: Option<String>,
    /// Employer, exact.
    pub employer: Option<String>,
}

/// Filter predicate over `archive_records`, parameters $1..$7 bound by [`bind_filter!`].
const FILTER: &str =
    "seq > $1 AND ($2 IS NULL OR exam_date >= $2) AND ($3 IS NULL OR exam_date <= $3)
    AND ($4 IS NULL OR subject = $4) AND ($5 IS NULL OR batch = $5) AND ($6 IS NULL OR kind = $6)
    AND ($7 IS NULL OR employer = $7)";

/// Bind an [`ArchiveFilter`] to a query over [`FILTER`] (a macro: the query's type
/// depends on the database).
macro_rules! bind_filter {
    ($query:expr, $f:expr) => {{
        let f: &ArchiveFilter = $f;
        $query
            .bind(f.after)
            .bind(&f.from)
            .bind(&f.to)
            .bind(&f.subject)
            .bind(&f.batch)
            .bind(&f.kind)
            .bind(&f.employer)
    }};
}

/// Results of one subject and part over a filter.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatRow {
    /// Subject code.
    pub subject: String,
    /// `theory` or `practical`.
    pub kind: String,
    /// Records.
    pub records: i64,
    /// Absent (no score).
    pub absent: i64,
    /// Passed.
    pub passed: i64,
    /// Mean score of those present, tenths.
    pub mean_tenths: Option<f64>,
}

/// The columns of a record the result summary needs, without parsing its content.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SummarySource {
    /// Chain position.
    pub seq: i64,
    /// `theory` or `practical`.
    pub kind: String,
    /// Subject code.
    pub subject: String,
    /// Batch.
    pub batch: String,
    /// Exam day.
    pub exam_date: String,
    /// ID number.
    pub id_number: String,
    /// Name.
    pub name: String,
    /// 男 / 女.
    pub gender: String,
    /// Employer.
    pub employer: String,
    /// Score, tenths (`None`: absent).
    pub score_tenths: Option<i64>,
    /// Passed.
    pub passed: bool,
    /// Record hash.
    pub hash: String,
}

/// Where the remaining chain starts.
#[derive(Debug, Clone)]
pub struct ChainStart {
    /// First seq still stored should be this.
    pub first_seq: u64,
    /// Its `prev_hash`.
    pub prev_hash: String,
}

impl Store {
    /// Record a public key (idempotent).
    pub async fn register_archive_key(
        &self,
        key_id: &str,
        public_hex: &str,
        now: Millis,
    ) -> sqlx::Result<()> {
        with_db!(&self.db, p => {
            sqlx::query(
                "INSERT INTO archive_keys (key_id, public_key, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (key_id) DO NOTHING",
            )
            .bind(key_id)
            .bind(public_hex)
            .bind(now)
            .execute(&p.writer)
            .await?;
            Ok(())
        })
    }

    /// Every public key on record, hex.
    pub async fn archive_keys(&self) -> sqlx::Result<Vec<String>> {
        with_db!(&self.db, p => {
            sqlx::query_scalar("SELECT public_key FROM archive_keys ORDER BY created_at")
                .fetch_all(&p.reader)
                .await
        })
    }

    /// Opened sessions with no paper left to finish and no seal yet.
    pub async fn closed_unsealed_sessions(&self) -> sqlx::Result<Vec<i64>> {
        with_db!(&self.db, p => {
            sqlx::query_scalar(
                "SELECT s.id FROM exam_sessions s WHERE s.status = 'open' AND s.sealed_at IS NULL
                   AND NOT EXISTS (SELECT 1 FROM papers p WHERE p.session_id = s.id
                                     AND p.status IN ('pending', 'started'))
                 ORDER BY s.id",
            )
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Candidates and papers of a session, by seat.
    pub async fn theory_sources(&self, session_id: i64) -> sqlx::Result<Vec<TheorySourceRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT c.id AS candidate_id, c.name, c.id_number, c.gender, c.employer, c.ticket, c.seat,
                        p.id AS paper_id, p.paper_json, p.status, p.deadline_at, p.started_at,
                        p.submitted_at, p.auto_submitted, p.score_tenths, p.terminal_id, p.terminal_seat,
                        p.terminated_at, p.terminated_reason
                 FROM candidates c JOIN papers p ON p.candidate_id = c.id
                 WHERE c.session_id = $1 ORDER BY c.seat",
            )
            .bind(session_id)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Every applied answer change in a session, in arrival order.
    pub async fn session_answer_events(
        &self,
        session_id: i64,
    ) -> sqlx::Result<Vec<AnswerEventRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT paper_id, question_no, answer, seq, received_at FROM answer_events
                 WHERE session_id = $1 ORDER BY id",
            )
            .bind(session_id)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Audit entries whose target is one of a theory session's candidates.
    pub async fn session_candidate_audit(&self, session_id: i64) -> sqlx::Result<Vec<AuditRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT at, actor, action, target, detail FROM audit_log
                 WHERE target IN (SELECT 'candidate:' || id FROM candidates WHERE session_id = $1)
                 ORDER BY id",
            )
            .bind(session_id)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Audit entries with exactly this target.
    pub async fn audit_of(&self, target: &str) -> sqlx::Result<Vec<AuditRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT at, actor, action, target, detail FROM audit_log WHERE target = $1 ORDER BY id",
            )
            .bind(target)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Practical candidates with a final result and no seal yet.
    pub async fn practical_ready_to_seal(&self, limit: i64) -> sqlx::Result<Vec<i64>> {
        with_db!(&self.db, p => {
            sqlx::query_scalar(
                "SELECT id FROM practical_candidates
                 WHERE status IN ('absent', 'signed_off') AND sealed_at IS NULL ORDER BY id LIMIT $1",
            )
            .bind(limit)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Seal `records` onto the chain in one transaction, queue each for delivery when
    /// `outbox` gives a payload, and mark the source sealed. Returns the records.
    pub async fn append_to_chain(
        &self,
        key: &ArchiveKey,
        records: Vec<Pending>,
        mark: SealMark,
        outbox: impl Fn(&SealedRecord, &RecordBody) -> Option<String>,
        now: Millis,
    ) -> anyhow::Result<Vec<SealedRecord>> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            let (mut seq, mut prev) = Sql::chain_head(&mut tx).await?;
            let sealed_at = crate::clock::to_datetime(now);
            let mut sealed = Vec::with_capacity(records.len());
            for pending in records {
                seq += 1;
                let record = seal(key, seq, &prev, sealed_at, pending.body.clone())?;
                // The filter columns are copies of fields inside the sealed content.
                let (body, person) = (&pending.body, pending.body.person());
                let (score, passed) = body.outcome();
                sqlx::query(
                    "INSERT INTO archive_records (seq, kind, session_id, candidate_id, subject, batch,
                       exam_date, id_number, employer, score_tenths, passed, sealed_at, content, hash, signature,
                       name, gender)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                )
                .bind(i64::try_from(seq)?)
                .bind(body.kind())
                .bind(pending.session_id)
                .bind(pending.candidate_id)
                .bind(body.subject())
                .bind(&body.session().batch)
                .bind(body.session().exam_date.to_string())
                .bind(&person.id_number)
                .bind(&person.employer)
                .bind(score.map(i64::from))
                .bind(passed)
                .bind(now)
                .bind(&record.content)
                .bind(&record.hash)
                .bind(&record.signature)
                .bind(&person.name)
                .bind(&person.gender)
                .execute(&mut *tx)
                .await?;
                if let Some(payload) = outbox(&record, body) {
                    sqlx::query(
                        "INSERT INTO outbox (archive_seq, payload, created_at, next_attempt_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(i64::try_from(seq)?)
                    .bind(payload)
                    .bind(now)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                prev = record.hash.clone();
                sealed.push(record);
            }
            match mark {
                SealMark::TheorySession(id) => {
                    sqlx::query("UPDATE exam_sessions SET sealed_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                }
                SealMark::PracticalCandidate(id) => {
                    sqlx::query("UPDATE practical_candidates SET sealed_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                }
            };
            tx.commit().await?;
            Ok(sealed)
        })
    }

    /// Where the stored chain starts: after the last purge, or at genesis.
    pub async fn chain_start(&self) -> sqlx::Result<ChainStart> {
        with_db!(&self.db, p => {
            let purge: Option<(i64, String)> = sqlx::query_as(
                "SELECT through_seq, last_hash FROM archive_purges ORDER BY id DESC LIMIT 1",
            )
            .fetch_optional(&p.reader)
            .await?;
            Ok(match purge {
                Some((seq, hash)) => ChainStart {
                    first_seq: u64::try_from(seq).unwrap_or_default() + 1,
                    prev_hash: hash,
                },
                None => ChainStart {
                    first_seq: 1,
                    prev_hash: GENESIS.to_owned(),
                },
            })
        })
    }

    /// Up to `limit` records matching `filter`, in chain order.
    pub async fn archive_page(
        &self,
        filter: &ArchiveFilter,
        limit: i64,
    ) -> sqlx::Result<Vec<ArchiveRow>> {
        with_db!(&self.db, p => {
            let sql = format!(
                "SELECT seq, content, hash, signature FROM archive_records WHERE {FILTER} ORDER BY seq LIMIT $8"
            );
            bind_filter!(sqlx::query_as(&sql), filter)
                .bind(limit)
                .fetch_all(&p.reader)
                .await
        })
    }

    /// Records matching `filter`.
    pub async fn archive_count(&self, filter: &ArchiveFilter) -> sqlx::Result<i64> {
        with_db!(&self.db, p => {
            let sql = format!("SELECT COUNT(*) FROM archive_records WHERE {FILTER}");
            let (n,): (i64,) = bind_filter!(sqlx::query_as(&sql), filter)
                .fetch_one(&p.reader)
                .await?;
            Ok(n)
        })
    }

    /// Per subject and part: records, absent, passed and mean score.
    pub async fn archive_stats(&self, filter: &ArchiveFilter) -> sqlx::Result<Vec<StatRow>> {
        with_db!(&self.db, p => {
            let sql = format!(
                "SELECT subject, kind, COUNT(*) AS records, SUM(CASE WHEN score_tenths IS NULL THEN 1 ELSE 0 END) AS absent,
                        SUM(CASE WHEN passed THEN 1 ELSE 0 END) AS passed,
                        CAST(AVG(score_tenths) AS DOUBLE PRECISION) AS mean_tenths
                 FROM archive_records WHERE {FILTER} GROUP BY subject, kind ORDER BY subject, kind"
            );
            bind_filter!(sqlx::query_as(&sql), filter)
                .fetch_all(&p.reader)
                .await
        })
    }

    /// Summary columns of records matching `filter`, in chain order, a page at a time.
    pub async fn summary_sources(
        &self,
        filter: &ArchiveFilter,
        limit: i64,
    ) -> sqlx::Result<Vec<SummarySource>> {
        with_db!(&self.db, p => {
            let sql = format!(
                "SELECT seq, kind, subject, batch, exam_date, id_number, name, gender, employer,
                        score_tenths, passed, hash
                 FROM archive_records WHERE {FILTER} ORDER BY seq LIMIT $8"
            );
            bind_filter!(sqlx::query_as(&sql), filter)
                .bind(limit)
                .fetch_all(&p.reader)
                .await
        })
    }

    /// `(exam day, passed)` of every record matching `filter`, for trends.
    pub async fn archive_outcomes(
        &self,
        filter: &ArchiveFilter,
    ) -> sqlx::Result<Vec<(String, bool)>> {
        with_db!(&self.db, p => {
            let sql = format!("SELECT exam_date, passed FROM archive_records WHERE {FILTER}");
            bind_filter!(sqlx::query_as(&sql), filter)
                .fetch_all(&p.reader)
                .await
        })
    }

    /// The sealed theory records of one session, by seq.
    pub async fn session_records(
        &self,
        kind: &str,
        session_id: i64,
    ) -> sqlx::Result<Vec<ArchiveRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT seq, content, hash, signature FROM archive_records WHERE kind = $1 AND session_id = $2 ORDER BY seq",
            )
            .bind(kind)
            .bind(session_id)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// One record by hash.
    pub async fn archive_by_hash(&self, hash: &str) -> sqlx::Result<Option<ArchiveRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as("SELECT seq, content, hash, signature FROM archive_records WHERE hash = $1")
                .bind(hash)
                .fetch_optional(&p.reader)
                .await
        })
    }

    /// Records of one person, in chain order.
    pub async fn archive_of_person(&self, id_number: &str) -> sqlx::Result<Vec<ArchiveRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT seq, content, hash, signature FROM archive_records WHERE id_number = $1 ORDER BY seq",
            )
            .bind(id_number)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Remove the longest prefix of the chain whose exam days are all before `before`
    /// (`YYYY-MM-DD`), and log the purge. Returns the number of records removed.
    pub async fn purge_archive(
        &self,
        before: &str,
        by: &str,
        reason: &str,
        now: Millis,
    ) -> sqlx::Result<i64> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            // The first record that must stay bounds the prefix.
            let keep_from: Option<i64> =
                sqlx::query_scalar("SELECT MIN(seq) FROM archive_records WHERE exam_date >= $1")
                    .bind(before)
                    .fetch_one(&mut *tx)
                    .await?;
            let last: Option<(i64, String)> = sqlx::query_as(
                "SELECT seq, hash FROM archive_records WHERE seq < $1 ORDER BY seq DESC LIMIT 1",
            )
            .bind(keep_from.unwrap_or(i64::MAX))
            .fetch_optional(&mut *tx)
            .await?;
            let Some((through, last_hash)) = last else {
                return Ok(0);
            };
            sqlx::query("INSERT INTO archive_purge_permit (id) VALUES (1)")
                .execute(&mut *tx)
                .await?;
            let removed = sqlx::query("DELETE FROM archive_records WHERE seq <= $1")
                .bind(through)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query("DELETE FROM archive_purge_permit")
                .execute(&mut *tx)
                .await?;
            let removed = i64::try_from(removed).unwrap_or(i64::MAX);
            sqlx::query(
                "INSERT INTO archive_purges (through_seq, last_hash, records, before_date, purged_by, reason, purged_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(through)
            .bind(&last_hash)
            .bind(removed)
            .bind(before)
            .bind(by)
            .bind(reason)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Sql::insert_audit(
                &mut *tx,
                now,
                by,
                "archive.purge",
                "archive",
                &format!("{removed} records through #{through}, before {before}: {reason}"),
            )
            .await?;
            tx.commit().await?;
            Ok(removed)
        })
    }
}

/// Reads inside the sealing transaction.
trait ChainSql: sqlx::Database {
    /// The last seq and hash of the chain (after purges), inside a write transaction.
    async fn chain_head(tx: &mut Transaction<'_, Self>) -> sqlx::Result<(u64, String)>;
}

per_db! {
    impl ChainSql for Sql {
        async fn chain_head(tx: &mut Transaction<'_, Self>) -> sqlx::Result<(u64, String)> {
            let last: Option<(i64, String)> =
                sqlx::query_as("SELECT seq, hash FROM archive_records ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(&mut **tx)
                    .await?;
            let last = match last {
                Some(l) => Some(l),
                None => {
                    sqlx::query_as(
                        "SELECT through_seq, last_hash FROM archive_purges ORDER BY id DESC LIMIT 1",
                    )
                    .fetch_optional(&mut **tx)
                    .await?
                }
            };
            Ok(match last {
                Some((seq, hash)) => (u64::try_from(seq).unwrap_or_default(), hash),
                None => (0, GENESIS.to_owned()),
            })
        }
    }
}
