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
