//! The audit log: who did what to which thing.

use super::Store;
use crate::clock::now_millis;

impl Store {
    /// Record one action.
    #[tracing::instrument(skip_all, fields(action))]
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        detail: &str,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(now_millis())
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(detail)
        .execute(&self.writer)
        .await?;
        Ok(())
    }
}
