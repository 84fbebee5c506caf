//! 评分表模板: versioned score-sheet templates and their validation.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::subject::Subject;
use crate::wire::points;

/// Part of the practical exam; a sheet's 100 points are split 30/50/20 across them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PracticalArea {
    /// 部件识别: component identification (includes site capability checks).
    Identification,
    /// 基本操作: basic operation.
    Operation,
    /// 应急处置: emergency handling.
    Emergency,
}

impl PracticalArea {
    /// Every area, in sheet order.
    pub const ALL: [PracticalArea; 3] = [
        PracticalArea::Identification,
        PracticalArea::Operation,
        PracticalArea::Emergency,
    ];

    /// Chinese name, e.g. `基本操作`.
    pub fn name_zh(self) -> &'static str {
        match self {
            PracticalArea::Identification => "部件识别",
            PracticalArea::Operation => "基本操作",
            PracticalArea::Emergency => "应急处置",
        }
    }

    /// The area's share of a 100-point sheet, in tenths (30/50/20 points).
    pub fn max_tenths(self) -> u32 {
        match self {
            PracticalArea::Identification => 300,
            PracticalArea::Operation => 500,
            PracticalArea::Emergency => 200,
        }
    }
}

/// 评分表: a versioned score sheet for one subject. A published version never changes;
/// edits publish a new version, so every record can be rescored against its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetTemplate {
    /// Template id, e.g. `Q2-bridge`.
    pub id: String,
    /// Version, from 1.
    pub version: u32,
    /// Chinese title.
    pub title: String,
    /// Subject examined.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "Q2-bridge"))]
    pub subject: Subject,
    /// Items, in sheet order.
    pub items: Vec<SheetItem>,
}

/// 考核项目: one scored item of a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetItem {
    /// Code, unique in the template, e.g. `OP2`.
    pub code: String,
    /// Chinese name, with what the candidate must do.
    pub name: String,
    /// Area the item counts towards.
    pub area: PracticalArea,
    /// Maximum, tenths.
    pub max_tenths: u32,
    /// Time limit, if the item is timed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<TimeLimit>,
    /// Deduction rules.
    #[serde(default)]
    pub deductions: Vec<DeductionRule>,
}

/// 考核时限: a timed item's limit and what running over costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeLimit {
    /// Seconds allowed.
    pub seconds: u32,
    /// Deduction for running over.
    pub overtime: Overtime,
}

/// 超时扣分: the deduction for exceeding an item's time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Overtime {
    /// `tenths` for every started `every_seconds` over the limit, at most `cap_tenths`.
    PerStarted {
        /// Length of one overtime step, seconds.
        every_seconds: u32,
        /// Deduction per started step, tenths.
        tenths: u32,
        /// Most that overtime can cost, tenths.
        cap_tenths: Option<u32>,
    },
    /// `tenths` once, however far over.
    Fixed {
        /// Deduction, tenths.
        tenths: u32,
    },
    /// 超时不得分: the item scores zero.
    ZeroItem,
}

/// 扣分规则: one way of losing points on an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeductionRule {
    /// Code, unique in the item, e.g. `stop`.
    pub code: String,
    /// Chinese description of the fault.
    pub description: String,
    /// How much it costs.
    pub kind: DeductionKind,
}

/// How a deduction rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeductionKind {
    /// A fixed deduction that applies at most once.
    Fixed {
        /// Deduction, tenths.
        tenths: u32,
    },
    /// `tenths` per occurrence, at most `cap_tenths` in all.
    PerOccurrence {
        /// Deduction per occurrence, tenths.
        tenths: u32,
        /// Most the rule can cost, tenths.
        cap_tenths: Option<u32>,
    },
    /// 该项不得分: the item scores zero (at most once).
    ZeroItem,
}

/// One problem with a template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateIssue {
    /// The template has no items.
    #[error("评分表没有考核项目")]
    NoItems,
    /// Two items share a code.
    #[error("项目代码 {0} 重复")]
    DuplicateItem(String),
    /// An item's maximum is zero.
    #[error("项目 {0} 的满分为 0")]
    ZeroMax(String),
    /// Item maxima do not add up to 100 points.
    #[error("各项目满分合计应为 100 分，实为 {} 分", points(*.0))]
    TotalNot100(u32),
    /// An area's maxima do not add up to its share (30/50/20).
    #[error("{}项目满分合计应为 {} 分，实为 {} 分", .area.name_zh(), points(.area.max_tenths()), points(*.actual_tenths))]
    AreaTotal {
        /// The area.
        area: PracticalArea,
        /// Sum of its items' maxima, tenths.
        actual_tenths: u32,
    },
    /// Two rules of an item share a code.
    #[error("项目 {item} 的扣分规则代码 {rule} 重复")]
    DuplicateRule {
        /// Item code.
        item: String,
        /// Rule code.
        rule: String,
    },
    /// A timed item allows zero seconds.
    #[error("项目 {0} 的考核时限为 0 秒")]
    ZeroTimeLimit(String),
    /// A deduction (or overtime rule) that deducts nothing, more than the item, or has a
    /// cap that makes no sense.
    #[error("项目 {item} 的{what}：{why}")]
    BadDeduction {
        /// Item code.
        item: String,
        /// `扣分规则 <code>` or `超时扣分`.
        what: String,
        /// What is wrong.
        why: String,
    },
}

