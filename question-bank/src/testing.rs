//! Synthetic banks for unit and property tests.

use crate::bank::Bank;
use crate::question::{Answer, Area, OptionSet, Question, QuestionId, QuestionKind};
use crate::subject::{CraneType, Subject};

/// `n` questions for every scope (Q1, Q2, Q2-bridge) × area × kind.
pub fn sample_bank(n: usize) -> Bank {
    let scopes = [
        Subject::Q1,
        Subject::Q2(None),
        Subject::Q2(Some(CraneType::Bridge)),
    ];
    let mut questions = Vec::new();
    for scope in scopes {
        for area in Area::ALL {
            for kind in QuestionKind::ALL {
                for i in 0..n {
                    let (options, key) = match kind {
                        QuestionKind::Judge => (vec![], Answer::Judge(i % 2 == 0)),
                        QuestionKind::Single => (
                            opts(4),
                            Answer::Choice(OptionSet::from_indices([i % 4]).unwrap()),
                        ),
                        QuestionKind::Multiple => (
                            opts(5),
                            Answer::Choice(OptionSet::from_indices([i % 5, (i + 2) % 5]).unwrap()),
                        ),
                    };
                    questions.push(Question {
                        id: QuestionId(
                            format!("{}-{:?}-{:?}-{i}", scope.code(), area, kind).to_uppercase(),
                        ),
                        scope,
                        kind,
                        area,
                        topic: "测试".into(),
                        subtopic: String::new(),
                        difficulty: 1 + (i % 5) as u8,
                        stem: format!("题 {i}"),
                        options,
                        key,
                        points_tenths: 10,
                        explanation: String::new(),
                        reference: None,
                        enemies: Vec::new(),
                    });
                }
            }
        }
    }
    Bank::new(questions).expect("unique ids")
}

fn opts(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("选项{i}")).collect()
}
