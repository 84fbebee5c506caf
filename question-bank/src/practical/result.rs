//! 考试结果与补考: joining theory and practical into a subject result, and who may retake.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::subject::Subject;

/// The result of one part (theory or practical) of a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PartResult {
    /// 合格.
    Passed {
        /// Points, tenths.
        tenths: u32,
    },
    /// 不合格.
    Failed {
        /// Points, tenths.
        tenths: u32,
    },
    /// 缺考: counts as failed.
    Absent,
}

impl PartResult {
    /// Judge a score against the part's pass mark (70 points unless configured otherwise).
    pub fn from_score(tenths: u32, pass_mark_tenths: u32) -> PartResult {
        if tenths >= pass_mark_tenths {
            PartResult::Passed { tenths }
        } else {
            PartResult::Failed { tenths }
        }
    }

    /// Whether the part was passed.
    pub fn passed(self) -> bool {
        matches!(self, PartResult::Passed { .. })
    }
}

/// A subject's result at one exam: passed only if both parts are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverallResult {
    /// Subject.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "Q2-bridge"))]
    pub subject: Subject,
    /// Exam date (the later part's date when they differ).
    pub date: NaiveDate,
    /// 理论考试.
    pub theory: PartResult,
    /// 实际操作考试.
    pub practical: PartResult,
}

impl OverallResult {
    /// Both parts passed; an absence in either fails the subject.
    pub fn passed(&self) -> bool {
        self.theory.passed() && self.practical.passed()
    }

    /// Last day (inclusive) a passed result stays valid: the same day one year after the
    /// exam; `None` when failed.
    pub fn valid_until(&self) -> Option<NaiveDate> {
        self.passed().then(|| last_day_of_year_from(self.date))
    }
}

/// One sitting of a subject in a candidate's history. On a retake, the part not re-sat
/// carries its result over from the first attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptRecord {
    /// The result.
    pub result: OverallResult,
    /// This sitting was a 补考.
    pub retake: bool,
}

/// Why a candidate may not retake, or may not register at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Refusal {
    /// A pass is still valid.
    #[error("该科目已于 {passed_on} 考试合格，成绩有效期至 {valid_until}，有效期内不能重复报考")]
    StillValid {
        /// Date of the passed exam.
        passed_on: NaiveDate,
        /// Last valid day.
        valid_until: NaiveDate,
    },
    /// The one retake was used and failed.
    #[error("该科目已于 {retake_on} 补考且不合格，只能补考一次，须重新申请考试")]
    RetakeUsed {
        /// Date of the failed retake.
        retake_on: NaiveDate,
    },
    /// The retake year is over.
    #[error("该科目 {failed_on} 考试不合格，补考期限已于 {until} 届满，须重新申请考试")]
    RetakeWindowClosed {
        /// Date of the failed first attempt.
        failed_on: NaiveDate,
        /// Last day a retake was allowed.
        until: NaiveDate,
    },
}

/// What a candidate may register for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Eligibility {
    /// 首次报考 (or 重新申请): sit both parts. `retake_refused` says why an earlier failure
    /// gives no retake.
    FirstAttempt {
        /// Why this is not a retake, if there was an earlier failure.
        retake_refused: Option<Refusal>,
    },
    /// 补考: re-sit only the failed parts, on or before `until`.
    Retake {
        /// Re-sit the theory exam.
        theory: bool,
        /// Re-sit the practical exam.
        practical: bool,
        /// Last day of the retake window.
        until: NaiveDate,
    },
    /// May not register.
    Refused {
        /// Why.
        reason: Refusal,
    },
}

