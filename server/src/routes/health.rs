//! Liveness.

use actix_web::{get, web, HttpResponse};
use serde_json::json;

use crate::service::AppState;

/// Liveness and database check.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "Server and database are up")))]
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match state.store.list_sessions().await {
        Ok(_) => HttpResponse::Ok()
            .json(json!({ "status": "ok", "bank_version": state.catalog.current().version().0 })),
        Err(e) => {
            tracing::error!(error = ?e, "health check failed");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable" }))
        }
    }
}
