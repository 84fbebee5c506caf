//! The practical exam: institution profile, terminals, assessors, sheet templates,
//! practical sessions, their candidates and the assessors' sheets. Domain objects are
//! stored as JSON; signed sheets are protected by triggers (see migration 0006).

use question_bank::wire::Role;

use super::users::UserSql;
use super::{is_unique_violation, Store};
use super::{per_db, with_db};
use crate::clock::Millis;
use crate::error::ApiError;

/// An assessor with their account name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssessorRow {
    /// Assessor id.
    pub id: i64,
    /// Their sign-in account.
    pub user_id: i64,
    /// Account name.
    pub username: String,
    /// `AssessorProfile` JSON.
    pub profile_json: String,
}

/// A registered exam terminal.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TerminalRow {
    /// Id.
    pub id: i64,
    /// Label (seat or machine name).
    pub label: String,
    /// Where it stands.
    pub location: String,
    /// In service.
    pub active: bool,
    /// When registered.
    pub registered_at: Millis,
}

/// A practical session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PracticalSessionRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Subject code.
    pub subject: String,
    /// Scheduled start.
    pub starts_at: Millis,
    /// Sheet template.
    pub template_id: String,
    /// Its version.
    pub template_version: i64,
    /// `Apparatus` JSON.
    pub apparatus_json: String,
    /// `CombinationRule` JSON.
    pub rule_json: String,
    /// Sheets needed per candidate.
    pub assessors_required: i64,
    /// The chief examiner (an assessor id).
    pub chief_assessor_id: i64,
    /// Batch (批次).
    pub batch: String,
}

/// A new practical session.
pub struct NewPracticalSession<'a> {
    /// Title.
    pub title: &'a str,
    /// Subject code.
    pub subject: &'a str,
    /// Scheduled start.
    pub starts_at: Millis,
    /// Sheet template id and version.
    pub template: (&'a str, u32),
    /// `Apparatus` JSON.
    pub apparatus_json: &'a str,
    /// `CombinationRule` JSON.
    pub rule_json: &'a str,
    /// Assessors who record sheets.
    pub assessors: &'a [i64],
    /// The chief examiner.
    pub chief: i64,
    /// Creating user.
    pub created_by: i64,
    /// Now.
    pub now: Millis,
    /// Batch (批次), may be empty.
    pub batch: &'a str,
}

/// A candidate of a practical session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PracticalCandidateRow {
    /// Id.
    pub id: i64,
    /// Session.
    pub session_id: i64,
    /// Name.
    pub name: String,
    /// ID number.
    pub id_number: String,
    /// `pending`, `absent` or `signed_off`.
    pub status: String,
    /// Combined score, tenths, once signed off.
    pub score_tenths: Option<i64>,
    /// Passed, once signed off.
    pub passed: Option<bool>,
    /// `PracticalResultView` JSON, once signed off.
    pub combination_json: Option<String>,
    /// When the chief signed off.
    pub signed_off_at: Option<Millis>,
    /// Who signed off (an assessor id).
    pub signed_off_by: Option<i64>,
    /// Employer.
    pub employer: String,
}

/// One version of an assessor's sheet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SheetRow {
    /// Id.
    pub id: i64,
    /// Candidate.
    pub candidate_id: i64,
    /// Assessor.
    pub assessor_id: i64,
    /// Version, from 1.
    pub version: i64,
    /// `SheetRecord` JSON.
    pub record_json: String,
    /// Its total, tenths.
    pub score_tenths: i64,
    /// `draft`, `signed` or `superseded`.
    pub status: String,
    /// When signed.
    pub signed_at: Option<Millis>,
    /// Why this version corrects an earlier one.
    pub correction_reason: Option<String>,
    /// Last change.
    pub updated_at: Millis,
}

/// Why a sheet could not be written or signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetRefusal {
    /// The latest version is signed; a change needs a correction with a reason.
    Signed,
    /// There is no draft to sign.
    NoDraft,
    /// The candidate's result is signed off.
    SignedOff,
}

/// The chief examiner's sign-off of a candidate's practical result.
pub struct SignOff<'a> {
    /// The chief (assessor id).
    pub chief: i64,
    /// Every assessor recorded the candidate absent.
    pub absent: bool,
    /// Combined score, tenths.
    pub score_tenths: u32,
    /// Passed.
    pub passed: bool,
    /// `PracticalResultView` JSON.
    pub combination_json: &'a str,
}

