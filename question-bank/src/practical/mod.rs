//! 实际操作技能考核: the practical exam. Score-sheet templates and their scoring, the
//! combination of several assessors' sheets, assessor qualification, institution
//! compliance, and overall results with retakes (补考). Pure: the server stores these
//! types as JSON and calls the functions here.

mod assessor;
mod bundled;
mod combine;
mod institution;
mod result;
mod sheet;
mod template;
pub mod wire;

pub use assessor::{check_assignment, AssessorProfile, AssessorStatus, Filing, Title, Unqualified};
pub use bundled::{bundled_templates, FILES};
pub use combine::{combine, Combination, CombinationRule, CombineError, SignedSheet};
pub use institution::{
    check_institution, Apparatus, ComplianceReport, InstitutionFacts, RuleCheck, SignallingKit,
};
pub use result::{
    retake_eligibility, sittings, AttemptRecord, Eligibility, OverallResult, Part, PartRecord,
    PartResult, Refusal, Sitting,
};
pub use sheet::{score, AreaScore, ItemRecord, ItemScore, RecordError, SheetRecord, SheetScore};
pub use template::{
    DeductionKind, DeductionRule, Overtime, PracticalArea, SheetItem, SheetTemplate, TemplateError,
    TemplateIssue, TimeLimit,
};

/// Points needed to pass the practical exam, in tenths (70 points).
pub const PASS_MARK_TENTHS: u32 = 700;

/// Serde for types that already read and print themselves (`FromStr` + `Display`), such as
/// [`crate::IdNumber`]: a string on the wire, parsed (and so validated) on the way in.
mod as_string {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{de, Deserialize, Deserializer, Serializer};

    pub fn serialize<T: Display, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        String::deserialize(d)?.parse().map_err(de::Error::custom)
    }
}
