//! 考评员: assessor profiles and whether one may be assigned to an exam.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::id_number::IdNumber;
use crate::subject::Subject;

/// Years of practical crane work an assessor needs.
const MIN_PRACTICE_YEARS: u32 = 3;
/// Years of teaching an assessor needs.
const MIN_TEACHING_YEARS: u32 = 2;

/// 职称或技能等级: professional title or skill grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Title {
    /// 技师.
    Technician,
    /// 高级技师.
    SeniorTechnician,
    /// 助理工程师.
    AssistantEngineer,
    /// 工程师.
    Engineer,
    /// 高级工程师 (and 正高级工程师).
    SeniorEngineer,
    /// Anything lower, or none (技术员、高级工、无职称).
    Other,
}

impl Title {
    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Title::Technician => "技师",
            Title::SeniorTechnician => "高级技师",
            Title::AssistantEngineer => "助理工程师",
            Title::Engineer => "工程师",
            Title::SeniorEngineer => "高级工程师",
            Title::Other => "其他或无职称",
        }
    }

    /// Meets the annex's "工程师或者技师及以上职称".
    pub fn qualifies(self) -> bool {
        matches!(
            self,
            Title::Technician | Title::SeniorTechnician | Title::Engineer | Title::SeniorEngineer
        )
    }
}

/// Whether an assessor may currently work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AssessorStatus {
    /// 有效.
    Active,
    /// 暂停: suspended by the institution or authority.
    Suspended,
    /// 已失效: qualification lapsed.
    Expired,
}

impl AssessorStatus {
    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            AssessorStatus::Active => "有效",
            AssessorStatus::Suspended => "暂停",
            AssessorStatus::Expired => "已失效",
        }
    }
}

/// 备案: the assessor's filing with the issuing authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Filing {
    /// 备案编号.
    pub number: String,
    /// Date the filing took effect.
    pub date: NaiveDate,
}

/// An assessor as the institution keeps them on file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessorProfile {
    /// Full name.
    pub name: String,
    /// 身份证号码.
    #[serde(with = "super::as_string")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id_number: IdNumber,
    /// Subjects the assessor may assess; `Q2` covers every crane type.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub subjects: Vec<Subject>,
    /// Years of practical crane work.
    pub practice_years: u32,
    /// Years of teaching or training.
    pub teaching_years: u32,
    /// Professional title.
    pub title: Title,
    /// Filing with the issuing authority, if filed.
    pub filing: Option<Filing>,
    /// Current status.
    pub status: AssessorStatus,
}

impl AssessorProfile {
    /// Whether the assessor's subjects include `subject` (an unlimited `Q2` covers every
    /// Q2 crane type; a limited one covers only its type).
    pub fn covers(&self, subject: Subject) -> bool {
        self.subjects
            .iter()
            .any(|&s| s == subject || (s == Subject::Q2(None) && matches!(subject, Subject::Q2(_))))
    }
}

/// One reason an assessor may not assess an exam.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unqualified {
    /// Too little practical work.
    #[error("从事起重机械实际工作 {0} 年，应不少于 3 年")]
    PracticeYears(u32),
    /// Too little teaching.
    #[error("从事教学培训工作 {0} 年，应不少于 2 年")]
    TeachingYears(u32),
    /// Title below engineer / technician.
    #[error("职称为{}，应具有工程师或技师及以上职称", .0.name_zh())]
    Title(Title),
    /// Not filed with the issuing authority.
    #[error("未向发证机关备案")]
    NotFiled,
    /// Filed, but effective only after the exam date.
    #[error("备案自 {0} 起生效，晚于考试日期")]
    FilingPending(NaiveDate),
    /// Suspended or expired.
    #[error("考评员状态为“{}”，不能安排考评", .0.name_zh())]
    NotActive(AssessorStatus),
    /// Not approved for this subject.
    #[error("未获准考评 {}", .0.name_zh())]
    NotCovered(Subject),
}