/// A finished part of a subject, from either exam, for retake rules.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PartRow {
    /// Subject code.
    pub subject: String,
    /// When the exam took place.
    pub at: Millis,
    /// `submitted`/`absent` (theory) or `signed_off`/`absent` (practical).
    pub status: String,
    /// Score, tenths.
    pub score_tenths: Option<i64>,
    /// Passed.
    pub passed: Option<bool>,
}

const SESSION_COLUMNS: &str =
    "id, title, subject, starts_at, template_id, template_version, apparatus_json,
    rule_json, assessors_required, chief_assessor_id, batch";
const CANDIDATE_COLUMNS: &str =
    "id, session_id, name, id_number, status, score_tenths, passed, combination_json, signed_off_at,
    signed_off_by, employer";
const SHEET_COLUMNS: &str =
    "id, candidate_id, assessor_id, version, record_json, score_tenths, status,
    signed_at, correction_reason, updated_at";

impl Store {
    /// The institution profile JSON, if set.
    pub async fn institution_profile(&self) -> sqlx::Result<Option<String>> {
        with_db!(&self.db, p => {
            sqlx::query_scalar("SELECT profile_json FROM institution WHERE id = 1")
                .fetch_optional(&p.reader)
                .await
        })
    }

    /// Replace the institution profile.
    pub async fn set_institution_profile(&self, json: &str, now: Millis) -> sqlx::Result<()> {
        with_db!(&self.db, p => {
            sqlx::query(
                "INSERT INTO institution (id, profile_json, updated_at) VALUES (1, $1, $2)
                 ON CONFLICT (id) DO UPDATE SET profile_json = $1, updated_at = $2",
            )
            .bind(json)
            .bind(now)
            .execute(&p.writer)
            .await?;
            Ok(())
        })
    }

