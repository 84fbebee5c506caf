//! The candidate's own paper. A candidate token reaches only its own candidate's paper.

use actix_web::{get, post, put, web};
use question_bank::wire::{
    ErrorBody, ExamView, SaveAnswerRequest, SaveAnswerResponse, SubmitResult,
};

use crate::auth::policy::{can, Authorized};
use crate::error::ApiResult;
use crate::service::{exam, AppState};

/// My exam: identity, session state, deadline, and the questions once started.
#[utoipa::path(get, path = "/api/v1/exam", tag = "exam", security(("bearer" = [])),
    responses((status = 200, body = ExamView), (status = 403, body = ErrorBody)))]
#[get("/exam")]
pub async fn view(
    state: web::Data<AppState>,
    who: Authorized<can::TakeExam>,
) -> ApiResult<web::Json<ExamView>> {
    Ok(web::Json(
        exam::exam_view(&state, who.principal.id, &who.principal.terminal.id).await?,
    ))
}

/// Start (or resume) my paper once the session is open. A paper open on another terminal
/// answers 409 `takeover_required` until an invigilator approves the move (or moves at
/// once under the session's `automatic` policy); the old terminal then gets 409
/// `taken_over` and sees no questions.
#[utoipa::path(post, path = "/api/v1/exam/start", tag = "exam", security(("bearer" = [])),
    responses((status = 200, body = ExamView), (status = 409, body = ErrorBody)))]
#[post("/exam/start")]
pub async fn start(
    state: web::Data<AppState>,
    who: Authorized<can::TakeExam>,
) -> ApiResult<web::Json<ExamView>> {
    let p = &who.principal;
    Ok(web::Json(
        exam::start_exam(&state, p.id, &p.terminal).await?,
    ))
}

/// Save one answer. Returns only after the answer is durable.
#[utoipa::path(put, path = "/api/v1/exam/answers/{no}", tag = "exam", request_body = SaveAnswerRequest, security(("bearer" = [])),
    params(("no" = u16, Path, description = "Question number, 1-based")),
    responses((status = 200, body = SaveAnswerResponse), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/exam/answers/{no}")]
pub async fn save_answer(
    state: web::Data<AppState>,
    who: Authorized<can::TakeExam>,
    no: web::Path<u16>,
    body: web::Json<SaveAnswerRequest>,
) -> ApiResult<web::Json<SaveAnswerResponse>> {
    Ok(web::Json(
        exam::save_answer(
            &state,
            who.principal.id,
            &who.principal.terminal.id,
            no.into_inner(),
            body.into_inner(),
        )
        .await?,
    ))
}

/// Submit and score my paper (idempotent).
#[utoipa::path(post, path = "/api/v1/exam/submit", tag = "exam", security(("bearer" = [])),
    responses((status = 200, body = SubmitResult), (status = 409, body = ErrorBody)))]
#[post("/exam/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    who: Authorized<can::TakeExam>,
) -> ApiResult<web::Json<SubmitResult>> {
    Ok(web::Json(
        exam::submit_exam(&state, who.principal.id, &who.principal.terminal.id).await?,
    ))
}
