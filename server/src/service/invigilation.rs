//! What invigilators do to one candidate during a session. Every action needs a reason
//! and goes to the audit log.

use question_bank::wire::{CandidateView, InvigilatorAction};

use super::exam::seat_label;
use super::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::store::exams::ExamRow;

/// The stated reason, trimmed; required.
fn reason(action: &InvigilatorAction) -> ApiResult<&str> {
    let reason = action.reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(ApiError::invalid(
            "invalid_reason",
            "请填写操作原因（不超过 200 字）",
        ));
    }
    Ok(reason)
}

/// The candidate's exam, if they are in this session.
async fn exam_in(state: &AppState, session_id: i64, candidate_id: i64) -> ApiResult<ExamRow> {
    state
        .store
        .exam(candidate_id)
        .await?
        .filter(|e| e.session_id == session_id)
        .ok_or(ApiError::NotFound("考生"))
}

/// Let the terminal waiting for a candidate's started paper take it over; the terminal
/// that had it is refused from then on.
pub async fn approve_takeover(
    state: &AppState,
    by: &Principal,
    session_id: i64,
    candidate_id: i64,
    action: InvigilatorAction,
) -> ApiResult<CandidateView> {
    let reason = reason(&action)?;
    let exam = exam_in(state, session_id, candidate_id).await?;
    let Some((from, to)) = state.store.approve_takeover(exam.paper_id).await? else {
        return Err(ApiError::conflict(
            "no_takeover_request",
            "该考生没有等待批准的换机请求",
        ));
    };
    let detail = format!(
        "{} → {}：{reason}",
        seat_label(from.as_deref()),
        seat_label(to.as_deref())
    );
    state
        .store
        .audit(
            &by.name,
            "exam.takeover.approve",
            &format!("candidate:{candidate_id}"),
            &detail,
        )
        .await?;
    tracing::info!(candidate_id, "terminal takeover approved");
    super::sessions::candidate_view(state, session_id, candidate_id).await
}
