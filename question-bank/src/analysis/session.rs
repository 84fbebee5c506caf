//! Per-session statistics: score summary, pass rate, histogram, KR-20.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::matrix::Examinee;
use super::population_variance;

/// Histogram bins of 10 points: 0–9.9, 10–19.9, …, 80–89.9, 90–100.
pub const HISTOGRAM_BINS: usize = 10;

/// Summary of total scores, in points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreSummary {
    /// 平均分: mean.
    pub mean: f64,
    /// 标准差: population standard deviation (divide by N: this session is the whole
    /// population the report describes).
    pub sd: f64,
    /// Lowest total.
    pub min: f64,
    /// Highest total.
    pub max: f64,
    /// 中位数: the middle total, or the mean of the two middle totals.
    pub median: f64,
}

/// Statistics of one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionStats {
    /// Examinees.
    pub examinees: usize,
    /// Distinct items anyone saw (k).
    pub items: usize,
    /// Total scores; `None` when nobody sat.
    pub scores: Option<ScoreSummary>,
    /// Lowest passing total, tenths.
    pub pass_mark_tenths: u32,
    /// Examinees at or above the pass mark.
    pub passed: usize,
    /// 通过率: `passed / examinees`; `None` when nobody sat.
    pub pass_rate: Option<f64>,
    /// Examinees per 10-point bin ([`HISTOGRAM_BINS`] of them); 100 falls in the last bin,
    /// and so would anything above it.
    pub histogram: Vec<usize>,
    /// 信度 KR-20 = k/(k−1)·(1 − Σp·q / σ²), with σ² the population variance of the
    /// number-correct scores (so Σp·q and σ² are on one scale); partial credit counts as
    /// wrong. `None` when k < 2, σ² = 0, or examinees did not all see the same k items
    /// (randomly assembled papers: KR-20 assumes one common form).
    pub kr20: Option<f64>,
}

pub(super) fn summarise(examinees: &[Examinee], pass_mark_tenths: u32) -> SessionStats {
    let totals: Vec<u32> = examinees.iter().map(|e| e.total_tenths).collect();
    let passed = totals.iter().filter(|&&t| t >= pass_mark_tenths).count();
    let mut histogram = vec![0; HISTOGRAM_BINS];
    for &t in &totals {
        histogram[(t as usize / 100).min(HISTOGRAM_BINS - 1)] += 1;
    }
    let items: HashSet<_> = examinees
        .iter()
        .flat_map(|e| e.responses.iter().map(|r| &r.item))
        .collect();
    SessionStats {
        examinees: examinees.len(),
        items: items.len(),
        scores: score_summary(totals),
        pass_mark_tenths,
        passed,
        pass_rate: (!examinees.is_empty()).then(|| passed as f64 / examinees.len() as f64),
        histogram,
        kr20: kr20(examinees, items.len()),
    }
}

fn score_summary(mut totals: Vec<u32>) -> Option<ScoreSummary> {
    totals.sort_unstable();
    let points = |t: u32| f64::from(t) / 10.0;
    let variance = population_variance(totals.iter().map(|&t| f64::from(t)))?;
    let n = totals.len();
    Some(ScoreSummary {
        mean: totals.iter().map(|&t| f64::from(t)).sum::<f64>() / n as f64 / 10.0,
        sd: variance.sqrt() / 10.0,
        min: points(totals[0]),
        max: points(totals[n - 1]),
        median: (points(totals[(n - 1) / 2]) + points(totals[n / 2])) / 2.0,
    })
}

/// KR-20 over a complete matrix of `k` items (responses are distinct per examinee, so
/// `k` responses each means the same `k` items).
fn kr20(examinees: &[Examinee], k: usize) -> Option<f64> {
    if k < 2 || examinees.iter().any(|e| e.responses.len() != k) {
        return None;
    }
    let number_correct = |e: &Examinee| e.responses.iter().filter(|r| r.correct).count();
    let variance = population_variance(examinees.iter().map(|e| number_correct(e) as f64))?;
    let n = examinees.len() as f64;
    let mut correct_by_item = HashMap::new();
    for r in examinees.iter().flat_map(|e| &e.responses) {
        *correct_by_item.entry(&r.item).or_insert(0usize) += usize::from(r.correct);
    }
    let sum_pq: f64 = correct_by_item
        .values()
        .map(|&c| c as f64 / n * (1.0 - c as f64 / n))
        .sum();
    let k = k as f64;
    (variance > 0.0).then(|| k / (k - 1.0) * (1.0 - sum_pq / variance))
}
