//! 成绩合成: turning several assessors' signed sheets for one candidate into one practical
//! score. Every individual sheet is kept for audit; this only computes the result.

use serde::{Deserialize, Serialize};

use super::result::PartResult;
use super::sheet::SheetScore;
use super::PASS_MARK_TENTHS;

/// How assessors' totals combine (configurable per institution).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CombinationRule {
    /// 平均分: the mean of the totals, rounded half up to a tenth of a point
    /// (70.05 → 70.1, 70.04 → 70.0).
    Mean,
    /// 主考评员评分: the chief examiner's own sheet.
    Chief,
    /// 最低分: the lowest total.
    Minimum,
    /// 一致性: when the highest and lowest totals differ by at most `tolerance_tenths`, their
    /// mean (rounded as for `Mean`); otherwise the chief examiner decides, and the caller
    /// combines again with [`CombinationRule::Chief`].
    Consensus {
        /// Largest allowed spread between totals, tenths.
        tolerance_tenths: u32,
    },
}

/// One assessor's signed sheet for the candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedSheet {
    /// The assessor's account id.
    pub assessor_id: i64,
    /// The assessor is this exam's chief examiner (主考评员).
    pub chief: bool,
    /// The assessor's scored sheet.
    pub score: SheetScore,
}

/// The practical result of one candidate, or why there is none yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Combination {
    /// A final score.
    Combined {
        /// Points, tenths (0 when absent).
        total_tenths: u32,
        /// Total ≥ 70 and present.
        passed: bool,
        /// Every assessor recorded the candidate absent (缺考).
        absent: bool,
    },
    /// Consensus failed: the chief examiner must decide.
    NeedsChief {
        /// Highest total minus lowest, tenths.
        spread_tenths: u32,
    },
}

impl Combination {
    /// The practical part of an [`super::OverallResult`], once there is a final score.
    pub fn part_result(self) -> Option<PartResult> {
        match self {
            Combination::Combined { absent: true, .. } => Some(PartResult::Absent),
            Combination::Combined {
                total_tenths,
                passed,
                ..
            } => Some(if passed {
                PartResult::Passed {
                    tenths: total_tenths,
                }
            } else {
                PartResult::Failed {
                    tenths: total_tenths,
                }
            }),
            Combination::NeedsChief { .. } => None,
        }
    }
}

/// Sheets that cannot be combined.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CombineError {
    /// Nothing to combine.
    #[error("没有已签名的评分表")]
    NoSheets,
    /// One assessor, two sheets.
    #[error("考评员 {0} 提交了多份评分表")]
    DuplicateAssessor(i64),
    /// Sheets scored against different templates or versions.
    #[error("评分表使用了不同的模板或版本，无法合成")]
    MixedTemplates,
    /// Some assessors recorded the candidate absent, others did not.
    #[error("考评员对考生是否缺考的记录不一致，请核实后重新签名")]
    AbsenceDisputed,
    /// The chief rule needs exactly one chief examiner's sheet.
    #[error("按主考评员评分合成需要且只能有 1 份主考评员评分表，实有 {0} 份")]
    ChiefCount(usize),
}

/// Combine every assessor's signed sheet for one candidate under `rule`.
pub fn combine(rule: CombinationRule, sheets: &[SignedSheet]) -> Result<Combination, CombineError> {
    let first = sheets.first().ok_or(CombineError::NoSheets)?;
    for (i, s) in sheets.iter().enumerate() {
        if sheets[..i].iter().any(|t| t.assessor_id == s.assessor_id) {
            return Err(CombineError::DuplicateAssessor(s.assessor_id));
        }
        if (&s.score.template_id, s.score.template_version)
            != (&first.score.template_id, first.score.template_version)
        {
            return Err(CombineError::MixedTemplates);
        }
    }
    let absent = sheets.iter().filter(|s| s.score.absent).count();
    if absent == sheets.len() {
        return Ok(Combination::Combined {
            total_tenths: 0,
            passed: false,
            absent: true,
        });
    }
    if absent > 0 {
        return Err(CombineError::AbsenceDisputed);
    }
    let totals: Vec<u32> = sheets.iter().map(|s| s.score.total_tenths).collect();
    let (min, max) = (
        totals.iter().copied().min().unwrap_or(0),
        totals.iter().copied().max().unwrap_or(0),
    );
    let total_tenths = match rule {
        CombinationRule::Mean => mean_half_up(&totals),
        CombinationRule::Minimum => min,
        CombinationRule::Chief => match sheets.iter().filter(|s| s.chief).collect::<Vec<_>>()[..] {
            [chief] => chief.score.total_tenths,
            ref chiefs => return Err(CombineError::ChiefCount(chiefs.len())),
        },
        CombinationRule::Consensus { tolerance_tenths } if max - min > tolerance_tenths => {
            return Ok(Combination::NeedsChief {
                spread_tenths: max - min,
            })
        }
        CombinationRule::Consensus { .. } => mean_half_up(&totals),
    };
    Ok(Combination::Combined {
        total_tenths,
        passed: total_tenths >= PASS_MARK_TENTHS,
        absent: false,
    })
}

