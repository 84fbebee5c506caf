//! Application services: each public function is one use case, composing the pure domain
//! (`question_bank`) with the store. Handlers call exactly one of these.

pub mod archive;
pub mod banks;
pub mod candidate_import;
pub mod candidate_search;
pub mod catalog;
pub mod delivery;
pub mod documents;
pub mod exam;
pub mod institution;
pub mod invigilation;
pub mod login;
pub mod paper_cache;
pub mod people;
pub mod practical;
pub mod reports;
pub mod results;
pub mod sessions;
pub mod statistics;
pub mod sweeper;
pub mod users;
pub mod validate;

use std::sync::Arc;

use crate::auth::TokenKeys;
use crate::config::Settings;
use crate::store::Store;
pub use catalog::Catalog;

/// Shared state of a running server.
#[derive(Clone)]
pub struct AppState {
    /// Database.
    pub store: Store,
    /// Bank versions.
    pub catalog: Arc<Catalog>,
    /// Token keys.
    pub keys: TokenKeys,
    /// Settings.
    pub settings: Arc<Settings>,
    /// The institution's archive signing key.
    pub archive_key: Arc<question_bank::archive::ArchiveKey>,
    /// The CJK font for PDF reports, or why there is none.
    pub report_font: Result<crate::reports::pdf::FontSource, Arc<String>>,
    /// Prometheus metrics of this server.
    pub metrics: crate::metrics::Metrics,
    /// Candidates' papers for the save path (papers never change once stored).
    pub papers: Arc<paper_cache::PaperCache>,
    /// Paper starts in progress at once.
    pub start_gate: StartGate,
}

/// Admits [`StartGate::CONCURRENCY`] paper starts at once. A start reads the exam and
/// renders the whole paper (about 40 KB of JSON); when rooms of 500 start at one instant,
/// the rest wait here instead of taking the CPU from the answer saves of candidates
/// already writing.
#[derive(Debug, Clone)]
pub struct StartGate(Arc<tokio::sync::Semaphore>);

impl StartGate {
    /// Starts in progress at once.
    pub const CONCURRENCY: usize = 16;

    /// Wait for a turn; the start is in progress while the permit lives.
    pub async fn turn(&self) -> anyhow::Result<tokio::sync::SemaphorePermit<'_>> {
        Ok(self.0.acquire().await?)
    }
}

impl Default for StartGate {
    fn default() -> StartGate {
        StartGate(Arc::new(tokio::sync::Semaphore::new(
            StartGate::CONCURRENCY,
        )))
    }
}
