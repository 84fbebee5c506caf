//! 评分记录与计分: one assessor's recorded sheet for one candidate, and its score.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::template::{DeductionKind, Overtime, PracticalArea, SheetItem, SheetTemplate};
use super::PASS_MARK_TENTHS;

/// One assessor's record of one candidate against one template version.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetRecord {
    /// Template id.
    pub template_id: String,
    /// Template version.
    pub template_version: u32,
    /// 缺考: the candidate did not sit the practical exam; `items` are ignored.
    #[serde(default)]
    pub absent: bool,
    /// Per item code. Every item of the template must be present, so an assessor confirms
    /// each one; an empty record means no deductions.
    #[serde(default)]
    pub items: BTreeMap<String, ItemRecord>,
}

/// What the assessor recorded for one item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemRecord {
    /// Occurrences per deduction-rule code; rules not listed did not occur.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub counts: BTreeMap<String, u32>,
    /// Time taken, seconds; required for timed items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_seconds: Option<u32>,
    /// Assessor's notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// The score of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemScore {
    /// Item code.
    pub code: String,
    /// Area.
    pub area: PracticalArea,
    /// Maximum, tenths.
    pub max_tenths: u32,
    /// Every deduction, overtime included and caps applied, before flooring at zero; tenths.
    pub deducted_tenths: u32,
    /// The overtime part of `deducted_tenths`.
    pub overtime_tenths: u32,
    /// A zero-item rule (or zero-item overtime) applied.
    pub zeroed: bool,
    /// Points earned, tenths: `max - deducted`, never below zero; zero when `zeroed`.
    pub score_tenths: u32,
}

/// One area's sub-score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaScore {
    /// Area.
    pub area: PracticalArea,
    /// Points earned, tenths.
    pub score_tenths: u32,
    /// Points available, tenths.
    pub max_tenths: u32,
}

/// One assessor's scored sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetScore {
    /// Template id.
    pub template_id: String,
    /// Template version.
    pub template_version: u32,
    /// The candidate was absent: every item scores zero.
    pub absent: bool,
    /// Per item, in sheet order.
    pub items: Vec<ItemScore>,
    /// Per area, in [`PracticalArea::ALL`] order.
    pub areas: Vec<AreaScore>,
    /// Sum of the item scores, tenths.
    pub total_tenths: u32,
    /// Sum of the item maxima, tenths.
    pub max_tenths: u32,
}

impl SheetScore {
    /// Whether this sheet alone reaches the pass mark (70 points).
    pub fn passed(&self) -> bool {
        !self.absent && self.total_tenths >= PASS_MARK_TENTHS
    }
}

/// Why a record cannot be scored against a template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The record names another template or version.
    #[error("评分记录对应模板 {got}，应为 {expected}")]
    WrongTemplate {
        /// `id v<version>` of the template given.
        expected: String,
        /// `id v<version>` named by the record.
        got: String,
    },
    /// The record scores an item the template does not have.
    #[error("评分表中没有项目 {0}")]
    UnknownItem(String),
    /// The record leaves out an item.
    #[error("项目 {0} 未记录评分")]
    MissingItem(String),
    /// The record counts a rule the item does not have.
    #[error("项目 {item} 没有扣分规则 {rule}")]
    UnknownRule {
        /// Item code.
        item: String,
        /// Rule code.
        rule: String,
    },
    /// A fixed or zero-item rule counted more than once.
    #[error("项目 {item} 的扣分规则 {rule} 只能记 1 次，记录为 {count} 次")]
    OnceOnly {
        /// Item code.
        item: String,
        /// Rule code.
        rule: String,
        /// Count recorded.
        count: u32,
    },
    /// A timed item without the time taken.
    #[error("项目 {0} 有考核时限，须记录用时")]
    MissingTime(String),
}

