//! Exam subjects: the item code plus, for drivers, the crane type it is limited to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Q2 sub-types: the crane type a driver's certificate is limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CraneType {
    /// 桥式: bridge / overhead crane.
    Bridge,
    /// 门式: gantry crane.
    Gantry,
    /// 塔式: tower crane.
    Tower,
    /// 门座式: portal crane.
    Portal,
    /// 缆索式: cable crane.
    Cable,
    /// 流动式: mobile crane.
    Mobile,
}

impl CraneType {
    /// Every crane type, in the order TSG Z6001 lists them.
    pub const ALL: [CraneType; 6] = [
        CraneType::Bridge,
        CraneType::Gantry,
        CraneType::Tower,
        CraneType::Portal,
        CraneType::Cable,
        CraneType::Mobile,
    ];

    /// Machine code used in subject keys, e.g. `bridge`.
    pub fn code(self) -> &'static str {
        match self {
            CraneType::Bridge => "bridge",
            CraneType::Gantry => "gantry",
            CraneType::Tower => "tower",
            CraneType::Portal => "portal",
            CraneType::Cable => "cable",
            CraneType::Mobile => "mobile",
        }
    }

    /// Chinese name, e.g. `桥式`.
    pub fn name_zh(self) -> &'static str {
        match self {
            CraneType::Bridge => "桥式",
            CraneType::Gantry => "门式",
            CraneType::Tower => "塔式",
            CraneType::Portal => "门座式",
            CraneType::Cable => "缆索式",
            CraneType::Mobile => "流动式",
        }
    }
}

/// The subject key of an exam (item + sub-type). Also used as the scope of a bank question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// Q1 起重机指挥: crane signaller.
    Q1,
    /// Q2 起重机司机: crane driver, optionally limited to one crane type.
    Q2(Option<CraneType>),
}

impl Subject {
    /// Machine code: `Q1`, `Q2`, `Q2-bridge`, ...
    pub fn code(self) -> String {
        match self {
            Subject::Q1 => "Q1".to_owned(),
            Subject::Q2(None) => "Q2".to_owned(),
            Subject::Q2(Some(t)) => format!("Q2-{}", t.code()),
        }
    }

    /// Name as printed on certificates, e.g. `Q2(限桥式起重机)`.
    pub fn name_zh(self) -> String {
        match self {
            Subject::Q1 => "Q1 起重机指挥".to_owned(),
            Subject::Q2(None) => "Q2 起重机司机".to_owned(),
            Subject::Q2(Some(t)) => format!("Q2(限{}起重机)", t.name_zh()),
        }
    }

