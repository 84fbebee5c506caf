//! The question banks shipped with CraneExam, compiled in as data (`banks/*.toml`).

use crate::bank::{Bank, BankErrors};

/// `(file name, TOML text)` of every bundled bank file.
pub const FILES: &[(&str, &str)] = &[
    (
        "q1-knowledge.toml",
        include_str!("../banks/q1-knowledge.toml"),
    ),
    ("q1-safety.toml", include_str!("../banks/q1-safety.toml")),
    (
        "q2-common-knowledge.toml",
        include_str!("../banks/q2-common-knowledge.toml"),
    ),
    (
        "q2-common-safety.toml",
        include_str!("../banks/q2-common-safety.toml"),
    ),
    ("q2-bridge.toml", include_str!("../banks/q2-bridge.toml")),
    ("q1-signals.toml", include_str!("../banks/q1-signals.toml")),
    (
        "q1-operations.toml",
        include_str!("../banks/q1-operations.toml"),
    ),
    (
        "q2-common-operations.toml",
        include_str!("../banks/q2-common-operations.toml"),
    ),
    ("q2-gantry.toml", include_str!("../banks/q2-gantry.toml")),
    ("q2-tower.toml", include_str!("../banks/q2-tower.toml")),
    ("q2-portal.toml", include_str!("../banks/q2-portal.toml")),
    ("q2-cable.toml", include_str!("../banks/q2-cable.toml")),
    ("q2-mobile.toml", include_str!("../banks/q2-mobile.toml")),
];

/// Parse and validate every bundled file into one bank.
pub fn bundled_bank() -> Result<Bank, BankErrors> {
    Bank::from_toml_files(FILES.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::Blueprint;
    use crate::paper::assemble_paper;
    use crate::question::QuestionKind;
    use crate::subject::{CraneType, Subject};

    #[test]
    fn bundled_banks_are_valid_and_every_subject_is_feasible() {
        let bank = bundled_bank().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            bank.questions().len() >= 1_500,
            "{} questions",
            bank.questions().len()
        );
        let subjects = crate::check::subjects(&bank);
        assert!(subjects.contains(&Subject::Q1));
        assert!(subjects.contains(&Subject::Q2(Some(CraneType::Bridge))));
        for subject in subjects {
            let bp = Blueprint::standard(subject);
            assert_eq!(bp.shortfalls(&bank), vec![], "{subject}");
            crate::Assembler::new(&bank, &bp).unwrap_or_else(|e| panic!("{subject}: {e}"));
        }
    }

    #[test]
    fn bundled_papers_differ_between_candidates() {
        let bank = bundled_bank().unwrap();
        let bp = Blueprint::standard(Subject::Q2(Some(CraneType::Bridge)));
        let a = assemble_paper(&bank, &bp, 1).unwrap();
        let b = assemble_paper(&bank, &bp, 2).unwrap();
        let shared = a
            .questions
            .iter()
            .filter(|q| b.questions.iter().any(|r| r.id == q.id))
            .count();
        assert!(shared < 90, "papers share {shared} of 100 questions");
    }

    #[test]
    fn bundled_judge_keys_are_balanced() {
        let bank = bundled_bank().unwrap();
        let judges: Vec<_> = bank
            .questions()
            .iter()
            .filter(|q| q.kind == QuestionKind::Judge)
            .collect();
        let trues = judges
            .iter()
            .filter(|q| q.key == crate::question::Answer::Judge(true))
            .count();
        let share = trues as f64 / judges.len() as f64;
        assert!(
            (0.35..=0.65).contains(&share),
            "{trues} of {} judge keys are T",
            judges.len()
        );
    }
}
