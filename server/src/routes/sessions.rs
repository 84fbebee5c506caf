//! Exam sessions, their candidates and results.

use actix_multipart::Multipart;
use actix_web::{get, post, web};
use question_bank::wire::{
    CandidateView, CreateSessionRequest, ErrorBody, ExtendTimeRequest, InvigilatorAction,
    PaperAction, RegisterCandidateRequest, SessionExposure, SessionResults, SessionView,
};

use crate::auth::policy::{can, Authorized};
use crate::error::{ApiError, ApiResult};
use crate::routes::upload::read_form;
use crate::service::candidate_import::{import_roster, MAX_ROSTER_BYTES};
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

/// Register a whole roster (批量导入考生): multipart/form-data with an .xlsx `file` in the
/// roster template's layout (姓名, 身份证号, 准考证号, 座位号, 工作单位). Every row is
/// checked before anyone is registered; if any row fails, nobody is registered and the
/// 422 lists every problem in `details` as `row: column: reason`.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/candidates/import", tag = "sessions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    request_body(content_type = "multipart/form-data", content = String, description = "file: the .xlsx roster"),
    responses((status = 200, body = Vec<CandidateView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sessions/{id}/candidates/import")]
pub async fn import_candidates(
    state: web::Data<AppState>,
    who: Authorized<can::ManageSessions>,
    id: web::Path<i64>,
    form: Multipart,
) -> ApiResult<web::Json<Vec<CandidateView>>> {
    let form = read_form(form, MAX_ROSTER_BYTES).await?;
    let file = form
        .file
        .ok_or_else(|| ApiError::invalid("missing_file", "缺少上传文件（表单字段 file）"))?;
    Ok(web::Json(
        import_roster(
            &state,
            &who.principal,
            id.into_inner(),
            &file.name,
            &file.bytes,
        )
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

/// Act on one candidate's paper: `pause` (暂停), `resume` (恢复; the deadline moves by the
/// time paused), `admit_late` (允许迟到入场, after the late-entry window) or `terminate`
/// (违纪终止: submitted, score void). The reason goes to the audit log and the archive.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/candidates/{candidate}/actions/{action}", tag = "invigilation",
    request_body = InvigilatorAction, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id"), ("candidate" = i64, Path, description = "Candidate id"),
        ("action" = PaperAction, Path, description = "pause | resume | admit_late | terminate")),
    responses((status = 200, body = CandidateView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sessions/{id}/candidates/{candidate}/actions/{action}")]
pub async fn candidate_action(
    state: web::Data<AppState>,
    who: Authorized<can::Invigilate>,
    path: web::Path<(i64, i64, PaperAction)>,
    body: web::Json<InvigilatorAction>,
) -> ApiResult<web::Json<CandidateView>> {
    let (session, candidate, action) = path.into_inner();
    let changed = invigilation::act(
        &state,
        &who.principal,
        session,
        Some(candidate),
        action,
        body.into_inner(),
    )
    .await?;
    let view = changed
        .into_iter()
        .next()
        .ok_or(crate::error::ApiError::NotFound("考生"))?;
    Ok(web::Json(view))
}

/// Pause or resume every candidate of the session at once (全场暂停 / 全场恢复); returns
/// the candidates changed. `admit_late` and `terminate` apply to one candidate only (422).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/actions/{action}", tag = "invigilation",
    request_body = InvigilatorAction, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id"),
        ("action" = PaperAction, Path, description = "pause | resume")),
    responses((status = 200, body = Vec<CandidateView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sessions/{id}/actions/{action}")]
pub async fn session_action(
    state: web::Data<AppState>,
    who: Authorized<can::Invigilate>,
    path: web::Path<(i64, PaperAction)>,
    body: web::Json<InvigilatorAction>,
) -> ApiResult<web::Json<Vec<CandidateView>>> {
    let (session, action) = path.into_inner();
    Ok(web::Json(
        invigilation::act(
            &state,
            &who.principal,
            session,
            None,
            action,
            body.into_inner(),
        )
        .await?,
    ))
}
