//! Outbound delivery of result summaries: the outbox and its delivery log.

use super::with_db;
use super::Store;
use crate::clock::Millis;

/// A summary waiting for delivery.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    /// Id.
    pub id: i64,
    /// The archive record it summarises.
    pub archive_seq: i64,
    /// JSON body to POST.
    pub payload: String,
    /// Attempts so far.
    pub attempts: i64,
}

/// One line of the delivery log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    /// Outbox entry.
    pub outbox_id: i64,
    /// Archive record.
    pub archive_seq: i64,
    /// When.
    pub at: Millis,
    /// Endpoint posted to.
    pub endpoint: String,
    /// HTTP status, if a response came.
    pub http_status: Option<i64>,
    /// `delivered` or `failed`.
    pub outcome: String,
    /// Why it failed.
    pub error: Option<String>,
}

/// Counts of the outbox.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct OutboxCounts {
    /// Delivered.
    pub delivered: i64,
    /// Waiting (including retries).
    pub waiting: i64,
}

impl Store {
    /// Entries due for an attempt at `now`, oldest first.
    pub async fn outbox_due(&self, now: Millis, limit: i64) -> sqlx::Result<Vec<OutboxRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT id, archive_seq, payload, attempts FROM outbox
                 WHERE delivered_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
            )
            .bind(now)
            .bind(limit)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// Log an attempt; on success mark the entry delivered, else schedule the next try.
    pub async fn outbox_attempted(
        &self,
        id: i64,
        endpoint: &str,
        http_status: Option<u16>,
        error: Option<&str>,
        now: Millis,
        next_attempt_at: Millis,
    ) -> sqlx::Result<()> {
        with_db!(&self.db, p => {
            let mut tx = p.write_tx().await?;
            let delivered = error.is_none();
            sqlx::query(
                "INSERT INTO delivery_log (outbox_id, at, endpoint, http_status, outcome, error)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(now)
            .bind(endpoint)
            .bind(http_status.map(i64::from))
            .bind(if delivered { "delivered" } else { "failed" })
            .bind(error)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $2,
                   delivered_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END,
                   next_attempt_at = $4
                 WHERE id = $1",
            )
            .bind(id)
            .bind(error)
            .bind(now)
            .bind(next_attempt_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })
    }

    /// The delivery log, newest first.
    pub async fn delivery_log(&self, limit: i64) -> sqlx::Result<Vec<DeliveryRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT d.outbox_id, o.archive_seq, d.at, d.endpoint, d.http_status, d.outcome, d.error
                 FROM delivery_log d JOIN outbox o ON o.id = d.outbox_id ORDER BY d.id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(&p.reader)
            .await
        })
    }

    /// How many summaries were delivered and how many wait.
    pub async fn outbox_counts(&self) -> sqlx::Result<OutboxCounts> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT COALESCE(SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS delivered,
                        COALESCE(SUM(CASE WHEN delivered_at IS NULL THEN 1 ELSE 0 END), 0) AS waiting
                 FROM outbox",
            )
            .fetch_one(&p.reader)
            .await
        })
    }
}
