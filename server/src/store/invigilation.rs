//! Invigilator actions on papers: pause, resume, admit late, terminate. Each is one write
//! transaction that changes the papers it applies to and writes one audit line per
//! candidate affected, so an action and its record cannot come apart.

use question_bank::wire::PaperAction;

use super::audit::AuditSql;
use super::with_db;
use super::Store;
use crate::clock::Millis;

/// How often a polling terminal's `last_seen_at` is written at most.
pub const TOUCH_EVERY: Millis = 60_000;

/// The audit-log action name of an invigilator action.
pub fn audit_action(action: PaperAction) -> &'static str {
    match action {
        PaperAction::Pause => "exam.pause",
        PaperAction::Resume => "exam.resume",
        PaperAction::AdmitLate => "exam.admit_late",
        PaperAction::Terminate => "exam.terminate",
    }
}

/// The update, with `?1` = now, `?2` = session, `?3` = candidate (NULL: every candidate
/// of the session), and for `Terminate` `?4` = reason. Each applies only to papers in the
/// state the action makes sense for, and returns the candidates it changed.
fn update_sql(action: PaperAction) -> &'static str {
    match action {
            PaperAction::Pause => {
                "UPDATE papers SET paused_at = $1
                 WHERE session_id = $2 AND ($3 IS NULL OR candidate_id = $3)
                   AND status IN ('pending', 'started') AND paused_at IS NULL AND deadline_at > $1
                 RETURNING candidate_id"
            }
            PaperAction::Resume => {
                "UPDATE papers SET deadline_at = deadline_at + ($1 - paused_at), paused_at = NULL
                 WHERE session_id = $2 AND ($3 IS NULL OR candidate_id = $3)
                   AND status IN ('pending', 'started') AND paused_at IS NOT NULL
                 RETURNING candidate_id"
            }
            PaperAction::AdmitLate => {
                "UPDATE papers SET late_admitted_at = $1
                 WHERE session_id = $2 AND ($3 IS NULL OR candidate_id = $3)
                   AND status = 'pending' AND late_admitted_at IS NULL AND deadline_at > $1
                 RETURNING candidate_id"
            }
            PaperAction::Terminate => {
                "UPDATE papers SET status = 'submitted', submitted_at = $1, auto_submitted = FALSE,
                   score_tenths = 0, passed = FALSE, paused_at = NULL, terminated_at = $1,
                   terminated_reason = $4,
                   unanswered = question_count - (SELECT COUNT(*) FROM answers a
                                                  WHERE a.paper_id = papers.id AND a.answer IS NOT NULL)
                 WHERE session_id = $2 AND ($3 IS NULL OR candidate_id = $3)
                   AND status IN ('pending', 'started') AND deadline_at IS NOT NULL
                 RETURNING candidate_id"
            }
    }
}

/// One invigilator action to apply.
#[derive(Debug, Clone, Copy)]
pub struct Act<'a> {
    /// What.
    pub action: PaperAction,
    /// The session.
    pub session_id: i64,
    /// One candidate, or `None` for every candidate of the session.
    pub candidate_id: Option<i64>,
    /// Who (account name, for the audit log).
    pub actor: &'a str,
    /// Why (also the audit line's detail).
    pub reason: &'a str,
    /// When.
    pub now: Millis,
}

impl Store {
    /// Apply an invigilator action and audit it per candidate, in one transaction.
    /// Returns the candidates whose paper changed (empty: it applied to none).
    #[tracing::instrument(skip_all, fields(action = ?act.action, session_id = act.session_id))]
    pub async fn act_on_papers(&self, act: Act<'_>) -> sqlx::Result<Vec<i64>> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            let mut update = sqlx::query_scalar(update_sql(act.action))
                .bind(act.now)
                .bind(act.session_id)
                .bind(act.candidate_id);
            if act.action == PaperAction::Terminate {
                update = update.bind(act.reason);
            }
            let affected: Vec<i64> = update.fetch_all(&mut *tx).await?;
            for candidate in &affected {
                Sql::insert_audit(
                    &mut *tx,
                    act.now,
                    act.actor,
                    audit_action(act.action),
                    &format!("candidate:{candidate}"),
                    act.reason,
                )
                .await?;
            }
            tx.commit().await?;
            Ok(affected)
        })
    }

    /// Note that the terminal holding a started paper polled; written at most once per
    /// [`TOUCH_EVERY`] per paper so polling terminals cost little. (Saves need no note:
    /// the answer's `saved_at` says when the terminal was last heard from.)
    #[tracing::instrument(skip_all)]
    pub async fn touch_paper(&self, paper_id: i64, now: Millis) -> sqlx::Result<()> {
        with_db!(&self.db, p => {
            sqlx::query(
                "UPDATE papers SET last_seen_at = $1
                 WHERE id = $2 AND status = 'started' AND (last_seen_at IS NULL OR last_seen_at < $1 - $3)",
            )
            .bind(now)
            .bind(paper_id)
            .bind(TOUCH_EVERY)
            .execute(&p.writer)
            .await?;
            Ok(())
        })
    }
}
