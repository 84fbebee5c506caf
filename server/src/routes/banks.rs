//! Question banks: import (multipart upload), export (download), template, history.

use actix_multipart::Multipart;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, post, web, HttpResponse};
use futures_util::StreamExt;
use question_bank::formats::tabular;
use question_bank::wire::{BankImportReport, BankOverview, ErrorBody};
use serde::Deserialize;

use crate::auth::policy::{can, Authorized};
use crate::error::{ApiError, ApiResult};
use crate::service::banks::{self, Upload, MAX_UPLOAD_BYTES};
use crate::service::AppState;

/// Read the multipart form: a `file` part plus optional text fields.
async fn read_upload(mut form: Multipart) -> ApiResult<Upload> {
    let mut upload = Upload::default();
    let mut has_file = false;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| ApiError::MalformedRequest(e.to_string()))?;
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename().map(str::to_owned));
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| ApiError::MalformedRequest(e.to_string()))?;
            if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                return Err(ApiError::invalid(
                    "file_too_large",
                    format!("文件超过 {} MB", MAX_UPLOAD_BYTES / 1024 / 1024),
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
        match name.as_str() {
            "file" => {
                has_file = true;
                upload.file_name = file_name.unwrap_or_else(|| "upload".to_owned());
                upload.bytes = bytes;
            }
            "format" => upload.format = Some(text()),
            "scope" => upload.scope = Some(text()),
            "area" => upload.area = Some(text()),
            "topic" => upload.topic = Some(text()),
            "difficulty" => upload.difficulty = Some(text()),
            "skip_invalid" => upload.skip_invalid = matches!(text().as_str(), "true" | "1" | "on"),
            other => {
                return Err(ApiError::invalid(
                    "unknown_field",
                    format!("未知的表单字段 `{other}`"),
                ))
            }
        }
    }
    if !has_file {
        return Err(ApiError::invalid(
            "missing_file",
            "缺少上传文件（表单字段 file）",
        ));
    }
    Ok(upload)
}

/// Import a bank file as a new bank version (multipart/form-data: `file`, and optionally
/// `format`, `scope`, `area`, `topic`, `difficulty`, `skip_invalid`). Nothing is imported
/// from a file with errors unless `skip_invalid=true`; the errors come back in `details`.
#[utoipa::path(post, path = "/api/v1/banks/import", tag = "banks", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", content = String, description = "file + options"),
    responses((status = 200, body = BankImportReport), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/banks/import")]
pub async fn import(
    state: web::Data<AppState>,
    who: Authorized<can::ManageBanks>,
    form: Multipart,
) -> ApiResult<web::Json<BankImportReport>> {
    let upload = read_upload(form).await?;
    Ok(web::Json(
        banks::import_bank(&state, &who.principal, upload).await?,
    ))
}

/// The current bank version, its pools and the import history.
#[utoipa::path(get, path = "/api/v1/banks", tag = "banks", security(("bearer" = [])),
    responses((status = 200, body = BankOverview), (status = 403, body = ErrorBody)))]
#[get("/banks")]
pub async fn overview(
    state: web::Data<AppState>,
    _who: Authorized<can::ManageBanks>,
) -> ApiResult<web::Json<BankOverview>> {
    Ok(web::Json(banks::overview(&state).await?))
}

/// Export query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// `xlsx`, `csv`, `moodle`, `gift`, `qti21`, `qti30` or `toml`.
    pub format: String,
    /// A stored version; the current one when absent.
    pub version: Option<String>,
}

fn download(bytes: Vec<u8>, mime: &str, name: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(mime)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name)],
        })
        .body(bytes)
}

/// Download the bank in an interchange format.
#[utoipa::path(get, path = "/api/v1/banks/export", tag = "banks", security(("bearer" = [])), params(ExportQuery),
    responses((status = 200, description = "the file"), (status = 422, body = ErrorBody)))]
#[get("/banks/export")]
pub async fn export(
    state: web::Data<AppState>,
    _who: Authorized<can::ManageBanks>,
    query: web::Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let (bytes, format, name) =
        banks::export_bank(&state, &query.format, query.version.as_deref()).await?;
    Ok(download(bytes, format.mime(), name))
}

/// Download the empty Excel template, with a note on every column.
#[utoipa::path(get, path = "/api/v1/banks/template", tag = "banks", security(("bearer" = [])),
    responses((status = 200, description = "the .xlsx template")))]
#[get("/banks/template")]
pub async fn template(_who: Authorized<can::ManageBanks>) -> HttpResponse {
    download(
        tabular::template_xlsx(),
        question_bank::formats::Format::Xlsx.mime(),
        "craneexam-bank-template.xlsx".to_owned(),
    )
}
