//! Blueprints: what a paper for a subject must contain and how it is marked.

use serde::{Deserialize, Serialize};

use crate::bank::Bank;
use crate::question::{Area, QuestionKind};
use crate::subject::Subject;

/// How multiple-choice questions are marked. Judge and single choice are always right/wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ScoringRule {
    /// 少选、错选不得分: only the exact key scores.
    AllOrNothing,
    /// A correct but incomplete selection (no wrong option) earns `percent` of the points.
    PartialCredit {
        /// Share of the points for an incomplete correct selection, 0–100.
        percent: u8,
    },
}

/// Percent weight of each content area; sums to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaWeights {
    /// 基础知识 share.
    pub basic: u8,
    /// 安全知识 share.
    pub safety: u8,
    /// 法规标准知识 share.
    pub law: u8,
}

impl AreaWeights {
    /// Weight of one area.
    pub fn of(&self, area: Area) -> u8 {
        match area {
            Area::Basic => self.basic,
            Area::Safety => self.safety,
            Area::Law => self.law,
        }
    }
}

/// Number of questions of each type on a paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindCounts {
    /// 判断题 count.
    pub judge: u16,
    /// 单选题 count.
    pub single: u16,
    /// 多选题 count.
    pub multiple: u16,
}

impl KindCounts {
    /// Count of one kind.
    pub fn of(&self, kind: QuestionKind) -> u16 {
        match kind {
            QuestionKind::Judge => self.judge,
            QuestionKind::Single => self.single,
            QuestionKind::Multiple => self.multiple,
        }
    }

    /// Total questions.
    pub fn total(&self) -> u16 {
        self.judge + self.single + self.multiple
    }
}

/// How many questions of one area and kind a paper holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// Content area.
    pub area: Area,
    /// Question type.
    pub kind: QuestionKind,
    /// Questions required.
    pub count: u16,
}

/// The rules for one subject's theory paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Blueprint {
    /// Subject the paper is for.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "Q2-bridge"))]
    pub subject: Subject,
    /// Area weights (30/50/20 by default).
    pub area_weights: AreaWeights,
    /// Questions per type (40/50/10 by default, 100 in all).
    pub kind_counts: KindCounts,
    /// Exam length (60 minutes by default).
    pub duration_seconds: u32,
    /// Points needed to pass, in tenths (70 points by default).
    pub pass_mark_tenths: u32,
    /// Marking of multiple-choice questions.
    pub scoring: ScoringRule,
    /// Mean difficulty every paper must hit, so a session's papers are parallel forms.
    #[serde(default)]
    pub difficulty: DifficultyTarget,
}

/// Mean difficulty (1–5 scale) every paper must hit, in hundredths.
///
/// Every paper's mean lies within `tolerance / 2` of the target, so any two papers of a
/// session differ by at most `tolerance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DifficultyTarget {
    /// Target mean × 100 (e.g. 250 = 2.5); `None` targets the mean a random paper from the
    /// pool would have.
    #[serde(default)]
    pub mean_centi: Option<u16>,
    /// Largest difference between two papers' means × 100 (default 10 = 0.1).
    pub tolerance_centi: u16,
    /// Smallest standard deviation of difficulty on a paper × 100 (e.g. 80 = 0.8), so a
    /// paper is not all medium questions; `None` sets no minimum.
    #[serde(default)]
    pub min_spread_centi: Option<u16>,
}

impl Default for DifficultyTarget {
    fn default() -> Self {
        DifficultyTarget {
            mean_centi: None,
            tolerance_centi: 10,
            min_spread_centi: None,
        }
    }
}

