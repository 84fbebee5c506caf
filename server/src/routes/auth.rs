//! Sign-in.

use actix_web::{post, web};
use question_bank::wire::{CandidateLoginRequest, ErrorBody, LoginRequest, TokenResponse};

use crate::error::ApiResult;
use crate::service::{login as service, AppState};

/// Staff sign-in (admin, examiner, assessor, certifier).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    Ok(web::Json(
        service::staff_login(&state, body.into_inner()).await?,
    ))
}

/// Candidate sign-in with admission ticket and ID number.
#[utoipa::path(post, path = "/api/v1/auth/candidate", tag = "auth", request_body = CandidateLoginRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/auth/candidate")]
pub async fn candidate_login(
    state: web::Data<AppState>,
    body: web::Json<CandidateLoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    Ok(web::Json(
        service::candidate_login(&state, body.into_inner()).await?,
    ))
}
