//! Sitting a paper: view, start, save answers, submit; and marking, shared with the
//! sweeper and the results.

use std::sync::Arc;

use question_bank::wire::{
    points, ExamQuestion, ExamView, PaperScore, PaperStatus, SaveAnswerRequest, SaveAnswerResponse,
    SubmitResult, TakeoverPolicy,
};
use question_bank::{score_paper, Answer, Bank, Blueprint, Paper, ScoreReport};

use super::paper_cache::CachedPaper;
use super::sessions::{load_session, session_blueprint};
use super::AppState;
use crate::clock::{now_millis, to_datetime, Millis};
use crate::error::{ApiError, ApiResult};
use crate::store::exams::{
    AnswerRow, Claim, ExamRow, Marked, SaveOutcome, SaveRequest, Submission, SubmitRequest,
    Terminal,
};
use crate::store::invigilation::TOUCH_EVERY;
use crate::store::sessions::{paper_status, SessionRow};

/// A paper with the bank version and blueprint it belongs to.
#[derive(Clone)]
pub(crate) struct LoadedPaper {
    pub paper: Arc<Paper>,
    pub bank: Arc<Bank>,
    pub blueprint: Blueprint,
}

pub(crate) async fn load_paper(
    state: &AppState,
    exam: &ExamRow,
    session: &SessionRow,
) -> anyhow::Result<LoadedPaper> {
    let cached = paper_of(state, exam).await?;
    Ok(LoadedPaper {
        paper: cached.paper.clone(),
        bank: cached.bank.clone(),
        blueprint: session_blueprint(session)?,
    })
}

/// The paper of `exam` from the cache; parsed and cached on a miss. A start's view thus
/// leaves the paper cached for the answer saves that follow.
async fn paper_of(state: &AppState, exam: &ExamRow) -> anyhow::Result<Arc<CachedPaper>> {
    if let Some(paper) = state.papers.get(exam.candidate_id) {
        return Ok(paper);
    }
    let (paper, bank) = paper_and_bank(state, &exam.paper_json).await?;
    Ok(state.papers.insert(
        exam.candidate_id,
        CachedPaper {
            paper_id: exam.paper_id,
            paper: Arc::new(paper),
            bank,
        },
    ))
}

/// A stored paper and the bank version it was assembled from.
async fn paper_and_bank(state: &AppState, paper_json: &str) -> anyhow::Result<(Paper, Arc<Bank>)> {
    let paper: Paper = serde_json::from_str(paper_json)?;
    let bank = state.catalog.version(&paper.bank_version.0).await?;
    Ok((paper, bank))
}

impl LoadedPaper {
    /// Stored answers (bank labels) by position; unparsable rows are an internal error.
    pub fn bank_answers(&self, rows: &[AnswerRow]) -> anyhow::Result<Vec<Option<Answer>>> {
        let mut out = vec![None; self.paper.questions.len()];
        for row in rows {
            let idx = usize::try_from(row.question_no - 1)?;
            let (Some(slot), Some(text)) = (out.get_mut(idx), row.answer.as_deref()) else {
                continue;
            };
            let q = self
                .bank
                .get(&self.paper.questions[idx].id)
                .ok_or_else(|| anyhow::anyhow!("question missing"))?;
            *slot = Some(Answer::parse(q.kind, q.options.len(), text)?);
        }
        Ok(out)
    }

    /// Points available on the paper, tenths.
    pub fn max_tenths(&self) -> u32 {
        self.paper
            .questions
            .iter()
            .filter_map(|pq| self.bank.get(&pq.id))
            .map(|q| q.points_tenths)
            .sum()
    }

    /// Mark stored answers.
    pub fn mark(&self, rows: &[AnswerRow]) -> anyhow::Result<ScoreReport> {
        Ok(score_paper(
            &self.bank,
            &self.blueprint,
            &self.paper,
            &self.bank_answers(rows)?,
        )?)
    }
}

fn marked(report: &ScoreReport) -> Marked {
    Marked {
        score_tenths: report.total_tenths,
        passed: report.passed,
        unanswered: report.unanswered as u32,
    }
}

/// The candidate's exam row, or 404.
async fn exam_row(state: &AppState, candidate_id: i64) -> ApiResult<ExamRow> {
    state
        .store
        .exam(candidate_id)
        .await?
        .ok_or(ApiError::NotFound("考生"))
}

