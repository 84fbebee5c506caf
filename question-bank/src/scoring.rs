//! 自动判卷评分: marking a paper against the bank version it was drawn from.

use serde::{Deserialize, Serialize};

use crate::bank::Bank;
use crate::blueprint::{Blueprint, ScoringRule};
use crate::paper::Paper;
use crate::question::{Answer, Area, Question, QuestionId};

/// Points earned on one question, in tenths.
pub fn mark(question: &Question, answer: Option<Answer>, rule: ScoringRule) -> u32 {
    match (answer, question.key) {
        (None, _) => 0,
        (Some(a), key) if a == key => question.points_tenths,
        (Some(Answer::Choice(given)), Answer::Choice(key)) => match rule {
            ScoringRule::PartialCredit { percent } if !given.is_empty() && given.is_subset(key) => {
                question.points_tenths * u32::from(percent.min(100)) / 100
            }
            _ => 0,
        },
        _ => 0,
    }
}

/// The marking of one question of a paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkedQuestion {
    /// Bank question.
    pub id: QuestionId,
    /// Content area.
    pub area: Area,
    /// Candidate's answer in bank labels.
    pub answer: Option<Answer>,
    /// Key in bank labels.
    pub key: Answer,
    /// Points earned, tenths.
    pub earned_tenths: u32,
    /// Points available, tenths.
    pub max_tenths: u32,
}

/// A marked paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreReport {
    /// Per question, in paper order.
    pub questions: Vec<MarkedQuestion>,
    /// Total earned, tenths.
    pub total_tenths: u32,
    /// Total available, tenths.
    pub max_tenths: u32,
    /// Whether the pass mark was reached.
    pub passed: bool,
    /// Questions left unanswered.
    pub unanswered: usize,
}

/// A paper refers to a question its bank version does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("试卷中的题目 {0} 不在题库版本中")]
pub struct MissingQuestion(pub QuestionId);

/// Mark a paper. `answers[i]` is the answer to question `i + 1` in bank labels.
pub fn score_paper(
    bank: &Bank,
    blueprint: &Blueprint,
    paper: &Paper,
    answers: &[Option<Answer>],
) -> Result<ScoreReport, MissingQuestion> {
    let mut questions = Vec::with_capacity(paper.questions.len());
    for (i, pq) in paper.questions.iter().enumerate() {
        let q = bank
            .get(&pq.id)
            .ok_or_else(|| MissingQuestion(pq.id.clone()))?;
        let answer = answers.get(i).copied().flatten();
        questions.push(MarkedQuestion {
            id: q.id.clone(),
            area: q.area,
            answer,
            key: q.key,
            earned_tenths: mark(q, answer, blueprint.scoring),
            max_tenths: q.points_tenths,
        });
    }
    let total_tenths = questions.iter().map(|m| m.earned_tenths).sum();
    let max_tenths = questions.iter().map(|m| m.max_tenths).sum();
    let unanswered = questions.iter().filter(|m| m.answer.is_none()).count();
    Ok(ScoreReport {
        questions,
        total_tenths,
        max_tenths,
        passed: total_tenths >= blueprint.pass_mark_tenths,
        unanswered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paper::assemble_paper;
    use crate::question::{OptionSet, QuestionKind};
    use crate::subject::Subject;
    use crate::testing::sample_bank;
    use proptest::prelude::*;

    fn multi(bank: &Bank) -> &Question {
        bank.questions()
            .iter()
            .find(|q| q.kind == QuestionKind::Multiple)
            .unwrap()
    }

    #[test]
    fn multiple_choice_all_or_nothing_by_default_partial_when_configured() {
        let bank = sample_bank(30);
        let q = multi(&bank);
        let Answer::Choice(key) = q.key else {
            panic!("multiple has a choice key")
        };
        let first = OptionSet::from_indices(key.indices().take(1)).unwrap();
        assert_eq!(mark(q, Some(q.key), ScoringRule::AllOrNothing), 10);
        assert_eq!(
            mark(q, Some(Answer::Choice(first)), ScoringRule::AllOrNothing),
            0
        );
        assert_eq!(
            mark(
                q,
                Some(Answer::Choice(first)),
                ScoringRule::PartialCredit { percent: 50 }
            ),
            5
        );
        let wrong = OptionSet::from_indices(
            (0..q.options.len()).filter(|i| !key.indices().any(|k| k == *i)),
        )
        .unwrap();
        assert_eq!(
            mark(
                q,
                Some(Answer::Choice(wrong)),
                ScoringRule::PartialCredit { percent: 50 }
            ),
            0
        );
        assert_eq!(mark(q, None, ScoringRule::AllOrNothing), 0);
    }

    proptest! {
        #[test]
        fn score_is_sum_of_marks_and_bounded(seed: u64, pattern in proptest::collection::vec(0u8..4, 100), partial: bool) {
            let bank = sample_bank(30);
            let mut bp = Blueprint::standard(Subject::Q1);
            if partial { bp.scoring = ScoringRule::PartialCredit { percent: 50 }; }
            let paper = assemble_paper(&bank, &bp, seed).unwrap();
            // 0: blank, 1: the key, 2: judge flipped / first option, 3: judge true / all options.
            let answers: Vec<Option<Answer>> = paper.questions.iter().zip(&pattern).map(|(pq, p)| {
                let q = bank.get(&pq.id).unwrap();
                match (p, q.key) {
                    (0, _) => None,
                    (1, k) => Some(k),
                    (2, Answer::Judge(b)) => Some(Answer::Judge(!b)),
                    (3, Answer::Judge(_)) => Some(Answer::Judge(true)),
                    (2, _) => Some(Answer::Choice(OptionSet::from_indices([0]).unwrap())),
                    (_, _) => Some(Answer::Choice(OptionSet::from_indices(0..q.options.len()).unwrap())),
                }
            }).collect();
            let report = score_paper(&bank, &bp, &paper, &answers).unwrap();
            prop_assert_eq!(report.total_tenths, report.questions.iter().map(|m| m.earned_tenths).sum::<u32>());
            prop_assert!(report.total_tenths <= report.max_tenths);
            prop_assert_eq!(report.max_tenths, 1000);
            let keyed = pattern.iter().filter(|&&p| p == 1).count() as u32;
            prop_assert!(report.total_tenths >= keyed * 10, "every keyed answer scores in full");
            prop_assert_eq!(report.unanswered, pattern.iter().filter(|&&p| p == 0).count());
            prop_assert_eq!(report.passed, report.total_tenths >= 700);
            // All keys → full marks.
            let perfect: Vec<_> = paper.questions.iter().map(|pq| Some(bank.get(&pq.id).unwrap().key)).collect();
            prop_assert_eq!(score_paper(&bank, &bp, &paper, &perfect).unwrap().total_tenths, 1000);
        }
    }
}
