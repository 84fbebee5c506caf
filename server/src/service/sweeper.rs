//! 自动交卷: the background job that submits papers whose time ran out, whether or not a
//! terminal is still connected, and records never-started papers as absent; then seals
//! what has closed into the archive.

use std::time::Duration;

use super::exam::{load_paper, submit_paper};
use super::sessions::load_session;
use super::AppState;
use crate::clock::now_millis;
use crate::store::exams::Submission;
use crate::store::lease::Job;

/// Papers handled per pass; the next pass continues.
const BATCH: i64 = 500;

/// One pass: returns how many papers were closed.
pub async fn auto_submit_expired(state: &AppState) -> anyhow::Result<usize> {
    let now = now_millis();
    let due = state.store.expired_papers(now, BATCH).await?;
    let mut closed = 0;
    for (paper_id, status) in due {
        if status == "pending" {
            if state.store.mark_absent(paper_id).await? {
                tracing::info!(paper_id, "paper recorded absent");
                closed += 1;
            }
            continue;
        }
        let Some(exam) = state.store.exam_by_paper(paper_id).await? else {
            continue;
        };
        let session = load_session(state, exam.session_id).await?;
        let loaded = load_paper(state, &exam, &session).await?;
        if let Submission::Done(_) = submit_paper(state, &exam, &loaded, None, now, true).await? {
            state.metrics.auto_submitted(exam.deadline_at, now);
            closed += 1;
        }
    }
    Ok(closed)
}

/// Run passes forever, every `interval`. Errors are logged and the loop goes on.
pub async fn run(state: AppState, interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut lease = state.store.lease(Job::Sweeper);
    loop {
        ticker.tick().await;
        // Instances sharing a database take turns: one sweeps at a time.
        if !lease.hold().await {
            continue;
        }
        match auto_submit_expired(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(closed = n, "sweeper closed papers"),
            Err(e) => tracing::error!(error = ?e, "sweeper pass failed"),
        }
        match super::archive::seal_closed(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(records = n, "archive records sealed"),
            Err(e) => tracing::error!(error = ?e, "sealing failed"),
        }
    }
}