async fn load_exam(state: &AppState, candidate_id: i64) -> ApiResult<(ExamRow, SessionRow)> {
    let exam = exam_row(state, candidate_id).await?;
    let session = load_session(state, exam.session_id).await?;
    Ok((exam, session))
}

fn submit_result(
    exam: &ExamRow,
    session: &SessionRow,
    loaded: &LoadedPaper,
) -> Option<SubmitResult> {
    let score = PaperScore {
        score: points(u32::try_from(exam.score_tenths?).ok()?),
        max_score: points(loaded.max_tenths()),
        pass_mark: points(loaded.blueprint.pass_mark_tenths),
        passed: exam.passed?,
    };
    Some(SubmitResult {
        unanswered: u32::try_from(exam.unanswered?).ok()?,
        auto_submitted: exam.auto_submitted,
        submitted_at: to_datetime(exam.submitted_at?),
        score: session.show_score.then_some(score),
        terminated_reason: exam.terminated_reason.clone(),
    })
}

/// The candidate's view of their exam; questions only while it is being answered, and
/// only on the terminal it is open on.
pub async fn exam_view(state: &AppState, candidate_id: i64, terminal: &str) -> ApiResult<ExamView> {
    let (exam, session) = load_exam(state, candidate_id).await?;
    render_view(state, &exam, &session, terminal, false).await
}

/// The view of `exam`; `just_started` says the caller has just started it from pending,
/// so it holds no answers yet.
async fn render_view(
    state: &AppState,
    exam: &ExamRow,
    session: &SessionRow,
    terminal: &str,
    just_started: bool,
) -> ApiResult<ExamView> {
    let loaded = load_paper(state, exam, session).await?;
    let status = paper_status(&exam.status);
    let held_elsewhere = (status == PaperStatus::Started && !exam.held_by(terminal))
        .then(|| exam.terminal_seat.clone().unwrap_or_default());
    let questions = if status == PaperStatus::Started && held_elsewhere.is_none() {
        let now = now_millis();
        // Only a stale note costs a write; most polls are read-only.
        if exam
            .last_seen_at
            .is_none_or(|seen| seen < now - TOUCH_EVERY)
        {
            state.store.touch_paper(exam.paper_id, now).await?;
        }
        let rows = if just_started {
            Vec::new()
        } else {
            state.store.answers(exam.paper_id).await?
        };
        display_questions(&loaded, &rows)?
    } else {
        Vec::new()
    };
    Ok(ExamView {
        candidate_name: exam.name.clone(),
        ticket: exam.ticket.clone(),
        seat: exam.seat.clone(),
        subject: session.subject.clone(),
        subject_name: session.subject()?.name_zh(),
        session_title: session.title.clone(),
        status,
        session_open: session.opened_at.is_some(),
        starts_at: to_datetime(session.starts_at),
        deadline: exam.deadline_at.map(to_datetime),
        server_now: to_datetime(now_millis()),
        duration_seconds: u32::try_from(session.duration_seconds).map_err(anyhow::Error::from)?,
        questions,
        held_elsewhere,
        result: submit_result(exam, session, &loaded),
        paused_at: exam.paused_at.map(to_datetime),
        terminated_reason: exam.terminated_reason.clone(),
    })
}

fn display_questions(
    loaded: &LoadedPaper,
    rows: &[AnswerRow],
) -> anyhow::Result<Vec<ExamQuestion>> {
    let answers = loaded.bank_answers(rows)?;
    loaded
        .paper
        .questions
        .iter()
        .enumerate()
        .map(|(i, pq)| {
            let q = loaded
                .bank
                .get(&pq.id)
                .ok_or_else(|| anyhow::anyhow!("question {} missing", pq.id))?;
            let options = pq
                .order
                .iter()
                .map(|&b| q.options[usize::from(b)].clone())
                .collect();
            let seq = rows
                .iter()
                .find(|r| r.question_no == i as i64 + 1)
                .map_or(0, |r| r.seq);
            Ok(ExamQuestion {
                no: u16::try_from(i + 1)?,
                kind: q.kind,
                stem: q.stem.clone(),
                options,
                answer: answers[i].map(|a| pq.to_display(a).to_wire()),
                seq: u64::try_from(seq)?,
            })
        })
        .collect()
}