/// What a candidate with `history` may register for in `subject` for an exam on `date`.
///
/// Only attempts at the same subject key (item + crane type) on or before `date` count,
/// and the latest decides:
/// - none, or a pass older than a year: a first attempt;
/// - a pass whose year has not run out (through the same day one year after the exam): refused,
///   the result is still valid;
/// - a failed first attempt (absence is a failure), with `date` within a year of it: one
///   retake (补考) of the failed parts only — theory, practical or both;
/// - a failed retake, or a failed first attempt more than a year ago: a new first attempt
///   (重新申请), sitting both parts, with the reason a retake is refused.
pub fn retake_eligibility(
    history: &[AttemptRecord],
    subject: Subject,
    date: NaiveDate,
) -> Eligibility {
    let latest = history
        .iter()
        .filter(|a| a.result.subject == subject && a.result.date <= date)
        .max_by_key(|a| a.result.date);
    let Some(AttemptRecord { result: r, retake }) = latest.copied() else {
        return Eligibility::FirstAttempt {
            retake_refused: None,
        };
    };
    let until = last_day_of_year_from(r.date);
    let refused = match (r.passed(), retake) {
        (true, _) if date <= until => {
            return Eligibility::Refused {
                reason: Refusal::StillValid {
                    passed_on: r.date,
                    valid_until: until,
                },
            }
        }
        (true, _) => None,
        (false, true) => Some(Refusal::RetakeUsed { retake_on: r.date }),
        (false, false) if date > until => Some(Refusal::RetakeWindowClosed {
            failed_on: r.date,
            until,
        }),
        (false, false) => {
            return Eligibility::Retake {
                theory: !r.theory.passed(),
                practical: !r.practical.passed(),
                until,
            }
        }
    };
    Eligibility::FirstAttempt {
        retake_refused: refused,
    }
}

/// Which part of a subject's exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// 理论考试.
    Theory,
    /// 实际操作考试.
    Practical,
}

/// One finished part of one exam, as the records hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartRecord {
    /// Theory or practical.
    pub part: Part,
    /// Subject.
    pub subject: Subject,
    /// Exam date.
    pub date: NaiveDate,
    /// Result.
    pub result: PartResult,
}

/// One sitting of a subject (首考 or 补考), assembled from part records. A retake carries
/// the part passed at the sitting before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sitting {
    /// Subject.
    pub subject: Subject,
    /// Theory part and its date, once there is one.
    pub theory: Option<(NaiveDate, PartResult)>,
    /// Practical part and its date, once there is one.
    pub practical: Option<(NaiveDate, PartResult)>,
    /// This sitting is a 补考.
    pub retake: bool,
}

impl Sitting {
    fn slot(&mut self, part: Part) -> &mut Option<(NaiveDate, PartResult)> {
        match part {
            Part::Theory => &mut self.theory,
            Part::Practical => &mut self.practical,
        }
    }

    fn first_date(&self) -> Option<NaiveDate> {
        [self.theory, self.practical]
            .into_iter()
            .flatten()
            .map(|(d, _)| d)
            .min()
    }

    fn failed(&self) -> bool {
        [self.theory, self.practical]
            .into_iter()
            .flatten()
            .any(|(_, r)| !r.passed())
    }

    /// The joined result, once both parts are in.
    pub fn overall(&self) -> Option<OverallResult> {
        let ((td, theory), (pd, practical)) = (self.theory?, self.practical?);
        Some(OverallResult {
            subject: self.subject,
            date: td.max(pd),
            theory,
            practical,
        })
    }

    /// The sitting as the retake rules see it: complete, or failed already (a part not
    /// sat then counts as absent). `None` while a passed part waits for the other.
    pub fn attempt(&self) -> Option<AttemptRecord> {
        let result = match self.overall() {
            Some(result) => result,
            None if self.failed() => OverallResult {
                subject: self.subject,
                date: [self.theory, self.practical]
                    .into_iter()
                    .flatten()
                    .map(|(d, _)| d)
                    .max()?,
                theory: self.theory.map_or(PartResult::Absent, |(_, r)| r),
                practical: self.practical.map_or(PartResult::Absent, |(_, r)| r),
            },
            None => return None,
        };
        Some(AttemptRecord {
            result,
            retake: self.retake,
        })
    }
}