    /// Register a terminal; a taken label is a conflict.
    pub async fn add_terminal(
        &self,
        label: &str,
        location: &str,
        now: Millis,
    ) -> Result<TerminalRow, ApiError> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "INSERT INTO terminals (label, location, registered_at) VALUES ($1, $2, $3)
                 RETURNING id, label, location, active, registered_at",
            )
            .bind(label)
            .bind(location)
            .bind(now)
            .fetch_one(&p.writer)
            .await
            .map_err(|e| {
                if is_unique_violation(&e, "label") {
                    ApiError::conflict("terminal_exists", format!("终端 {label} 已登记"))
                } else {
                    e.into()
                }
            })
        })
    }

    /// Registered terminals, by label.
    pub async fn terminals(&self) -> sqlx::Result<Vec<TerminalRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT id, label, location, active, registered_at FROM terminals ORDER BY length(label), label",
            )
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Candidates (distinct ID numbers) examined, theory or practical, since `since`.
    pub async fn people_examined_since(&self, since: Millis) -> sqlx::Result<i64> {
        with_db!(&self.db, p => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM (
                   SELECT c.id_number FROM candidates c JOIN exam_sessions s ON s.id = c.session_id WHERE s.starts_at >= $1
                   UNION
                   SELECT c.id_number FROM practical_candidates c JOIN practical_sessions s ON s.id = c.session_id
                   WHERE s.starts_at >= $1) AS examined",
            )
            .bind(since)
            .fetch_one(&p.reader)
            .await
        })
    }

    /// Create an assessor and their sign-in account together.
    pub async fn create_assessor(
        &self,
        username: &str,
        password_hash: &str,
        id_number: &str,
        profile_json: &str,
        display_name: &str,
        now: Millis,
    ) -> Result<i64, ApiError> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            let user_id = Sql::insert_user(
                &mut *tx,
                username,
                password_hash,
                Role::Assessor,
                display_name,
            )
            .await?;
            let id = sqlx::query_scalar(
                "INSERT INTO assessors (user_id, id_number, profile_json, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
                 RETURNING id",
            )
            .bind(user_id)
            .bind(id_number)
            .bind(profile_json)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e, "id_number") {
                    ApiError::conflict("assessor_exists", "该身份证号码的考评员已登记")
                } else {
                    ApiError::from(e)
                }
            })?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Replace an assessor's profile; false if there is no such assessor.
    pub async fn update_assessor(
        &self,
        id: i64,
        profile_json: &str,
        now: Millis,
    ) -> sqlx::Result<bool> {
        with_db!(&self.db, p => {
            Ok(
                sqlx::query("UPDATE assessors SET profile_json = $1, updated_at = $2 WHERE id = $3")
                    .bind(profile_json)
                    .bind(now)
                    .bind(id)
                    .execute(&p.writer)
                    .await?
                    .rows_affected()
                    == 1,
            )
        })
    }

    /// Every assessor.
    pub async fn assessors(&self) -> sqlx::Result<Vec<AssessorRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT a.id, a.user_id, u.username, a.profile_json FROM assessors a JOIN users u ON u.id = a.user_id
                 ORDER BY a.id",
            )
            .fetch_all(&p.reader)
            .await
        })
    }

    /// One assessor.
    pub async fn assessor(&self, id: i64) -> sqlx::Result<Option<AssessorRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT a.id, a.user_id, u.username, a.profile_json FROM assessors a JOIN users u ON u.id = a.user_id
                 WHERE a.id = $1",
            )
            .bind(id)
            .fetch_optional(&p.reader)
            .await
        })
    }

    /// The assessor signed in as `user_id`.
    pub async fn assessor_by_user(&self, user_id: i64) -> sqlx::Result<Option<AssessorRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT a.id, a.user_id, u.username, a.profile_json FROM assessors a JOIN users u ON u.id = a.user_id
                 WHERE a.user_id = $1",
            )
            .bind(user_id)
            .fetch_optional(&p.reader)
            .await
        })
    }

    /// Store a template version unless it is there already (versions never change).
    pub async fn ensure_template(
        &self,
        id: &str,
        version: u32,
        json: &str,
        now: Millis,
    ) -> sqlx::Result<()> {
        with_db!(&self.db, p => {
            sqlx::query(
                "INSERT INTO sheet_templates (template_id, version, template_json, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(i64::from(version))
            .bind(json)
            .bind(now)
            .execute(&p.writer)
            .await?;
            Ok(())
        })
    }

    /// Every template version's JSON, newest version of each id first.
    pub async fn templates(&self) -> sqlx::Result<Vec<String>> {
        with_db!(&self.db, p => {
            sqlx::query_scalar(
                "SELECT template_json FROM sheet_templates ORDER BY template_id, version DESC",
            )
            .fetch_all(&p.reader)
            .await
        })
    }

    /// One template version's JSON (`None` version: the newest).
    pub async fn template(&self, id: &str, version: Option<u32>) -> sqlx::Result<Option<String>> {
        with_db!(&self.db, p => {
            sqlx::query_scalar(
                "SELECT template_json FROM sheet_templates WHERE template_id = $1 AND ($2 IS NULL OR version = $2)
                 ORDER BY version DESC LIMIT 1",
            )
            .bind(id)
            .bind(version.map(i64::from))
            .fetch_optional(&p.reader)
            .await
        })
    }

    /// Schedule a practical session with its assessors.
    pub async fn create_practical_session(&self, s: NewPracticalSession<'_>) -> sqlx::Result<i64> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO practical_sessions (title, subject, starts_at, template_id, template_version, apparatus_json,
                   rule_json, assessors_required, chief_assessor_id, created_by, created_at, batch)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            )
            .bind(s.title)
            .bind(s.subject)
            .bind(s.starts_at)
            .bind(s.template.0)
            .bind(i64::from(s.template.1))
            .bind(s.apparatus_json)
            .bind(s.rule_json)
            .bind(s.assessors.len() as i64)
            .bind(s.chief)
            .bind(s.created_by)
            .bind(s.now)
            .bind(s.batch)
            .fetch_one(&mut *tx)
            .await?;
            for assessor in s.assessors {
                sqlx::query(
                    "INSERT INTO practical_session_assessors (session_id, assessor_id) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(assessor)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    /// One practical session.
    pub async fn practical_session(&self, id: i64) -> sqlx::Result<Option<PracticalSessionRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(&format!(
                "SELECT {SESSION_COLUMNS} FROM practical_sessions WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(&p.reader)
            .await
        })
    }

    /// Every practical session, newest first.
    pub async fn practical_sessions(&self) -> sqlx::Result<Vec<PracticalSessionRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(&format!(
                "SELECT {SESSION_COLUMNS} FROM practical_sessions ORDER BY starts_at DESC, id DESC"
            ))
            .fetch_all(&p.reader)
            .await
        })
    }

    /// The assessors who record sheets in a session.
    pub async fn practical_session_assessors(&self, session_id: i64) -> sqlx::Result<Vec<i64>> {
        with_db!(&self.db, p => {
            sqlx::query_scalar(
                "SELECT assessor_id FROM practical_session_assessors WHERE session_id = $1 ORDER BY assessor_id",
            )
            .bind(session_id)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Register a candidate for a practical session.
    pub async fn add_practical_candidate(
        &self,
        session_id: i64,
        name: &str,
        id_number: &str,
        employer: &str,
        now: Millis,
    ) -> Result<i64, ApiError> {
        with_db!(&self.db, p => {
            sqlx::query_scalar(
                "INSERT INTO practical_candidates (session_id, name, id_number, status, created_at, employer)
                 VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING id",
            )
            .bind(session_id)
            .bind(name)
            .bind(id_number)
            .bind(now)
            .bind(employer)
            .fetch_one(&p.writer)
            .await
            .map_err(|e| {
                if is_unique_violation(&e, "id_number") {
                    ApiError::conflict("candidate_exists", "该考生已在本场实操考试中登记")
                } else {
                    e.into()
                }
            })
        })
    }

    /// Candidates of a practical session.
    pub async fn practical_candidates(
        &self,
        session_id: i64,
    ) -> sqlx::Result<Vec<PracticalCandidateRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(&format!(
                "SELECT {CANDIDATE_COLUMNS} FROM practical_candidates WHERE session_id = $1 ORDER BY id"
            ))
            .bind(session_id)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// One practical candidate.
    pub async fn practical_candidate(
        &self,
        id: i64,
    ) -> sqlx::Result<Option<PracticalCandidateRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(&format!(
                "SELECT {CANDIDATE_COLUMNS} FROM practical_candidates WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(&p.reader)
            .await
        })
    }

    /// Every version of every sheet for a candidate, by assessor then version.
    pub async fn sheets(&self, candidate_id: i64) -> sqlx::Result<Vec<SheetRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(&format!(
                "SELECT {SHEET_COLUMNS} FROM practical_sheets WHERE candidate_id = $1 ORDER BY assessor_id, version"
            ))
            .bind(candidate_id)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Write an assessor's sheet: the draft is created or replaced; a signed sheet changes
    /// only through a correction (`correction` reason given), which starts a new draft
    /// version and leaves the signed one in force until the new one is signed.
    pub async fn write_sheet(
        &self,
        candidate_id: i64,
        assessor_id: i64,
        record_json: &str,
        score_tenths: u32,
        correction: Option<&str>,
        now: Millis,
    ) -> anyhow::Result<Result<SheetRow, SheetRefusal>> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            if Sql::signed_off(&mut tx, candidate_id).await? {
                return Ok(Err(SheetRefusal::SignedOff));
            }
            let latest = Sql::latest_sheet(&mut tx, candidate_id, assessor_id).await?;
            let id: i64 = match (latest, correction) {
                (Some(row), _) if row.status == "draft" => {
                    sqlx::query(
                        "UPDATE practical_sheets SET record_json = $1, score_tenths = $2, updated_at = $3,
                           correction_reason = COALESCE($4, correction_reason)
                         WHERE id = $5",
                    )
                    .bind(record_json)
                    .bind(i64::from(score_tenths))
                    .bind(now)
                    .bind(correction)
                    .bind(row.id)
                    .execute(&mut *tx)
                    .await?;
                    row.id
                }
                (Some(_), None) => return Ok(Err(SheetRefusal::Signed)),
                (latest, reason) => {
                    let version = latest.map_or(1, |row| row.version + 1);
                    sqlx::query_scalar(
                        "INSERT INTO practical_sheets (candidate_id, assessor_id, version, record_json, score_tenths, status,
                           correction_reason, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8) RETURNING id",
                    )
                    .bind(candidate_id)
                    .bind(assessor_id)
                    .bind(version)
                    .bind(record_json)
                    .bind(i64::from(score_tenths))
                    .bind(reason)
                    .bind(now)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            let row = Sql::sheet_by_id(&mut tx, id).await?;
            tx.commit().await?;
            Ok(Ok(row))
        })
    }

    /// Sign the assessor's draft; an earlier signed version becomes superseded.
    pub async fn sign_sheet(
        &self,
        candidate_id: i64,
        assessor_id: i64,
        now: Millis,
    ) -> anyhow::Result<Result<SheetRow, SheetRefusal>> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            if Sql::signed_off(&mut tx, candidate_id).await? {
                return Ok(Err(SheetRefusal::SignedOff));
            }
            let Some(draft) = Sql::latest_sheet(&mut tx, candidate_id, assessor_id)
                .await?
                .filter(|row| row.status == "draft")
            else {
                return Ok(Err(SheetRefusal::NoDraft));
            };
            sqlx::query(
                "UPDATE practical_sheets SET status = 'superseded', updated_at = $1
                 WHERE candidate_id = $2 AND assessor_id = $3 AND status = 'signed'",
            )
            .bind(now)
            .bind(candidate_id)
            .bind(assessor_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE practical_sheets SET status = 'signed', signed_at = $1, updated_at = $2 WHERE id = $3")
                .bind(now)
                .bind(now)
                .bind(draft.id)
                .execute(&mut *tx)
                .await?;
            let row = Sql::sheet_by_id(&mut tx, draft.id).await?;
            tx.commit().await?;
            Ok(Ok(row))
        })
    }

    /// Record the chief's sign-off of a combined result; false if already signed off.
    pub async fn sign_off(
        &self,
        candidate_id: i64,
        s: SignOff<'_>,
        now: Millis,
    ) -> sqlx::Result<bool> {
        with_db!(&self.db, p => {
            Ok(sqlx::query(
                "UPDATE practical_candidates SET status = $1, score_tenths = $2, passed = $3, combination_json = $4,
                   signed_off_by = $5, signed_off_at = $6
                 WHERE id = $7 AND status = 'pending'",
            )
            .bind(if s.absent { "absent" } else { "signed_off" })
            .bind(i64::from(s.score_tenths))
            .bind(s.passed)
            .bind(s.combination_json)
            .bind(s.chief)
            .bind(now)
            .bind(candidate_id)
            .execute(&p.writer)
            .await?
            .rows_affected()
                == 1)
        })
    }

    /// Finished theory papers and signed-off practical results of a person, oldest first.
    pub async fn finished_parts(
        &self,
        id_number: &str,
    ) -> sqlx::Result<(Vec<PartRow>, Vec<PartRow>)> {
        with_db!(&self.db, p => {
            let theory = sqlx::query_as(
                "SELECT s.subject, s.starts_at AS at, p.status, p.score_tenths, p.passed
                 FROM candidates c JOIN papers p ON p.candidate_id = c.id JOIN exam_sessions s ON s.id = c.session_id
                 WHERE c.id_number = $1 AND p.status IN ('submitted', 'absent') ORDER BY s.starts_at",
            )
            .bind(id_number)
            .fetch_all(&p.reader)
            .await?;
            let practical = sqlx::query_as(
                "SELECT s.subject, s.starts_at AS at, c.status, c.score_tenths, c.passed
                 FROM practical_candidates c JOIN practical_sessions s ON s.id = c.session_id
                 WHERE c.id_number = $1 AND c.status IN ('signed_off', 'absent') ORDER BY s.starts_at",
            )
            .bind(id_number)
            .fetch_all(&p.reader)
            .await?;
            Ok((theory, practical))
        })
    }
}

