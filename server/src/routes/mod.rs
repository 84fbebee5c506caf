//! HTTP routes: thin handlers, one module per resource. Each extracts, checks the role
//! matrix, calls one service function and returns JSON.

pub mod archives;
pub mod auth;
pub mod banks;
pub mod exam;
pub mod health;
pub mod institution;
pub mod metrics;
pub mod openapi;
pub mod practical;
pub mod reports;
pub mod sessions;
pub mod upload;
pub mod users;

use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;

/// Register every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(64 * 1024)
            .error_handler(|e, _| ApiError::MalformedRequest(e.to_string()).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|e, _| ApiError::MalformedRequest(e.to_string()).into()),
    )
    .app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| ApiError::MalformedRequest(e.to_string()).into()),
    )
    .service(health::healthz)
    .service(metrics::scrape)
    .service(openapi::openapi_json)
    .service(
        // The router tries routes in this order, and nothing else overlaps `/exam/...`:
        // the candidates' routes, answer saves above all, come first.
        web::scope("/api/v1")
            .service(exam::view)
            .service(exam::start)
            .service(exam::save_answer)
            .service(exam::submit)
            .service(auth::login)
            .service(auth::candidate_login)
            .service(users::create)
            .service(users::list)
            .service(banks::import)
            .service(banks::overview)
            .service(banks::export)
            .service(banks::template)
            .service(sessions::create)
            .service(sessions::list)
            .service(sessions::get)
            .service(sessions::exposure)
            .service(sessions::open)
            .service(sessions::register_candidate)
            .service(sessions::import_candidates)
            .service(sessions::list_candidates)
            .service(sessions::approve_takeover)
            .service(sessions::extend_time)
            .service(sessions::candidate_action)
            .service(sessions::session_action)
            .service(sessions::results)
            .service(institution::get_profile)
            .service(institution::put_profile)
            .service(institution::compliance)
            .service(institution::terminals)
            .service(institution::add_terminal)
            .service(institution::assessors)
            .service(institution::register_assessor)
            .service(institution::update_assessor)
            .service(practical::templates)
            .service(practical::template)
            .service(practical::create_session)
            .service(practical::sessions)
            .service(practical::session_one)
            .service(practical::register_candidate)
            .service(practical::candidates)
            .service(practical::sheets)
            .service(practical::write_sheet)
            .service(practical::sign_sheet)
            .service(practical::sign_off)
            .service(practical::results)
            .service(archives::pull)
            .service(archives::keys)
            .service(archives::record)
            .service(archives::purge)
            .service(archives::transmission)
            .service(reports::statistics)
            .service(reports::analysis)
            .service(reports::summary)
            .service(reports::qti)
            .service(reports::transcript)
            .service(reports::session_report),
    )
    .configure(crate::console::configure)
    .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    actix_web::ResponseError::error_response(&ApiError::invalid_route(req.path()))
}
