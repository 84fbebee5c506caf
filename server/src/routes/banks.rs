//! Question banks: import (multipart upload), export (download), template, history.

use actix_multipart::Multipart;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, post, web, HttpResponse};
use question_bank::formats::tabular;
use question_bank::wire::{BankImportReport, BankOverview, ErrorBody};
use serde::Deserialize;

use super::upload::{read_form, too_large, FORM_OVERHEAD};
use crate::auth::policy::{can, Authorized};
use crate::error::{ApiError, ApiResult};
use crate::service::banks::{self, Upload, MAX_UPLOAD_BYTES};
use crate::service::AppState;

/// Read the multipart form: a `file` part (at most `MAX_UPLOAD_BYTES`) plus the optional
/// text fields `format`, `scope`, `area`, `topic`, `difficulty`, `skip_invalid`.
async fn read_upload(body: Multipart) -> ApiResult<Upload> {
    const OPTIONS: [&str; 6] = [
        "format",
        "scope",
        "area",
        "topic",
        "difficulty",
        "skip_invalid",
    ];
    let mut form = read_form(body, MAX_UPLOAD_BYTES + FORM_OVERHEAD).await?;
    if let Some((other, _)) = form
        .fields
        .iter()
        .find(|(k, _)| !OPTIONS.contains(&k.as_str()))
    {
        return Err(ApiError::invalid(
            "unknown_field",
            format!("未知的表单字段 `{other}`"),
        ));
    }
    let Some(file) = form.file.take() else {
        return Err(ApiError::invalid(
            "missing_file",
            "缺少上传文件（表单字段 file）",
        ));
    };
    if file.bytes.len() > MAX_UPLOAD_BYTES {
        return Err(too_large(MAX_UPLOAD_BYTES));
    }
    let option = |name: &str| form.has(name).then(|| form.text(name).to_owned());
    Ok(Upload {
        file_name: if file.name.is_empty() {
            "upload".to_owned()
        } else {
            file.name
        },
        bytes: file.bytes,
        format: option("format"),
        scope: option("scope"),
        area: option("area"),
        topic: option("topic"),
        difficulty: option("difficulty"),
        skip_invalid: matches!(form.text("skip_invalid"), "true" | "1" | "on"),
    })
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