/// Start (or resume) the paper once the session is open, on the caller's terminal; late
/// starters are refused after the late-entry window. A paper open on another terminal
/// moves here only as the session's takeover policy allows.
pub async fn start_exam(
    state: &AppState,
    candidate_id: i64,
    terminal: &Terminal,
) -> ApiResult<ExamView> {
    // A room's synchronized start sends every terminal here at once; answer saves of the
    // candidates already writing must not queue behind hundreds of papers being read and
    // rendered.
    let _turn = state.start_gate.turn().await?;
    let (exam, session) = load_exam(state, candidate_id).await?;
    let now = now_millis();
    let pending = paper_status(&exam.status) == PaperStatus::Pending;
    match (paper_status(&exam.status), session.opened_at) {
        (PaperStatus::Submitted | PaperStatus::Absent, _) => {
            return Err(ApiError::conflict("paper_submitted", "试卷已提交"));
        }
        (_, None) => {
            return Err(ApiError::conflict(
                "session_not_open",
                "考试尚未开始，请等待监考人员开考",
            ))
        }
        (PaperStatus::Pending, Some(_)) => {
            if session.late_entry_ends().is_some_and(|end| now > end)
                && exam.late_admitted_at.is_none()
            {
                return Err(ApiError::conflict(
                    "late_entry_closed",
                    "已超过开考后允许入场的时间。如需入场，请举手示意，经监考老师批准后再开始答题。",
                ));
            }
            if exam.deadline_at.is_some_and(|d| now >= d) {
                return Err(ApiError::conflict("deadline_passed", "考试时间已结束"));
            }
            state
                .store
                .start_paper(exam.paper_id, terminal, now)
                .await?;
            tracing::info!(candidate_id, paper_id = exam.paper_id, "paper started");
        }
        (PaperStatus::Started, Some(_)) => {
            let automatic = session.takeover_policy() == TakeoverPolicy::Automatic;
            match state
                .store
                .claim_paper(exam.paper_id, terminal, automatic, now)
                .await?
            {
                Claim::Held => {}
                Claim::TookOver { from_seat } => {
                    let detail = format!(
                        "自动转移终端：{} → {}",
                        seat_label(from_seat.as_deref()),
                        seat_label(terminal.seat.as_deref())
                    );
                    state
                        .store
                        .audit(
                            &exam.ticket,
                            "exam.takeover",
                            &format!("candidate:{candidate_id}"),
                            &detail,
                        )
                        .await?;
                    tracing::info!(candidate_id, "paper taken over by another terminal");
                }
                Claim::Waiting { holder_seat } => {
                    return Err(ApiError::conflict(
                        "takeover_required",
                        format!(
                            "本试卷正在{}上作答。如需在本机继续，请举手示意，经监考老师批准后自动进入。",
                            seat_label(holder_seat.as_deref())
                        ),
                    ));
                }
            }
        }
    }
    // Status, deadline and terminal changed; the session did not.
    let exam = exam_row(state, candidate_id).await?;
    render_view(state, &exam, &session, &terminal.id, pending).await
}

/// The candidate's paper from the cache, read and parsed once on a miss.
async fn cached_paper(state: &AppState, candidate_id: i64) -> ApiResult<Arc<CachedPaper>> {
    if let Some(paper) = state.papers.get(candidate_id) {
        return Ok(paper);
    }
    let exam = exam_row(state, candidate_id).await?;
    Ok(paper_of(state, &exam).await?)
}

/// A terminal as people name it: `座位 07 的终端`, or `另一台终端`.
pub(crate) fn seat_label(seat: Option<&str>) -> String {
    match seat {
        Some(seat) if !seat.is_empty() => format!("座位 {seat} 的终端"),
        _ => "另一台终端".to_owned(),
    }
}

