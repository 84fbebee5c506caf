//! The bundled bank format: TOML, one `[bank]` header and `[[question]]` tables, as
//! documented in `banks/README.md`.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::check_options_and_key;
use crate::bank::{BankErrors, BankFile, BankHeader, BankIssue};
use crate::question::{Area, Question, QuestionId, QuestionKind};
use crate::subject::Subject;

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    bank: RawHeader,
    #[serde(default)]
    question: Vec<toml::Spanned<RawQuestion>>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: String,
    title: String,
    scope: String,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    kind: String,
    area: String,
    topic: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    subtopic: String,
    difficulty: i64,
    stem: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    options: Vec<String>,
    answer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    explanation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    points: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    enemies: Vec<String>,
    /// Overrides the file's scope for this question.
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn is_id(s: &str, upper: bool) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            c == '-'
                || c.is_ascii_digit()
                || if upper {
                    c.is_ascii_uppercase()
                } else {
                    c.is_ascii_lowercase()
                }
        })
}

/// Parse and validate one bank file in the TOML format of `banks/README.md`.
///
/// Collects every problem rather than stopping at the first, so an author fixes a file in
/// one pass.
pub fn parse_bank_toml(file: &str, text: &str) -> Result<BankFile, BankErrors> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, None), |s| {
            let (l, c) = line_col(text, s.start);
            (l, Some(c))
        });
        BankErrors(vec![BankIssue {
            file: file.to_owned(),
            line,
            column,
            field: "-".to_owned(),
            reason: format!("TOML 语法错误: {}", e.message()),
        }])
    })?;

    let mut issues = Vec::new();
    let mut issue = |line: usize, field: &str, reason: String| {
        issues.push(BankIssue {
            file: file.to_owned(),
            line,
            column: None,
            field: field.to_owned(),
            reason,
        });
    };
    if !is_id(&raw.bank.id, false) {
        issue(
            1,
            "bank.id",
            format!("题库 id `{}` 只能包含小写字母、数字和连字符", raw.bank.id),
        );
    }
    let scope = raw.bank.scope.parse::<Subject>().unwrap_or_else(|e| {
        issue(1, "bank.scope", e.to_string());
        Subject::Q1
    });

    let mut questions = Vec::with_capacity(raw.question.len());
    let mut rows = Vec::with_capacity(raw.question.len());
    let mut seen = HashSet::new();
    for spanned in raw.question {
        let line = line_col(text, spanned.span().start).0;
        let q = spanned.into_inner();
        let mut bad = |field: &str, reason: String| issue(line, field, reason);
        if !is_id(&q.id, true) {
            bad(
                "id",
                format!("题目 id `{}` 只能包含大写字母、数字和连字符", q.id),
            );
        } else if !seen.insert(q.id.clone()) {
            bad("id", format!("题目 id `{}` 重复", q.id));
        }
        let q_scope = match q.scope.as_deref().map(str::parse::<Subject>) {
            None => scope,
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                bad("scope", e.to_string());
                scope
            }
        };
        let kind = match q.kind.as_str() {
            "judge" => Some(QuestionKind::Judge),
            "single" => Some(QuestionKind::Single),
            "multiple" => Some(QuestionKind::Multiple),
            other => {
                bad(
                    "kind",
                    format!("题型 `{other}` 无效，应为 judge / single / multiple"),
                );
                None
            }
        };
        let area = match q.area.as_str() {
            "basic" => Some(Area::Basic),
            "safety" => Some(Area::Safety),
            "law" => Some(Area::Law),
            other => {
                bad(
                    "area",
                    format!("知识领域 `{other}` 无效，应为 basic / safety / law"),
                );
                None
            }
        };
        if !(1..=5).contains(&q.difficulty) {
            bad("difficulty", format!("难度 {} 超出范围 1–5", q.difficulty));
        }
        if q.stem.trim().is_empty() {
            bad("stem", "题干为空".to_owned());
        }
        if q.topic.trim().is_empty() {
            bad("topic", "知识点（topic）为空".to_owned());
        }
        let points_tenths = match q.points {
            None => Some(10),
            Some(p)
                if (0.1..=100.0).contains(&p) && ((p * 10.0).round() - p * 10.0).abs() < 1e-9 =>
            {
                Some((p * 10.0).round() as u32)
            }
            Some(p) => {
                bad(
                    "points",
                    format!("分值 {p} 无效，应为 0.1–100 且最多一位小数"),
                );
                None
            }
        };
        let key = kind.and_then(|kind| {
            check_options_and_key(kind, &q.options, &q.answer)
                .map_err(|(f, r)| bad(f, r))
                .ok()
        });

        if let (Some(kind), Some(area), Some(key), Some(points_tenths)) =
            (kind, area, key, points_tenths)
        {
            rows.push(line);
            questions.push(Question {
                id: QuestionId(q.id),
                scope: q_scope,
                kind,
                area,
                topic: q.topic,
                subtopic: q.subtopic,
                difficulty: q.difficulty.clamp(1, 5) as u8,
                stem: q.stem,
                options: q.options,
                key,
                points_tenths,
                explanation: q.explanation,
                reference: q.reference,
                enemies: q.enemies.into_iter().map(QuestionId).collect(),
            });
        }
    }
    if issues.is_empty() {
        Ok(BankFile {
            header: BankHeader {
                id: raw.bank.id,
                title: raw.bank.title,
                scope,
            },
            questions,
            rows,
        })
    } else {
        Err(BankErrors(issues))
    }
}

