//! Papers: random assembly from a seed, and the mapping between the option order a
//! candidate sees and the bank's own order.

use serde::{Deserialize, Serialize};

use crate::assembly::{Assembler, Exposure};
use crate::bank::{Bank, BankVersion};
use crate::blueprint::{Blueprint, BlueprintError};
use crate::question::{Answer, OptionSet, QuestionId};
use crate::subject::Subject;

/// One question as placed on a paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperQuestion {
    /// The bank question.
    pub id: QuestionId,
    /// `order[display position] = bank option index`; empty for judge questions, which are
    /// never shuffled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub order: Vec<u8>,
}

impl PaperQuestion {
    /// Translate an answer from display labels (what the candidate saw) to bank labels.
    pub fn to_bank(&self, display: Answer) -> Answer {
        match display {
            Answer::Choice(set) if !self.order.is_empty() => Answer::Choice(
                OptionSet::from_indices(
                    set.indices()
                        .filter_map(|d| self.order.get(d).map(|&b| usize::from(b))),
                )
                .expect("order holds valid option indices"),
            ),
            other => other,
        }
    }

    /// Translate an answer from bank labels to display labels.
    pub fn to_display(&self, bank: Answer) -> Answer {
        match bank {
            Answer::Choice(set) if !self.order.is_empty() => Answer::Choice(
                OptionSet::from_indices(
                    set.indices()
                        .filter_map(|b| self.order.iter().position(|&o| usize::from(o) == b)),
                )
                .expect("positions are below MAX_OPTIONS"),
            ),
            other => other,
        }
    }
}

/// A candidate's paper: everything needed to show it and to re-score it from the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paper {
    /// Subject it was assembled for.
    pub subject: Subject,
    /// Bank version it was drawn from.
    pub bank_version: BankVersion,
    /// The seed that reproduces it.
    pub seed: u64,
    /// Questions in paper order (question number = index + 1).
    pub questions: Vec<PaperQuestion>,
}

/// Assemble one paper with no session history: see [`Assembler::assemble`]. The same
/// bank, blueprint and seed always give the same paper.
pub fn assemble_paper(
    bank: &Bank,
    blueprint: &Blueprint,
    seed: u64,
) -> Result<Paper, BlueprintError> {
    Assembler::new(bank, blueprint)?.assemble(seed, &Exposure::new(bank))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::QuestionKind;
    use crate::testing::sample_bank;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn bp() -> Blueprint {
        Blueprint::standard(Subject::Q2(Some(crate::subject::CraneType::Bridge)))
    }

    #[test]
    fn display_and_bank_labels_are_inverse() {
        let pq = PaperQuestion {
            id: QuestionId("X".into()),
            order: vec![2, 0, 3, 1],
        };
        let shown = Answer::Choice(OptionSet::parse_letters("A").unwrap());
        assert_eq!(pq.to_bank(shown).to_wire(), "C");
        assert_eq!(pq.to_display(pq.to_bank(shown)), shown);
    }

    #[test]
    fn too_small_pool_is_an_error_not_a_short_paper() {
        let bank = sample_bank(5);
        assert!(matches!(
            assemble_paper(&bank, &bp(), 1),
            Err(BlueprintError::PoolTooSmall { .. })
        ));
    }

    proptest! {
        #[test]
        fn papers_meet_the_blueprint_exactly(seed: u64) {
            let bank = sample_bank(30);
            let bp = bp();
            let paper = assemble_paper(&bank, &bp, seed).unwrap();
            prop_assert_eq!(paper.questions.len(), 100);
            let ids: HashSet<_> = paper.questions.iter().map(|q| &q.id).collect();
            prop_assert_eq!(ids.len(), 100, "no question twice");
            for cell in bp.cells() {
                let n = paper.questions.iter().map(|pq| bank.get(&pq.id).unwrap())
                    .filter(|q| q.area == cell.area && q.kind == cell.kind).count();
                prop_assert_eq!(n, usize::from(cell.count));
            }
            for pq in &paper.questions {
                let q = bank.get(&pq.id).unwrap();
                prop_assert!(bp.subject.draws_from(q.scope));
                let mut sorted = pq.order.clone();
                sorted.sort();
                prop_assert_eq!(sorted, (0..q.options.len() as u8).collect::<Vec<_>>());
                if q.kind == QuestionKind::Judge { prop_assert!(pq.order.is_empty()); }
            }
            // Kinds come in paper order: judge, then single, then multiple.
            let kinds: Vec<_> = paper.questions.iter().map(|pq| bank.get(&pq.id).unwrap().kind).collect();
            prop_assert!(kinds.windows(2).all(|w| w[0] <= w[1]));
        }

        #[test]
        fn same_seed_same_paper_other_seed_other_paper(seed: u64) {
            let bank = sample_bank(30);
            let a = assemble_paper(&bank, &bp(), seed).unwrap();
            prop_assert_eq!(&a, &assemble_paper(&bank, &bp(), seed).unwrap());
            prop_assert_ne!(a, assemble_paper(&bank, &bp(), seed.wrapping_add(1)).unwrap());
        }

        #[test]
        fn label_mapping_round_trips(order in Just((0u8..5).collect::<Vec<_>>()).prop_shuffle(), bits in 1u8..32) {
            let pq = PaperQuestion { id: QuestionId("X".into()), order };
            let set = OptionSet::from_indices((0..5).filter(|i| bits & (1 << i) != 0)).unwrap();
            prop_assert_eq!(pq.to_display(pq.to_bank(Answer::Choice(set))), Answer::Choice(set));
            prop_assert_eq!(pq.to_bank(Answer::Choice(set)).to_wire().len(), set.len());
        }
    }
}
