//! Question-bank import (a new version, atomically) and export, for examiners.

use std::sync::Arc;

use question_bank::check::{self, Coverage};
use question_bank::formats::{self, Format, ImportOptions};
use question_bank::wire::{BankImportReport, BankOverview};
use question_bank::{Area, Bank, BankErrors, BankIssue, Blueprint, Subject};

use super::{validate, AppState};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::store::banks::NewImport;

/// Largest bank file accepted.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// An uploaded bank file and what to assume for what it does not say.
#[derive(Debug, Default)]
pub struct Upload {
    /// File name as uploaded.
    pub file_name: String,
    /// File content.
    pub bytes: Vec<u8>,
    /// Format code; guessed from the file name when absent.
    pub format: Option<String>,
    /// Scope for rows without one (`Q1`, `Q2`, `Q2-bridge`...); default `Q1`... required
    /// unless every row names its own.
    pub scope: Option<String>,
    /// Area for rows without one.
    pub area: Option<String>,
    /// Topic for rows without one.
    pub topic: Option<String>,
    /// Difficulty for rows without one.
    pub difficulty: Option<String>,
    /// Import valid rows, report the rest.
    pub skip_invalid: bool,
}

fn invalid_bank(e: BankErrors) -> ApiError {
    ApiError::InvalidBank {
        message: format!("题库文件有 {} 处错误，未导入任何题目", e.0.len()),
        details: e.0.iter().map(ToString::to_string).collect(),
    }
}

/// Parse the upload's options into import options, rejecting bad values.
fn import_options(u: &Upload) -> ApiResult<(Format, ImportOptions)> {
    let format = match u.format.as_deref().filter(|f| !f.is_empty()) {
        Some(code) => Format::parse(code).ok_or_else(|| {
            ApiError::invalid(
                "invalid_format",
                format!("不支持的格式 `{code}`，可用：toml、xlsx、csv、moodle、gift、aiken、qti21、qti30"),
            )
        })?,
        None => Format::from_file_name(&u.file_name).ok_or_else(|| {
            ApiError::invalid(
                "invalid_format",
                format!("无法从文件名 `{}` 判断格式，请指定 format", u.file_name),
            )
        })?,
    };
    let scope = validate::subject(u.scope.as_deref().filter(|s| !s.is_empty()).unwrap_or("Q1"))?;
    let stem = u
        .file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let bank_id: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let bank_id = if bank_id.trim_matches('-').is_empty() {
        "import".to_owned()
    } else {
        bank_id
    };
    let mut opts = ImportOptions::new(&bank_id, scope);
    opts.title = u.file_name.clone();
    opts.skip_invalid = u.skip_invalid;
    if let Some(a) = u.area.as_deref().filter(|a| !a.is_empty()) {
        opts.area =
            Some(Area::parse(a).ok_or_else(|| {
                ApiError::invalid("invalid_area", format!("知识领域 `{a}` 无效"))
            })?);
    }
    opts.topic = u.topic.clone().filter(|t| !t.trim().is_empty());
    if let Some(d) = u.difficulty.as_deref().filter(|d| !d.is_empty()) {
        opts.difficulty = Some(
            d.parse::<u8>()
                .ok()
                .filter(|d| (1..=5).contains(d))
                .ok_or_else(|| ApiError::invalid("invalid_difficulty", "难度应为 1–5"))?,
        );
    }
    Ok((format, opts))
}

/// Quality warnings for a bank: near-duplicates and pool problems per subject.
pub fn bank_warnings(bank: &Bank) -> Vec<String> {
    let file = question_bank::bank::BankFile {
        header: question_bank::bank::BankHeader {
            id: "bank".to_owned(),
            title: String::new(),
            scope: Subject::Q1,
        },
        rows: bank.questions().iter().map(|_| 0).collect(),
        questions: bank.questions().to_vec(),
    };
    let mut out: Vec<String> = check::lint(&[(bank.version().0.clone(), file)])
        .into_iter()
        .map(|w| format!("{}: {}", w.field, w.reason))
        .collect();
    for subject in check::subjects(bank) {
        out.extend(Coverage::of(bank, &Blueprint::standard(subject)).warnings());
    }
    out
}

/// Why an import was refused.
#[derive(Debug)]
pub enum ImportFailure {
    /// The file's own problems, one per broken row (file, row, field, reason); nothing
    /// was imported.
    Rows(Vec<BankIssue>),
    /// Anything else: bad options, `bank_changed`, storage.
    Other(ApiError),
}

impl From<ApiError> for ImportFailure {
    fn from(e: ApiError) -> Self {
        ImportFailure::Other(e)
    }
}

