//! Response bodies of the practical-exam API. Scores are points with one decimal, as in
//! [`crate::wire`]. Templates, records, rules, profiles and reports travel as the domain
//! types themselves ([`super::SheetTemplate`], [`super::SheetRecord`], ...).

use serde::{Deserialize, Serialize};

use super::combine::{Combination, CombinationRule, SignedSheet};
use super::sheet::SheetScore;
use super::template::{PracticalArea, SheetTemplate};
use crate::wire::points;

/// A template in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateSummary {
    /// Template id.
    pub id: String,
    /// Version.
    pub version: u32,
    /// Title.
    pub title: String,
    /// Subject code, e.g. `Q2-bridge`.
    pub subject: String,
    /// Subject as printed, e.g. `Q2(限桥式起重机)`.
    pub subject_name: String,
    /// Number of items.
    pub items: usize,
}

impl From<&SheetTemplate> for TemplateSummary {
    fn from(t: &SheetTemplate) -> Self {
        TemplateSummary {
            id: t.id.clone(),
            version: t.version,
            title: t.title.clone(),
            subject: t.subject.code(),
            subject_name: t.subject.name_zh(),
            items: t.items.len(),
        }
    }
}

/// One item of a scored sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemScoreView {
    /// Item code.
    pub code: String,
    /// Item name.
    pub name: String,
    /// Area.
    pub area: PracticalArea,
    /// Maximum.
    pub max: f64,
    /// Deductions recorded (overtime included).
    pub deducted: f64,
    /// Of which overtime.
    pub overtime: f64,
    /// A zero-item rule applied.
    pub zeroed: bool,
    /// Points earned.
    pub score: f64,
}

/// One assessor's scored sheet: the reply to saving it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetScoreView {
    /// Template id.
    pub template_id: String,
    /// Template version.
    pub template_version: u32,
    /// Candidate absent.
    pub absent: bool,
    /// Per item, in sheet order.
    pub items: Vec<ItemScoreView>,
    /// Points per area (部件识别, 基本操作, 应急处置).
    pub areas: Vec<(PracticalArea, f64)>,
    /// Total.
    pub total: f64,
    /// Maximum.
    pub max: f64,
    /// This sheet alone reaches 70.
    pub passed: bool,
}

impl SheetScoreView {
    /// The view of `score`, with item names from the template it was scored against.
    pub fn new(template: &SheetTemplate, score: &SheetScore) -> Self {
        let items = score
            .items
            .iter()
            .map(|i| ItemScoreView {
                code: i.code.clone(),
                name: template
                    .item(&i.code)
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                area: i.area,
                max: points(i.max_tenths),
                deducted: points(i.deducted_tenths),
                overtime: points(i.overtime_tenths),
                zeroed: i.zeroed,
                score: points(i.score_tenths),
            })
            .collect();
        SheetScoreView {
            template_id: score.template_id.clone(),
            template_version: score.template_version,
            absent: score.absent,
            items,
            areas: score
                .areas
                .iter()
                .map(|a| (a.area, points(a.score_tenths)))
                .collect(),
            total: points(score.total_tenths),
            max: points(score.max_tenths),
            passed: score.passed(),
        }
    }
}

/// One assessor's total in a candidate's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessorTotal {
    /// Assessor account id.
    pub assessor_id: i64,
    /// Chief examiner.
    pub chief: bool,
    /// Recorded the candidate absent.
    pub absent: bool,
    /// Total.
    pub total: f64,
}

/// A candidate's practical result under the institution's combination rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PracticalResultView {
    /// Rule applied.
    pub rule: CombinationRule,
    /// Every signed sheet's total, kept for audit.
    pub sheets: Vec<AssessorTotal>,
    /// Combined score; `None` while the chief examiner must decide.
    pub score: Option<f64>,
    /// Passed; `None` while the chief examiner must decide.
    pub passed: Option<bool>,
    /// Spread between totals when consensus failed.
    pub spread: Option<f64>,
}

impl PracticalResultView {
    /// The view of combining `sheets` under `rule` into `outcome`.
    pub fn new(rule: CombinationRule, sheets: &[SignedSheet], outcome: Combination) -> Self {
        let (score, passed, spread) = match outcome {
            Combination::Combined {
                total_tenths,
                passed,
                ..
            } => (Some(points(total_tenths)), Some(passed), None),
            Combination::NeedsChief { spread_tenths } => (None, None, Some(points(spread_tenths))),
        };
        PracticalResultView {
            rule,
            sheets: sheets
                .iter()
                .map(|s| AssessorTotal {
                    assessor_id: s.assessor_id,
                    chief: s.chief,
                    absent: s.score.absent,
                    total: points(s.score.total_tenths),
                })
                .collect(),
            score,
            passed,
            spread,
        }
    }
}