/// Whether `profile` may assess `subject` on `today`: every reason they may not.
pub fn check_assignment(
    profile: &AssessorProfile,
    subject: Subject,
    today: NaiveDate,
) -> Result<(), Vec<Unqualified>> {
    let mut why = Vec::new();
    if profile.practice_years < MIN_PRACTICE_YEARS {
        why.push(Unqualified::PracticeYears(profile.practice_years));
    }
    if profile.teaching_years < MIN_TEACHING_YEARS {
        why.push(Unqualified::TeachingYears(profile.teaching_years));
    }
    if !profile.title.qualifies() {
        why.push(Unqualified::Title(profile.title));
    }
    match &profile.filing {
        None => why.push(Unqualified::NotFiled),
        Some(f) if f.date > today => why.push(Unqualified::FilingPending(f.date)),
        Some(_) => {}
    }
    if profile.status != AssessorStatus::Active {
        why.push(Unqualified::NotActive(profile.status));
    }
    if !profile.covers(subject) {
        why.push(Unqualified::NotCovered(subject));
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(why)
    }
}

#[cfg(test)]
pub(super) fn qualified(name: &str, subjects: &[Subject]) -> AssessorProfile {
    AssessorProfile {
        name: name.into(),
        id_number: crate::id_number::synthesize(
            320102,
            NaiveDate::from_ymd_opt(1980, 5, 1).expect("valid date"),
            name.len() as u16,
        ),
        subjects: subjects.to_vec(),
        practice_years: 8,
        teaching_years: 4,
        title: Title::Engineer,
        filing: Some(Filing {
            number: "苏TS-KP-2023-017".into(),
            date: NaiveDate::from_ymd_opt(2023, 3, 1).expect("valid date"),
        }),
        status: AssessorStatus::Active,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subject::CraneType;

    const BRIDGE: Subject = Subject::Q2(Some(CraneType::Bridge));

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 20).unwrap()
    }

    fn reasons(p: &AssessorProfile, s: Subject) -> Vec<String> {
        check_assignment(p, s, today())
            .err()
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn qualified_assessor_passes() {
        assert_eq!(
            check_assignment(&qualified("王工", &[BRIDGE]), BRIDGE, today()),
            Ok(())
        );
    }

    #[test]
    fn each_failing_reason_is_listed() {
        let mut p = qualified("王工", &[Subject::Q1]);
        p.practice_years = 2;
        p.teaching_years = 1;
        p.title = Title::AssistantEngineer;
        p.filing = None;
        p.status = AssessorStatus::Suspended;
        assert_eq!(
            reasons(&p, BRIDGE),
            [
                "从事起重机械实际工作 2 年，应不少于 3 年",
                "从事教学培训工作 1 年，应不少于 2 年",
                "职称为助理工程师，应具有工程师或技师及以上职称",
                "未向发证机关备案",
                "考评员状态为“暂停”，不能安排考评",
                "未获准考评 Q2(限桥式起重机)",
            ]
        );
    }

    #[test]
    fn filing_must_be_effective_and_status_active() {
        let mut p = qualified("王工", &[Subject::Q1]);
        p.filing.as_mut().unwrap().date = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        assert_eq!(
            reasons(&p, Subject::Q1),
            ["备案自 2026-06-01 起生效，晚于考试日期"]
        );
        p.filing.as_mut().unwrap().date = today();
        p.status = AssessorStatus::Expired;
        assert_eq!(
            reasons(&p, Subject::Q1),
            ["考评员状态为“已失效”，不能安排考评"]
        );
    }

    #[test]
    fn titles_from_technician_or_engineer_up_qualify() {
        assert!(Title::Technician.qualifies() && Title::SeniorEngineer.qualifies());
        assert!(!Title::AssistantEngineer.qualifies() && !Title::Other.qualifies());
    }

    #[test]
    fn unlimited_q2_covers_every_crane_type_but_not_the_reverse() {
        let any_driver = qualified("李工", &[Subject::Q2(None)]);
        assert!(any_driver.covers(BRIDGE) && any_driver.covers(Subject::Q2(None)));
        assert!(!any_driver.covers(Subject::Q1));
        let bridge_only = qualified("赵工", &[BRIDGE]);
        assert!(!bridge_only.covers(Subject::Q2(Some(CraneType::Mobile))));
        assert!(!bridge_only.covers(Subject::Q2(None)));
    }

    #[test]
    fn profile_round_trips_through_json_with_a_checked_id_number() {
        let p = qualified("王工", &[Subject::Q1, BRIDGE]);
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains(r#""subjects":["Q1","Q2-bridge"]"#), "{json}");
        assert_eq!(serde_json::from_str::<AssessorProfile>(&json).unwrap(), p);
        let bad = json.replace(p.id_number.as_str(), "110105194912310021");
        assert!(serde_json::from_str::<AssessorProfile>(&bad).is_err());
    }
}
