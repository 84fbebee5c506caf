//! Sign-in throttling, kept in the database so every instance sees the same counts.

use super::with_db;
use super::Store;
use crate::clock::Millis;

impl Store {
    /// If `key` is locked at `now`, until when.
    #[tracing::instrument(skip_all)]
    pub async fn login_locked_until(&self, key: &str, now: Millis) -> sqlx::Result<Option<Millis>> {
        with_db!(&self.db, p => {
            let until: Option<Option<i64>> =
                sqlx::query_scalar("SELECT locked_until FROM login_throttle WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&p.reader)
                    .await?;
            Ok(until.flatten().filter(|&u| u > now))
        })
    }

    /// Count a failure; lock the key once `max` failures fall within `window_ms`.
    #[tracing::instrument(skip_all)]
    pub async fn record_login_failure(
        &self,
        key: &str,
        now: Millis,
        max: i64,
        window_ms: i64,
    ) -> sqlx::Result<()> {
        with_db!(&self.db, p => {
            sqlx::query(
                "INSERT INTO login_throttle (key, failures, first_failure_at, locked_until) VALUES ($1, 1, $2, NULL)
                 ON CONFLICT (key) DO UPDATE SET
                   failures = CASE WHEN login_throttle.first_failure_at < $2 - $4 THEN 1
                     ELSE login_throttle.failures + 1 END,
                   first_failure_at = CASE WHEN login_throttle.first_failure_at < $2 - $4 THEN $2
                     ELSE login_throttle.first_failure_at END",
            )
            .bind(key)
            .bind(now)
            .bind(max)
            .bind(window_ms)
            .execute(&p.writer)
            .await?;
            sqlx::query(
                "UPDATE login_throttle SET locked_until = $2 + $4 WHERE key = $1 AND failures >= $3",
            )
            .bind(key)
            .bind(now)
            .bind(max)
            .bind(window_ms)
            .execute(&p.writer)
            .await?;
            Ok(())
        })
    }

    /// Forget failures after a successful sign-in.
    #[tracing::instrument(skip_all)]
    pub async fn clear_login_failures(&self, key: &str) -> sqlx::Result<()> {
        with_db!(&self.db, p => {
            sqlx::query("DELETE FROM login_throttle WHERE key = $1")
                .bind(key)
                .execute(&p.writer)
                .await?;
            Ok(())
        })
    }
}
