//! `GET /metrics`: the Prometheus text exposition, for operators' monitoring.

use actix_web::http::header::AUTHORIZATION;
use actix_web::{get, web, HttpRequest, HttpResponse};

use crate::error::ApiResult;
use crate::metrics::may_scrape;
use crate::service::AppState;

/// Served to loopback callers, and to others with `Authorization: Bearer <metrics_token>`.
#[get("/metrics")]
pub async fn scrape(req: HttpRequest, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let authorization = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    may_scrape(
        req.peer_addr().map(|a| a.ip()),
        authorization,
        &state.settings.metrics_token.0,
    )?;
    let text = state.metrics.render(&state.store).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}
