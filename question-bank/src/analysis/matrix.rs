//! The input: items and examinees' marked responses, checked against each other once.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::item::{analyse_item, ItemStats};
use super::session::{summarise, SessionStats};
use crate::question::{Answer, Question, QuestionId, QuestionKind};
use crate::scoring::{MarkedQuestion, ScoreReport};

/// What the analysis needs to know about one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemMeta {
    /// Bank question.
    pub id: QuestionId,
    /// Question type.
    pub kind: QuestionKind,
    /// Number of options (0 for judge questions).
    pub option_count: usize,
    /// The key, in bank labels.
    pub key: Answer,
}

impl From<&Question> for ItemMeta {
    fn from(q: &Question) -> Self {
        ItemMeta {
            id: q.id.clone(),
            kind: q.kind,
            option_count: q.options.len(),
            key: q.key,
        }
    }
}

/// One examinee's marked response to one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResponse {
    /// Bank question.
    pub item: QuestionId,
    /// The answer in bank labels; `None` when omitted.
    pub answer: Option<Answer>,
    /// Marked fully correct. Partial credit is not correct: the item statistics are
    /// dichotomous.
    pub correct: bool,
    /// Points earned on this item, tenths (partial credit included).
    pub earned_tenths: u32,
}

impl From<&MarkedQuestion> for ItemResponse {
    fn from(m: &MarkedQuestion) -> Self {
        ItemResponse {
            item: m.id.clone(),
            answer: m.answer,
            correct: m.answer == Some(m.key),
            earned_tenths: m.earned_tenths,
        }
    }
}

/// One examinee's row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Examinee {
    /// Total score of the paper, tenths.
    pub total_tenths: u32,
    /// The items this examinee saw, each once, in any order.
    pub responses: Vec<ItemResponse>,
}

impl From<&ScoreReport> for Examinee {
    fn from(report: &ScoreReport) -> Self {
        Examinee {
            total_tenths: report.total_tenths,
            responses: report.questions.iter().map(ItemResponse::from).collect(),
        }
    }
}

/// Responses that do not fit the items they claim to answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    /// The item list names one question twice.
    #[error("题目 {0} 在试题列表中重复出现")]
    DuplicateItem(QuestionId),
    /// An item whose key does not fit its type or option count.
    #[error("题目 {0} 的答案与题型或选项数不符")]
    KeyDoesNotFit(QuestionId),
    /// A response to a question missing from the item list (another bank version?).
    #[error("第 {} 名考生作答的题目 {item} 不在试题列表中", .examinee + 1)]
    UnknownItem {
        /// Position of the examinee in the input, from 0.
        examinee: usize,
        /// The question.
        item: QuestionId,
    },
    /// Two responses of one examinee to one question.
    #[error("第 {} 名考生对题目 {item} 有多条作答记录", .examinee + 1)]
    DuplicateResponse {
        /// Position of the examinee in the input, from 0.
        examinee: usize,
        /// The question.
        item: QuestionId,
    },
    /// An answer of the wrong type, or naming an option the question does not have.
    #[error("第 {} 名考生对题目 {item} 的答案 `{answer}` 与题型或选项数不符", .examinee + 1)]
    AnswerDoesNotFit {
        /// Position of the examinee in the input, from 0.
        examinee: usize,
        /// The question.
        item: QuestionId,
        /// The answer in wire form.
        answer: String,
    },
}

/// A checked response matrix: every response names a known item, at most once per
/// examinee, with an answer that fits it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseMatrix {
    items: Vec<ItemMeta>,
    examinees: Vec<Examinee>,
    index: HashMap<QuestionId, usize>,
}

impl ResponseMatrix {
    /// Check `examinees` against `items`. Examinee order matters only as the tiebreak for
    /// the discrimination groups (see [`ItemStats::discrimination`]): pass them in a
    /// stable order, e.g. by candidate id, so reports are reproducible.
    pub fn new(items: Vec<ItemMeta>, examinees: Vec<Examinee>) -> Result<Self, AnalysisError> {
        let mut index = HashMap::with_capacity(items.len());
        for (i, meta) in items.iter().enumerate() {
            if index.insert(meta.id.clone(), i).is_some() {
                return Err(AnalysisError::DuplicateItem(meta.id.clone()));
            }
            if !fits(meta, meta.key) {
                return Err(AnalysisError::KeyDoesNotFit(meta.id.clone()));
            }
        }
        for (examinee, e) in examinees.iter().enumerate() {
            let mut seen = HashSet::new();
            for r in &e.responses {
                let item = || r.item.clone();
                let meta = index.get(&r.item).map(|&i| &items[i]).ok_or_else(|| {
                    AnalysisError::UnknownItem {
                        examinee,
                        item: item(),
                    }
                })?;
                if !seen.insert(&r.item) {
                    return Err(AnalysisError::DuplicateResponse {
                        examinee,
                        item: item(),
                    });
                }
                if let Some(answer) = r.answer.filter(|&a| !fits(meta, a)) {
                    let answer = answer.to_wire();
                    return Err(AnalysisError::AnswerDoesNotFit {
                        examinee,
                        item: item(),
                        answer,
                    });
                }
            }
        }
        Ok(ResponseMatrix {
            items,
            examinees,
            index,
        })
    }

    /// The items, in the order given.
    pub fn items(&self) -> &[ItemMeta] {
        &self.items
    }

    /// The examinees, in the order given.
    pub fn examinees(&self) -> &[Examinee] {
        &self.examinees
    }

    /// Statistics for every item, in item order (items nobody saw included, with `n = 0`).
    pub fn item_stats(&self) -> Vec<ItemStats> {
        // Rank once: total score descending; the stable sort keeps input order among ties.
        let mut ranked: Vec<&Examinee> = self.examinees.iter().collect();
        ranked.sort_by_key(|e| std::cmp::Reverse(e.total_tenths));
        let mut by_item: Vec<Vec<(&ItemResponse, u32)>> = vec![Vec::new(); self.items.len()];
        for e in ranked {
            for r in &e.responses {
                by_item[self.index[&r.item]].push((r, e.total_tenths));
            }
        }
        self.items
            .iter()
            .zip(&by_item)
            .map(|(meta, seen)| analyse_item(meta, seen))
            .collect()
    }

    /// Session statistics, with `pass_mark_tenths` as the lowest passing total.
    pub fn session_stats(&self, pass_mark_tenths: u32) -> SessionStats {
        summarise(&self.examinees, pass_mark_tenths)
    }
}

fn fits(meta: &ItemMeta, answer: Answer) -> bool {
    match (meta.kind, answer) {
        (QuestionKind::Judge, Answer::Judge(_)) => true,
        (QuestionKind::Single, Answer::Choice(set)) => {
            set.len() == 1 && set.fits(meta.option_count)
        }
        (QuestionKind::Multiple, Answer::Choice(set)) => {
            !set.is_empty() && set.fits(meta.option_count)
        }
        _ => false,
    }
}
