//! Stored bank versions.

use question_bank::Bank;

use super::Store;
use crate::clock::now_millis;

impl Store {
    /// Store a bank version unless it is already there.
    #[tracing::instrument(skip_all, fields(version = %bank.version()))]
    pub async fn ensure_bank_version(&self, bank: &Bank) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO bank_versions (version, questions_json, question_count, loaded_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (version) DO NOTHING",
        )
        .bind(&bank.version().0)
        .bind(bank.to_json())
        .bind(bank.questions().len() as i64)
        .bind(now_millis())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The questions JSON of a stored version.
    #[tracing::instrument(skip_all)]
    pub async fn bank_version_json(&self, version: &str) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar("SELECT questions_json FROM bank_versions WHERE version = ?")
            .bind(version)
            .fetch_optional(&self.reader)
            .await
    }
}
