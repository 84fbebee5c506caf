//! Pass rates over time.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How to group exam dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Period {
    /// 按日: one calendar day, labelled `2026-05-20`.
    Day,
    /// 按月: one calendar month, labelled `2026-05`.
    Month,
}

/// The pass rate of one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodPassRate {
    /// `2026-05-20` or `2026-05`.
    pub period: String,
    /// Results in the period.
    pub count: usize,
    /// Of which passed.
    pub passed: usize,
    /// `passed / count`.
    pub rate: f64,
}

/// Pass rates of `(exam date, passed)` records per `period`, oldest first. Periods with no
/// records are left out rather than reported as 0 of 0.
pub fn pass_rate_trend(
    records: impl IntoIterator<Item = (NaiveDate, bool)>,
    period: Period,
) -> Vec<PeriodPassRate> {
    let mut tally: BTreeMap<NaiveDate, (usize, usize)> = BTreeMap::new();
    for (date, passed) in records {
        let start = match period {
            Period::Day => date,
            Period::Month => date.with_day(1).expect("every month has a first day"),
        };
        let entry = tally.entry(start).or_default();
        entry.0 += 1;
        entry.1 += usize::from(passed);
    }
    let format = match period {
        Period::Day => "%Y-%m-%d",
        Period::Month => "%Y-%m",
    };
    tally
        .into_iter()
        .map(|(start, (count, passed))| PeriodPassRate {
            period: start.format(format).to_string(),
            count,
            passed,
            rate: passed as f64 / count as f64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn records() -> Vec<(NaiveDate, bool)> {
        // Deliberately out of order, across a year boundary.
        vec![
            (day(2026, 1, 5), true),
            (day(2025, 12, 31), false),
            (day(2026, 1, 5), false),
            (day(2026, 1, 20), true),
            (day(2025, 12, 1), true),
            (day(2026, 1, 5), true),
        ]
    }

    fn rows(trend: &[PeriodPassRate]) -> Vec<(&str, usize, usize)> {
        trend
            .iter()
            .map(|r| (r.period.as_str(), r.count, r.passed))
            .collect()
    }

    #[test]
    fn months_are_ordered_and_counted() {
        let trend = pass_rate_trend(records(), Period::Month);
        assert_eq!(rows(&trend), [("2025-12", 2, 1), ("2026-01", 4, 3)]);
        assert_eq!(trend[0].rate, 0.5);
        assert_eq!(trend[1].rate, 0.75);
    }

    #[test]
    fn days_are_ordered_and_empty_days_left_out() {
        let trend = pass_rate_trend(records(), Period::Day);
        assert_eq!(
            rows(&trend),
            [
                ("2025-12-01", 1, 1),
                ("2025-12-31", 1, 0),
                ("2026-01-05", 3, 2),
                ("2026-01-20", 1, 1)
            ]
        );
        assert!((trend[2].rate - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn no_records_no_periods() {
        assert!(pass_rate_trend([], Period::Day).is_empty());
    }
}
