//! HTTP routes: thin handlers, one module per resource. Each extracts, checks the role
//! matrix, calls one service function and returns JSON.

pub mod auth;
pub mod banks;
pub mod exam;
pub mod health;
pub mod openapi;
pub mod sessions;
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
    .service(openapi::openapi_json)
    .service(
        web::scope("/api/v1")
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
            .service(sessions::list_candidates)
            .service(sessions::approve_takeover)
            .service(sessions::results)
            .service(exam::view)
            .service(exam::start)
            .service(exam::save_answer)
            .service(exam::submit),
    )
    .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    actix_web::ResponseError::error_response(&ApiError::invalid_route(req.path()))
}
