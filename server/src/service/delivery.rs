//! 数据传输: delivering sealed result summaries to the issuing authority's endpoint.
//!
//! Sealing puts one summary per record into the `outbox` table in the same transaction
//! as the record, so nothing sealed is ever missing from the outbox. This job POSTs due
//! entries, logs every attempt, and marks an entry delivered only on a 2xx answer;
//! failures are retried with exponential backoff (capped at an hour). Delivery is
//! at-least-once: each POST carries `Idempotency-Key: <key id>-<record seq>` so the
//! receiver can drop repeats, and `X-CraneExam-Signature: ed25519=<hex>` over the body.

use std::time::Duration;

use question_bank::wire::{DeliveryStatus, DeliveryView};

use super::AppState;
use crate::clock::{now_millis, to_datetime, Millis};
use crate::error::ApiResult;

/// Entries tried per pass.
const BATCH: i64 = 50;
/// Longest wait between retries.
const MAX_BACKOFF_MS: Millis = 60 * 60 * 1000;

/// When to try again after `attempts` failures.
pub fn next_attempt(now: Millis, attempts: i64, interval_ms: u64) -> Millis {
    let base = i64::try_from(interval_ms).unwrap_or(5000).max(1);
    let factor = 1i64 << attempts.clamp(0, 20);
    now + base.saturating_mul(factor).min(MAX_BACKOFF_MS)
}

/// One pass over due entries; returns how many were delivered.
pub async fn deliver_due(state: &AppState, client: &reqwest::Client) -> anyhow::Result<usize> {
    let endpoint = &state.settings.transmission_endpoint;
    let key_id = state.archive_key.public().key_id();
    let mut delivered = 0;
    for entry in state.store.outbox_due(now_millis(), BATCH).await? {
        let signature = state.archive_key.sign_hex(entry.payload.as_bytes());
        let sent = client
            .post(endpoint)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            )
            .header("X-CraneExam-Key-Id", &key_id)
            .header("X-CraneExam-Signature", format!("ed25519={signature}"))
            .header("Idempotency-Key", format!("{key_id}-{}", entry.archive_seq))
            .body(entry.payload.clone())
            .send()
            .await;
        let (status, error) = match sent {
            Ok(resp) if resp.status().is_success() => (Some(resp.status().as_u16()), None),
            Ok(resp) => (
                Some(resp.status().as_u16()),
                Some(format!("HTTP {}", resp.status())),
            ),
            Err(e) => (None, Some(without_url(&e))),
        };
        let now = now_millis();
        let retry_at = next_attempt(now, entry.attempts, state.settings.transmission_interval_ms);
        state
            .store
            .outbox_attempted(entry.id, endpoint, status, error.as_deref(), now, retry_at)
            .await?;
        match error {
            None => delivered += 1,
            Some(e) => {
                tracing::warn!(seq = entry.archive_seq, attempts = entry.attempts + 1, error = %e, "delivery failed");
                // The endpoint is down or refusing: leave the rest for the next pass.
                break;
            }
        }
    }
    Ok(delivered)
}

/// A transport error without the URL (which may carry credentials in its query).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "<endpoint>");
    }
    format!("{kind}: {text}")
}

/// Run passes forever, every `interval`.
pub async fn run(state: AppState, interval: Duration) {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "delivery client could not be built; delivery is off");
            return;
        }
    };
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut lease = state.store.lease(crate::store::lease::Job::Delivery);
    loop {
        ticker.tick().await;
        // One instance delivers at a time, so no summary is posted twice at once.
        if !lease.hold().await {
            continue;
        }
        match deliver_due(&state, &client).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(delivered = n, "result summaries delivered"),
            Err(e) => tracing::error!(error = ?e, "delivery pass failed"),
        }
    }
}

/// The outbox state and the latest attempts.
pub async fn status(state: &AppState) -> ApiResult<DeliveryStatus> {
    let counts = state.store.outbox_counts().await?;
    let log = state
        .store
        .delivery_log(100)
        .await?
        .into_iter()
        .map(|d| DeliveryView {
            record_seq: u64::try_from(d.archive_seq).unwrap_or_default(),
            at: to_datetime(d.at),
            endpoint: d.endpoint,
            http_status: d.http_status.and_then(|s| u16::try_from(s).ok()),
            outcome: d.outcome,
            error: d.error,
        })
        .collect();
    Ok(DeliveryStatus {
        endpoint: state.settings.transmission_endpoint.clone(),
        delivered: u64::try_from(counts.delivered).unwrap_or_default(),
        waiting: u64::try_from(counts.waiting).unwrap_or_default(),
        log,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_interval_and_is_capped_at_an_hour() {
        assert_eq!(next_attempt(0, 0, 5000), 5000);
        assert_eq!(next_attempt(0, 1, 5000), 10_000);
        assert_eq!(next_attempt(0, 3, 5000), 40_000);
        assert_eq!(next_attempt(0, 40, 5000), MAX_BACKOFF_MS);
    }
}
