//! Scheduling sessions, registering candidates (assembling their papers), opening sessions.

use question_bank::blueprint::DifficultyTarget;
use question_bank::practical::Part;
use question_bank::wire::{
    CandidateView, CreateSessionRequest, RegisterCandidateRequest, SessionExposure, SessionView,
};
use question_bank::{Assembler, Blueprint, Paper};

use super::people::check_registration;
use super::{validate, AppState};
use crate::auth::Principal;
use crate::clock::{china_date, now_millis};
use crate::error::{ApiError, ApiResult};
use crate::store::sessions::{NewCandidate, NewSession, SessionRow};

/// Most seats a session may have.
pub const MAX_SEATS: u16 = 10_000;

/// Schedule a session for a subject, with the standard blueprint over the current bank.
pub async fn create_session(
    state: &AppState,
    by: &Principal,
    req: CreateSessionRequest,
) -> ApiResult<SessionView> {
    let title = validate::title(&req.title)?;
    let subject = validate::subject(&req.subject)?;
    if !(1..=MAX_SEATS).contains(&req.seats) {
        return Err(ApiError::invalid(
            "invalid_seats",
            format!("座位数应为 1–{MAX_SEATS}"),
        ));
    }
    let mut blueprint = Blueprint::standard(subject);
    if let Some(d) = req.duration_seconds {
        if !(1..=8 * 3600).contains(&d) {
            return Err(ApiError::invalid(
                "invalid_duration",
                "考试时长应为 1 秒到 8 小时",
            ));
        }
        blueprint.duration_seconds = d;
    }
    let late_entry_minutes = req.late_entry_minutes.unwrap_or(30);
    if late_entry_minutes > 8 * 60 {
        return Err(ApiError::invalid(
            "invalid_late_entry",
            "迟到限制不能超过 8 小时",
        ));
    }
    let centi = |x: f64| (x * 100.0).round().clamp(0.0, f64::from(u16::MAX)) as u16;
    blueprint.difficulty = DifficultyTarget {
        mean_centi: req.difficulty_mean.map(centi),
        tolerance_centi: req
            .difficulty_tolerance
            .map_or(blueprint.difficulty.tolerance_centi, centi),
        min_spread_centi: req.difficulty_min_spread.map(centi),
    };
    if let Some(k) = req.kind_counts {
        if k.total() > 300 {
            return Err(ApiError::invalid(
                "blueprint_infeasible",
                "每份试卷最多 300 题",
            ));
        }
        blueprint.kind_counts = k;
    }
    if let Some(w) = req.area_weights {
        blueprint.area_weights = w;
    }
    let bank = state.catalog.current();
    Assembler::new(&bank, &blueprint)
        .map_err(|e| ApiError::invalid("blueprint_infeasible", e.to_string()))?;
    let blueprint_json = serde_json::to_string(&blueprint).map_err(anyhow::Error::from)?;
    let id = state
        .store
        .create_session(NewSession {
            title,
            batch: validate::batch(&req.batch)?,
            subject,
            starts_at: req.starts_at.timestamp_millis(),
            duration_seconds: blueprint.duration_seconds,
            seats: req.seats,
            late_entry_minutes,
            bank_version: &bank.version().0,
            blueprint_json: &blueprint_json,
            takeover_policy: req.takeover_policy.unwrap_or_default(),
            show_score: req
                .show_score
                .unwrap_or(state.settings.show_score_on_submit),
            created_by: by.id,
            now: now_millis(),
        })
        .await?;
    state
        .store
        .audit(&by.name, "session.create", &format!("session:{id}"), title)
        .await?;
    tracing::info!(session_id = id, subject = %subject, "session scheduled");
    session_view(state, id).await
}

/// One session.
pub async fn session_view(state: &AppState, id: i64) -> ApiResult<SessionView> {
    Ok(load_session(state, id).await?.view()?)
}

/// Every session.
pub async fn list_sessions(state: &AppState) -> ApiResult<Vec<SessionView>> {
    let rows = state.store.list_sessions().await?;
    Ok(rows
        .iter()
        .map(SessionRow::view)
        .collect::<anyhow::Result<_>>()?)
}

pub(crate) async fn load_session(state: &AppState, id: i64) -> ApiResult<SessionRow> {
    state
        .store
        .session(id)
        .await?
        .ok_or(ApiError::NotFound("考试场次"))
}