/// Reads inside a sheet transaction.
trait SheetSql: sqlx::Database {
    /// Whether the candidate is past scoring (signed off or absent).
    async fn signed_off(
        tx: &mut sqlx::Transaction<'_, Self>,
        candidate_id: i64,
    ) -> sqlx::Result<bool>;
    /// The newest version of an assessor's sheet for a candidate.
    async fn latest_sheet(
        tx: &mut sqlx::Transaction<'_, Self>,
        candidate_id: i64,
        assessor_id: i64,
    ) -> sqlx::Result<Option<SheetRow>>;
    /// One sheet version.
    async fn sheet_by_id(tx: &mut sqlx::Transaction<'_, Self>, id: i64) -> sqlx::Result<SheetRow>;
}

per_db! {
    impl SheetSql for Sql {
        async fn signed_off(tx: &mut sqlx::Transaction<'_, Self>, candidate_id: i64) -> sqlx::Result<bool> {
            let status: Option<String> =
                sqlx::query_scalar("SELECT status FROM practical_candidates WHERE id = $1")
                    .bind(candidate_id)
                    .fetch_optional(&mut **tx)
                    .await?;
            Ok(status.is_some_and(|s| s != "pending"))
        }

        async fn latest_sheet(
            tx: &mut sqlx::Transaction<'_, Self>,
            candidate_id: i64,
            assessor_id: i64,
        ) -> sqlx::Result<Option<SheetRow>> {
            sqlx::query_as(&format!(
                "SELECT {SHEET_COLUMNS} FROM practical_sheets WHERE candidate_id = $1 AND assessor_id = $2
                 ORDER BY version DESC LIMIT 1"
            ))
            .bind(candidate_id)
            .bind(assessor_id)
            .fetch_optional(&mut **tx)
            .await
        }

        async fn sheet_by_id(tx: &mut sqlx::Transaction<'_, Self>, id: i64) -> sqlx::Result<SheetRow> {
            sqlx::query_as(&format!("SELECT {SHEET_COLUMNS} FROM practical_sheets WHERE id = $1"))
                .bind(id)
                .fetch_one(&mut **tx)
                .await
        }
    }
}
