//! Sealed archives for certification bodies, retention purges, and the delivery log.

use actix_web::{get, post, web};
use chrono::NaiveDate;
use question_bank::archive::SealedRecord;
use question_bank::wire::{
    ArchiveKeyView, ArchivePage, DeliveryStatus, ErrorBody, PurgeReport, PurgeRequest,
};
use serde::Deserialize;

use crate::auth::policy::{can, Authorized};
use crate::error::ApiResult;
use crate::service::archive::{self, PullQuery};
use crate::service::{delivery, AppState};

/// Query of the pull API.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PullParams {
    /// `next_cursor` of the previous page; omit for the first page.
    after: Option<String>,
    /// Page size, 1–1000 (default 100).
    limit: Option<u32>,
    /// First exam day (inclusive), `YYYY-MM-DD`.
    from: Option<NaiveDate>,
    /// Last exam day (inclusive).
    to: Option<NaiveDate>,
    /// Subject code (`Q1`, `Q2-bridge`, ...).
    subject: Option<String>,
    /// Batch (批次).
    batch: Option<String>,
    /// `theory` or `practical`.
    kind: Option<String>,
}

/// Sealed records in chain order, a page at a time. Resume with `after=next_cursor`; a
/// body that stores the last cursor pulls each record exactly once.
#[utoipa::path(get, path = "/api/v1/archives", tag = "archives", params(PullParams),
    security(("bearer" = [])),
    responses((status = 200, body = ArchivePage), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/archives")]
pub async fn pull(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewArchives>,
    query: web::Query<PullParams>,
) -> ApiResult<web::Json<ArchivePage>> {
    let q = query.into_inner();
    Ok(web::Json(
        archive::pull(
            &state,
            &PullQuery {
                after: q.after,
                limit: q.limit,
                from: q.from,
                to: q.to,
                subject: q.subject,
                batch: q.batch,
                kind: q.kind,
            },
        )
        .await?,
    ))
}

/// The public keys that sign archive records (no sign-in needed: they are public).
#[utoipa::path(get, path = "/api/v1/archives/keys", tag = "archives",
    responses((status = 200, body = Vec<ArchiveKeyView>)))]
#[get("/archives/keys")]
pub async fn keys(state: web::Data<AppState>) -> ApiResult<web::Json<Vec<ArchiveKeyView>>> {
    Ok(web::Json(archive::keys(&state).await?))
}

/// One record by its hash (the 核验码 printed on score reports).
#[utoipa::path(get, path = "/api/v1/archives/records/{hash}", tag = "archives",
    params(("hash" = String, Path, description = "SHA-256 of the record, 64 hex")),
    security(("bearer" = [])),
    responses((status = 200, body = SealedRecord), (status = 404, body = ErrorBody)))]
#[get("/archives/records/{hash}")]
pub async fn record(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewArchives>,
    hash: web::Path<String>,
) -> ApiResult<web::Json<SealedRecord>> {
    Ok(web::Json(archive::by_hash(&state, &hash).await?))
}

/// Remove records past the retention period (a prefix of the chain); logged.
#[utoipa::path(post, path = "/api/v1/archives/purge", tag = "archives", request_body = PurgeRequest,
    security(("bearer" = [])),
    responses((status = 200, body = PurgeReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/archives/purge")]
pub async fn purge(
    state: web::Data<AppState>,
    who: Authorized<can::PurgeArchives>,
    body: web::Json<PurgeRequest>,
) -> ApiResult<web::Json<PurgeReport>> {
    Ok(web::Json(
        archive::purge(&state, &who.principal, body.into_inner()).await?,
    ))
}

/// Delivery of result summaries to the issuing authority: counts and latest attempts.
#[utoipa::path(get, path = "/api/v1/transmission", tag = "archives", security(("bearer" = [])),
    responses((status = 200, body = DeliveryStatus), (status = 403, body = ErrorBody)))]
#[get("/transmission")]
pub async fn transmission(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewReports>,
) -> ApiResult<web::Json<DeliveryStatus>> {
    Ok(web::Json(delivery::status(&state).await?))
}