/// Group one person's part records into sittings, oldest first. A part joins the open
/// sitting of its subject unless that sitting already has that part; then a new sitting
/// starts, which is a retake (carrying the part passed before) when the closed sitting
/// failed, was not itself a retake, and the new part falls within a year of it.
pub fn sittings(parts: &[PartRecord]) -> Vec<Sitting> {
    let mut sorted: Vec<&PartRecord> = parts.iter().collect();
    sorted.sort_by_key(|p| p.date);
    let mut closed = Vec::new();
    let mut open: Vec<Sitting> = Vec::new();
    for p in sorted {
        let i = match open.iter().position(|s| s.subject == p.subject) {
            Some(i) if open[i].slot(p.part).is_none() => i,
            found => {
                let mut next = Sitting {
                    subject: p.subject,
                    theory: None,
                    practical: None,
                    retake: false,
                };
                if let Some(prev) = found.map(|i| open.remove(i)) {
                    let within = prev
                        .first_date()
                        .is_some_and(|d| p.date <= last_day_of_year_from(d));
                    if prev.failed() && !prev.retake && within {
                        next.retake = true;
                        next.theory = prev.theory.filter(|(_, r)| r.passed());
                        next.practical = prev.practical.filter(|(_, r)| r.passed());
                    }
                    closed.push(prev);
                }
                open.push(next);
                open.len() - 1
            }
        };
        *open[i].slot(p.part) = Some((p.date, p.result));
    }
    closed.extend(open);
    closed.sort_by_key(|s| s.first_date());
    closed
}

