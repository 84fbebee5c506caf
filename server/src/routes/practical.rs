//! The practical exam: templates, sessions, candidates, sheets, sign-off and results.

use actix_web::{get, post, put, web};
use question_bank::practical::wire::TemplateSummary;
use question_bank::practical::SheetTemplate;
use question_bank::wire::{
    CreatePracticalSessionRequest, ErrorBody, JointResultView, PracticalCandidateView,
    PracticalSessionView, RegisterPracticalCandidateRequest, SheetView, SignOffRequest,
    WriteSheetRequest,
};

use crate::auth::policy::{can, Authorized};
use crate::error::ApiResult;
use crate::service::{practical, AppState};

/// Score-sheet templates on record (every version).
#[utoipa::path(get, path = "/api/v1/practical/templates", tag = "practical", security(("bearer" = [])),
    responses((status = 200, body = Vec<TemplateSummary>)))]
#[get("/practical/templates")]
pub async fn templates(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewPractical>,
) -> ApiResult<web::Json<Vec<TemplateSummary>>> {
    Ok(web::Json(practical::list_templates(&state).await?))
}

/// One template version, whole.
#[utoipa::path(get, path = "/api/v1/practical/templates/{id}/{version}", tag = "practical", security(("bearer" = [])),
    params(("id" = String, Path, description = "Template id"), ("version" = u32, Path, description = "Version")),
    responses((status = 200, body = SheetTemplate), (status = 404, body = ErrorBody)))]
#[get("/practical/templates/{id}/{version}")]
pub async fn template(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewPractical>,
    path: web::Path<(String, u32)>,
) -> ApiResult<web::Json<SheetTemplate>> {
    let (id, version) = path.into_inner();
    Ok(web::Json(
        practical::get_template(&state, &id, Some(version)).await?,
    ))
}

/// Schedule a practical session; unqualified assessors are refused with every reason.
#[utoipa::path(post, path = "/api/v1/practical/sessions", tag = "practical", request_body = CreatePracticalSessionRequest,
    security(("bearer" = [])), responses((status = 200, body = PracticalSessionView), (status = 422, body = ErrorBody)))]
#[post("/practical/sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    who: Authorized<can::ManagePractical>,
    body: web::Json<CreatePracticalSessionRequest>,
) -> ApiResult<web::Json<PracticalSessionView>> {
    Ok(web::Json(
        practical::create_session(&state, &who.principal, body.into_inner()).await?,
    ))
}

/// Practical sessions.
#[utoipa::path(get, path = "/api/v1/practical/sessions", tag = "practical", security(("bearer" = [])),
    responses((status = 200, body = Vec<PracticalSessionView>)))]
#[get("/practical/sessions")]
pub async fn sessions(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewPractical>,
) -> ApiResult<web::Json<Vec<PracticalSessionView>>> {
    Ok(web::Json(practical::list_sessions(&state).await?))
}

/// One practical session.
#[utoipa::path(get, path = "/api/v1/practical/sessions/{id}", tag = "practical", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Practical session id")),
    responses((status = 200, body = PracticalSessionView), (status = 404, body = ErrorBody)))]
#[get("/practical/sessions/{id}")]
pub async fn session_one(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewPractical>,
    id: web::Path<i64>,
) -> ApiResult<web::Json<PracticalSessionView>> {
    Ok(web::Json(
        practical::get_session(&state, id.into_inner()).await?,
    ))
}

/// Register a candidate (retake rules apply).
#[utoipa::path(post, path = "/api/v1/practical/sessions/{id}/candidates", tag = "practical",
    request_body = RegisterPracticalCandidateRequest, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Practical session id")),
    responses((status = 200, body = PracticalCandidateView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/practical/sessions/{id}/candidates")]
pub async fn register_candidate(
    state: web::Data<AppState>,
    who: Authorized<can::ManagePractical>,
    id: web::Path<i64>,
    body: web::Json<RegisterPracticalCandidateRequest>,
) -> ApiResult<web::Json<PracticalCandidateView>> {
    Ok(web::Json(
        practical::register_candidate(&state, &who.principal, id.into_inner(), body.into_inner())
            .await?,
    ))
}

/// Candidates with sheet progress and signed-off results.
#[utoipa::path(get, path = "/api/v1/practical/sessions/{id}/candidates", tag = "practical", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Practical session id")),
    responses((status = 200, body = Vec<PracticalCandidateView>)))]
