//! Reading a `multipart/form-data` body into memory: text fields and one file.

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::error::{ApiError, ApiResult};

/// An uploaded file.
#[derive(Debug, Default)]
pub struct UploadedFile {
    /// File name as the browser sent it (may be empty when no file was chosen).
    pub name: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// A multipart form read whole.
#[derive(Debug, Default)]
pub struct UploadForm {
    /// Text fields in the order sent (a repeated name appears repeatedly).
    pub fields: Vec<(String, String)>,
    /// The part named `file`, if sent.
    pub file: Option<UploadedFile>,
}

/// Room for the text fields sent next to a file, on top of the file's own limit.
pub const FORM_OVERHEAD: usize = 64 * 1024;

/// The refusal of a body (or file) over `max_bytes`.
pub fn too_large(max_bytes: usize) -> ApiError {
    ApiError::invalid(
        "file_too_large",
        format!("文件超过 {} MB", max_bytes / 1024 / 1024),
    )
}

impl UploadForm {
    /// Whether text field `name` was sent at all.
    pub fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|(k, _)| k == name)
    }

    /// The first value of text field `name`, trimmed; empty when absent.
    pub fn text(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }
}

/// Read every part of `form`: the part named `file` as a file, every other one as a text
/// field. Refuses a body larger than `max_bytes` in all (`file_too_large`) and a
/// malformed one (400).
pub async fn read_form(mut form: Multipart, max_bytes: usize) -> ApiResult<UploadForm> {
    let mut out = UploadForm::default();
    let mut total = 0usize;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| ApiError::MalformedRequest(e.to_string()))?;
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename().map(str::to_owned));
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| ApiError::MalformedRequest(e.to_string()))?;
            total += chunk.len();
            if total > max_bytes {
                return Err(too_large(max_bytes));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "file" {
            out.file = Some(UploadedFile {
                name: file_name.unwrap_or_default(),
                bytes,
            });
        } else {
            out.fields
                .push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    Ok(out)
}