/// Score a record against its template. Returns every problem with the record, if any.
pub fn score(
    template: &SheetTemplate,
    record: &SheetRecord,
) -> Result<SheetScore, Vec<RecordError>> {
    if record.template_id != template.id || record.template_version != template.version {
        return Err(vec![RecordError::WrongTemplate {
            expected: format!("{} v{}", template.id, template.version),
            got: format!("{} v{}", record.template_id, record.template_version),
        }]);
    }
    let mut errors = Vec::new();
    let items: Vec<ItemScore> = if record.absent {
        let zero = |i| ItemScore {
            score_tenths: 0,
            ..item_score(i, 0, 0, false)
        };
        template.items.iter().map(zero).collect()
    } else {
        errors.extend(
            record
                .items
                .keys()
                .filter(|code| template.item(code).is_none())
                .map(|code| RecordError::UnknownItem(code.clone())),
        );
        template
            .items
            .iter()
            .map(|item| match record.items.get(&item.code) {
                Some(rec) => score_item(item, rec, &mut errors),
                None => {
                    errors.push(RecordError::MissingItem(item.code.clone()));
                    item_score(item, 0, 0, false)
                }
            })
            .collect()
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let areas = PracticalArea::ALL
        .into_iter()
        .map(|area| {
            let of_area = || items.iter().filter(move |i| i.area == area);
            AreaScore {
                area,
                score_tenths: of_area().map(|i| i.score_tenths).sum(),
                max_tenths: of_area().map(|i| i.max_tenths).sum(),
            }
        })
        .collect();
    Ok(SheetScore {
        template_id: template.id.clone(),
        template_version: template.version,
        absent: record.absent,
        total_tenths: items.iter().map(|i| i.score_tenths).sum(),
        max_tenths: items.iter().map(|i| i.max_tenths).sum(),
        items,
        areas,
    })
}

fn score_item(item: &SheetItem, rec: &ItemRecord, errors: &mut Vec<RecordError>) -> ItemScore {
    let capped = |amount: u64, cap: Option<u32>| cap.map_or(amount, |c| amount.min(c.into()));
    let mut deducted = 0u64;
    let mut zeroed = false;
    for (code, &count) in &rec.counts {
        let Some(rule) = item.rule(code) else {
            errors.push(RecordError::UnknownRule {
                item: item.code.clone(),
                rule: code.clone(),
            });
            continue;
        };
        match rule.kind {
            _ if count == 0 => {}
            DeductionKind::Fixed { .. } | DeductionKind::ZeroItem if count > 1 => {
                errors.push(RecordError::OnceOnly {
                    item: item.code.clone(),
                    rule: code.clone(),
                    count,
                })
            }
            DeductionKind::Fixed { tenths } => deducted += u64::from(tenths),
            DeductionKind::PerOccurrence { tenths, cap_tenths } => {
                deducted += capped(u64::from(tenths) * u64::from(count), cap_tenths)
            }
            DeductionKind::ZeroItem => zeroed = true,
        }
    }
    let over = match (item.time_limit, rec.elapsed_seconds) {
        (None, _) => 0,
        (Some(_), None) => {
            errors.push(RecordError::MissingTime(item.code.clone()));
            0
        }
        (Some(limit), Some(elapsed)) => elapsed.saturating_sub(limit.seconds),
    };
    let overtime = match item.time_limit.map(|l| l.overtime) {
        _ if over == 0 => 0,
        Some(Overtime::PerStarted {
            every_seconds,
            tenths,
            cap_tenths,
        }) => {
            let steps = over.div_ceil(every_seconds.max(1));
            capped(u64::from(steps) * u64::from(tenths), cap_tenths)
        }
        Some(Overtime::Fixed { tenths }) => u64::from(tenths),
        Some(Overtime::ZeroItem) => {
            zeroed = true;
            0
        }
        None => 0,
    };
    let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    item_score(item, clamp(deducted + overtime), clamp(overtime), zeroed)
}

fn item_score(item: &SheetItem, deducted: u32, overtime: u32, zeroed: bool) -> ItemScore {
    ItemScore {
        code: item.code.clone(),
        area: item.area,
        max_tenths: item.max_tenths,
        deducted_tenths: deducted,
        overtime_tenths: overtime,
        zeroed,
        score_tenths: if zeroed {
            0
        } else {
            item.max_tenths.saturating_sub(deducted)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practical::template::{DeductionRule, TimeLimit};
    use crate::subject::Subject;
    use proptest::prelude::*;

    fn rule(code: &str, kind: DeductionKind) -> DeductionRule {
        DeductionRule {
            code: code.into(),
            description: code.into(),
            kind,
        }
    }

    /// ID 30 (untimed), OP 50 (60 s, overtime as given), EM 20; one rule of each kind on OP.
    fn template(overtime: Overtime) -> SheetTemplate {
        let item = |code: &str, area, max, time_limit, deductions| SheetItem {
            code: code.into(),
            name: code.into(),
            area,
            max_tenths: max,
            time_limit,
            deductions,
        };
        SheetTemplate {
            id: "T".into(),
            version: 2,
            title: "测试".into(),
            subject: Subject::Q1,
            items: vec![
                item(
                    "ID",
                    PracticalArea::Identification,
                    300,
                    None,
                    vec![rule(
                        "wrong",
                        DeductionKind::PerOccurrence {
                            tenths: 30,
                            cap_tenths: None,
                        },
                    )],
                ),
                item(
                    "OP",
                    PracticalArea::Operation,
                    500,
                    Some(TimeLimit {
                        seconds: 60,
                        overtime,
                    }),
                    vec![
                        rule("fixed", DeductionKind::Fixed { tenths: 100 }),
                        rule(
                            "stop",
                            DeductionKind::PerOccurrence {
                                tenths: 50,
                                cap_tenths: Some(150),
                            },
                        ),
                        rule(
                            "swing",
                            DeductionKind::PerOccurrence {
                                tenths: 20,
                                cap_tenths: None,
                            },
                        ),
                        rule("zero", DeductionKind::ZeroItem),
                    ],
                ),
                item("EM", PracticalArea::Emergency, 200, None, vec![]),
            ],
        }
    }

    const PER_10S: Overtime = Overtime::PerStarted {
        every_seconds: 10,
        tenths: 10,
        cap_tenths: Some(50),
    };

    fn record(op: &[(&str, u32)], elapsed: u32) -> SheetRecord {
        let mut items = BTreeMap::from([
            ("ID".to_owned(), ItemRecord::default()),
            ("EM".to_owned(), ItemRecord::default()),
        ]);
        items.insert(
            "OP".into(),
            ItemRecord {
                counts: op.iter().map(|&(r, n)| (r.to_owned(), n)).collect(),
                elapsed_seconds: Some(elapsed),
                notes: String::new(),
            },
        );
        SheetRecord {
            template_id: "T".into(),
            template_version: 2,
            absent: false,
            items,
        }
    }

    fn op_score(overtime: Overtime, op: &[(&str, u32)], elapsed: u32) -> ItemScore {
        let s = score(&template(overtime), &record(op, elapsed)).unwrap();
        s.items[1].clone()
    }

    #[test]
    fn clean_sheet_scores_full_marks_with_area_subtotals() {
        let s = score(&template(PER_10S), &record(&[], 60)).unwrap();
        assert_eq!((s.total_tenths, s.max_tenths), (1000, 1000));
        assert_eq!(
            s.areas.iter().map(|a| a.score_tenths).collect::<Vec<_>>(),
            [300, 500, 200]
        );
        assert!(s.passed());
    }

    #[test]
    fn fixed_deduction_applies_once_and_twice_is_an_error() {
        assert_eq!(op_score(PER_10S, &[("fixed", 1)], 0).score_tenths, 400);
        let err = score(&template(PER_10S), &record(&[("fixed", 2)], 0)).unwrap_err();
        assert_eq!(
            err[0].to_string(),
            "项目 OP 的扣分规则 fixed 只能记 1 次，记录为 2 次"
        );
    }

    #[test]
    fn per_occurrence_deduction_multiplies_and_respects_its_cap() {
        assert_eq!(op_score(PER_10S, &[("swing", 3)], 0).score_tenths, 440);
        assert_eq!(op_score(PER_10S, &[("stop", 2)], 0).score_tenths, 400);
        // Five stops would be 25 points; the rule is capped at 15.
        assert_eq!(op_score(PER_10S, &[("stop", 5)], 0).deducted_tenths, 150);
        // Uncapped deductions beyond the maximum floor the item at zero.
        let s = op_score(PER_10S, &[("swing", 40)], 0);
        assert_eq!((s.deducted_tenths, s.score_tenths), (800, 0));
    }

    #[test]
    fn zero_item_rule_zeroes_only_its_item() {
        let s = score(&template(PER_10S), &record(&[("zero", 1)], 0)).unwrap();
        assert!(s.items[1].zeroed);
        assert_eq!((s.items[1].score_tenths, s.total_tenths), (0, 500));
        assert_eq!(s.areas[1].score_tenths, 0);
        assert!(!s.passed());
    }

    #[test]
    fn overtime_per_started_step_is_capped() {
        assert_eq!(op_score(PER_10S, &[], 60).overtime_tenths, 0);
        assert_eq!(op_score(PER_10S, &[], 61).overtime_tenths, 10);
        assert_eq!(op_score(PER_10S, &[], 80).overtime_tenths, 20);
        assert_eq!(op_score(PER_10S, &[], 81).overtime_tenths, 30);
        assert_eq!(op_score(PER_10S, &[], 600).overtime_tenths, 50);
        let s = op_score(PER_10S, &[("fixed", 1)], 75);
        assert_eq!((s.deducted_tenths, s.score_tenths), (120, 380));
    }

    #[test]
    fn overtime_fixed_and_zero_item() {
        let fixed = Overtime::Fixed { tenths: 50 };
        assert_eq!(op_score(fixed, &[], 60).score_tenths, 500);
        assert_eq!(op_score(fixed, &[], 999).score_tenths, 450);
        assert_eq!(op_score(Overtime::ZeroItem, &[], 60).score_tenths, 500);
        let s = op_score(Overtime::ZeroItem, &[], 61);
        assert!(s.zeroed);
        assert_eq!(s.score_tenths, 0);
    }

    #[test]
    fn absent_candidate_scores_zero_without_item_records() {
        let rec = SheetRecord {
            template_id: "T".into(),
            template_version: 2,
            absent: true,
            items: BTreeMap::new(),
        };
        let s = score(&template(PER_10S), &rec).unwrap();
        assert!(s.absent && !s.passed());
        assert_eq!((s.total_tenths, s.items.len()), (0, 3));
    }

    #[test]
    fn record_problems_are_all_reported() {
        let mut rec = record(&[("nope", 1), ("zero", 3)], 0);
        rec.items.remove("EM");
        rec.items.insert("XX".into(), ItemRecord::default());
        rec.items.get_mut("OP").unwrap().elapsed_seconds = None;
        let err: Vec<String> = score(&template(PER_10S), &rec)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            err,
            [
                "评分表中没有项目 XX",
                "项目 OP 没有扣分规则 nope",
                "项目 OP 的扣分规则 zero 只能记 1 次，记录为 3 次",
                "项目 OP 有考核时限，须记录用时",
                "项目 EM 未记录评分",
            ]
        );
    }

    #[test]
    fn record_for_another_version_is_rejected() {
        let mut rec = record(&[], 0);
        rec.template_version = 1;
        assert_eq!(
            score(&template(PER_10S), &rec).unwrap_err(),
            [RecordError::WrongTemplate {
                expected: "T v2".into(),
                got: "T v1".into()
            }]
        );
    }

    proptest! {
        #[test]
        fn item_scores_stay_in_range_and_total_is_their_sum(
            counts in proptest::collection::vec(0u32..1_000, 4),
            fixed in 0u32..=1, zero in 0u32..=1,
            wrong in 0u32..u32::MAX, elapsed in 0u32..u32::MAX,
        ) {
            let mut rec = record(
                &[("stop", counts[0]), ("swing", counts[1]), ("fixed", fixed), ("zero", zero)],
                elapsed,
            );
            rec.items.get_mut("ID").unwrap().counts.insert("wrong".into(), wrong);
            for overtime in [PER_10S, Overtime::Fixed { tenths: 30 }, Overtime::ZeroItem] {
                let s = score(&template(overtime), &rec).unwrap();
                for item in &s.items {
                    prop_assert!(item.score_tenths <= item.max_tenths);
                    prop_assert!(!item.zeroed || item.score_tenths == 0);
                }
                prop_assert_eq!(s.total_tenths, s.items.iter().map(|i| i.score_tenths).sum::<u32>());
                prop_assert_eq!(s.total_tenths, s.areas.iter().map(|a| a.score_tenths).sum::<u32>());
                prop_assert_eq!(s.items[1].score_tenths == 0, zero == 1 || s.items[1].deducted_tenths >= 500
                    || (overtime == Overtime::ZeroItem && elapsed > 60));
            }
        }
    }
}
