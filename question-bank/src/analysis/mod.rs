//! 试题分析与考试统计: item analysis and exam statistics for one session on one bank
//! version, from the marked responses. Classical test theory only: facility,
//! upper–lower discrimination, item–rest point-biserial, distractor counts, KR-20, and
//! pass rates over time.
//!
//! Build a [`ResponseMatrix`] (it checks the responses against the items once), then ask
//! it for [`ResponseMatrix::item_stats`] and [`ResponseMatrix::session_stats`].

mod item;
mod matrix;
mod session;
mod trend;

#[cfg(test)]
mod tests;

pub use item::{
    ItemFlag, ItemStats, OptionCount, DISTRACTOR_MIN_N, DISTRACTOR_MIN_PERCENT, GROUP_PERCENT,
    TOO_EASY_ABOVE_PERCENT, TOO_HARD_BELOW_PERCENT,
};
pub use matrix::{AnalysisError, Examinee, ItemMeta, ItemResponse, ResponseMatrix};
pub use session::{ScoreSummary, SessionStats, HISTOGRAM_BINS};
pub use trend::{pass_rate_trend, Period, PeriodPassRate};

/// Pearson correlation of `(x, y)` pairs; `None` with fewer than two pairs or when either
/// variable does not vary. Clamped to [-1, 1] against rounding.
fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    let n = pairs.len() as f64;
    let mean_x = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y) in pairs {
        let (dx, dy) = (x - mean_x, y - mean_y);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    (pairs.len() >= 2 && sxx > 0.0 && syy > 0.0)
        .then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Population variance (divide by N, not N − 1): the statistics describe this session's
/// examinees, not a sample from a wider population. `None` when empty.
fn population_variance(values: impl ExactSizeIterator<Item = f64> + Clone) -> Option<f64> {
    let n = values.len() as f64;
    let mean = values.clone().sum::<f64>() / n;
    (n > 0.0).then(|| values.map(|v| (v - mean).powi(2)).sum::<f64>() / n)
}
