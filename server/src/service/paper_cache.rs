//! Each candidate's paper, for the answer-save path.
//!
//! A paper is assembled and stored once, at registration, and never changes; so a copy
//! held in memory is as good as the row on any number of server instances. What does
//! change (status, deadline, pause, the terminal holding it) is read inside the save
//! transaction, never from here.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use question_bank::{Bank, Paper};

/// Papers kept at most; the cache starts over when full (a full exam day is far below).
const CAPACITY: usize = 50_000;

/// A candidate's paper with its bank version.
#[derive(Debug)]
pub struct CachedPaper {
    /// Paper id.
    pub paper_id: i64,
    /// The paper.
    pub paper: Arc<Paper>,
    /// Its bank version.
    pub bank: Arc<Bank>,
}

/// Papers by candidate id.
#[derive(Debug, Default)]
pub struct PaperCache {
    papers: RwLock<HashMap<i64, Arc<CachedPaper>>>,
}

impl PaperCache {
    /// The candidate's paper, if cached.
    pub fn get(&self, candidate_id: i64) -> Option<Arc<CachedPaper>> {
        self.papers
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&candidate_id)
            .cloned()
    }

    /// Keep the candidate's paper.
    pub fn insert(&self, candidate_id: i64, paper: CachedPaper) -> Arc<CachedPaper> {
        let paper = Arc::new(paper);
        let mut papers = self.papers.write().unwrap_or_else(|e| e.into_inner());
        if papers.len() >= CAPACITY {
            papers.clear();
        }
        papers.insert(candidate_id, paper.clone());
        paper
    }
}