impl From<sqlx::Error> for ImportFailure {
    fn from(e: sqlx::Error) -> Self {
        ImportFailure::Other(e.into())
    }
}

impl From<ImportFailure> for ApiError {
    fn from(f: ImportFailure) -> Self {
        match f {
            ImportFailure::Rows(issues) => invalid_bank(BankErrors(issues)),
            ImportFailure::Other(e) => e,
        }
    }
}

/// Import a file as a new bank version: the current questions plus the file's (same id
/// replaces). All or nothing: a file with any broken row imports nothing unless
/// `skip_invalid`; the new version is stored and made current in one transaction.
pub async fn import_bank(
    state: &AppState,
    by: &Principal,
    upload: Upload,
) -> ApiResult<BankImportReport> {
    Ok(import_bank_itemised(state, by, upload).await?)
}

/// [`import_bank`], with a broken file's problems kept as structured issues (the web
/// console shows them as a table).
pub async fn import_bank_itemised(
    state: &AppState,
    by: &Principal,
    upload: Upload,
) -> Result<BankImportReport, ImportFailure> {
    if upload.bytes.is_empty() {
        return Err(ApiError::invalid("empty_file", "上传的文件为空").into());
    }
    let (format, opts) = import_options(&upload)?;
    let imported = formats::import(format, &upload.file_name, &upload.bytes, &opts)
        .map_err(|e| ImportFailure::Rows(e.0))?;
    if imported.file.questions.is_empty() {
        return Err(ImportFailure::Rows(imported.skipped));
    }
    let _guard = state.catalog.import_lock.lock().await;
    let current = state.catalog.current();
    let (bank, added, replaced) = current
        .merge(imported.file.questions)
        .map_err(|e| ImportFailure::Rows(e.0))?;
    let skipped: Vec<String> = imported.skipped.iter().map(ToString::to_string).collect();
    let id = state
        .store
        .record_import(
            &bank,
            NewImport {
                previous_version: &current.version().0,
                file_name: &upload.file_name,
                format: format.code(),
                added,
                replaced,
                skipped: skipped.len(),
                imported_by: &by.name,
            },
            state.catalog.bundled_version(),
        )
        .await?;
    state
        .store
        .audit(
            &by.name,
            "bank.import",
            &format!("bank_import:{id}"),
            &format!(
                "{} {} +{added} ~{replaced} -{} → {}",
                upload.file_name,
                format.code(),
                skipped.len(),
                bank.version()
            ),
        )
        .await?;
    tracing::info!(version = %bank.version(), added, replaced, "bank imported");
    let report = BankImportReport {
        version: bank.version().0.clone(),
        previous_version: current.version().0.clone(),
        file_name: upload.file_name,
        format: format.code().to_owned(),
        added,
        replaced,
        skipped,
        question_count: bank.questions().len(),
        warnings: bank_warnings(&bank),
    };
    state.catalog.set_current(Arc::new(bank));
    Ok(report)
}

/// The current bank, its pools and the import history.
pub async fn overview(state: &AppState) -> ApiResult<BankOverview> {
    let bank = state.catalog.current();
    Ok(BankOverview {
        version: bank.version().0.clone(),
        question_count: bank.questions().len(),
        pools: check::subjects(&bank)
            .into_iter()
            .map(|s| (s.code(), bank.pool(s).count()))
            .collect(),
        imports: state.store.bank_imports().await?,
    })
}

/// A stored version (the current one by default) written as `format`; returns the bytes
/// and a file name.
pub async fn export_bank(
    state: &AppState,
    format: &str,
    version: Option<&str>,
) -> ApiResult<(Vec<u8>, Format, String)> {
    let format = Format::parse(format)
        .filter(|f| f.can_export())
        .ok_or_else(|| {
            ApiError::invalid(
                "invalid_format",
                format!(
                    "不支持导出为 `{format}`，可用：toml、xlsx、csv、moodle、gift、qti21、qti30"
                ),
            )
        })?;
    let bank = match version {
        Some(v) => state
            .catalog
            .version(v)
            .await
            .map_err(|_| ApiError::NotFound("题库版本"))?,
        None => state.catalog.current(),
    };
    let header = question_bank::bank::BankHeader {
        id: "craneexam".to_owned(),
        title: format!("CraneExam 题库 {}", bank.version()),
        scope: Subject::Q1,
    };
    let bytes = formats::export(format, &header, bank.questions());
    let name = format!("craneexam-{}.{}", bank.version(), format.extension());
    Ok((bytes, format, name))
}
