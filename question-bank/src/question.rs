//! Questions, their keys, and candidates' answers.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::subject::Subject;

/// Stable identifier of a question inside the bundled or imported banks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionId(pub String);

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Question type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum QuestionKind {
    /// 判断题: true/false.
    Judge,
    /// 单选题: single choice.
    Single,
    /// 多选题: multiple choice.
    Multiple,
}

impl QuestionKind {
    /// Every kind, in the order a paper presents them.
    pub const ALL: [QuestionKind; 3] = [
        QuestionKind::Judge,
        QuestionKind::Single,
        QuestionKind::Multiple,
    ];

    /// Chinese name, e.g. `判断题`.
    pub fn name_zh(self) -> &'static str {
        match self {
            QuestionKind::Judge => "判断题",
            QuestionKind::Single => "单选题",
            QuestionKind::Multiple => "多选题",
        }
    }

    /// Code used in files and on the wire: `judge`, `single`, `multiple`.
    pub fn code(self) -> &'static str {
        match self {
            QuestionKind::Judge => "judge",
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
        }
    }

    /// Read a kind as authors write it: the code, the Chinese name with or without 题,
    /// or the usual English words.
    pub fn parse(text: &str) -> Option<QuestionKind> {
        match text.trim().to_lowercase().as_str() {
            "judge" | "判断题" | "判断" | "true/false" | "truefalse" | "tf" => {
                Some(QuestionKind::Judge)
            }
            "single" | "单选题" | "单选" | "单项选择题" | "single choice" => {
                Some(QuestionKind::Single)
            }
            "multiple" | "多选题" | "多选" | "多项选择题" | "multiple choice" => {
                Some(QuestionKind::Multiple)
            }
            _ => None,
        }
    }
}

/// Content area; the theory paper is weighted 30/50/20 across them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Area {
    /// 基础知识: basic knowledge.
    Basic,
    /// 安全知识: safety knowledge.
    Safety,
    /// 法规标准知识: laws, regulations and standards.
    Law,
}

impl Area {
    /// Every area, in syllabus order.
    pub const ALL: [Area; 3] = [Area::Basic, Area::Safety, Area::Law];

    /// Chinese name, e.g. `安全知识`.
    pub fn name_zh(self) -> &'static str {
        match self {
            Area::Basic => "基础知识",
            Area::Safety => "安全知识",
            Area::Law => "法规标准知识",
        }
    }

    /// Code used in files and on the wire: `basic`, `safety`, `law`.
    pub fn code(self) -> &'static str {
        match self {
            Area::Basic => "basic",
            Area::Safety => "safety",
            Area::Law => "law",
        }
    }

    /// Read an area as authors write it: the code or the Chinese name.
    pub fn parse(text: &str) -> Option<Area> {
        match text.trim().to_lowercase().as_str() {
            "basic" | "基础知识" | "基础" => Some(Area::Basic),
            "safety" | "安全知识" | "安全" => Some(Area::Safety),
            "law" | "法规标准知识" | "法规标准" | "法规" => Some(Area::Law),
            _ => None,
        }
    }
}

/// Most options a choice question may have (labels A–F).
pub const MAX_OPTIONS: usize = 6;

/// A set of option indices (0 = A), as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct OptionSet(u8);

impl OptionSet {
    /// The empty set.
    pub const EMPTY: OptionSet = OptionSet(0);

    /// Set from option indices; indices ≥ [`MAX_OPTIONS`] are rejected.
    pub fn from_indices(indices: impl IntoIterator<Item = usize>) -> Option<OptionSet> {
        let mut bits = 0u8;
        for i in indices {
            if i >= MAX_OPTIONS {
                return None;
            }
            bits |= 1 << i;
        }
        Some(OptionSet(bits))
    }

    /// Indices in ascending order.
    pub fn indices(self) -> impl Iterator<Item = usize> {
        (0..MAX_OPTIONS).filter(move |i| self.0 & (1 << i) != 0)
    }

    /// Number of options in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether option `i` is in the set.
    pub fn contains(self, i: usize) -> bool {
        i < MAX_OPTIONS && self.0 & (1 << i) != 0
    }

    /// Whether no option is chosen.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every option of `self` is also in `other`.
    pub fn is_subset(self, other: OptionSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// Whether every index is below `n`.
    pub fn fits(self, n: usize) -> bool {
        self.indices().all(|i| i < n)
    }

    /// Letters in ascending order, e.g. `ACD`.
    pub fn letters(self) -> String {
        self.indices().map(|i| (b'A' + i as u8) as char).collect()
    }

    /// Parse letters (`A`–`F`, any order, case-insensitive, no repeats).
    pub fn parse_letters(s: &str) -> Option<OptionSet> {
        let mut bits = 0u8;
        for c in s.chars() {
            let c = c.to_ascii_uppercase();
            if !('A'..='F').contains(&c) {
                return None;
            }
            let bit = 1 << (c as u8 - b'A');
            if bits & bit != 0 {
                return None;
            }
            bits |= bit;
        }
        Some(OptionSet(bits))
    }
}

/// A key or a candidate's answer, in one labelling (bank order or display order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    /// 判断题: true (对) or false (错).
    Judge(bool),
    /// 选择题: the chosen options.
    Choice(OptionSet),
}

