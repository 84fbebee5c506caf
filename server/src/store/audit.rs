//! The audit log: who did what to which thing.

use super::Store;
use super::{per_db, with_db};
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
        with_db!(&self.db, p => {
            Sql::insert_audit(&p.writer, now_millis(), actor, action, target, detail).await
        })
    }
}

/// Writing audit lines inside other writes.
pub(super) trait AuditSql: sqlx::Database {
    /// Write one audit line through any executor: the pool, or the transaction making the
    /// change it records (so the two commit together).
    async fn insert_audit<'e, E: sqlx::Executor<'e, Database = Self>>(
        executor: E,
        at: Millis,
        actor: &str,
        action: &str,
        target: &str,
        detail: &str,
    ) -> sqlx::Result<()>;
}

per_db! {
    impl AuditSql for Sql {
        async fn insert_audit<'e, E: sqlx::Executor<'e, Database = Self>>(
            executor: E,
            at: Millis,
            actor: &str,
            action: &str,
            target: &str,
            detail: &str,
        ) -> sqlx::Result<()> {
            sqlx::query(
                "INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(at)
            .bind(actor)
            .bind(action)
            .bind(target)
            .bind(detail)
            .execute(executor)
            .await?;
            Ok(())
        }
    }
}
