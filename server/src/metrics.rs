//! Prometheus metrics: one registry per running server (so tests that run several
//! servers in one process see only their own figures), filled by a middleware that
//! wraps every request and by the few services whose work is worth counting.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts,
    Registry, TextEncoder,
};
use sha2::{Digest, Sha256};

use crate::clock::Millis;
use crate::error::ApiError;
use crate::service::AppState;
use crate::store::exams::SaveOutcome;
use crate::store::Store;
use crate::telemetry::RoutePattern;

/// Route label of requests that matched no route (kept apart so that probing random
/// paths cannot create new series).
const UNMATCHED: &str = "unmatched";

/// The server's metrics; cheap to clone.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    answers_saved: IntCounter,
    answer_commits: IntCounter,
    answer_commit_saves: IntCounter,
    active_papers: IntGauge,
    sweeper_lag: Histogram,
    records_sealed: IntCounter,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// A fresh registry with every metric at zero.
    pub fn new() -> Metrics {
        let registry = Registry::new_custom(Some("crane_exam".to_owned()), None)
            .expect("static registry prefix");
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by method, route pattern and status class",
            ),
            &["method", "route", "status"],
        )
        .expect("static metric definition");
        let http_duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to the response head, by route pattern",
            ),
            &["route"],
        )
        .expect("static metric definition");
        let answers_saved = IntCounter::new(
            "answers_saved_total",
            "Answer changes committed (replays of a stored seq are not counted)",
        )
        .expect("static metric definition");
        let answer_commits = IntCounter::new(
            "answer_commits_total",
            "Durable transactions that carried answer saves (concurrent saves share one)",
        )
        .expect("static metric definition");
        let answer_commit_saves = IntCounter::new(
            "answer_commit_saves_total",
            "Answer saves carried by those transactions, replays included",
        )
        .expect("static metric definition");
        let active_papers = IntGauge::new(
            "active_papers",
            "Papers started and not yet submitted (counted at scrape time)",
        )
        .expect("static metric definition");
        let sweeper_lag = Histogram::with_opts(
            HistogramOpts::new(
                "sweeper_lag_seconds",
                "Seconds from a paper's deadline to its automatic submission",
            )
            .buckets(vec![
                0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0,
            ]),
        )
        .expect("static metric definition");
        let records_sealed = IntCounter::new(
            "archive_records_sealed_total",
            "Archive records sealed into the chain",
        )
        .expect("static metric definition");
        for collector in [
            Box::new(http_requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(http_duration.clone()),
            Box::new(answers_saved.clone()),
            Box::new(answer_commits.clone()),
            Box::new(answer_commit_saves.clone()),
            Box::new(active_papers.clone()),
            Box::new(sweeper_lag.clone()),
            Box::new(records_sealed.clone()),
        ] {
            registry
                .register(collector)
                .expect("each metric registered once");
        }
        Metrics(Arc::new(Inner {
            registry,
            http_requests,
            http_duration,
            answers_saved,
            answer_commits,
            answer_commit_saves,
            active_papers,
            sweeper_lag,
            records_sealed,
        }))
    }

    /// Count a save that changed a stored answer.
    pub fn answer_saved(&self, outcome: &SaveOutcome) {
        if let SaveOutcome::Saved { applied: true, .. } = outcome {
            self.0.answers_saved.inc();
        }
    }

    /// A paper was submitted automatically at `now`; its deadline was `deadline`.
    pub fn auto_submitted(&self, deadline: Option<Millis>, now: Millis) {
        if let Some(deadline) = deadline {
            self.0
                .sweeper_lag
                .observe((now - deadline).max(0) as f64 / 1000.0);
        }
    }

    /// `n` records were sealed into the archive chain.
    pub fn records_sealed(&self, n: usize) {
        self.0.records_sealed.inc_by(n as u64);
    }

    fn request_done(&self, method: &str, route: &str, status: StatusCode, elapsed: Duration) {
        let class = match status.as_u16() / 100 {
            1 => "1xx",
            2 => "2xx",
            3 => "3xx",
            4 => "4xx",
            _ => "5xx",
        };
        self.0
            .http_requests
            .with_label_values(&[method, route, class])
            .inc();
        self.0
            .http_duration
            .with_label_values(&[route])
            .observe(elapsed.as_secs_f64());
    }

    /// The text exposition, with the gauges that are counted at scrape time refreshed.
    pub async fn render(&self, store: &Store) -> anyhow::Result<String> {
        self.0.active_papers.set(store.active_paper_count().await?);
        let stats = store.commit_stats();
        catch_up(&self.0.answer_commits, stats.commits);
        catch_up(&self.0.answer_commit_saves, stats.saves);
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.0.registry.gather(), &mut out)?;
        Ok(String::from_utf8(out)?)
    }
}

