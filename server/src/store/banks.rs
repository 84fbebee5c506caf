//! Stored bank versions and the import history that picks the current one.

use question_bank::wire::BankImportView;
use question_bank::Bank;

use super::with_db;
use super::Store;
use crate::clock::{now_millis, to_datetime, Millis};
use crate::error::ApiError;

/// An import to record with its new version.
pub struct NewImport<'a> {
    /// Version the import was applied to; the import fails if it is no longer current.
    pub previous_version: &'a str,
    /// Uploaded file name.
    pub file_name: &'a str,
    /// Format code.
    pub format: &'a str,
    /// Questions added.
    pub added: usize,
    /// Questions replaced.
    pub replaced: usize,
    /// Rows skipped.
    pub skipped: usize,
    /// Who imported.
    pub imported_by: &'a str,
}

#[derive(sqlx::FromRow)]
struct ImportRow {
    id: i64,
    version: String,
    previous_version: String,
    file_name: String,
    format: String,
    added: i64,
    replaced: i64,
    skipped: i64,
    imported_by: String,
    imported_at: Millis,
}

const INSERT_VERSION: &str =
    "INSERT INTO bank_versions (version, questions_json, question_count, loaded_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (version) DO NOTHING";

impl Store {
    /// Store a bank version unless it is already there.
    #[tracing::instrument(skip_all, fields(version = %bank.version()))]
    pub async fn ensure_bank_version(&self, bank: &Bank) -> sqlx::Result<()> {
        with_db!(&self.db, p => {
            sqlx::query(INSERT_VERSION)
                .bind(&bank.version().0)
                .bind(bank.to_json())
                .bind(bank.questions().len() as i64)
                .bind(now_millis())
                .execute(&p.writer)
                .await?;
            Ok(())
        })
    }

    /// Every stored bank version id.
    pub async fn bank_version_ids(&self) -> sqlx::Result<Vec<String>> {
        with_db!(&self.db, p => {
            sqlx::query_scalar("SELECT version FROM bank_versions ORDER BY loaded_at")
                .fetch_all(&p.reader)
                .await
        })
    }

    /// The questions JSON of a stored version.
    #[tracing::instrument(skip_all)]
    pub async fn bank_version_json(&self, version: &str) -> sqlx::Result<Option<String>> {
        with_db!(&self.db, p => {
            sqlx::query_scalar("SELECT questions_json FROM bank_versions WHERE version = $1")
                .bind(version)
                .fetch_optional(&p.reader)
                .await
        })
    }

    /// The version the newest import produced, if any.
    pub async fn imported_version(&self) -> sqlx::Result<Option<String>> {
        with_db!(&self.db, p => {
            sqlx::query_scalar("SELECT version FROM bank_imports ORDER BY id DESC LIMIT 1")
                .fetch_optional(&p.reader)
                .await
        })
    }

    /// Store `bank` and record the import in one transaction, unless another import
    /// landed since `previous_version` was read (then `bank_changed`, nothing stored).
    #[tracing::instrument(skip_all, fields(version = %bank.version()))]
    pub async fn record_import(
        &self,
        bank: &Bank,
        import: NewImport<'_>,
        bundled_version: &str,
    ) -> Result<i64, ApiError> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            let latest: Option<String> =
                sqlx::query_scalar("SELECT version FROM bank_imports ORDER BY id DESC LIMIT 1")
                    .fetch_optional(&mut *tx)
                    .await?;
            if latest.as_deref().unwrap_or(bundled_version) != import.previous_version {
                return Err(ApiError::conflict(
                    "bank_changed",
                    "题库已被其他导入更新，请刷新后重试 the bank changed during the import",
                ));
            }
            let now = now_millis();
            sqlx::query(INSERT_VERSION)
                .bind(&bank.version().0)
                .bind(bank.to_json())
                .bind(bank.questions().len() as i64)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let id = sqlx::query_scalar(
                "INSERT INTO bank_imports (version, previous_version, file_name, format, added, replaced,
                                           skipped, imported_by, imported_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(&bank.version().0)
            .bind(import.previous_version)
            .bind(import.file_name)
            .bind(import.format)
            .bind(import.added as i64)
            .bind(import.replaced as i64)
            .bind(import.skipped as i64)
            .bind(import.imported_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Import history, newest first.
    pub async fn bank_imports(&self) -> sqlx::Result<Vec<BankImportView>> {
        with_db!(&self.db, p => {
            let rows: Vec<ImportRow> = sqlx::query_as(
                "SELECT id, version, previous_version, file_name, format, added, replaced, skipped,
                        imported_by, imported_at
                 FROM bank_imports ORDER BY id DESC",
            )
            .fetch_all(&p.reader)
            .await?;
            Ok(rows
                .into_iter()
                .map(|r| BankImportView {
                    id: r.id,
                    version: r.version,
                    previous_version: r.previous_version,
                    file_name: r.file_name,
                    format: r.format,
                    added: r.added,
                    replaced: r.replaced,
                    skipped: r.skipped,
                    imported_by: r.imported_by,
                    imported_at: to_datetime(r.imported_at),
                })
                .collect())
        })
    }
}
