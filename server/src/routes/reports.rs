//! Statistics, item analysis, the result summary and per-candidate result documents.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use question_bank::analysis::Period;
use question_bank::wire::{ErrorBody, ItemAnalysisView, StatisticsView};
use serde::Deserialize;

use crate::auth::policy::{can, Authorized};
use crate::error::{ApiError, ApiResult};
use crate::service::reports::{self, SummaryFormat};
use crate::service::statistics::{item_analysis, StatsQuery};
use crate::service::{documents, AppState};
use question_bank::id_number::masked;

/// Filters shared by statistics, analysis and the summary.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// First exam day (inclusive), `YYYY-MM-DD`.
    from: Option<NaiveDate>,
    /// Last exam day (inclusive).
    to: Option<NaiveDate>,
    /// Subject code (`Q1`, `Q2-bridge`, ...).
    subject: Option<String>,
    /// Batch (批次).
    batch: Option<String>,
    /// Employer (工作单位), exact.
    employer: Option<String>,
    /// `theory` or `practical` (statistics only).
    kind: Option<String>,
    /// Trend period: `month` (default) or `day`.
    period: Option<Period>,
    /// Bank version (analysis only; default the current bank).
    bank_version: Option<String>,
    /// `csv` (default) or `xlsx` (summary only).
    format: Option<String>,
}

impl ReportParams {
    fn query(&self) -> StatsQuery {
        StatsQuery {
            from: self.from,
            to: self.to,
            subject: self.subject.clone(),
            batch: self.batch.clone(),
            employer: self.employer.clone(),
            kind: self.kind.clone(),
            period: self.period,
        }
    }
}

/// An attachment download.
pub fn attachment(bytes: Vec<u8>, content_type: &str, file_name: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::FilenameExt(
                actix_web::http::header::ExtendedValue {
                    charset: actix_web::http::header::Charset::Ext("UTF-8".into()),
                    language_tag: None,
                    value: file_name.into_bytes(),
                },
            )],
        })
        .body(bytes)
}

/// 统计查询: sealed results per subject and part, and the pass rate over time.
#[utoipa::path(get, path = "/api/v1/statistics", tag = "reports", params(ReportParams),
    security(("bearer" = [])),
    responses((status = 200, body = StatisticsView), (status = 422, body = ErrorBody)))]
#[get("/statistics")]
pub async fn statistics(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewReports>,
    params: web::Query<ReportParams>,
) -> ApiResult<web::Json<StatisticsView>> {
    Ok(web::Json(
        crate::service::statistics::statistics(&state, &params.query()).await?,
    ))
}

/// 试题分析: facility, discrimination, point-biserial, distractors and review flags of
/// a bank version's items, and each session's KR-20, over sealed theory papers.
#[utoipa::path(get, path = "/api/v1/analysis", tag = "reports", params(ReportParams),
    security(("bearer" = [])),
    responses((status = 200, body = ItemAnalysisView), (status = 404, body = ErrorBody)))]
#[get("/analysis")]
pub async fn analysis(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewReports>,
    params: web::Query<ReportParams>,
) -> ApiResult<web::Json<ItemAnalysisView>> {
    Ok(web::Json(
        item_analysis(&state, params.bank_version.as_deref(), &params.query()).await?,
    ))
}

/// 汇总报表: one row per person, subject and batch with both scores and the result, as
/// CSV (UTF-8 with BOM) or XLSX.
#[utoipa::path(get, path = "/api/v1/reports/summary", tag = "reports", params(ReportParams),
    security(("bearer" = [])),
    responses((status = 200, description = "CSV or XLSX file"), (status = 422, body = ErrorBody)))]
#[get("/reports/summary")]
pub async fn summary(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewReports>,
    params: web::Query<ReportParams>,
) -> ApiResult<HttpResponse> {
    let format = match params.format.as_deref() {
        None | Some("csv") => SummaryFormat::Csv,
        Some("xlsx") => SummaryFormat::Xlsx,
        Some(_) => {
            return Err(ApiError::invalid(
                "invalid_format",
                "format 只能是 csv 或 xlsx",
            ))
        }
    };
    let (bytes, content_type, name) =
        reports::summary_file(&state, &params.query(), format).await?;
    Ok(attachment(bytes, content_type, name))
}

/// The QTI 3.0 result document of one sealed theory record.
#[utoipa::path(get, path = "/api/v1/archives/records/{hash}/qti", tag = "reports",
    params(("hash" = String, Path, description = "Record hash")), security(("bearer" = [])),
    responses((status = 200, description = "QTI 3.0 assessmentResult XML"), (status = 404, body = ErrorBody)))]
#[get("/archives/records/{hash}/qti")]
pub async fn qti(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewReports>,
    hash: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let xml = reports::qti_result(&state, &hash).await?;
    Ok(attachment(
        xml.into_bytes(),
        "application/xml; charset=utf-8",
        format!("qti-result-{}.xml", &hash[..16.min(hash.len())]),
    ))
}

/// Whose 成绩单.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TranscriptParams {
    /// 18-character ID number.
    id_number: String,
    /// Subject code (`Q1`, `Q2-bridge`, ...).
    subject: String,
}

/// 成绩单 (score report) PDF of one person for one subject, from the sealed records,
/// with the verification hash of the latest record.
#[utoipa::path(get, path = "/api/v1/reports/transcript", tag = "reports", params(TranscriptParams),
    security(("bearer" = [])),
    responses((status = 200, description = "PDF"), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
#[get("/reports/transcript")]
pub async fn transcript(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewReports>,
    params: web::Query<TranscriptParams>,
) -> ApiResult<HttpResponse> {
    let pdf = documents::transcript(&state, &params.id_number, &params.subject).await?;
    Ok(attachment(
        pdf,
        "application/pdf",
        format!(
            "成绩单_{}_{}.pdf",
            params.subject,
            masked(&params.id_number)
        ),
    ))
}

/// Format of a session report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatParam {
    /// `pdf` (default) or `xlsx`.
    format: Option<String>,
}

/// 考试场次报告 of a sealed theory session: attendance, pass rate, score distribution,
/// area sub-scores, invigilator actions, the subject's pass-rate trend.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/report", tag = "reports",
    params(("id" = i64, Path, description = "Session id"), FormatParam), security(("bearer" = [])),
    responses((status = 200, description = "PDF or XLSX"), (status = 409, body = ErrorBody), (status = 503, body = ErrorBody)))]
#[get("/sessions/{id}/report")]
pub async fn session_report(
    state: web::Data<AppState>,
    _who: Authorized<can::ViewReports>,
    id: web::Path<i64>,
    params: web::Query<FormatParam>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    match params.format.as_deref() {
        None | Some("pdf") => Ok(attachment(
            documents::session_report_pdf(&state, id).await?,
            "application/pdf",
            format!("考试场次报告_{id}.pdf"),
        )),
        Some("xlsx") => Ok(attachment(
            documents::session_report_xlsx(&state, id).await?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("考试场次报告_{id}.xlsx"),
        )),
        Some(_) => Err(ApiError::invalid(
            "invalid_format",
            "format 只能是 pdf 或 xlsx",
        )),
    }
}
