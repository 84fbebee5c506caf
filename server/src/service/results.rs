//! Session results: per candidate score and, per question, answer and key in the bank's
//! own labels, re-marked from the stored bank version.

use question_bank::wire::{points, CandidateResult, PaperStatus, QuestionResult, SessionResults};

use super::exam::load_paper;
use super::sessions::{load_session, session_blueprint};
use super::AppState;
use crate::clock::to_datetime;
use crate::error::ApiResult;
use crate::store::sessions::paper_status;

/// Results of every candidate of a session, by seat.
pub async fn session_results(state: &AppState, session_id: i64) -> ApiResult<SessionResults> {
    let session = load_session(state, session_id).await?;
    let blueprint = session_blueprint(&session)?;
    let exams = state.store.session_exams(session_id).await?;
    let answers = state.store.session_answers(session_id).await?;
    let mut candidates = Vec::with_capacity(exams.len());
    for exam in &exams {
        let loaded = load_paper(state, exam, &session).await?;
        let rows: Vec<_> = answers
            .iter()
            .filter(|a| a.paper_id == exam.paper_id)
            .cloned()
            .collect();
        let report = loaded.mark(&rows)?;
        let questions = report
            .questions
            .iter()
            .zip(&loaded.paper.questions)
            .enumerate()
            .map(|(i, (m, pq))| QuestionResult {
                no: (i + 1) as u16,
                question_id: m.id.0.clone(),
                answer: m.answer.map(|a| a.to_wire()),
                shown_answer: m.answer.map(|a| pq.to_display(a).to_wire()),
                correct: m.key.to_wire(),
                points: points(m.earned_tenths),
            })
            .collect();
        let status = paper_status(&exam.status);
        let scored = matches!(status, PaperStatus::Submitted | PaperStatus::Absent);
        candidates.push(CandidateResult {
            ticket: exam.ticket.clone(),
            name: exam.name.clone(),
            seat: exam.seat.clone(),
            status,
            score: exam
                .score_tenths
                .filter(|_| scored)
                .and_then(|t| u32::try_from(t).ok())
                .map(points),
            passed: scored && exam.passed == Some(true),
            submitted_at: exam.submitted_at.map(to_datetime),
            auto_submitted: exam.auto_submitted,
            questions,
        });
    }
    Ok(SessionResults {
        session_id,
        subject: session.subject.clone(),
        pass_mark: points(blueprint.pass_mark_tenths),
        candidates,
    })
}