/// The last day of a one-year period starting on `date`, counted as 民法典 arts. 201–202
/// count periods: the first day is not counted, and the period ends on the corresponding
/// day a year later (the month's last day when there is none: 29 Feb → 28 Feb).
fn last_day_of_year_from(date: NaiveDate) -> NaiveDate {
    date.checked_add_months(Months::new(12))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subject::CraneType;

    const BRIDGE: Subject = Subject::Q2(Some(CraneType::Bridge));

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn attempt(
        date: NaiveDate,
        theory: u32,
        practical: Option<u32>,
        retake: bool,
    ) -> AttemptRecord {
        AttemptRecord {
            result: OverallResult {
                subject: BRIDGE,
                date,
                theory: PartResult::from_score(theory, 700),
                practical: practical.map_or(PartResult::Absent, |t| PartResult::from_score(t, 700)),
            },
            retake,
        }
    }

    #[test]
    fn both_parts_at_70_pass_and_stay_valid_one_year() {
        let r = attempt(d(2025, 3, 10), 700, Some(700), false).result;
        assert!(r.passed());
        assert_eq!(r.valid_until(), Some(d(2026, 3, 10)));
        let absent = attempt(d(2025, 3, 10), 950, None, false).result;
        assert!(!absent.passed());
        assert_eq!(absent.valid_until(), None);
        assert!(!attempt(d(2025, 3, 10), 699, Some(900), false)
            .result
            .passed());
    }

    #[test]
    fn no_history_is_a_first_attempt() {
        let first = Eligibility::FirstAttempt {
            retake_refused: None,
        };
        assert_eq!(retake_eligibility(&[], BRIDGE, d(2026, 1, 1)), first);
        // Another crane type's history does not count.
        let mut other = attempt(d(2025, 6, 1), 500, Some(500), false);
        other.result.subject = Subject::Q2(Some(CraneType::Mobile));
        assert_eq!(retake_eligibility(&[other], BRIDGE, d(2025, 7, 1)), first);
    }

    #[test]
    fn failed_first_attempt_gives_one_retake_of_the_failed_part_within_a_year() {
        let h = [attempt(d(2025, 3, 10), 820, Some(640), false)];
        let retake = Eligibility::Retake {
            theory: false,
            practical: true,
            until: d(2026, 3, 10),
        };
        assert_eq!(retake_eligibility(&h, BRIDGE, d(2025, 4, 1)), retake);
        assert_eq!(retake_eligibility(&h, BRIDGE, d(2026, 3, 10)), retake);
        // Absent from the practical and failed theory: both parts are re-sat.
        let h = [attempt(d(2025, 3, 10), 600, None, false)];
        assert!(matches!(
            retake_eligibility(&h, BRIDGE, d(2025, 4, 1)),
            Eligibility::Retake {
                theory: true,
                practical: true,
                ..
            }
        ));
    }

    #[test]
    fn second_retake_is_refused_and_the_candidate_reapplies() {
        let h = [
            attempt(d(2025, 3, 10), 820, Some(640), false),
            attempt(d(2025, 5, 12), 820, Some(660), true),
        ];
        let e = retake_eligibility(&h, BRIDGE, d(2025, 6, 1));
        assert_eq!(
            e,
            Eligibility::FirstAttempt {
                retake_refused: Some(Refusal::RetakeUsed {
                    retake_on: d(2025, 5, 12)
                })
            }
        );
        let Eligibility::FirstAttempt {
            retake_refused: Some(why),
        } = e
        else {
            unreachable!()
        };
        assert_eq!(
            why.to_string(),
            "该科目已于 2025-05-12 补考且不合格，只能补考一次，须重新申请考试"
        );
    }

    #[test]
    fn passed_and_still_valid_cannot_register_again() {
        let h = [
            attempt(d(2025, 3, 10), 820, Some(640), false),
            attempt(d(2025, 5, 12), 820, Some(760), true),
        ];
        let e = retake_eligibility(&h, BRIDGE, d(2026, 5, 12));
        let Eligibility::Refused { reason } = e else {
            panic!("{e:?}")
        };
        assert_eq!(
            reason.to_string(),
            "该科目已于 2025-05-12 考试合格，成绩有效期至 2026-05-12，有效期内不能重复报考"
        );
        assert_eq!(
            retake_eligibility(&h, BRIDGE, d(2026, 5, 13)),
            Eligibility::FirstAttempt {
                retake_refused: None
            }
        );
    }

    #[test]
    fn after_one_year_a_failure_is_treated_as_a_new_first_attempt() {
        let h = [attempt(d(2025, 3, 10), 820, Some(640), false)];
        assert_eq!(
            retake_eligibility(&h, BRIDGE, d(2026, 3, 11)),
            Eligibility::FirstAttempt {
                retake_refused: Some(Refusal::RetakeWindowClosed {
                    failed_on: d(2025, 3, 10),
                    until: d(2026, 3, 10)
                })
            }
        );
    }

    #[test]
    fn year_from_leap_day_ends_on_28_february() {
        assert_eq!(last_day_of_year_from(d(2024, 2, 29)), d(2025, 2, 28));
    }

    fn part(part: Part, date: NaiveDate, tenths: Option<u32>) -> PartRecord {
        PartRecord {
            part,
            subject: BRIDGE,
            date,
            result: tenths.map_or(PartResult::Absent, |t| PartResult::from_score(t, 700)),
        }
    }

    #[test]
    fn parts_join_into_sittings_and_a_failed_part_is_retaken_with_the_passed_one_carried() {
        let parts = [
            part(Part::Theory, d(2025, 3, 1), Some(650)),
            part(Part::Practical, d(2025, 3, 5), Some(800)),
            part(Part::Theory, d(2025, 6, 1), Some(720)),
        ];
        let s = sittings(&parts);
        assert_eq!(s.len(), 2);
        assert!(!s[0].overall().unwrap().passed() && !s[0].retake);
        assert!(s[1].retake, "{s:?}");
        let second = s[1].overall().unwrap();
        assert!(second.passed());
        assert_eq!(
            second.practical,
            PartResult::Passed { tenths: 800 },
            "carried over"
        );
        let history: Vec<_> = s.iter().filter_map(Sitting::attempt).collect();
        assert!(matches!(
            retake_eligibility(&history, BRIDGE, d(2025, 9, 1)),
            Eligibility::Refused {
                reason: Refusal::StillValid { .. }
            }
        ));
    }

    #[test]
    fn a_failed_part_alone_is_an_attempt_and_a_passed_part_alone_is_not_yet() {
        let failed = sittings(&[part(Part::Theory, d(2025, 3, 1), Some(500))]);
        let attempt = failed[0].attempt().unwrap();
        assert_eq!(attempt.result.practical, PartResult::Absent);
        assert!(matches!(
            retake_eligibility(&[attempt], BRIDGE, d(2025, 4, 1)),
            Eligibility::Retake {
                theory: true,
                practical: true,
                ..
            }
        ));
        let waiting = sittings(&[part(Part::Theory, d(2025, 3, 1), Some(900))]);
        assert_eq!(waiting[0].attempt(), None);
    }

    #[test]
    fn a_part_after_the_retake_year_starts_a_new_first_sitting() {
        let parts = [
            part(Part::Theory, d(2025, 3, 1), Some(500)),
            part(Part::Practical, d(2025, 3, 2), Some(900)),
            part(Part::Theory, d(2026, 3, 2), Some(900)),
        ];
        let s = sittings(&parts);
        assert_eq!((s.len(), s[1].retake, s[1].practical), (2, false, None));
    }
}