/// Raise `counter` to `total`, a count kept elsewhere.
fn catch_up(counter: &IntCounter, total: u64) {
    counter.inc_by(total.saturating_sub(counter.get()));
}

/// Middleware: count and time every request by its route pattern (e.g.
/// `/api/v1/sessions/{id}/results`), never by its concrete path. The pattern is the one
/// the request span found ([`RoutePattern`]); without that span it is matched here.
pub async fn record_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.metrics.clone());
    let method = method_label(req.method());
    let started = Instant::now();
    let result = next.call(req).await;
    if let Some(metrics) = metrics {
        let (route, status) = match &result {
            Ok(res) => {
                let request = res.request();
                let found = request.extensions_mut().remove::<RoutePattern>();
                let route = found.map_or_else(|| request.match_pattern(), |r| r.0);
                (route, res.status())
            }
            Err(e) => (None, e.as_response_error().status_code()),
        };
        let route = route.as_deref().unwrap_or(UNMATCHED);
        metrics.request_done(method, route, status, started.elapsed());
    }
    result
}

/// Known methods by name; anything else is `other`, so odd methods add no series.
fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Who may scrape: loopback callers always; others only with `Authorization: Bearer
/// <metrics_token>` when a token is configured.
pub fn may_scrape(
    peer: Option<IpAddr>,
    authorization: Option<&str>,
    token: &str,
) -> Result<(), ApiError> {
    if peer.is_some_and(|ip| ip.to_canonical().is_loopback()) {
        return Ok(());
    }
    if token.is_empty() {
        return Err(ApiError::Forbidden);
    }
    let given = authorization
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    // Compare digests, so the comparison's time says nothing about the token.
    match given {
        Some(t) if Sha256::digest(t) == Sha256::digest(token) => Ok(()),
        _ => Err(ApiError::Unauthenticated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_may_always_scrape_others_only_with_the_token() {
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        let remote: IpAddr = "192.168.1.20".parse().unwrap();
        assert!(may_scrape(Some(local), None, "").is_ok());
        assert!(may_scrape(Some(mapped), None, "s3cret").is_ok());
        assert!(matches!(
            may_scrape(Some(remote), Some("Bearer s3cret"), ""),
            Err(ApiError::Forbidden)
        ));
        assert!(may_scrape(Some(remote), Some("Bearer s3cret"), "s3cret").is_ok());
        for wrong in [
            None,
            Some("Bearer nope"),
            Some("s3cret"),
            Some("Basic s3cret"),
        ] {
            assert!(
                matches!(
                    may_scrape(Some(remote), wrong, "s3cret"),
                    Err(ApiError::Unauthenticated)
                ),
                "{wrong:?}"
            );
        }
        assert!(may_scrape(None, None, "s3cret").is_err());
    }

    #[test]
    fn odd_methods_share_one_label() {
        let odd = actix_web::http::Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&odd), "other");
        assert_eq!(method_label(&actix_web::http::Method::PUT), "PUT");
    }
}
