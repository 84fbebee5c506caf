//! Exam sessions, their candidates and results.

use actix_web::{get, post, web};
use question_bank::wire::{
    CandidateView, CreateSessionRequest, ErrorBody, ExtendTimeRequest, InvigilatorAction,
    RegisterCandidateRequest, SessionExposure, SessionResults, SessionView,
};

use crate::auth::policy::{can, Authorized};
use crate::error::ApiResult;
use crate::service::{invigilation, results as result_service, sessions, AppState};

/// Schedule a session.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", request_body = CreateSessionRequest, security(("bearer" = [])),
    responses((status = 200, body = SessionView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sessions")]
pub async fn create(
    state: web::Data<AppState>,
    who: Authorized<can::ManageSessions>,
    body: web::Json<CreateSessionRequest>,
) -> ApiResult<web::Json<SessionView>> {
    Ok(web::Json(
        sessions::create_session(&state, &who.principal, body.into_inner()).await?,
    ))
}

/// List sessions, newest first.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions", security(("bearer" = [])),
    responses((status = 200, body = Vec<SessionView>), (status = 403, body = ErrorBody)))]
#[get("/sessions")]
pub async fn list(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewSessions>,
) -> ApiResult<web::Json<Vec<SessionView>>> {
    Ok(web::Json(sessions::list_sessions(&state).await?))
}

/// One session.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "sessions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    responses((status = 200, body = SessionView), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewSessions>,
    id: web::Path<i64>,
) -> ApiResult<web::Json<SessionView>> {
    Ok(web::Json(
        sessions::session_view(&state, id.into_inner()).await?,
    ))
}

/// How evenly the session's papers use the question pool (max/mean exposure) and the
/// spread of their mean difficulty.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/exposure", tag = "sessions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    responses((status = 200, body = SessionExposure), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/exposure")]
pub async fn exposure(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewSessions>,
    id: web::Path<i64>,
) -> ApiResult<web::Json<SessionExposure>> {
    Ok(web::Json(
        sessions::session_exposure(&state, id.into_inner()).await?,
    ))
}

/// Open the session: every paper's clock starts now.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/open", tag = "sessions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    responses((status = 200, body = SessionView), (status = 409, body = ErrorBody)))]
#[post("/sessions/{id}/open")]
pub async fn open(
    state: web::Data<AppState>,
    who: Authorized<can::ManageSessions>,
    id: web::Path<i64>,
) -> ApiResult<web::Json<SessionView>> {
    Ok(web::Json(
        sessions::open_session(&state, &who.principal, id.into_inner()).await?,
    ))
}

/// Register a candidate; their paper is assembled immediately.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/candidates", tag = "sessions", request_body = RegisterCandidateRequest,
    security(("bearer" = [])), params(("id" = i64, Path, description = "Session id")),
    responses((status = 200, body = CandidateView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sessions/{id}/candidates")]
pub async fn register_candidate(
    state: web::Data<AppState>,
    who: Authorized<can::ManageSessions>,
    id: web::Path<i64>,
    body: web::Json<RegisterCandidateRequest>,
) -> ApiResult<web::Json<CandidateView>> {
    Ok(web::Json(
        sessions::register_candidate(&state, &who.principal, id.into_inner(), body.into_inner())
            .await?,
    ))
}

/// Candidates of a session.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/candidates", tag = "sessions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    responses((status = 200, body = Vec<CandidateView>), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/candidates")]
pub async fn list_candidates(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewSessions>,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Vec<CandidateView>>> {
    Ok(web::Json(
        sessions::list_candidates(&state, id.into_inner()).await?,
    ))
}

/// Results: per candidate score, and per question the answer and key in bank labels.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/results", tag = "sessions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    responses((status = 200, body = SessionResults), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/results")]
pub async fn results(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewResults>,
    id: web::Path<i64>,
) -> ApiResult<web::Json<SessionResults>> {
    Ok(web::Json(
        result_service::session_results(&state, id.into_inner()).await?,
    ))
}

/// Let the terminal waiting for a candidate's started paper take it over (换机). The
/// reason goes to the audit log.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/candidates/{candidate}/takeover", tag = "invigilation",
    request_body = InvigilatorAction, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id"), ("candidate" = i64, Path, description = "Candidate id")),
    responses((status = 200, body = CandidateView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[post("/sessions/{id}/candidates/{candidate}/takeover")]
pub async fn approve_takeover(
    state: web::Data<AppState>,
    who: Authorized<can::Invigilate>,
    path: web::Path<(i64, i64)>,
    body: web::Json<InvigilatorAction>,
) -> ApiResult<web::Json<CandidateView>> {
    let (session, candidate) = path.into_inner();
    Ok(web::Json(
        invigilation::approve_takeover(
            &state,
            &who.principal,
            session,
            candidate,
            body.into_inner(),
        )
        .await?,
    ))
}

/// Give one candidate more time (延长考试时间): their deadline moves `minutes` later.
/// The reason goes to the audit log.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/candidates/{candidate}/extend", tag = "invigilation",
    request_body = ExtendTimeRequest, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id"), ("candidate" = i64, Path, description = "Candidate id")),
    responses((status = 200, body = CandidateView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sessions/{id}/candidates/{candidate}/extend")]
pub async fn extend_time(
    state: web::Data<AppState>,
    who: Authorized<can::Invigilate>,
    path: web::Path<(i64, i64)>,
    body: web::Json<ExtendTimeRequest>,
) -> ApiResult<web::Json<CandidateView>> {
    let (session, candidate) = path.into_inner();
    Ok(web::Json(
        invigilation::extend_time(
            &state,
            &who.principal,
            session,
            candidate,
            body.into_inner(),
        )
        .await?,
    ))
}
