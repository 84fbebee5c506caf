//! 考生查询: find a person's registrations by ID number, ticket or (part of) a name.

use super::AppState;
use crate::error::ApiResult;
pub use crate::store::candidate_search::CandidateHit;

/// Most registrations one search returns.
pub const SEARCH_LIMIT: usize = 200;

/// Registrations matching `query` (an ID number or ticket exactly, or part of a name),
/// newest sessions first; practical registrations only when `include_practical` (the
/// caller's role may see practical sessions). An empty query finds nothing.
pub async fn search_candidates(
    state: &AppState,
    query: &str,
    include_practical: bool,
) -> ApiResult<Vec<CandidateHit>> {
    let query = query.trim();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let mut hits = state
        .store
        .search_candidates(query, SEARCH_LIMIT as i64)
        .await?;
    if !include_practical {
        hits.retain(|h| h.part == "theory");
    }
    Ok(hits)
}
