//! The institution: profile, terminals, assessors and the compliance report.

use actix_web::{get, post, put, web};
use question_bank::practical::AssessorProfile;
use question_bank::wire::{
    AssessorView, ComplianceView, ErrorBody, InstitutionProfile, RegisterAssessorRequest,
    RegisterTerminalRequest, TerminalView,
};

use crate::auth::policy::{can, Authorized};
use crate::error::ApiResult;
use crate::service::{institution, AppState};

/// The institution profile.
#[utoipa::path(get, path = "/api/v1/institution", tag = "institution", security(("bearer" = [])),
    responses((status = 200, body = InstitutionProfile), (status = 403, body = ErrorBody)))]
#[get("/institution")]
pub async fn get_profile(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewInstitution>,
) -> ApiResult<web::Json<InstitutionProfile>> {
    Ok(web::Json(institution::profile(&state.store).await?))
}

/// Replace the institution profile.
#[utoipa::path(put, path = "/api/v1/institution", tag = "institution", request_body = InstitutionProfile,
    security(("bearer" = [])), responses((status = 200, body = InstitutionProfile), (status = 422, body = ErrorBody)))]
#[put("/institution")]
pub async fn put_profile(
    state: web::Data<AppState>,
    who: Authorized<can::ManageInstitution>,
    body: web::Json<InstitutionProfile>,
) -> ApiResult<web::Json<InstitutionProfile>> {
    Ok(web::Json(
        institution::set_profile(&state, &who.principal, body.into_inner()).await?,
    ))
}

/// Check the institution against the annex's rules: each rule, its figure, pass/fail.
#[utoipa::path(get, path = "/api/v1/institution/compliance", tag = "institution", security(("bearer" = [])),
    responses((status = 200, body = ComplianceView), (status = 403, body = ErrorBody)))]
#[get("/institution/compliance")]
pub async fn compliance(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewInstitution>,
) -> ApiResult<web::Json<ComplianceView>> {
    Ok(web::Json(institution::compliance(&state.store).await?))
}

/// Registered exam terminals.
#[utoipa::path(get, path = "/api/v1/terminals", tag = "institution", security(("bearer" = [])),
    responses((status = 200, body = Vec<TerminalView>)))]
#[get("/terminals")]
pub async fn terminals(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewInstitution>,
) -> ApiResult<web::Json<Vec<TerminalView>>> {
    Ok(web::Json(institution::terminals(&state).await?))
}

/// Register an exam terminal.
#[utoipa::path(post, path = "/api/v1/terminals", tag = "institution", request_body = RegisterTerminalRequest,
    security(("bearer" = [])), responses((status = 200, body = TerminalView), (status = 409, body = ErrorBody)))]
#[post("/terminals")]
pub async fn add_terminal(
    state: web::Data<AppState>,
    who: Authorized<can::ManageInstitution>,
    body: web::Json<RegisterTerminalRequest>,
) -> ApiResult<web::Json<TerminalView>> {
    Ok(web::Json(
        institution::add_terminal(&state, &who.principal, body.into_inner()).await?,
    ))
}

/// Assessors on file, each with the reasons they may not be assigned today.
#[utoipa::path(get, path = "/api/v1/assessors", tag = "institution", security(("bearer" = [])),
    responses((status = 200, body = Vec<AssessorView>)))]
#[get("/assessors")]
pub async fn assessors(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewInstitution>,
) -> ApiResult<web::Json<Vec<AssessorView>>> {
    Ok(web::Json(institution::assessors(&state).await?))
}

/// Register an assessor and their sign-in account.
#[utoipa::path(post, path = "/api/v1/assessors", tag = "institution", request_body = RegisterAssessorRequest,
    security(("bearer" = [])), responses((status = 200, body = AssessorView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[post("/assessors")]
pub async fn register_assessor(
    state: web::Data<AppState>,
    who: Authorized<can::ManageAssessors>,
    body: web::Json<RegisterAssessorRequest>,
) -> ApiResult<web::Json<AssessorView>> {
    Ok(web::Json(
        institution::register_assessor(&state, &who.principal, body.into_inner()).await?,
    ))
}

/// Update an assessor's profile (status, filing, title...).
#[utoipa::path(put, path = "/api/v1/assessors/{id}", tag = "institution", request_body = AssessorProfile,
    security(("bearer" = [])), params(("id" = i64, Path, description = "Assessor id")),
    responses((status = 200, body = AssessorView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/assessors/{id}")]
pub async fn update_assessor(
    state: web::Data<AppState>,
    who: Authorized<can::ManageAssessors>,
    id: web::Path<i64>,
    body: web::Json<AssessorProfile>,
) -> ApiResult<web::Json<AssessorView>> {
    Ok(web::Json(
        institution::update_assessor(&state, &who.principal, id.into_inner(), body.into_inner())
            .await?,
    ))
}
