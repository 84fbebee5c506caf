//! 考试机构基本要求: checking an institution against the annex "起重机操作人员考试机构
//! 基本要求" and reporting what is missing.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::assessor::{check_assignment, AssessorProfile};
use crate::subject::{CraneType, Subject};

/// Annual exam volume from which four assessors per item are required.
const LARGE_VOLUME: u32 = 500;

/// A crane or simulator on file for practical exams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Apparatus {
    /// A real crane.
    Crane {
        /// Crane type.
        #[serde(with = "crane_type")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, example = "bridge"))]
        crane_type: CraneType,
        /// Operated from a cab (司机室操纵).
        cab: bool,
        /// Model, e.g. `QD 5t-22.5m`.
        model: String,
    },
    /// 模拟器: a simulator of a crane type.
    Simulator {
        /// Crane type simulated.
        #[serde(with = "crane_type")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, example = "mobile"))]
        crane_type: CraneType,
        /// Model.
        model: String,
    },
}

impl Apparatus {
    /// Chinese description, e.g. `桥式起重机（司机室操纵）QD 5t`.
    pub fn describe_zh(&self) -> String {
        match self {
            Apparatus::Crane {
                crane_type,
                cab,
                model,
            } => {
                let cab = if *cab { "（司机室操纵）" } else { "" };
                format!("{}起重机{cab} {model}", crane_type.name_zh())
            }
            Apparatus::Simulator { crane_type, model } => {
                format!("{}起重机模拟器 {model}", crane_type.name_zh())
            }
        }
    }
}

/// 指挥信号用具: the signaller exam's kit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignallingKit {
    /// Red and green signal flags.
    pub flags: bool,
    /// Whistle.
    pub whistle: bool,
    /// Signal charts (指挥信号图).
    pub charts: bool,
}

/// What an institution has, as the compliance check needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstitutionFacts {
    /// Full-time staff (application review, exam administration, archives, liaison).
    pub full_time_staff: u32,
    /// Assessors on file; only those who pass [`check_assignment`] count.
    pub assessors: Vec<AssessorProfile>,
    /// Candidates examined in the last 12 months.
    pub exams_last_12_months: u32,
    /// Theory exam terminals (机位).
    pub exam_terminals: u32,
    /// Practical exam site area, square metres.
    pub site_area_m2: u32,
    /// Cranes and simulators on file.
    pub apparatus: Vec<Apparatus>,
    /// Signaller kit.
    pub signalling_kit: SignallingKit,
}

/// One requirement and how the institution fares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleCheck {
    /// Stable code, e.g. `terminals`.
    pub code: String,
    /// The requirement in Chinese.
    pub description_zh: String,
    /// What the institution has, e.g. `8 台`.
    pub figure: String,
    /// What is required, e.g. `≥ 10 台`.
    pub required: String,
    /// Met.
    pub passed: bool,
}

/// Every requirement checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplianceReport {
    /// One entry per requirement, in the annex's order.
    pub rules: Vec<RuleCheck>,
    /// Every rule met.
    pub passed: bool,
}

/// Check an institution against the annex on `today` (assessors' filings must be effective).
pub fn check_institution(facts: &InstitutionFacts, today: NaiveDate) -> ComplianceReport {
    let v = facts.exams_last_12_months;
    let (need, note) = if v >= LARGE_VOLUME {
        (4, format!("（近 12 个月考试 {v} 人次，≥ {LARGE_VOLUME}）"))
    } else {
        (2, String::new())
    };
    let assessors = |signaller: bool| {
        let n = facts
            .assessors
            .iter()
            .filter(|p| {
                p.subjects.iter().any(|&s| {
                    (s == Subject::Q1) == signaller && check_assignment(p, s, today).is_ok()
                })
            })
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    let mut q2 = at_least(
        "assessors_q2",
        "起重机司机（Q2）考评员",
        assessors(false),
        need,
        "名",
    );
    let mut q1 = at_least(
        "assessors_q1",
        "起重机指挥（Q1）考评员",
        assessors(true),
        need,
        "名",
    );
    q2.description_zh.push_str(&note);
    q1.description_zh.push_str(&note);
    let boom =
        |t: &CraneType| matches!(t, CraneType::Tower | CraneType::Portal | CraneType::Mobile);
    let kit = facts.signalling_kit;
    let missing: Vec<&str> = [
        (kit.flags, "红绿指挥旗"),
        (kit.whistle, "口哨"),
        (kit.charts, "指挥信号图"),
    ]
    .into_iter()
    .filter_map(|(has, name)| (!has).then_some(name))
    .collect();
    let rules = vec![
        at_least("staff", "专职工作人员", facts.full_time_staff, 3, "名"),
        q2,
        q1,
        at_least("terminals", "理论考试机位", facts.exam_terminals, 10, "台"),
        at_least(
            "site_area",
            "实际操作考试场地面积",
            facts.site_area_m2,
            150,
            "m²",
        ),
        on_file(
            "bridge_crane",
            "司机室操纵的桥式起重机",
            facts.apparatus.iter().filter(|a| {
                matches!(
                    a,
                    Apparatus::Crane {
                        crane_type: CraneType::Bridge,
                        cab: true,
                        ..
                    }
                )
            }),
        ),
        on_file(
            "boom_crane_or_simulator",
            "臂架起重机（塔式、门座式、流动式）或其模拟器",
            facts.apparatus.iter().filter(|a| match a {
                Apparatus::Crane { crane_type, .. } | Apparatus::Simulator { crane_type, .. } => {
                    boom(crane_type)
                }
            }),
        ),
        RuleCheck {
            code: "signalling_kit".into(),
            description_zh: "配备指挥信号用具：红绿指挥旗、口哨、指挥信号图".into(),
            figure: if missing.is_empty() {
                "齐全".into()
            } else {
                format!("缺少{}", missing.join("、"))
            },
            required: "红绿指挥旗、口哨、指挥信号图".into(),
            passed: missing.is_empty(),
        },
    ];
    ComplianceReport {
        passed: rules.iter().all(|r| r.passed),
        rules,
    }
}

fn at_least(code: &str, what: &str, figure: u32, min: u32, unit: &str) -> RuleCheck {
    RuleCheck {
        code: code.into(),
        description_zh: format!("{what}不少于 {min} {unit}"),
        figure: format!("{figure} {unit}"),
        required: format!("≥ {min} {unit}"),
        passed: figure >= min,
    }
}

fn on_file<'a>(code: &str, what: &str, found: impl Iterator<Item = &'a Apparatus>) -> RuleCheck {
    let found: Vec<String> = found.map(Apparatus::describe_zh).collect();
    RuleCheck {
        code: code.into(),
        description_zh: format!("配备{what}"),
        figure: if found.is_empty() {
            "无".into()
        } else {
            found.join("、")
        },
        required: what.into(),
        passed: !found.is_empty(),
    }
}

