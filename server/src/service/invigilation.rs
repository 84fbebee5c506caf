//! What invigilators do to one candidate during a session. Every action needs a reason
//! and goes to the audit log.

use question_bank::wire::{
    CandidateView, ExtendTimeRequest, InvigilatorAction, PaperAction, PaperStatus,
};

use super::exam::seat_label;
use super::{validate, AppState};
use crate::auth::Principal;
use crate::clock::now_millis;
use crate::error::{ApiError, ApiResult};
use crate::store::exams::{ExamRow, Extension};
use crate::store::invigilation::{audit_action, Act};
use crate::store::sessions::paper_status;

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

/// Pause, resume, admit late or terminate: one candidate's paper (`Some`) or every
/// candidate's the action applies to (`None`; pause and resume only). One transaction
/// changes the papers and writes an audit line per candidate. Returns the candidates
/// changed; for one candidate, an action that does not apply says why (409).
pub async fn act(
    state: &AppState,
    by: &Principal,
    session_id: i64,
    candidate_id: Option<i64>,
    action: PaperAction,
    req: InvigilatorAction,
) -> ApiResult<Vec<CandidateView>> {
    let reason = validate::reason(&req.reason, "操作")?;
    let session = super::sessions::load_session(state, session_id).await?;
    let exam = match candidate_id {
        Some(id) => Some(exam_in(state, session_id, id).await?),
        None if matches!(action, PaperAction::Pause | PaperAction::Resume) => None,
        None => {
            return Err(ApiError::invalid(
                "invalid_action",
                "该操作只能针对单个考生",
            ))
        }
    };
    if session.opened_at.is_none() {
        return Err(ApiError::conflict("session_not_open", "考试尚未开始"));
    }
    let now = now_millis();
    if action == PaperAction::AdmitLate && session.late_entry_ends().is_some_and(|end| now <= end) {
        return Err(ApiError::conflict(
            "late_entry_open",
            format!(
                "开考后 {} 分钟内考生可直接入场，无需批准",
                session.late_entry_minutes
            ),
        ));
    }
    let affected = state
        .store
        .act_on_papers(Act {
            action,
            session_id,
            candidate_id,
            actor: &by.name,
            reason,
            now,
        })
        .await?;
    if affected.is_empty() {
        return Err(not_applicable(action, exam.as_ref(), now));
    }
    tracing::info!(
        session_id,
        action = audit_action(action),
        candidates = affected.len(),
        "invigilator action"
    );
    let views = state.store.list_candidates(session_id).await?;
    Ok(views
        .iter()
        .filter(|c| affected.contains(&c.id))
        .map(|c| c.view())
        .collect())
}

/// Why an action changed nothing, from the paper's state before it (`None`: the whole
/// session, where no paper was in a state it applies to).
fn not_applicable(action: PaperAction, exam: Option<&ExamRow>, now: i64) -> ApiError {
    let Some(exam) = exam else {
        return match action {
            PaperAction::Resume => ApiError::conflict("not_paused", "没有已暂停的考生"),
            _ => ApiError::conflict("nothing_to_pause", "没有正在考试的考生可以暂停"),
        };
    };
    let status = paper_status(&exam.status);
    if matches!(status, PaperStatus::Submitted | PaperStatus::Absent) {
        return ApiError::conflict("paper_closed", "该考生已交卷或缺考");
    }
    match action {
        PaperAction::Pause if exam.paused_at.is_some() => {
            ApiError::conflict("already_paused", "该考生已处于暂停状态")
        }
        PaperAction::Resume => ApiError::conflict("not_paused", "该考生未被暂停"),
        PaperAction::AdmitLate if status == PaperStatus::Started => {
            ApiError::conflict("already_started", "该考生已开始答题")
        }
        PaperAction::AdmitLate if exam.late_admitted_at.is_some() => {
            ApiError::conflict("already_admitted", "已批准该考生迟到入场")
        }
        _ if exam.deadline_at.is_some_and(|d| d <= now) => {
            ApiError::conflict("deadline_passed", "该考生的考试时间已结束")
        }
        _ => ApiError::conflict("paper_closed", "该考生的试卷当前不能执行此操作"),
    }
}