/// Save one answer; acknowledged only after the transaction is durable.
pub async fn save_answer(
    state: &AppState,
    candidate_id: i64,
    terminal: &str,
    no: u16,
    req: SaveAnswerRequest,
) -> ApiResult<SaveAnswerResponse> {
    let cached = cached_paper(state, candidate_id).await?;
    if no == 0 || usize::from(no) > cached.paper.questions.len() {
        return Err(ApiError::invalid(
            "invalid_question_number",
            format!("题号应为 1–{}", cached.paper.questions.len()),
        ));
    }
    if req.seq == 0 || req.seq > i64::MAX as u64 {
        return Err(ApiError::invalid("invalid_seq", "seq 必须为正整数"));
    }
    let pq = &cached.paper.questions[usize::from(no - 1)];
    let q = cached
        .bank
        .get(&pq.id)
        .ok_or_else(|| anyhow::anyhow!("question {} missing", pq.id))?;
    let bank_answer = match req
        .answer
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(text) => {
            let shown = Answer::parse(q.kind, q.options.len(), text)
                .map_err(|e| ApiError::invalid("invalid_answer", e.to_string()))?;
            Some(pq.to_bank(shown).to_wire())
        }
    };
    let outcome = state
        .store
        .save_answer(SaveRequest {
            paper_id: cached.paper_id,
            no: i64::from(no),
            answer: bank_answer,
            seq: req.seq as i64,
            terminal: terminal.to_owned(),
            now: now_millis(),
        })
        .await?;
    state.metrics.answer_saved(&outcome);
    match outcome {
        SaveOutcome::Saved {
            applied,
            answer,
            seq,
            deadline,
        } => {
            let shown = match answer {
                Some(text) => Some(
                    pq.to_display(
                        Answer::parse(q.kind, q.options.len(), &text)
                            .map_err(anyhow::Error::from)?,
                    )
                    .to_wire(),
                ),
                None => None,
            };
            Ok(SaveAnswerResponse {
                no,
                answer: shown,
                seq: u64::try_from(seq).map_err(anyhow::Error::from)?,
                applied,
                server_now: to_datetime(now_millis()),
                deadline: to_datetime(deadline),
            })
        }
        SaveOutcome::NotStarted => Err(ApiError::conflict("paper_not_started", "试卷尚未开始作答")),
        SaveOutcome::Closed => Err(ApiError::conflict(
            "paper_submitted",
            "试卷已提交，不能再修改答案",
        )),
        SaveOutcome::DeadlinePassed => Err(ApiError::conflict(
            "deadline_passed",
            "考试时间已结束，答案未保存",
        )),
        SaveOutcome::TakenOver => Err(taken_over()),
        SaveOutcome::Paused => Err(paused()),
    }
}

fn paused() -> ApiError {
    ApiError::conflict(
        "paper_paused",
        "考试已被监考人员暂停，计时已停止；恢复后本机会自动重新提交未保存的答案",
    )
}

fn taken_over() -> ApiError {
    ApiError::conflict(
        "taken_over",
        "本试卷已转到另一台终端继续作答，本机不能再作答或交卷",
    )
}

/// Submit and score. Idempotent: submitting a submitted paper returns its result. A paper
/// past its deadline is submitted as a time-out.
pub async fn submit_exam(
    state: &AppState,
    candidate_id: i64,
    terminal: &str,
) -> ApiResult<SubmitResult> {
    let (exam, session) = load_exam(state, candidate_id).await?;
    match paper_status(&exam.status) {
        PaperStatus::Pending => {
            return Err(ApiError::conflict("paper_not_started", "试卷尚未开始作答"))
        }
        PaperStatus::Absent => return Err(ApiError::conflict("paper_submitted", "已记为缺考")),
        PaperStatus::Started | PaperStatus::Submitted => {}
    }
    let loaded = load_paper(state, &exam, &session).await?;
    let exam = if paper_status(&exam.status) == PaperStatus::Started {
        let now = now_millis();
        let auto = exam.deadline_at.is_some_and(|d| now >= d);
        match submit_paper(state, &exam, &loaded, Some(terminal), now, auto).await? {
            Submission::TakenOver => return Err(taken_over()),
            Submission::Paused => return Err(paused()),
            Submission::Done(_) | Submission::NotStarted => {}
        }
        // Re-read the row for the stored score and submission time.
        exam_row(state, candidate_id).await?
    } else {
        exam
    };
    submit_result(&exam, &session, &loaded)
        .ok_or_else(|| anyhow::anyhow!("submitted paper has no score").into())
}

/// Mark and store a started paper. Shared by the candidate's submit (`by` their
/// terminal) and the sweeper (`by` none).
pub(crate) async fn submit_paper(
    state: &AppState,
    exam: &ExamRow,
    loaded: &LoadedPaper,
    by: Option<&str>,
    now: Millis,
    auto: bool,
) -> anyhow::Result<Submission> {
    let key = loaded.clone();
    let result = state
        .store
        .submit_paper(SubmitRequest {
            paper_id: exam.paper_id,
            by: by.map(str::to_owned),
            now,
            auto,
            mark: Box::new(move |rows| Ok(marked(&key.mark(rows)?))),
        })
        .await?;
    if let Submission::Done(m) = result {
        tracing::info!(
            paper_id = exam.paper_id,
            auto,
            score_tenths = m.score_tenths,
            "paper submitted"
        );
    }
    Ok(result)
}
