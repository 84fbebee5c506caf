//! What invigilators do to one candidate during a session. Every action needs a reason
//! and goes to the audit log.

use question_bank::wire::{CandidateView, ExtendTimeRequest, InvigilatorAction};

use super::exam::seat_label;
use super::{validate, AppState};
use crate::auth::Principal;
use crate::clock::now_millis;
use crate::error::{ApiError, ApiResult};
use crate::store::exams::{ExamRow, Extension};

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
    let reason = validate::reason(&action.reason, "操作")?;
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

/// Give one candidate more time (延长考试时间): their paper's deadline moves `minutes`
/// later, while it is pending or started and the deadline has not passed yet.
pub async fn extend_time(
    state: &AppState,
    by: &Principal,
    session_id: i64,
    candidate_id: i64,
    req: ExtendTimeRequest,
) -> ApiResult<CandidateView> {
    if !(1..=120).contains(&req.minutes) {
        return Err(ApiError::invalid(
            "invalid_minutes",
            "延长时间须为 1 到 120 分钟",
        ));
    }
    let reason = validate::reason(&req.reason, "操作")?;
    let exam = exam_in(state, session_id, candidate_id).await?;
    let session = super::sessions::load_session(state, session_id).await?;
    if session.opened_at.is_none() {
        return Err(ApiError::conflict(
            "session_not_open",
            "考试尚未开始，不能延长时间",
        ));
    }
    let add_ms = i64::from(req.minutes) * 60_000;
    let deadline = match state
        .store
        .extend_deadline(exam.paper_id, add_ms, now_millis())
        .await?
    {
        Extension::Extended(deadline) => deadline,
        Extension::Closed => {
            return Err(ApiError::conflict(
                "paper_closed",
                "该考生已交卷或缺考，不能延长时间",
            ))
        }
        Extension::DeadlinePassed => {
            return Err(ApiError::conflict(
                "deadline_passed",
                "该考生的考试时间已结束，不能延长",
            ))
        }
        Extension::NotOpen => {
            return Err(ApiError::conflict(
                "session_not_open",
                "考试尚未开始，不能延长时间",
            ))
        }
    };
    state
        .store
        .audit(
            &by.name,
            "exam.extend",
            &format!("candidate:{candidate_id}"),
            &format!("+{} 分钟：{reason}", req.minutes),
        )
        .await?;
    tracing::info!(
        candidate_id,
        minutes = req.minutes,
        deadline,
        "exam time extended"
    );
    super::sessions::candidate_view(state, session_id, candidate_id).await
}