/// A template that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// Not a readable template file.
    #[error("评分表模板格式错误：{0}")]
    Syntax(String),
    /// Read, but inconsistent.
    #[error("评分表模板 {id} 有 {} 处问题：{}", .issues.len(), issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("；"))]
    Invalid {
        /// Template id.
        id: String,
        /// Every problem found.
        issues: Vec<TemplateIssue>,
    },
}

impl SheetTemplate {
    /// Read a template from TOML (the format of `practical/*.toml`) and validate it.
    pub fn from_toml(text: &str) -> Result<SheetTemplate, TemplateError> {
        let template: SheetTemplate =
            toml::from_str(text).map_err(|e| TemplateError::Syntax(e.to_string()))?;
        template
            .validate()
            .map_err(|issues| TemplateError::Invalid {
                id: template.id.clone(),
                issues,
            })?;
        Ok(template)
    }

    /// The item with this code.
    pub fn item(&self, code: &str) -> Option<&SheetItem> {
        self.items.iter().find(|i| i.code == code)
    }

    /// Check the template can score a sheet: every problem, not just the first.
    pub fn validate(&self) -> Result<(), Vec<TemplateIssue>> {
        let mut issues = Vec::new();
        if self.items.is_empty() {
            issues.push(TemplateIssue::NoItems);
        }
        let mut codes = HashSet::new();
        for item in &self.items {
            if !codes.insert(item.code.as_str()) {
                issues.push(TemplateIssue::DuplicateItem(item.code.clone()));
            }
            if item.max_tenths == 0 {
                issues.push(TemplateIssue::ZeroMax(item.code.clone()));
            }
            item.check_deductions(&mut issues);
        }
        let total: u32 = self.items.iter().map(|i| i.max_tenths).sum();
        if total != 1000 {
            issues.push(TemplateIssue::TotalNot100(total));
        }
        for area in PracticalArea::ALL {
            let actual_tenths = self
                .items
                .iter()
                .filter(|i| i.area == area)
                .map(|i| i.max_tenths)
                .sum();
            if actual_tenths != area.max_tenths() {
                issues.push(TemplateIssue::AreaTotal {
                    area,
                    actual_tenths,
                });
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }
}

impl SheetItem {
    /// The deduction rule with this code.
    pub fn rule(&self, code: &str) -> Option<&DeductionRule> {
        self.deductions.iter().find(|r| r.code == code)
    }

    fn check_deductions(&self, issues: &mut Vec<TemplateIssue>) {
        let mut codes = HashSet::new();
        for rule in &self.deductions {
            if !codes.insert(rule.code.as_str()) {
                issues.push(TemplateIssue::DuplicateRule {
                    item: self.code.clone(),
                    rule: rule.code.clone(),
                });
            }
            let (tenths, cap) = match rule.kind {
                DeductionKind::Fixed { tenths } => (Some(tenths), None),
                DeductionKind::PerOccurrence { tenths, cap_tenths } => (Some(tenths), cap_tenths),
                DeductionKind::ZeroItem => (None, None),
            };
            self.check_amount(&format!("扣分规则 {}", rule.code), tenths, cap, issues);
        }
        let Some(limit) = self.time_limit else {
            return;
        };
        if limit.seconds == 0 {
            issues.push(TemplateIssue::ZeroTimeLimit(self.code.clone()));
        }
        let (tenths, cap) = match limit.overtime {
            Overtime::PerStarted {
                every_seconds,
                tenths,
                cap_tenths,
            } => {
                if every_seconds == 0 {
                    self.bad("超时扣分", "计时间隔为 0 秒".to_owned(), issues);
                }
                (Some(tenths), cap_tenths)
            }
            Overtime::Fixed { tenths } => (Some(tenths), None),
            Overtime::ZeroItem => (None, None),
        };
        self.check_amount("超时扣分", tenths, cap, issues);
    }

    fn check_amount(
        &self,
        what: &str,
        tenths: Option<u32>,
        cap: Option<u32>,
        issues: &mut Vec<TemplateIssue>,
    ) {
        let (max, p) = (self.max_tenths, points);
        match tenths {
            Some(0) => self.bad(what, "扣分值为 0".to_owned(), issues),
            Some(t) if t > max => self.bad(
                what,
                format!("单次扣 {} 分，超过项目满分 {} 分", p(t), p(max)),
                issues,
            ),
            _ => {}
        }
        match (tenths, cap) {
            (Some(t), Some(c)) if c < t => self.bad(
                what,
                format!("封顶 {} 分，小于单次扣分 {} 分", p(c), p(t)),
                issues,
            ),
            (_, Some(c)) if c > max => self.bad(
                what,
                format!("封顶 {} 分，超过项目满分 {} 分", p(c), p(max)),
                issues,
            ),
            _ => {}
        }
    }

    fn bad(&self, what: &str, why: String, issues: &mut Vec<TemplateIssue>) {
        issues.push(TemplateIssue::BadDeduction {
            item: self.code.clone(),
            what: what.to_owned(),
            why,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
id = "T"
version = 1
title = "测试"
subject = "Q1"

[[items]]
code = "ID"
name = "识别"
area = "identification"
max_tenths = 300

[[items]]
code = "OP"
name = "操作"
area = "operation"
max_tenths = 500
time_limit = { seconds = 60, overtime = { type = "per_started", every_seconds = 10, tenths = 10, cap_tenths = 50 } }

[[items.deductions]]
code = "stop"
description = "中途停车"
kind = { type = "per_occurrence", tenths = 50 }

[[items]]
code = "EM"
name = "应急"
area = "emergency"
max_tenths = 200
"#;

    #[test]
    fn minimal_toml_reads_and_validates() {
        let t = SheetTemplate::from_toml(MINIMAL).unwrap();
        assert_eq!(t.items.len(), 3);
        assert_eq!(
            t.item("OP").unwrap().rule("stop").unwrap().kind,
            DeductionKind::PerOccurrence {
                tenths: 50,
                cap_tenths: None
            }
        );
    }

    #[test]
    fn unknown_fields_are_syntax_errors() {
        let typo = MINIMAL.replace("max_tenths = 200", "max_tenth = 200");
        assert!(matches!(
            SheetTemplate::from_toml(&typo),
            Err(TemplateError::Syntax(_))
        ));
    }

    #[test]
    fn validation_reports_every_problem() {
        let mut t = SheetTemplate::from_toml(MINIMAL).unwrap();
        t.items[2].code = "ID".into();
        t.items[2].max_tenths = 0;
        let op = &mut t.items[1];
        op.time_limit = Some(TimeLimit {
            seconds: 0,
            overtime: Overtime::PerStarted {
                every_seconds: 0,
                tenths: 10,
                cap_tenths: Some(5),
            },
        });
        let rule = |code: &str, kind| DeductionRule {
            code: code.into(),
            description: "x".into(),
            kind,
        };
        op.deductions = vec![
            rule("a", DeductionKind::Fixed { tenths: 0 }),
            rule("a", DeductionKind::Fixed { tenths: 600 }),
            rule(
                "b",
                DeductionKind::PerOccurrence {
                    tenths: 50,
                    cap_tenths: Some(900),
                },
            ),
        ];
        let issues = t.validate().unwrap_err();
        let text: Vec<String> = issues.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "项目 OP 的扣分规则 a：扣分值为 0",
                "项目 OP 的扣分规则代码 a 重复",
                "项目 OP 的扣分规则 a：单次扣 60 分，超过项目满分 50 分",
                "项目 OP 的扣分规则 b：封顶 90 分，超过项目满分 50 分",
                "项目 OP 的考核时限为 0 秒",
                "项目 OP 的超时扣分：计时间隔为 0 秒",
                "项目 OP 的超时扣分：封顶 0.5 分，小于单次扣分 1 分",
                "项目代码 ID 重复",
                "项目 ID 的满分为 0",
                "各项目满分合计应为 100 分，实为 80 分",
                "应急处置项目满分合计应为 20 分，实为 0 分",
            ]
        );
    }

    #[test]
    fn area_shares_must_be_30_50_20_even_when_total_is_100() {
        let mut t = SheetTemplate::from_toml(MINIMAL).unwrap();
        t.items[0].max_tenths = 200;
        t.items[1].max_tenths = 600;
        assert_eq!(
            t.validate().unwrap_err(),
            [
                TemplateIssue::AreaTotal {
                    area: PracticalArea::Identification,
                    actual_tenths: 200
                },
                TemplateIssue::AreaTotal {
                    area: PracticalArea::Operation,
                    actual_tenths: 600
                },
            ]
        );
    }
}