    /// Whether a question written for `scope` belongs in this subject's pool.
    ///
    /// A limited driver exam draws the common Q2 questions plus its own type's; an
    /// unlimited Q2 exam draws from every Q2 scope.
    pub fn draws_from(self, scope: Subject) -> bool {
        match (self, scope) {
            (Subject::Q1, Subject::Q1) => true,
            (Subject::Q2(None), Subject::Q2(_)) => true,
            (Subject::Q2(Some(_)), Subject::Q2(None)) => true,
            (Subject::Q2(Some(a)), Subject::Q2(Some(b))) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

/// A subject code that is not one of `Q1`, `Q2`, `Q2-<crane type>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知的考试科目代码 unknown subject code `{0}` (expected Q1, Q2 or Q2-bridge/gantry/tower/portal/cable/mobile)")]
pub struct UnknownSubject(pub String);

/// Why a pre-2019 item code cannot be read as a current subject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegacyCodeError {
    /// The old code covered two current sub-types.
    #[error("旧代码 {0} 同时对应桥式和门式起重机司机，请改为 Q2-bridge 或 Q2-gantry")]
    Ambiguous(&'static str),
    /// The old code is not a crane item today.
    #[error("旧代码 {0}（{1}）现在不是起重机作业项目")]
    NotACraneItem(&'static str, &'static str),
    /// Old Q1/Q2 were installation/maintenance items, not today's Q1/Q2.
    #[error("旧代码 {0} 指起重机械安装维修，与现行 {0} 含义不同，无法自动对应")]
    Reused(&'static str),
    /// Not a known code at all.
    #[error("未知的旧项目代码 `{0}`")]
    Unknown(String),
}

impl Subject {
    /// Read a pre-2019 item code (as found in old banks and records): Q3 起重机械指挥 → Q1;
    /// Q5 塔式 / Q6 门座式 / Q7 缆索式 / Q8 流动式 → Q2 sub-types. Q4 (桥门式) is ambiguous,
    /// Q9/Q10 are not crane items, and old Q1/Q2 meant installation/maintenance.
    pub fn from_legacy_code(code: &str) -> Result<Subject, LegacyCodeError> {
        match code.trim().to_ascii_uppercase().as_str() {
            "Q3" => Ok(Subject::Q1),
            "Q5" => Ok(Subject::Q2(Some(CraneType::Tower))),
            "Q6" => Ok(Subject::Q2(Some(CraneType::Portal))),
            "Q7" => Ok(Subject::Q2(Some(CraneType::Cable))),
            "Q8" => Ok(Subject::Q2(Some(CraneType::Mobile))),
            "Q4" => Err(LegacyCodeError::Ambiguous("Q4")),
            "Q9" => Err(LegacyCodeError::NotACraneItem("Q9", "升降机")),
            "Q10" => Err(LegacyCodeError::NotACraneItem("Q10", "机械式停车设备")),
            "Q1" => Err(LegacyCodeError::Reused("Q1")),
            "Q2" => Err(LegacyCodeError::Reused("Q2")),
            other => Err(LegacyCodeError::Unknown(other.to_owned())),
        }
    }
}

impl FromStr for Subject {
    type Err = UnknownSubject;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "Q1" => Ok(Subject::Q1),
            "Q2" => Ok(Subject::Q2(None)),
            _ => s
                .strip_prefix("Q2-")
                .and_then(|t| CraneType::ALL.into_iter().find(|c| c.code() == t))
                .map(|t| Subject::Q2(Some(t)))
                .ok_or_else(|| UnknownSubject(s.to_owned())),
        }
    }
}

impl Serialize for Subject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Subject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod legacy_tests {
    use super::*;

    #[test]
    fn legacy_codes_map_where_the_mapping_is_unambiguous() {
        assert_eq!(Subject::from_legacy_code("q3"), Ok(Subject::Q1));
        assert_eq!(
            Subject::from_legacy_code("Q8"),
            Ok(Subject::Q2(Some(CraneType::Mobile)))
        );
        assert_eq!(
            Subject::from_legacy_code("Q4"),
            Err(LegacyCodeError::Ambiguous("Q4"))
        );
        assert!(matches!(
            Subject::from_legacy_code("Q1"),
            Err(LegacyCodeError::Reused(_))
        ));
        assert!(matches!(
            Subject::from_legacy_code("Q9"),
            Err(LegacyCodeError::NotACraneItem(..))
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        let all = std::iter::once(Subject::Q1)
            .chain(std::iter::once(Subject::Q2(None)))
            .chain(CraneType::ALL.map(|t| Subject::Q2(Some(t))));
        for s in all {
            assert_eq!(s.code().parse::<Subject>().unwrap(), s);
        }
    }

    #[test]
    fn limited_driver_draws_common_and_own_type_only() {
        let bridge = Subject::Q2(Some(CraneType::Bridge));
        assert!(bridge.draws_from(Subject::Q2(None)));
        assert!(bridge.draws_from(bridge));
        assert!(!bridge.draws_from(Subject::Q2(Some(CraneType::Tower))));
        assert!(!bridge.draws_from(Subject::Q1));
        assert!(!Subject::Q1.draws_from(Subject::Q2(None)));
    }

    #[test]
    fn certificate_name_is_chinese() {
        assert_eq!(
            Subject::Q2(Some(CraneType::Bridge)).name_zh(),
            "Q2(限桥式起重机)"
        );
        assert!("Q3".parse::<Subject>().is_err());
    }
}