/// A blueprint that cannot produce a paper.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BlueprintError {
    /// Weights must add up to 100.
    #[error("知识领域权重之和应为 100，实为 {0}")]
    WeightsNot100(u32),
    /// A paper needs at least one question.
    #[error("试卷题量不能为 0")]
    Empty,
    /// Duration must be positive.
    #[error("考试时长必须大于 0")]
    NoTime,
    /// The bank cannot fill a cell.
    #[error("题库中 {subject} 的{area}{kind}只有 {available} 道，蓝图需要 {needed} 道")]
    PoolTooSmall {
        /// Subject code.
        subject: String,
        /// Area name.
        area: &'static str,
        /// Kind name.
        kind: &'static str,
        /// Questions in the pool.
        available: usize,
        /// Questions the blueprint needs.
        needed: u16,
    },
    /// Enemy sets leave too few compatible questions for a cell.
    #[error("{subject} 的{area}{kind}因互斥题（enemies）限制，无法凑足 {needed} 道，只能选出 {available} 道")]
    EnemiesBlock {
        /// Subject code.
        subject: String,
        /// Area name.
        area: &'static str,
        /// Kind name.
        kind: &'static str,
        /// Questions that could be placed.
        available: usize,
        /// Questions the blueprint needs.
        needed: u16,
    },
    /// No paper from the pool has a mean difficulty within the tolerance of the target.
    #[error("难度目标 {target:.2}±{half:.2} 无法达到：{subject} 的题库能组成的试卷平均难度在 {min:.2}–{max:.2} 之间（相差 {gap:.2}）")]
    DifficultyUnreachable {
        /// Subject code.
        subject: String,
        /// Target mean.
        target: f64,
        /// Allowed deviation of one paper.
        half: f64,
        /// Easiest possible paper's mean.
        min: f64,
        /// Hardest possible paper's mean.
        max: f64,
        /// How far the nearest reachable mean is from the allowed band.
        gap: f64,
    },
    /// No paper found meets the minimum difficulty spread within the mean band.
    #[error("难度离散度目标无法达到：{subject} 的试卷难度标准差至少应为 {wanted:.2}，在平均难度约束下最多只能达到 {reached:.2}")]
    SpreadUnreachable {
        /// Subject code.
        subject: String,
        /// Required standard deviation.
        wanted: f64,
        /// Best reached.
        reached: f64,
    },
    /// The difficulty target is outside the 1–5 scale or the tolerance is zero.
    #[error("难度目标应在 1.00–5.00 之间且容差大于 0，收到 {mean:.2}±{tolerance:.2}")]
    BadDifficulty {
        /// Target mean.
        mean: f64,
        /// Tolerance between papers.
        tolerance: f64,
    },
}

impl Blueprint {
    /// The national default: 100 questions (40 judge, 50 single, 10 multiple), areas
    /// 30/50/20, 60 minutes, pass at 70, multiple choice all-or-nothing.
    pub fn standard(subject: Subject) -> Blueprint {
        Blueprint {
            subject,
            area_weights: AreaWeights {
                basic: 30,
                safety: 50,
                law: 20,
            },
            kind_counts: KindCounts {
                judge: 40,
                single: 50,
                multiple: 10,
            },
            duration_seconds: 60 * 60,
            pass_mark_tenths: 700,
            scoring: ScoringRule::AllOrNothing,
            difficulty: DifficultyTarget::default(),
        }
    }

    /// Questions on the paper.
    pub fn question_count(&self) -> u16 {
        self.kind_counts.total()
    }

    /// Check the blueprint is self-consistent.
    pub fn validate(&self) -> Result<(), BlueprintError> {
        let sum: u32 = Area::ALL
            .iter()
            .map(|&a| u32::from(self.area_weights.of(a)))
            .sum();
        if sum != 100 {
            return Err(BlueprintError::WeightsNot100(sum));
        }
        if self.question_count() == 0 {
            return Err(BlueprintError::Empty);
        }
        if self.duration_seconds == 0 {
            return Err(BlueprintError::NoTime);
        }
        let d = self.difficulty;
        if d.tolerance_centi == 0
            || d.mean_centi.is_some_and(|m| !(100..=500).contains(&m))
            || d.min_spread_centi.is_some_and(|s| s > 200)
        {
            return Err(BlueprintError::BadDifficulty {
                mean: f64::from(d.mean_centi.unwrap_or(0)) / 100.0,
                tolerance: f64::from(d.tolerance_centi) / 100.0,
            });
        }
        Ok(())
    }

    /// Questions per area: weights applied to the total, rounded by largest remainder so the
    /// counts always add up to the total.
    pub fn area_counts(&self) -> [(Area, u16); 3] {
        largest_remainder(
            self.question_count(),
            Area::ALL.map(|a| (a, u32::from(self.area_weights.of(a)))),
        )
    }