/// Exposure and difficulty spread of a session's papers so far.
pub async fn session_exposure(state: &AppState, id: i64) -> ApiResult<SessionExposure> {
    let session = load_session(state, id).await?;
    let bank = state.catalog.version(&session.bank_version).await?;
    let blueprint = session_blueprint(&session)?;
    let assembler = Assembler::new(&bank, &blueprint)
        .map_err(|e| ApiError::invalid("blueprint_infeasible", e.to_string()))?;
    let report = state
        .store
        .exposure(id)
        .await?
        .exposure(&bank)
        .report(&bank, &blueprint);
    let mut means = Vec::new();
    for exam in state.store.session_exams(id).await? {
        let paper: Paper = serde_json::from_str(&exam.paper_json).map_err(anyhow::Error::from)?;
        let sum: f64 = paper
            .questions
            .iter()
            .filter_map(|pq| bank.get(&pq.id))
            .map(|q| f64::from(q.difficulty))
            .sum();
        means.push(sum / paper.questions.len().max(1) as f64);
    }
    Ok(SessionExposure {
        papers: report.papers,
        pool: report.pool,
        used: report.used,
        max_uses: report.max,
        mean_uses: report.mean,
        ratio: report.ratio,
        target_difficulty: assembler.target_mean(),
        min_paper_difficulty: means.iter().copied().reduce(f64::min),
        max_paper_difficulty: means.iter().copied().reduce(f64::max),
    })
}

/// The blueprint a session's papers follow.
pub(crate) fn session_blueprint(session: &SessionRow) -> anyhow::Result<Blueprint> {
    Ok(serde_json::from_str(&session.blueprint_json)?)
}

/// Register a candidate and assemble their paper now, so the start of the exam does no
/// assembly work.
pub async fn register_candidate(
    state: &AppState,
    by: &Principal,
    session_id: i64,
    req: RegisterCandidateRequest,
) -> ApiResult<CandidateView> {
    let session = load_session(state, session_id).await?;
    let name = validate::person_name(&req.name)?;
    let id_number = validate::id_number(&req.id_number)?;
    let ticket = validate::ticket(&req.ticket)?;
    let seat = validate::seat(&req.seat, session.seats)?;
    check_registration(
        state,
        id_number.as_str(),
        session.subject()?,
        china_date(session.starts_at),
        Part::Theory,
    )
    .await?;
    let bank = state.catalog.version(&session.bank_version).await?;
    let blueprint = session_blueprint(&session)?;
    let assembler = Assembler::new(&bank, &blueprint)
        .map_err(|e| ApiError::invalid("blueprint_infeasible", e.to_string()))?;
    let seed: u64 = rand::random();
    let id = state
        .store
        .register_candidate(
            NewCandidate {
                session_id,
                name,
                id_number: id_number.as_str(),
                gender: id_number.gender(),
                ticket,
                seat: &seat,
                employer: validate::employer(&req.employer)?,
                deadline: session.deadline(),
                now: now_millis(),
            },
            |counts| {
                assembler
                    .assemble(seed, &counts.exposure(&bank))
                    .map_err(|e| ApiError::invalid("blueprint_infeasible", e.to_string()))
            },
        )
        .await?;
    state
        .store
        .audit(
            &by.name,
            "candidate.register",
            &format!("candidate:{id}"),
            &format!("session:{session_id} seat:{seat}"),
        )
        .await?;
    candidate_view(state, session_id, id).await
}

/// One candidate of a session.
pub(crate) async fn candidate_view(
    state: &AppState,
    session_id: i64,
    id: i64,
) -> ApiResult<CandidateView> {
    let rows = state.store.list_candidates(session_id).await?;
    rows.iter()
        .find(|c| c.id == id)
        .map(|c| c.view())
        .ok_or(ApiError::NotFound("考生"))
}

/// Candidates of a session.
pub async fn list_candidates(state: &AppState, session_id: i64) -> ApiResult<Vec<CandidateView>> {
    load_session(state, session_id).await?;
    Ok(state
        .store
        .list_candidates(session_id)
        .await?
        .iter()
        .map(|c| c.view())
        .collect())
}

/// Open a session: the clock starts for everyone in it.
pub async fn open_session(
    state: &AppState,
    by: &Principal,
    session_id: i64,
) -> ApiResult<SessionView> {
    load_session(state, session_id).await?;
    if !state.store.open_session(session_id, now_millis()).await? {
        return Err(ApiError::conflict("session_already_open", "考试已经开始"));
    }
    state
        .store
        .audit(
            &by.name,
            "session.open",
            &format!("session:{session_id}"),
            "",
        )
        .await?;
    tracing::info!(session_id, "session opened");
    session_view(state, session_id).await
}