/// Mean in tenths, rounded half up: `floor(sum / n + 1/2)`.
fn mean_half_up(totals: &[u32]) -> u32 {
    let n = totals.len().max(1) as u64;
    let sum: u64 = totals.iter().map(|&t| u64::from(t)).sum();
    u32::try_from((2 * sum + n) / (2 * n)).expect("a mean never exceeds the largest u32 total")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(assessor_id: i64, chief: bool, total_tenths: u32) -> SignedSheet {
        SignedSheet {
            assessor_id,
            chief,
            score: SheetScore {
                template_id: "Q2-bridge".into(),
                template_version: 1,
                absent: false,
                items: vec![],
                areas: vec![],
                total_tenths,
                max_tenths: 1000,
            },
        }
    }

    fn total(rule: CombinationRule, totals: &[u32]) -> Combination {
        let sheets: Vec<_> = totals
            .iter()
            .enumerate()
            .map(|(i, &t)| sheet(i as i64, i == 0, t))
            .collect();
        combine(rule, &sheets).unwrap()
    }

    fn combined(total_tenths: u32) -> Combination {
        Combination::Combined {
            total_tenths,
            passed: total_tenths >= 700,
            absent: false,
        }
    }

    #[test]
    fn mean_rounds_half_up_to_a_tenth() {
        // 69.9 and 70.0: mean 69.95 → 70.0, a pass.
        assert_eq!(total(CombinationRule::Mean, &[699, 700]), combined(700));
        // 70.0, 70.0, 70.1: mean 70.033… → 70.0.
        assert_eq!(
            total(CombinationRule::Mean, &[700, 700, 701]),
            combined(700)
        );
        // 70.0, 70.1, 70.1: mean 70.066… → 70.1.
        assert_eq!(
            total(CombinationRule::Mean, &[700, 701, 701]),
            combined(701)
        );
        assert_eq!(total(CombinationRule::Mean, &[690, 695]), combined(693));
    }

    #[test]
    fn minimum_and_chief_pick_one_sheet() {
        assert_eq!(
            total(CombinationRule::Minimum, &[820, 690, 750]),
            combined(690)
        );
        // The first sheet is the chief's.
        assert_eq!(total(CombinationRule::Chief, &[690, 820]), combined(690));
        let no_chief = [sheet(1, false, 800), sheet(2, false, 800)];
        assert_eq!(
            combine(CombinationRule::Chief, &no_chief),
            Err(CombineError::ChiefCount(0))
        );
    }

    #[test]
    fn consensus_within_tolerance_is_the_mean_otherwise_the_chief_decides() {
        let rule = CombinationRule::Consensus {
            tolerance_tenths: 50,
        };
        assert_eq!(total(rule, &[720, 770]), combined(745));
        assert_eq!(
            total(rule, &[720, 771]),
            Combination::NeedsChief { spread_tenths: 51 }
        );
        assert_eq!(total(rule, &[720, 771]).part_result(), None);
    }

    #[test]
    fn absent_everywhere_fails_with_zero_and_disputed_absence_is_an_error() {
        let mut sheets = [sheet(1, true, 0), sheet(2, false, 0)];
        sheets[0].score.absent = true;
        assert_eq!(
            combine(CombinationRule::Mean, &sheets),
            Err(CombineError::AbsenceDisputed)
        );
        sheets[1].score.absent = true;
        let c = combine(CombinationRule::Mean, &sheets).unwrap();
        assert_eq!(
            c,
            Combination::Combined {
                total_tenths: 0,
                passed: false,
                absent: true
            }
        );
        assert_eq!(c.part_result(), Some(PartResult::Absent));
    }

    proptest::proptest! {
        #[test]
        fn mean_is_the_half_up_rounded_average_and_consensus_respects_tolerance(
            totals in proptest::collection::vec(0u32..=1000, 1..6),
            tolerance_tenths in 0u32..200,
        ) {
            let Combination::Combined { total_tenths: mean, .. } = total(CombinationRule::Mean, &totals) else {
                panic!("mean always combines")
            };
            let exact = f64::from(totals.iter().sum::<u32>()) / totals.len() as f64;
            proptest::prop_assert_eq!(f64::from(mean), (exact + 0.5).floor());
            let (min, max) = (*totals.iter().min().unwrap(), *totals.iter().max().unwrap());
            proptest::prop_assert!(min <= mean && mean <= max);
            let consensus = total(CombinationRule::Consensus { tolerance_tenths }, &totals);
            if max - min <= tolerance_tenths {
                proptest::prop_assert_eq!(consensus, combined(mean));
            } else {
                proptest::prop_assert_eq!(consensus, Combination::NeedsChief { spread_tenths: max - min });
            }
        }
    }

    #[test]
    fn sheets_must_be_from_distinct_assessors_on_one_template() {
        assert_eq!(
            combine(CombinationRule::Mean, &[]),
            Err(CombineError::NoSheets)
        );
        let dup = [sheet(7, true, 800), sheet(7, false, 800)];
        assert_eq!(
            combine(CombinationRule::Mean, &dup),
            Err(CombineError::DuplicateAssessor(7))
        );
        let mut mixed = [sheet(1, true, 800), sheet(2, false, 800)];
        mixed[1].score.template_version = 2;
        assert_eq!(
            combine(CombinationRule::Mean, &mixed),
            Err(CombineError::MixedTemplates)
        );
    }
}
