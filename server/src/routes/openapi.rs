//! The OpenAPI document, generated from the handlers' annotations.

use actix_web::{get, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    archives, auth, banks, exam, health, institution, practical, reports, sessions, users,
};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "CraneExam 起重机作业人员考试系统 API", description = "Theory exam sessions, candidates, answers and results."),
    paths(
        health::healthz, auth::login, auth::candidate_login, users::create, users::list,
        banks::import, banks::overview, banks::export, banks::template,
        sessions::create, sessions::list, sessions::get, sessions::open, sessions::register_candidate, sessions::import_candidates,
        sessions::list_candidates, sessions::approve_takeover, sessions::extend_time, sessions::candidate_action, sessions::session_action, sessions::results, sessions::exposure, exam::view, exam::start, exam::save_answer, exam::submit,
        institution::get_profile, institution::put_profile, institution::compliance, institution::terminals,
        institution::add_terminal, institution::assessors, institution::register_assessor, institution::update_assessor,
        practical::templates, practical::template, practical::create_session, practical::sessions, practical::session_one,
        practical::register_candidate, practical::candidates, practical::sheets, practical::write_sheet,
        practical::sign_sheet, practical::sign_off, practical::results,
        archives::pull, archives::keys, archives::record, archives::purge, archives::transmission,
        reports::statistics, reports::analysis, reports::summary, reports::qti,
        reports::transcript, reports::session_report
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Serve the OpenAPI document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "health", responses((status = 200, description = "OpenAPI 3.1 document")))]
#[get("/api/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
