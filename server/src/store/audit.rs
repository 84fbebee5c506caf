//! The audit log: who did what to which thing.

use sqlx::Sqlite;

use super::Store;
use crate::clock::{now_millis, Millis};

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
        insert_audit(&self.writer, now_millis(), actor, action, target, detail).await
    }
}

/// Write one audit line through any executor: the pool, or the transaction making the
/// change it records (so the two commit together).
pub(super) async fn insert_audit<'e, E>(
    executor: E,
    at: Millis,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> sqlx::Result<()>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    sqlx::query("INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)")
        .bind(at)
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(detail)
        .execute(executor)
        .await?;
    Ok(())
}