/// Write questions as a bank file in this format (the shape `parse_bank_toml` reads).
pub fn write(header: &BankHeader, questions: &[Question]) -> String {
    let raw = RawFile {
        bank: RawHeader {
            id: header.id.clone(),
            title: header.title.clone(),
            scope: header.scope.code(),
        },
        question: questions
            .iter()
            .map(|q| {
                toml::Spanned::new(
                    0..0,
                    RawQuestion {
                        id: q.id.0.clone(),
                        kind: q.kind.code().to_owned(),
                        area: q.area.code().to_owned(),
                        topic: q.topic.clone(),
                        subtopic: q.subtopic.clone(),
                        difficulty: i64::from(q.difficulty),
                        stem: q.stem.clone(),
                        options: q.options.clone(),
                        answer: q.key.to_wire(),
                        explanation: q.explanation.clone(),
                        reference: q.reference.clone(),
                        points: (q.points_tenths != 10).then(|| f64::from(q.points_tenths) / 10.0),
                        enemies: q.enemies.iter().map(|e| e.0.clone()).collect(),
                        scope: (q.scope != header.scope).then(|| q.scope.code()),
                    },
                )
            })
            .collect(),
    };
    toml::to_string(&raw).expect("bank serializes as TOML")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::Bank;
    use crate::question::{Answer, OptionSet};

    const GOOD: &str = r#"
[bank]
id = "t"
title = "测试"
scope = "Q2-bridge"

[[question]]
id = "T-1"
kind = "judge"
area = "law"
topic = "证书"
difficulty = 1
stem = "作业人员证书有效期为4年。"
answer = "T"

[[question]]
id = "T-2"
kind = "multiple"
area = "safety"
topic = "安全装置"
difficulty = 3
stem = "下列属于安全装置的是（ ）。"
options = ["起升高度限位器", "缓冲器", "卷筒"]
answer = "AB"
"#;

    #[test]
    fn good_file_parses() {
        let f = parse_bank_toml("good.toml", GOOD).unwrap();
        assert_eq!(f.questions.len(), 2);
        assert_eq!(
            f.questions[1].key,
            Answer::Choice(OptionSet::parse_letters("AB").unwrap())
        );
        assert_eq!(f.header.scope.code(), "Q2-bridge");
    }

    #[test]
    fn broken_rows_report_file_line_field_and_reason() {
        let text = GOOD
            .replace("answer = \"AB\"", "answer = \"AD\"")
            .replace("difficulty = 1", "difficulty = 9");
        let errs = parse_bank_toml("bad.toml", &text).unwrap_err().0;
        assert_eq!(errs.len(), 2);
        assert_eq!(
            (errs[0].file.as_str(), errs[0].line, errs[0].field.as_str()),
            ("bad.toml", 7, "difficulty")
        );
        assert_eq!((errs[1].line, errs[1].field.as_str()), (16, "answer"));
        assert!(
            errs[1].reason.contains("不存在的选项"),
            "{}",
            errs[1].reason
        );
    }

    #[test]
    fn syntax_error_has_position() {
        let errs = parse_bank_toml("x.toml", "[bank]\nid = \"t\"\ntitle = \n")
            .unwrap_err()
            .0;
        assert_eq!(errs[0].line, 3);
        assert!(errs[0].column.is_some());
    }

    #[test]
    fn version_depends_on_content_and_survives_json() {
        let a = Bank::from_toml_files([("a", GOOD)]).unwrap();
        let again = Bank::from_json(&a.to_json()).unwrap();
        assert_eq!(a.version(), again.version());
        let b = Bank::from_toml_files([("a", &*GOOD.replace("4年", "5年"))]).unwrap();
        assert_ne!(a.version(), b.version());
    }

    #[test]
    fn writes_what_it_reads() {
        crate::formats::round_trip::check(crate::formats::Format::Toml, |_| {});
    }

    #[test]
    fn duplicate_ids_across_files_are_rejected() {
        let err = Bank::from_toml_files([("a", GOOD), ("b", GOOD)]).unwrap_err();
        assert!(err.to_string().contains("T-1"));
    }
}