/// Serde for [`CraneType`] as its code (`bridge`, `mobile`...).
mod crane_type {
    use serde::{de, Deserialize, Deserializer, Serializer};

    use crate::subject::CraneType;

    pub fn serialize<S: Serializer>(t: &CraneType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(t.code())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<CraneType, D::Error> {
        let code = String::deserialize(d)?;
        CraneType::ALL
            .into_iter()
            .find(|t| t.code() == code)
            .ok_or_else(|| de::Error::custom(format!("未知的起重机类型 `{code}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practical::assessor::qualified;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 20).unwrap()
    }

    /// A small institution that fails exactly two rules: one of its two signaller assessors
    /// has only one year of teaching, and it has 8 terminals instead of 10.
    fn facts_failing_two() -> InstitutionFacts {
        let mut junior = qualified("周工", &[Subject::Q1]);
        junior.teaching_years = 1;
        InstitutionFacts {
            full_time_staff: 4,
            assessors: vec![
                qualified("王工", &[Subject::Q2(Some(CraneType::Bridge))]),
                qualified("李工", &[Subject::Q2(None)]),
                qualified("张工", &[Subject::Q1]),
                junior,
            ],
            exams_last_12_months: 320,
            exam_terminals: 8,
            site_area_m2: 180,
            apparatus: vec![
                Apparatus::Crane {
                    crane_type: CraneType::Bridge,
                    cab: true,
                    model: "QD 5t-22.5m".into(),
                },
                Apparatus::Simulator {
                    crane_type: CraneType::Mobile,
                    model: "QY-SIM 25".into(),
                },
            ],
            signalling_kit: SignallingKit {
                flags: true,
                whistle: true,
                charts: true,
            },
        }
    }

    fn failed(report: &ComplianceReport) -> Vec<&str> {
        report
            .rules
            .iter()
            .filter(|r| !r.passed)
            .map(|r| r.code.as_str())
            .collect()
    }

    #[test]
    fn fixture_fails_exactly_the_signaller_assessors_and_terminals() {
        let report = check_institution(&facts_failing_two(), today());
        assert_eq!(report.rules.len(), 8);
        assert_eq!(failed(&report), ["assessors_q1", "terminals"]);
        assert!(!report.passed);
        let terminals = &report.rules[3];
        assert_eq!(
            (terminals.figure.as_str(), terminals.required.as_str()),
            ("8 台", "≥ 10 台")
        );
        assert_eq!(report.rules[2].figure, "1 名");
    }

    #[test]
    fn fixed_institution_passes_until_volume_reaches_500() {
        let mut facts = facts_failing_two();
        facts.exam_terminals = 10;
        facts.assessors[3].teaching_years = 2;
        assert!(check_institution(&facts, today()).passed);
        facts.exams_last_12_months = 500;
        let report = check_institution(&facts, today());
        assert_eq!(failed(&report), ["assessors_q2", "assessors_q1"]);
        assert_eq!(report.rules[1].required, "≥ 4 名");
        assert!(report.rules[1]
            .description_zh
            .ends_with("（近 12 个月考试 500 人次，≥ 500）"));
    }

    #[test]
    fn apparatus_and_kit_report_what_is_missing() {
        let mut facts = facts_failing_two();
        facts.apparatus = vec![Apparatus::Crane {
            crane_type: CraneType::Bridge,
            cab: false,
            model: "LD 3t".into(),
        }];
        facts.signalling_kit.whistle = false;
        let report = check_institution(&facts, today());
        let by_code = |c: &str| report.rules.iter().find(|r| r.code == c).unwrap();
        assert_eq!(by_code("bridge_crane").figure, "无");
        assert!(!by_code("boom_crane_or_simulator").passed);
        assert_eq!(by_code("signalling_kit").figure, "缺少口哨");
    }

    #[test]
    fn apparatus_is_stored_with_crane_type_codes() {
        let a = &facts_failing_two().apparatus[1];
        let json = serde_json::to_string(a).unwrap();
        assert_eq!(
            json,
            r#"{"type":"simulator","crane_type":"mobile","model":"QY-SIM 25"}"#
        );
        assert_eq!(&serde_json::from_str::<Apparatus>(&json).unwrap(), a);
        assert_eq!(a.describe_zh(), "流动式起重机模拟器 QY-SIM 25");
    }
}