impl Answer {
    /// Wire form: `T`/`F` for judge questions, letters for choices.
    pub fn to_wire(self) -> String {
        match self {
            Answer::Judge(true) => "T".to_owned(),
            Answer::Judge(false) => "F".to_owned(),
            Answer::Choice(set) => set.letters(),
        }
    }

    /// Parse the wire form for a question of `kind` with `option_count` options.
    ///
    /// Accepts `T`/`F` (also `对`/`错`, `√`/`×`) for judge questions and letters for choices;
    /// a single-choice answer must be exactly one letter.
    pub fn parse(kind: QuestionKind, option_count: usize, s: &str) -> Result<Answer, AnswerError> {
        let s = s.trim();
        match kind {
            QuestionKind::Judge => match s {
                "T" | "t" | "对" | "√" => Ok(Answer::Judge(true)),
                "F" | "f" | "错" | "×" => Ok(Answer::Judge(false)),
                _ => Err(AnswerError::NotJudge(s.to_owned())),
            },
            QuestionKind::Single | QuestionKind::Multiple => {
                let set = OptionSet::parse_letters(s)
                    .ok_or_else(|| AnswerError::NotLetters(s.to_owned()))?;
                if set.is_empty() {
                    return Err(AnswerError::NotLetters(s.to_owned()));
                }
                if !set.fits(option_count) {
                    return Err(AnswerError::NoSuchOption {
                        answer: s.to_owned(),
                        options: option_count,
                    });
                }
                if kind == QuestionKind::Single && set.len() != 1 {
                    return Err(AnswerError::SingleNeedsOne(s.to_owned()));
                }
                Ok(Answer::Choice(set))
            }
        }
    }
}

/// Why an answer string does not fit its question.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// A judge question needs `T` or `F`.
    #[error("判断题答案应为 T 或 F，收到 `{0}`")]
    NotJudge(String),
    /// A choice needs option letters.
    #[error("选择题答案应为选项字母（A–F），收到 `{0}`")]
    NotLetters(String),
    /// A letter beyond the question's options.
    #[error("答案 `{answer}` 超出本题选项范围（共 {options} 个选项）")]
    NoSuchOption {
        /// The answer as received.
        answer: String,
        /// How many options the question has.
        options: usize,
    },
    /// Single choice with zero or several letters.
    #[error("单选题只能选择一个选项，收到 `{0}`")]
    SingleNeedsOne(String),
}

/// One question of a bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Stable id, unique across banks.
    pub id: QuestionId,
    /// Who the question is for (`Q2` = every driver).
    pub scope: Subject,
    /// Question type.
    pub kind: QuestionKind,
    /// Content area.
    pub area: Area,
    /// Syllabus topic.
    pub topic: String,
    /// Finer topic.
    pub subtopic: String,
    /// 1 (easy) to 5 (hard).
    pub difficulty: u8,
    /// Question text.
    pub stem: String,
    /// Option texts in bank order (empty for judge questions).
    pub options: Vec<String>,
    /// The key, in bank order.
    pub key: Answer,
    /// Points for a fully correct answer, in tenths of a point.
    pub points_tenths: u32,
    /// Why the key is right.
    pub explanation: String,
    /// Standard or law clause the key rests on.
    pub reference: Option<String>,
    /// Questions that give this one away (or are given away by it): never on one paper.
    /// The relation is symmetric; the bank closes it when it loads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enemies: Vec<QuestionId>,
}

impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_wire())
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "T" => Ok(Answer::Judge(true)),
            "F" => Ok(Answer::Judge(false)),
            _ => OptionSet::parse_letters(&s)
                .filter(|set| !set.is_empty())
                .map(Answer::Choice)
                .ok_or_else(|| serde::de::Error::custom(format!("bad answer `{s}`"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_round_trip_and_reject_repeats() {
        let set = OptionSet::parse_letters("dA").unwrap();
        assert_eq!(set.letters(), "AD");
        assert!(OptionSet::parse_letters("AA").is_none());
        assert!(OptionSet::parse_letters("G").is_none());
    }

    #[test]
    fn parse_answer_checks_kind_and_range() {
        assert_eq!(
            Answer::parse(QuestionKind::Judge, 0, "对"),
            Ok(Answer::Judge(true))
        );
        assert!(matches!(
            Answer::parse(QuestionKind::Judge, 0, "A"),
            Err(AnswerError::NotJudge(_))
        ));
        assert!(matches!(
            Answer::parse(QuestionKind::Single, 4, "AB"),
            Err(AnswerError::SingleNeedsOne(_))
        ));
        assert!(matches!(
            Answer::parse(QuestionKind::Single, 4, "E"),
            Err(AnswerError::NoSuchOption { .. })
        ));
        assert!(matches!(
            Answer::parse(QuestionKind::Multiple, 4, ""),
            Err(AnswerError::NotLetters(_))
        ));
        assert_eq!(
            Answer::parse(QuestionKind::Multiple, 5, "eb")
                .unwrap()
                .to_wire(),
            "BE"
        );
    }
}