    /// The area × kind matrix a paper must fill. Row sums equal [`Blueprint::area_counts`],
    /// column sums equal the kind counts.
    pub fn cells(&self) -> Vec<Cell> {
        let total = u32::from(self.question_count());
        let areas = self.area_counts();
        let mut cells: Vec<(Cell, u32)> = Vec::new();
        for &(area, a) in &areas {
            for kind in QuestionKind::ALL {
                let exact = u32::from(a) * u32::from(self.kind_counts.of(kind));
                let count = exact.checked_div(total).unwrap_or(0);
                let frac = exact.checked_rem(total).unwrap_or(0);
                cells.push((
                    Cell {
                        area,
                        kind,
                        count: count as u16,
                    },
                    frac,
                ));
            }
        }
        // Hand out the remaining questions by largest fractional part, to cells whose row and
        // column still lack questions. Any such cell will do, so this never gets stuck.
        let row_missing = |cells: &[(Cell, u32)], area: Area| {
            let have: u16 = cells
                .iter()
                .filter(|(c, _)| c.area == area)
                .map(|(c, _)| c.count)
                .sum();
            areas
                .iter()
                .find(|(a, _)| *a == area)
                .map_or(0, |(_, n)| *n)
                - have
        };
        let col_missing = |cells: &[(Cell, u32)], kind: QuestionKind| {
            let have: u16 = cells
                .iter()
                .filter(|(c, _)| c.kind == kind)
                .map(|(c, _)| c.count)
                .sum();
            self.kind_counts.of(kind) - have
        };
        let mut order: Vec<usize> = (0..cells.len()).collect();
        order.sort_by(|&i, &j| cells[j].1.cmp(&cells[i].1).then(i.cmp(&j)));
        loop {
            let pick = order.iter().copied().find(|&i| {
                row_missing(&cells, cells[i].0.area) > 0 && col_missing(&cells, cells[i].0.kind) > 0
            });
            match pick {
                Some(i) => {
                    cells[i].0.count += 1;
                    cells[i].1 = 0;
                    order.retain(|&j| j != i);
                    order.push(i);
                }
                None => break,
            }
        }
        cells
            .into_iter()
            .map(|(c, _)| c)
            .filter(|c| c.count > 0)
            .collect()
    }

    /// Every cell the bank's pool for this subject cannot fill.
    pub fn shortfalls(&self, bank: &Bank) -> Vec<BlueprintError> {
        self.cells()
            .into_iter()
            .filter_map(|cell| {
                let available = bank
                    .pool(self.subject)
                    .filter(|q| q.area == cell.area && q.kind == cell.kind)
                    .count();
                (available < usize::from(cell.count)).then(|| BlueprintError::PoolTooSmall {
                    subject: self.subject.code(),
                    area: cell.area.name_zh(),
                    kind: cell.kind.name_zh(),
                    available,
                    needed: cell.count,
                })
            })
            .collect()
    }
}

fn largest_remainder<K: Copy>(total: u16, weights: [(K, u32); 3]) -> [(K, u16); 3] {
    let sum: u32 = weights.iter().map(|(_, w)| w).sum::<u32>().max(1);
    let mut out = weights.map(|(k, w)| (k, (u32::from(total) * w / sum) as u16));
    let mut rems: Vec<(usize, u32)> = weights
        .iter()
        .enumerate()
        .map(|(i, (_, w))| (i, u32::from(total) * w % sum))
        .collect();
    rems.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let assigned: u16 = out.iter().map(|(_, n)| n).sum();
    for &(i, _) in rems.iter().take(usize::from(total - assigned)) {
        out[i].1 += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn standard_blueprint_cells_are_the_textbook_split() {
        let bp = Blueprint::standard(Subject::Q1);
        let get = |a, k| {
            bp.cells()
                .iter()
                .find(|c| c.area == a && c.kind == k)
                .map_or(0, |c| c.count)
        };
        assert_eq!(get(Area::Basic, QuestionKind::Judge), 12);
        assert_eq!(get(Area::Safety, QuestionKind::Single), 25);
        assert_eq!(get(Area::Law, QuestionKind::Multiple), 2);
        assert_eq!(bp.area_counts().map(|(_, n)| n), [30, 50, 20]);
    }

    proptest! {
        #[test]
        fn cells_match_both_margins(basic in 0u8..=100, safety in 0u8..=100, j in 0u16..80, s in 0u16..80, m in 0u16..40) {
            prop_assume!(u16::from(basic) + u16::from(safety) <= 100);
            let mut bp = Blueprint::standard(Subject::Q1);
            bp.area_weights = AreaWeights { basic, safety, law: 100 - basic - safety };
            bp.kind_counts = KindCounts { judge: j, single: s, multiple: m };
            let cells = bp.cells();
            for (area, n) in bp.area_counts() {
                prop_assert_eq!(cells.iter().filter(|c| c.area == area).map(|c| c.count).sum::<u16>(), n);
            }
            for kind in QuestionKind::ALL {
                prop_assert_eq!(cells.iter().filter(|c| c.kind == kind).map(|c| c.count).sum::<u16>(), bp.kind_counts.of(kind));
            }
        }
    }
}