#[get("/practical/sessions/{id}/candidates")]
pub async fn candidates(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewPractical>,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Vec<PracticalCandidateView>>> {
    Ok(web::Json(
        practical::list_candidates(&state, id.into_inner()).await?,
    ))
}

/// The sheets of a candidate the caller may see (see the service for the rule).
#[utoipa::path(get, path = "/api/v1/practical/sessions/{id}/candidates/{candidate}/sheets", tag = "practical",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Practical session id"), ("candidate" = i64, Path, description = "Candidate id")),
    responses((status = 200, body = Vec<SheetView>)))]
#[get("/practical/sessions/{id}/candidates/{candidate}/sheets")]
pub async fn sheets(
    state: web::Data<AppState>,
    who: Authorized<can::ViewPractical>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<web::Json<Vec<SheetView>>> {
    let (session, candidate) = path.into_inner();
    Ok(web::Json(
        practical::list_sheets(&state, &who.principal, session, candidate).await?,
    ))
}

/// Record my sheet for a candidate (draft), or correct my signed sheet with a reason.
#[utoipa::path(put, path = "/api/v1/practical/sessions/{id}/candidates/{candidate}/sheet", tag = "practical",
    request_body = WriteSheetRequest, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Practical session id"), ("candidate" = i64, Path, description = "Candidate id")),
    responses((status = 200, body = SheetView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/practical/sessions/{id}/candidates/{candidate}/sheet")]
pub async fn write_sheet(
    state: web::Data<AppState>,
    who: Authorized<can::ScorePractical>,
    path: web::Path<(i64, i64)>,
    body: web::Json<WriteSheetRequest>,
) -> ApiResult<web::Json<SheetView>> {
    let (session, candidate) = path.into_inner();
    Ok(web::Json(
        practical::write_sheet(
            &state,
            &who.principal,
            session,
            candidate,
            body.into_inner(),
        )
        .await?,
    ))
}

/// Sign my draft sheet; it never changes afterwards.
#[utoipa::path(post, path = "/api/v1/practical/sessions/{id}/candidates/{candidate}/sheet/sign", tag = "practical",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Practical session id"), ("candidate" = i64, Path, description = "Candidate id")),
    responses((status = 200, body = SheetView), (status = 409, body = ErrorBody)))]
#[post("/practical/sessions/{id}/candidates/{candidate}/sheet/sign")]
pub async fn sign_sheet(
    state: web::Data<AppState>,
    who: Authorized<can::ScorePractical>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<web::Json<SheetView>> {
    let (session, candidate) = path.into_inner();
    Ok(web::Json(
        practical::sign_sheet(&state, &who.principal, session, candidate).await?,
    ))
}

/// The chief examiner signs off the candidate's combined result.
#[utoipa::path(post, path = "/api/v1/practical/sessions/{id}/candidates/{candidate}/signoff", tag = "practical",
    request_body = SignOffRequest, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Practical session id"), ("candidate" = i64, Path, description = "Candidate id")),
    responses((status = 200, body = PracticalCandidateView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/practical/sessions/{id}/candidates/{candidate}/signoff")]
pub async fn sign_off(
    state: web::Data<AppState>,
    who: Authorized<can::ScorePractical>,
    path: web::Path<(i64, i64)>,
    body: web::Json<SignOffRequest>,
) -> ApiResult<web::Json<PracticalCandidateView>> {
    let (session, candidate) = path.into_inner();
    Ok(web::Json(
        practical::sign_off(
            &state,
            &who.principal,
            session,
            candidate,
            body.into_inner(),
        )
        .await?,
    ))
}

/// Theory and practical joined per candidate: both ≥ 70 → passed, valid one year.
#[utoipa::path(get, path = "/api/v1/practical/sessions/{id}/results", tag = "practical", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Practical session id")),
    responses((status = 200, body = Vec<JointResultView>), (status = 403, body = ErrorBody)))]
#[get("/practical/sessions/{id}/results")]
pub async fn results(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewResults>,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Vec<JointResultView>>> {
    Ok(web::Json(
        practical::joint_results(&state, id.into_inner()).await?,
    ))
}
